// Imported frameworks in the catalog: NIST SP 800-53 rev5 (the shared OSCAL catalog) imported from the browser,
// the catalog switched to it, filtered by its props and classes with the chips and the query language (counts
// checked against the API), and an imported control shown whole — parameters, statement and guidance with the
// parameters inserted, props, links, enhancements, and an enhancement's parent. A broken document is refused
// with the server's message and imports nothing; a viewer has no import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// The NIST catalog the OSCAL tests use (a copy of the shared reference file).
const catalogFile = resolve(here, '../../tests/data/oscal/nist/800-53-rev5-5.0.1/NIST_SP-800-53_rev5_catalog.json');

let server;
let browser;
let api;
before(async () => {
    [server, browser] = await Promise.all([startServer({ demo: true }), launchBrowser()]);
    api = await apiClient(server);
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

const kFw = 'nist-800-53';

test('import NIST SP 800-53 from the browser, switch to it, filter by class and group, open a control whole', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/catalog`);
    await page.getByTestId('controls').waitFor();

    // A document that is not OSCAL is refused with the server's message; nothing is imported.
    const bad = join(mkdtempSync(join(tmpdir(), 'isms-e2e-fw-')), 'broken.json');
    writeFileSync(bad, '{"catalog": {"uuid": "not-a-uuid", "metadata": ');
    await page.getByTestId('framework-import').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('OSCAL catalog (JSON, XML or YAML)').setInputFiles(bad);
    await dialog.getByRole('button', { name: 'Import a framework (OSCAL)' }).click();
    await dialog.getByTestId('framework-import-error').waitFor();
    assert.equal((await api.get('/api/v1/frameworks')).items.length, 1);

    // The real catalog, with an id of our choosing.
    await dialog.getByLabel('OSCAL catalog (JSON, XML or YAML)').setInputFiles(catalogFile);
    await dialog.getByLabel('Framework id (optional)').fill(kFw);
    await dialog.getByRole('button', { name: 'Import a framework (OSCAL)' }).click();
    await page.getByTestId('catalog-message').getByText(/imported: 322 controls, 867 enhancements/).waitFor({ timeout: 30000 });
    await page.waitForFunction((fw) => new URL(location.href).searchParams.get('fw') === fw, kFw);
    assert.equal(await page.getByTestId('framework').inputValue(), kFw);

    // All 1,189 controls and enhancements; then the chips: class = enhancement and group = ac.
    const all = await api.get(`/api/v1/frameworks/${kFw}/controls`);
    const n = (x) => new Intl.NumberFormat('en-GB').format(x);
    await page.getByTestId('result-count').getByText(`${n(all.total)} of ${n(all.total)} controls`).waitFor();
    const want = await api.get(`/api/v1/frameworks/${kFw}/controls?where=${encodeURIComponent('class = SP800-53-enhancement and group = ac')}`);
    assert.ok(want.count > 50 && want.count < all.total);
    await page.getByRole('button', { name: /^SP800-53-enhancement/ }).first().click();
    await page.getByRole('button', { name: /^ac\b/i }).first().click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="controls"] tbody tr').length === n, want.count);
    const ids = await page.getByTestId('controls').locator('tbody tr td:first-child').allTextContents();
    assert.deepEqual(ids.map((s) => s.trim()), want.controls.map((c) => c.id));
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('fw'), kFw);
    assert.equal(url.searchParams.get('a.group'), 'ac', 'a family named like a screen parameter gets its own');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // The query language over props: withdrawn controls.
    const withdrawn = await api.get(`/api/v1/frameworks/${kFw}/controls?where=${encodeURIComponent('status = withdrawn')}`);
    await page.goto(`${server.url}/catalog?fw=${kFw}&where=${encodeURIComponent('status = withdrawn')}`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="controls"] tbody tr').length === n, withdrawn.count);

    // AC-2 whole: parameters, statement with the parameters inserted, guidance, links, enhancements.
    const ac2 = await api.get(`/api/v1/frameworks/${kFw}/controls/ac-2`);
    await page.goto(`${server.url}/catalog?fw=${kFw}&open=ac-2`);
    const d = page.getByTestId('control-dialog');
    await d.getByTestId('control-title').getByText('Account Management').waitFor();
    assert.equal(await d.getByTestId('control-params').locator('tbody tr').count(), ac2.params.length);
    const parts = d.getByTestId('control-parts');
    await parts.getByRole('heading', { name: 'Statement' }).waitFor();
    await parts.getByRole('heading', { name: 'Guidance' }).waitFor();
    assert.ok(!(await parts.textContent()).includes('{{'), 'parameter insertions are replaced');
    assert.equal(await d.getByTestId('control-enhancements').locator('li').count(), ac2.enhancements.length);
    assert.equal(await d.getByTestId('control-links').locator('li').count(), ac2.links.length);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // An enhancement names its parent, which opens.
    await d.getByTestId('control-enhancements').getByRole('link', { name: 'ac-2.1', exact: true }).click();
    await d.getByTestId('control-parent').getByText('ac-2', { exact: true }).waitFor();
    await d.getByTestId('control-parent').click();
    await d.getByTestId('control-title').getByText('Account Management').waitFor();

    // Back to the built-in catalog.
    await page.goto(`${server.url}/catalog?fw=${kFw}`);
    await page.getByTestId('framework').selectOption('iso27001-2022');
    await page.getByTestId('result-count').getByText('93 of 93 controls').waitFor();
    assert.deepEqual(page.problems, []);
    await page.context().close();
});

test('a viewer can switch frameworks but has no import; Swedish labels', async () => {
    const viewer = server.credentials.find((c) => c.username === 'lars');
    const page = await newPage(browser, { locale: 'sv-SE' });
    await signIn(page, server, viewer, { username: 'Användarnamn', password: 'Lösenord', submit: 'Logga in', nav: 'Huvudmeny' });
    await page.goto(`${server.url}/catalog`);
    await page.getByTestId('controls').waitFor();
    assert.equal(await page.getByTestId('framework-import').count(), 0);
    const frameworks = (await api.get('/api/v1/frameworks')).items;
    assert.equal(await page.getByTestId('framework').count(), frameworks.length > 1 ? 1 : 0);
    if (frameworks.length > 1) {
        await page.getByLabel('Ramverk').selectOption(kFw);
        await page.getByTestId('controls').waitFor();
        assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    }
    assert.deepEqual(page.problems, []);
    await page.context().close();
});
