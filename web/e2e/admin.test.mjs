// Administration in the browser: the change log with its verification status (and an entry altered behind the
// program's back, with sqlite3, shown as where the chain breaks), and the risk criteria editor (a refused
// matrix shows the server's message at its cell; a saved change becomes the next version and scores use it).
// Roles: a risk owner reads the criteria without editing controls; a viewer has no Administration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations } from './harness.mjs';

let server;
let browser;
let api;
before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    api = await apiClient(server);
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

const sql = (statement) => execFileSync('sqlite3', [server.db, statement], { encoding: 'utf8' }).trim();

test('the change log lists changes newest first, verified, with their fields; an altered entry breaks the chain', async () => {
    const person = await api.post('/api/v1/records/person', { data: { name: 'Nils Ek', email: 'nils.ek@example.se' } });
    await api.patch(`/api/v1/records/person/${person.id}`, { data: { name: 'Nils Eklund' } });

    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/admin`);
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Change log' }).click();
    await page.getByTestId('verify-result').filter({ hasText: 'The change log is intact' }).waitFor();
    const log = page.getByTestId('log');
    const first = log.locator('tbody tr').first();
    // The newest entry is the rename, verified, and opens to its fields.
    await first.getByText(person.id).waitFor();
    assert.match(await first.textContent(), /Verified/);
    const seqs = (await log.locator('tbody tr[data-seq]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.seq))));
    assert.ok(seqs.length >= 3, `entries: ${seqs}`);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
    await first.getByRole('button', { name: /fields/ }).click();
    const diff = page.locator(`#log-diff-${seqs[0]}`);
    await diff.getByRole('row', { name: /data\.name\s+Nils Ek\s+Nils Eklund/ }).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // Filter by entity id: only that record's entries.
    await page.getByLabel('Entity id').fill(person.id);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction((id) => {
        const rows = [...document.querySelectorAll('[data-testid="log"] tbody tr[data-seq]')];
        return rows.length === 2 && rows.every((r) => r.textContent.includes(id));
    }, person.id);

    // Someone with access to the database file alters the creation entry.
    const created = Number(sql(`SELECT seq FROM change_log WHERE entity_id = '${person.id}' AND op = 'create'`));
    sql(`UPDATE change_log SET after_json = REPLACE(after_json, 'Nils Ek', 'Nisse Ek') WHERE seq = ${created}`);
    await page.reload();
    await page.getByTestId('verify-result').filter({ hasText: `The change log is broken at entry ${created}` }).waitFor();
    const row = (seq) => page.getByTestId('log').locator(`tr[data-seq="${seq}"]`);
    await row(created).getByText('Broken here').waitFor();
    assert.match(await row(seqs[0]).textContent(), /Not verified/);
    const earlier = seqs.find((s) => s < created);
    if (earlier) assert.match(await row(earlier).textContent(), /Verified/);
    assert.deepEqual(page.problems, []);
});

test('risk criteria: a refused matrix cell shows the server message there; a saved change is the next version', async () => {
    const before = await api.get('/api/v1/risk/criteria');
    const storedBefore = (await api.get('/api/v1/risk/criteria/versions')).items.length;
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/admin/criteria`);
    await page.getByRole('heading', { level: 2, name: 'Risk criteria' }).waitFor();
    await page.getByTestId('criteria-version').getByText(storedBefore ? `Version ${before.version} is in force.` : /ready-made criteria are in force/).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // The most likely, most severe cell set to the least severe level: the matrix would fall as impact rises.
    const l = before.likelihood.length;
    const c = before.consequence.length;
    const least = before.levels[0];
    const cell = page.getByLabel(`Level for likelihood ${l} and impact ${c}`, { exact: true });
    await cell.selectOption(least.id);
    await page.getByLabel('Reason for the change').fill('Try a falling matrix');
    await page.getByTestId('criteria-save').click();
    await page.getByTestId('criteria-error').waitFor();
    assert.equal(await cell.getAttribute('aria-invalid'), 'true');
    const message = await page.locator(`#${await cell.getAttribute('aria-describedby')}`).textContent();
    assert.match(message, /consequence|likelihood/);
    // Nothing typed is lost.
    assert.equal(await page.getByLabel('Reason for the change').inputValue(), 'Try a falling matrix');

    // Put the cell back, rename the most severe level and save.
    await cell.selectOption(before.matrix[l - 1][c - 1]);
    const top = before.levels.length;
    await page.getByLabel(`Level ${top}: Name`, { exact: true }).fill('Intolerable');
    await page.getByLabel('Reason for the change').fill('Board wording for the top level');
    await page.getByTestId('criteria-save').click();
    // The ready-made criteria count as version 1 until something is stored; the first stored criteria take
    // their place as version 1 (docs/risk.md), later ones the next number.
    const next = storedBefore ? before.version + 1 : 1;
    await page.getByTestId('criteria-notice').getByText(`Version ${next} of the risk criteria saved.`).waitFor();
    await page.getByTestId('criteria-versions').getByRole('cell', { name: 'Board wording for the top level' }).waitFor();
    const after = await api.get('/api/v1/risk/criteria');
    assert.equal(after.version, next);
    assert.equal(after.levels[top - 1].name, 'Intolerable');
    assert.deepEqual(after.matrix, before.matrix);
    assert.deepEqual(page.problems, []);
});

test('a risk owner reads the criteria without editing controls; a viewer has no Administration', async () => {
    const owner = { username: 'rolf', password: 'risk-owner-password-2026!' };
    const viewer = { username: 'vilma', password: 'viewer-password-2026!' };
    await api.post('/api/v1/users', { ...owner, display_name: 'Rolf Risk', role: 'risk_owner' });
    await api.post('/api/v1/users', { ...viewer, display_name: 'Vilma View', role: 'viewer' });

    const page = await newPage(browser);
    await signIn(page, server, owner);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    const sub = page.getByRole('navigation', { name: 'Administration' });
    await sub.getByRole('link', { name: 'Change log' }).waitFor();
    assert.equal(await sub.getByRole('link', { name: 'API tokens' }).count(), 0);
    await sub.getByRole('link', { name: 'Risk criteria' }).click();
    await page.getByTestId('criteria-matrix').waitFor();
    assert.equal(await page.getByTestId('criteria-save').count(), 0);
    assert.equal(await page.getByLabel('Reason for the change').count(), 0);
    assert.ok(await page.getByTestId('criteria-matrix').locator('select').first().isDisabled());
    assert.deepEqual(page.problems, []);

    const view = await newPage(browser);
    await signIn(view, server, viewer);
    assert.equal(await view.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).count(), 0);
    assert.deepEqual(view.problems, []);
});
