// Vigie: showing an API error in the page's language (the sentences are web/shared/errors.js's),
// each field named by its label, for the people, token, audit and account pages (issue 12).
import { fieldSentence, httpErrorSentence } from "./errors.js";
import { h } from "./dom.js";

/**
 * Shows an API error in `lang`: the field errors beside their inputs (`inputs[field]`, each
 * followed by a `div.field-error` with id `{input.id}-err`, labelled by `labels[field]`), and
 * the sentence in a `div.msg.error` returned for the page's message area.
 */
export function problemBox(lang, err, inputs = {}, labels = {}) {
  clearProblems(inputs);
  const fields = (err && err.body && err.body.fields) || [];
  if (!fields.length) return h("div.msg.error", { role: "alert" }, httpErrorSentence(lang, err));
  const lines = [];
  let first = null;
  for (const f of fields) {
    const sentence = fieldSentence(lang, f, labels[f.field] || f.field);
    lines.push(sentence);
    const el = inputs[f.field];
    if (el) {
      el.setAttribute("aria-invalid", "true");
      const out = document.getElementById(`${el.id}-err`);
      if (out) out.textContent = sentence;
      first = first || el;
    }
  }
  if (first) first.focus();
  return h("div.msg.error", { role: "alert" }, lines.length === 1 ? lines[0] : h("ul", lines.map((l) => h("li", l))));
}

/** Clears the error lines and marks of `inputs` (before a new try). */
export function clearProblems(inputs = {}) {
  for (const el of Object.values(inputs)) {
    el.removeAttribute("aria-invalid");
    const out = document.getElementById(`${el.id}-err`);
    if (out) out.textContent = "";
  }
}

/** A labelled input with its error line (`{id}-err`). */
export function field(id, label, input, hint) {
  input.id = id;
  input.setAttribute("aria-describedby", `${id}-err${hint ? ` ${id}-hint` : ""}`);
  return h("div.field",
    h("label", { for: id }, label, hint ? [" ", h("span.hint", { id: `${id}-hint` }, hint)] : null),
    input, h("div.field-error", { id: `${id}-err` }));
}
