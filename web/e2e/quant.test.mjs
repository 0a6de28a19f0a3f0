// Quantitative risk (FAIR) in the browser, on the demo organisation: a risk's estimate with the figures the
// server's simulation gives (compared with the API's own answer for the same model), editing it with the
// figures recalculated as the user types, an impossible value refused at its field, saving; the portfolio view:
// a run started from the browser (a bad filter refused at its field), its curve, contributions and sensitivity;
// what a viewer may not do; axe on both screens in English and Swedish.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations } from './harness.mjs';

let server;
let browser;
let api;
let risk; // the first risk with an estimate
before(async () => {
    [server, browser] = await Promise.all([startServer({ demo: true }), launchBrowser()]);
    api = await apiClient(server);
    const estimates = (await api.get('/api/v1/quant/estimates')).items;
    assert.ok(estimates.length >= 2, 'the demo has quantitative estimates');
    risk = estimates[0];
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

const account = (name) => server.credentials.find((c) => c.username === name);
const figure = (page, scope, name, column = 1) => page.getByTestId(scope).locator(`tr[data-figure="${name}"] td`).nth(column - 1);
// The figure as the page formats it (en-GB: thousands separated by commas, no decimals).
const en = (n) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(n);

test('a risk’s estimate: figures as the server simulates them, edited with live recalculation, saved', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/risks/${encodeURIComponent(risk.risk_id)}`);
    const section = page.getByTestId('quant');
    await section.getByRole('heading', { name: 'Quantitative estimate (FAIR)' }).waitFor();
    await section.getByTestId('quant-inputs').waitFor();

    // What the page shows is what the server's simulation of the stored model gives (100,000 years, seed 1).
    const expected = await api.post('/api/v1/quant/simulate', {
        risks: [{ ...risk.model, id: risk.risk_id, title: risk.title }],
        options: { years: 100000, seed: 1 },
    });
    await page.getByTestId('quant-result').waitFor();
    for (const k of ['mean', 'p50', 'p90', 'p95', 'p99'])
        assert.equal(await figure(page, 'quant-result', k).textContent(), en(expected.inherent.portfolio[k]), k);
    if (expected.residual)
        assert.equal(await figure(page, 'quant-result', 'mean', 2).textContent(), en(expected.residual.portfolio.mean), 'residual mean');
    const lec = page.getByTestId('lec');
    assert.match(await lec.getAttribute('src'), /^data:image\/svg\+xml/);
    assert.match(await lec.getAttribute('alt'), /Loss-exceedance curve/);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // Edit: an impossible maximum (below the most likely value) is refused at its field as the user types.
    await section.getByTestId('quant-edit').click();
    const form = page.getByTestId('quant-form');
    const freq = form.locator('[data-field="frequency"]');
    await freq.getByLabel('Distribution').selectOption('pert');
    await freq.getByLabel('Minimum').fill('0.2');
    await freq.getByLabel('Most likely').fill('1');
    await freq.getByLabel('Maximum').fill('0.5');
    await freq.locator('.field-error').first().waitFor();
    assert.match(await freq.locator('.field-error').first().textContent(), /mode|max/i);
    assert.equal(await freq.getByLabel('Maximum').getAttribute('aria-invalid'), 'true');
    assert.equal(await freq.getByLabel('Maximum').inputValue(), '0.5', 'what was typed stays');

    // Fixed: the figures follow the new model (checked against the API for the same model).
    await freq.getByLabel('Maximum').fill('3');
    const model = {
        ...risk.model,
        frequency: { dist: 'pert', min: 0.2, mode: 1, max: 3 },
    };
    const again = await api.post('/api/v1/quant/simulate', { risks: [{ ...model, id: risk.risk_id, title: risk.title }], options: { years: 100000, seed: 1 } });
    await page.waitForFunction(
        ([sel, want]) => document.querySelector(sel)?.textContent === want,
        ['[data-testid="quant-result"] tr[data-figure="mean"] td', en(again.inherent.portfolio.mean)],
    );
    assert.equal(await freq.locator('.field-error').count(), 0);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('quant-notice').getByText('Estimate saved.').waitFor();
    const stored = await api.get(`/api/v1/quant/estimates/${encodeURIComponent(risk.risk_id)}`);
    assert.deepEqual(
        { min: stored.model.frequency.min, mode: stored.model.frequency.mode, max: stored.model.frequency.max },
        { min: 0.2, mode: 1, max: 3 },
    );
    assert.deepEqual(page.problems, []);
    await page.context().close();
});

test('the portfolio: a run from the browser with its curve, contributions and sensitivity', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    const before = (await api.get('/api/v1/quant/runs')).items;
    await page.goto(`${server.url}/risks`);
    await page.getByTestId('view-portfolio').click();
    await page.getByTestId('runs').waitFor();
    assert.equal(await page.getByTestId('runs').locator('tbody tr').count(), before.length);

    // A filter the query language cannot read is refused at the field; the text stays.
    const form = page.getByTestId('portfolio-form');
    await form.getByLabel('Risks').fill('level in (');
    await form.getByTestId('portfolio-run').click();
    await form.locator('#pf-where-err').waitFor();
    assert.equal(await form.getByLabel('Risks').inputValue(), 'level in (');

    // Every estimated risk, with the sensitivity ranking.
    await form.getByLabel('Risks').fill('');
    await form.getByLabel('Simulated years').fill('20000');
    await form.getByLabel('Seed (optional)').fill('7');
    await form.getByTestId('portfolio-run').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="runs"] tbody tr').length === n, before.length + 1);
    const runs = (await api.get('/api/v1/quant/runs')).items;
    const run = await api.get(`/api/v1/quant/runs/${runs[0].id}`);
    assert.equal(run.options.seed, 7);
    assert.ok(new URL(page.url()).searchParams.get('run') === run.id, 'the open run is in the URL');
    // The figures are the new run's once the page has loaded it (until then it still shows the run it had open).
    await page.locator(`[data-testid="run"][data-run="${run.id}"]`).waitFor();
    assert.equal(await figure(page, 'run-result', 'mean').textContent(), en(run.result.inherent.portfolio.mean));
    assert.equal(await figure(page, 'run-result', 'p99').textContent(), en(run.result.inherent.portfolio.p99));
    const estimates = (await api.get('/api/v1/quant/estimates')).items;
    assert.equal(await page.getByTestId('contribution').locator('tbody tr').count(), estimates.length);
    assert.equal(await page.getByTestId('sensitivity').locator('tbody tr').count(), run.result.inherent.sensitivity.length);
    assert.ok(run.result.inherent.sensitivity.length > 0);
    // The curve is the server's SVG for the run.
    const svg = await (await fetch(`${server.url}/api/v1/quant/runs/${run.id}/lec.svg`, { headers: { Cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).text();
    assert.equal(decodeURIComponent((await page.getByTestId('run-result').getByTestId('lec').getAttribute('src')).split(',').slice(1).join(',')), svg);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // An older run opens from the list.
    await page.getByTestId('runs').locator('tbody tr').last().getByRole('link').click();
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('run') === id, before[before.length - 1].id);
    await page.locator(`[data-testid="run"][data-run="${before[before.length - 1].id}"]`).waitFor();
    assert.deepEqual(page.problems, []);
    await page.context().close();
});

test('a viewer sees the figures but no editing and no new run; Swedish without serious axe violations', async () => {
    const page = await newPage(browser, { locale: 'sv-SE' });
    await signIn(page, server, account('lars'), { username: 'Användarnamn', password: 'Lösenord', submit: 'Logga in', nav: 'Huvudmeny' });
    await page.goto(`${server.url}/risks/${encodeURIComponent(risk.risk_id)}`);
    await page.getByTestId('quant').getByRole('heading', { name: 'Kvantitativ uppskattning (FAIR)' }).waitFor();
    await page.getByTestId('quant-result').waitFor();
    assert.equal(await page.getByTestId('quant-edit').count(), 0);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    await page.goto(`${server.url}/risks?view=portfolio`);
    await page.getByTestId('run-result').waitFor();
    assert.equal(await page.getByTestId('portfolio-form').count(), 0);
    assert.ok(!/quant\.[a-z_]+/.test(await page.locator('main').textContent()), 'no message key shown');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    assert.deepEqual(page.problems, []);
    await page.context().close();
});
