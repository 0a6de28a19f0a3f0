// The application shell: it loads from the binary under its CSP, navigates by keyboard and links, switches
// language, verifies the change log, and every screen passes axe-core without serious violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, seriousA11yViolations, describeViolations } from './harness.mjs';

let server;
let browser;

before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
after(async () => {
    await browser?.close();
    await server?.stop();
});

test('the embedded application loads under the server CSP and serves client routes', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    const res = await page.goto(`${server.url}/admin`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'], /style-src 'self'/);
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    // Hashed assets are cached for good; the shell is revalidated.
    const assets = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/assets/')));
    assert.ok(assets.length >= 2, `expected script and style assets, got ${assets}`);
    const asset = await page.request.get(assets[0]);
    assert.match(asset.headers()['cache-control'], /immutable/);
    assert.deepEqual(page.problems, []);
});

test('navigation, language switch and change-log verification', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    // Readiness score, metrics, nonconformities and corrective actions (GET /api/v1/evaluation/summary).
    const evaluation = page.getByTestId('dash-evaluation');
    await evaluation.getByText(/Metrics: \d+ on target/).waitFor();
    assert.match(await evaluation.textContent(), /\d+\s?%.*mandatory documented information.*Corrective actions: \d+ open, \d+ overdue/s);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin');
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Change log' }).click();
    assert.equal(new URL(page.url()).pathname, '/admin/log');
    await page.getByRole('button', { name: 'Verify the change log' }).click();
    await page.getByTestId('verify-result').filter({ hasText: 'The change log is intact' }).waitFor();
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');

    await page.getByLabel('Language').selectOption('sv');
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    await page.getByRole('button', { name: 'Verifiera ändringsloggen' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'sv');
    // The choice is remembered.
    await page.reload();
    await page.getByRole('button', { name: 'Verifiera ändringsloggen' }).waitFor();

    // Back: the administration overview, then the dashboard.
    await page.goBack();
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Organisationer och användare' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Översikt' }).waitFor();
    assert.deepEqual(page.problems, []);
});

test('keyboard only: skip link, navigation and the user menu', async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => location.hash), '#main');
    const menu = page.getByTestId('user-menu');
    await menu.focus();
    await page.keyboard.press('Enter');
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('Escape');
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(page.problems, []);
});
