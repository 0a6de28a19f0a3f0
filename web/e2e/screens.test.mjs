// Every screen over the demo organisation: no serious axe-core violations in English and in Swedish, no
// message key shown instead of its text; each demo role sees the editing controls its permissions (as the
// server lists them) allow and no others; and the parts that are easy to break for keyboard users (facet chips,
// heat-map cells, the control dialog, record tabs) work without a mouse. In Swedish, no screen shows a text the
// server describes its record types with in English (labels, hints, values, states, transitions, descriptions).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations, settled } from './harness.mjs';

let server;
let browser;
let api;
let riskId;
let estimatedId;
let openReview; // a management review that is not approved yet (an approved one's pack is final)
const account = (name) => server.credentials.find((c) => c.username === name);
const kSwedish = { username: 'Användarnamn', password: 'Lösenord', submit: 'Logga in', nav: 'Huvudmeny' };

// The record types as the server describes them (in English), and every Swedish text the catalogue has for them:
// an English text that is Swedish too ("Status", "Person") is no sign of a missing translation.
let recordTypes = [];
const svVocabulary = JSON.parse(readFileSync(new URL('../src/lib/messages-records.sv.json', import.meta.url), 'utf8'));
const swedishTexts = new Set();
(function collect(v) {
    if (typeof v === 'string') swedishTexts.add(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
})(svVocabulary);
const humanize = (id) => {
    const s = id.replace(/_/g, ' ').trim();
    return s.charAt(0).toUpperCase() + s.slice(1);
};
// Texts of the organisation's data, shown as stored (record titles, the risk criteria's scale and level names):
// one that happens to read like a label ("Top management", "High") is no sign of a missing translation.
const dataTexts = new Set();
// The English texts of some record types that a Swedish page must not show.
function englishTexts(metas) {
    const out = new Set();
    for (const m of metas) {
        [m.title, m.plural, m.description].forEach((x) => out.add(x));
        for (const f of m.fields) {
            out.add(f.label);
            if (f.help) out.add(f.help);
            for (const v of f.values ?? []) out.add(humanize(v));
        }
        for (const st of m.workflow.states) out.add(st.label || humanize(st.name));
        for (const tr of m.workflow.transitions) out.add(tr.label || humanize(tr.name));
        for (const b of m.backlinks ?? []) out.add(b.label);
    }
    return [...out].filter((x) => x && !swedishTexts.has(x) && !dataTexts.has(x));
}
// Which of `english` the page shows: a whole text (of a text node, an option, an accessible name or a hint), or
// for long texts (descriptions, hints) anywhere in the page's text.
function englishShown(page, english) {
    return page.evaluate((list) => {
        const short = new Set(list.filter((x) => x.length <= 60));
        const found = new Set();
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const text = n.textContent.trim().replace(/\s+/g, ' ');
            if (short.has(text)) found.add(text);
        }
        for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]'))
            for (const a of ['aria-label', 'placeholder', 'title']) if (short.has(el.getAttribute(a) ?? '')) found.add(`${a}=${el.getAttribute(a)}`);
        const all = document.body.innerText.replace(/\s+/g, ' ');
        for (const x of list) if (x.length > 60 && all.includes(x.replace(/\s+/g, ' '))) found.add(`${x.slice(0, 50)}…`);
        return [...found];
    }, english);
}

