// A conversation's log: the stored messages in seq order (each seq once), then the
// operator's own messages not stored yet (pending, sent, failed). One <ol> per tab, kept
// between tab switches; its items are keyed (seq, client_id) and only new ones are drawn.
// Nothing from the server goes through innerHTML except the bot answers' `html`, which the
// server sanitizes.
import { h } from "../../shared/dom.js";
import { t, app } from "../app.js";
import { errorSentence } from "../../shared/errors.js";
import { clock, fullDate, operatorName } from "../format.js";

const logs = new Map(); // tab id → {ol, nodes: Map key → {node, ver}, messages, echoes}

/** Forgets the logs of tabs that are gone. */
export function pruneLogs(tabs) {
  for (const id of logs.keys()) if (!tabs[id]) logs.delete(id);
}

/**
 * Brings the <ol> of `tab` up to date; returns it and what was added ({operator: true} when
 * one of the added items is the operator's, so the pane scrolls down).
 */
export function syncLog(s, tab) {
  let L = logs.get(tab.id);
  if (!L) {
    L = { ol: h("ol.log"), nodes: new Map(), messages: null, echoes: null };
    logs.set(tab.id, L);
  }
  L.ol.setAttribute("aria-label", t("conversations"));
  const added = { any: false, operator: false };
  if (L.messages === tab.messages && L.echoes === tab.echoes) return { ol: L.ol, added };
  L.messages = tab.messages;
  L.echoes = tab.echoes;
  const want = [];
  for (const m of tab.messages) {
    const key = `s${m.seq}`;
    let n = L.nodes.get(key);
    if (!n) {
      n = { node: renderMessage(s, m), ver: "" };
      L.nodes.set(key, n);
      added.any = true;
      if (m.author === "operator") added.operator = true;
    }
    want.push([key, n.node]);
  }
  for (const e of tab.echoes) {
    const key = `c${e.client_id}`;
    const ver = `${e.state}|${e.seq}|${e.error}`;
    let n = L.nodes.get(key);
    if (!n || n.ver !== ver) {
      if (!n) { added.any = true; added.operator = true; }
      n = { node: renderEcho(s, e), ver };
      L.nodes.set(key, n);
    }
    want.push([key, n.node]);
  }
  const ol = L.ol;
  want.forEach(([, node], i) => {
    if (ol.children[i] !== node) ol.insertBefore(node, ol.children[i] || null);
  });
  while (ol.children.length > want.length) ol.lastElementChild.remove();
  const keys = new Set(want.map(([k]) => k));
  for (const k of L.nodes.keys()) if (!keys.has(k)) L.nodes.delete(k);
  return { ol, added };
}

// Help offers are told to the visitor in the server's words ("Claire vous propose son aide");
// the operator reads them from their side.
function operatorEventText(s, m) {
  const name = operatorName(m.operator);
  const mine = !!(name && s.me && s.me.operator && s.me.operator.name === name);
  if (m.event === "help_offered") return mine ? t("evOfferedMine") : t("evOffered", name || t("operatorWho"));
  if (m.event === "help_accepted") return t("evAccepted", name || t("operatorWho"));
  if (m.event === "help_declined") return t("evDeclined");
  // The visitor reads "Admin vous a transféré à Claire"; each operator, their own sentence.
  if (m.event === "transferred") return mine ? t("evTransferredToMe") : name ? t("evTransferred", name) : null;
  // A supervisor took it over (issue 14): said from the console's side.
  if (m.event === "taken_over") return mine ? t("evTakenOverMine") : t("evTakenOver", name || t("operatorWho"), operatorName(m.from));
  return null;
}

