// The API document the web application is typed from.
//
//   node scripts/openapi.mjs write   refresh src/api/openapi.json (the snapshot the build types the client from)
//                                     from the freshly built server (make web-api)
//   node scripts/openapi.mjs check   type-check the application against the live document of the built server
//                                     (ctest web_api_types): a route or schema the client uses that the server no
//                                     longer offers fails here, even before the snapshot is refreshed
//
// ISMS_BIN names the binary (default ../build/isms).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../e2e/harness.mjs';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const snapshot = join(web, 'src/api/openapi.json');
const mode = process.argv[2];
if (mode !== 'write' && mode !== 'check') {
    console.error('usage: node scripts/openapi.mjs write|check');
    process.exit(2);
}

function stable(doc) {
    return `${JSON.stringify(doc, null, 2)}\n`;
}

const server = await startServer();
let doc;
try {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    if (!res.ok) throw new Error(`GET /api/v1/openapi.json: HTTP ${res.status}`);
    doc = await res.json();
} finally {
    await server.stop();
}
// The version changes with every release; it does not change the types.
doc.info.version = '0';

if (mode === 'write') {
    writeFileSync(snapshot, stable(doc));
    console.log(`wrote ${snapshot}: ${Object.keys(doc.paths).length} paths`);
    process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), 'isms-api-types-'));
try {
    const live = join(tmp, 'openapi.json');
    writeFileSync(live, stable(doc));
    const bin = join(web, 'node_modules/.bin');
    execFileSync(join(bin, 'openapi-typescript'), [live, '-o', join(tmp, 'schema.d.ts'), '--alphabetize'], { stdio: 'inherit' });
    const tsconfig = join(web, `tsconfig.live-${process.pid}.json`);
    writeFileSync(
        tsconfig,
        JSON.stringify({ extends: './tsconfig.json', compilerOptions: { paths: { '$api/schema': [join(tmp, 'schema.d.ts')] } } }),
    );
    try {
        execFileSync(join(bin, 'svelte-check'), ['--tsconfig', tsconfig, '--fail-on-warnings', '--output', 'human'], {
            cwd: web,
            stdio: 'inherit',
        });
    } finally {
        rmSync(tsconfig, { force: true });
    }
    const same = readFileSync(snapshot, 'utf8') === stable(doc);
    console.log(
        same
            ? 'the application type-checks against the live API; the snapshot is current'
            : 'the application type-checks against the live API; the snapshot src/api/openapi.json is older than the server (refresh: make web-api)',
    );
} finally {
    rmSync(tmp, { recursive: true, force: true });
}