before(async () => {
    [server, browser] = await Promise.all([startServer({ demo: true }), launchBrowser()]);
    api = await apiClient(server, account('mikael'));
    riskId = (await api.get('/api/v1/risks')).items.find((r) => r.treatment).id;
    estimatedId = (await api.get('/api/v1/quant/estimates')).items[0].risk_id;
    const mr1 = await api.get('/api/v1/records/management_review/MR-1');
    const today = new Date().toISOString().slice(0, 10);
    openReview = (await api.post('/api/v1/records/management_review', { data: { title: 'Review before the surveillance audit', meeting_date: today, cut_off: today, chair: mr1.data.chair } })).id;
    const names = (await api.get('/api/v1/record-types')).items.map((x) => x.name);
    recordTypes = await Promise.all(names.map((n) => api.get(`/api/v1/record-types/${n}`)));
    for (const n of names) for (const r of (await api.get(`/api/v1/records/${n}?limit=1000`)).items) dataTexts.add(r.title);
    const crit = await api.get('/api/v1/risk/criteria');
    for (const x of [...crit.consequence, ...crit.likelihood, ...crit.levels]) dataTexts.add(x.name);
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

// name, path, what shows when the screen is ready
const screens = () => [
    ['dashboard', '/', (p) => p.getByTestId('dash-risks')],
    ['catalog', '/catalog?control_type=Detective', (p) => p.getByTestId('controls')],
    ['catalog groups', '/catalog?group=operational_capabilities', (p) => p.getByRole('heading', { level: 2 }).first()],
    ['catalog pivot', '/catalog?pivot=control_type,theme', (p) => p.getByTestId('pivot')],
    ['control detail', '/catalog?open=8.16', (p) => p.getByTestId('control-title')],
    ['record types', '/records', (p) => p.getByRole('link', { name: /^(Assets|Tillgångar)$/ })],
    ['asset register', '/records/asset', (p) => p.getByTestId('records')],
    ['new asset', '/records/asset/new', (p) => p.getByTestId('record-form')],
    ['document', '/records/document/DOC-1', (p) => p.getByTestId('record-state')],
    ['document acknowledgements', '/records/document/DOC-1?tab=acks', (p) => p.getByTestId('ack-summary')],
    ['document history', '/records/document/DOC-1?tab=history', (p) => p.getByTestId('history')],
    ['audit', '/records/audit/AUD-1', (p) => p.getByTestId('record-state')],
    ['audit links', '/records/audit/AUD-1?tab=links', (p) => p.getByTestId('linkers')],
    ['new audit', '/records/audit/new', (p) => p.getByTestId('record-form')],
    ['risk register', '/risks', (p) => p.getByTestId('risk-register')],
    ['heat maps', '/risks?view=heatmap', (p) => p.getByTestId('heatmap-residual')],
    ['new risk', '/risks/new', (p) => p.getByTestId('risk-form')],
    ['risk', `/risks/${riskId}`, (p) => p.getByTestId('treatment')],
    ['risk estimate (FAIR)', `/risks/${estimatedId}`, (p) => p.getByTestId('quant-result')],
    ['portfolio (FAIR)', '/risks?view=portfolio', (p) => p.getByTestId('run-result')],
    ['metric measurements', '/records/metric/MET-1?tab=measurements', (p) => p.getByTestId('metric-chart')],
    ['audit checklist', '/records/audit/AUD-1?tab=checklist', (p) => p.getByTestId('checklist')],
    ['review pack', '/records/management_review/MR-1?tab=pack', (p) => p.getByTestId('pack')],
    ['SoA', '/soa', (p) => p.getByTestId('soa').locator('tbody tr').first()],
    ['OSCAL', '/oscal', (p) => p.getByTestId('oscal-exports').locator('li').first()],
    ['administration', '/admin', (p) => p.getByTestId('users')],
    ['API tokens', '/admin/tokens', (p) => p.locator('form').first()],
    ['risk criteria', '/admin/criteria', (p) => p.getByTestId('criteria-matrix')],
    ['change log', '/admin/log', (p) => p.getByTestId('verify-result')],
    ['account', '/account', (p) => p.getByRole('heading', { level: 2 }).first()],
];

// Visible texts that look like message keys ("dash.acks"): a text the catalogue lacks is shown as its key.
function messageKeysShown(page) {
    return page.evaluate(() => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const s = n.textContent.trim();
            if (/^[a-z]+(\.[a-z0-9_]+)+$/.test(s) && !n.parentElement.closest('code, pre')) out.push(s);
        }
        for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]'))
            for (const a of ['aria-label', 'placeholder', 'title'])
                if (/^[a-z]+(\.[a-z0-9_]+)+$/.test(el.getAttribute(a) ?? '')) out.push(`${a}=${el.getAttribute(a)}`);
        return out;
    });
}

