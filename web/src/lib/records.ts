// Records of the record-type engine: the type metadata the server describes each type with (fields,
// workflow, columns), and the generic calls every screen of records uses. No screen knows a type by name:
// forms, tables, workflow buttons and history come from the metadata.
import { api } from '../api/client';

export interface FieldMeta {
    name: string;
    label: string;
    type: string; // text, markdown, enum, date, number, boolean, person, role, link, control, list, email, url, attachment
    of?: string; // item type of a list
    required: boolean;
    unique: boolean;
    help?: string;
    values?: string[];
    to?: string; // record type of person/role/link fields
    min?: number;
    max?: number;
    default?: unknown;
}

export interface TransitionMeta {
    name: string;
    label: string;
    from: string[];
    to: string;
    permission: string;
    approval: boolean;
    roles?: string[];
    requires?: string[];
}

export interface TypeMeta {
    name: string;
    title: string;
    plural: string;
    clauses: string[];
    description: string;
    id_prefix: string;
    title_field: string;
    fields: FieldMeta[];
    workflow: { initial: string; states: Array<{ name: string; label: string; locked: boolean }>; transitions: TransitionMeta[] };
    list_columns: string[];
    versioning?: { locked_states: string[]; draft_state: string };
    review?: { interval?: string; base_field?: string; due_field?: string; states?: string[] };
    acknowledgements?: { label: string; states: string[]; audience_field?: string };
    backlinks?: Array<{ type: string; field: string; label: string }>;
}

export interface RecordData {
    type: string;
    id: string;
    version: number;
    revision: number;
    state: string;
    title: string;
    data: Record<string, unknown>;
    archived: boolean;
    next_review?: string | null;
    approved_by?: string | null;
    approved_at?: string | null;
    created_at: string;
    created_by: string;
    updated_at: string;
    updated_by: string;
    linked_from?: Linker[]; // who links to the record (GET of one record)
}

export interface HistoryEntry {
    seq: number;
    at: string;
    actor: string;
    op: string;
    version: number;
    transition?: string;
    changes: Array<{ field: string; before: unknown; after: unknown }>;
}

export interface Linker {
    type: string;
    id: string;
    field: string;
    title?: string;
    archived?: boolean;
}

const typeCache = new Map<string, Promise<TypeMeta>>();

export function recordType(type: string): Promise<TypeMeta> {
    let p = typeCache.get(type);
    if (!p) {
        p = api.get('/api/v1/record-types/{type}', { path: { type } }) as Promise<TypeMeta>;
        p.catch(() => typeCache.delete(type));
        typeCache.set(type, p);
    }
    return p;
}

export async function recordTypes(): Promise<TypeMeta[]> {
    const res = (await api.get('/api/v1/record-types')) as { items?: TypeMeta[]; types?: TypeMeta[] } | TypeMeta[];
    return Array.isArray(res) ? res : (res.items ?? res.types ?? []);
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
    const res = (await api.get('/api/v1/records/{type}', { path: { type }, query: { ...params }, signal })) as {
        items: RecordData[];
        next_cursor?: string;
    };
    return { items: res.items ?? [], next_cursor: res.next_cursor ?? '' };
}

export async function getRecord(type: string, id: string): Promise<RecordData> {
    return (await api.get('/api/v1/records/{type}/{id}', { path: { type, id } })) as RecordData;
}

export async function createRecord(type: string, data: Record<string, unknown>): Promise<RecordData> {
    return (await api.post('/api/v1/records/{type}', { path: { type }, body: { data } })) as RecordData;
}

// Applies `patch` (null removes a field) if the record is still at `version` (else HTTP 412).
export async function updateRecord(type: string, id: string, patch: Record<string, unknown>, version: number): Promise<RecordData> {
    return (await api.patch('/api/v1/records/{type}/{id}', { path: { type, id }, body: { data: patch }, ifMatch: `"${version}"` })) as RecordData;
}

export async function transitionRecord(type: string, id: string, transition: string, version: number): Promise<RecordData> {
    return (await api.post('/api/v1/records/{type}/{id}/transitions', {
        path: { type, id },
        body: { transition },
        ifMatch: `"${version}"`,
    })) as RecordData;
}

export async function recordHistory(type: string, id: string): Promise<HistoryEntry[]> {
    const res = (await api.get('/api/v1/records/{type}/{id}/history', { path: { type, id } })) as { items?: HistoryEntry[] } | HistoryEntry[];
    return Array.isArray(res) ? res : (res.items ?? []);
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
    fmt: { date: (s: string) => string; number: (n: number) => string; bool: (b: boolean) => string; label: (key: string, fallback: string) => string },
): string {
    if (isEmpty(value)) return '';
    const f = meta.fields.find((x) => x.name === field);
    const one = (v: unknown): string => {
        const it = f ? itemType(f) : '';
        if (typeof v === 'boolean') return fmt.bool(v);
        if (typeof v === 'number') return fmt.number(v);
        if (it === 'date' || field === 'next_review') return fmt.date(String(v));
        if (it === 'enum') return fmt.label(`value.${meta.name}.${field}.${v}`, String(v));
        return String(v);
    };
    return Array.isArray(value) ? value.map(one).join(', ') : one(value);
}
