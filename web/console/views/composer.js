// The composer: the operator's answer (Enter sends, Shift+Enter a new line), the typing
// indicator sent to the visitor, the draft kept per tab.
import { h } from "../../shared/dom.js";
import { app, t, dispatch } from "../app.js";
import { submit } from "../outbox.js";
import { monitoredItem, fillCanned, supervises } from "../state.js";
import { tabTitle } from "../format.js";
import { visitorNameOf, knownVisitorName } from "./visitor.js";

const MAX_CHARS = 1000;
const TYPING_RESEND_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

/**
 * The composer of `tab`, and the note that says why it is off. Two modes: the answer to the
 * visitor (only in a conversation this operator holds) and the private note (any tab:
 * operators and supervisors read it, the visitor never), shown in yellow.
 */
export function buildComposer(tab, item) {
  const note = !!tab.noteMode;
  // A supervisor following someone else's conversation may whisper to its operator.
  const canWhisper = supervises(app.state) && !tab.held;
  const whisper = canWhisper && !!tab.whisperMode;
  const live = tab.held || note || whisper; // answering only makes sense in a conversation this operator holds
  const mode = (on) => () => {
    dispatch({ type: "local/note_mode", conversation: tab.id, on });
    setTimeout(() => document.getElementById("composer-input")?.focus(), 0);
  };
  const whisperMode = () => {
    dispatch({ type: "local/whisper_mode", conversation: tab.id, on: true });
    setTimeout(() => document.getElementById("composer-input")?.focus(), 0);
  };
  const modes = h("div.composer-modes", { role: "group", "aria-label": t("composerMode") },
    h("button", { type: "button", id: "composer-mode-reply", "aria-pressed": note || whisper ? "false" : "true", onclick: mode(false) }, t("modeReply")),
    h("button", { type: "button", id: "composer-mode-note", class: "mode-note", "aria-pressed": note ? "true" : "false", onclick: mode(true) }, t("modeNote")),
    canWhisper ? h("button", { type: "button", id: "composer-mode-whisper", class: "mode-whisper", "aria-pressed": whisper ? "true" : "false", onclick: whisperMode }, t("modeWhisper")) : null);
  const hint = whisper ? t("whisperHint") : note ? t("noteHint") : t("composerHint");
  const input = h("textarea", {
    id: "composer-input", rows: "2", maxlength: String(MAX_CHARS), placeholder: whisper || note ? hint : live ? t("composerHint") : "",
    "aria-describedby": live ? "composer-hint" : "composer-off", disabled: !live,
    role: "combobox", "aria-autocomplete": "list", "aria-controls": "canned-list", "aria-expanded": "false",
    onblur: () => setTimeout(closeCanned, 150),
    onkeydown: (e) => {
      if (cannedKey(e, tab)) { e.preventDefault(); e.stopPropagation(); return; }
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        sendText();
      }
    },
    oninput: (e) => {
      dispatch({ type: "local/draft", conversation: tab.id, text: e.target.value });
      cannedInput(e.target, app.state.tabs[tab.id] || tab);
      // A note (or a whisper) is not shown to the visitor, nor is its typing.
      const now = app.state.tabs[tab.id];
      if (now && now.held && !now.noteMode && !now.whisperMode) operatorTyping(tab.id, e.target.value.trim() !== "");
    },
  });
  input.value = tab.draft;
  const form = h("form", { class: whisper ? "composer whisper" : note ? "composer note" : "composer", "data-mode": whisper ? "whisper" : note ? "note" : "reply", onsubmit: (e) => { e.preventDefault(); sendText(); } },
    h("label.sr", { for: "composer-input" }, whisper ? t("modeWhisper") : note ? t("modeNote") : t("composer")),
    h("div#canned-list.canned-list", { hidden: true }),
    whisper ? h("span.whisper-tag", { "aria-hidden": "true" }, t("whisperLabel")) : note ? h("span.note-tag", { "aria-hidden": "true" }, t("noteLabel")) : null,
    input,
    live ? h("span#composer-hint.sr", hint) : null,
    // Typed messages wait in the outbox when offline: only holding the conversation counts.
    h("button.primary", { type: "submit", id: "composer-send", disabled: !live }, whisper ? t("addWhisper") : note ? t("addNote") : t("send")));
  return [
    modes,
    form,
    !live && item ? h("p#composer-off.composer-off", t("composerOff")) : null,
  ];
}

function sendText() {
  const input = document.getElementById("composer-input");
  const tab = app.state.tabs[app.state.current];
  const whisper = !!tab && !tab.held && !!tab.whisperMode && supervises(app.state);
  if (!input || !tab || !(tab.held || tab.noteMode || whisper)) return;
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  dispatch({ type: "local/draft", conversation: tab.id, text: "" });
  if (whisper) {
    submit("whisper", tab.id, { text }, text);
    input.focus();
    return;
  }
  if (tab.noteMode) {
    submit("note", tab.id, { text }, text);
    input.focus();
    return;
  }
  submit("send", tab.id, { text }, text);
  operatorTyping(tab.id, false);
  input.focus();
}

