// The Statement of Applicability in the browser over the demo organisation, beyond applicability (risk.test.mjs):
// justification, implementation status, owner and evidence edited in place and checked through the API (an
// exclusion without its reason refused at its field); two versions compared; CSV and XLSX exports as the API
// gives them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations } from './harness.mjs';

let server;
let browser;
let api;
const account = (name) => server.credentials.find((c) => c.username === name);

before(async () => {
    [server, browser] = await Promise.all([startServer({ demo: true }), launchBrowser()]);
    api = await apiClient(server, account('anna'));
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

const row = (page, control) => page.locator(`tr[data-control="${control}"]`);
const entry = async (control) => (await api.get('/api/v1/soa')).items.find((e) => e.control === control);
// Waits until the API holds `pred` for the control (each edit is saved as soon as the field changes).
async function until(control, pred, what) {
    for (let i = 0; i < 100; i++) {
        const e = await entry(control);
        if (pred(e)) return e;
        await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${control}: ${what} not saved: ${JSON.stringify(await entry(control))}`);
}

test('justification, status, owner and evidence edited in place; an exclusion needs its reason', async () => {
    const page = await newPage(browser);
    await signIn(page, server, account('anna'));
    await page.goto(`${server.url}/soa`);
    // An applicable control that no risk selected, so its justification is the business need typed here.
    const candidates = (await api.get('/api/v1/soa')).items.filter((e) => e.applicability === 'applicable' && e.risks.length === 0 && e.status !== 'implemented');
    assert.ok(candidates.length > 0);
    const c = candidates[0].control;
    const r = row(page, c);
    await r.waitFor();

    await r.getByLabel(`Business need ${c}`).fill('Customers ask for it in their contracts');
    await r.getByLabel(`Business need ${c}`).press('Tab');
    await until(c, (e) => e.business_need === 'Customers ask for it in their contracts', 'business need');

    await r.getByLabel(`Status ${c}`).selectOption('partial');
    await until(c, (e) => e.status === 'partial', 'status');

    const persons = (await api.get('/api/v1/records/person?limit=100')).items;
    const owner = persons.find((p) => p.id !== candidates[0].owner);
    await r.getByLabel(`Owner ${c}`).selectOption(owner.id);
    await until(c, (e) => e.owner === owner.id, 'owner');

    await r.getByLabel(`Evidence ${c}`).fill('DOC-1, https://intranet.example/controls');
    await r.getByLabel(`Evidence ${c}`).press('Tab');
    const saved = await until(c, (e) => e.evidence.length === 2, 'evidence');
    assert.deepEqual(saved.evidence, ['DOC-1', 'https://intranet.example/controls']);
    // The page shows what the server holds after a reload.
    await page.reload();
    await row(page, c).waitFor();
    assert.equal(await row(page, c).getByLabel(`Status ${c}`).inputValue(), 'partial');
    assert.equal(await row(page, c).getByLabel(`Owner ${c}`).inputValue(), owner.id);
    assert.equal(await row(page, c).getByLabel(`Evidence ${c}`).inputValue(), 'DOC-1, https://intranet.example/controls');
    assert.equal(await row(page, c).getByLabel(`Business need ${c}`).inputValue(), 'Customers ask for it in their contracts');

    // Excluding a control without saying why is refused at the field; with a reason it is stored.
    const undecided = (await api.get('/api/v1/soa')).items.find((e) => e.applicability === 'undecided' && e.risks.length === 0 && e.requirements.length === 0)
        ?? (await api.get('/api/v1/soa')).items.find((e) => e.applicability !== 'not_applicable' && e.risks.length === 0 && e.requirements.length === 0 && e.control !== c);
    const x = undecided.control;
    const xr = row(page, x);
    await xr.getByLabel(`Applicability ${x}`).selectOption('not_applicable');
    // The server's message at the reason's field, which appears; the choice is kept.
    await xr.locator(`[id="soa-${x}-excl-err"]`).getByText(/justification/).waitFor();
    assert.equal(await xr.getByLabel(`Reason for exclusion ${x}`).getAttribute('aria-invalid'), 'true');
    assert.equal(await xr.getByLabel(`Applicability ${x}`).inputValue(), 'not_applicable');
    assert.notEqual((await entry(x)).applicability, 'not_applicable');
    await xr.getByLabel(`Reason for exclusion ${x}`).fill('We run no software development of our own');
    await xr.getByLabel(`Reason for exclusion ${x}`).press('Tab');
    await until(x, (e) => e.applicability === 'not_applicable' && e.exclusion_reason === 'We run no software development of our own', 'exclusion');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    assert.deepEqual(page.problems, []);
});

test('compare two versions: the changes since the approved version; approve and compare versions', async () => {
    const page = await newPage(browser);
    await signIn(page, server, account('anna'));
    await page.goto(`${server.url}/soa`);
    await page.getByTestId('soa-versions').waitFor();
    // Against the current statement: what the API's diff lists.
    const diff = await api.get('/api/v1/soa/diff?from=1&to=current');
    await page.getByLabel('From', { exact: true }).selectOption('1');
    await page.getByLabel('to', { exact: true }).selectOption('current');
    await page.getByRole('button', { name: 'Compare' }).click();
    const table = page.getByTestId('soa-diff');
    await page.getByRole('heading', { level: 2, name: `${diff.changes.length} changes`, exact: true }).waitFor();
    if (diff.changes.length) {
        const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent.trim())));
        assert.deepEqual(rows, diff.changes.map((c) => [c.control, c.field]));
    }

    // Change one decision, approve the statement as version 2, compare 1 with 2.
    const soa = (await api.get('/api/v1/soa')).items;
    const c = soa.find((e) => e.applicability === 'applicable' && e.status !== 'implemented' && e.risks.length === 0);
    await row(page, c.control).getByLabel(`Status ${c.control}`).selectOption('implemented');
    await until(c.control, (e) => e.status === 'implemented', 'status');
    const open = (await api.get('/api/v1/soa/check')).items.length;
    await page.getByLabel('Comment', { exact: true }).fill('Quarterly update');
    if (open) await page.getByLabel('Approve despite open items, because').fill('Open items are planned for next quarter');
    await page.getByTestId('approve').click();
    await page.getByTestId('notice').getByText('Version 2 approved.').waitFor();
    await page.getByLabel('From', { exact: true }).selectOption('1');
    await page.getByLabel('to', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Compare' }).click();
    const d12 = await api.get('/api/v1/soa/diff?from=1&to=2');
    assert.ok(d12.changes.some((x) => x.control === c.control && x.field === 'status' && x.after === 'implemented'));
    await page.getByRole('heading', { level: 2, name: `${d12.changes.length} changes`, exact: true }).waitFor();
    const statusRow = table.locator('tbody tr', { has: page.locator('td', { hasText: new RegExp(`^${c.control.replace('.', '\\.')}$`) }) }).filter({ hasText: 'status' });
    await statusRow.first().waitFor();
    assert.match(await statusRow.first().textContent(), /implemented/);
    assert.deepEqual(page.problems, []);
});

test('CSV and XLSX exports are what the API gives', async () => {
    const page = await newPage(browser);
    await signIn(page, server, account('lars'));
    await page.goto(`${server.url}/soa`);
    await page.getByTestId('soa').locator('tbody tr').first().waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export (CSV)' }).click()]);
    const text = readFileSync(await csv.path(), 'utf8');
    const res = await fetch(`${server.url}/api/v1/soa/export.csv`, { headers: { Cookie: api.headers.Cookie } });
    assert.equal(text, await res.text());
    assert.equal(text.trim().split('\n').length, 94, 'a header and 93 controls');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export (XLSX)' }).click()]);
    assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
    const bytes = readFileSync(await xlsx.path());
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX file is a zip archive');
    assert.deepEqual(page.problems, []);
});
