// Performance evaluation in the browser (27001 9.1–9.3), on the demo organisation: a metric's status, the server's
// chart and the series, a measurement outside the allowed range refused at its field and a good one recorded; an
// audit's checklist generated and answered (a stale answer refused), the independence check, the report as PDF;
// a management review's pack compiled (a future cut-off refused at its field), shown and exported. Axe on each
// tab in English and Swedish; a viewer has no editing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations } from './harness.mjs';

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

const today = () => new Date().toISOString().slice(0, 10);
const daysFromNow = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const svLogin = { username: 'Användarnamn', password: 'Lösenord', submit: 'Logga in', nav: 'Huvudmeny' };

test('a metric: status, the server’s chart, the series; a measurement refused at its field, then recorded', async () => {
    const metrics = (await api.get('/api/v1/metrics')).items;
    const m = metrics.find((x) => x.unit === '%' && x.max_value !== null) ?? metrics[0];
    const before = await api.get(`/api/v1/metrics/${m.id}`);
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/records/metric/${m.id}`);
    await page.getByRole('tab', { name: 'Measurements' }).click();
    await page.getByTestId('metric-summary').waitFor();
    const statusText = { on_target: 'On target', warning: 'Warning', off_target: 'Off target', no_data: 'No data' };
    assert.equal(await page.getByTestId('metric-status').textContent(), statusText[before.status]);
    assert.match(await page.getByTestId('metric-chart').getAttribute('src'), /^data:image\/svg\+xml/);
    assert.equal(await page.getByTestId('measurements').locator('tbody tr').count(), before.series.length);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // Outside the allowed range: the server's message at the value, what was typed kept, nothing stored.
    const form = page.getByTestId('measurement-form');
    const tooHigh = String((before.max_value ?? 100) + 50);
    await form.getByLabel(/^Value/).fill(tooHigh);
    await form.getByRole('button', { name: 'Record' }).click();
    await form.locator('#ms-value-err').waitFor();
    assert.equal(await form.getByLabel(/^Value/).inputValue(), tooHigh);
    assert.equal((await api.get(`/api/v1/metrics/${m.id}`)).series.length, before.series.length);

    await form.getByLabel(/^Value/).fill(String(before.target));
    await form.getByLabel('Note').fill('entered in the browser');
    await form.getByRole('button', { name: 'Record' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="measurements"] tbody tr').length === n, before.series.length + (before.series.some((s) => s.date === today()) ? 0 : 1));
    const after = await api.get(`/api/v1/metrics/${m.id}`);
    const mine = after.series.find((s) => s.date === today());
    assert.equal(mine.value, before.target);
    assert.equal(mine.note, 'entered in the browser');
    assert.equal(await page.getByTestId('metric-status').textContent(), statusText[after.status]);
    assert.deepEqual(page.problems, []);
    await page.context().close();
});

test('an audit: checklist generated and answered, a stale answer refused, independence, report as PDF', async () => {
    const demoAudit = (await api.get('/api/v1/audits')).items[0];
    const lead = (await api.get(`/api/v1/records/audit/${demoAudit.id}`)).data.lead_auditor;
    const audit = await api.post('/api/v1/records/audit', {
        // Clauses 9.1 and 10: the demo's lead auditor runs internal audit (9.2) and so may not audit clause 9 as
        // a whole.
        data: { title: 'Browser audit of clauses 9.1 and 10', scope: 'Measurement and improvement', clauses: ['9.1', '10'], lead_auditor: lead, planned_start: daysFromNow(10), planned_end: daysFromNow(12) },
    });
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/records/audit/${audit.id}?tab=checklist`);
    await page.getByTestId('independence').waitFor();
    const indep = await api.get(`/api/v1/audits/${audit.id}/independence`);
    assert.match(await page.getByTestId('independence').textContent(), indep.ok ? /^Independent/ : /Not independent/);
    await page.getByTestId('generate-checklist').click();
    await page.getByTestId('checklist').waitFor();
    const items = (await api.get(`/api/v1/audits/${audit.id}/checklist`)).items;
    assert.ok(items.length >= 3, 'clause 10 brings its subclauses');
    assert.equal(await page.getByTestId('checklist').locator(':scope > li').count(), items.length);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // Answer the first item.
    const first = page.locator(`[data-item="${items[0].id}"]`);
    await first.getByLabel('Result').selectOption('conforming');
    await first.getByLabel('Evidence').fill('Minutes of the October review');
    await first.getByRole('button', { name: /^Save/ }).click();
    await page.getByTestId('audit-notice').waitFor();
    const answered = (await api.get(`/api/v1/audits/${audit.id}/checklist`)).items[0];
    assert.equal(answered.result, 'conforming');
    assert.equal(answered.evidence, 'Minutes of the October review');

    // Someone else answers the second item meanwhile: the browser's answer is refused, its text kept.
    const second = page.locator(`[data-item="${items[1].id}"]`);
    await api.patch(`/api/v1/audits/${audit.id}/checklist/${items[1].id}`, { notes: 'answered elsewhere' });
    await second.getByLabel('Notes').fill('my notes');
    await second.getByRole('button', { name: /^Save/ }).click();
    await second.locator('.field-error').waitFor();
    assert.equal(await second.getByLabel('Notes').inputValue(), 'my notes');
    assert.equal((await api.get(`/api/v1/audits/${audit.id}/checklist`)).items[1].notes, 'answered elsewhere');

    // The report as PDF, under the server's file name.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Audit report (PDF)' }).click()]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), '%PDF-');
    assert.deepEqual(page.problems, []);
    await page.context().close();
});

