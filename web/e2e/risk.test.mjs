// The risk cycle in the browser: create an asset and a risk, score it on the matrix, treat it with two
// controls, see the SoA derive them as applicable, approve the SoA (refused while items are open, then with an
// override reason), and as a viewer see no editing controls and be refused when editing anyway.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
    startServer,
    launchBrowser,
    newPage,
    signIn,
    apiClient,
    supportsAccounts,
    seriousA11yViolations,
    describeViolations,
} from './harness.mjs';

let server;
let browser;
let api;
let owner;
before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    api = await apiClient(server);
    owner = await api.post('/api/v1/records/person', { data: { name: 'Karin Lund', email: 'karin.lund@example.se' } });
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

test('asset → risk → score → treatment with two controls → SoA → approval', async () => {
    const page = await newPage(browser);
    await signIn(page, server);

    // The asset, through the generated form.
    await page.goto(`${server.url}/records/asset/new`);
    await page.getByLabel('Name').fill('Customer payroll data');
    await page.getByLabel('Type').selectOption('information');
    await page.getByLabel('Owner').selectOption({ label: `${owner.id} — Karin Lund` });
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: /Customer payroll data/ }).waitFor();
    const assetId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());

    // The risk, scored on the organisation's matrix.
    const crit = await api.get('/api/v1/risk/criteria');
    const l = crit.likelihood.length;
    const c = crit.consequence.length;
    const levelId = crit.matrix[l - 1][c - 1];
    const level = crit.levels.find((x) => x.id === levelId);
    await page.goto(`${server.url}/risks`);
    await page.getByTestId('new-risk').click();
    await page.getByRole('heading', { level: 1, name: 'New risk' }).waitFor();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Payroll data disclosed through a misconfigured bucket');
    const form = page.getByTestId('risk-form');
    await form.locator('[data-field="assets"]').getByRole('checkbox', { name: new RegExp(`^${assetId} `) }).check();
    await form.locator('[data-field="threats"] input[type="checkbox"]').first().check();
    await form.locator('[data-field="vulnerabilities"] input[type="checkbox"]').first().check();
    await page.getByLabel('Risk owner').selectOption(owner.id);
    await page.getByLabel('Confidentiality').check();
    await page.getByLabel('Likelihood').selectOption(String(l));
    await page.getByLabel('Impact').selectOption(String(c));
    await page.getByTestId('level-preview').getByText(level.name).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: /misconfigured bucket/ }).waitFor();
    await page.getByTestId('inherent').getByText(level.name).waitFor();
    const riskId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());

    // Treatment with two Annex A controls and a lower residual score.
    await page.getByTestId('treat').click();
    const tf = page.getByTestId('treatment-form');
    await tf.getByLabel('Treatment option').selectOption('modify');
    for (const id of ['8.24', '5.15']) {
        await tf.getByPlaceholder('Search id or title').fill(id);
        await tf.locator('label.check', { hasText: new RegExp(`^\\s*${id.replace('.', '\\.')} `) }).locator('input').check();
    }
    await tf.getByLabel('Residual: Likelihood').selectOption('1');
    await tf.getByLabel('Residual: Impact').selectOption('1');
    await tf.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('notice').getByText('Treatment saved.').waitFor();
    const treatment = page.getByTestId('treatment');
    await treatment.getByRole('link', { name: '8.24' }).waitFor();
    await treatment.getByRole('link', { name: '5.15' }).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // The register and the heat map show it.
    await page.goto(`${server.url}/risks?view=heatmap`);
    await page.getByTestId('heatmap-inherent').getByRole('button', { name: new RegExp(`^1 risks with likelihood ${l} `) }).click();
    await page.getByTestId('risk-register').getByRole('link', { name: riskId }).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // The SoA derives both controls as applicable, justified by the risk.
    await page.goto(`${server.url}/soa`);
    for (const id of ['8.24', '5.15']) {
        const row = page.locator(`tr[data-control="${id}"]`);
        await row.getByRole('link', { name: riskId }).waitFor();
        assert.equal(await row.getByLabel(`Applicability ${id}`).inputValue(), 'applicable');
    }
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // Approval: open items refuse it until an override reason is given.
    await page.getByTestId('approve').click();
    await page.getByTestId('approve-error').waitFor();
    await page.getByLabel('Approve despite open items, because').fill('First version: the remaining controls are decided next quarter');
    await page.getByTestId('approve').click();
    await page.getByTestId('notice').getByText('Version 1 approved.').waitFor();
    await page.getByTestId('soa-versions').getByText('v1').waitFor();
    assert.deepEqual(page.problems, []);
});