for (const lang of ['en', 'sv']) {
    test(`every screen in ${lang === 'en' ? 'English' : 'Swedish'}: no serious accessibility violations, no message keys`, async () => {
        const page = await newPage(browser, { locale: lang === 'en' ? 'en-GB' : 'sv-SE' });
        // The login screen first (signed out).
        await page.goto(`${server.url}/`);
        await page.getByRole('button', { name: lang === 'en' ? 'Sign in' : 'Logga in' }).waitFor();
        assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '', 'login');
        await signIn(page, server, account('mikael'), lang === 'en' ? undefined : kSwedish);
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
        const failures = [];
        for (const [name, path, ready] of screens()) {
            await page.goto(`${server.url}${path}`);
            await ready(page).waitFor();
            await settled(page);
            const v = describeViolations(await seriousA11yViolations(page));
            if (v) failures.push(`${name}: ${v}`);
            const keys = await messageKeysShown(page);
            if (keys.length) failures.push(`${name}: message keys shown: ${keys.join(', ')}`);
            if (lang === 'sv') {
                const english = await englishShown(page, englishTexts(recordTypes));
                if (english.length) failures.push(`${name}: English shown: ${english.join(' | ')}`);
            }
        }
        assert.deepEqual(failures, []);
        assert.deepEqual(page.problems, []);
    });
}

test('in Swedish, no record type\'s register, form, record or links show what the server names in English', async () => {
    const page = await newPage(browser, { locale: 'sv-SE' });
    await signIn(page, server, account('mikael'), kSwedish);
    const failures = [];
    const check = async (what, metas) => {
        await settled(page);
        const english = await englishShown(page, englishTexts(metas));
        if (english.length) failures.push(`${what}: ${english.join(' | ')}`);
    };
    await page.goto(`${server.url}/records`);
    await page.getByRole('link', { name: 'Tillgångar', exact: true }).waitFor();
    await check('/records', recordTypes);
    let records = 0;
    for (const meta of recordTypes) {
        await page.goto(`${server.url}/records/${meta.name}`);
        await page.getByTestId('records').waitFor();
        await check(`/records/${meta.name}`, [meta]);
        await page.goto(`${server.url}/records/${meta.name}/new`);
        await page.getByTestId('record-form').waitFor();
        await check(`/records/${meta.name}/new`, [meta]);
        const first = (await api.get(`/api/v1/records/${meta.name}?limit=1`)).items[0];
        if (!first) continue;
        records++;
        await page.goto(`${server.url}/records/${meta.name}/${encodeURIComponent(first.id)}`);
        await page.getByTestId('record-state').waitFor();
        await check(`/records/${meta.name}/${first.id}`, [meta]);
        await page.goto(`${server.url}/records/${meta.name}/${encodeURIComponent(first.id)}?tab=links`);
        await page.getByRole('tab', { name: 'Länkar', selected: true }).waitFor();
        await check(`/records/${meta.name}/${first.id}?tab=links`, recordTypes);
    }
    assert.ok(records >= 20, `the demo has records of ${records} types`);
    assert.deepEqual(failures, []);
    assert.deepEqual(page.problems, []);
});

