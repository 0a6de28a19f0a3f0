// End-to-end test harness: the real isms binary on a free port with a fresh database, and Debian's
// chromium driven by playwright-core (Playwright never downloads a browser here).
//
//   ISMS_BIN   the binary (default: ../build/isms relative to web/)
//   CHROMIUM   the browser (default: /usr/bin/chromium)
//   ISMS_WEB_ROOT  serve the web application from this folder (`isms serve --web-root`, e.g. web/dist after
//              `npm run build`) instead of the copy embedded in the binary
//   ISMS_E2E_PG_URL_FILE  a file holding a PostgreSQL URL whose user may create databases (make test's cluster:
//              build/pg/url): each server then runs on a new PostgreSQL database of its own (dropped when it
//              stops) instead of a new SQLite file
//
// Every page records console errors, uncaught exceptions and Content-Security-Policy violations; tests
// assert there were none (`page.problems`).
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ismsBin = process.env.ISMS_BIN || resolve(here, '../../build/isms');
const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';
const webRoot = process.env.ISMS_WEB_ROOT ? resolve(process.env.ISMS_WEB_ROOT) : '';
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let accounts;
// Whether this binary has accounts (isms init --admin); without them every request acts as administrator.
export function supportsAccounts() {
    if (accounts === undefined) accounts = /--admin/.test(execFileSync(ismsBin, ['init', '--help'], { encoding: 'utf8' }));
    return accounts;
}

