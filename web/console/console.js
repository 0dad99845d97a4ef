// Vigie operator console ("pupitre opérateur"): the operator side of the realtime protocol
// (docs/protocol.md, "Operator side — /ws/operator"). Plain ES module, no build step.
//
// Robustness, as in the chatbox:
// - the open tabs and the last seq shown in each live in sessionStorage, and are given to
//   the server in `hello`, which replays what was missed; messages are keyed by
//   conversation + seq and never shown twice;
// - every send/knowledge/transfer/end gets a client_id and stays in the outbox
//   (sessionStorage) until its ack; after a reconnection (exponential backoff with
//   jitter) the outbox is sent again with the same client_ids.
// The connection itself (backoff, liveness, outbox flush) is shared with the chatbox:
// web/shared/socket.js.
// Nothing from the server goes through innerHTML except the bot answers' `html`, which
// the server sanitizes.
import { T } from "./i18n.js";
import { createSocket } from "../shared/socket.js";

const API = "/api/v1";
const TYPING_RESEND_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
const MAX_CHARS = 1000;
const TABS_KEY = "vigie.console.tabs";
const OUTBOX_KEY = "vigie.console.outbox";
const CURRENT_KEY = "vigie.console.current";
const MUTE_KEY = "vigie.console.muted";
const SEEN_KEY = "vigie.console.monitored.seen"; // + operator id: strong conversations already opened once
const SIDE_KEY = "vigie.console.side";
const MAX_SEEN = 1000;

// ---------------------------------------------------------------------------------------
// Language

const params = new URLSearchParams(location.search);
function pickLang() {
  const q = (params.get("lang") || "").toLowerCase().slice(0, 2);
  if (q === "fr" || q === "en") return q;
  const saved = localStorage.getItem("vigie.console.lang") || localStorage.getItem("vigie.admin.lang");
  if (saved === "fr" || saved === "en") return saved;
  return (navigator.language || "fr").toLowerCase().startsWith("fr") ? "fr" : "en";
}
let lang = pickLang();
const t = (key, ...args) => {
  const v = (T[lang] && T[lang][key]) ?? T.fr[key] ?? key;
  return typeof v === "function" ? v(...args) : v;
};

// ---------------------------------------------------------------------------------------
// DOM helper: h("tag#id.class", {attrs, onclick}, ...children); strings become text nodes.

function h(spec, attrs, ...children) {
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
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const $ = (id) => document.getElementById(id);
// replaceChildren without the null/false holes of conditional children.
function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}
// A small inline icon (stroke paths in a 24×24 box), hidden from assistive technologies.
function icon(...paths) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  for (const d of paths) {
    const p = document.createElementNS(NS, "path");
    p.setAttribute("d", d);
    p.setAttribute("fill", "none");
    p.setAttribute("stroke", "currentColor");
    p.setAttribute("stroke-width", "2");
    p.setAttribute("stroke-linecap", "round");
    p.setAttribute("stroke-linejoin", "round");
    svg.append(p);
  }
  return svg;
}
const ICON_CHAT = "M4 5h16v11H9l-5 4z";
const ICON_BELL = "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0";
const ICON_MUTED = "M4 4l16 16";
const ICON_LIST = "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01";
const EYE_RED = "#d32f2f";
// The red eye of monitored conversations (menu button, tabs, list), filled.
function eyeIcon(cls = "icon eye", size = 20) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", cls);
  const shape = (tag, attrs) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    svg.append(n);
  };
  shape("path", { d: "M12 4.5C6.6 4.5 2.6 8.3 1 12c1.6 3.7 5.6 7.5 11 7.5s9.4-3.8 11-7.5c-1.6-3.7-5.6-7.5-11-7.5z", fill: EYE_RED });
  shape("circle", { cx: "12", cy: "12", r: "4.2", fill: "#fff" });
  shape("circle", { cx: "12", cy: "12", r: "2.2", fill: EYE_RED });
  return svg;
}
const cssEscape = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, "\\$&"));

// ---------------------------------------------------------------------------------------
// HTTP API (same session as the admin pages)

let me = null; // {operator, csrf_token}

class HttpError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}
async function api(method, path, body) {
  const headers = { accept: "application/json" };
  if (method !== "GET" && me && me.csrf_token) headers["X-CSRF-Token"] = me.csrf_token;
  let payload;
  if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  const r = await fetch(API + path, { method, headers, body: payload, credentials: "same-origin" });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (r.status === 401 && path !== "/auth/login") {
    signedOut();
    throw new HttpError(401, data);
  }
  if (!r.ok) throw new HttpError(r.status, data);
  return data;
}

// ---------------------------------------------------------------------------------------
// State

const tabs = new Map(); // public_id → Tab
let current = sessionStorage.getItem(CURRENT_KEY) || null;
let queue = [];
let presence = [];
let availability = null;
let outbox = loadJson(OUTBOX_KEY, []);
let muted = localStorage.getItem(MUTE_KEY) === "1";
let botSlug = null;
// Monitored conversations: the items of the last `monitored` frame, by conversation id.
const monitored = new Map();
let monitoredList = [];
let monitoredKnown = false; // a `monitored` frame arrived on this page
let tabsSig = ""; // what the tab strip last showed of the monitored items
let seen = null; // Set of conversation ids whose strong monitoring already opened a tab here
// The left column: "livechat" (queue, colleagues), "monitored" (the list) or "create" (the form).
let sideView = sessionStorage.getItem(SIDE_KEY) || "livechat";
if (!["livechat", "monitored", "create"].includes(sideView)) sideView = "livechat";
let lastSideView = "livechat"; // where Cancel goes back to

function loadJson(key, fallback) {
  try {
    const v = JSON.parse(sessionStorage.getItem(key));
    return v ?? fallback;
  } catch { return fallback; }
}
function persistTabs() {
  const o = {};
  for (const [id, tab] of tabs) o[id] = tab.lastSeq;
  try {
    sessionStorage.setItem(TABS_KEY, JSON.stringify(o));
    if (current) sessionStorage.setItem(CURRENT_KEY, current);
    else sessionStorage.removeItem(CURRENT_KEY);
  } catch { /* kept in memory */ }
}
function persistOutbox() {
  try { sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox)); } catch { /* kept in memory */ }
}

class Tab {
  constructor(id, lastSeq = 0) {
    this.id = id;
    this.lastSeq = 0; // highest seq shown
    this.helloSeq = lastSeq; // seen before a reload: replayed again, but not news
    this.seqs = new Set();
    this.held = false;
    this.bot = null; // from the server's `conversation` frame
    this.lang = null;
    this.flashing = false;
    this.unread = 0;
    this.lastVisitorAt = 0;
    this.visitorTyping = false;
    this.typingTimer = 0;
    this.draft = "";
    this.lastOffer = 0; // seq of the latest help_offered
    this.lastAnswer = 0; // seq of the latest help_accepted / help_declined / operator_joined
    this.lastAnswerEvent = null;
    this.log = h("ol.log", { "aria-label": t("conversations") });
  }
}

const mcItem = (id) => monitored.get(id) || null;

function seenKey() { return `${SEEN_KEY}.${(me && me.operator && me.operator.id) || 0}`; }
function loadSeen() {
  try {
    const v = JSON.parse(localStorage.getItem(seenKey()));
    return new Set(Array.isArray(v) ? v : []);
  } catch { return new Set(); }
}
function markSeen(id) {
  if (!seen) seen = loadSeen();
  if (seen.has(id)) return;
  seen.add(id);
  try { localStorage.setItem(seenKey(), JSON.stringify([...seen].slice(-MAX_SEEN))); } catch { /* kept in memory */ }
}

/** A tab following conversation `id` (any conversation, e.g. a monitored one): `open` it on the server. */
function followTab(id, { flash = false, select = false } = {}) {
  const known = tabs.has(id);
  const tab = openTab(id, { flash });
  if (!known) conn.raw({ type: "open", conversation: id, last_seq: 0 }); // offline: the next `hello` lists it
  if (select) selectTab(id);
  return tab;
}

function openTab(id, { lastSeq = 0, flash = false } = {}) {
  let tab = tabs.get(id);
  if (!tab) {
    tab = new Tab(id, lastSeq);
    tabs.set(id, tab);
    for (const item of outbox) if (item.conversation === id && item.kind === "send") renderPending(tab, item);
    if (flash) tab.flashing = true;
    persistTabs();
  }
  return tab;
}

// ---------------------------------------------------------------------------------------
// Connection

let everReady = false;
let stopped = true; // signed out: no reconnection

