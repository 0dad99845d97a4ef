// The console's inline icons (SVG, hidden from assistive technologies).

const NS = "http://www.w3.org/2000/svg";
export const ICON_CHAT = "M4 5h16v11H9l-5 4z";
export const ICON_BELL = "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0";
export const ICON_MUTED = "M4 4l16 16";
// A gauge: the supervision page.
export const ICON_GAUGE = "M4 17a8 8 0 0 1 16 0M12 17l4-6M8 13h.01M12 9h.01M16 13h.01";
export const ICON_LIST = "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01";
const EYE_RED = "#d32f2f";

function svg(cls, size) {
  const el = document.createElementNS(NS, "svg");
  el.setAttribute("viewBox", "0 0 24 24");
  el.setAttribute("width", String(size));
  el.setAttribute("height", String(size));
  el.setAttribute("aria-hidden", "true");
  el.setAttribute("class", cls);
  return el;
}
function shape(parent, tag, attrs) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  parent.append(n);
}

/** A small stroke icon (paths in a 24×24 box). */
export function icon(...paths) {
  const el = svg("icon", 20);
  for (const d of paths) {
    shape(el, "path", { d, fill: "none", stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round" });
  }
  return el;
}

/** The red eye of monitored conversations (menu button, tabs, list), filled. */
export function eyeIcon(cls = "icon eye", size = 20) {
  const el = svg(cls, size);
  shape(el, "path", { d: "M12 4.5C6.6 4.5 2.6 8.3 1 12c1.6 3.7 5.6 7.5 11 7.5s9.4-3.8 11-7.5c-1.6-3.7-5.6-7.5-11-7.5z", fill: EYE_RED });
  shape(el, "circle", { cx: "12", cy: "12", r: "4.2", fill: "#fff" });
  shape(el, "circle", { cx: "12", cy: "12", r: "2.2", fill: EYE_RED });
  return el;
}
