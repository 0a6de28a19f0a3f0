// Records of the record-type engine: the type metadata the server describes each type with (fields,
// workflow, columns), and the generic calls every screen of records uses. No screen knows a type by name:
// forms, tables, workflow buttons and history come from the metadata.
import { api, type Result } from '../api/client';

// The shapes the record routes document (the OpenAPI conformance test checks the server's answers against them).
export type TypeMeta = Result<'/api/v1/record-types/{type}', 'get'>;
export type FieldMeta = TypeMeta['fields'][number];
export type TransitionMeta = TypeMeta['workflow']['transitions'][number];
export type RecordData = Omit<Result<'/api/v1/records/{type}', 'get'>['items'][number], 'data'> & {
    data: Record<string, unknown>; // field values; their types are in the type's metadata
    linked_from?: Linker[]; // who links to the record (GET of one record)
    transition_accounts?: Record<string, string>; // transitions only one account may make, with its user name
};
export type HistoryEntry = Result<'/api/v1/records/{type}/{id}/history', 'get'>['items'][number];
export type Linker = Result<'/api/v1/records/{type}/{id}/linkers', 'get'>['items'][number];

const typeCache = new Map<string, Promise<TypeMeta>>();

export function recordType(type: string): Promise<TypeMeta> {
    let p = typeCache.get(type);
    if (!p) {
        p = api.get('/api/v1/record-types/{type}', { path: { type } });
        p.catch(() => typeCache.delete(type));
        typeCache.set(type, p);
    }
    return p;
}

// The record types (name, title, plural, clauses, description) for the index of registers.
export async function recordTypes(): Promise<Result<'/api/v1/record-types', 'get'>['items']> {
    return (await api.get('/api/v1/record-types')).items;
}

export interface ListParams {
    q?: string;
    where?: string;
    state?: string;
    cursor?: string;
    limit?: number;
    archived?: boolean;
    [field: string]: string | number | boolean | undefined; // a field's value filters on that field
}

export async function listRecords(type: string, params: ListParams = {}, signal?: AbortSignal): Promise<{ items: RecordData[]; next_cursor: string }> {
    const res = await api.get('/api/v1/records/{type}', { path: { type }, query: { ...params }, signal });
    return { items: res.items, next_cursor: res.next_cursor ?? '' };
}

export function getRecord(type: string, id: string): Promise<RecordData> {
    return api.get('/api/v1/records/{type}/{id}', { path: { type, id } });
}

export function createRecord(type: string, data: Record<string, unknown>): Promise<RecordData> {
    return api.post('/api/v1/records/{type}', { path: { type }, body: { data } });
}

// Applies `patch` (null removes a field) if the record is still at `version` (else HTTP 412).
export function updateRecord(type: string, id: string, patch: Record<string, unknown>, version: number): Promise<RecordData> {
    return api.patch('/api/v1/records/{type}/{id}', { path: { type, id }, body: { data: patch }, ifMatch: `"${version}"` });
}

export function transitionRecord(type: string, id: string, transition: string, version: number): Promise<RecordData> {
    return api.post('/api/v1/records/{type}/{id}/transitions', { path: { type, id }, body: { transition }, ifMatch: `"${version}"` });
}

export async function recordHistory(type: string, id: string): Promise<HistoryEntry[]> {
    return (await api.get('/api/v1/records/{type}/{id}/history', { path: { type, id } })).items;
}

// Options for a field that links to records (person, role, link): id and title of every record of the type.
const optionCache = new Map<string, Promise<Array<{ id: string; title: string }>>>();
export function linkOptions(type: string): Promise<Array<{ id: string; title: string }>> {
    let p = optionCache.get(type);
    if (!p) {
        p = listRecords(type, { limit: 1000 }).then((r) => r.items.map((x) => ({ id: x.id, title: x.title })));
        p.catch(() => optionCache.delete(type));
        optionCache.set(type, p);
    }
    return p;
}
export function forgetLinkOptions(type: string): void {
    optionCache.delete(type);
}


export function isEmpty(v: unknown): boolean {
    return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

// The item type of a field (the field's own type unless it is a list).
export function itemType(f: FieldMeta): string {
    return f.type === 'list' ? (f.of ?? 'text') : f.type;
}

export function isLinkType(t: string): boolean {
    return t === 'person' || t === 'role' || t === 'link';
}

// The text of a value in a table or a detail view (links as ids; the views add titles where they have them).
export function formatValue(
    meta: TypeMeta,
    field: string,
    value: unknown,
    fmt: { date: (s: string) => string; number: (n: number) => string; bool: (b: boolean) => string; enumValue: (field: string, value: string) => string },
): string {
    if (isEmpty(value)) return '';
    const f = meta.fields.find((x) => x.name === field);
    const one = (v: unknown): string => {
        const it = f ? itemType(f) : '';
        if (typeof v === 'boolean') return fmt.bool(v);
        if (typeof v === 'number') return fmt.number(v);
        if (it === 'date' || field === 'next_review') return fmt.date(String(v));
        if (it === 'enum') return fmt.enumValue(field, String(v));
        return String(v);
    };
    return Array.isArray(value) ? value.map(one).join(', ') : one(value);
}
