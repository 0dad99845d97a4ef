// Vigie: language choice and translated texts, shared by the admin, the console and the
// chatbox. Each page keeps its own texts; only French and English exist.

const LANGS = ["fr", "en"];

/** A label's colon as each language writes it: « Servies : 2 », "Served: 2". */
export const colon = (lang) => (lang === "fr" ? " : " : ": ");
const known = (l) => (LANGS.includes(l) ? l : null);

/**
 * The page's language:
 * - `query`: the URL's `?lang=` wins when it is fr or en (from `location.search`);
 * - `saved`: localStorage keys tried next, in order;
 * - `browser`: "language" (navigator.language: French or else English), "languages" (the
 *   first of navigator.languages that is fr or en, else null), or null (not asked);
 * - `fallback`: what is left when nothing answered.
 */
export function pickLang({ query = true, saved = [], browser = "language", fallback = null } = {}) {
  if (query) {
    const q = known((new URLSearchParams(location.search).get("lang") || "").toLowerCase().slice(0, 2));
    if (q) return q;
  }
  for (const key of saved) {
    let v = null;
    try { v = localStorage.getItem(key); } catch { /* blocked storage */ }
    if (known(v)) return v;
  }
  if (browser === "language") return (navigator.language || "fr").toLowerCase().startsWith("fr") ? "fr" : "en";
  if (browser === "languages") {
    for (const l of navigator.languages || [navigator.language || ""]) {
      const c = known(String(l).toLowerCase().slice(0, 2));
      if (c) return c;
    }
  }
  return fallback;
}

/**
 * t(key, ...args) over `table` ({fr: {...}, en: {...}}) in the language `getLang()` gives:
 * a missing text falls back to French, then to the key; a function is called with `args`.
 */
export function translator(table, getLang) {
  return (key, ...args) => {
    const lang = getLang();
    const v = (table[lang] && table[lang][key]) ?? table.fr[key] ?? key;
    return typeof v === "function" ? v(...args) : v;
  };
}

/**
 * French "de" before a name, elided before a vowel or a mute h: "d'Admin", "d'Hélène",
 * "de Claire". Other languages: the name alone (the caller's sentence says the rest).
 */
export function deName(name) {
  const n = String(name ?? "");
  return /^[aeiouyhàâäæéèêëîïôöœùûüÿ]/i.test(n) ? `d'${n}` : `de ${n}`;
}
