// API tokens in the browser over the demo organisation: created with a role no higher than one's own (the secret
// shown once and working as a bearer token with that role), a higher role refused with the server's message, a
// bad lifetime refused at its field, revoked (the token then no longer works), each checked through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, apiClient, seriousA11yViolations, describeViolations } from './harness.mjs';

let server;
let browser;
const account = (name) => server.credentials.find((c) => c.username === name);

before(async () => {
    [server, browser] = await Promise.all([startServer({ demo: true }), launchBrowser()]);
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

const asBearer = (token, path = '/api/v1/auth/me') => fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });

test('create a token (shown once, works with its role), a higher role and a bad lifetime refused, revoke it', async () => {
    const page = await newPage(browser);
    await signIn(page, server, account('anna'));
    await page.goto(`${server.url}/admin/tokens`);
    await page.getByRole('heading', { level: 2, name: 'API tokens' }).waitFor();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'New API token' }) });

    // An ISMS manager cannot mint an administrator token.
    await form.getByLabel('Name').fill('too-mighty');
    await form.getByLabel('Role').selectOption('administrator');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByRole('alert').getByText(/cannot create a token with the role 'administrator'/).waitFor();
    // A lifetime the server does not read.
    await form.getByLabel('Role').selectOption('contributor');
    await form.getByLabel('Lifetime').fill('forever');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.locator('#tok-exp-err').waitFor();
    const api = await apiClient(server, account('anna'));
    assert.equal((await api.get('/api/v1/tokens')).items.filter((x) => x.name === 'too-mighty').length, 0);

    await form.getByLabel('Name').fill('ci-pipeline');
    await form.getByLabel('Role').selectOption('contributor');
    await form.getByLabel('Lifetime').fill('30d');
    await form.getByRole('button', { name: 'Create' }).click();
    const secret = (await page.getByTestId('token-secret').locator('code').textContent()).trim();
    assert.ok(secret.length > 20);
    const stored = (await api.get('/api/v1/tokens')).items.find((x) => x.name === 'ci-pipeline');
    assert.equal(stored.role, 'contributor');
    assert.equal(stored.active, true);
    assert.ok(secret.startsWith(stored.prefix), 'the list shows the start of the secret');
    assert.ok(!JSON.stringify(stored).includes(secret), 'the API never shows the secret again');
    const expiresIn = (Date.parse(stored.expires_at) - Date.now()) / 86400000;
    assert.ok(expiresIn > 29 && expiresIn <= 30, `expires in ${expiresIn} days`);
    const row = page.getByTestId('tokens').locator('tr', { hasText: 'ci-pipeline' });
    await row.getByText('Active').waitFor();
    assert.match(await row.textContent(), /Contributor/);
    // The secret works as a bearer token, with the token's role.
    const me = await asBearer(secret);
    assert.equal(me.status, 200);
    const body = await me.json();
    assert.equal(body.token.name, 'ci-pipeline');
    assert.equal(body.organisation.role, 'contributor');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // A reload shows it no more.
    await page.reload();
    await page.getByTestId('tokens').waitFor();
    assert.equal(await page.getByTestId('token-secret').count(), 0);

    await page.getByTestId('tokens').locator('tr', { hasText: 'ci-pipeline' }).getByRole('button', { name: /^Revoke\W+ci-pipeline$/ }).click();
    await page.getByTestId('tokens').locator('tr', { hasText: 'ci-pipeline' }).getByText('Revoked').waitFor();
    assert.equal((await api.get('/api/v1/tokens')).items.find((x) => x.name === 'ci-pipeline').active, false);
    assert.equal((await asBearer(secret)).status, 401);
    assert.deepEqual(page.problems, []);
});
