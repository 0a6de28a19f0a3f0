// Who is signed in, in which organisation, with which role and permissions.
//
// The server keeps the session in an HttpOnly cookie; the client only remembers the CSRF token (sent as
// X-CSRF-Token on writes) and the chosen organisation (sent as X-Isms-Org). A server without accounts
// (no /api/v1/auth routes) lets every caller act as administrator: the session is then "open".
import { api, ApiProblem, requestRaw, setCsrfToken, setOrganisation, setUnauthenticatedHandler } from '../api/client';
import { loadVocabulary } from './i18n.svelte';

export interface Membership {
    id: string;
    slug: string;
    name: string;
    role: string;
}

export interface SessionState {
    status: 'loading' | 'signed-out' | 'signed-in' | 'error';
    mode: 'accounts' | 'open';
    username: string;
    displayName: string;
    orgs: Membership[];
    org: Membership | null;
    permissions: string[];
    error: string;
    // The API paths this server offers (from its OpenAPI document): screens whose API is missing stay hidden.
    paths: string[];
}

export const session = $state<SessionState>({
    status: 'loading',
    mode: 'accounts',
    username: '',
    displayName: '',
    orgs: [],
    org: null,
    permissions: [],
    error: '',
    paths: [],
});

// Whether the server offers an API path (as written in its OpenAPI document, e.g. '/api/v1/records/{type}').
export function offers(path: string): boolean {
    return session.paths.includes(path);
}

async function loadPaths(): Promise<void> {
    try {
        const doc = await requestRaw<{ paths?: Record<string, unknown> }>('get', '/api/v1/openapi.json');
        session.paths = Object.keys(doc.data.paths ?? {});
    } catch {
        session.paths = [];
    }
}

const kOrgKey = 'isms.org';

// The permissions each role holds when the server does not list them (mirror of the server's matrix,
// used for display only: the server decides every request).
const kAll = [
    'read', 'catalog.edit', 'views.write', 'records.write', 'records.approve', 'risk.write', 'risk.accept',
    'soa.write', 'soa.approve', 'audit.write', 'users.admin', 'tokens.admin', 'log.verify',
];

function readCookie(name: string): string {
    for (const part of document.cookie.split(';')) {
        const [k, ...v] = part.trim().split('=');
        if (k === name) return decodeURIComponent(v.join('='));
    }
    return '';
}

type OrgEntry = Partial<Membership> & { permissions?: string[] };
type MeResponse = {
    user?: { username?: string; display_name?: string } | null;
    token?: { name?: string; role?: string };
    csrf_token?: string;
    organisations?: OrgEntry[];
    organisation?: OrgEntry | null;
};

function applyCsrf(token?: string): void {
    const t = token || readCookie('isms_csrf');
    if (t) setCsrfToken(t);
}

function chooseOrg(orgs: Membership[]): Membership | null {
    const url = new URLSearchParams(location.search).get('org');
    let saved = '';
    try {
        saved = localStorage.getItem(kOrgKey) ?? '';
    } catch {
        saved = '';
    }
    return orgs.find((o) => o.slug === url) ?? orgs.find((o) => o.slug === saved || o.id === saved) ?? orgs[0] ?? null;
}

let permissionsByOrg: Record<string, string[]> = {};

function applyOrg(org: Membership | null, permissions?: string[]): void {
    session.org = org;
    setOrganisation(org?.slug ?? '');
    session.permissions = permissions ?? (org ? (permissionsByOrg[org.slug] ?? []) : []);
    if (org) {
        try {
            localStorage.setItem(kOrgKey, org.slug);
        } catch {
            // not persisted
        }
    }
}

function fromMe(me: MeResponse): void {
    session.username = me.user?.username ?? me.token?.name ?? '';
    session.displayName = me.user?.display_name || session.username;
    const list = me.organisations?.length ? me.organisations : me.organisation ? [me.organisation] : [];
    permissionsByOrg = {};
    session.orgs = list.map((m) => {
        const o = { id: m.id ?? '', slug: m.slug ?? m.id ?? '', name: m.name ?? m.slug ?? '', role: m.role ?? 'viewer' };
        permissionsByOrg[o.slug] = m.permissions ?? [];
        return o;
    });
    applyCsrf(me.csrf_token);
    applyOrg(chooseOrg(session.orgs));
    session.mode = 'accounts';
    session.status = 'signed-in';
}

async function openMode(): Promise<void> {
    const res = await api.get('/api/v1/organisations');
    const items = ((res as { items?: Array<{ id: string; slug: string; name: string }> }).items ?? []).map((o) => ({
        ...o,
        role: 'administrator',
    }));
    session.mode = 'open';
    session.username = '';
    session.displayName = '';
    session.orgs = items;
    permissionsByOrg = {};
    applyOrg(chooseOrg(items), kAll);
    session.status = 'signed-in';
}

// Finds out whether a session exists (GET /api/v1/auth/me) and loads the user's organisations.
export async function boot(): Promise<void> {
    setUnauthenticatedHandler(() => {
        session.status = 'signed-out';
    });
    // The record vocabulary of a language other than English loads beside the routes (one chunk).
    await Promise.all([loadPaths(), loadVocabulary()]);
    try {
        const me = await requestRaw<MeResponse>('get', '/api/v1/auth/me');
        fromMe(me.data);
    } catch (e) {
        if (e instanceof ApiProblem && e.status === 401) {
            session.status = 'signed-out';
        } else if (e instanceof ApiProblem && e.status === 404) {
            try {
                await openMode();
            } catch (e2) {
                session.status = 'error';
                session.error = (e2 as Error).message;
            }
        } else {
            session.status = 'error';
            session.error = (e as Error).message;
        }
    }
}

export interface LoginResult {
    ok: boolean;
    totpRequired?: boolean;
    problem?: ApiProblem;
}

export async function login(username: string, password: string, totp?: string): Promise<LoginResult> {
    try {
        const body: Record<string, string> = { username, password };
        if (totp) body.totp = totp;
        const res = await requestRaw<MeResponse>('post', '/api/v1/auth/login', { body });
        fromMe(res.data);
        return { ok: true };
    } catch (e) {
        if (e instanceof ApiProblem) {
            const totp = e.errors.some((x) => x.field === 'totp');
            return { ok: false, totpRequired: totp, problem: e };
        }
        throw e;
    }
}

export async function logout(): Promise<void> {
    try {
        await requestRaw('post', '/api/v1/auth/logout');
    } catch {
        // the session may be gone already
    }
    setCsrfToken('');
    session.status = 'signed-out';
    session.orgs = [];
    session.org = null;
    session.permissions = [];
}

export function switchOrg(slug: string): void {
    const org = session.orgs.find((o) => o.slug === slug) ?? null;
    applyOrg(org, session.mode === 'open' ? kAll : undefined);
}

export function can(permission: string): boolean {
    return session.permissions.includes(permission);
}
