// The catalog screen's model: the shapes the catalog API returns, and the translation between the screen's
// state (facet chips, free text, advanced filter) and one where-clause of the server's query language.
//
// The server evaluates every filter (GET …/controls?where=…); the client only counts, for the facet chips,
// how many controls each value would leave — a membership test on attribute lists, not a second evaluator.
import type { Result } from '../api/client';

// The shapes the catalog routes document (the OpenAPI conformance test checks the server's answers).
export type ControlListResult = Result<'/api/v1/frameworks/{framework}/controls', 'get'>;
export type ControlSummary = ControlListResult['controls'][number];
export type ControlDetail = Result<'/api/v1/frameworks/{framework}/controls/{id}', 'get'>;
export type PivotResult = NonNullable<ControlListResult['pivot']>;

// One field of the query language, as GET …/vocabulary documents it.
export type VocabularyField = Result<'/api/v1/frameworks/{framework}/vocabulary', 'get'>['fields'][number];

export type SavedView = Result<'/api/v1/views/{name}', 'get'>;

// A framework: the built-in catalog or one the organisation imported from OSCAL (GET /api/v1/frameworks).
export type Framework = Result<'/api/v1/frameworks', 'get'>['items'][number];

// What the screen filters by. `facets`: family → selected values (OR within a family, AND across families).
export interface FilterState {
    facets: Record<string, string[]>;
    text: string;
    advanced: string;
}

const kKeywords = new Set(['and', 'or', 'not', 'in']);

// A value as the query language reads it: bare when it can be, else quoted.
export function quoteValue(v: string): string {
    if (/^[A-Za-z0-9_.\-:/+#*]+$/.test(v) && !kKeywords.has(v.toLowerCase())) return v;
    if (!v.includes("'")) return `'${v}'`;
    if (!v.includes('"')) return `"${v}"`;
    return `'${v.replace(/'/g, '')}'`;
}

export function textClause(text: string): string {
    const q = quoteValue(text.trim());
    return `(id ~ ${q} or title ~ ${q})`;
}

// The where-clause of a filter state (families in the given order, so equal states give equal text).
export function buildWhere(state: FilterState, familyOrder: string[]): string {
    const parts: string[] = [];
    const families = [...familyOrder, ...Object.keys(state.facets).filter((f) => !familyOrder.includes(f))];
    for (const f of families) {
        const values = state.facets[f];
        if (!values || values.length === 0) continue;
        parts.push(values.length === 1 ? `${f} = ${quoteValue(values[0])}` : `${f} in (${values.map(quoteValue).join(', ')})`);
    }
    if (state.text.trim()) parts.push(textClause(state.text));
    if (state.advanced.trim()) parts.push(parts.length ? `(${state.advanced.trim()})` : state.advanced.trim());
    return parts.join(' and ');
}

// Splits text at top-level occurrences of the word `and` (outside quotes and parentheses).
function splitTopLevelAnd(text: string): string[] {
    const parts: string[] = [];
    let depth = 0;
    let quote = '';
    let start = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === quote) quote = '';
            continue;
        }
        if (c === "'" || c === '"') quote = c;
        else if (c === '(') depth++;
        else if (c === ')') depth--;
        else if (depth === 0 && /\s/.test(c)) {
            const m = /^\s+and\s+/i.exec(text.slice(i));
            if (m) {
                parts.push(text.slice(start, i));
                i += m[0].length - 1;
                start = i + 1;
            }
        }
    }
    parts.push(text.slice(start));
    return parts.map((p) => p.trim()).filter(Boolean);
}

function splitValues(list: string): string[] {
    const out: string[] = [];
    let quote = '';
    let cur = '';
    for (const c of list) {
        if (quote) {
            if (c === quote) quote = '';
            else cur += c;
        } else if (c === "'" || c === '"') quote = c;
        else if (c === ',') {
            out.push(cur.trim());
            cur = '';
        } else cur += c;
    }
    out.push(cur.trim());
    return out.filter(Boolean);
}

function unquote(v: string): string {
    const s = v.trim();
    if (s.length >= 2 && (s[0] === "'" || s[0] === '"') && s[s.length - 1] === s[0]) return s.slice(1, -1);
    return s;
}