function renderMessage(s, m) {
  const attrs = {
    "data-seq": m.seq, "data-author": m.author, "data-kind": m.kind,
    "data-client-id": m.client_id || null,
    title: m.created_at ? fullDate(m.created_at) : null,
  };
  if (m.kind === "event" || m.author === "system") {
    return h("li.msg.system", { ...attrs, "data-event": m.event || null, class: `msg system${m.event ? ` ev-${m.event}` : ""}` },
      h("span.bubble", operatorEventText(s, m) || m.text || m.event || ""));
  }
  // A private note: staff only (the server never sends it to the visitor), in yellow.
  if (m.kind === "note") {
    return h("li.msg.note", attrs,
      h("div.who", h("span.note-tag", t("noteLabel")), ` ${operatorName(m.operator) || t("operatorWho")}`, m.created_at ? h("span.time", ` · ${clock(m.created_at)}`) : null),
      h("div.bubble", m.text || ""));
  }
  // A supervisor's whisper to the operator: staff only, marked as such.
  if (m.kind === "whisper") {
    return h("li.msg.whisper", attrs,
      h("div.who", h("span.whisper-tag", t("whisperLabel")), ` ${operatorName(m.operator) || t("operatorWho")}`, m.created_at ? h("span.time", ` · ${clock(m.created_at)}`) : null),
      h("div.bubble", m.text || ""));
  }
  // A knowledge an operator sent (guide, livechat) is that operator's act, not the bot's.
  // A knowledge an operator sent (author "operator" since issue 11, item 10; "bot" in older
  // conversations): "Claire · connaissance envoyée".
  const sentBy = m.kind === "knowledge" && (m.author === "bot" || m.author === "operator") ? operatorName(m.operator) : null;
  const who = m.author === "visitor" ? t("visitor") : sentBy ? t("sentBy", sentBy) : m.author === "bot" ? t("bot") : operatorName(m.operator) || t("operatorWho");
  if (sentBy) attrs["data-sent-by"] = sentBy;
  const li = h(`li.msg.${m.author === "visitor" ? "visitor" : m.author === "operator" ? "operator" : "bot"}`, attrs,
    h("div.who", who, m.created_at ? h("span.time", ` · ${clock(m.created_at)}`) : null));
  if (m.kind === "knowledge" && typeof m.html === "string") {
    const bubble = h("div.bubble.html");
    if (m.knowledge && m.knowledge.title) bubble.append(h("div.kn-title", m.knowledge.title));
    const body = h("div");
    // The only HTML inserted: bot answers, sanitized by the server.
    body.innerHTML = m.html;
    for (const a of body.querySelectorAll("a[href]")) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    bubble.append(body);
    li.append(bubble);
  } else {
    li.append(h("div.bubble", m.text || ""));
  }
  const extra = [...(m.suggestions || []), ...(m.related || [])]
    .map((x) => (typeof x === "string" ? x : x && (x.title || x.id))).filter(Boolean);
  if (extra.length) li.append(h("div.chips", extra.map((x) => h("span.chip", x))));
  return li;
}

// The operator's own message before it is stored: pending, then sent (acknowledged), or failed.
function renderEcho(s, e) {
  const base = e.whisper ? "msg whisper" : e.note ? "msg note" : "msg operator";
  const cls = e.state === "pending" ? `${base} pending` : e.state === "failed" ? `${base} failed` : base;
  const tag = e.whisper ? h("span.whisper-tag", t("whisperLabel")) : e.note ? h("span.note-tag", t("noteLabel")) : null;
  return h("li", { class: cls, "data-pending": e.client_id, "data-state": e.state, "data-author": "operator", "data-kind": e.whisper ? "whisper" : e.note ? "note" : null, "data-ack-seq": e.state === "sent" ? e.seq : null },
    h("div.who", tag, tag ? " " : null, s.me ? s.me.operator.name : t("operatorWho")),
    h("div.bubble", e.label),
    e.state === "pending" ? h("div.meta", t("pending")) : e.state === "failed" ? h("div.meta", `${t("failed")} — ${e.code ? errorSentence(app.state.lang, { code: e.code, message: e.error }) : e.error || ""}`) : null);
}
