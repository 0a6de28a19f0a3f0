// An imported control as GET /api/v1/frameworks/{fw}/controls/{id} carries it (OSCAL's JSON form: params,
// parts, props, links), and the few readings the control detail needs.

export interface OscalProp {
    name: string;
    value: string;
    class?: string;
    ns?: string;
}
export interface OscalLink {
    href: string;
    rel?: string;
    text?: string;
}
export interface OscalPart {
    id?: string;
    name?: string;
    title?: string;
    prose?: string;
    label?: string;
    props?: OscalProp[];
    parts?: OscalPart[];
}
export interface OscalParam {
    id: string;
    label?: string;
    class?: string;
    values?: string[];
    select?: { 'how-many'?: string; choice?: string[] };
    guidelines?: Array<{ prose?: string }>;
    props?: OscalProp[];
}

// The label of a part (a prop named "label" in OSCAL) is lifted to `label` for display.
export function normaliseParts(parts: unknown): OscalPart[] {
    if (!Array.isArray(parts)) return [];
    return parts.map((p) => {
        const o = p as OscalPart;
        const label = o.props?.find((x) => x.name === 'label')?.value;
        return { ...o, label, parts: normaliseParts(o.parts) };
    });
}

// What stands for a parameter in prose: its values, else its choices, else its label, in brackets.
export function paramText(p: OscalParam, params: Record<string, string>): string {
    if (p.values?.length) return p.values.join(', ');
    if (p.select?.choice?.length) {
        const how = p.select['how-many'] === 'one-or-more' ? 'one or more: ' : '';
        return `[${how}${p.select.choice.map((c) => withParams(c, params)).join('; ')}]`;
    }
    return `[${p.label ?? p.id}]`;
}

export function paramTexts(params: OscalParam[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of params) out[p.id] = `[${p.label ?? p.id}]`;
    for (const p of params) out[p.id] = paramText(p, out);
    return out;
}

// Prose with {{ insert: param, ID }} replaced by the parameter's text.
export function withParams(prose: string, params: Record<string, string>): string {
    return prose.replace(/\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}/g, (_m, id: string) => params[id] ?? `[${id}]`);
}
