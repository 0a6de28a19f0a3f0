// `make screenshots`: captures each main screen of the web application, served by the real binary over the
// demo organisation, into docs/screenshots/ (PNG, 1360×900). Screens whose API the server does not offer
// are skipped and named.
//
//   node e2e/screenshots.mjs OUT_DIR      (ISMS_BIN names the binary; ISMS_WEB_ROOT serves the application from
//                                          a folder; ONLY=name,name captures just those screens)
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { startServer, launchBrowser, newPage, signIn, isms } from './harness.mjs';

const out = resolve(process.argv[2] ?? '../docs/screenshots');
mkdirSync(out, { recursive: true });

// The demo organisation with NIST SP 800-53 imported as a second framework (the OSCAL test data).
const nist = resolve(dirname(fileURLToPath(import.meta.url)), '../../tests/data/oscal/nist/800-53-rev5-5.0.1/NIST_SP-800-53_rev5_catalog.json');
const server = await startServer({ demo: true, setup: (db) => isms(db, ['oscal', 'import', 'catalog', nist, '--id', 'nist-800-53']) });
const browser = await launchBrowser();
const paths = Object.keys((await (await fetch(`${server.url}/api/v1/openapi.json`)).json()).paths);
const offers = (p) => paths.includes(p);

// name, URL, what to wait for (a locator factory), the API it needs; `signedOut` for the login screen, `lang`
// for a screen in Swedish.
const screens = [
    { name: 'login', url: '/', needs: '/api/v1/auth/login', signedOut: true, ready: (p) => p.getByRole('button', { name: 'Sign in' }) },
    { name: 'dashboard', url: '/', ready: (p) => p.getByTestId('dash-acks') },
    {
        name: 'catalog',
        url: '/catalog?control_type=Detective',
        needs: '/api/v1/frameworks/{framework}/controls',
        ready: (p) => p.getByTestId('controls'),
    },
    {
        name: 'catalog-pivot',
        url: '/catalog?pivot=operational_capabilities,security_properties',
        needs: '/api/v1/frameworks/{framework}/controls',
        ready: (p) => p.getByTestId('pivot'),
    },
    {
        name: 'control-detail',
        url: '/catalog?open=8.16',
        needs: '/api/v1/frameworks/{framework}/controls/{id}',
        ready: (p) => p.getByTestId('control-title'),
    },
    { name: 'records', url: '/records', needs: '/api/v1/record-types', ready: (p) => p.getByRole('heading', { level: 1, name: 'Records' }) },
    { name: 'assets', url: '/records/asset', needs: '/api/v1/records/{type}', ready: (p) => p.getByTestId('records') },
    {
        name: 'document-acknowledgements',
        url: '/records/document/DOC-1?tab=acks',
        needs: '/api/v1/records/{type}/{id}/acknowledgements',
        ready: (p) => p.getByTestId('ack-summary'),
    },
    { name: 'record-history', url: '/records/asset/AST-1?tab=history', needs: '/api/v1/records/{type}/{id}/history', ready: (p) => p.getByTestId('history') },
    { name: 'risks', url: '/risks', needs: '/api/v1/risks', ready: (p) => p.getByTestId('risk-register') },
    { name: 'heatmap', url: '/risks?view=heatmap', needs: '/api/v1/risks', ready: (p) => p.getByTestId('heatmap-residual') },
    { name: 'risk', url: '/risks/R-1', needs: '/api/v1/risks/{id}', ready: (p) => p.getByTestId('treatment') },
    { name: 'soa', url: '/soa', needs: '/api/v1/soa', ready: (p) => p.getByTestId('soa') },
    { name: 'admin', url: '/admin', ready: (p) => p.getByTestId('users') },
    { name: 'risk-criteria', url: '/admin/criteria', needs: '/api/v1/risk/criteria', ready: (p) => p.getByTestId('criteria-matrix') },
    { name: 'change-log', url: '/admin/log', needs: '/api/v1/log', ready: (p) => p.getByTestId('verify-result') },
    { name: 'dashboard-sv', url: '/', lang: 'sv', ready: (p) => p.getByTestId('dash-acks') },
    { name: 'risk-quant', url: '/risks/R-1', needs: '/api/v1/quant/simulate', ready: (p) => p.getByTestId('lec'), scroll: 'quant' },
    { name: 'quant-portfolio', url: '/risks?view=portfolio', needs: '/api/v1/quant/runs', ready: (p) => p.getByTestId('run-result').getByTestId('lec') },
    { name: 'framework-nist', url: '/catalog?fw=nist-800-53&class=SP800-53&a.group=ac', needs: '/api/v1/oscal/catalogs', ready: (p) => p.getByTestId('controls') },
    { name: 'framework-control', url: '/catalog?fw=nist-800-53&open=ac-2', needs: '/api/v1/oscal/catalogs', ready: (p) => p.getByTestId('control-parts') },
    { name: 'metric', url: '/records/metric/MET-1?tab=measurements', needs: '/api/v1/metrics/{id}', ready: (p) => p.getByTestId('metric-chart') },
    { name: 'audit-checklist', url: '/records/audit/AUD-1?tab=checklist', needs: '/api/v1/audits/{id}/checklist', ready: (p) => p.getByTestId('checklist') },
    { name: 'review-pack', url: '/records/management_review/MR-1?tab=pack', needs: '/api/v1/management-reviews/{id}/pack', ready: (p) => p.getByTestId('pack') },
    { name: 'risk-actions', url: '/risks/R-1', needs: '/api/v1/risks/{id}/actions', ready: (p) => p.getByTestId('risk-actions'), scroll: 'action-form' },
    { name: 'oscal', url: '/oscal', needs: '/api/v1/oscal/validate', ready: (p) => p.getByTestId('oscal-exports') },
    { name: 'audit-sv', url: '/records/audit/AUD-1', lang: 'sv', needs: '/api/v1/record-types/{type}', ready: (p) => p.getByTestId('record-state') },
];
const only = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : null;

const skipped = [];
try {
    for (const s of screens) {
        if (only && !only.has(s.name)) continue;
        if (s.needs && !offers(s.needs)) {
            skipped.push(s.name);
            continue;
        }
        const page = await newPage(browser, s.lang === 'sv' ? { locale: 'sv-SE' } : undefined);
        if (!s.signedOut)
            await signIn(page, server, undefined, s.lang === 'sv' ? { username: 'Användarnamn', password: 'Lösenord', submit: 'Logga in', nav: 'Huvudmeny' } : undefined);
        await page.goto(`${server.url}${s.url}`);
        await s.ready(page).first().waitFor({ timeout: 15000 });
        // let fonts and layout settle: wait until no request is in flight
        await page.waitForLoadState('networkidle');
        if (s.scroll) await page.getByTestId(s.scroll).scrollIntoViewIfNeeded();
        await page.screenshot({ path: resolve(out, `${s.name}.png`) });
        if (page.problems.length) throw new Error(`${s.name}: ${page.problems.join('; ')}`);
        await page.context().close();
        console.log(`captured ${s.name}`);
    }
} finally {
    await browser.close();
    await server.stop();
}
if (skipped.length) console.log(`skipped (API not offered): ${skipped.join(', ')}`);
