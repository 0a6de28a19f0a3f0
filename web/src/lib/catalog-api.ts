// Catalog writes: the organisation's attribute overrides and the import of licensed text.
import { api } from '../api/client';
import type { ControlDetail } from './catalog';

// Sets a family of a control to `values` for the organisation, or back to the built-in tags (null).
export function overrideAttributes(framework: string, id: string, family: string, values: string[] | null): Promise<ControlDetail> {
    const body = values === null ? { reset: [family] } : { set: { [family]: values } };
    return api.put('/api/v1/frameworks/{framework}/controls/{id}/attributes', { path: { framework, id }, body });
}

export interface TextImportResult {
    imported: number;
    unchanged: number;
    ids: string[];
}

// Imports descriptions (CSV text with an id column) from the organisation's licensed copy.
export async function importTexts(framework: string, csv: string, source: string): Promise<TextImportResult> {
    return (await api.post('/api/v1/frameworks/{framework}/texts', { path: { framework }, query: { source }, raw: { body: csv, type: 'text/csv' } })) as TextImportResult;
}

// Every control of the built-in framework as {id, title} (for fields that link to controls), loaded once.
let controlList: Promise<Array<{ id: string; title: string }>> | null = null;
export function controlOptions(): Promise<Array<{ id: string; title: string }>> {
    if (!controlList) {
        controlList = api
            .get('/api/v1/frameworks/{framework}/controls', { path: { framework: 'iso27001-2022' } })
            .then((r) => r.controls.map((c) => ({ id: c.id, title: c.title })));
        controlList.catch(() => (controlList = null));
    }
    return controlList;
}
