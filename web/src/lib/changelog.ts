// The change log as the Administration screen shows it: entries from GET /api/v1/log, the chain's state from
// GET /api/v1/log/verify, and the fields one entry changed.
import { api, type Result } from '../api/client';

export type LogEntry = Result<'/api/v1/log', 'get'>['items'][number];
export type LogPage = Result<'/api/v1/log', 'get'>;
export type LogVerification = Result<'/api/v1/log/verify', 'get'>;

export interface LogFilter {
    entity?: string;
    id?: string;
}

export function readLog(filter: LogFilter, before?: number | null, limit = 50): Promise<LogPage> {
    return api.get('/api/v1/log', {
        query: { entity: filter.entity || undefined, id: filter.id || undefined, before: before ?? undefined, limit },
    });
}

export function verifyLog(): Promise<LogVerification> {
    return api.get('/api/v1/log/verify');
}

export interface FieldChange {
    field: string; // dotted path: "name", "data.owner"
    before: unknown;
    after: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// The fields that differ between `before` and `after` (either may be null: created or removed), nested
// objects flattened to dotted paths up to `depth` levels; arrays and deeper objects compare as a whole.
export function fieldChanges(before: unknown, after: unknown, depth = 2, prefix = ''): FieldChange[] {
    if (depth > 0 && (isPlainObject(before) || isPlainObject(after))) {
        const b = isPlainObject(before) ? before : {};
        const a = isPlainObject(after) ? after : {};
        const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
        return keys.flatMap((k) => fieldChanges(b[k], a[k], depth - 1, prefix ? `${prefix}.${k}` : k));
    }
    if (JSON.stringify(before) === JSON.stringify(after)) return [];
    return [{ field: prefix || '—', before, after }];
}

// A value as one line of text ("" for absent).
export function showValue(v: unknown): string {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    return JSON.stringify(v);
}