const conn = createSocket({
  path: "/ws/operator",
  allowed: () => !stopped,
  hello: () => {
    const conversations = {};
    for (const [id, tab] of tabs) conversations[id] = tab.lastSeq; // 0 after a reload: the whole history again
    return { type: "hello", v: 1, conversations };
  },
  onFrame,
  onLost: () => {
    updateBanner();
    renderTop();
    renderPaneActions();
  },
  // Refused before `welcome`: maybe the session is gone (401 on the upgrade).
  onRefused: () => { api("GET", "/auth/me").catch(() => {}); },
});
// The browser knows the network is gone: do not wait 60 s for the connection to look dead.
window.addEventListener("offline", () => { if (conn.connected) conn.lost(); });

function flushOutbox() {
  conn.flush(() => outbox.filter((i) => !i.failed));
}

// ---------------------------------------------------------------------------------------
// Frames

function onFrame(f) {
  switch (f.type) {
    case "welcome":
      if (f.operator && me) me.operator = { ...me.operator, ...f.operator };
      setAvailability(f.availability);
      break;
    case "message":
      onMessage(f);
      break;
    case "queue":
      queue = Array.isArray(f.items) ? f.items : [];
      renderQueue();
      renderTop();
      break;
    case "presence":
      presence = Array.isArray(f.operators) ? f.operators : [];
      renderColleagues();
      renderTransfer();
      break;
    case "assigned":
      onAssigned(Array.isArray(f.conversations) ? f.conversations : []);
      break;
    case "monitored":
      onMonitored(Array.isArray(f.items) ? f.items : []);
      break;
    case "conversation":
      // Its bot and language: the knowledge search of this tab uses them.
      if (f.conversation) {
        const tab = tabs.get(f.conversation) || openTab(f.conversation);
        tab.bot = typeof f.bot === "string" ? f.bot : null;
        tab.lang = typeof f.lang === "string" ? f.lang : null;
      }
      break;
    case "availability":
      setAvailability(f.status);
      break;
    case "typing":
      if (f.author === "visitor" && f.conversation) setVisitorTyping(f.conversation, !!f.on);
      break;
    case "ack":
      onAck(f);
      break;
    case "error":
      onError(f);
      break;
    case "replay_done":
      conn.ready = true;
      everReady = true;
      updateBanner();
      renderTop();
      renderPaneActions();
      flushOutbox();
      break;
    default:
      break;
  }
}

function onMessage(m) {
  if (!m.conversation || typeof m.seq !== "number") return;
  const tab = tabs.get(m.conversation) || openTab(m.conversation);
  if (m.client_id) removePending(tab, (li) => li.dataset.pending === m.client_id);
  removePending(tab, (li) => li.dataset.ackSeq === String(m.seq));
  if (tab.seqs.has(m.seq)) return;
  tab.seqs.add(m.seq);
  const fresh = m.seq > tab.helloSeq && everReady;
  if (m.seq > tab.lastSeq) tab.lastSeq = m.seq;
  const scroller = tab === tabs.get(current) ? $("scroll") : null;
  const stick = scroller ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120 : true;
  insertBySeq(tab.log, renderMessage(m), m.seq);
  if (m.kind === "event") onHelpEvent(tab, m, fresh);
  if (m.author === "visitor") {
    tab.lastVisitorAt = Math.max(tab.lastVisitorAt, m.created_at || Date.now());
    setVisitorTyping(tab.id, false);
    const looking = tab.id === current && document.hasFocus() && !document.hidden;
    if (!looking && m.seq > tab.helloSeq) tab.unread += 1;
    if (fresh && conn.ready) notify(tab, m);
  }
  if (scroller && (stick || m.author === "operator")) scroller.scrollTop = scroller.scrollHeight;
  persistTabsSoon();
  renderTabsSoon();
}

let persistTimer = 0;
function persistTabsSoon() {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(persistTabs, 100);
}

function onAssigned(ids) {
  const held = new Set(ids);
  // Every livechat change (a visitor queued, a colleague's availability) sends this list
  // again: the pane is rebuilt only when the shown conversation changes or is taken/lost,
  // so an open transfer or end box, the composer's focus and selection stay as they are.
  const shown = current;
  const wasHeld = tabs.get(current)?.held;
  let fresh = null;
  for (const id of ids) {
    const known = tabs.has(id);
    const tab = openTab(id, { flash: !known });
    if (!known) {
      fresh = tab;
      announce(`${t("conversations")} : ${t("newConversation")} ${shortId(id)}`);
    }
    tab.held = true;
  }
  for (const tab of tabs.values()) if (!held.has(tab.id)) tab.held = false;
  if (fresh && everReady) beep();
  if (taking && held.has(taking)) {
    current = taking;
    tabs.get(taking).flashing = false;
    taking = null;
  }
  if (!current || !tabs.has(current)) current = fresh ? fresh.id : (tabs.keys().next().value || null);
  persistTabs();
  renderTabs();
  if (current !== shown || tabs.get(current)?.held !== wasHeld) renderPane();
  else renderPaneActions();
  renderColleagues();
}

function onAck(f) {
  if (!f.client_id) return;
  const item = outbox.find((i) => i.client_id === f.client_id);
  outbox = outbox.filter((i) => i.client_id !== f.client_id);
  persistOutbox();
  if (item && item.kind === "offer_help") renderMcBar();
  const tab = tabs.get(f.conversation || (item && item.conversation));
  if (!tab) return;
  const li = tab.log.querySelector(`[data-pending="${cssEscape(f.client_id)}"]`);
  if (!li) return;
  if (typeof f.seq === "number" && tab.seqs.has(f.seq)) { li.remove(); return; }
  li.dataset.state = "sent";
  li.dataset.ackSeq = String(f.seq);
  li.classList.remove("pending");
  li.querySelector(".meta")?.remove();
}

function onError(f) {
  if (f.client_id) {
    const item = outbox.find((i) => i.client_id === f.client_id);
    if (f.code === "rate_limited" || f.code === "internal") {
      setTimeout(() => { if (conn.ready && item && outbox.includes(item)) conn.raw(item.frame); }, 2_000);
      return;
    }
    outbox = outbox.filter((i) => i.client_id !== f.client_id);
    persistOutbox();
    if (item && item.kind === "offer_help") renderMcBar();
    if (item) {
      const tab = tabs.get(item.conversation);
      const li = tab && tab.log.querySelector(`[data-pending="${cssEscape(f.client_id)}"]`);
      if (li) {
        li.dataset.state = "failed";
        li.classList.remove("pending");
        li.classList.add("failed");
        const meta = li.querySelector(".meta");
        if (meta) meta.textContent = `${t("failed")} — ${f.message || ""}`;
      }
    }
  }
  if (f.code === "hello_first") { conn.lost(0); return; }
  showNotice((T[lang].errors || {})[f.code] || f.message || t("error"));
}

// ---------------------------------------------------------------------------------------
// Actions

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function submit(kind, conversation, frame, label) {
  const client_id = uuid();
  const item = { client_id, kind, conversation, label, frame: { ...frame, type: kind, conversation, client_id } };
  outbox.push(item);
  persistOutbox();
  if (kind === "send") {
    const tab = tabs.get(conversation);
    if (tab) {
      renderPending(tab, item);
      const scroller = $("scroll");
      if (scroller && tab.id === current) scroller.scrollTop = scroller.scrollHeight;
    }
  }
  if (conn.ready) conn.raw(item.frame);
  return item;
}

function setAvailability(status) {
  if (!status) return;
  availability = status;
  renderTop();
}

function requestAvailability(status) {
  if (!conn.raw({ type: "availability", status })) renderTop();
}

// The conversation just taken from the queue: shown as soon as the server gives it.
let taking = null;
function take(id) {
  if (!conn.ready) return;
  taking = id;
  conn.raw({ type: "take", conversation: id });
}

function closeTab(id) {
  const tab = tabs.get(id);
  if (!tab || tab.held) return;
  conn.raw({ type: "close_tab", conversation: id });
  tabs.delete(id);
  outbox = outbox.filter((i) => i.conversation !== id);
  persistOutbox();
  if (current === id) current = tabs.keys().next().value || null;
  persistTabs();
  renderTabs();
  renderPane();
}

let typingOn = false;
let typingConv = null;
let typingSentAt = 0;
let typingIdle = 0;
function operatorTyping(conv, on) {
  clearTimeout(typingIdle);
  if (typingOn && typingConv && typingConv !== conv) conn.raw({ type: "typing", conversation: typingConv, on: false });
  if (on) typingIdle = setTimeout(() => operatorTyping(conv, false), TYPING_IDLE_MS);
  const now = Date.now();
  if (on && typingOn && typingConv === conv && now - typingSentAt < TYPING_RESEND_MS) return;
  if (!on && !typingOn) return;
  typingOn = on;
  typingConv = conv;
  typingSentAt = now;
  if (conn.ready && conv) conn.raw({ type: "typing", conversation: conv, on });
}

