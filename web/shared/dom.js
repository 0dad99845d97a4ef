// Vigie: the DOM helpers shared by the admin, the console and the chatbox. Plain ES module,
// no build step. Nothing here goes through innerHTML.

/**
 * h("tag#id.class.other", {attrs, onclick…}, ...children): an element.
 * - `on…` attributes are listeners; `value` and `checked` are set as properties; `class`
 *   replaces the classes of the spec; `text` sets the text before the children;
 * - an attribute that is undefined, null or false is left out (true: present, empty);
 * - children are flattened; strings become text nodes; null, undefined and false are skipped;
 * - the attributes may be left out: h("p", "text") or h("ul", [items]).
 */
export function h(spec, attrs, ...children) {
  const [tagId, ...classes] = spec.split(".");
  const [tag, id] = tagId.split("#");
  const el = document.createElement(tag || "div");
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(" ");
  if (attrs && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = !!v;
    else if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

/** Appends `children` (flattened; null, undefined and false skipped; strings as text). */
export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** replaceChildren without the null/false holes of conditional children. */
export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return el;
}

export const $ = (id) => document.getElementById(id);

export const cssEscape = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, "\\$&"));

/** Tells screen readers `text` (through a polite live region). */
export function announce(live, text) {
  if (!live) return;
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 50);
}
