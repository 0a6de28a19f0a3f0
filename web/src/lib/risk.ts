// The risk register, risk criteria and Statement of Applicability as the API describes them, and the calls
// the risk and SoA screens make. Levels and colours come from the organisation's criteria, never from here.
import { api, type Result } from '../api/client';

// The organisation's risk criteria as GET /api/v1/risk/criteria documents them.
export type Criteria = Result<'/api/v1/risk/criteria', 'get'>;
export type ScaleStep = Criteria['likelihood'][number];
export type Level = Criteria['levels'][number];

// Risks and what hangs off them, as the risk routes document them (the OpenAPI conformance test checks the
// server's answers against the same schemas).
export type Risk = Result<'/api/v1/risks/{id}', 'get'>;
export type Score = NonNullable<Risk['inherent']>;
export type Treatment = NonNullable<Risk['treatment']>;
export type Acceptance = NonNullable<Risk['acceptance']>;
export type Action = Result<'/api/v1/risk/actions/{id}', 'get'>;
export type LibraryEntry = Result<'/api/v1/risk/library/{kind}', 'get'>['items'][number];
export type Assessment = Result<'/api/v1/risks/{id}/assessments', 'get'>['items'][number];

export const kRiskStatuses = ['identified', 'assessed', 'treatment_planned', 'treated', 'accepted', 'closed'];
export const kOptions = ['modify', 'retain', 'avoid', 'share'];

export function criteria(): Promise<Criteria> {
    return api.get('/api/v1/risk/criteria');
}
export async function listRisks(): Promise<Risk[]> {
    return (await api.get('/api/v1/risks')).items;
}
export function getRisk(id: string): Promise<Risk> {
    return api.get('/api/v1/risks/{id}', { path: { id } });
}
export function createRisk(body: Record<string, unknown>): Promise<Risk> {
    return api.post('/api/v1/risks', { body });
}
export function updateRisk(id: string, body: Record<string, unknown>, version: number): Promise<Risk> {
    return api.patch('/api/v1/risks/{id}', { path: { id }, body, ifMatch: `"${version}"` });
}
export function treatRisk(id: string, body: Record<string, unknown>, version: number): Promise<Risk> {
    return api.put('/api/v1/risks/{id}/treatment', { path: { id }, body, ifMatch: `"${version}"` });
}
export function acceptRisk(id: string, body: Record<string, unknown>, version: number): Promise<Risk> {
    return api.post('/api/v1/risks/{id}/acceptance', { path: { id }, body, ifMatch: `"${version}"` });
}
// Re-runs the assessment (27001 8.2): a new inherent score beside the earlier ones; the answer's notices say
// what the new score ended (a planned residual score above it, an acceptance of the old residual).
export type Reassessment = Result<'/api/v1/risks/{id}/assessments', 'post'>;
export function reassess(id: string, body: { likelihood: number; consequence: number; note?: string }, version: number): Promise<Reassessment> {
    return api.post('/api/v1/risks/{id}/assessments', { path: { id }, body, ifMatch: `"${version}"` });
}
export async function assessments(id: string): Promise<Assessment[]> {
    return (await api.get('/api/v1/risks/{id}/assessments', { path: { id } })).items;
}
export async function library(kind: 'threats' | 'vulnerabilities'): Promise<LibraryEntry[]> {
    return (await api.get('/api/v1/risk/library/{kind}', { path: { kind } })).items;
}
export async function ownControls(): Promise<Array<{ id: string; title: string }>> {
    return (await api.get('/api/v1/risk/own-controls')).items;
}
export const kActionStatuses = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof kActionStatuses)[number];
// Adds an action to a risk's treatment plan (27001 6.1.3 e).
export function addAction(risk: string, body: { title: string; owner?: string; due_date?: string; control?: string; notes?: string }): Promise<Action> {
    return api.post('/api/v1/risks/{id}/actions', { path: { id: risk }, body }) as Promise<Action>;
}
// Changes an action if it is still at `version` (else 412); status done records the completion date.
export function updateAction(id: string, body: { status?: ActionStatus; due_date?: string; owner?: string; notes?: string }, version: number): Promise<Action> {
    return api.patch('/api/v1/risk/actions/{id}', { path: { id }, body, ifMatch: `"${version}"` }) as Promise<Action>;
}
export async function actions(): Promise<Action[]> {
    return (await api.get('/api/v1/risk/actions')).items;
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

// The Statement of Applicability as the SoA routes document it.
export type SoaEntry = Result<'/api/v1/soa/controls/{control}', 'get'>;
export type SoaSummary = Result<'/api/v1/soa', 'get'>['summary'];
export type CheckItem = Result<'/api/v1/soa/check', 'get'>['items'][number];
export type SoaVersion = Result<'/api/v1/soa/versions', 'get'>['items'][number];
export type SoaChange = Result<'/api/v1/soa/diff', 'get'>['changes'][number];

export const kApplicability = ['applicable', 'not_applicable', 'undecided'];
export const kSoaStatuses = ['not_started', 'planned', 'partial', 'implemented', 'not_applicable'];

export function soa(where = ''): Promise<{ items: SoaEntry[]; summary: SoaSummary }> {
    return api.get('/api/v1/soa', { query: { where } });
}
export function soaCheck(): Promise<{ ok: boolean; open_items: number; items: CheckItem[] }> {
    return api.get('/api/v1/soa/check');
}
export function decide(control: string, body: Record<string, unknown>, version: number): Promise<SoaEntry> {
    return api.patch('/api/v1/soa/controls/{control}', { path: { control }, body, ifMatch: `"${version}"` });
}
export async function soaVersions(): Promise<SoaVersion[]> {
    return (await api.get('/api/v1/soa/versions')).items;
}
export function approveSoa(comment: string, override_reason: string): Promise<SoaVersion> {
    return api.post('/api/v1/soa/versions', { body: { comment, override_reason } });
}
export async function soaDiff(from: number, to: number | 'current'): Promise<SoaChange[]> {
    return (await api.get('/api/v1/soa/diff', { query: { from: String(from), to: String(to) } })).changes;
}
