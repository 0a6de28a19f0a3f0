// End-to-end test harness: the real isms binary on a free port with a fresh database, and Debian's
// chromium driven by playwright-core (Playwright never downloads a browser here).
//
//   ISMS_BIN   the binary (default: ../build/isms relative to web/)
//   CHROMIUM   the browser (default: /usr/bin/chromium)
//
// Every page records console errors, uncaught exceptions and Content-Security-Policy violations; tests
// assert there were none (`page.problems`).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ismsBin = process.env.ISMS_BIN || resolve(here, '../../build/isms');
const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs the CLI against the server's database (the server may be running: SQLite allows a second writer
// process between the server's transactions).
export function isms(db, args, opts = {}) {
    return execFileSync(ismsBin, ['--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

// The account startServer creates (administrator of its organisation); with `demo` the demo administrator.
export const e2eAdmin = { username: 'e2e-admin', password: 'e2e-otter-sings-at-dawn' };
const demoAdmin = { username: 'astrid', password: 'kvarnberg-administrator' };

// Starts `isms serve` on a free port over a new database. `setup(db)` runs before the server starts
// (e.g. `isms demo`, creating users). Returns { url, db, dir, stop, signIn(page, account?) }; signIn signs the
// page's browser context in through the API (the session cookie is then the context's).
export async function startServer({ org = 'E2E Test AB', demo = false, setup } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'isms-e2e-'));
    const db = join(dir, 'isms.db');
    if (demo) isms(db, ['demo']);
    else
        isms(db, ['init', '--org', org, '--admin', e2eAdmin.username, '--password-stdin'], {
            input: `${e2eAdmin.password}\n`,
            stdio: ['pipe', 'pipe', 'pipe'],
        });
    const admin = demo ? demoAdmin : e2eAdmin;
    if (setup) await setup(db);
    const child = spawn(ismsBin, ['--db', db, 'serve', '--host', '127.0.0.1', '--port', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const url = await new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`isms serve did not start:\n${log}`)), 15000);
        const onData = (b) => {
            log += b.toString();
            const m = log.match(/on (https?:\/\/[^\s]+?)\/?\s/);
            if (m) {
                clearTimeout(timer);
                res(m[1]);
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', (b) => (log += b.toString()));
        child.on('exit', (code) => {
            clearTimeout(timer);
            rej(new Error(`isms serve exited with ${code}:\n${log}`));
        });
    });
    child.removeAllListeners('exit');
    return {
        url,
        db,
        dir,
        log: () => log,
        async signIn(page, account = admin) {
            const res = await page.request.post(`${url}/api/v1/auth/login`, { data: account });
            if (res.status() !== 201) throw new Error(`sign-in as ${account.username} failed: ${res.status()} ${await res.text()}`);
        },
        async stop() {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
            rmSync(dir, { recursive: true, force: true });
        },
    };
}

export async function launchBrowser() {
    return chromium.launch({
        executablePath: chromiumBin,
        headless: true,
        // Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
}

// A page in its own browser context (own cookies), English unless `locale` says otherwise.
export async function newPage(browser, { locale = 'en-GB', viewport = { width: 1360, height: 900 } } = {}) {
    const context = await browser.newContext({ locale, viewport });
    const page = await context.newPage();
    page.problems = [];
    page.on('console', (msg) => {
        if (msg.type() === 'error') {
            const text = msg.text();
            // A failed fetch the application handles (e.g. a refused save the test provokes) is logged by the
            // browser as a resource error; those are expected and carry the HTTP status.
            if (/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) return;
            page.problems.push(`console: ${text}`);
        }
    });
    page.on('pageerror', (err) => page.problems.push(`exception: ${err.message}`));
    await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
            console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
        });
    });
    return page;
}

// Runs axe-core on the page; returns the violations of impact "serious" or "critical".
export async function seriousA11yViolations(page) {
    const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
    // page.evaluate runs through the DevTools protocol, which the page's CSP does not restrict.
    if (!hasAxe) await page.evaluate(axeSource);
    const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
        }));
    });
    return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(vs) {
    return vs.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`).join('\n');
}

// Signs a page in as `user` (default: the first credentials the server printed at start, e.g. the demo
// store's users) when the server has accounts; a server without them lets every page in.
export async function demoLogin(page, server, user) {
    const cred = user ?? server.credentials?.[0];
    if (!cred) return;
    await page.goto(`${server.url}/`);
    await page.getByLabel('User name').fill(cred.username);
    await page.getByLabel('Password').fill(cred.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
