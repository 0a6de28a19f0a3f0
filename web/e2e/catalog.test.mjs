// The control catalog in the browser: facet chips with counts, two-attribute filtering, the URL as the view,
// group-by and pivot, saved views, the control detail, a refused advanced filter. Expected numbers come
// from the reference data the server loads (data/iso27001-2022/controls.csv), not from the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, newPage, signIn, seriousA11yViolations, describeViolations, apiClient } from './harness.mjs';

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
// Waits until a chip shows `n` (after a change the counts follow the server's next answer).
const chipShows = (page, family, value, n) => chip(page, family, value).locator('.count').getByText(String(n), { exact: true }).waitFor();

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
    // The whole catalog is shown before the layout is changed (as a user sees it; one run under full load lost a
    // click made while the screen was still starting).
    await resultCount(page).getByText(`${controls.length} of ${controls.length} controls`).waitFor();
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

// The tests below retag controls; they run after those that count against the reference data, and put the
// built-in tags back when they end.
const kControls = '/api/v1/frameworks/iso27001-2022/controls';

test('the "Overridden" chips count the organisation\'s retagged controls, in both states', async () => {
    const api = await apiClient(server);
    // 5.1 is not tagged Defence in the reference data: adding it is an override.
    assert.ok(!controls.find((c) => c.id === '5.1').security_domains.includes('Defence'));
    await api.put(`${kControls}/5.1/attributes`, { add: { security_domains: ['Defence'] } });
    try {
        const page = await newPage(browser);
        await signIn(page, server);
        await page.goto(`${server.url}/catalog`);
        await resultCount(page).getByText(`${controls.length} of ${controls.length} controls`).waitFor();
        assert.equal(await chipCount(page, 'overridden', 'true'), 1);
        assert.equal(await chipCount(page, 'overridden', 'false'), controls.length - 1);

        await chip(page, 'overridden', 'true').click();
        await resultCount(page).getByText(`1 of ${controls.length} controls`).waitFor();
        assert.equal(new URL(page.url()).searchParams.get('overridden'), 'true');
        assert.deepEqual(await page.getByTestId('controls').locator('tbody tr td:first-child').allTextContents().then((a) => a.map((x) => x.trim())), ['5.1']);
        // Within the chosen family the chips still count what choosing them would add.
        assert.equal(await chipCount(page, 'overridden', 'true'), 1);
        assert.equal(await chipCount(page, 'overridden', 'false'), controls.length - 1);

        // The other state, from a bookmark: the chip says what the list shows.
        await page.goto(`${server.url}/catalog?overridden=false`);
        await resultCount(page).getByText(`${controls.length - 1} of ${controls.length} controls`).waitFor();
        assert.equal(await chip(page, 'overridden', 'false').getAttribute('aria-pressed'), 'true');
        assert.equal(await chipCount(page, 'overridden', 'false'), controls.length - 1);
        // Another family's chips count within the not-overridden controls: 5.1's Governance is one fewer.
        const governance = count((c) => has(c, 'operational_capabilities', 'Governance'));
        assert.equal(await chipCount(page, 'operational_capabilities', 'Governance'), governance - 1);
        assert.deepEqual(page.problems, []);
    } finally {
        await api.put(`${kControls}/5.1/attributes`, { reset_all: true });
    }
});

test('catalog.edit retags a control in its dialog and resets it; the list and chips follow', async () => {
    const api = await apiClient(server);
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/catalog?open=5.2`);
    const dialog = page.getByTestId('control-dialog');
    await dialog.getByTestId('control-title').getByText('Information security roles and responsibilities').waitFor();
    const attrs = dialog.getByTestId('control-attributes');
    await attrs.getByRole('button', { name: /^Edit\W+Security domains$/ }).click();
    const box = attrs.getByRole('checkbox', { name: 'Defence' });
    assert.equal(await box.isChecked(), false);
    await box.check();
    await attrs.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Saved.').waitFor();
    await attrs.getByText('overridden for this organisation').waitFor();
    // The server holds the override, with the built-in tags beside it.
    const detail = await api.get(`${kControls}/5.2`);
    assert.ok(detail.attributes.security_domains.includes('Defence'));
    assert.ok(!detail.built_in_attributes.security_domains.includes('Defence'));
    assert.deepEqual(detail.overridden_families, ['security_domains']);
    // Behind the dialog the chips count it.
    await chipShows(page, 'overridden', 'true', 1);
    await chipShows(page, 'security_domains', 'Defence', count((c) => has(c, 'security_domains', 'Defence')) + 1);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    await attrs.getByRole('button', { name: /^Reset to built-in\W+Security domains$/ }).click();
    await attrs.getByText('overridden for this organisation').waitFor({ state: 'detached' });
    assert.deepEqual((await api.get(`${kControls}/5.2`)).overridden_families ?? [], []);
    await page.keyboard.press('Escape');
    await page.getByTestId('control-dialog').waitFor({ state: 'detached' });
    await chipShows(page, 'overridden', 'true', 0);
    await chipShows(page, 'security_domains', 'Defence', count((c) => has(c, 'security_domains', 'Defence')));
    assert.deepEqual(page.problems, []);
});

test('licensed text: a file with a bad line is refused whole with the line named; a good one is imported and shown', async () => {
    const api = await apiClient(server);
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/catalog`);
    await resultCount(page).getByText(`${controls.length} of ${controls.length} controls`).waitFor();
    await page.getByRole('button', { name: 'Import licensed text' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import licensed text' });
    const file = dialog.getByLabel('File');
    await file.setInputFiles({ name: 'licensed.csv', mimeType: 'text/csv', buffer: Buffer.from('id,description\n5.3,Our words on segregation of duties.\n9.99,No such control\n') });
    await dialog.getByRole('button', { name: 'Import licensed text' }).click();
    await dialog.getByRole('alert').getByText(/line 3: id: unknown control '9\.99'/).waitFor();
    assert.equal((await api.get(`${kControls}/5.3`)).has_text, false);

    await file.setInputFiles({
        name: 'licensed.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('id,description,purpose\n5.3,Our words on segregation of duties.,Why we separate them.\n5.4,What management asks of everyone.,\n'),
    });
    await dialog.getByRole('button', { name: 'Import licensed text' }).click();
    await dialog.getByText('2 descriptions imported.').waitFor();
    const detail = await api.get(`${kControls}/5.3`);
    assert.equal(detail.has_text, true);
    assert.equal(detail.text.description, 'Our words on segregation of duties.');
    assert.equal(detail.text_source, 'licensed.csv');
    await page.keyboard.press('Escape');

    await page.goto(`${server.url}/catalog?open=5.3`);
    const control = page.getByTestId('control-dialog');
    await control.getByText('Our words on segregation of duties.').waitFor();
    await control.getByText('Why we separate them.').waitFor();
    await control.getByText(/licensed\.csv/).waitFor();
    assert.deepEqual(page.problems, []);
});
