// Vite build of the web application. `make build` runs it (see cmake/IsmsWeb.cmake) with --outDir in the
// build tree and embeds the result in the isms binary; `npm run watch` builds into web/dist for
// `isms serve --web-root web/dist`.
//
// The output must obey the server's Content-Security-Policy (script-src 'self'; style-src 'self'): no
// inline scripts, no inline styles, no data: fonts. Everything the page needs is in dist/ (works offline).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Writes a Makefile-style depfile naming every source the bundle was built from, so that the build system
// (CMake + Ninja, DEPFILE) rebuilds the web application exactly when one of them changes — no file globs.
function depfile(): Plugin {
    const out = process.env.ISMS_WEB_DEPFILE;
    const target = process.env.ISMS_WEB_DEPTARGET;
    const extra = ['package-lock.json', 'vite.config.ts', 'svelte.config.js', 'index.html', 'tsconfig.json'];
    return {
        name: 'isms-depfile',
        apply: 'build',
        generateBundle() {
            if (!out || !target) return;
            const files = new Set<string>(extra.map((f) => resolve(import.meta.dirname, f)));
            for (const id of this.getModuleIds()) {
                const file = id.split('?')[0];
                if (file.startsWith('/') && !file.includes('/node_modules/') && !file.startsWith('\0')) files.add(file);
            }
            const esc = (p: string) => p.replace(/ /g, '\\ ');
            writeFileSync(out, `${esc(target)}: ${[...files].sort().map(esc).join(' \\\n  ')}\n`);
        },
    };
}

export default defineConfig({
    plugins: [svelte(), depfile()],
    base: '/',
    build: {
        target: 'es2022',
        outDir: 'dist',
        emptyOutDir: true,
        assetsInlineLimit: 0,
        cssCodeSplit: false,
        modulePreload: { polyfill: false },
        reportCompressedSize: false,
        chunkSizeWarningLimit: 400,
    },
});