// ---------------------------------------------------------------------------------------
// Notifications: a tiny WebAudio beep and the document title, when the page is not looked at.

let audio = null;
let unseen = 0;
function beep() {
  if (muted) return;
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.2);
  } catch { /* no audio */ }
}
function notify(tab, m) {
  const looking = document.hasFocus() && !document.hidden;
  announce(`${tabTitle(tab.id)} : ${(m.text || "").slice(0, 200)}`);
  if (looking) return;
  unseen += 1;
  updateTitle();
  beep();
}
function updateTitle() {
  document.title = unseen > 0 ? `${t("newMessages", unseen)} – ${t("brand")}` : t("brand");
}
window.addEventListener("focus", () => {
  unseen = 0;
  updateTitle();
  const tab = tabs.get(current);
  if (tab && tab.unread) { tab.unread = 0; renderTabs(); }
});

function announce(text) {
  const live = $("live");
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 50);
}

let noticeTimer = 0;
function showNotice(text, kind = "error") {
  const n = $("notice");
  if (!n) return;
  n.textContent = text;
  n.className = `notice${kind === "ok" ? " ok" : ""}`;
  n.setAttribute("role", kind === "ok" ? "status" : "alert");
  n.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { n.hidden = true; }, 6_000);
}

// ---------------------------------------------------------------------------------------
// Rendering: time