test('each role sees the editing controls its permissions allow, and no others', async () => {
    const roles = ['mikael', 'anna', 'maria', 'nils', 'fatima', 'lars'];
    const report = [];
    const seen = {}; // control → the states it was found in (both must occur: the locators find real elements)
    for (const name of roles) {
        const me = await (await apiClient(server, account(name))).get('/api/v1/auth/me');
        const perms = new Set((me.organisations ?? [me.organisation]).find((o) => o.slug === 'kvarnberg').permissions);
        const page = await newPage(browser);
        await signIn(page, server, account(name));
        const shown = async (locator) => (await locator.count()) > 0;
        const expect = async (what, locator, permitted) => {
            const has = await shown(locator);
            (seen[what] ??= new Set()).add(has);
            if (has !== permitted) report.push(`${name}: ${what} ${has ? 'shown' : 'hidden'} but permission says ${permitted}`);
        };
        const nav = page.getByRole('navigation', { name: 'Main' });
        await expect('Administration', nav.getByRole('link', { name: 'Administration' }), perms.has('log.verify') || perms.has('users.admin') || perms.has('tokens.admin'));

        await page.goto(`${server.url}/catalog`);
        await page.getByTestId('controls').waitFor();
        await expect('licensed-text import', page.getByRole('button', { name: 'Import licensed text' }), perms.has('catalog.edit'));
        await expect('framework import', page.getByTestId('framework-import'), perms.has('catalog.edit'));
        await page.getByTestId('views-button').click();
        await page.getByTestId('views-dialog').waitFor();
        await expect('save view', page.getByTestId('views-dialog').getByRole('button', { name: 'Save view' }), perms.has('views.write'));
        await page.keyboard.press('Escape');
        await page.goto(`${server.url}/catalog?open=5.7`);
        await page.getByTestId('control-attributes').locator('dt').first().waitFor();
        await expect('attribute override', page.getByTestId('control-dialog').getByRole('button', { name: /^Edit/ }), perms.has('catalog.edit'));

        await page.goto(`${server.url}/records/asset`);
        await page.getByTestId('records').waitFor();
        await expect('new asset', page.getByTestId('new-record'), perms.has('records.write'));
        await page.goto(`${server.url}/records/asset/AST-1`);
        await page.getByTestId('record-state').waitFor();
        await expect('edit asset', page.getByTestId('edit-record'), perms.has('records.write'));

        await page.goto(`${server.url}/risks`);
        await page.getByTestId('risk-register').waitFor();
        await expect('new risk', page.getByTestId('new-risk'), perms.has('risk.write'));
        await page.goto(`${server.url}/risks/${riskId}`);
        await page.getByTestId('treatment').waitFor();
        await expect('treat', page.getByTestId('treat'), perms.has('risk.write'));
        await page.goto(`${server.url}/risks/${estimatedId}`);
        await page.getByTestId('quant-inputs').waitFor();
        await expect('edit estimate', page.getByTestId('quant-edit'), perms.has('risk.write'));
        await page.goto(`${server.url}/risks?view=portfolio`);
        await page.getByTestId('run-result').waitFor();
        await expect('portfolio run', page.getByTestId('portfolio-form'), perms.has('risk.write'));
        await page.goto(`${server.url}/records/metric/MET-1?tab=measurements`);
        await page.getByTestId('metric-chart').waitFor();
        await expect('record measurement', page.getByTestId('measurement-form'), perms.has('records.write'));
        await page.goto(`${server.url}/records/management_review/${openReview}?tab=pack`);
        await page.getByTestId('review-panel').waitFor();
        await expect('compile review pack', page.getByTestId('compile-form'), perms.has('records.write'));

        await page.goto(`${server.url}/soa`);
        await page.getByTestId('soa').locator('tbody tr').first().waitFor();
        await expect('SoA decisions', page.getByTestId('soa').locator('select'), perms.has('soa.write'));
        await expect('SoA approval', page.getByTestId('approve'), perms.has('soa.approve'));
        await page.context().close();
    }
    assert.deepEqual(report, []);
    for (const [what, states] of Object.entries(seen)) assert.equal(states.size, 2, `${what} is shown to some roles and hidden from others`);
});

test('keyboard only: facet chips, heat-map cells, the control dialog and record tabs', async () => {
    const page = await newPage(browser);
    await signIn(page, server, account('mikael'));
    await page.goto(`${server.url}/catalog`);
    await page.getByTestId('controls').waitFor();

    // A chip toggles with the keyboard.
    const chip = page.locator('button.chip[data-family="control_type"][data-value="Detective"]');
    await chip.focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('control_type') === 'Detective');
    assert.equal(await chip.getAttribute('aria-pressed'), 'true');

    // The control dialog opens from its link with Enter, takes focus, closes on Escape and gives focus back.
    const link = page.getByTestId('controls').getByRole('link', { name: '5.7', exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('control-dialog');
    await dialog.getByTestId('control-title').waitFor();
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus is in the dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // A heat-map cell with risks is a button: Enter shows its risks.
    await page.goto(`${server.url}/risks?view=heatmap`);
    const cell = page.getByTestId('heatmap-inherent').locator('button:not([disabled])').first();
    await cell.focus();
    await page.keyboard.press('Enter');
    assert.equal(await cell.getAttribute('aria-pressed'), 'true');
    await page.getByTestId('risk-register').locator('tbody tr').first().waitFor();

    // Record tabs: arrow keys move between them.
    await page.goto(`${server.url}/records/document/DOC-1`);
    const details = page.getByRole('tab', { name: 'Details' });
    await details.focus();
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('ack-summary').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Acknowledgements' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'tab');
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('history').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('tab'), 'history');
    assert.deepEqual(page.problems, []);
});
