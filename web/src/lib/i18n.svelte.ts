// Language and locale formatting. Every string the user sees comes from the one message catalogue
// (messages.ts, English and Swedish, with its part for the server's record vocabulary,
// messages-records.sv.json); dates and numbers are formatted for the chosen locale.
import { messages, loadRecordVocabulary, type MessageKey, type Lang } from './messages';

const kStorageKey = 'isms.lang';

function initialLang(): Lang {
    try {
        const saved = localStorage.getItem(kStorageKey);
        if (saved === 'en' || saved === 'sv') return saved;
    } catch {
        // storage may be unavailable (private mode); fall through
    }
    return navigator.language?.toLowerCase().startsWith('sv') ? 'sv' : 'en';
}

export const i18n = $state<{ lang: Lang }>({ lang: initialLang() });

const kLocales: Record<Lang, string> = { en: 'en-GB', sv: 'sv-SE' };

export function locale(): string {
    return kLocales[i18n.lang];
}

// The record vocabulary of the language (record types, fields, states… as the server names them in English),
// loaded once as its own chunk: only Swedish needs one. Keys as in messages.ts (`type.<type>`, …).
const vocabulary = $state<{ sv: Record<string, string> | null }>({ sv: null });
let vocabularyLoading: Promise<void> | null = null;

export function loadVocabulary(lang: Lang = i18n.lang): Promise<void> {
    if (lang !== 'sv' || vocabulary.sv) return Promise.resolve();
    vocabularyLoading ??= loadRecordVocabulary().then(
        (v) => {
            vocabulary.sv = v;
        },
        () => {
            vocabularyLoading = null; // shown in English (the server's words) until a later attempt succeeds
        },
    );
    return vocabularyLoading;
}

// A text the server sends in English (`english`) in the current language: the catalogue's text for `key`
// when the language is not English and the catalogue has one, else the server's.
export function serverText(key: string, english: string): string {
    if (i18n.lang === 'en') return english;
    return vocabulary.sv?.[key] ?? english;
}

// Switches the language once its texts are loaded (the page never shows a half-translated state).
export async function setLang(lang: Lang): Promise<void> {
    await loadVocabulary(lang);
    i18n.lang = lang;
    document.documentElement.lang = lang;
    try {
        localStorage.setItem(kStorageKey, lang);
    } catch {
        // not persisted; the switch still applies to this page
    }
}

// The message `key` in the current language with {name} placeholders filled from `params`.
export function t(key: MessageKey, params?: Record<string, string | number>): string {
    const text: string = messages[i18n.lang][key] ?? messages.en[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => {
        const v = params[name];
        if (v === undefined) return m;
        return typeof v === 'number' ? formatNumber(v) : v;
    });
}

// Whether a message exists (for texts keyed by server values, e.g. attribute families).
export function has(key: string): key is MessageKey {
    return key in messages.en;
}

// A message keyed by a server value when the catalogue has one, else the fallback (usually the value).
export function tOr(key: string, fallback: string): string {
    return has(key) ? t(key) : fallback;
}

export function formatNumber(n: number, opts?: Intl.NumberFormatOptions): string {
    return new Intl.NumberFormat(locale(), opts).format(n);
}

export function formatPercent(fraction: number): string {
    return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

// Dates: ISO-8601 text from the API ("2026-03-01" or "2026-03-01T10:00:00Z").
export function formatDate(iso: string | null | undefined): string {
    if (!iso) return '';
    const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// Readable form of a server identifier: "control_type" → "Control type" (used when no message exists).
export function humanize(id: string): string {
    const s = id.replace(/_/g, ' ').trim();
    return s.charAt(0).toUpperCase() + s.slice(1);
}
