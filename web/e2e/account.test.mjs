// Signing in and who one is: switching on the second factor on the Account screen and signing in with a
// one-time code (a wrong code is refused next to its field), and the organisation switcher for an account with
// different roles in two organisations (what the role may not do disappears; the data is the other
// organisation's).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, apiClient, isms, totpCode, e2eAdmin, seriousA11yViolations, describeViolations } from './harness.mjs';

let server;
let browser;
let api;
before(async () => {
    [server, browser] = await Promise.all([
        startServer({
            // A second organisation in which the administrator of the first is only a viewer.
            setup: (db) => {
                isms(db, ['org', 'add', 'Beta Konsult AB', '--slug', 'beta']);
                isms(db, ['--org', 'beta', 'user', 'grant', e2eAdmin.username, 'viewer']);
            },
        }),
        launchBrowser(),
    ]);
    api = await apiClient(server, undefined, { org: 'e2e-test-ab' });
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

test('the one-time code helper gives RFC 6238 reference values', () => {
    // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits) — the last six.
    assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59), '287082');
    assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1111111109), '081804');
});

test('second factor: switch it on, then sign-in asks for the code and refuses a wrong one', async () => {
    const user = { username: 'tove', password: 'second-factor-otter-2026!' };
    await api.post('/api/v1/users', { ...user, display_name: 'Tove Två', role: 'contributor' });
    const page = await newPage(browser);
    await signIn(page, server, user);
    await page.getByTestId('user-menu').click();
    await page.getByRole('link', { name: 'Account and security' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account and security' }).waitFor();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()).trim();
    // A wrong code is refused at its field.
    await page.getByLabel('Authentication code').fill(totpCode(secret, Date.now() / 1000 - 600));
    await page.getByRole('button', { name: 'Switch on' }).click();
    await page.locator('#acc-code-err').waitFor();
    assert.equal(await page.getByLabel('Authentication code').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Authentication code').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Switch on' }).click();
    await page.getByText('Sign-in asks for a one-time code.').waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    // Sign out and in again: the password alone is not enough.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.getByLabel('User name').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('Authentication code');
    await code.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'login-totp');
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    await code.fill(totpCode(secret, Date.now() / 1000 - 600));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#login-totp-err, [role="alert"]').first().waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
    // What was typed stays; the next step's code (the one just used at switch-on may not be used twice) lets in.
    assert.equal(await page.getByLabel('User name').inputValue(), user.username);
    await code.fill(totpCode(secret, Date.now() / 1000 + 30));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    assert.deepEqual(page.problems, []);
});

test('organisation switcher: the other organisation\'s data, with the role held there', async () => {
    const owner = await api.post('/api/v1/records/person', { data: { name: 'Ola', email: 'ola@example.se' } });
    await api.post('/api/v1/risks', {
        title: 'Only in the first organisation',
        approach: 'scenario',
        scenario: 'A laptop with payroll exports is stolen',
        owner: owner.id,
        cia: ['C'],
    });
    const page = await newPage(browser);
    await signIn(page, server);
    const switcher = page.getByLabel('Organisation');
    assert.deepEqual((await switcher.locator('option').allTextContents()).sort(), ['Beta Konsult AB', 'E2E Test AB']);
    await switcher.selectOption({ label: 'E2E Test AB' });
    await page.goto(`${server.url}/risks`);
    await page.getByTestId('risk-register').getByText('Only in the first organisation').waitFor();
    await page.getByTestId('new-risk').waitFor();

    await page.getByLabel('Organisation').selectOption({ label: 'Beta Konsult AB' });
    await page.getByTestId('risk-count').getByText('0 of 0 risks').waitFor();
    assert.equal(await page.getByText('Only in the first organisation').count(), 0);
    // A viewer there: no new risk, no administration.
    assert.equal(await page.getByTestId('new-risk').count(), 0);
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).count(), 0);
    await page.getByTestId('user-menu').click();
    await page.getByText('Role: Viewer').waitFor();
    await page.keyboard.press('Escape');

    // The choice holds across a reload.
    await page.reload();
    await page.getByTestId('risk-count').getByText('0 of 0 risks').waitFor();
    assert.equal(await page.getByLabel('Organisation').inputValue(), 'beta');
    assert.deepEqual(page.problems, []);
});
