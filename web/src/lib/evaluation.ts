// Performance evaluation as the evaluation routes document it (docs/evaluation.md): a metric's measurements and
// chart (9.1), an audit's checklist, independence and report (9.2), a management review's compiled pack (9.3).
// The generated record screens hold the records themselves; these calls add what is more than fields.
import { api, ApiProblem, downloadFile, requestText, type Result } from '../api/client';

export type Metric = Result<'/api/v1/metrics/{id}', 'get'>;
export type Measurement = NonNullable<Metric['series']>[number];
export type ChecklistItem = Result<'/api/v1/audits/{id}/checklist', 'get'>['items'][number];
export type Independence = Result<'/api/v1/audits/{id}/independence', 'get'>;

export const kChecklistResults = ['not_checked', 'conforming', 'nonconforming', 'observation', 'not_applicable'] as const;

export function metric(id: string): Promise<Metric> {
    return api.get('/api/v1/metrics/{id}', { path: { id } });
}
// The server's chart of the metric (SVG text): measurements, target and warning lines.
export function metricChart(id: string): Promise<string> {
    return requestText(`/api/v1/metrics/${encodeURIComponent(id)}/chart.svg`);
}
export async function addMeasurement(id: string, body: { date?: string; value: number | string; note?: string }): Promise<void> {
    await api.post('/api/v1/metrics/{id}/measurements', { path: { id }, body });
}

export async function checklist(id: string): Promise<ChecklistItem[]> {
    return (await api.get('/api/v1/audits/{id}/checklist', { path: { id } })).items;
}
export async function generateChecklist(id: string): Promise<{ added: number; removed: number; kept: number; skipped: string[] }> {
    const r = await api.post('/api/v1/audits/{id}/checklist', { path: { id } });
    return { added: r.added ?? 0, removed: r.removed ?? 0, kept: r.kept ?? 0, skipped: r.skipped_controls ?? [] };
}
export function answerItem(audit: string, item: string, body: Record<string, string>, version: number): Promise<ChecklistItem> {
    return api.patch('/api/v1/audits/{id}/checklist/{item}', { path: { id: audit, item }, body, ifMatch: `"${version}"` });
}
export function independence(id: string): Promise<Independence> {
    return api.get('/api/v1/audits/{id}/independence', { path: { id } });
}

// A management review's pack: sections as the server compiles them (9.3.2), or null before the first compile.
export interface PackSection {
    id?: string;
    topic?: string;
    title: string;
    summary?: string;
    columns?: string[];
    rows?: string[][];
    items?: Array<Record<string, unknown>>;
}
export interface Pack {
    review?: string;
    title?: string;
    cut_off?: string;
    compilation?: number;
    compiled_by?: string;
    compiled_at?: string;
    sha256?: string;
    sections: PackSection[];
}
export async function pack(id: string): Promise<Pack | null> {
    try {
        return (await api.get('/api/v1/management-reviews/{id}/pack', { path: { id } })) as unknown as Pack;
    } catch (e) {
        if (e instanceof ApiProblem && e.status === 404 && !/^no management_review/.test(e.detail)) return null;
        throw e;
    }
}
export async function compile(id: string, cutOff: string): Promise<Pack> {
    return (await api.post('/api/v1/management-reviews/{id}/compile', { path: { id }, body: cutOff ? { cut_off: cutOff } : {} })) as unknown as Pack;
}

// Printable reports and OSCAL documents, saved under the server's file name.
export function download(path: string, name: string): Promise<void> {
    return downloadFile(path, name);
}
