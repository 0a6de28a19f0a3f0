// The catalog screen's filtering in the browser against the API request it makes (docs/performance.md, "Web
// application"). Debian's chromium (playwright-core) on the real binary over a fresh store:
//   filter    a facet chip clicked → the result count and the 93-row table show the new result (the server
//             evaluates the filter; the page updates the chips' counts, the URL and the table);
//   baseline  the same GET …/controls?where=… issued with fetch() from the same page, response read as JSON
//             (the network and server part alone).
// Alternating chips (Detective on/off), ROUNDS measurements each after WARMUP; medians, and their ratio (the
// whole interaction in units of its own API request). The last line printed is JSON.
//
//   node bench/web_catalog.mjs        (ISMS_BIN: the binary, default build/isms; ROUNDS=40 WARMUP=5)
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
process.env.ISMS_BIN ??= resolve(here, '../build/isms');
const { startServer, launchBrowser, newPage, signIn } = await import(resolve(here, '../web/e2e/harness.mjs'));

const rounds = Number(process.env.ROUNDS ?? 40);
const warmup = Number(process.env.WARMUP ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer();
const browser = await launchBrowser();
try {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/catalog`);
    await page.getByTestId('result-count').getByText('93 of 93 controls').waitFor();

    // One click on the chip, timed in the page until the count shows the expected text.
    const filterOnce = (expect) =>
        page.evaluate(async (expect) => {
            const chip = document.querySelector('button.chip[data-family="control_type"][data-value="Detective"]');
            const count = document.querySelector('[data-testid="result-count"]');
            const t0 = performance.now();
            chip.click();
            await new Promise((res) => {
                const check = () => (count.textContent.includes(expect) ? res() : requestAnimationFrame(check));
                check();
            });
            // the frame that shows it
            await new Promise((r) => requestAnimationFrame(r));
            return performance.now() - t0;
        }, expect);
    const fetchOnce = (where) =>
        page.evaluate(async (where) => {
            const t0 = performance.now();
            const org = localStorage.getItem('isms.org') ?? '';
            const res = await fetch(`/api/v1/frameworks/iso27001-2022/controls?where=${encodeURIComponent(where)}`, {
                headers: { Accept: 'application/json', 'X-Isms-Org': org },
            });
            await res.json();
            return performance.now() - t0;
        }, where);

    const filter = [];
    const baseline = [];
    for (let i = 0; i < warmup + rounds; i++) {
        const on = i % 2 === 0;
        const f = await filterOnce(on ? '13 of 93' : '93 of 93');
        const b = await fetchOnce(on ? 'control_type = Detective' : '');
        if (i >= warmup) {
            filter.push(f);
            baseline.push(b);
        }
    }
    if (page.problems.length) throw new Error(page.problems.join('\n'));
    const result = {
        benchmark: 'web_catalog',
        rounds,
        filter_ms_median: Number(median(filter).toFixed(1)),
        baseline_ms_median: Number(median(baseline).toFixed(1)),
        ratio: Number((median(filter) / median(baseline)).toFixed(2)),
    };
    console.log(JSON.stringify(result));
} finally {
    await browser.close();
    await server.stop();
}
