// OSCAL in the browser over the demo organisation: the Statement of Applicability as profile and SSP (latest
// approved and current), the POA&M and the built-in catalog downloaded in JSON, XML and YAML and compared with what
// the API gives for the same request; a document validated (each problem at its path, as the API reports them),
// a self-contained profile resolved into a catalog and saved, a profile that names a file refused with the
// server's message; a document converted; the screen in Swedish without serious axe violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const oscalData = resolve(here, '../../tests/data/oscal');
const abcCatalog = readFileSync(resolve(oscalData, 'resolve/abc_catalog.json'));

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

// The API's answer to a GET as text (the JSON client parses; documents in XML and YAML are text).
async function apiText(path) {
    const res = await fetch(`${server.url}${path}`, { headers: { Cookie: api.headers.Cookie } });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return res.text();
}

// Clicks the download button of an export and returns the saved file's name and text.
async function downloaded(page, id) {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${id}`).click()]);
    return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8') };
}

const profileIds = (doc) => doc.profile.imports.flatMap((i) => i['include-controls'] ?? []).flatMap((c) => c['with-ids'] ?? []).sort();
function countControls(o) {
    let n = 0;
    for (const c of o.controls ?? []) n += 1 + countControls(c);
    for (const g of o.groups ?? []) n += countControls(g);
    return n;
}

test('exports: SoA profile and SSP (latest approved and current), POA&M and the catalog in JSON, XML and YAML', async () => {
    const page = await newPage(browser);
    await signIn(page, server, account('anna'));
    await page.goto(`${server.url}/soa`);
    await page.getByTestId('soa-oscal').click();
    await page.getByRole('heading', { level: 1, name: 'OSCAL' }).waitFor();
    assert.equal(await page.getByLabel('Statement of Applicability', { exact: true }).inputValue(), 'latest');

    // JSON, the latest approved version: the same documents the API gives (their uuids are new on every request).
    const soa = (await api.get('/api/v1/soa')).items;
    // OSCAL names the Annex A controls a.5.1 … a.8.34.
    const applicable = soa.filter((e) => e.applicability === 'applicable').map((e) => `a.${e.control}`).sort();
    const profile = await downloaded(page, 'soa-profile');
    assert.equal(profile.name, 'soa-profile-latest.json');
    const doc = JSON.parse(profile.text);
    const fromApi = JSON.parse(await apiText('/api/v1/oscal/soa/profile?format=json&version=latest'));
    assert.equal(doc.profile.metadata.title, fromApi.profile.metadata.title);
    assert.match(doc.profile.metadata.title, /version 1$/);
    assert.deepEqual(profileIds(doc), profileIds(fromApi));

    const ssp = JSON.parse((await downloaded(page, 'soa-ssp')).text)['system-security-plan'];
    const sspApi = JSON.parse(await apiText('/api/v1/oscal/soa/ssp?format=json&version=latest'))['system-security-plan'];
    assert.equal(ssp.metadata.title, sspApi.metadata.title);
    assert.deepEqual(
        ssp['control-implementation']['implemented-requirements'].map((r) => r['control-id']).sort(),
        sspApi['control-implementation']['implemented-requirements'].map((r) => r['control-id']).sort(),
    );

    const poam = JSON.parse((await downloaded(page, 'poam')).text)['plan-of-action-and-milestones'];
    const poamApi = JSON.parse(await apiText('/api/v1/oscal/poam?format=json'))['plan-of-action-and-milestones'];
    assert.equal(poam.metadata.title, poamApi.metadata.title);
    assert.equal((poam['poam-items'] ?? []).length, (poamApi['poam-items'] ?? []).length);
    assert.ok((poam['poam-items'] ?? []).length > 0, 'the demo has open treatment actions');

    const catalog = await downloaded(page, 'catalog');
    assert.equal(catalog.name, 'iso27001-2022_catalog.json');
    assert.equal(countControls(JSON.parse(catalog.text).catalog), 93);

    // The current statement (not approved): the profile selects what is applicable now.
    await page.getByLabel('Statement of Applicability', { exact: true }).selectOption('current');
    const current = JSON.parse((await downloaded(page, 'soa-profile')).text);
    assert.match(current.profile.metadata.title, /current statement \(not approved\)/);
    assert.deepEqual(profileIds(current), applicable);

    // XML and YAML.
    await page.getByRole('radio', { name: 'XML' }).check();
    const xml = await downloaded(page, 'soa-profile');
    assert.equal(xml.name, 'soa-profile-current.xml');
    assert.match(xml.text, /^<\?xml[^>]*\?>\s*<profile xmlns="http:\/\/csrc\.nist\.gov\/ns\/oscal\/1\.0"/);
    for (const id of applicable.slice(0, 5)) assert.ok(xml.text.includes(`<with-id>${id}</with-id>`), `${id} in the XML profile`);
    const catalogXml = await downloaded(page, 'catalog');
    assert.match(catalogXml.text, /<catalog xmlns="http:\/\/csrc\.nist\.gov\/ns\/oscal\/1\.0"/);
    assert.equal(catalogXml.name, 'iso27001-2022_catalog.xml');
    await page.getByRole('radio', { name: 'YAML' }).check();
    const yaml = await downloaded(page, 'poam');
    assert.equal(yaml.name, 'poam.yaml');
    assert.match(yaml.text, /^(---\s*)?plan-of-action-and-milestones:/);
    const sspYaml = await downloaded(page, 'soa-ssp');
    assert.match(sspYaml.text, /^(---\s*)?system-security-plan:/);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    assert.deepEqual(page.problems, []);
});

test('validate: each problem at its path, as the API reports it; a valid catalog is said to be one', async () => {
    const page = await newPage(browser);
    await signIn(page, server, account('nils'));
    await page.goto(`${server.url}/oscal`);
    const section = page.getByRole('region', { name: 'Validate a document' });
    const broken = { catalog: { uuid: 'not-a-uuid', metadata: { title: 'Broken', 'last-modified': '2024-01-01T00:00:00Z', 'oscal-version': '1.1.2' } } };
    const body = JSON.stringify(broken, null, 2);
    const expected = await (
        await fetch(`${server.url}/api/v1/oscal/validate?input=json`, {
            method: 'POST',
            headers: { ...(await apiClient(server, account('nils'))).headers, 'Content-Type': 'application/json' },
            body,
        })
    ).json();
    assert.equal(expected.valid, false);
    assert.ok(expected.issues.length >= 2, 'the API finds the missing version and the bad uuid');

    await section.getByLabel('File').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(body) });
    await section.getByRole('button', { name: 'Validate' }).click();
    await section.getByTestId('validation-failed').getByText(`broken.json is not valid (catalog): ${expected.issues.length} problems.`).waitFor();
    const rows = await section.getByTestId('validation-issues').locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.querySelector('code')?.textContent ?? td.textContent)),
    );
    assert.deepEqual(
        rows.map(([path, , message]) => [path, message]),
        expected.issues.map((i) => [i.path || '/', i.message]),
    );
    assert.ok(rows.some(([path]) => path === '/catalog/uuid'));
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // Malformed JSON: the line is named.
    await section.getByLabel('File').setInputFiles(resolve(oscalData, 'bad/malformed.json'));
    await section.getByRole('button', { name: 'Validate' }).click();
    await section.getByTestId('validation-issues').getByText(/^line \d+$/).waitFor();

    await section.getByLabel('File').setInputFiles({ name: 'abc_catalog.json', mimeType: 'application/json', buffer: abcCatalog });
    await section.getByRole('button', { name: 'Validate' }).click();
    await section.getByTestId('validation-ok').getByText('abc_catalog.json is valid: OSCAL catalog, JSON.').waitFor();
    assert.deepEqual(page.problems, []);
});

test('resolve a self-contained profile into a catalog and save it; a profile that names a file is refused', async () => {
    const page = await newPage(browser);
    await signIn(page, server, account('anna'));
    await page.goto(`${server.url}/oscal`);
    const section = page.getByRole('region', { name: 'Resolve a profile' });
    const profile = {
        profile: {
            uuid: '5d0e0d1e-6c2b-4c5e-9a7e-0b6f8f1f2a30',
            metadata: { title: 'Our selection', 'last-modified': '2024-01-01T00:00:00Z', version: '1', 'oscal-version': '1.1.2' },
            imports: [{ href: '#9e9e9e9e-0000-4000-8000-000000000001', 'include-controls': [{ 'with-ids': ['a1', 'b2'] }] }],
            merge: { 'as-is': true },
            'back-matter': {
                resources: [
                    {
                        uuid: '9e9e9e9e-0000-4000-8000-000000000001',
                        base64: { filename: 'abc_catalog.json', 'media-type': 'application/oscal.catalog+json', value: abcCatalog.toString('base64') },
                    },
                ],
            },
        },
    };
    await section.getByLabel('Profile').setInputFiles({ name: 'ours_profile.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(profile)) });
    await section.getByRole('button', { name: 'Resolve', exact: true }).click();
    await section.getByTestId('resolved').getByText('Resolved catalog "Our selection": 2 controls.').waitFor();
    const [d] = await Promise.all([page.waitForEvent('download'), section.getByTestId('save-resolved').click()]);
    assert.equal(d.suggestedFilename(), 'ours_resolved-catalog.json');
    const catalog = JSON.parse(readFileSync(await d.path(), 'utf8')).catalog;
    const ids = [];
    (function walk(o) {
        for (const c of o.controls ?? []) ids.push(c.id);
        for (const g of o.groups ?? []) walk(g);
    })(catalog);
    assert.deepEqual(ids.sort(), ['a1', 'b2']);

    // As XML.
    await section.getByLabel('Output format').selectOption('xml');
    await section.getByRole('button', { name: 'Resolve', exact: true }).click();
    await section.getByTestId('resolved').getByText('The profile was resolved.').waitFor();
    const [x] = await Promise.all([page.waitForEvent('download'), section.getByTestId('save-resolved').click()]);
    assert.equal(x.suggestedFilename(), 'ours_resolved-catalog.xml');
    assert.match(readFileSync(await x.path(), 'utf8'), /<catalog xmlns="http:\/\/csrc\.nist\.gov\/ns\/oscal\/1\.0"/);

    // A profile importing a file by name: the server reads no files a request names.
    await section.getByLabel('Profile').setInputFiles(resolve(oscalData, 'resolve/include-all_profile.json'));
    await section.getByRole('button', { name: 'Resolve', exact: true }).click();
    await section.getByTestId('resolve-error').getByText(/import not found: abc_catalog\.json/).waitFor();
    assert.equal(await section.getByTestId('resolved').count(), 0);
    assert.deepEqual(page.problems, []);
});

test('convert a catalog from JSON to YAML; the screen in Swedish', async () => {
    const page = await newPage(browser, { locale: 'sv-SE' });
    await signIn(page, server, account('lars'), { username: 'Användarnamn', password: 'Lösenord', submit: 'Logga in', nav: 'Huvudmeny' });
    await page.goto(`${server.url}/oscal`);
    await page.getByRole('heading', { level: 2, name: 'Exporter' }).waitFor();
    const section = page.getByRole('region', { name: 'Konvertera mellan format' });
    await section.getByLabel('Fil').setInputFiles({ name: 'abc_catalog.json', mimeType: 'application/json', buffer: abcCatalog });
    await section.getByLabel('Utdataformat').selectOption('yaml');
    const [d] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Konvertera och ladda ner' }).click()]);
    assert.equal(d.suggestedFilename(), 'abc_catalog.yaml');
    const text = readFileSync(await d.path(), 'utf8');
    assert.match(text, /^(---\s*)?catalog:/);
    assert.match(text, /ABC test catalog/);
    await section.getByTestId('converted').getByText('abc_catalog.yaml har laddats ner.').waitFor();
    // A viewer downloads too.
    const [p] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-poam').click()]);
    assert.equal(p.suggestedFilename(), 'poam.json');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    assert.deepEqual(page.problems, []);
});