function ago(ms) {
  const s = Math.max(0, Math.floor((Date.now() - ms) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const hrs = Math.floor(m / 60);
  return `${hrs} h ${String(m % 60).padStart(2, "0")} min`;
}
function clock(ms) {
  try { return new Date(ms).toLocaleTimeString(lang === "fr" ? "fr-FR" : "en-GB", { hour: "2-digit", minute: "2-digit" }); } catch { return ""; }
}
const shortId = (id) => String(id).replace(/^c_/, "").slice(0, 6);

setInterval(tick, 1_000);
function tick() {
  for (const el of document.querySelectorAll("[data-since]")) {
    const ms = Number(el.dataset.since);
    if (!ms) continue;
    const fmt = el.dataset.fmt;
    el.textContent = fmt === "waiting" ? t("waiting", ago(ms)) : fmt === "visitor" ? t("lastVisitor", ago(ms))
      : fmt === "activity" ? t("lastActivity", ago(ms)) : ago(ms);
  }
}

// ---------------------------------------------------------------------------------------
// Rendering: messages

function operatorName(m) {
  if (!m.operator) return null;
  return typeof m.operator === "string" ? m.operator : m.operator.name || null;
}

// Help offers are told to the visitor in the server's words ("Claire vous propose son aide");
// the operator reads them from their side.
function operatorEventText(m) {
  const name = operatorName(m);
  const mine = !!(name && me && me.operator && me.operator.name === name);
  if (m.event === "help_offered") return mine ? t("evOfferedMine") : t("evOffered", name || t("operatorWho"));
  if (m.event === "help_accepted") return t("evAccepted", name || t("operatorWho"));
  if (m.event === "help_declined") return t("evDeclined");
  return null;
}

function renderMessage(m) {
  const attrs = {
    "data-seq": m.seq, "data-author": m.author, "data-kind": m.kind,
    "data-client-id": m.client_id || null,
    title: m.created_at ? new Date(m.created_at).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB") : null,
  };
  if (m.kind === "event" || m.author === "system") {
    return h("li.msg.system", { ...attrs, "data-event": m.event || null, class: `msg system${m.event ? ` ev-${m.event}` : ""}` },
      h("span.bubble", operatorEventText(m) || m.text || m.event || ""));
  }
  const who = m.author === "visitor" ? t("visitor") : m.author === "bot" ? t("bot") : operatorName(m) || t("operatorWho");
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
    .map((s) => (typeof s === "string" ? s : s && (s.title || s.id))).filter(Boolean);
  if (extra.length) li.append(h("div.chips", extra.map((s) => h("span.chip", s))));
  return li;
}

function insertBySeq(log, node, seq) {
  let before = null;
  for (const child of log.children) {
    const s = child.getAttribute("data-seq");
    if (s === null || Number(s) > seq) { before = child; break; }
  }
  log.insertBefore(node, before);
}

function renderPending(tab, item) {
  if (tab.log.querySelector(`[data-pending="${cssEscape(item.client_id)}"]`)) return;
  tab.log.append(h("li.msg.operator.pending", { "data-pending": item.client_id, "data-state": "pending", "data-author": "operator" },
    h("div.who", me ? me.operator.name : t("operatorWho")),
    h("div.bubble", item.label),
    h("div.meta", t("pending"))));
}
function removePending(tab, pred) {
  for (const li of tab.log.querySelectorAll("[data-pending]")) if (pred(li)) li.remove();
}

function setVisitorTyping(id, on) {
  const tab = tabs.get(id);
  if (!tab) return;
  clearTimeout(tab.typingTimer);
  tab.visitorTyping = on;
  if (on) tab.typingTimer = setTimeout(() => setVisitorTyping(id, false), 15_000);
  if (id === current) {
    const el = $("visitor-typing");
    if (el) el.hidden = !on;
  }
}

// ---------------------------------------------------------------------------------------
// Rendering: layout

function renderHeader() {
  document.documentElement.lang = lang;
  const top = $("top");
  const langSel = h("select", { id: "ui-lang", onchange: (e) => {
    lang = e.target.value;
    localStorage.setItem("vigie.console.lang", lang);
    for (const tab of tabs.values()) tab.log.setAttribute("aria-label", t("conversations"));
    renderAll();
  } }, h("option", { value: "fr" }, "Français"), h("option", { value: "en" }, "English"));
  langSel.value = lang;
  fill(top, 
    h("span.brand", t("brand")),
    me ? h("div#bar.bar") : null,
    h("span.spacer"),
    me ? h("span.who", me.operator.name) : null,
    h("label.sr", { for: "ui-lang" }, t("language")),
    langSel,
    me ? h("button", { type: "button", id: "logout", onclick: logout }, t("logout")) : null,
  );
  updateTitle();
  if (me) renderTop();
}

function renderTop() {
  const bar = $("bar");
  if (!bar) return;
  const statuses = ["available", "away", "offline"];
  const group = h("div.avail", { role: "radiogroup", "aria-label": t("availability"), "data-status": availability || "" },
    statuses.map((s) => {
      const id = `avail-${s}`;
      return h("span.opt", h("input", {
        type: "radio", name: "availability", id, value: s, checked: availability === s, disabled: !conn.ready,
        onchange: () => requestAvailability(s),
      }), h("label", { for: id, class: `st-${s}` }, t(s)));
    }));
  const waiting = queue.length;
  const soundBtn = h("button.sound", {
    type: "button", id: "mute", "aria-pressed": muted ? "false" : "true", title: muted ? t("soundOff") : t("soundOn"),
    onclick: () => {
      muted = !muted;
      localStorage.setItem(MUTE_KEY, muted ? "1" : "0");
      if (!muted) beep();
      renderTop();
    },
  }, muted ? icon(ICON_BELL, ICON_MUTED) : icon(ICON_BELL), h("span", t("sound")));
  fill(bar, 
    group,
    h("a.queue-count", { href: "#queue", id: "queue-count", "data-count": waiting, class: waiting ? "queue-count busy" : "queue-count",
      onclick: () => { if (sideView !== "livechat") setSideView("livechat"); } },
    t("queueCount", waiting)),
    soundBtn,
  );
}

function renderConsole() {
  const main = $("main");
  main.className = `console side-${sideView}`;
  const menuBtn = (id, view, label, short, iconNode, extra) => h("li", h("button.menu-btn", {
    type: "button", id, "aria-label": label, title: label, "aria-controls": "side",
    "aria-expanded": sideView === view ? "true" : "false", "data-view": view,
    onclick: () => setSideView(sideView === view ? (view === "create" ? lastSideView : "livechat") : view, { focus: true }),
  }, iconNode, h("span.lbl", short), extra || null));
  fill(main,
    // The left menu: livechat, then the monitored conversations (the red eye creates one).
    h("nav.menu", { "aria-label": t("menu") }, h("ul#menu",
      h("li", h("a#menu-livechat", { href: "#livechat", "aria-current": sideView === "livechat" ? "page" : null, title: t("menuLivechat"),
        onclick: (e) => { e.preventDefault(); setSideView("livechat", { focus: true }); } },
      icon(ICON_CHAT), h("span.lbl", t("menuLivechat")))),
      menuBtn("mc-create-btn", "create", t("mcCreate"), t("mcCreateShort"), eyeIcon("icon eye red", 26)),
      menuBtn("mc-list-btn", "monitored", t("mcList"), t("mcListShort"), icon(ICON_LIST),
        h("span#mc-count.menu-count", { hidden: !monitoredList.length }, String(monitoredList.length))))),
    h("aside#side.side", { "aria-live": "off" }),
    h("section.convs", { "aria-label": t("conversations") },
      h("div#notice.notice", { role: "alert", hidden: true }),
      h("div#tablist.tablist", { role: "tablist", "aria-label": t("conversations") }),
      h("div#pane.pane", { role: "tabpanel" })),
    h("aside.kb", { "aria-labelledby": "kb-h" }, renderKnowledgePanel()),
  );
  renderSide();
  renderTabs();
  renderPane();
}

// The left column's content follows the menu.
function setSideView(view, { focus = false } = {}) {
  if (view === "create" && sideView !== "create") {
    lastSideView = sideView;
    mcForm = newMcForm();
  }
  if (sideView === "create" && view !== "create") closeKnowledgeCombo();
  sideView = view;
  try { sessionStorage.setItem(SIDE_KEY, view === "create" ? lastSideView : view); } catch { /* kept in memory */ }
  const main = $("main");
  if (main) main.className = `console side-${sideView}`;
  for (const b of document.querySelectorAll(".menu [data-view]")) b.setAttribute("aria-expanded", b.dataset.view === view ? "true" : "false");
  const lc = $("menu-livechat");
  if (lc) { if (view === "livechat") lc.setAttribute("aria-current", "page"); else lc.removeAttribute("aria-current"); }
  renderSide();
  renderKnowledgeResults();
  if (focus) {
    if (view === "create") $("mc-name")?.focus();
    else if (view === "monitored") ($("mc-list")?.querySelector("button") || $("mc-list-h"))?.focus();
  }
}

function renderSide() {
  const side = $("side");
  if (!side) return;
  if (sideView === "create") {
    side.setAttribute("aria-label", t("mcCreate"));
    fill(side, renderMcForm());
    return;
  }
  if (sideView === "monitored") {
    side.setAttribute("aria-label", t("mcList"));
    fill(side, h("section#mc-list-panel", { "aria-labelledby": "mc-list-h" },
      h("h2#mc-list-h", { tabindex: "-1" }, t("mcList")),
      h("ul#mc-list.mc-list")));
    renderMonitoredList();
    return;
  }
  side.setAttribute("aria-label", t("menuLivechat"));
  fill(side,
    h("section#queue", { "aria-labelledby": "queue-h" }, h("h2#queue-h", t("queue")), h("ul#queue-list.queue")),
    h("section#colleagues", { "aria-labelledby": "coll-h" }, h("h2#coll-h", t("colleagues")), h("ul#colleague-list.colleagues")));
  renderQueue();
  renderColleagues();
}

function renderAll() {
  renderHeader();
  if (me) renderConsole();
  updateBanner();
}

function updateBanner() {
  const b = $("banner");
  const online = conn.connected && conn.ready;
  document.documentElement.dataset.connection = online ? "online" : "offline";
  const text = !me || online ? "" : everReady ? t("reconnecting") : t("connecting");
  b.textContent = text;
  b.hidden = !text;
}

// Queue -------------------------------------------------------------------------------

function renderQueue() {
  const list = $("queue-list");
  if (!list) return;
  if (!queue.length) { fill(list, h("li.empty", t("queueEmpty"))); return; }
  fill(list, ...queue.map((q) => h("li", { "data-conversation": q.conversation },
    h("span.qid", `#${shortId(q.conversation)}`),
    h("span.pos", t("position", q.position)),
    h("span.wait", { "data-since": q.queued_at, "data-fmt": "waiting" }, t("waiting", ago(q.queued_at))),
    h("button.primary.take", { type: "button", disabled: !conn.ready, "aria-label": t("takeConversation", shortId(q.conversation)),
      onclick: () => take(q.conversation) }, t("take")))));
}

// Colleagues -------------------------------------------------------------------------

function renderColleagues() {
  const list = $("colleague-list");
  if (!list) return;
  const online = presence.filter((p) => p.status !== "offline");
  if (!online.length) { fill(list, h("li.empty", t("noColleague"))); return; }
  fill(list, ...online.map((p) => {
    const self = me && p.operator_id === me.operator.id;
    return h("li", { "data-operator": p.operator_id, "data-status": p.status },
      h("span.dot", { class: `dot st-${p.status}`, "aria-hidden": "true" }),
      h("span.name", p.name, self ? ` (${t("you")})` : ""),
      h("span.status", t(p.status) || p.status),
      h("span.load", { title: t("loadTitle") }, t("load", p.load ?? 0, p.capacity ?? 0)));
  }));
}

// Tabs -------------------------------------------------------------------------------

let tabsTimer = 0;
function renderTabsSoon() {
  clearTimeout(tabsTimer);
  tabsTimer = setTimeout(renderTabs, 30);
}

function tabTitle(id) {
  const item = mcItem(id);
  return item && item.name ? item.name : `${t("visitor")} #${shortId(id)}`;
}

function renderTabs() {
  clearTimeout(tabsTimer);
  const list = $("tablist");
  if (!list) return;
  const focused = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.tab;
  const ids = [...tabs.keys()];
  fill(list, ...ids.map((id) => {
    const tab = tabs.get(id);
    const item = mcItem(id);
    const selected = id === current;
    const btn = h("button.tab", {
      type: "button", role: "tab", id: `tab-${id}`, "data-tab": id, "aria-selected": selected ? "true" : "false",
      "aria-controls": "pane", tabindex: selected ? "0" : "-1", "data-monitored": item ? (item.strong ? "strong" : "weak") : null,
      class: `tab${tab.flashing ? " flash" : ""}${tab.held ? " held" : item ? " mc" : " gone"}`,
      onclick: () => selectTab(id),
      onkeydown: (e) => {
        const i = ids.indexOf(id);
        let j = null;
        if (e.key === "ArrowRight") j = (i + 1) % ids.length;
        else if (e.key === "ArrowLeft") j = (i - 1 + ids.length) % ids.length;
        else if (e.key === "Home") j = 0;
        else if (e.key === "End") j = ids.length - 1;
        if (j === null) return;
        e.preventDefault();
        selectTab(ids[j]);
        $(`tab-${ids[j]}`)?.focus();
      },
    },
    h("span.tab-name", item ? [eyeIcon("tab-eye", 16), h("span.sr", `${t("mcShort")} : `)] : null, h("span.tab-label", tabTitle(id))),
    tab.flashing ? h("span.badge.new", t("newConversation")) : null,
    tab.unread ? h("span.badge.unread", { "aria-label": t("unread", tab.unread) }, String(tab.unread)) : null,
    tab.lastVisitorAt ? h("span.ago", { "data-since": tab.lastVisitorAt, "data-fmt": "visitor" }, t("lastVisitor", ago(tab.lastVisitorAt))) : null);
    return btn;
  }));
  if (focused && $(`tab-${focused}`)) $(`tab-${focused}`).focus();
}

function selectTab(id) {
  const tab = tabs.get(id);
  if (!tab) return;
  const prev = tabs.get(current);
  if (prev && prev !== tab) {
    const input = $("composer-input");
    if (input) prev.draft = input.value;
  }
  current = id;
  tab.flashing = false;
  tab.unread = 0;
  persistTabs();
  renderTabs();
  renderPane();
}

// Conversation pane -----------------------------------------------------------------

function renderPane() {
  const pane = $("pane");
  if (!pane) return;
  const tab = tabs.get(current);
  if (!tab) {
    pane.removeAttribute("aria-labelledby");
    delete pane.dataset.monitored;
    delete pane.dataset.conversation;
    fill(pane, h("p.placeholder", t("noTab")));
    renderKnowledgeResults();
    return;
  }
  const item = mcItem(tab.id);
  pane.setAttribute("aria-labelledby", `tab-${tab.id}`);
  pane.dataset.monitored = item ? "1" : "";
  pane.dataset.conversation = tab.id;
  const live = tab.held; // the composer only makes sense in a conversation this operator holds
  const input = h("textarea", {
    id: "composer-input", rows: "2", maxlength: String(MAX_CHARS), placeholder: live ? t("composerHint") : "",
    "aria-describedby": live ? "composer-hint" : "composer-off", disabled: !live,
    onkeydown: (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        sendText();
      }
    },
    oninput: (e) => {
      tab.draft = e.target.value;
      operatorTyping(tab.id, e.target.value.trim() !== "");
    },
  });
  input.value = tab.draft;
  const form = h("form.composer", { onsubmit: (e) => { e.preventDefault(); sendText(); } },
    h("label.sr", { for: "composer-input" }, t("composer")),
    input,
    live ? h("span#composer-hint.sr", t("composerHint")) : null,
    h("button.primary", { type: "submit", id: "composer-send", disabled: !live }, t("send")));
  fill(pane,
    h("div.pane-head",
      h("h2#pane-title"),
      h("span.spacer"),
      h("div#pane-actions.actions")),
    item ? h("div#mc-info.mc-info") : null,
    h("div#resend-box.inline-box", { hidden: true }),
    h("div#transfer-box.inline-box", { hidden: true }),
    h("div#end-box.inline-box", { hidden: true }),
    h("div#gone.gone-note", { hidden: tab.held || !!item }, t("ended")),
    h("div#scroll.scroll", tab.log),
    h("div#visitor-typing.typing", { hidden: !tab.visitorTyping, "aria-live": "polite" }, h("span.dots", { "aria-hidden": "true" }, h("i"), h("i"), h("i")), t("visitorTyping")),
    item ? h("div#mc-bar.mc-bar",
      h("button", { type: "button", id: "offer-help", onclick: () => offerHelp(tab.id) }, t("offerHelp")),
      h("span#mc-bar-status.mc-status", { "aria-live": "polite" })) : null,
    tab.held || item ? form : null,
    !live && item ? h("p#composer-off.composer-off", t("composerOff")) : null,
  );
  renderPaneHead();
  renderPaneActions();
  const scroller = $("scroll");
  scroller.scrollTop = scroller.scrollHeight;
  renderKnowledgeResults();
}

// The pane's title and, for a monitored conversation, who it was sent to and how it goes.
function renderPaneHead() {
  const tab = tabs.get(current);
  const title = $("pane-title");
  if (!tab || !title) return;
  const item = mcItem(tab.id);
  fill(title, item ? eyeIcon("title-eye", 20) : null, tabTitle(tab.id));
  const info = $("mc-info");
  if (!info || !item) return;
  const mail = item.mail || {};
  fill(info,
    h("span.mc-email", { title: t("mcEmail") }, item.email || ""),
    h("span.mc-kind", item.strong ? t("mcStrong") : t("mcWeak")),
    h("span", { id: "mc-mail-status", class: `mc-mail st-${mail.status || "queued"}` }, mailStatus(mail)),
    h("span#mc-opened.mc-opened", item.opened_at ? t("mcOpened", when(item.opened_at)) : t("mcNotOpened")),
    h("span.mc-state", stateText(item)),
    item.revoked ? h("span.mc-revoked", t("mcRevoked")) : null);
}

function renderPaneActions() {
  const box = $("pane-actions");
  const tab = tabs.get(current);
  if (!box || !tab) return;
  const item = mcItem(tab.id);
  const gone = $("gone");
  if (gone) gone.hidden = tab.held || !!item;
  const focusedId = box.contains(document.activeElement) ? document.activeElement.id : null;
  const resend = item ? h("button", { type: "button", id: "resend-btn", "aria-expanded": $("resend-box")?.hidden === false ? "true" : "false",
    "aria-controls": "resend-box", onclick: toggleResend }, t("resend")) : null;
  if (tab.held) {
    fill(box, resend,
      h("button", { type: "button", id: "transfer-btn", disabled: !conn.ready, "aria-expanded": $("transfer-box")?.hidden === false ? "true" : "false",
        onclick: toggleTransfer }, t("transfer")),
      h("button.danger", { type: "button", id: "end-btn", disabled: !conn.ready, onclick: toggleEnd }, t("end")));
  } else {
    fill(box, resend, h("button", { type: "button", id: "close-tab-btn", onclick: () => closeTab(tab.id) }, t("closeTab")));
  }
  if (focusedId) $(focusedId)?.focus();
  const send = $("composer-send");
  if (send) send.disabled = !tab.held; // typed messages wait in the outbox when offline
  renderMcBar();
}

// "Offer help": a monitored conversation that is not live, with no offer waiting for an answer.
function offerPending(tab) {
  const item = mcItem(tab.id);
  return outbox.some((i) => i.kind === "offer_help" && i.conversation === tab.id)
    || !!(item && item.offer_pending) || tab.lastOffer > tab.lastAnswer;
}
function renderMcBar() {
  const tab = tabs.get(current);
  const btn = $("offer-help");
  const status = $("mc-bar-status");
  if (!tab || !btn || !status) return;
  const item = mcItem(tab.id);
  const live = tab.held || (item && item.state === "live");
  const pending = offerPending(tab);
  btn.disabled = !conn.ready || live || pending;
  let text = "";
  let cls = "mc-status";
  if (live) text = tab.held ? t("mcLiveMine") : stateText(item);
  else if (pending) text = t("offerPending");
  else if (tab.lastAnswerEvent === "help_declined") { text = t("offerDeclined"); cls += " declined"; }
  else if (item && item.state === "queued") text = stateText(item);
  status.className = cls;
  status.textContent = text;
}

function offerHelp(id) {
  const tab = tabs.get(id);
  if (!tab || !conn.ready || offerPending(tab)) return;
  submit("offer_help", id, {});
  renderMcBar();
}

// Help offer events, as they arrive (or are replayed).
function onHelpEvent(tab, m, fresh) {
  if (m.event === "help_offered") tab.lastOffer = Math.max(tab.lastOffer, m.seq);
  else if (m.event === "help_accepted" || m.event === "help_declined" || m.event === "operator_joined") {
    if (m.seq > tab.lastAnswer) { tab.lastAnswer = m.seq; tab.lastAnswerEvent = m.event; }
  } else return;
  if (fresh && conn.ready && m.event === "help_declined") {
    showNotice(t("offerDeclinedNotice", tabTitle(tab.id)));
    beep();
  } else if (fresh && conn.ready && m.event === "help_accepted") {
    announce(t("offerAcceptedNotice", tabTitle(tab.id)));
  }
  if (tab.id === current) renderMcBar();
}

function toggleResend() {
  const box = $("resend-box");
  const tab = tabs.get(current);
  if (!box || !tab) return;
  $("transfer-box").hidden = true;
  $("end-box").hidden = true;
  box.hidden = !box.hidden;
  if (box.hidden) { renderPaneActions(); $("resend-btn")?.focus(); return; }
  const email = h("input", { type: "email", id: "resend-email", autocomplete: "off", required: true,
    "aria-describedby": "resend-email-err", oninput: () => setFieldError(email, "") });
  const err = h("div#resend-email-err.field-error");
  const busy = h("button.primary", { type: "submit", id: "resend-confirm" }, t("resendConfirm"));
  fill(box, h("form", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const problem = emailProblem(email.value);
    if (problem) { setFieldError(email, problem); email.focus(); return; }
    setFieldError(email, "");
    busy.disabled = true;
    try {
      const r = await api("POST", `/monitored-conversations/${encodeURIComponent(tab.id)}/resend`, { email: email.value.trim() });
      if (r && r.item) upsertMonitored(r.item);
      box.hidden = true;
      renderPaneActions();
      renderPaneHead();
      showNotice(t("resent", email.value.trim()), "ok");
    } catch (ex) {
      if (ex.status === 401) return;
      const f = ((ex.body && ex.body.fields) || []).find((x) => x.field === "email");
      setFieldError(email, f ? f.message : ex.message);
      email.focus();
    } finally { busy.disabled = false; }
  } },
  h("label", { for: "resend-email" }, t("resendTo")), email, busy,
  h("button", { type: "button", onclick: toggleResend }, t("cancel")), err));
  renderPaneActions();
  email.focus();
}

