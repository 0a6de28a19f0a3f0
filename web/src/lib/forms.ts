// Helpers for forms that save to the API: turning a refused save (problem+json) into messages per field.
import { ApiProblem, normaliseField } from '../api/client';

export interface SaveErrors {
    fields: Record<string, string>; // field → message, shown next to the field
    general: string; // shown above the form (what no field explains)
}

export function saveErrors(e: unknown, knownFields: string[]): SaveErrors {
    if (!(e instanceof ApiProblem)) return { fields: {}, general: e instanceof Error ? e.message : String(e) };
    const fields: Record<string, string> = {};
    const unplaced: string[] = [];
    for (const d of e.errors) {
        const f = normaliseField(d.field ?? '');
        const msg = d.allowed?.length && !d.message.includes(d.allowed[0]) ? `${d.message} (${d.allowed.join(', ')})` : d.message;
        if (f && knownFields.includes(f)) fields[f] = fields[f] ? `${fields[f]}; ${msg}` : msg;
        else unplaced.push(d.field ? `${d.field}: ${msg}` : msg);
    }
    const general = [e.detail, ...unplaced].filter(Boolean).join(' — ');
    return { fields, general };
}
