// Display names of server vocabularies (attribute families and their values, roles), through the message
// catalogue when it knows them, else readable forms of the identifiers; and the record vocabulary (record
// types, fields, hints, enumeration values, states, transitions, back-links), which the server names in
// English and the catalogue translates (messages.ts describes the keys).
import { t, tOr, humanize, serverText } from './i18n.svelte';

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

// A record type's title (or plural) and description.
export function typeLabel(type: { name: string; title: string; plural?: string }, plural = false): string {
    return plural ? serverText(`type.${type.name}.plural`, type.plural ?? type.title) : serverText(`type.${type.name}`, type.title);
}

export function typeDescription(type: { name: string; description?: string }): string {
    return serverText(`type.${type.name}.description`, type.description ?? '');
}

// A field's label and hint (`type` is the record type's name).
export function fieldLabel(type: string, f: { name: string; label: string }): string {
    return serverText(`field.${type}.${f.name}`, f.label);
}

export function fieldHelp(type: string, f: { name: string; help?: string }): string {
    return f.help ? serverText(`help.${type}.${f.name}`, f.help) : '';
}

// A value of an enumeration field (the server sends only ids: English is their readable form).
export function enumLabel(type: string, field: string, value: string): string {
    return serverText(`value.${type}.${field}.${value}`, humanize(value));
}

// A workflow state of a type; `label` is the server's (the id's readable form when it sent none).
export function stateLabel(type: string, state: string, label?: string): string {
    return serverText(`state.${type}.${state}`, label || humanize(state));
}

// The state's label as the type's metadata has it.
export function stateOf(meta: { name: string; workflow: { states: Array<{ name: string; label?: string }> } }, state: string): string {
    return stateLabel(meta.name, state, meta.workflow.states.find((s) => s.name === state)?.label);
}

export function transitionLabel(type: string, tr: { name: string; label?: string }): string {
    return serverText(`transition.${type}.${tr.name}`, tr.label || humanize(tr.name));
}

// How a type names the records of `from` that link to it through `field` ("Assets depending on it").
export function backlinkLabel(type: string, b: { type: string; field: string; label: string }): string {
    return serverText(`backlink.${type}.${b.type}.${b.field}`, b.label);
}