function sendText() {
  const input = $("composer-input");
  const tab = tabs.get(current);
  if (!input || !tab || !tab.held) return;
  const text = input.value.trim();
  if (!text) return;
  submit("send", tab.id, { text }, text);
  input.value = "";
  tab.draft = "";
  operatorTyping(tab.id, false);
  input.focus();
}

function toggleTransfer() {
  const box = $("transfer-box");
  if (!box) return;
  $("end-box").hidden = true;
  box.hidden = !box.hidden;
  renderTransfer();
  renderPaneActions();
  if (!box.hidden) box.querySelector("select, button")?.focus();
}

function renderTransfer() {
  const box = $("transfer-box");
  const tab = tabs.get(current);
  if (!box || box.hidden || !tab) return;
  const choices = presence.filter((p) => p.status === "available" && (!me || p.operator_id !== me.operator.id));
  if (!choices.length) {
    fill(box, h("p", t("transferNone")), h("button", { type: "button", onclick: toggleTransfer }, t("cancel")));
    return;
  }
  const sel = h("select", { id: "transfer-to" }, choices.map((p) =>
    h("option", { value: p.operator_id }, `${p.name} (${t("load", p.load ?? 0, p.capacity ?? 0)})`)));
  fill(box, h("form", { onsubmit: (e) => {
    e.preventDefault();
    submit("transfer", tab.id, { to: Number(sel.value) });
    box.hidden = true;
    renderPaneActions();
  } },
  h("label", { for: "transfer-to" }, t("transferTo")), sel,
  h("button.primary", { type: "submit", id: "transfer-confirm" }, t("transferConfirm")),
  h("button", { type: "button", onclick: toggleTransfer }, t("cancel"))));
}

