// Sizes of the built web application, raw and gzip-compressed (level 9), as a Markdown table: every file, and
// the first page load (index.html, the entry script, the stylesheet and the chunks index.html preloads).
//
//   node scripts/bundle-size.mjs DIST     (default ../build/web-dist)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = resolve(process.argv[2] ?? '../build/web-dist');
const files = [];
(function walk(dir) {
    for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
    }
})(dist);

const size = (p) => {
    const data = readFileSync(p);
    return { raw: data.length, gz: gzipSync(data, { level: 9 }).length };
};
const kb = (n) => (n / 1024).toFixed(1);
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const firstLoad = new Set(['index.html']);
for (const m of html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)) firstLoad.add(m[1]);

let total = { raw: 0, gz: 0 };
let first = { raw: 0, gz: 0 };
console.log('| file | bytes | gzip bytes |');
console.log('|---|---:|---:|');
for (const p of files.sort()) {
    const rel = relative(dist, p);
    const s = size(p);
    total = { raw: total.raw + s.raw, gz: total.gz + s.gz };
    if (firstLoad.has(rel)) first = { raw: first.raw + s.raw, gz: first.gz + s.gz };
    console.log(`| ${rel.replace(/-[A-Za-z0-9_-]{8}\./, '-[hash].')}${firstLoad.has(rel) ? ' (first load)' : ''} | ${s.raw} | ${s.gz} |`);
}
console.log(`| **first page load** | **${first.raw}** (${kb(first.raw)} KiB) | **${first.gz}** (${kb(first.gz)} KiB) |`);
console.log(`| all files | ${total.raw} (${kb(total.raw)} KiB) | ${total.gz} (${kb(total.gz)} KiB) |`);
