// The typed client of the isms HTTP API.
//
// Paths, parameters and bodies are checked against `schema.d.ts`, which openapi-typescript generates from
// `openapi.json` — a snapshot of the server's /api/v1/openapi.json (refresh it with `make web-api`; the ctest
// `web_api_types` type-checks this application against the live document of the freshly built server).
//
// Every request carries the session cookie (same origin), the organisation header X-Isms-Org and, on writes,
// the CSRF token header X-CSRF-Token. Errors arrive as RFC 9457 problem+json and are thrown as ApiProblem,
// whose `errors[].field` lets a form show each message next to its field.
import type { paths } from '$api/schema';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

// The paths that have an operation for `M`.
export type PathsWith<M extends Method> = {
    [P in keyof paths]: paths[P] extends { [K in M]: infer O } ? (O extends undefined ? never : P) : never;
}[keyof paths];

type Op<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;
type Params<O> = O extends { parameters: infer Pa } ? Pa : never;
type PathParams<O> = Params<O> extends { path?: infer X } ? (X extends undefined ? never : X) : never;
type QueryParams<O> = Params<O> extends { query?: infer X } ? (X extends undefined ? never : X) : never;
type Body<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type JsonContent<R> = R extends { content: { 'application/json': infer J } } ? J : unknown;
export type Ok<O> = O extends { responses: infer R }
    ? 200 extends keyof R
        ? JsonContent<R[200]>
        : 201 extends keyof R
          ? JsonContent<R[201]>
          : undefined
    : unknown;
export type Result<P extends keyof paths, M extends Method> = Ok<Op<P, M>>;

export interface RequestOptions<O> {
    path?: PathParams<O>;
    query?: QueryParams<O> | Record<string, string | number | boolean | undefined>;
    body?: Body<O> | object;
    raw?: { body: string; type: string }; // a body that is not JSON (CSV imports)
    ifMatch?: string;
    signal?: AbortSignal;
}

export interface FieldError {
    field: string;
    message: string;
    allowed?: string[];
    line?: number;
    column?: number;
}

// The form field a problem detail names: "owner" for "owner", "depends_on[2]", "data.owner", "/data/owner" or
// "/name" (JSON pointers).
export function normaliseField(field: string): string {
    return field
        .replace(/^\//, '')
        .replace(/^data[./]/, '')
        .replace(/(\[\d+\]|\/\d+)$/, '');
}

// An RFC 9457 problem returned by the server (or a network failure, status 0).
export class ApiProblem extends Error {
    readonly status: number;
    readonly code: string;
    readonly title: string;
    readonly detail: string;
    readonly errors: FieldError[];

    constructor(status: number, body: Partial<{ code: string; title: string; detail: string; errors: FieldError[] }>) {
        super(body.detail || body.title || `HTTP ${status}`);
        this.status = status;
        this.code = body.code ?? (status === 0 ? 'unavailable' : 'internal');
        this.title = body.title ?? '';
        this.detail = body.detail ?? this.message;
        this.errors = Array.isArray(body.errors) ? body.errors : [];
    }

    // The message for one field, if the server named it (in any of its spellings, see normaliseField).
    fieldMessage(field: string): string | undefined {
        return this.errors.find((e) => normaliseField(e.field ?? '') === field)?.message;
    }
}

// Session state the client attaches to requests; set by the session module.
const state = { org: '', csrf: '' };
let onUnauthenticated: (() => void) | null = null;

export function setOrganisation(org: string): void {
    state.org = org;
}
export function setCsrfToken(token: string): void {
    state.csrf = token;
}
// Called when the server answers 401 to a request made with a session (the session ended).
export function setUnauthenticatedHandler(f: (() => void) | null): void {
    onUnauthenticated = f;
}

export function expand(template: string, params: Record<string, unknown> | undefined): string {
    return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const v = params?.[name];
        if (v === undefined || v === null) throw new Error(`missing path parameter ${name} for ${template}`);
        return encodeURIComponent(String(v));
    });
}

export interface Raw<T> {
    data: T;
    etag: string | null;
    status: number;
}

export async function requestRaw<T>(method: Method, template: string, opts: RequestOptions<unknown> = {}): Promise<Raw<T>> {
    let url = expand(template, opts.path as Record<string, unknown> | undefined);
    if (opts.query) {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(opts.query as Record<string, unknown>)) {
            if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
        }
        const s = q.toString();
        if (s) url += `?${s}`;
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (state.org) headers['X-Isms-Org'] = state.org;
    if (method !== 'get') {
        if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
    }
    if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
    let body: string | undefined;
    if (opts.raw) {
        headers['Content-Type'] = opts.raw.type;
        body = opts.raw.body;
    } else if (opts.body !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(opts.body);
    }
    let res: Response;
    try {
        res = await fetch(url, { method: method.toUpperCase(), headers, body, credentials: 'same-origin', signal: opts.signal });
    } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        throw new ApiProblem(0, { detail: (e as Error).message });
    }
    const text = res.status === 204 ? '' : await res.text();
    let parsed: unknown = undefined;
    if (text) {
        try {
            parsed = JSON.parse(text);
        } catch {
            parsed = text;
        }
    }
    if (!res.ok) {
        const p = typeof parsed === 'object' && parsed ? (parsed as Record<string, unknown>) : { detail: String(parsed ?? '') };
        const problem = new ApiProblem(res.status, p);
        if (res.status === 401 && onUnauthenticated && !template.startsWith('/api/v1/auth/')) onUnauthenticated();
        throw problem;
    }
    return { data: parsed as T, etag: res.headers.get('ETag'), status: res.status };
}