// Runs the CLI against the server's database (the server may be running: SQLite allows a second writer
// process between the server's transactions).
export function isms(db, args, opts = {}) {
    return execFileSync(ismsBin, ['--db', db, ...args], { encoding: 'utf8', stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'], ...opts });
}

// The environment for a server that has record types `names`: those the binary lacks come from
// e2e/fixtures/record-types/NAME.yaml (through ISMS_RECORD_SCHEMAS, as an installation adds its own types).
export function withRecordTypes(names) {
    const dir = mkdtempSync(join(tmpdir(), 'isms-e2e-types-'));
    const probe = join(dir, 'probe.db');
    execFileSync(ismsBin, ['--db', probe, 'init', '--org', 'Probe'], { stdio: 'ignore' });
    const have = JSON.parse(execFileSync(ismsBin, ['--db', probe, '--format', 'json', 'record', 'types'], { encoding: 'utf8' })).map((t) => t.name);
    rmSync(probe, { force: true });
    const missing = names.filter((n) => !have.includes(n));
    for (const n of missing) copyFileSync(join(here, 'fixtures/record-types', `${n}.yaml`), join(dir, `${n}.yaml`));
    return missing.length ? { ...process.env, ISMS_RECORD_SCHEMAS: dir } : { ...process.env };
}

// The account startServer creates (administrator of its organisation); a demo store has its own accounts.
export const e2eAdmin = { username: 'e2e-admin', password: 'e2e-otter-sings-at-dawn' };

// Starts `isms serve` on a free port over a new database. `setup(db)` runs before the server starts
// (e.g. `isms demo`, creating users); `env` is the environment of the demo command and the server. Returns
// { url, db, dir, stop, signIn(page, account?) }; signIn signs the page's browser context in through the API
// (the session cookie is then the context's).
// The backend of the servers this process starts: "postgresql" when ISMS_E2E_PG_URL_FILE names a server.
export const backend = process.env.ISMS_E2E_PG_URL_FILE ? 'postgresql' : 'sqlite';

// A new database for one server: a SQLite file in `dir`, or a PostgreSQL database (and how to drop it).
function newDatabase(dir) {
    if (backend === 'sqlite') return { db: join(dir, 'isms.db'), drop() {} };
    const admin = readFileSync(process.env.ISMS_E2E_PG_URL_FILE, 'utf8').trim();
    const name = `isms_e2e_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    execFileSync('psql', ['-X', '-q', admin, '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
    const slash = admin.lastIndexOf('/');
    return {
        db: admin.slice(0, slash + 1) + name,
        drop() {
            execFileSync('psql', ['-X', '-q', admin, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'pipe' });
        },
    };
}

export async function startServer({ org = 'E2E Test AB', demo = false, setup, env } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'isms-e2e-'));
    const database = newDatabase(dir);
    const db = database.db;
    const credentials = [];
    if (demo) {
        // The demo store prints its accounts: "  demo account NAME password PASSWORD ROLE".
        const out = isms(db, ['demo'], env ? { env } : {});
        for (const m of out.matchAll(/demo account\s+(\S+)\s+password\s+(\S+)\s+(\S+)/g))
            credentials.push({ username: m[1], password: m[2], role: m[3] });
        if (!credentials.length) throw new Error(`isms demo printed no demo accounts:\n${out}`);
    } else {
        isms(db, ['init', '--org', org, '--admin', e2eAdmin.username, '--password-stdin'], {
            input: `${e2eAdmin.password}\n`,
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        credentials.push({ ...e2eAdmin, role: 'administrator' });
    }
    const admin = { username: credentials[0].username, password: credentials[0].password };
    if (setup) await setup(db);
    const serveArgs = ['--db', db, 'serve', '--host', '127.0.0.1', '--port', '0', ...(webRoot ? ['--web-root', webRoot] : [])];
    const child = spawn(ismsBin, serveArgs, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: env ?? process.env,
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
        credentials,
        log: () => log,
        async signIn(page, account = admin) {
            const res = await page.request.post(`${url}/api/v1/auth/login`, { data: account });
            if (res.status() !== 201) throw new Error(`sign-in as ${account.username} failed: ${res.status()} ${await res.text()}`);
        },
        async stop() {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
            database.drop();
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
    // Requests in flight, for settled(): what the page asked for and has not had answered yet.
    page.inFlight = new Set();
    page.on('request', (r) => page.inFlight.add(r));
    for (const done of ['requestfinished', 'requestfailed']) page.on(done, (r) => page.inFlight.delete(r));
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) page.inFlight.clear(); });
    await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
            console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
        });
    });
    return page;
}

// Resolves once the page has had no request in flight for `quietMs` (every answer it asked for has arrived and
// nothing new was asked meanwhile): what 'networkidle' waits for, without its fixed half second per page.
export async function settled(page, { quietMs = 100, timeoutMs = 15000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let quietSince = page.inFlight.size ? 0 : Date.now();
    while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        if (page.inFlight.size) quietSince = 0;
        else if (!quietSince) quietSince = Date.now();
        else if (Date.now() - quietSince >= quietMs) return;
    }
    throw new Error(`requests still in flight after ${timeoutMs} ms: ${[...page.inFlight].map((r) => r.url()).join(', ')}`);
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

const kEnglishLogin = { username: 'User name', password: 'Password', submit: 'Sign in', nav: 'Main' };

// Signs a page in as `user` (default: the server's first account: the administrator, or the demo store's first
// account) through the login screen. `labels` names the screen's fields in the page's language (default English).
export async function signIn(page, server, user, labels = kEnglishLogin) {
    const cred = user ?? server.credentials?.[0];
    if (!cred) return;
    await page.goto(`${server.url}/`);
    await page.getByLabel(labels.username).fill(cred.username);
    await page.getByLabel(labels.password).fill(cred.password);
    await page.getByRole('button', { name: labels.submit }).click();
    await page.getByRole('navigation', { name: labels.nav }).waitFor();
}


// A small JSON client of the API for test setup, signed in as `user` (default: the first account) when the
// server has accounts (session cookie + CSRF token), acting in organisation `org` (a slug; default: the
// server's choice for the account). Methods return the parsed body or throw with the problem's detail.
export async function apiClient(server, user, { org } = {}) {
    const cred = user ?? server.credentials?.[0];
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (org) headers['X-Isms-Org'] = org;
    if (cred) {
        const res = await fetch(`${server.url}/api/v1/auth/login`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ username: cred.username, password: cred.password }),
        });
        if (!res.ok) throw new Error(`sign-in of ${cred.username} failed: ${res.status} ${await res.text()}`);
        const body = await res.json();
        headers.Cookie = res.headers.get('set-cookie').split(';')[0];
        headers['X-CSRF-Token'] = body.csrf_token;
    }
    const call = async (method, path, body) => {
        const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        const data = text ? JSON.parse(text) : null;
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${data?.detail ?? text}`);
        return data;
    };
    return {
        headers, // the session's headers, for requests this client does not make (documents, raw bodies)
        get: (p) => call('GET', p),
        post: (p, b) => call('POST', p, b ?? {}),
        put: (p, b) => call('PUT', p, b ?? {}),
        patch: (p, b) => call('PATCH', p, b ?? {}),
        delete: (p) => call('DELETE', p),
    };
}

// The RFC 6238 one-time code (SHA-1, 30-second steps, 6 digits) of a base32 secret at `unixSeconds`: what an
// authenticator app shows.
export function totpCode(secretBase32, unixSeconds = Date.now() / 1000) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const ch of secretBase32.replace(/[\s=]/g, '').toUpperCase()) {
        const v = alphabet.indexOf(ch);
        if (v < 0) throw new Error(`not base32: ${ch}`);
        bits += v.toString(2).padStart(5, '0');
    }
    const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
    const mac = createHmac('sha1', key).update(counter).digest();
    const offset = mac[mac.length - 1] & 0xf;
    const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
    return String(n).padStart(6, '0');
}
