// Between the risk form's values and the API's risk input.
import type { Risk } from './risk';

// The form's values: the risk's own fields, and the score and note of a (re)assessment.
export type RiskValues = Pick<
    Risk,
    'title' | 'description' | 'approach' | 'scenario' | 'assets' | 'threats' | 'vulnerabilities' | 'owner' | 'cia' | 'existing_controls' | 'review_date'
> & {
    likelihood: number | null;
    consequence: number | null;
    note: string;
};

export const kRiskFields = [
    'title', 'description', 'approach', 'scenario', 'assets', 'threats', 'vulnerabilities', 'owner', 'cia',
    'existing_controls', 'review_date', 'likelihood', 'consequence', 'note',
];

export function valuesOf(r: Risk): RiskValues {
    return {
        title: r.title,
        description: r.description,
        approach: r.approach,
        scenario: r.scenario,
        assets: [...r.assets],
        threats: [...r.threats],
        vulnerabilities: [...r.vulnerabilities],
        owner: r.owner,
        cia: [...r.cia],
        existing_controls: r.existing_controls,
        review_date: r.review_date,
        likelihood: r.inherent?.likelihood ?? null,
        consequence: r.inherent?.consequence ?? null,
        note: '',
    };
}

// The body of a create (before = null) or of an update (only what changed; scores only when changed, as
// scores given are a new assessment).
export function riskBody(v: RiskValues, before: Risk | null): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    const old = before ? valuesOf(before) : null;
    const keys = ['title', 'description', 'approach', 'scenario', 'assets', 'threats', 'vulnerabilities', 'owner', 'cia', 'existing_controls', 'review_date'] as const;
    for (const k of keys) {
        const val = v[k];
        if (old && JSON.stringify(old[k]) === JSON.stringify(val)) continue;
        if (!old && (val === '' || (Array.isArray(val) && val.length === 0))) continue;
        body[k] = val;
    }
    const scored = v.likelihood !== null && v.consequence !== null;
    const changed = !old || old.likelihood !== v.likelihood || old.consequence !== v.consequence;
    if (scored && changed) {
        body.likelihood = Number(v.likelihood);
        body.consequence = Number(v.consequence);
        if (v.note) body.note = v.note;
    } else if (!scored && (v.likelihood !== null || v.consequence !== null)) {
        // one without the other: let the server name what is missing
        if (v.likelihood !== null) body.likelihood = Number(v.likelihood);
        if (v.consequence !== null) body.consequence = Number(v.consequence);
    }
    return body;
}
