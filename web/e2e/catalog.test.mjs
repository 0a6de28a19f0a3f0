// The control catalog in the browser: facet chips with counts, two-attribute filtering, the URL as the view,
// group-by and pivot, saved views, the control detail, a refused advanced filter. Expected numbers come
// from the reference data the server loads (data/iso27001-2022/controls.csv), not from the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, newPage, signIn, seriousA11yViolations, describeViolations } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// controls.csv: id,theme,title,control_type,security_properties,…  (multi-valued cells joined by ';')
function readControls() {
    const lines = readFileSync(resolve(here, '../../data/iso27001-2022/controls.csv'), 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    return lines.slice(1).map((line) => {
        // titles may be quoted and contain commas
        const cells = [];
        let cur = '';
        let quoted = false;
        for (const c of line) {
            if (c === '"') quoted = !quoted;
            else if (c === ',' && !quoted) {
                cells.push(cur);
                cur = '';
            } else cur += c;
        }
        cells.push(cur);
        const row = {};
        header.forEach((h, i) => (row[h] = h === 'id' || h === 'title' ? cells[i] : cells[i].split(';').filter(Boolean)));
        return row;
    });
}
const controls = readControls();
const has = (c, family, value) => c[family].includes(value);
const count = (pred) => controls.filter(pred).length;

let server;
let browser;
before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

const resultCount = (page) => page.getByTestId('result-count');
const chip = (page, family, value) => page.locator(`button.chip[data-family="${family}"][data-value="${value}"]`);
const chipCount = async (page, family, value) => Number(await chip(page, family, value).locator('.count').textContent());

test('filter by two attributes: chips count, the result matches, the URL holds the view', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/catalog`);
    await resultCount(page).getByText(`${controls.length} of ${controls.length} controls`).waitFor();
    assert.equal(await page.getByTestId('controls').locator('tbody tr').count(), controls.length);

    const detective = count((c) => has(c, 'control_type', 'Detective'));
    assert.equal(await chipCount(page, 'control_type', 'Detective'), detective);
    await chip(page, 'control_type', 'Detective').click();
    await resultCount(page).getByText(`${detective} of ${controls.length} controls`).waitFor();
    assert.equal(await chip(page, 'control_type', 'Detective').getAttribute('aria-pressed'), 'true');

    // The other families' chips now count within the Detective controls.
    const both = count((c) => has(c, 'control_type', 'Detective') && has(c, 'security_properties', 'Integrity'));
    assert.equal(await chipCount(page, 'security_properties', 'Integrity'), both);
    await chip(page, 'security_properties', 'Integrity').click();
    await resultCount(page).getByText(`${both} of ${controls.length} controls`).waitFor();
    assert.equal(await page.getByTestId('controls').locator('tbody tr').count(), both);
    const ids = await page.getByTestId('controls').locator('tbody tr td:first-child').allTextContents();
    assert.deepEqual(
        ids.map((s) => s.trim()).sort(),
        controls.filter((c) => has(c, 'control_type', 'Detective') && has(c, 'security_properties', 'Integrity')).map((c) => c.id).sort(),
    );

    const url = new URL(page.url());
    assert.equal(url.searchParams.get('control_type'), 'Detective');
    assert.equal(url.searchParams.get('security_properties'), 'Integrity');
    // A bookmark opens the same view.
    const other = await newPage(browser);
    await signIn(other, server);
    await other.goto(page.url());
    await resultCount(other).getByText(`${both} of ${controls.length} controls`).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    assert.deepEqual(page.problems, []);
    assert.deepEqual(other.problems, []);
});

test('free text, group-by with multi-valued groups and the pivot heat map', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/catalog?q=cloud`);
    const cloud = count((c) => c.id.toLowerCase().includes('cloud') || c.title.toLowerCase().includes('cloud'));
    await resultCount(page).getByText(`${cloud} of ${controls.length} controls`).waitFor();

    await page.goto(`${server.url}/catalog`);
    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'Groups' }).click();
    await page.getByTestId('group-by').selectOption('security_properties');
    // A control with three properties appears in three groups.
    const integrity = count((c) => has(c, 'security_properties', 'Integrity'));
    await page.getByRole('heading', { level: 2, name: `Integrity ${integrity} controls` }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('group'), 'security_properties');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'Pivot' }).click();
    await page.getByTestId('pivot-rows').selectOption('control_type');
    await page.getByTestId('pivot-cols').selectOption('theme');
    const cell = count((c) => has(c, 'control_type', 'Preventive') && has(c, 'theme', 'people'));
    const button = page.getByTestId('pivot').getByRole('button', { name: `Preventive, People: ${cell}` });
    await button.waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    // A cell filters the list to its two values.
    await button.click();
    await resultCount(page).getByText(`${cell} of ${controls.length} controls`).waitFor();
    assert.equal(await chip(page, 'theme', 'people').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(page.problems, []);
});

