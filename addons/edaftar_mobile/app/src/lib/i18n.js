/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The app's own string catalogue: src/i18n/en.json (built into the
   script, the fallback) and src/i18n/ur.json (served as i18n/ur.json and
   fetched when the user's language is Urdu), plus the strings that
   screens register (registerScreen({strings})).  The language follows the
   user's Tryton preference (context.language). */
import en from '../i18n/en.json';

export const LANGUAGES = {
    en: {dir: 'ltr', locale: 'en-PK', name: 'English'},
    ur: {dir: 'rtl', locale: 'ur-PK', name: 'اردو'},
};

const catalogues = {en: {...en}, ur: {}};
const extra = {en: {}, ur: {}};
let current = 'en';
let loadedUr = false;

export function languageOf(code) {
    return code && String(code).toLowerCase().startsWith('ur') ? 'ur' : 'en';
}

export function addStrings(strings) {
    for (const [lang, entries] of Object.entries(strings || {})) {
        if (extra[lang]) {
            Object.assign(extra[lang], entries);
        }
    }
}

export async function setLanguage(code) {
    const lang = languageOf(code);
    if (lang === 'ur' && !loadedUr) {
        try {
            const response = await fetch('i18n/ur.json',
                {credentials: 'same-origin'});
            if (response.ok) {
                catalogues.ur = await response.json();
                loadedUr = true;
            }
        } catch (error) {
            // Offline before the catalogue was cached: English until then.
        }
    }
    current = lang;
    const root = document.documentElement;
    root.lang = lang;
    root.dir = LANGUAGES[lang].dir;
    return lang;
}

export function language() {
    return current;
}

export function t(key, vars) {
    let text = catalogues[current][key] ?? extra[current][key]
        ?? catalogues.en[key] ?? extra.en[key] ?? key;
    if (vars) {
        text = text.replace(/\{(\w+)\}/g, (match, name) =>
            (name in vars ? String(vars[name]) : match));
    }
    return text;
}

export function locale() {
    return LANGUAGES[current].locale;
}

export function formatDate(iso) {
    // 'YYYY-MM-DD' -> a short date of the user's language
    if (!iso) {
        return '';
    }
    const [year, month, day] = iso.split('-').map(Number);
    const date = new Date(Date.UTC(year, month - 1, day));
    try {
        return date.toLocaleDateString(locale(), {
            timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric'});
    } catch (error) {
        return iso;
    }
}

export function formatDateTime(date) {
    if (!date) {
        return '';
    }
    try {
        return date.toLocaleString(locale(), {
            day: 'numeric', month: 'short', hour: '2-digit',
            minute: '2-digit'});
    } catch (error) {
        return date.toISOString();
    }
}

export function formatNumber(n) {
    try {
        return Number(n).toLocaleString(locale());
    } catch (error) {
        return String(n);
    }
}