// The operator's typing indicator: sent when it starts, again every 3 s, off after 4 s idle.
let typingOn = false;
let typingConv = null;
let typingSentAt = 0;
let typingIdle = 0;
export function operatorTyping(conv, on) {
  const conn = app.conn;
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

// ---- canned answers (issue 13, item 1): "/" at the start of the box (or Alt+R) opens the
// list of the conversation's bot and language, filtered by what follows the slash; ↑/↓
// choose, Enter (or a click) inserts the text with its variables filled, for editing;
// Esc closes. Nothing is sent.

const cannedCache = new Map(); // "bot|lang" → Promise<list>
function cannedFor(tab) {
  const key = `${tab.bot || ""}|${tab.lang || ""}`;
  if (!cannedCache.has(key)) {
    const q = new URLSearchParams();
    if (tab.bot) q.set("bot", tab.bot);
    if (tab.lang) q.set("lang", tab.lang);
    const p = app.api("GET", `/canned-answers?${q}`).then((r) => (r && r.canned_answers) || []).catch(() => {
      cannedCache.delete(key);
      return [];
    });
    cannedCache.set(key, p);
    setTimeout(() => cannedCache.delete(key), 60_000); // edits in the admin show within a minute
  }
  return cannedCache.get(key);
}

const folded = (v) => String(v || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
let canned = { open: false, items: [], active: 0, query: null };

/** The "/query" before the caret, when the box starts with it (no space in it), else null. */
function slashQuery(input) {
  const v = input.value;
  const caret = input.selectionStart ?? v.length;
  if (!v.startsWith("/") || caret < 1) return null;
  const q = v.slice(1, caret);
  return /\s/.test(q) ? null : q;
}

async function cannedInput(input, tab) {
  const q = slashQuery(input);
  if (q === null) { closeCanned(); return; }
  const [list] = await Promise.all([cannedFor(tab), knownVisitorName(tab.id)]);
  if (slashQuery(input) !== q) return; // typed on meanwhile
  const f = folded(q);
  const items = list.filter((a) => folded(a.shortcut.slice(1)).startsWith(f) || folded(a.title).includes(f));
  canned = { open: true, items, active: 0, query: q };
  drawCanned(input, tab);
}

function drawCanned(input, tab) {
  const box = document.getElementById("canned-list");
  if (!box) return;
  box.hidden = !canned.open;
  input.setAttribute("aria-expanded", canned.open ? "true" : "false");
  if (!canned.open) { box.replaceChildren(); input.removeAttribute("aria-activedescendant"); return; }
  if (!canned.items.length) {
    box.replaceChildren(h("p.canned-none", t("cannedNone")));
    input.removeAttribute("aria-activedescendant");
    return;
  }
  box.replaceChildren(h("ul", { role: "listbox", id: "canned-options", "aria-label": t("cannedTitle") },
    canned.items.map((a, i) => h("li", {
      role: "option", id: `canned-${a.id}`, "data-shortcut": a.shortcut, "aria-selected": i === canned.active ? "true" : "false",
      class: i === canned.active ? "active" : "",
      onmousedown: (e) => { e.preventDefault(); canned.active = i; insertCanned(input, tab); },
    }, h("code", a.shortcut), " ", h("strong", a.title), a.bot ? null : h("span.canned-global", t("cannedGlobal")),
    h("div.canned-text", a.text.length > 140 ? `${a.text.slice(0, 140)}…` : a.text)))));
  const active = canned.items[canned.active];
  input.setAttribute("aria-activedescendant", `canned-${active.id}`);
  document.getElementById(`canned-${active.id}`)?.scrollIntoView({ block: "nearest" });
}

function closeCanned() {
  if (!canned.open) return;
  canned = { open: false, items: [], active: 0, query: null };
  const input = document.getElementById("composer-input");
  if (input) drawCanned(input, null);
}

/** Keys while the list is open; true when the key was the list's. */
function cannedKey(e, tab) {
  if (!canned.open) return false;
  const n = canned.items.length;
  switch (e.key) {
    case "ArrowDown": if (n) { canned.active = (canned.active + 1) % n; drawCanned(e.target, tab); } return true;
    case "ArrowUp": if (n) { canned.active = (canned.active - 1 + n) % n; drawCanned(e.target, tab); } return true;
    case "Escape": closeCanned(); return true;
    case "Enter":
    case "Tab":
      if (!n || e.shiftKey) return false;
      insertCanned(e.target, tab);
      return true;
    default: return false;
  }
}

function insertCanned(input, tab) {
  const a = canned.items[canned.active];
  if (!a) return;
  const s = app.state;
  const current = s.tabs[tab.id] || tab;
  const item = monitoredItem(s, tab.id);
  const text = fillCanned(a.text, {
    // The name the embedding site gave (an identified user), else the monitored record's.
    visitor_name: visitorNameOf(tab.id) || (item && item.visitor_name) || "",
    operator_name: s.me && s.me.operator ? s.me.operator.name : "",
    conversation_name: tabTitle(current.id, s),
  });
  const caret = input.selectionStart ?? input.value.length;
  const rest = input.value.slice(caret);
  input.value = `${text}${rest}`;
  const at = text.length;
  input.setSelectionRange(at, at);
  closeCanned();
  dispatch({ type: "local/draft", conversation: tab.id, text: input.value });
  input.focus();
}
