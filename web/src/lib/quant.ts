// Quantitative risk (FAIR) as the quant routes document it: a risk's estimate, the what-if simulation the
// estimate form runs as the user types, and the organisation's stored portfolio runs. The server simulates and
// draws the loss-exceedance curve (SVG); the screens only show its answers.
import { api, ApiProblem, requestText, type Result } from '../api/client';

export type Estimate = Result<'/api/v1/quant/estimates/{risk}', 'get'>;
export type Simulation = Result<'/api/v1/quant/simulate', 'post'>;
export type SimResult = Simulation['inherent'];
export type Summary = SimResult['portfolio'];
export type TreatmentValue = NonNullable<Simulation['treatment_value']>;
export type Run = Result<'/api/v1/quant/runs/{id}', 'get'>;
export type RunListItem = Result<'/api/v1/quant/runs', 'get'>['items'][number];

// The years of the interactive single-risk simulation (issue: 100,000 years, tens of milliseconds).
export const kInteractiveYears = 100_000;

export const kFrequencyDists = ['pert', 'triangular', 'uniform', 'poisson', 'constant'] as const;
export const kMagnitudeDists = ['lognormal', 'pert', 'triangular', 'uniform', 'constant'] as const;

// The parameters each distribution takes (docs/quant.md), in the order the form shows them.
export const kDistParams: Record<string, string[]> = {
    pert: ['min', 'mode', 'max', 'gamma'],
    pert_classic: ['min', 'mode', 'max', 'gamma'],
    triangular: ['min', 'mode', 'max'],
    uniform: ['min', 'max'],
    lognormal: ['low', 'high'],
    constant: ['value'],
    poisson: ['lambda'],
};
// Parameters that may be left empty (the server's default applies).
export const kOptionalParams = new Set(['gamma']);

// A distribution as the form holds it: every number as typed (text), so nothing the user typed is lost.
export interface DistForm {
    dist: string;
    values: Record<string, string>;
}
export interface TreatmentForm {
    name: string;
    frequency_factor: string;
    magnitude_factor: string;
    annual_cost: string;
}
export interface EstimateForm {
    frequency: DistForm;
    magnitude: DistForm;
    secondary: boolean;
    secondary_probability: string;
    secondary_magnitude: DistForm;
    treatments: TreatmentForm[];
    // Inputs the form does not edit (the FAIR decomposition): kept as they are.
    decomposition: unknown;
}

type Json = Record<string, unknown>;

function distForm(d: unknown, fallback: string): DistForm {
    if (typeof d === 'number') return { dist: 'constant', values: { value: String(d) } };
    const o = (d && typeof d === 'object' ? d : {}) as Json;
    const dist = typeof o.dist === 'string' ? o.dist.replace('pert_modified', 'pert').replace('lognormal_ci90', 'lognormal') : fallback;
    const values: Record<string, string> = {};
    for (const p of kDistParams[dist] ?? []) if (o[p] !== undefined && o[p] !== null) values[p] = String(o[p]);
    return { dist, values };
}

export function emptyForm(): EstimateForm {
    return {
        frequency: { dist: 'pert', values: {} },
        magnitude: { dist: 'lognormal', values: {} },
        secondary: false,
        secondary_probability: '',
        secondary_magnitude: { dist: 'lognormal', values: {} },
        treatments: [],
        decomposition: undefined,
    };
}

// The form of a stored model (as GET …/estimates/{risk} answers it).
export function formOf(model: Json): EstimateForm {
    const f = emptyForm();
    f.frequency = distForm(model.frequency, 'pert');
    f.magnitude = distForm(model.magnitude ?? model.primary, 'lognormal');
    const sec = model.secondary as Json | undefined;
    if (sec && typeof sec === 'object') {
        f.secondary = true;
        f.secondary_probability = sec.probability === undefined ? '' : String(sec.probability);
        f.secondary_magnitude = distForm(sec.magnitude, 'lognormal');
    }
    const tr = Array.isArray(model.treatments) ? (model.treatments as Json[]) : [];
    f.treatments = tr.map((t) => ({
        name: String(t.name ?? ''),
        frequency_factor: t.frequency_factor === undefined ? '' : String(t.frequency_factor),
        magnitude_factor: t.magnitude_factor === undefined ? '' : String(t.magnitude_factor),
        annual_cost: t.annual_cost === undefined ? '' : String(t.annual_cost),
    }));
    if (model.decomposition) f.decomposition = model.decomposition;
    return f;
}

