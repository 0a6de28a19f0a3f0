// Display names of server vocabularies (attribute families and their values, roles), through the message
// catalogue when it knows them, else readable forms of the identifiers.
import { t, tOr, humanize, i18n } from './i18n.svelte';
import { svData } from './data-sv';

export function familyLabel(family: string): string {
    return tOr(`family.${family}`, humanize(family));
}

export function valueLabel(family: string, value: string): string {
    if (value === '') return t('common.none');
    if (family === 'theme') return tOr(`theme.${value}`, humanize(value));
    if (value === 'true' || value === 'false') return t(value === 'true' ? 'common.yes' : 'common.no');
    return tOr(`value.${family}.${value}`, humanize(value));
}

export function roleLabel(role: string): string {
    return tOr(`role.${role}`, humanize(role));
}

// Labels the server describes its data with (record types, fields, states, enumeration values) are English;
// the Swedish overlay (data-sv.ts) translates those it knows, keyed as `type.<type>`, `field.<type>.<field>`,
// `state.<state>`, `value.<type>.<field>.<value>`.
export function dataLabel(key: string, fallback: string): string {
    if (i18n.lang === 'sv') {
        const s = svData[key];
        if (s) return s;
    }
    return /^[a-z0-9_]+$/.test(fallback) ? humanize(fallback) : fallback;
}

export function fieldLabel(type: string, f: { name: string; label: string }): string {
    return dataLabel(`field.${type}.${f.name}`, i18n.lang === 'sv' ? (svData[`field.${f.name}`] ?? f.label) : f.label);
}

export function stateLabel(state: string, label?: string): string {
    return dataLabel(`state.${state}`, label || humanize(state));
}

export function typeLabel(type: { name: string; title: string }, plural = false): string {
    const fallback = plural ? ((type as { plural?: string }).plural ?? type.title) : type.title;
    return dataLabel(`type.${type.name}${plural ? '.plural' : ''}`, fallback);
}
