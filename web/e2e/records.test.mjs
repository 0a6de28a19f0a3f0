// Records in the browser, generated from the type metadata: create an asset through the generated form
// (a refused save shows the server's messages next to the fields and keeps the input), edit it, see the
// field-level history, move it along its workflow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, seriousA11yViolations, describeViolations, signIn, apiClient } from './harness.mjs';

let server;
let browser;
let api;
let anna;
before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    api = await apiClient(server);
    anna = await api.post('/api/v1/records/person', { data: { name: 'Anna Berg', email: 'anna.berg@example.se' } });
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

const fieldError = (page, field) => page.locator(`[data-field="${field}"] .field-error`);

test('create an asset: server messages next to the fields, nothing typed is lost', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/records`);
    await page.getByRole('link', { name: 'Assets' }).click();
    await page.getByRole('heading', { level: 1, name: 'Assets' }).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    await page.getByTestId('new-record').click();
    await page.getByRole('heading', { level: 1, name: 'New Asset' }).waitFor();

    // Nothing filled in: the server names every required field.
    await page.getByRole('button', { name: 'Create' }).click();
    await fieldError(page, 'name').waitFor();
    await fieldError(page, 'owner').waitFor();
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Name').fill('Payroll database');
    await page.getByLabel('Type').selectOption('information');
    await page.getByLabel('Owner').selectOption({ label: `${anna.id} — Anna Berg` });
    await page.getByLabel('Location').fill('Stockholm');
    await page.getByLabel('Confidentiality value').fill('9');
    await page.getByRole('button', { name: 'Create' }).click();
    await fieldError(page, 'confidentiality').waitFor();
    assert.equal(await fieldError(page, 'name').count(), 0);
    // What was typed is still there.
    assert.equal(await page.getByLabel('Name').inputValue(), 'Payroll database');
    assert.equal(await page.getByLabel('Location').inputValue(), 'Stockholm');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    await page.getByLabel('Confidentiality value').fill('5');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: /Payroll database/ }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/records\/asset\/AST-\d+$/);
    assert.equal(await page.getByTestId('record-state').textContent(), 'In use');
    assert.deepEqual(page.problems, []);
});

test('edit, history with field differences, workflow', async () => {
    const created = await api.post('/api/v1/records/asset', {
        data: { name: 'Laptop fleet', asset_type: 'hardware', owner: 'anna.berg@example.se' },
    });
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/records/asset/${created.id}`);
    await page.getByRole('heading', { level: 1, name: /Laptop fleet/ }).waitFor();
    await page.getByTestId('edit-record').click();
    await page.getByLabel('Location').fill('Göteborg');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('notice').getByText('Saved.').waitFor();
    await page.getByText('Göteborg').waitFor();

    await page.getByRole('tab', { name: 'History' }).click();
    const history = page.getByTestId('history');
    await history.getByRole('row', { name: /Location.*Göteborg/ }).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    await page.getByRole('tab', { name: 'Details' }).click();
    await page.getByTestId('transition-retire').click();
    await page.getByTestId('record-state').getByText('Retired').waitFor();
    // Retired assets may be reinstated or disposed of, not retired again.
    assert.equal(await page.getByTestId('transition-retire').count(), 0);
    await page.getByTestId('transition-reinstate').waitFor();
    assert.deepEqual(page.problems, []);
});

test('a stale edit is refused and the input kept', async () => {
    const created = await api.post('/api/v1/records/asset', {
        data: { name: 'Backup tapes', asset_type: 'hardware', owner: 'anna.berg@example.se' },
    });
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/records/asset/${created.id}`);
    await page.getByTestId('edit-record').click();
    // Someone else changes the record meanwhile.
    await api.patch(`/api/v1/records/asset/${created.id}`, { data: { location: 'Malmö' } });
    await page.getByLabel('Location').fill('Uppsala');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('form-error').getByText(/Someone else changed this record/).waitFor();
    assert.equal(await page.getByLabel('Location').inputValue(), 'Uppsala');
    assert.deepEqual(page.problems, []);
});

test('a document whose approver may approve in isms is approved by their account only; others see whose it is', async () => {
    // Bo's account may approve; Vic's is a viewer's (Vic approves outside isms, someone records it for her).
    const boLogin = { username: 'bo', password: 'e2e-Owl-approves-slowly' };
    await api.post('/api/v1/users', { ...boLogin, display_name: 'Bo Ek', role: 'isms_manager' });
    await api.post('/api/v1/users', { username: 'vic', password: 'e2e-heron-only-reads', display_name: 'Vic Ros', role: 'viewer' });
    const bo = await api.post('/api/v1/records/person', { data: { name: 'Bo Ek', email: 'bo.ek@example.se', username: 'bo' } });
    const vic = await api.post('/api/v1/records/person', { data: { name: 'Vic Ros', email: 'vic.ros@example.se', username: 'vic' } });
    const mk = async (identifier, approver) => {
        const doc = await api.post('/api/v1/records/document', {
            data: { identifier, title: `Policy ${identifier}`, kind: 'policy', owner: anna.id, approver, content: 'Text' },
        });
        await api.post(`/api/v1/records/document/${doc.id}/transitions`, { transition: 'submit' });
        return doc;
    };
    const bos = await mk('POL-BO', bo.id);
    const vics = await mk('POL-VIC', vic.id);
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/records/document/${bos.id}`);
    await page.getByTestId('made-by-approve').getByText('Approve: by bo only').waitFor();
    assert.equal(await page.getByTestId('transition-approve').count(), 0);
    await page.getByTestId('transition-return').waitFor(); // what anyone may do is still offered
    // The API refuses it too, naming the account.
    await assert.rejects(api.post(`/api/v1/records/document/${bos.id}/transitions`, { transition: 'approve' }),
        /403 .*only their account 'bo'/);

    // Vic's account may not approve: the administrator records her approval.
    await page.goto(`${server.url}/records/document/${vics.id}`);
    await page.getByTestId('transition-approve').click();
    await page.getByTestId('record-state').getByText('Approved').waitFor();
    assert.equal(await page.getByTestId('made-by-approve').count(), 0);
    assert.deepEqual(page.problems, []);

    // Bo signs in: the button is his, and approves.
    const bosPage = await newPage(browser);
    await signIn(bosPage, server, boLogin);
    await bosPage.goto(`${server.url}/records/document/${bos.id}`);
    await bosPage.getByTestId('transition-approve').click();
    await bosPage.getByTestId('record-state').getByText('Approved').waitFor();
    assert.equal((await api.get(`/api/v1/records/document/${bos.id}`)).approved_by, 'user:bo');
    assert.deepEqual(bosPage.problems, []);
});