test('a management review: a future cut-off refused at its field, the pack compiled, shown and exported', async () => {
    const demoReview = (await api.get('/api/v1/management-reviews')).items[0];
    const chair = (await api.get(`/api/v1/records/management_review/${demoReview.id}`)).data.chair;
    const review = await api.post('/api/v1/records/management_review', {
        data: { title: 'Browser review', meeting_date: daysFromNow(5), cut_off: today(), chair },
    });
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/records/management_review/${review.id}?tab=pack`);
    await page.getByText('The inputs have not been compiled yet.').waitFor();
    const form = page.getByTestId('compile-form');
    await form.getByLabel('Cut-off date').fill(daysFromNow(3));
    await form.getByTestId('compile').click();
    await form.locator('#mr-cut-err').waitFor();
    assert.equal(await form.getByLabel('Cut-off date').inputValue(), daysFromNow(3));

    await form.getByLabel('Cut-off date').fill(today());
    await form.getByTestId('compile').click();
    await page.getByTestId('pack').locator('section').first().waitFor();
    const pack = await api.get(`/api/v1/management-reviews/${review.id}/pack`);
    assert.equal(await page.getByTestId('pack').locator('section').count(), pack.sections.length);
    assert.equal(await page.getByTestId('pack').locator('h3').first().textContent(), `${pack.sections[0].id ? `${pack.sections[0].id} ` : ''}${pack.sections[0].title}`);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Review pack (PDF)' }).click()]);
    assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), '%PDF-');
    assert.deepEqual(page.problems, []);
    await page.context().close();
});

test('Swedish, as a viewer: the tabs read, nothing to edit, no serious axe violation', async () => {
    const viewer = server.credentials.find((c) => c.username === 'lars');
    const page = await newPage(browser, { locale: 'sv-SE' });
    await signIn(page, server, viewer, svLogin);
    const metric = (await api.get('/api/v1/metrics')).items[0];
    const audit = (await api.get('/api/v1/audits')).items[0];
    const review = (await api.get('/api/v1/management-reviews')).items[0];
    for (const [url, ready, absent] of [
        [`/records/metric/${metric.id}?tab=measurements`, 'metric-chart', 'measurement-form'],
        [`/records/audit/${audit.id}?tab=checklist`, 'checklist', 'generate-checklist'],
        [`/records/management_review/${review.id}?tab=pack`, 'pack', 'compile-form'],
    ]) {
        await page.goto(`${server.url}${url}`);
        await page.getByTestId(ready).waitFor();
        assert.equal(await page.getByTestId(absent).count(), 0, `${url}: ${absent}`);
        assert.ok(!/\beval\.[a-z_]+/.test(await page.locator('main').textContent()), `${url}: no message key shown`);
        assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '', url);
    }
    assert.deepEqual(page.problems, []);
    await page.context().close();
});