// A GET of a non-JSON answer (an SVG chart, a report, an export) with the session and organisation; a refusal
// arrives as ApiProblem.
async function fetchOk(path: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (state.org) headers['X-Isms-Org'] = state.org;
    const res = await fetch(path, { credentials: 'same-origin', headers });
    if (!res.ok) {
        let body: Record<string, unknown> = {};
        try {
            body = await res.json();
        } catch {
            body = {};
        }
        throw new ApiProblem(res.status, body);
    }
    return res;
}

// A text answer of the API (an SVG chart, an HTML report).
export async function requestText(path: string): Promise<string> {
    return (await fetchOk(path)).text();
}

// Downloads a file the API produces (CSV, XLSX, …) with the session and organisation, and saves it under
// the file name the server gives (Content-Disposition) or `fallbackName`.
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
    const res = await fetchOk(path);
    const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
    saveBlob(await res.blob(), name);
}

function saveBlob(blob: Blob, name: string): void {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Saves text as a file in the browser's downloads.
export function saveText(text: string, name: string, type: string): void {
    saveBlob(new Blob([text], { type }), name);
}

// A POST of a document (`body` as `type`) whose answer is a document too (OSCAL resolve and convert answer
// JSON, XML or YAML): its text and media type. A refusal arrives as ApiProblem.
export async function postDocument(path: string, body: string, type: string): Promise<{ text: string; type: string }> {
    const headers: Record<string, string> = { 'Content-Type': type };
    if (state.org) headers['X-Isms-Org'] = state.org;
    if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
    const res = await fetch(path, { method: 'POST', headers, body, credentials: 'same-origin' });
    const text = await res.text();
    if (!res.ok) {
        let p: Record<string, unknown>;
        try {
            p = JSON.parse(text);
        } catch {
            p = { detail: text };
        }
        if (res.status === 401 && onUnauthenticated) onUnauthenticated();
        throw new ApiProblem(res.status, p);
    }
    return { text, type: res.headers.get('Content-Type') ?? 'application/octet-stream' };
}

async function call<T>(method: Method, template: string, opts?: RequestOptions<unknown>): Promise<T> {
    return (await requestRaw<T>(method, template, opts)).data;
}

// Typed calls: api.get('/api/v1/frameworks/{framework}/controls', { path: { framework }, query: { where } }).
// The result is the documented response. (NoInfer: T is never inferred from where the result goes — that would
// silently accept any type the caller expects; a caller may still name T explicitly.)
export const api = {
    get<P extends PathsWith<'get'>, T = Result<P, 'get'>>(path: P, opts?: RequestOptions<Op<P, 'get'>>): Promise<NoInfer<T>> {
        return call<T>('get', path as string, opts as RequestOptions<unknown>);
    },
    post<P extends PathsWith<'post'>, T = Result<P, 'post'>>(path: P, opts?: RequestOptions<Op<P, 'post'>>): Promise<NoInfer<T>> {
        return call<T>('post', path as string, opts as RequestOptions<unknown>);
    },
    put<P extends PathsWith<'put'>, T = Result<P, 'put'>>(path: P, opts?: RequestOptions<Op<P, 'put'>>): Promise<NoInfer<T>> {
        return call<T>('put', path as string, opts as RequestOptions<unknown>);
    },
    patch<P extends PathsWith<'patch'>, T = Result<P, 'patch'>>(path: P, opts?: RequestOptions<Op<P, 'patch'>>): Promise<NoInfer<T>> {
        return call<T>('patch', path as string, opts as RequestOptions<unknown>);
    },
    delete<P extends PathsWith<'delete'>, T = Result<P, 'delete'>>(path: P, opts?: RequestOptions<Op<P, 'delete'>>): Promise<NoInfer<T>> {
        return call<T>('delete', path as string, opts as RequestOptions<unknown>);
    },
    // With the ETag (optimistic concurrency: send it back as ifMatch).
    getWithEtag<P extends PathsWith<'get'>, T = Result<P, 'get'>>(path: P, opts?: RequestOptions<Op<P, 'get'>>): Promise<Raw<NoInfer<T>>> {
        return requestRaw<T>('get', path as string, opts as RequestOptions<unknown>);
    },
};
