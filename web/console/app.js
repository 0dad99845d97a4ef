// The console's store: the one state (state.js), `dispatch(action)` → `reduce` → the views
// redraw what changed (one render path: render(state, prev) of each view, in order) → the
// effects the reducer listed are run (frames to send, beeps, notices, timers) → what must
// survive a reload is saved (sessionStorage / localStorage).
import { T } from "./i18n.js";
import { reduce, initialState } from "./state.js";
import { translator, colon } from "../shared/i18n.js";
import { $, announce as announceIn } from "../shared/dom.js";
import { tabTitle, shortId } from "./format.js";
import { errorSentence, httpErrorSentence } from "../shared/errors.js";

/** An API error (HttpError or network failure) as a sentence in the console's language. */
export const errText = (err) => httpErrorSentence(app.state.lang, err);
/** A field error `{field, code, params, message}` as a sentence (shown next to its input). */
export const fieldText = (f) => errorSentence(app.state.lang, f);

export const TABS_KEY = "vigie.console.tabs";
export const OUTBOX_KEY = "vigie.console.outbox";
export const CURRENT_KEY = "vigie.console.current";
export const MUTE_KEY = "vigie.console.muted";
export const SEEN_KEY = "vigie.console.monitored.seen"; // + operator id: strong conversations already opened once
export const SIDE_KEY = "vigie.console.side";
export const LANG_KEY = "vigie.console.lang";
const MAX_SEEN = 1000;

/** The singletons, set at boot (main.js): the state, the connection, the API client. */
export const app = {
  state: initialState(),
  conn: null,
  api: null,
  views: [], // {render(state, prev)}, in drawing order
  effects: {}, // fx name → function(effect, state): the connection's are added by connection.js
  logout: null, // main.js: signs out (the top bar's button)
};

export const t = translator(T, () => app.state.lang);

export function loadJson(storage, key, fallback) {
  try {
    const v = JSON.parse(storage.getItem(key));
    return v ?? fallback;
  } catch { return fallback; }
}
function save(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch { /* kept in memory */ }
}
export const seenKey = (me) => `${SEEN_KEY}.${(me && me.operator && me.operator.id) || 0}`;

let rendering = false;
let queued = [];

/** Applies `action` (a server frame or a local action), redraws, runs its effects. */
export function dispatch(action) {
  if (rendering) { queued.push(action); return; }
  const prev = app.state;
  let next = reduce(prev, action);
  if (next === prev) return;
  const effects = next.effects;
  if (effects.length) next = { ...next, effects: [] };
  app.state = next;
  rendering = true;
  try {
    render(next, prev);
  } finally {
    rendering = false;
  }
  persist(next, prev);
  for (const e of effects) runEffect(e, next);
  while (queued.length) dispatch(queued.shift());
}

/** Draws every view from the state; `prev` null: from scratch. */
export function render(state = app.state, prev = null) {
  let from = prev;
  for (const view of app.views) {
    // A view that rebuilt the containers of the next ones (the layout) returns true: they
    // draw from scratch.
    if (view.render(state, from)) from = null;
  }
}

function persist(s, p) {
  if (s.tabs !== p.tabs || s.current !== p.current) {
    const o = {};
    for (const [id, tab] of Object.entries(s.tabs)) o[id] = tab.lastSeq;
    save(sessionStorage, TABS_KEY, JSON.stringify(o));
    save(sessionStorage, CURRENT_KEY, s.current || null);
  }
  if (s.outbox !== p.outbox) save(sessionStorage, OUTBOX_KEY, JSON.stringify(s.outbox));
  if (s.muted !== p.muted) save(localStorage, MUTE_KEY, s.muted ? "1" : "0");
  if (s.sideView !== p.sideView) save(sessionStorage, SIDE_KEY, s.sideView === "create" ? s.lastSideView : s.sideView);
  if (s.seen !== p.seen && s.me) save(localStorage, seenKey(s.me), JSON.stringify(s.seen.slice(-MAX_SEEN)));
  if (s.lang !== p.lang) save(localStorage, LANG_KEY, s.lang);
}

// ---- effects that are no frame: sound, screen reader, notices, timers

let audio = null;
export function beep() {
  if (app.state.muted) return;
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

export const announce = (text) => announceIn($("live"), text);

let noticeTimer = 0;
export function showNotice(text, kind = "error") {
  const n = $("notice");
  if (!n) return;
  n.textContent = text;
  n.className = `notice${kind === "ok" ? " ok" : ""}`;
  n.setAttribute("role", kind === "ok" ? "status" : "alert");
  n.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { n.hidden = true; }, 6_000);
}

function runEffect(e, state) {
  const own = app.effects[e.fx];
  if (own) { own(e, state); return; }
  switch (e.fx) {
    case "beep": beep(); break;
    case "later": setTimeout(() => dispatch(e.action), e.ms); break;
    case "announce": announce(announceText(e, state)); break;
    case "taken": {
      // A supervisor took one of my conversations: a notice that stays readable in the tab too.
      const text = takenText(e, tabTitle(e.conversation, state));
      showNotice(text);
      announce(text);
      break;
    }
    case "notice":
      showNotice(e.key ? t(e.key, tabTitle(e.conversation, state))
        : e.code ? errorSentence(state.lang, { code: e.code, message: e.message || t("error") })
        : e.message || t("error"));
      break;
    default: break;
  }
}

/** "Sophie (supervision) a repris la conversation Visiteur #ab12cd." — take over, reassign or end. */
export function takenText(taken, title) {
  if (taken.action === "reassign") return t("takenReassign", taken.by, taken.to || "", title);
  if (taken.action === "end") return t("takenEnd", taken.by, title);
  return t("takenOver", taken.by, title);
}

function announceText(e, state) {
  switch (e.key) {
    case "newConversation": return `${t("conversations")}${colon(app.state.lang)}${t("newConversation")} ${shortId(e.conversation)}`;
    case "message": return `${tabTitle(e.conversation, state)}${colon(app.state.lang)}${e.text}`;
    case "monitoredOpened": return `${t("mcShort")}${colon(app.state.lang)}${e.name}`;
    default: return t(e.key, tabTitle(e.conversation, state));
  }
}
