// The risk register, risk criteria and Statement of Applicability as the API describes them, and the calls
// the risk and SoA screens make. Levels and colours come from the organisation's criteria, never from here.
import { api, type Result } from '../api/client';

// The organisation's risk criteria as GET /api/v1/risk/criteria documents them.
export type Criteria = Result<'/api/v1/risk/criteria', 'get'>;
export type ScaleStep = Criteria['likelihood'][number];
export type Level = Criteria['levels'][number];

export interface Score {
    likelihood: number;
    consequence: number;
    criteria_version: number;
    level: string;
}
export interface Treatment {
    option: string;
    controls: string[];
    own_controls: string[];
    plan: string;
    residual: Score | null;
    decided_at: string;
    decided_by: string;
}
export interface Acceptance {
    id: string;
    person: string;
    at: string;
    comment: string;
    residual: Score;
    authority: string;
    current: boolean;
}
export interface Action {
    id: string;
    risk: string;
    title: string;
    owner: string;
    due_date: string;
    status: string;
    control: string;
    notes: string;
    version: number;
}
export interface Risk {
    id: string;
    title: string;
    description: string;
    approach: 'asset' | 'scenario';
    scenario: string;
    assets: string[];
    threats: string[];
    vulnerabilities: string[];
    owner: string;
    cia: string[];
    existing_controls: string;
    review_date: string;
    status: string;
    closed: boolean;
    inherent: Score | null;
    treatment: Treatment | null;
    acceptance: Acceptance | null;
    actions: Action[];
    created_at: string;
    updated_at: string;
    version: number;
}
export interface LibraryEntry {
    kind: string;
    id: string;
    category: string;
    name: string;
    description: string;
    retired: boolean;
}
export interface Assessment {
    seq: number;
    kind: string;
    at: string;
    actor: string;
    score: Score;
    note: string;
}

export const kRiskStatuses = ['identified', 'assessed', 'treatment_planned', 'treated', 'accepted', 'closed'];
export const kOptions = ['modify', 'retain', 'avoid', 'share'];

export function criteria(): Promise<Criteria> {
    return api.get('/api/v1/risk/criteria');
}
export async function listRisks(): Promise<Risk[]> {
    return ((await api.get('/api/v1/risks')) as { items: Risk[] }).items;
}
export async function getRisk(id: string): Promise<Risk> {
    return (await api.get('/api/v1/risks/{id}', { path: { id } })) as Risk;
}
export async function createRisk(body: Record<string, unknown>): Promise<Risk> {
    return (await api.post('/api/v1/risks', { body })) as Risk;
}
export async function updateRisk(id: string, body: Record<string, unknown>, version: number): Promise<Risk> {
    return (await api.patch('/api/v1/risks/{id}', { path: { id }, body, ifMatch: `"${version}"` })) as Risk;
}
export async function treatRisk(id: string, body: Record<string, unknown>, version: number): Promise<Risk> {
    return (await api.put('/api/v1/risks/{id}/treatment', { path: { id }, body, ifMatch: `"${version}"` })) as Risk;
}
export async function acceptRisk(id: string, body: Record<string, unknown>, version: number): Promise<Risk> {
    return (await api.post('/api/v1/risks/{id}/acceptance', { path: { id }, body, ifMatch: `"${version}"` })) as Risk;
}
export async function assessments(id: string): Promise<Assessment[]> {
    return ((await api.get('/api/v1/risks/{id}/assessments', { path: { id } })) as { items: Assessment[] }).items;
}
export async function library(kind: 'threats' | 'vulnerabilities'): Promise<LibraryEntry[]> {
    return ((await api.get('/api/v1/risk/library/{kind}', { path: { kind } })) as { items: LibraryEntry[] }).items;
}
export async function ownControls(): Promise<Array<{ id: string; title: string }>> {
    return ((await api.get('/api/v1/risk/own-controls')) as { items: Array<{ id: string; title: string }> }).items;
}
export async function actions(): Promise<Action[]> {
    return ((await api.get('/api/v1/risk/actions')) as { items: Action[] }).items;
}

export function levelOf(c: Criteria, s: Score | null | undefined): Level | undefined {
    if (!s) return undefined;
    return c.levels.find((l) => l.id === s.level);
}
// The level the matrix gives a likelihood and consequence (for a preview; the server decides).
export function levelFor(c: Criteria, likelihood: number, consequence: number): Level | undefined {
    const id = c.matrix[likelihood - 1]?.[consequence - 1];
    return c.levels.find((l) => l.id === id);
}

// Black or white text, whichever contrasts more with a "#rrggbb" background (WCAG relative luminance).
export function textOn(colour: string): string {
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
    if (!m) return '#000000';
    const lum = [m[1], m[2], m[3]]
        .map((h) => parseInt(h, 16) / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    const L = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? '#000000' : '#ffffff';
}

// --- Statement of Applicability -------------------------------------------------------------------------

export interface SoaEntry {
    control: string;
    title: string;
    theme: string;
    attributes: Record<string, string[]>;
    applicability: 'applicable' | 'not_applicable' | 'undecided';
    decided_by: string;
    risks: string[];
    requirements: Array<{ type: string; id: string; title: string; basis: string }>;
    business_need: string;
    exclusion_reason: string;
    status: string;
    notes: string;
    evidence: string[];
    owner: string;
    version: number;
}
export interface SoaSummary {
    controls: number;
    applicable: number;
    not_applicable: number;
    undecided: number;
    by_status: Record<string, number>;
    open_items: number;
}
export interface CheckItem {
    kind: string;
    control: string;
    title: string;
    message: string;
    refs: string[];
}
export interface SoaVersion {
    version: number;
    approved_at: string;
    approved_by: string;
    criteria_version: number;
    comment: string;
    override_reason: string;
    open_items: number;
    hash: string;
}
export interface SoaChange {
    control: string;
    title: string;
    field: string;
    before: unknown;
    after: unknown;
}

export const kApplicability = ['applicable', 'not_applicable', 'undecided'];
export const kSoaStatuses = ['not_started', 'planned', 'partial', 'implemented', 'not_applicable'];

export async function soa(where = ''): Promise<{ items: SoaEntry[]; summary: SoaSummary }> {
    return (await api.get('/api/v1/soa', { query: { where } })) as { items: SoaEntry[]; summary: SoaSummary };
}
export async function soaCheck(): Promise<{ ok: boolean; open_items: number; items: CheckItem[] }> {
    return (await api.get('/api/v1/soa/check')) as { ok: boolean; open_items: number; items: CheckItem[] };
}
export async function decide(control: string, body: Record<string, unknown>, version: number): Promise<SoaEntry> {
    return (await api.patch('/api/v1/soa/controls/{control}', { path: { control }, body, ifMatch: `"${version}"` })) as SoaEntry;
}
export async function soaVersions(): Promise<SoaVersion[]> {
    return ((await api.get('/api/v1/soa/versions')) as { items: SoaVersion[] }).items;
}
export async function approveSoa(comment: string, override_reason: string): Promise<SoaVersion> {
    return (await api.post('/api/v1/soa/versions', { body: { comment, override_reason } })) as SoaVersion;
}
export async function soaDiff(from: number, to: number | 'current'): Promise<SoaChange[]> {
    return ((await api.get('/api/v1/soa/diff', { query: { from, to } })) as { changes: SoaChange[] }).changes;
}