function toggleEnd() {
  const box = $("end-box");
  const tab = tabs.get(current);
  if (!box || !tab) return;
  $("transfer-box").hidden = true;
  box.hidden = !box.hidden;
  fill(box, h("span", t("confirmEnd")),
    h("button.danger", { type: "button", id: "end-confirm", onclick: () => {
      submit("end", tab.id, {});
      box.hidden = true;
    } }, t("end")),
    h("button", { type: "button", onclick: () => { box.hidden = true; $("end-btn")?.focus(); } }, t("cancel")));
  if (!box.hidden) box.querySelector("button")?.focus();
}

// Knowledge panel -------------------------------------------------------------------

let kbResults = [];
let kbQuery = "";
let kbSeq = 0;
let kbTimer = 0;
function renderKnowledgePanel() {
  const input = h("input", { type: "search", id: "kb-q", value: kbQuery, autocomplete: "off",
    oninput: (e) => {
      kbQuery = e.target.value;
      clearTimeout(kbTimer);
      kbTimer = setTimeout(searchKnowledge, 250);
    },
    onkeydown: (e) => { if (e.key === "Enter") { e.preventDefault(); clearTimeout(kbTimer); searchKnowledge(); } },
  });
  return [
    h("h2#kb-h", t("knowledge")),
    h("label", { for: "kb-q" }, t("knowledgeSearch")),
    input,
    h("ul#kb-results.kb-results", { "aria-live": "polite" }),
  ];
}

async function searchKnowledge() {
  const q = kbQuery.trim();
  const mine = ++kbSeq;
  if (!q) { kbResults = []; renderKnowledgeResults(); return; }
  try {
    if (!botSlug) {
      const bots = await loadBots();
      botSlug = (bots.find((b) => b.slug === "demo") || bots[0] || {}).slug || "demo";
    }
    // The bot of what is on screen: the creation form's, else the monitored conversation's.
    // In a tab: that conversation's bot and language.
    const item = mcItem(current);
    const tab = sideView === "create" ? null : tabs.get(current);
    const bot = (sideView === "create" && mcForm.bot) || (item && item.bot) || (tab && tab.bot) || botSlug;
    const lang = tab && tab.lang ? `&lang=${encodeURIComponent(tab.lang)}` : "";
    const data = await api("GET", `/bots/${encodeURIComponent(bot)}/knowledge?q=${encodeURIComponent(q)}&limit=8${lang}`);
    if (mine !== kbSeq) return;
    kbResults = (data && data.knowledge) || [];
  } catch (err) {
    if (mine !== kbSeq) return;
    kbResults = [];
    showNotice(err.message);
  }
  renderKnowledgeResults(true);
}

// Knowledge may be sent in a conversation this operator holds, and in a monitored one that is
// not live with someone else (the operator guides the visitor; it comes as a bot answer).
function canSendKnowledge(tab) {
  if (!tab) return false;
  if (tab.held) return true;
  const item = mcItem(tab.id);
  return !!item && item.state !== "live";
}