function stripParens(s: string): string {
    let t = s.trim();
    while (t.startsWith('(') && t.endsWith(')')) {
        // only when the parentheses enclose the whole text
        let depth = 0;
        let quote = '';
        let whole = true;
        for (let i = 0; i < t.length; i++) {
            const c = t[i];
            if (quote) {
                if (c === quote) quote = '';
                continue;
            }
            if (c === "'" || c === '"') quote = c;
            else if (c === '(') depth++;
            else if (c === ')') {
                depth--;
                if (depth === 0 && i < t.length - 1) {
                    whole = false;
                    break;
                }
            }
        }
        if (!whole) break;
        t = t.slice(1, -1).trim();
    }
    return t;
}

// Reads a where-clause back into chips where it has the shape buildWhere writes (family = v, family in (…),
// the free-text clause); everything else stays in the advanced filter. `closedValues` maps a family to its
// vocabulary (case-insensitive match to the canonical spelling).
export function parseWhere(where: string, closedValues: Record<string, string[]>): FilterState {
    const state: FilterState = { facets: {}, text: '', advanced: '' };
    const rest: string[] = [];
    const canon = (family: string, v: string) => closedValues[family]?.find((x) => x.toLowerCase() === v.toLowerCase());
    for (const part of splitTopLevelAnd(where.trim())) {
        const inner = stripParens(part);
        let m = /^([A-Za-z_][\w]*)\s+in\s*\((.*)\)$/is.exec(inner);
        if (!m) {
            const eq = /^([A-Za-z_][\w]*)\s*=\s*('[^']*'|"[^"]*"|[^\s()'"]+)$/s.exec(inner);
            if (eq) m = [eq[0], eq[1], eq[2]] as unknown as RegExpExecArray;
        }
        if (m) {
            const family = m[1].toLowerCase();
            const values = splitValues(m[2]).map(unquote);
            const canonical = values.map((v) => canon(family, v));
            if (family in closedValues && !state.facets[family] && canonical.every(Boolean)) {
                state.facets[family] = canonical as string[];
                continue;
            }
        }
        const txt = /^id\s*~\s*('[^']*'|"[^"]*"|\S+)\s+or\s+title\s*~\s*('[^']*'|"[^"]*"|\S+)$/i.exec(inner);
        if (txt && unquote(txt[1]) === unquote(txt[2]) && !state.text) {
            state.text = unquote(txt[1]);
            continue;
        }
        rest.push(part);
    }
    state.advanced = rest.length === 1 ? stripParens(rest[0]) : rest.join(' and ');
    return state;
}

// Does a control pass the chips (except `exceptFamily`) and the free text?
export function passes(c: ControlSummary, state: FilterState, exceptFamily?: string): boolean {
    for (const [family, values] of Object.entries(state.facets)) {
        if (family === exceptFamily || values.length === 0) continue;
        const have = attributeValues(c, family);
        if (!values.some((v) => have.includes(v))) return false;
    }
    const q = state.text.trim().toLowerCase();
    if (q && !c.id.toLowerCase().includes(q) && !c.title.toLowerCase().includes(q)) return false;
    return true;
}

export function attributeValues(c: ControlSummary, family: string): string[] {
    if (family === 'id') return [c.id];
    if (family === 'title') return [c.title];
    const v = c.attributes?.[family];
    if (v) return v;
    // Fields the API sends beside `attributes` (theme, new_in_2022, overridden): a value of the query
    // language's vocabulary is their text, "true"/"false" for a boolean.
    const top = (c as unknown as Record<string, unknown>)[family];
    if (typeof top === 'boolean' || typeof top === 'number') return [String(top)];
    if (typeof top === 'string' && top) return [top];
    return [];
}

// For each family and value: how many controls of `base` would match if that value were (also) chosen,
// given every other family's chips and the free text — the counts on the facet chips.
export function facetCounts(base: ControlSummary[], state: FilterState, families: string[]): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const f of families) {
        const counts: Record<string, number> = {};
        for (const c of base) {
            if (!passes(c, state, f)) continue;
            for (const v of attributeValues(c, f)) counts[v] = (counts[v] ?? 0) + 1;
        }
        out[f] = counts;
    }
    return out;
}

// Shade class 0–5 of a heat-map cell.
export function heatLevel(value: number, max: number): number {
    if (value <= 0 || max <= 0) return 0;
    return Math.min(5, Math.max(1, Math.ceil((value / max) * 5)));
}
