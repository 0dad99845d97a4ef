// Vigie admin: small SVG charts for the statistics page (no build, no library). Every text
// goes in through textContent (never markup); each bar carries a <title> (its tooltip and
// its text for screen readers); the figure is described by its caption and the table
// beside it.
import { colon } from "../shared/i18n.js";

const NS = "http://www.w3.org/2000/svg";

/** s("rect", {x, y…}, ...children): an SVG element; strings become text. */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A round axis maximum and its ticks for values up to `max`. */
function niceScale(max, ticks = 4) {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || 10 * mag;
  const rounded = step < 1 ? 1 : Math.ceil(step);
  return { top: Math.ceil(max / rounded) * rounded, step: rounded };
}

const fmt = (n, lang) => Number(n).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB");

/**
 * Stacked columns over time: `labels` (x), `series` [{name, color, values}], `tick(label)`
 * the short label under a column (every few columns when they are many).
 */
export function stackedColumns({ labels, series, lang, tick = (l) => l, title }) {
  const W = 720, H = 240, L = 44, R = 10, T = 12, B = 40;
  const totals = labels.map((_, i) => series.reduce((a, se) => a + (se.values[i] || 0), 0));
  const { top, step } = niceScale(Math.max(0, ...totals));
  const pw = W - L - R, ph = H - T - B;
  const bw = pw / Math.max(1, labels.length);
  const y = (v) => T + ph - (v / top) * ph;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H + 26}`, class: "chart", role: "img", "aria-label": title });
  for (let v = 0; v <= top; v += step) {
    svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: v ? "grid" : "axis" }),
      s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" }, fmt(v, lang)));
  }
  const every = Math.ceil(labels.length / 12);
  labels.forEach((label, i) => {
    let base = 0;
    const x = L + i * bw + Math.max(1, bw * 0.12);
    const w = Math.max(1, bw * 0.76);
    for (const se of series) {
      const v = se.values[i] || 0;
      if (v > 0) {
        svg.append(s("rect", { x, y: y(base + v), width: w, height: Math.max(0.5, (v / top) * ph), fill: se.color, rx: 1.5 },
          s("title", {}, `${label} · ${se.name}${colon(lang)}${fmt(v, lang)}`)));
      }
      base += v;
    }
    if (i % every === 0) {
      svg.append(s("text", { x: L + i * bw + bw / 2, y: H - B + 16, "text-anchor": "middle", class: "tick" }, tick(label)));
    }
  });
  // The legend, under the axis.
  let lx = L;
  for (const se of series) {
    const total = se.values.reduce((a, v) => a + (v || 0), 0);
    const text = `${se.name} (${fmt(total, lang)})`;
    svg.append(s("rect", { x: lx, y: H + 6, width: 12, height: 12, fill: se.color, rx: 2 }),
      s("text", { x: lx + 17, y: H + 16, class: "legend" }, text));
    lx += 30 + text.length * 7;
  }
  return svg;
}

/** Horizontal bars: `rows` [{label, value, color?, note?}]. */
export function horizontalBars({ rows, lang, color = "#1f5fbf", title, unit = "" }) {
  const W = 720, rowH = 28, L = 230, R = 90, T = 6;
  const H = T * 2 + rowH * Math.max(1, rows.length);
  const max = Math.max(0, ...rows.map((r) => r.value || 0)) || 1;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
  rows.forEach((r, i) => {
    const yy = T + i * rowH;
    const w = ((r.value || 0) / max) * (W - L - R);
    const label = r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label;
    svg.append(s("text", { x: L - 8, y: yy + rowH / 2 + 4, "text-anchor": "end", class: "label" }, label, s("title", {}, r.label)),
      s("rect", { x: L, y: yy + 4, width: Math.max(w, r.value ? 2 : 0), height: rowH - 8, fill: r.color || color, rx: 3 },
        s("title", {}, `${r.label}${colon(lang)}${fmt(r.value || 0, lang)}${unit}`)),
      s("text", { x: L + w + 6, y: yy + rowH / 2 + 4, class: "value" }, `${fmt(r.value || 0, lang)}${unit}${r.note ? ` ${r.note}` : ""}`));
  });
  return svg;
}

/** A funnel: `steps` [{label, value}], each bar's share of the first step. */
export function funnel({ steps, lang, title, color = "#7b4bb7" }) {
  const W = 720, rowH = 38, T = 6, L = 200, R = 10;
  const H = T * 2 + rowH * steps.length;
  const first = steps.length ? steps[0].value : 0;
  const pw = W - L - R;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
  steps.forEach((st, i) => {
    const share = first > 0 ? st.value / first : 0;
    const w = Math.max(share * pw, st.value ? 2 : 0);
    const yy = T + i * rowH;
    const pct = first > 0 ? ` · ${Math.round(share * 100)} %` : "";
    svg.append(s("text", { x: L - 8, y: yy + rowH / 2 + 4, "text-anchor": "end", class: "label" }, st.label),
      s("rect", { x: L + (pw - w) / 2, y: yy + 4, width: w, height: rowH - 8, fill: color, "fill-opacity": 1 - i * 0.11, rx: 3 },
        s("title", {}, `${st.label}${colon(lang)}${fmt(st.value, lang)}${pct}`)),
      s("text", { x: L + pw / 2, y: yy + rowH / 2 + 5, "text-anchor": "middle", class: share > 0.25 ? "inside" : "value" },
        `${fmt(st.value, lang)}${pct}`));
  });
  return svg;
}
