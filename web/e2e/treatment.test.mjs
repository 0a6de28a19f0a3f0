// The risk treatment plan and the acceptance of residual risk in the browser, over the demo organisation, checked
// through the API: actions added to a risk's plan (a missing title and due date refused at their fields, nothing
// stored), an action's status changed (done records its completion date), a stale change refused; the risk owner
// accepts the residual risk with a reason, someone else's risk is refused with the server's message; a viewer has
// neither form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations } from './harness.mjs';

let server;
let browser;
let api;
const account = (name) => server.credentials.find((c) => c.username === name);
const today = new Date().toISOString().slice(0, 10);
const inDays = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

before(async () => {
    [server, browser] = await Promise.all([startServer({ demo: true }), launchBrowser()]);
    api = await apiClient(server, account('anna'));
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

test('treatment actions: added (refused fields shown, nothing stored), status changed, a stale change refused', async () => {
    const risk = (await api.get('/api/v1/risks')).items.find((r) => r.treatment?.controls.length && !r.closed);
    const before = (await api.get(`/api/v1/risks/${risk.id}`)).actions.length;
    const page = await newPage(browser);
    await signIn(page, server, account('anna'));
    await page.goto(`${server.url}/risks/${risk.id}`);
    const form = page.getByTestId('action-form');
    await form.waitFor();

    // Nothing filled in: the server's messages at the title and the due date.
    await form.getByRole('button', { name: 'Add action' }).click();
    await form.locator('#act-title-err').waitFor();
    await form.locator('#act-due-err').getByText(/due date/).waitFor();
    assert.equal((await api.get(`/api/v1/risks/${risk.id}`)).actions.length, before);

    const persons = (await api.get('/api/v1/records/person?limit=100')).items;
    await form.getByLabel('Title').fill('Review firewall rules quarterly');
    await form.getByLabel('Owner').selectOption(persons[0].id);
    await form.getByLabel('Due').fill(inDays(30));
    await form.getByLabel('Control').selectOption(risk.treatment.controls[0]);
    await form.getByRole('button', { name: 'Add action' }).click();
    await page.getByTestId('notice').getByText('Action added to the treatment plan.').waitFor();
    const added = (await api.get(`/api/v1/risks/${risk.id}`)).actions.find((a) => a.title === 'Review firewall rules quarterly');
    assert.ok(added, 'the action is stored');
    assert.equal(added.owner, persons[0].id);
    assert.equal(added.due_date, inDays(30));
    assert.equal(added.control, risk.treatment.controls[0]);
    assert.equal(added.status, 'open');
    const rowOf = (id) => page.getByTestId('risk-actions').locator(`tr[data-action="${id}"]`);
    await rowOf(added.id).getByText('Review firewall rules quarterly').waitFor();
    assert.equal(await form.getByLabel('Title').inputValue(), '', 'the form is empty again');
    // It is in the risk treatment plan.
    assert.ok((await api.get('/api/v1/risk/actions')).items.some((a) => a.id === added.id && a.risk === risk.id));

    // Done: the completion date is recorded.
    await rowOf(added.id).getByLabel(`Status ${added.id}`).selectOption('done');
    await page.getByTestId('notice').getByText(`${added.id} saved.`).waitFor();
    const done = await api.get(`/api/v1/risk/actions/${added.id}`);
    assert.equal(done.status, 'done');
    assert.equal(done.completed_on, today);
    await rowOf(added.id).getByText(/^done /).waitFor();

    // Changed elsewhere meanwhile: this page's change is refused, not applied over it.
    await api.patch(`/api/v1/risk/actions/${added.id}`, { notes: 'changed elsewhere' });
    await rowOf(added.id).getByLabel(`Status ${added.id}`).selectOption('in_progress');
    await rowOf(added.id).locator('.field-error').getByText(/changed/).waitFor();
    assert.equal((await api.get(`/api/v1/risk/actions/${added.id}`)).status, 'done');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    assert.deepEqual(page.problems, []);
});

test('the risk owner accepts the residual risk; another owner\'s risk is refused; a viewer has neither form', async () => {
    const me = (await (await apiClient(server, account('maria'))).get('/api/v1/auth/me')).user;
    const persons = (await api.get('/api/v1/records/person?limit=100')).items;
    const maria = persons.find((p) => p.data.username === me.username);
    assert.ok(maria, 'maria is a person of the demo');
    const risks = (await api.get('/api/v1/risks')).items.filter((r) => r.treatment && !r.acceptance?.current && !r.closed);
    const hers = risks.find((r) => r.owner === maria.id);
    const other = risks.find((r) => r.owner !== maria.id);
    assert.ok(hers && other);

    const page = await newPage(browser);
    await signIn(page, server, account('maria'));
    await page.goto(`${server.url}/risks/${other.id}`);
    await page.getByLabel('Why the residual risk is acceptable').fill('Looks fine to me');
    await page.getByRole('button', { name: 'Accept residual risk' }).click();
    await page.locator('#acc-err').getByText(/only the risk owner/).waitFor();
    assert.equal((await api.get(`/api/v1/risks/${other.id}`)).acceptance?.current ?? false, false);
    assert.equal(await page.getByLabel('Why the residual risk is acceptable').inputValue(), 'Looks fine to me', 'the reason is kept');

    await page.goto(`${server.url}/risks/${hers.id}`);
    await page.getByLabel('Why the residual risk is acceptable').fill('Residual level within our criteria; the remaining actions are scheduled');
    await page.getByRole('button', { name: 'Accept residual risk' }).click();
    await page.getByTestId('notice').getByText('Residual risk accepted.').waitFor();
    await page.getByTestId('acceptance').getByText(new RegExp(`Accepted by ${maria.title}`)).waitFor();
    const stored = await api.get(`/api/v1/risks/${hers.id}`);
    assert.equal(stored.acceptance.current, true);
    assert.equal(stored.acceptance.person, maria.id);
    assert.equal(stored.acceptance.comment, 'Residual level within our criteria; the remaining actions are scheduled');
    assert.equal(await page.getByRole('button', { name: 'Accept residual risk' }).count(), 0);

    const viewer = await newPage(browser);
    await signIn(viewer, server, account('lars'));
    await viewer.goto(`${server.url}/risks/${other.id}`);
    await viewer.getByTestId('treatment').waitFor();
    assert.equal(await viewer.getByTestId('action-form').count(), 0);
    assert.equal(await viewer.getByRole('button', { name: 'Accept residual risk' }).count(), 0);
    assert.equal(await viewer.getByTestId('risk-actions').locator('select').count(), 0);
    assert.deepEqual([...page.problems, ...viewer.problems], []);
});