function renderKnowledgeResults(searched) {
  const list = $("kb-results");
  if (!list) return;
  const tab = tabs.get(current);
  const picking = sideView === "create"; // the creation form is open: a click picks its starting knowledge
  const canSend = canSendKnowledge(tab);
  if (!kbResults.length) {
    fill(list, searched && kbQuery.trim() ? h("li.empty", t("knowledgeNone")) : null);
    return;
  }
  fill(list,
    picking ? h("li.hint.pick", t("knowledgePickHint")) : canSend ? null : h("li.hint", t("knowledgeNoTab")),
    ...kbResults.map((k) => {
      const excerpt = String(k.answer || "").replace(/[#*_>`[\]()]/g, "").replace(/\s+/g, " ").trim().slice(0, 140);
      const title = k.title || k.id;
      return h("li", { "data-knowledge": k.id },
        h("div.kn-title", title),
        excerpt ? h("div.kn-excerpt", excerpt) : null,
        picking
          ? h("button.kb-send.kb-pick", { type: "button", "aria-label": t("knowledgePickTitle", title),
            onclick: () => pickStartingKnowledge({ id: k.id, title, lang: k.lang }) }, t("knowledgePick"))
          : h("button.kb-send", { type: "button", disabled: !canSend, "aria-label": t("knowledgeSendTitle", title),
            onclick: () => {
              const tb = tabs.get(current);
              if (!canSendKnowledge(tb)) return;
              submit("knowledge", tb.id, { knowledge_id: k.id }, title);
            } }, t("knowledgeSend")));
    }));
}

let botsCache = null;
async function loadBots() {
  if (!botsCache) {
    const data = await api("GET", "/bots");
    botsCache = (data && data.bots) || [];
  }
  return botsCache;
}

// ---------------------------------------------------------------------------------------
// Monitored conversations (docs/monitored-conversations.md)

// Server frame `monitored`: the whole list, after `welcome` and after every change. A strong
// conversation of this operator opens a tab (flashing) the first time this browser sees it.
function onMonitored(items) {
  monitoredKnown = true;
  monitoredList = items.filter((it) => it && typeof it.conversation === "string");
  monitored.clear();
  for (const it of monitoredList) monitored.set(it.conversation, it);
  if (!seen) seen = loadSeen();
  let opened = null;
  for (const it of monitoredList) {
    if (!it.strong || !it.mine || seen.has(it.conversation)) continue;
    markSeen(it.conversation);
    if (tabs.has(it.conversation)) continue;
    followTab(it.conversation, { flash: true });
    opened = it;
  }
  if (opened) {
    announce(`${t("mcShort")} : ${opened.name || ""}`);
    if (everReady) beep();
    if (!current || !tabs.has(current)) current = opened.conversation;
    persistTabs();
  }
  afterMonitoredChange();
}

function upsertMonitored(item) {
  if (!item || typeof item.conversation !== "string") return;
  monitored.set(item.conversation, item);
  const i = monitoredList.findIndex((x) => x.conversation === item.conversation);
  if (i >= 0) monitoredList[i] = item;
  else monitoredList.unshift(item);
  afterMonitoredChange();
}

// Updates what depends on the items without rebuilding the pane (the composer keeps its focus),
// unless the current tab just turned out to be a monitored one.
function afterMonitoredChange() {
  const count = $("mc-count");
  if (count) { count.textContent = String(monitoredList.length); count.hidden = !monitoredList.length; }
  // The tabs show names and eyes: redrawn only when those change (mail and activity changes are frequent).
  const sig = JSON.stringify([...tabs.keys()].map((id) => { const it = mcItem(id); return it ? [id, it.name, it.strong] : id; }));
  if (sig !== tabsSig) { tabsSig = sig; renderTabsSoon(); }
  renderMonitoredList();
  const pane = $("pane");
  const tab = tabs.get(current);
  if (pane && tab && (pane.dataset.conversation !== tab.id || (pane.dataset.monitored === "1") !== !!mcItem(tab.id))) {
    renderPane();
    return;
  }
  renderPaneHead();
  renderPaneActions();
  renderKnowledgeResults();
}

function openMonitored(id) {
  markSeen(id);
  const tab = followTab(id);
  tab.flashing = false;
  selectTab(id);
}

function when(ms) {
  try {
    return new Date(ms).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  } catch { return ""; }
}
function mailStatus(mail) {
  const st = (mail && mail.status) || "queued";
  if (st === "sent") return t("mailSent", mail.sent_at ? when(mail.sent_at) : "");
  if (st === "retrying") return t("mailRetrying", mail.attempts || 0, mail.error || "");
  if (st === "failed") return t("mailFailed", mail.error || "");
  return t("mailQueued");
}
function operatorLabel(op) {
  if (!op) return "";
  return typeof op === "string" ? op : op.name || "";
}
function stateText(item) {
  if (!item) return "";
  if (item.state === "live") return t("stateLive", operatorLabel(item.operator));
  if (item.state === "queued") return t("stateQueued");
  return t("stateBot");
}

function renderMonitoredList() {
  const list = $("mc-list");
  if (!list) return;
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#mc-list [data-conversation]");
  const focusId = focused && focused.dataset.conversation;
  if (!monitoredList.length) {
    fill(list, h("li.empty", monitoredKnown ? t("mcNone") : t("connecting")));
    return;
  }
  fill(list, ...monitoredList.map((it) => {
    const mail = it.mail || {};
    const open = tabs.has(it.conversation);
    return h("li", { "data-conversation": it.conversation, "data-strong": it.strong ? "true" : "false", "data-state": it.state || "bot" },
      h("button.mc-item", { type: "button", "data-conversation": it.conversation, "aria-current": it.conversation === current ? "true" : null,
        title: t("mcOpenTitle", it.name || ""), onclick: () => openMonitored(it.conversation) },
      h("span.mc-name", it.strong ? eyeIcon("list-eye", 14) : null, h("span", it.name || shortId(it.conversation)), open ? h("span.badge.tabbed", t("mcInTab")) : null),
      h("span.mc-email", it.email || ""),
      h("span.mc-meta", h("span", { class: `mc-kind ${it.strong ? "strong" : "weak"}` }, it.strong ? t("mcStrong") : t("mcWeak")), " · ",
        h("span.mc-state", stateText(it)), it.revoked ? [" · ", h("span.mc-revoked", t("mcRevoked"))] : null),
      h("span", { class: `mc-mail st-${mail.status || "queued"}` }, mailStatus(mail)),
      h("span.mc-opened", it.opened_at ? t("mcOpened", when(it.opened_at)) : t("mcNotOpened")),
      it.last_activity_at ? h("span.mc-activity", { "data-since": it.last_activity_at, "data-fmt": "activity" }, t("lastActivity", ago(it.last_activity_at))) : null));
  }));
  if (focusId) list.querySelector(`button[data-conversation="${cssEscape(focusId)}"]`)?.focus();
}

// ---- The creation form (the red eye)

// A malformed address is refused here, before any request.
function emailProblem(v) {
  const s = String(v || "").trim();
  if (!s) return t("emailRequired");
  const probe = h("input", { type: "email" });
  probe.value = s;
  if (!probe.checkValidity() || !/^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/.test(s)) return t("emailInvalid", s);
  return null;
}
function setFieldError(input, text) {
  const err = input && $(`${input.id}-err`);
  if (!input || !err) return;
  err.textContent = text || "";
  if (text) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function newMcForm() {
  return { name: "", knowledge: null, knowledgeText: "", email: "", strong: true, bot: null, busy: false, options: [], active: -1, comboOpen: false };
}
let mcForm = newMcForm();
let comboSeq = 0;
let comboTimer = 0;

function renderMcForm() {
  const f = mcForm;
  const name = h("input", { type: "text", id: "mc-name", maxlength: "100", required: true, autocomplete: "off", value: f.name,
    "aria-describedby": "mc-name-err", oninput: (e) => { f.name = e.target.value; setFieldError(e.target, ""); } });
  const kn = h("input", { type: "text", id: "mc-knowledge", role: "combobox", autocomplete: "off", value: f.knowledgeText,
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "mc-knowledge-list",
    "aria-describedby": "mc-knowledge-chosen mc-knowledge-hint mc-knowledge-err",
    oninput: (e) => {
      f.knowledgeText = e.target.value;
      if (!f.knowledge || f.knowledge.title !== e.target.value) { f.knowledge = null; renderChosen(); }
      setFieldError(e.target, "");
      clearTimeout(comboTimer);
      comboTimer = setTimeout(searchCombo, 200);
    },
    onkeydown: comboKey,
    onblur: () => setTimeout(() => { if (document.activeElement !== $("mc-knowledge")) closeKnowledgeCombo(); }, 150),
  });
  const email = h("input", { type: "email", id: "mc-email", required: true, autocomplete: "off", value: f.email,
    "aria-describedby": "mc-email-err", inputmode: "email",
    // Checked when OK is pressed (not on blur: an error appearing then would move the buttons
    // under the pointer).
    oninput: (e) => { f.email = e.target.value; setFieldError(e.target, ""); } });
  const strong = h("input", { type: "checkbox", id: "mc-strong", checked: f.strong, "aria-describedby": "mc-strong-hint",
    onchange: (e) => { f.strong = e.target.checked; } });
  const botRow = h("div#mc-bot-row.field", { hidden: true });
  const general = h("div#mc-form-err.form-error", { role: "alert" });
  const ok = h("button.primary", { type: "submit", id: "mc-ok", disabled: f.busy }, t("ok"));
  const form = h("form#mc-form.mc-form", { novalidate: true, "aria-labelledby": "mc-create-h",
    onsubmit: (e) => { e.preventDefault(); submitMcForm(); },
    onkeydown: (e) => {
      if (e.key === "Escape" && !(e.target.id === "mc-knowledge" && mcForm.comboOpen)) { e.preventDefault(); cancelMcForm(); }
    } },
  h("h2#mc-create-h", eyeIcon("title-eye", 20), t("mcCreate")),
  h("div.field", h("label", { for: "mc-name" }, t("mcName")), name, h("div#mc-name-err.field-error")),
  h("div.field.combo",
    h("label", { for: "mc-knowledge" }, t("mcKnowledge")),
    kn,
    h("ul#mc-knowledge-list.combo-list", { role: "listbox", "aria-label": t("mcKnowledge"), hidden: true }),
    h("div#mc-knowledge-chosen.chosen"),
    h("div#mc-knowledge-hint.hint", t("mcKnowledgeHint")),
    h("div#mc-knowledge-err.field-error")),
  h("div.field", h("label", { for: "mc-email" }, t("mcEmail")), email, h("div#mc-email-err.field-error")),
  h("div.field.check", strong, h("label", { for: "mc-strong" }, t("mcStrongLabel"))),
  h("div#mc-strong-hint.hint", t("mcStrongHint")),
  botRow,
  general,
  h("div.form-actions", ok, h("button", { type: "button", id: "mc-cancel", onclick: cancelMcForm }, t("cancel"))));
  // Several bots: choose one (with one, it is that one).
  loadBots().then((bots) => {
    const usable = bots.filter((b) => b.deployed_url !== undefined);
    if (!mcForm.bot) mcForm.bot = (usable.find((b) => b.slug === botSlug) || usable.find((b) => b.slug === "demo") || usable[0] || {}).slug || null;
    if (usable.length > 1 && $("mc-bot-row")) {
      const sel = h("select", { id: "mc-bot", "aria-describedby": "mc-bot-err", onchange: (e) => {
        mcForm.bot = e.target.value;
        mcForm.knowledge = null;
        renderChosen();
      } }, usable.map((b) => h("option", { value: b.slug }, `${b.name} (${b.slug})`)));
      sel.value = mcForm.bot;
      fill($("mc-bot-row"), h("label", { for: "mc-bot" }, t("mcBot")), sel, h("div#mc-bot-err.field-error"));
      $("mc-bot-row").hidden = false;
    }
  }).catch(() => {});
  setTimeout(renderChosen, 0);
  return form;
}

function renderChosen() {
  const box = $("mc-knowledge-chosen");
  if (!box) return;
  const k = mcForm.knowledge;
  fill(box, k ? [t("mcChosen"), " ", h("code", k.id)] : null);
}

function pickStartingKnowledge(k) {
  mcForm.knowledge = { id: k.id, title: k.title || k.id, lang: k.lang || null };
  mcForm.knowledgeText = mcForm.knowledge.title;
  const input = $("mc-knowledge");
  if (input) {
    input.value = mcForm.knowledgeText;
    setFieldError(input, "");
  }
  closeKnowledgeCombo();
  renderChosen();
  announce(t("mcChosenAnnounce", mcForm.knowledge.title));
  input?.focus();
}

async function searchCombo() {
  const q = mcForm.knowledgeText.trim();
  const mine = ++comboSeq;
  if (!q) { mcForm.options = []; closeKnowledgeCombo(); return; }
  try {
    const bots = await loadBots();
    const bot = mcForm.bot || (bots[0] && bots[0].slug) || "demo";
    const data = await api("GET", `/bots/${encodeURIComponent(bot)}/knowledge?q=${encodeURIComponent(q)}&limit=8`);
    if (mine !== comboSeq || sideView !== "create") return;
    mcForm.options = (data && data.knowledge) || [];
  } catch {
    if (mine !== comboSeq) return;
    mcForm.options = [];
  }
  mcForm.active = -1;
  renderCombo();
}

function renderCombo() {
  const list = $("mc-knowledge-list");
  const input = $("mc-knowledge");
  if (!list || !input) return;
  const opts = mcForm.options;
  mcForm.comboOpen = opts.length > 0 || !!mcForm.knowledgeText.trim();
  list.hidden = !mcForm.comboOpen;
  input.setAttribute("aria-expanded", mcForm.comboOpen ? "true" : "false");
  if (mcForm.active >= 0 && opts[mcForm.active]) input.setAttribute("aria-activedescendant", `mc-opt-${mcForm.active}`);
  else input.removeAttribute("aria-activedescendant");
  if (!opts.length) { fill(list, h("li.empty", { role: "option", "aria-disabled": "true" }, t("knowledgeNone"))); return; }
  fill(list, ...opts.map((k, i) => h("li", {
    role: "option", id: `mc-opt-${i}`, "data-knowledge": k.id, "aria-selected": i === mcForm.active ? "true" : "false",
    class: i === mcForm.active ? "active" : null,
    onmousedown: (e) => e.preventDefault(), // keep the focus in the input
    onclick: () => pickStartingKnowledge({ id: k.id, title: k.title || k.id, lang: k.lang }),
  }, h("span.opt-title", k.title || k.id), h("span.opt-id", k.id))));
  list.querySelector(".active")?.scrollIntoView({ block: "nearest" });
}

function closeKnowledgeCombo() {
  mcForm.comboOpen = false;
  mcForm.active = -1;
  const list = $("mc-knowledge-list");
  if (list) list.hidden = true;
  const input = $("mc-knowledge");
  if (input) { input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
}

function comboKey(e) {
  const opts = mcForm.options;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    if (!mcForm.comboOpen) { clearTimeout(comboTimer); if (opts.length) { mcForm.active = 0; renderCombo(); } else searchCombo(); return; }
    if (!opts.length) return;
    const d = e.key === "ArrowDown" ? 1 : -1;
    mcForm.active = (mcForm.active + d + opts.length) % opts.length;
    renderCombo();
  } else if (e.key === "Enter") {
    if (mcForm.comboOpen && mcForm.active >= 0 && opts[mcForm.active]) {
      e.preventDefault();
      const k = opts[mcForm.active];
      pickStartingKnowledge({ id: k.id, title: k.title || k.id, lang: k.lang });
    }
  } else if (e.key === "Escape") {
    if (mcForm.comboOpen) { e.preventDefault(); e.stopPropagation(); closeKnowledgeCombo(); }
  }
}

function cancelMcForm() {
  clearTimeout(comboTimer);
  comboSeq++;
  setSideView(lastSideView === "create" ? "livechat" : lastSideView);
  $("mc-create-btn")?.focus();
}

async function submitMcForm() {
  const f = mcForm;
  if (f.busy) return;
  const inputs = { name: $("mc-name"), starting_knowledge: $("mc-knowledge"), email: $("mc-email"), bot: $("mc-bot") };
  for (const el of Object.values(inputs)) if (el) setFieldError(el, "");
  $("mc-form-err").textContent = "";
  // Checked here first: nothing is sent while something is plainly wrong.
  const problems = {};
  const name = f.name.trim();
  if (!name) problems.name = t("nameRequired");
  else if ([...name].length > 100) problems.name = t("nameTooLong");
  // The knowledge: the one picked, else what was typed if it is one of the results (id or title).
  let kn = f.knowledge;
  const typed = f.knowledgeText.trim();
  if (!kn && typed) {
    const lower = typed.toLowerCase();
    const hit = [...f.options, ...kbResults].find((k) => k.id === typed || String(k.title || "").toLowerCase() === lower);
    kn = hit ? { id: hit.id, title: hit.title, lang: hit.lang } : { id: typed, title: typed, lang: null };
  }
  if (!kn) problems.starting_knowledge = t("knowledgeRequired");
  const emailErr = emailProblem(f.email);
  if (emailErr) problems.email = emailErr;
  const fieldsWithProblems = Object.keys(problems);
  if (fieldsWithProblems.length) {
    for (const [k, msg] of Object.entries(problems)) setFieldError(inputs[k], msg);
    inputs[fieldsWithProblems[0]]?.focus();
    return;
  }
  const body = { bot: f.bot || botSlug || "demo", name, starting_knowledge: kn.id, email: f.email.trim(), strong_monitoring: !!f.strong };
  if (kn.lang === "fr" || kn.lang === "en") body.lang = kn.lang; // the visitor reads the knowledge's language
  f.busy = true;
  $("mc-ok").disabled = true;
  try {
    const r = await api("POST", "/monitored-conversations", body);
    const item = (r && r.item) || null;
    const id = (r && (r.conversation || r.id)) || (item && item.conversation);
    if (item) upsertMonitored(item);
    f.busy = false;
    mcForm = newMcForm();
    if (body.strong_monitoring && id) {
      // Strong: its tab opens here at once (and in this operator's other browsers with `monitored`).
      setSideView(lastSideView === "create" ? "livechat" : lastSideView);
      markSeen(id);
      const tab = followTab(id);
      tab.flashing = false;
      selectTab(id);
      $(`tab-${id}`)?.focus();
    } else {
      // Weak: no tab, it waits in the list.
      if (id) markSeen(id);
      setSideView("monitored");
      (id && $("mc-list")?.querySelector(`button[data-conversation="${cssEscape(id)}"]`) || $("mc-list-h"))?.focus();
    }
    showNotice(t("mcCreated", name, body.email), "ok");
  } catch (err) {
    f.busy = false;
    if ($("mc-ok")) $("mc-ok").disabled = false;
    if (err.status === 401) return;
    let first = null;
    const general = [];
    for (const fe of (err.body && err.body.fields) || []) {
      const el = inputs[fe.field];
      if (el) { setFieldError(el, fe.message); first = first || el; }
      else general.push(fe.message);
    }
    if (!first && !general.length) general.push(err.message);
    if ($("mc-form-err")) $("mc-form-err").textContent = general.join(" ");
    (first || $("mc-form-err"))?.focus?.();
  }
}

// ---------------------------------------------------------------------------------------
// Login / logout

function renderLogin(error) {
  const email = h("input", { type: "email", id: "login-email", autocomplete: "username", required: true });
  const pass = h("input", { type: "password", id: "login-password", autocomplete: "current-password", required: true });
  const msg = h("div", { "aria-live": "polite" }, error ? h("div.msg.error", { role: "alert" }, error.message) : null);
  const form = h("form.card.narrow", { onsubmit: async (e) => {
    e.preventDefault();
    fill(msg);
    try {
      me = await api("POST", "/auth/login", { email: email.value, password: pass.value });
      signedIn();
    } catch (err) { fill(msg, h("div.msg.error", { role: "alert" }, err.message)); }
  } },
  h("h1", t("login")),
  h("label", { for: "login-email" }, t("email")), email,
  h("label", { for: "login-password" }, t("password")), pass,
  msg,
  h("div.actions", h("button.primary", { type: "submit" }, t("loginButton"))));
  const main = $("main");
  main.className = "";
  fill(main, form);
  email.focus();
}

function signedIn() {
  stopped = false;
  seen = loadSeen();
  renderAll();
  const saved = loadJson(TABS_KEY, {});
  for (const [id, seq] of Object.entries(saved)) if (typeof seq === "number") openTab(id, { lastSeq: seq });
  if (current && !tabs.has(current)) current = null;
  if (!current) current = tabs.keys().next().value || null;
  renderTabs();
  renderPane();
  conn.connect();
}

function signedOut() {
  if (!me && stopped) return;
  me = null;
  stopped = true;
  conn.stop();
  renderHeader();
  updateBanner();
  renderLogin();
}

async function logout() {
  try { await api("POST", "/auth/logout", {}); } catch { /* already gone */ }
  stopped = true;
  conn.stop();
  tabs.clear();
  current = null;
  outbox = [];
  monitored.clear();
  monitoredList = [];
  monitoredKnown = false;
  seen = null;
  mcForm = newMcForm();
  everReady = false;
  for (const k of [TABS_KEY, OUTBOX_KEY, CURRENT_KEY]) sessionStorage.removeItem(k);
  me = null;
  renderHeader();
  updateBanner();
  renderLogin();
}

// ---------------------------------------------------------------------------------------
// Start

(async function start() {
  renderHeader();
  try { me = await api("GET", "/auth/me"); } catch { me = null; }
  if (me) signedIn();
  else { renderHeader(); renderLogin(); }
})();

// For tests and debugging.
window.vigieConsole = {
  get state() {
    return {
      ready: conn.ready, availability, current, queue, presence,
      tabs: [...tabs.values()].map((tb) => ({
        id: tb.id, lastSeq: tb.lastSeq, held: tb.held, unread: tb.unread, flashing: tb.flashing, monitored: monitored.has(tb.id),
      })),
      outbox: outbox.map((i) => i.client_id),
      monitored: monitoredList, sideView,
    };
  },
};