test('re-assessment: a new inherent score beside the earlier one, and what it ended said on the page', async () => {
    const crit = await api.get('/api/v1/risk/criteria');
    const risk = await api.post('/api/v1/risks', {
        title: 'Backups restored too slowly after ransomware',
        approach: 'scenario',
        scenario: 'Encrypted file servers; restore from tape takes days',
        owner: owner.id,
        cia: ['A'],
        likelihood: 3,
        consequence: 3,
    });
    await api.put(`/api/v1/risks/${risk.id}/treatment`, { option: 'modify', controls: ['8.13'], residual_likelihood: 2, residual_consequence: 2 });
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/risks/${risk.id}`);
    await page.getByTestId('residual').getByText('Likelihood 2 × Impact 2').waitFor();

    // A scale value must be chosen; the form says so at the field and keeps the note.
    await page.getByTestId('reassess').click();
    const form = page.getByTestId('assessment-form');
    await form.getByLabel('Likelihood').selectOption({ label: '—' });
    await form.getByLabel('Why it was re-assessed').fill('Immutable backups in place since the last review');
    await form.getByRole('button', { name: 'Record the assessment' }).click();
    await form.locator('#ra-likelihood-err').waitFor();
    assert.equal(await form.getByLabel('Why it was re-assessed').inputValue(), 'Immutable backups in place since the last review');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // Below the planned residual score: recorded, and the page says the residual was removed.
    const lower = crit.levels.find((x) => x.id === crit.matrix[0][0]);
    await form.getByLabel('Likelihood').selectOption('1');
    await form.getByLabel('Impact').selectOption('1');
    await page.getByTestId('assessment-preview').getByText(lower.name).waitFor();
    await form.getByRole('button', { name: 'Record the assessment' }).click();
    await page.getByTestId('notice').getByText('Assessment recorded.').waitFor();
    await page.getByTestId('assessment-notices').getByText(/planned residual score 2 × 2 .* was removed/).waitFor();
    await page.getByTestId('inherent').getByText('Likelihood 1 × Impact 1').waitFor();
    await page.getByTestId('residual').getByText('Not scored').waitFor();
    const rows = page.getByTestId('assessments').locator('tbody tr');
    await rows.nth(0).getByText('1 × 1').waitFor();
    assert.ok((await rows.allTextContents()).some((r) => r.includes('3 × 3')), 'the earlier result is kept');
    const history = (await api.get(`/api/v1/risks/${risk.id}/assessments`)).items.filter((a) => a.kind === 'inherent');
    assert.deepEqual(history.map((a) => `${a.score.likelihood}×${a.score.consequence}`), ['3×3', '1×1']);
    assert.deepEqual(page.problems, []);
});

test('a viewer sees no editing controls and is refused when editing anyway', { skip: !supportsAccounts() && 'this server has no accounts' }, async () => {
    const viewer = { username: 'vera', password: 'viewer-password-2026!' };
    await api.post('/api/v1/users', { ...viewer, display_name: 'Vera Viewer', role: 'viewer' });
    const page = await newPage(browser);
    await signIn(page, server, viewer);
    await page.goto(`${server.url}/risks`);
    await page.getByRole('heading', { level: 1, name: 'Risk register' }).waitFor();
    assert.equal(await page.getByTestId('new-risk').count(), 0);
    await page.goto(`${server.url}/soa`);
    await page.getByTestId('soa').locator('tbody tr').first().waitFor();
    assert.equal(await page.getByTestId('soa').locator('select').count(), 0);
    assert.equal(await page.getByTestId('approve').count(), 0);

    // Typing a form's address directly: the form shows, the server refuses the save, the input stays.
    await page.goto(`${server.url}/records/asset/new`);
    await page.getByLabel('Name').fill('Viewer laptop');
    await page.getByLabel('Type').selectOption('hardware');
    await page.getByLabel('Owner').selectOption({ label: `${owner.id} — Karin Lund` });
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('form-error').getByText(/viewer/).waitFor();
    assert.equal(await page.getByLabel('Name').inputValue(), 'Viewer laptop');
    assert.deepEqual(page.problems, []);
});