// A number as typed: a number when it reads as one (spaces and a decimal comma allowed), else the text itself
// so that the server names the field ("must be a number"); empty text is left out.
function num(text: string): number | string | undefined {
    const s = text.trim().replace(/\s/g, '').replace(',', '.');
    if (s === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : text;
}

function distJson(d: DistForm): Json {
    const out: Json = { dist: d.dist };
    for (const p of kDistParams[d.dist] ?? []) {
        const v = num(d.values[p] ?? '');
        if (v !== undefined) out[p] = v;
    }
    return out;
}

// The model the API accepts (PUT …/estimates/{risk}, and inline in POST /api/v1/quant/simulate).
export function modelOf(f: EstimateForm): Json {
    const m: Json = {};
    if (f.decomposition) m.decomposition = f.decomposition;
    else m.frequency = distJson(f.frequency);
    m.magnitude = distJson(f.magnitude);
    if (f.secondary) {
        const s: Json = { magnitude: distJson(f.secondary_magnitude) };
        const p = num(f.secondary_probability);
        if (p !== undefined) s.probability = p;
        m.secondary = s;
    }
    if (f.treatments.length)
        m.treatments = f.treatments.map((t) => {
            const o: Json = { name: t.name };
            for (const k of ['frequency_factor', 'magnitude_factor', 'annual_cost'] as const) {
                const v = num(t[k]);
                if (v !== undefined) o[k] = v;
            }
            return o;
        });
    return m;
}

// The form field a server message names: "estimate.frequency.max" or "risks[0].frequency.max" →
// "frequency.max"; "…secondary.magnitude.low" → "secondary_magnitude.low"; "…treatments[1].annual_cost" →
// "treatments.1.annual_cost".
export function formField(serverField: string): string {
    return serverField
        .replace(/^(estimate|risks\[\d+\])\.?/, '')
        .replace(/^primary\./, 'magnitude.')
        .replace(/^secondary\.magnitude/, 'secondary_magnitude')
        .replace(/^secondary\.probability/, 'secondary_probability')
        .replace(/^treatments\[(\d+)\]/, 'treatments.$1');
}

// Messages per form field (and what no field explains) of a refused simulation or save.
export function fieldErrors(e: unknown): { fields: Record<string, string>; general: string } {
    if (!(e instanceof ApiProblem)) return { fields: {}, general: e instanceof Error ? e.message : String(e) };
    const fields: Record<string, string> = {};
    const rest: string[] = [];
    for (const d of e.errors) {
        const f = formField(d.field ?? '');
        const msg = d.allowed?.length ? `${d.message} (${d.allowed.join(', ')})` : d.message;
        if (f) fields[f] = fields[f] ? `${fields[f]}; ${msg}` : msg;
        else rest.push(msg);
    }
    return { fields, general: Object.keys(fields).length ? rest.join(' — ') : [e.detail, ...rest].filter(Boolean).join(' — ') };
}

export async function getEstimate(risk: string): Promise<Estimate | null> {
    try {
        return await api.get('/api/v1/quant/estimates/{risk}', { path: { risk } });
    } catch (e) {
        if (e instanceof ApiProblem && e.status === 404) return null;
        throw e;
    }
}
export function setEstimate(risk: string, model: Json): Promise<Estimate> {
    return api.put('/api/v1/quant/estimates/{risk}', { path: { risk }, body: model });
}
export async function deleteEstimate(risk: string): Promise<void> {
    await api.delete('/api/v1/quant/estimates/{risk}', { path: { risk } });
}

// One risk's what-if simulation with the curve drawn by the server. A newer call aborts an older one.
export function simulate(id: string, title: string, model: Json, signal?: AbortSignal): Promise<Simulation> {
    return api.post('/api/v1/quant/simulate', {
        body: { risks: [{ ...model, id, title }], options: { years: kInteractiveYears, seed: 1 }, svg: true },
        signal,
    });
}

export async function listRuns(): Promise<RunListItem[]> {
    return (await api.get('/api/v1/quant/runs')).items;
}
export function getRun(id: string): Promise<Run> {
    return api.get('/api/v1/quant/runs/{id}', { path: { id } });
}
export function startRun(body: { where?: string; options: Json }): Promise<Run> {
    return api.post('/api/v1/quant/runs', { body });
}
// The stored run's loss-exceedance curve as the server draws it (SVG text).
export function runCurve(id: string): Promise<string> {
    return requestText(`/api/v1/quant/runs/${encodeURIComponent(id)}/lec.svg`);
}

// An SVG document as an image address (the page's CSP allows data: images; an <img> runs no script).
export function svgImage(svg: string): string {
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