test('save a view and reopen it', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/catalog?control_type=Detective&security_properties=Integrity&group=theme`);
    const both = count((c) => has(c, 'control_type', 'Detective') && has(c, 'security_properties', 'Integrity'));
    await resultCount(page).getByText(`${both} of ${controls.length} controls`).waitFor();
    await page.getByTestId('views-button').click();
    const dialog = page.getByTestId('views-dialog');
    await dialog.getByLabel('View name').fill('detective-integrity');
    await dialog.getByLabel('Description').fill('Detective controls that protect integrity');
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await page.getByTestId('catalog-message').getByText('View "detective-integrity" saved.').waitFor();

    // A fresh page with no filters: open the view from the list.
    const fresh = await newPage(browser);
    await signIn(fresh, server);
    await fresh.goto(`${server.url}/catalog`);
    await resultCount(fresh).getByText(`${controls.length} of ${controls.length} controls`).waitFor();
    await fresh.getByTestId('views-button').click();
    // (exact: the delete button's name, "Delete view detective-integrity", contains the view's name)
    await fresh.getByTestId('views-dialog').getByRole('button', { name: 'detective-integrity', exact: true }).click();
    await resultCount(fresh).getByText(`${both} of ${controls.length} controls`).waitFor();
    assert.equal(await chip(fresh, 'control_type', 'Detective').getAttribute('aria-pressed'), 'true');
    assert.equal(await chip(fresh, 'security_properties', 'Integrity').getAttribute('aria-pressed'), 'true');
    assert.equal(new URL(fresh.url()).searchParams.get('group'), 'theme');
    // A shared link naming only the view opens it too.
    const shared = await newPage(browser);
    await signIn(shared, server);
    await shared.goto(`${server.url}/catalog?view=detective-integrity`);
    await resultCount(shared).getByText(`${both} of ${controls.length} controls`).waitFor();
    assert.deepEqual([...page.problems, ...fresh.problems, ...shared.problems], []);
});

test('a bad advanced filter shows the server message and keeps the text; the control detail opens and closes', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/catalog`);
    await resultCount(page).getByText(`${controls.length} of ${controls.length} controls`).waitFor();
    // The disclosure (its textarea has a visually hidden label of the same text).
    await page.locator('summary', { hasText: 'Advanced filter' }).click();
    await page.locator('#catalog-where').fill('control_typ = Detective');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('#catalog-where-err').getByText(/control_type/).waitFor();
    assert.equal(await page.locator('#catalog-where').inputValue(), 'control_typ = Detective');
    assert.equal(await page.locator('#catalog-where').getAttribute('aria-invalid'), 'true');

    await page.goto(`${server.url}/catalog`);
    await page.getByTestId('controls').getByRole('link', { name: '5.7', exact: true }).click();
    const dialog = page.getByTestId('control-dialog');
    await dialog.getByTestId('control-title').getByText('Threat intelligence').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('open'), '5.7');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).searchParams.get('open'), null);
    // Dotted client routes survive a reload too.
    const res = await page.goto(`${server.url}/catalog?open=8.16`);
    assert.equal(res.status(), 200);
    await page.getByTestId('control-dialog').getByTestId('control-title').getByText('Monitoring activities').waitFor();
    assert.deepEqual(page.problems.filter((p) => !p.includes('400')), []);
});

test('Swedish labels on chips and counts', async () => {
    const page = await newPage(browser, { locale: 'sv-SE' });
    // The browser's language decides the login screen's too.
    await signIn(page, server, undefined, { username: 'Användarnamn', password: 'Lösenord', submit: 'Logga in', nav: 'Huvudmeny' });
    await page.goto(`${server.url}/catalog`);
    await page.getByRole('heading', { level: 1, name: 'Säkerhetsåtgärder' }).waitFor();
    await resultCount(page).getByText(`${controls.length} av ${controls.length} åtgärder`).waitFor();
    assert.match(await chip(page, 'control_type', 'Detective').textContent(), /Upptäckande/);
    assert.deepEqual(page.problems, []);
});
