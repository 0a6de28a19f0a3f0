// The dashboard over the demo organisation: each card's figures against what the API holds (SoA coverage by
// theme, risks by level inherent and residual, overdue actions, documents awaiting approval or
// acknowledgement, the next audit and management review), and acknowledging a policy from there as the person
// it waits for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, apiClient, withRecordTypes, seriousA11yViolations, describeViolations } from './harness.mjs';

let server;
let browser;
let api;
const account = (name) => server.credentials.find((c) => c.username === name);
const today = new Date().toISOString().slice(0, 10);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

before(async () => {
    [server, browser] = await Promise.all([startServer({ demo: true, env: withRecordTypes(['audit', 'management_review']) }), launchBrowser()]);
    api = await apiClient(server, account('mikael'));
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

// The rows of a card's table as arrays of cell texts.
async function rows(card) {
    return card.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
}

test('each card shows what the API holds', async () => {
    const [soa, crit, risks, actions, inReview] = await Promise.all([
        api.get('/api/v1/soa'),
        api.get('/api/v1/risk/criteria'),
        api.get('/api/v1/risks'),
        api.get('/api/v1/risk/actions'),
        api.get('/api/v1/records/document?state=in_review'),
    ]);
    // Plans for the audit programme and the management review: the earliest still ahead is "next".
    // (Only the fields the server's types have: the built-in types ask for more than the test fixtures.)
    const lead = (await api.get('/api/v1/records/person?limit=1')).items[0].id;
    const fields = {};
    for (const type of ['audit', 'management_review'])
        fields[type] = new Set((await api.get(`/api/v1/record-types/${type}`)).fields.map((f) => f.name));
    const only = (type, data) => Object.fromEntries(Object.entries(data).filter(([k]) => fields[type].has(k)));
    const audit = (title, start) =>
        api.post('/api/v1/records/audit', {
            data: only('audit', { title, planned_start: day(start), planned_end: day(start + 2), lead_auditor: lead, scope: 'The ISMS' }),
        });
    await audit('Supplier management audit', 40);
    const soon = await audit('Access control audit', 10);
    const review = await api.post('/api/v1/records/management_review', {
        data: only('management_review', { title: 'Management review Q1', meeting_date: day(25), cut_off: today, chair: lead }),
    });

    const page = await newPage(browser);
    await signIn(page, server, account('mikael'));
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    // SoA coverage: applicable / total per theme.
    const soaCard = page.getByTestId('dash-soa');
    await soaCard.locator('tbody tr').first().waitFor();
    const byTheme = {};
    for (const e of soa.items) {
        const c = (byTheme[e.theme] ??= { total: 0, applicable: 0 });
        c.total++;
        if (e.applicability === 'applicable') c.applicable++;
    }
    const soaRows = await rows(soaCard);
    assert.equal(soaRows.length, Object.keys(byTheme).length);
    for (const [theme, c] of Object.entries(byTheme)) {
        const label = theme.charAt(0).toUpperCase() + theme.slice(1);
        assert.ok(soaRows.some((r) => r[0] === label && r[1] === `${c.applicable} / ${c.total}`), `${label} ${c.applicable}/${c.total} in ${JSON.stringify(soaRows)}`);
    }

    // Risks by level: open risks at their inherent level, and at their residual one (the inherent one while
    // untreated).
    const open = risks.items.filter((r) => !r.closed);
    const riskRows = await rows(page.getByTestId('dash-risks'));
    for (const level of crit.levels) {
        const inherent = open.filter((r) => r.inherent?.level === level.id).length;
        const residual = open.filter((r) => (r.treatment?.residual ?? r.inherent)?.level === level.id).length;
        assert.deepEqual(riskRows.find((r) => r[0] === level.name)?.slice(1), [String(inherent), String(residual)], level.name);
    }
    assert.ok(open.some((r) => r.inherent), 'the demo has scored risks');

    // Overdue treatment actions and documents awaiting approval.
    const overdue = actions.items.filter((a) => (a.status === 'open' || a.status === 'in_progress') && a.due_date && a.due_date < today);
    assert.ok(overdue.length > 0, 'the demo has an overdue action');
    const actionsCard = page.locator('section', { has: page.getByRole('heading', { name: /Overdue treatment actions/ }) });
    assert.equal(await actionsCard.locator('li').count(), Math.min(overdue.length, 8));
    for (const a of overdue) await actionsCard.getByText(a.title).waitFor();
    const docsCard = page.locator('section', { has: page.getByRole('heading', { name: /Documents awaiting approval/ }) });
    for (const d of inReview.items) await docsCard.getByRole('link', { name: d.id }).waitFor();

    // Overdue reviews: records of every type and risks (27001 8.2), as the API lists them; a risk opens on the risk screen.
    const dueNow = (await api.get('/api/v1/records-due?within=0')).items;
    const dueRisk = dueNow.find((d) => d.type === 'risk');
    assert.ok(dueRisk, 'the demo has a risk past its review date');
    const dueCard = page.getByTestId('dash-due');
    assert.equal(await dueCard.getByRole('listitem').count(), Math.min(dueNow.length, 8));
    assert.equal(await dueCard.getByRole('link', { name: dueRisk.id, exact: true }).getAttribute('href'), `/risks/${dueRisk.id}`);

    // Documents people still have to acknowledge.
    const published = (await api.get('/api/v1/records/document?state=published')).items;
    const pending = [];
    for (const d of published) {
        const st = await api.get(`/api/v1/records/document/${d.id}/acknowledgements`);
        if (st.pending.length) pending.push({ id: d.id, text: `${st.acknowledged.length} of ${st.acknowledged.length + st.pending.length}` });
    }
    assert.ok(pending.length > 0);
    const acks = page.getByTestId('dash-acks');
    for (const p of pending) assert.match(await acks.getByRole('listitem').filter({ hasText: p.id }).textContent(), new RegExp(p.text));

    // The next audit and management review.
    const next = page.getByTestId('dash-next');
    await next.getByRole('link', { name: soon.id }).waitFor();
    assert.match(await next.textContent(), /Access control audit/);
    assert.doesNotMatch(await next.textContent(), /Supplier management audit/);
    await next.getByRole('link', { name: review.id }).waitFor();
    // An audit under way is the next one, though it began before the planned ones.
    const started = await audit('Audit of the backup process', -2);
    if (fields.audit.has('actual_start')) await api.patch(`/api/v1/records/audit/${started.id}`, { data: { actual_start: day(-2) } });
    await api.post(`/api/v1/records/audit/${started.id}/transitions`, { transition: 'start' });
    assert.equal((await api.get(`/api/v1/records/audit/${started.id}`)).state, 'in_progress');
    await page.reload();
    await page.getByTestId('dash-next').getByRole('link', { name: started.id }).waitFor();
    assert.doesNotMatch(await page.getByTestId('dash-next').textContent(), /Access control audit/);

    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    assert.deepEqual(page.problems, []);
});

test('a person acknowledges the policy the dashboard says waits for them', async () => {
    // nils is the demo's internal auditor (person Nils Wallin), who has not acknowledged the information
    // security policy yet.
    const policy = (await api.get('/api/v1/records/document?identifier=POL-001')).items[0];
    const before = await api.get(`/api/v1/records/document/${policy.id}/acknowledgements`);
    const me = before.pending.find((p) => p.name === 'Nils Wallin');
    assert.ok(me, 'Nils has not acknowledged the policy yet');

    const page = await newPage(browser);
    await signIn(page, server, account('nils'));
    const item = page.getByTestId('dash-acks').getByRole('listitem').filter({ hasText: policy.id });
    await item.getByText('yours').waitFor();
    await item.getByRole('link', { name: policy.id }).click();
    const acks = page.getByTestId('acknowledgements');
    await acks.getByTestId('ack-summary').getByText(`${before.acknowledged.length} of`).waitFor();
    // An auditor may not record acknowledgements for others, only their own.
    assert.equal(await acks.getByRole('button', { name: /Record acknowledgement/ }).count(), 0);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    await acks.getByTestId('ack-self').click();
    await acks.getByTestId('ack-notice').getByText(`Acknowledgement by ${me.person} recorded.`).waitFor();
    await acks.getByTestId('ack-done').getByText('Nils Wallin').waitFor();
    await acks.getByTestId('ack-summary').getByText(`${before.acknowledged.length + 1} of`).waitFor();
    assert.equal(await acks.getByTestId('ack-self').count(), 0);

    const after = await api.get(`/api/v1/records/document/${policy.id}/acknowledgements`);
    assert.ok(after.acknowledged.some((p) => p.person === me.person && p.actor === 'user:nils'));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('dash-acks').getByRole('listitem').filter({ hasText: policy.id }).waitFor();
    assert.equal(await page.getByTestId('dash-acks').getByRole('listitem').filter({ hasText: policy.id }).getByText('yours').count(), 0);
    assert.deepEqual(page.problems, []);
});
