// Client-side routing over the History API. The server answers every client route with index.html.
//
// The URL is the state of a screen (filters, grouping, open item), so views can be bookmarked and shared:
// screens read `route.query` and write it back with `navigate(…, { replace: true })`.

export interface Route {
    path: string;
    segments: string[];
    query: URLSearchParams;
}

function parse(): Route {
    const path = location.pathname || '/';
    return {
        path,
        segments: path.split('/').filter(Boolean).map(decodeURIComponent),
        query: new URLSearchParams(location.search),
    };
}

export const router = $state<{ route: Route }>({ route: parse() });

export function navigate(url: string, opts: { replace?: boolean } = {}): void {
    const target = new URL(url, location.href);
    if (target.origin !== location.origin) {
        location.assign(url);
        return;
    }
    const rel = target.pathname + target.search + target.hash;
    if (rel === location.pathname + location.search + location.hash) return;
    if (opts.replace) history.replaceState(null, '', rel);
    else history.pushState(null, '', rel);
    router.route = parse();
    if (!opts.replace) window.scrollTo(0, 0);
}

// Replaces the current URL's query (keeps the path); empty values are dropped.
export function setQuery(values: Record<string, string | undefined | null>, opts: { replace?: boolean } = { replace: true }): void {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) if (v) q.set(k, v);
    const s = q.toString();
    navigate(location.pathname + (s ? `?${s}` : ''), opts);
}

// Links: same-origin <a href="/…"> clicks are handled here unless modified (new tab etc.).
export function installLinkHandler(): void {
    window.addEventListener('popstate', () => {
        router.route = parse();
    });
    document.addEventListener('click', (e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        const a = (e.target as Element | null)?.closest?.('a');
        if (!a || a.target || a.hasAttribute('download') || a.getAttribute('rel') === 'external') return;
        const href = a.getAttribute('href');
        if (!href || !href.startsWith('/') || href.startsWith('/api/')) return;
        e.preventDefault();
        navigate(href);
    });
}
