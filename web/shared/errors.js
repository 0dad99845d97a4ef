// Vigie: the server's errors in the page's language. Every API error carries a stable
// `error` code and its `params`; a field error (`fields[]`) carries `field` (the input's id),
// `code` and `params`. Sentences are looked up here by code, with `{name}` filled from the
// params and `{label}` from the field's label in the page; the server's English `message`
// is only the last resort, for a code no page knows yet.

const TABLE = { fr: {}, en: {} };

/**
 * Adds sentences: `registerErrors({fr: {code: "… {param} …"}, en: {…}})`. A sentence may be
 * a function `(params, label) => string`. A module registers the codes it can meet.
 */
export function registerErrors(table) {
  for (const lang of Object.keys(TABLE)) Object.assign(TABLE[lang], table[lang] || {});
}

function fill(template, params, label) {
  if (typeof template === "function") return template(params || {}, label);
  return template.replace(/\{(\w+)\}/g, (m, k) => {
    if (k === "label") return label ?? "";
    const v = params && params[k];
    return v === undefined || v === null ? m : String(v);
  });
}

/**
 * The sentence for one problem `{code, params, message}` in `lang` ("fr" | "en"), `label`
 * naming its field when there is one. Unknown code: the server's message.
 */
export function errorSentence(lang, problem, label) {
  const p = problem || {};
  const template = (TABLE[lang] && TABLE[lang][p.code]) ?? null;
  if (template == null) return p.message || p.code || "";
  return fill(template, p.params, label);
}

/** Whether a sentence exists for `code` in `lang` (used by the tests of the tables). */
export function knowsError(lang, code) {
  return Boolean(TABLE[lang] && TABLE[lang][code] != null);
}

/**
 * The top-level sentence of an HttpError (`err.body = {error, params, message}`), or of a
 * network failure.
 */
export function httpErrorSentence(lang, err) {
  const b = (err && err.body) || {};
  if (!b.error) return (err && err.message) || String(err);
  return errorSentence(lang, { code: b.error, params: b.params, message: b.message });
}
