// The record vocabulary in Swedish: every text the server sends in English to describe its record types — each
// type's title, plural and description, every field's label and hint, enumeration value, workflow state,
// transition and back-link — has Swedish text in the message catalogue (src/lib/messages-records.sv.json),
// keyed by the server's ids. A type or field added to the server without Swedish fails here, and so does
// Swedish for something the server no longer describes (a renamed field). The types are read from the running
// binary (GET /api/v1/record-types), with the audit and management-review types from e2e/fixtures when the
// binary has none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, apiClient, withRecordTypes } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const swedish = JSON.parse(readFileSync(resolve(here, '../src/lib/messages-records.sv.json'), 'utf8'));

let server;
let types;
before(async () => {
    server = await startServer({ env: withRecordTypes(['audit', 'management_review']) });
    const api = await apiClient(server);
    const names = (await api.get('/api/v1/record-types')).items.map((t) => t.name);
    types = await Promise.all(names.map((n) => api.get(`/api/v1/record-types/${n}`)));
});
after(async () => {
    await server?.stop();
});

// Every English text of a type with the catalogue's key path: [path, english, swedish].
function texts(meta) {
    const sv = swedish[meta.name] ?? {};
    const out = [
        [`${meta.name}.title`, meta.title, sv.title],
        [`${meta.name}.plural`, meta.plural, sv.plural],
        [`${meta.name}.description`, meta.description, sv.description],
    ];
    for (const f of meta.fields) {
        out.push([`${meta.name}.fields.${f.name}.label`, f.label, sv.fields?.[f.name]?.label]);
        if (f.help) out.push([`${meta.name}.fields.${f.name}.help`, f.help, sv.fields?.[f.name]?.help]);
        for (const v of f.values ?? []) out.push([`${meta.name}.values.${f.name}.${v}`, v, sv.values?.[f.name]?.[v]]);
    }
    for (const s of meta.workflow.states) out.push([`${meta.name}.states.${s.name}`, s.label || s.name, sv.states?.[s.name]]);
    for (const tr of meta.workflow.transitions) out.push([`${meta.name}.transitions.${tr.name}`, tr.label || tr.name, sv.transitions?.[tr.name]]);
    for (const b of meta.backlinks ?? []) out.push([`${meta.name}.backlinks.${b.type}.${b.field}`, b.label, sv.backlinks?.[`${b.type}.${b.field}`]]);
    return out;
}

test('every label, hint, value, state, transition and back-link of every record type has Swedish text', () => {
    assert.ok(types.length >= 20, `the server describes ${types.length} record types`);
    const missing = [];
    let count = 0;
    for (const meta of types)
        for (const [path, english, sv] of texts(meta)) {
            count++;
            if (typeof sv !== 'string' || !sv.trim()) missing.push(`${path} ("${english}")`);
        }
    assert.deepEqual(missing, [], `${missing.length} of ${count} server texts have no Swedish in messages-records.sv.json`);
});

test('hints and descriptions are translated, not copied', () => {
    const copied = [];
    for (const meta of types)
        for (const [path, english, sv] of texts(meta))
            if (english.length > 30 && sv === english) copied.push(path);
    assert.deepEqual(copied, []);
});

test('the catalogue has no Swedish for what the server does not describe', () => {
    const stale = [];
    const byName = new Map(types.map((t) => [t.name, t]));
    for (const [type, sv] of Object.entries(swedish)) {
        const meta = byName.get(type);
        if (!meta) {
            stale.push(type);
            continue;
        }
        const fields = new Map(meta.fields.map((f) => [f.name, f]));
        for (const [f, x] of Object.entries(sv.fields ?? {})) {
            if (!fields.has(f)) stale.push(`${type}.fields.${f}`);
            else if (x.help && !fields.get(f).help) stale.push(`${type}.fields.${f}.help`);
        }
        for (const [f, values] of Object.entries(sv.values ?? {}))
            for (const v of Object.keys(values)) if (!(fields.get(f)?.values ?? []).includes(v)) stale.push(`${type}.values.${f}.${v}`);
        for (const s of Object.keys(sv.states ?? {})) if (!meta.workflow.states.some((x) => x.name === s)) stale.push(`${type}.states.${s}`);
        for (const s of Object.keys(sv.transitions ?? {})) if (!meta.workflow.transitions.some((x) => x.name === s)) stale.push(`${type}.transitions.${s}`);
        for (const s of Object.keys(sv.backlinks ?? {})) if (!(meta.backlinks ?? []).some((b) => `${b.type}.${b.field}` === s)) stale.push(`${type}.backlinks.${s}`);
    }
    assert.deepEqual(stale, []);
});
