// The console's state and `reduce(state, action)`: what every server frame (docs/protocol.md,
// "Operator side") and every local action does to it. Pure: no DOM, no storage, no clock;
// what must happen outside (a frame to send, a beep, a notice, a timer) is listed in
// `state.effects`, which the store (app.js) runs and empties after each action. The views
// only read the state (views/), so the tests (tests/js/) run it under `node --test`.
//
// Immutable updates: an unchanged part keeps its identity, so a view redraws only when its
// part of the state changed; an action that changes nothing returns the same state.

export const SIDE_VIEWS = ["livechat", "monitored", "create", "supervision"];

/** Supervisors and admins: the supervision page, whisper, take over, reassign, end. */
export const supervises = (state) => !!(state.me && state.me.operator && (state.me.operator.role === "admin" || state.me.operator.role === "supervisor"));

/**
 * The monitored-conversation form's fields (the red eye). `lang`: the visitor's language
 * (mail and chatbox), chosen explicitly, the console's by default; the starting knowledge
 * is searched in it.
 */
export function newForm(lang = "fr") {
  return { name: "", lang, knowledge: null, knowledgeText: "", email: "", strong: true, bot: null, busy: false, options: [], active: -1, comboOpen: false };
}

/** The monitored list's filters: whose, state, mail status, text. */
export function newMcFilter() {
  return { who: "all", state: "", mail: "", text: "" };
}

export function initialState({ lang = "fr", current = null, outbox = [], muted = false, sideView = "livechat", focused = true } = {}) {
  return {
    me: null, // {operator, csrf_token}
    lang,
    focused, // the page is looked at (focus and visible)
    unseen: 0, // messages that came while it was not (the document title)
    ready: false, // welcome and replay done on the current connection
    everReady: false, // ready once since the sign-in: later replays are news
    availability: null,
    awayReason: null, // with availability "away": the reason given, one of awayReasons
    awayReasons: [], // the admins' list (welcome)
    prefs: defaultPrefs(), // the operator's console preferences (GET /me/preferences)
    queue: [],
    presence: [],
    tabs: {}, // conversation id → tab, in the order of the tab strip
    current,
    taking: null, // the conversation just taken from the queue: shown when assigned
    outbox, // {client_id, kind, conversation, label, frame}: sent, not acknowledged yet
    monitored: { known: false, list: [] },
    // Supervisors (the `supervision` frame): every open conversation; `now`: the server's clock.
    supervision: { known: false, now: 0, conversations: [] },
    mcFilter: newMcFilter(), // the monitored list's filters
    seen: [], // strong monitored conversations that already opened a tab in this browser
    muted,
    sideView: SIDE_VIEWS.includes(sideView) ? sideView : "livechat",
    lastSideView: "livechat", // where the form's Cancel goes back to
    box: null, // the pane's open inline box: "resend", "transfer" or "end"
    kb: { query: "", results: [], searched: false },
    form: newForm(lang),
    effects: [],
  };
}

/** The console preferences before the server's are read (same defaults as the server). */
export function defaultPrefs() {
  return { sound: true, desktop: { queue: true, messages: true, monitored_opened: true, weak_replies: false } };
}

/** Unread messages over every tab (the document title). */
export const unreadTotal = (state) => Object.values(state.tabs).reduce((n, tb) => n + (tb.unread || 0), 0);

/** A tab; `lastSeq`: what a previous page of this session had shown (replayed, not news). */
export function newTab(id, { lastSeq = 0, flash = false, outbox = [] } = {}) {
  return {
    id,
    lastSeq: 0, // highest seq shown
    helloSeq: lastSeq,
    messages: [], // sorted by seq, each seq once
    echoes: outbox.filter((i) => i.conversation === id && TYPED.includes(i.kind)).map(echoOf), // own messages not stored yet
    noteMode: false, // the composer writes a private note
    whisperMode: false, // a supervisor's composer whispers to the operator holding it
    state: null, // the conversation's state, from its `conversation` frame
    taken: null, // a supervisor took it from this operator: {action, by, to}
    held: false,
    bot: null, // from the server's `conversation` frame
    lang: null,
    flashing: flash,
    unread: 0,
    lastVisitorAt: 0,
    typing: false, // the visitor is typing
    typingSerial: 0,
    draft: "",
    lastOffer: 0, // seq of the latest help_offered
    lastAnswer: 0, // seq of the latest help_accepted / help_declined / operator_joined
    lastAnswerEvent: null,
  };
}
const echoOf = (item) => ({ client_id: item.client_id, label: item.label, state: "pending", seq: null, error: null, note: item.kind === "note", whisper: item.kind === "whisper" });
const TYPED = ["send", "note", "whisper"];

// ---- selectors

/** The answer's text with its variables filled, for this conversation. */
export function fillCanned(text, vars) {
  // An empty value takes the spaces before it along ("Bonjour {visitor_name}," → "Bonjour,").
  return text.replace(/([ \t]*)\{(visitor_name|operator_name|conversation_name)\}/g, (_, sp, k) => (vars[k] ? `${sp}${vars[k]}` : ""));
}

export const monitoredItem = (state, id) => (id && state.monitored.list.find((it) => it.conversation === id)) || null;

/** A monitored conversation that is over: its link revoked or expired (`now`: ms), or closed. */
export function monitoredFinished(item, now = null) {
  if (!item) return true;
  if (item.revoked || item.state === "closed") return true;
  return typeof now === "number" && typeof item.expires_at === "number" && item.expires_at <= now;
}

const folded = (v) => String(v || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/**
 * The monitored list as the filters show it: whose ("all" or "mine"), state ("bot",
 * "queued", "live", or "revoked"), mail status, and a text found in the name, the address,
 * the creator or the starting knowledge (accents and case ignored).
 */
export function filteredMonitored(state) {
  const f = state.mcFilter || newMcFilter();
  const words = folded(f.text).split(/\s+/).filter(Boolean);
  return state.monitored.list.filter((it) => {
    if (f.who === "mine" && !it.mine) return false;
    if (f.state === "revoked" ? !it.revoked : f.state && (it.state || "bot") !== f.state) return false;
    if (f.mail && ((it.mail && it.mail.status) || "queued") !== f.mail) return false;
    if (!words.length) return true;
    const k = it.starting_knowledge || {};
    const hay = folded([it.name, it.email, it.creator && it.creator.name, k.title, k.id, it.conversation].join(" "));
    return words.every((w) => hay.includes(w));
  });
}

/** "Offer help" waits for an answer: sent and not acknowledged, or offered and not answered. */
export function offerPending(state, tab) {
  const item = monitoredItem(state, tab.id);
  return state.outbox.some((i) => i.kind === "offer_help" && i.conversation === tab.id)
    || !!(item && item.offer_pending) || tab.lastOffer > tab.lastAnswer;
}

/** Knowledge may be sent in a conversation held, and in a monitored one not live with someone else. */
export function canSendKnowledge(state, tab) {
  if (!tab) return false;
  if (tab.held) return true;
  const item = monitoredItem(state, tab.id);
  // ...and that this operator may act on (its creator, an admin: `may_act` from the server).
  return !!item && item.state !== "live" && item.may_act !== false;
}

export function hasSeq(messages, seq) {
  let lo = 0;
  let hi = messages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = messages[mid].seq;
    if (s === seq) return true;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
function insertSorted(messages, m) {
  let i = messages.length;
  while (i > 0 && messages[i - 1].seq > m.seq) i--;
  return [...messages.slice(0, i), m, ...messages.slice(i)];
}

// ---- helpers

const fx = (state, ...effects) => (effects.length ? { ...state, effects: [...state.effects, ...effects] } : state);
const setTab = (state, tab) => ({ ...state, tabs: { ...state.tabs, [tab.id]: tab } });
const patchTab = (state, id, patch) => (state.tabs[id] ? setTab(state, { ...state.tabs[id], ...patch }) : state);
const firstTab = (tabs) => Object.keys(tabs)[0] || null;
const BEEP = { fx: "beep" };

function withTab(state, id, { lastSeq = 0, flash = false } = {}) {
  if (state.tabs[id]) return state;
  return setTab(state, newTab(id, { lastSeq, flash, outbox: state.outbox }));
}

/** A tab following conversation `id` (a monitored one…): `open` asked of the server if new. */
function follow(state, id, { flash = false } = {}) {
  if (state.tabs[id]) return state;
  return fx(withTab(state, id, { flash }), { fx: "raw", frame: { type: "open", conversation: id, last_seq: 0 } });
}

function select(state, id) {
  if (!state.tabs[id]) return state;
  return { ...patchTab(state, id, { flashing: false, unread: 0 }), current: id, box: null };
}

function markSeen(state, id) {
  return state.seen.includes(id) ? state : { ...state, seen: [...state.seen, id] };
}

// The pane is rebuilt (its inline boxes closed) when what it shows changes kind.
function paneKey(state) {
  const tab = state.tabs[state.current];
  return tab ? `${tab.id}|${tab.held}|${!!monitoredItem(state, tab.id)}` : "";
}
function keepBox(prev, next) {
  return next.box && paneKey(prev) !== paneKey(next) ? { ...next, box: null } : next;
}

// ---- server frames

function onMessage(state, m) {
  if (!m.conversation || typeof m.seq !== "number") return state;
  state = withTab(state, m.conversation);
  let tab = state.tabs[m.conversation];
  const echoes = tab.echoes.filter((e) => !(m.client_id && e.client_id === m.client_id) && !(e.state === "sent" && e.seq === m.seq));
  if (echoes.length !== tab.echoes.length) tab = { ...tab, echoes };
  if (hasSeq(tab.messages, m.seq)) return setTab(state, tab);
  tab = { ...tab, messages: insertSorted(tab.messages, m) };
  const fresh = m.seq > tab.helloSeq && state.everReady;
  if (m.seq > tab.lastSeq) tab.lastSeq = m.seq;
  const effects = [];
  let unseen = state.unseen;
  if (m.kind === "event") {
    let help = true;
    if (m.event === "help_offered") tab.lastOffer = Math.max(tab.lastOffer, m.seq);
    else if (m.event === "help_accepted" || m.event === "help_declined" || m.event === "operator_joined") {
      if (m.seq > tab.lastAnswer) { tab.lastAnswer = m.seq; tab.lastAnswerEvent = m.event; }
    } else help = false;
    if (help && fresh && state.ready && m.event === "help_declined") {
      effects.push({ fx: "notice", key: "offerDeclinedNotice", conversation: tab.id }, BEEP);
    } else if (help && fresh && state.ready && m.event === "help_accepted") {
      effects.push({ fx: "announce", key: "offerAcceptedNotice", conversation: tab.id });
    }
  }
  if (m.author === "visitor") {
    tab.lastVisitorAt = Math.max(tab.lastVisitorAt, m.created_at || 0);
    tab.typing = false;
    const looking = tab.id === state.current && state.focused;
    if (!looking && m.seq > tab.helloSeq) tab.unread += 1;
    if (fresh && state.ready) {
      effects.push({ fx: "announce", key: "message", conversation: tab.id, text: (m.text || "").slice(0, 200) });
      if (!state.focused) { unseen += 1; effects.push(BEEP); }
      // Not in front (another tab, or the page not looked at): a desktop notification.
      if (!looking) effects.push({ fx: "notify", kind: "message", conversation: tab.id, text: (m.text || "").slice(0, 200) });
    }
  }
  return fx({ ...setTab(state, tab), unseen }, ...effects);
}

function onAssigned(state, ids) {
  const prev = state;
  const held = new Set(ids);
  let fresh = null;
  const effects = [];
  for (const id of ids) {
    const known = !!state.tabs[id];
    state = withTab(state, id, { flash: !known });
    if (!known) {
      fresh = id;
      effects.push({ fx: "announce", key: "newConversation", conversation: id });
    }
    if (!state.tabs[id].held) state = patchTab(state, id, { held: true, taken: null, whisperMode: false });
  }
  for (const tab of Object.values(state.tabs)) if (!held.has(tab.id) && tab.held) state = patchTab(state, tab.id, { held: false });
  if (fresh && state.everReady) effects.push(BEEP);
  let { current, taking } = state;
  if (taking && held.has(taking)) {
    current = taking;
    state = patchTab(state, taking, { flashing: false });
    taking = null;
  }
  if (!current || !state.tabs[current]) current = fresh || firstTab(state.tabs);
  return fx(keepBox(prev, { ...state, current, taking }), ...effects);
}

// The whole list, after `welcome` and after every change. A strong conversation of this
// operator, open and unfinished (not revoked, closed nor expired: `at`, the frame's arrival
// time, tells), opens a tab the first time this browser sees it. Those already there in the
// first list of this page were seen by their creator where they were created (the creating
// console opens their tab at once): tab, but not "new" (no flash, no beep). Those that come
// later (created meanwhile elsewhere) are news.
function onMonitored(state, items, at = null) {
  const prev = state;
  const list = items.filter((it) => it && typeof it.conversation === "string");
  const catchUp = !state.monitored.known;
  const before = new Map(prev.monitored.list.map((it) => [it.conversation, it]));
  state = { ...state, monitored: { known: true, list } };
  if (!catchUp && state.everReady) {
    // News of my monitored conversations since the previous list: first opened by the
    // visitor; the visitor wrote in a weak one (a strong one has a tab: `message` covers it).
    for (const it of list) {
      const was = before.get(it.conversation);
      if (!it.mine || !was) continue;
      if (it.opened_at && !was.opened_at) state = fx(state, { fx: "notify", kind: "monitored_opened", conversation: it.conversation, name: it.name || "" });
      else if (!it.strong && !state.tabs[it.conversation] && (it.last_visitor_at || 0) > (was.last_visitor_at || 0)) {
        state = fx(state, { fx: "notify", kind: "weak_reply", conversation: it.conversation, name: it.name || "" });
      }
    }
  }
  let opened = null;
  for (const it of list) {
    if (!it.strong || !it.mine || state.seen.includes(it.conversation)) continue;
    if (monitoredFinished(it, at)) continue;
    state = markSeen(state, it.conversation);
    if (state.tabs[it.conversation]) continue;
    // Seen by this operator already (the server knows, whichever browser): not "nouvelle".
    state = follow(state, it.conversation, { flash: !catchUp && !it.seen });
    opened = opened || it;
  }
  if (opened) {
    if (!catchUp) {
      state = fx(state, { fx: "announce", key: "monitoredOpened", name: opened.name || "" });
      if (state.everReady) state = fx(state, BEEP);
    }
    if (!state.current || !state.tabs[state.current]) state = { ...state, current: opened.conversation };
  }
  return keepBox(prev, state);
}

function upsertMonitored(state, item) {
  if (!item || typeof item.conversation !== "string") return state;
  const list = state.monitored.list;
  const i = list.findIndex((x) => x.conversation === item.conversation);
  // Of two copies, the later read wins: an answer to a create must not undo a fresher
  // `monitored` frame (the mail sent meanwhile).
  if (i >= 0 && (list[i].read_at || 0) > (item.read_at || 0)) return state;
  const next = i >= 0 ? list.map((x, j) => (j === i ? item : x)) : [item, ...list];
  return keepBox(state, { ...state, monitored: { ...state.monitored, list: next } });
}

function setEcho(state, id, clientId, change) {
  const tab = state.tabs[id];
  if (!tab || !tab.echoes.some((e) => e.client_id === clientId)) return state;
  const echoes = change === null ? tab.echoes.filter((e) => e.client_id !== clientId)
    : tab.echoes.map((e) => (e.client_id === clientId ? { ...e, ...change } : e));
  return setTab(state, { ...tab, echoes });
}

function onAck(state, f) {
  if (!f.client_id) return state;
  const item = state.outbox.find((i) => i.client_id === f.client_id);
  if (item) state = { ...state, outbox: state.outbox.filter((i) => i !== item) };
  const id = f.conversation || (item && item.conversation);
  const tab = state.tabs[id];
  if (!tab) return state;
  if (typeof f.seq === "number" && hasSeq(tab.messages, f.seq)) return setEcho(state, id, f.client_id, null);
  return setEcho(state, id, f.client_id, { state: "sent", seq: f.seq });
}

function onError(state, f) {
  if (f.client_id) {
    const item = state.outbox.find((i) => i.client_id === f.client_id);
    if (f.code === "rate_limited" || f.code === "internal") return fx(state, { fx: "retry", client_id: f.client_id, ms: 2_000 });
    if (item) {
      state = { ...state, outbox: state.outbox.filter((i) => i !== item) };
      state = setEcho(state, item.conversation, item.client_id, { state: "failed", error: f.message || "", code: f.code || null });
    }
  }
  if (f.code === "hello_first") return fx(state, { fx: "reconnect" });
  return fx(state, { fx: "notice", code: f.code, message: f.message || null });
}

function onFrame(state, f) {
  switch (f.type) {
    case "welcome": {
      if (f.operator && state.me) state = { ...state, me: { ...state.me, operator: { ...state.me.operator, ...f.operator } } };
      if (Array.isArray(f.away_reasons)) state = { ...state, awayReasons: f.away_reasons.filter((r) => typeof r === "string") };
      return f.availability ? { ...state, availability: f.availability, awayReason: f.reason || null } : state;
    }
    case "message": return onMessage(state, f);
    case "queue": {
      const items = Array.isArray(f.items) ? f.items : [];
      const known = new Set(state.queue.map((q) => q.conversation));
      const fresh = state.everReady && state.ready ? items.filter((q) => !known.has(q.conversation)) : [];
      state = { ...state, queue: items };
      return fresh.length ? fx(state, { fx: "notify", kind: "queue", conversation: fresh[0].conversation, count: items.length }) : state;
    }
    case "presence": return { ...state, presence: Array.isArray(f.operators) ? f.operators : [] };
    case "assigned": return onAssigned(state, Array.isArray(f.conversations) ? f.conversations : []);
    case "monitored": return onMonitored(state, Array.isArray(f.items) ? f.items : [], typeof f.at === "number" ? f.at : null);
    case "conversation": {
      // Its bot and language: the knowledge search of this tab uses them.
      if (!f.conversation) return state;
      state = withTab(state, f.conversation);
      return patchTab(state, f.conversation, { bot: typeof f.bot === "string" ? f.bot : null, lang: typeof f.lang === "string" ? f.lang : null,
        state: typeof f.state === "string" ? f.state : null });
    }
    case "supervision": {
      const conversations = Array.isArray(f.conversations) ? f.conversations.filter((c) => c && typeof c.conversation === "string") : [];
      return { ...state, supervision: { known: true, now: typeof f.now === "number" ? f.now : 0, conversations } };
    }
    case "taken_over": {
      // A supervisor took one of this operator's conversations (take over, reassign, end):
      // the tab stays, read-only, and says so.
      if (!f.conversation || !state.tabs[f.conversation]) return state;
      const taken = { action: f.action || "take_over", by: f.by || "", to: f.to || null };
      const prev = state;
      state = patchTab(state, f.conversation, { held: false, taken, whisperMode: false });
      return fx(keepBox(prev, state), { fx: "taken", conversation: f.conversation, ...taken }, BEEP);
    }
    case "availability": return f.status ? { ...state, availability: f.status, awayReason: f.reason || null } : state;
    case "typing": {
      const tab = f.author === "visitor" && f.conversation && state.tabs[f.conversation];
      if (!tab) return state;
      const serial = tab.typingSerial + 1;
      state = patchTab(state, tab.id, { typing: !!f.on, typingSerial: serial });
      return f.on ? fx(state, { fx: "later", ms: 15_000, action: { type: "local/typing_expired", conversation: tab.id, serial } }) : state;
    }
    // The visitor record changed (a page, the chatbox opened again): its panel re-reads it.
    case "visitor_changed": {
      const tab = f.conversation && state.tabs[f.conversation];
      return tab ? patchTab(state, tab.id, { visitorRev: (tab.visitorRev || 0) + 1 }) : state;
    }
    case "ack": return onAck(state, f);
    case "error": return onError(state, f);
    case "replay_done": {
      state = fx({ ...state, ready: true, everReady: true }, { fx: "flush" });
      // The supervision page is open: its list again, on this connection.
      return state.sideView === "supervision" && supervises(state)
        ? fx(state, { fx: "raw", frame: { type: "supervise", on: true } }) : state;
    }
    default: return state;
  }
}

// ---- local actions

function onLocal(state, a) {
  switch (a.type) {
    case "local/signed_in": {
      state = { ...state, me: a.me, seen: a.seen || [] };
      for (const [id, seq] of Object.entries(a.tabs || {})) if (typeof seq === "number") state = withTab(state, id, { lastSeq: seq });
      let current = state.current;
      if (current && !state.tabs[current]) current = null;
      return { ...state, current: current || firstTab(state.tabs) };
    }
    case "local/signed_out": return { ...state, me: null, ready: false };
    // The operator renamed themselves (my account).
    case "local/me": return { ...state, me: a.me };
    case "local/logout": {
      const fresh = initialState({ lang: state.lang, muted: state.muted, sideView: state.sideView, focused: state.focused });
      fresh.prefs = state.prefs;
      return { ...fresh, kb: state.kb, lastSideView: state.lastSideView };
    }
    case "local/lost": return state.ready ? { ...state, ready: false } : state;
    case "local/focus": {
      if (!a.window) return state.focused === a.focused ? state : { ...state, focused: a.focused };
      // The window got the focus: what came meanwhile is seen.
      state = { ...state, focused: a.focused, unseen: 0 };
      const tab = state.tabs[state.current];
      return tab && tab.unread ? patchTab(state, tab.id, { unread: 0 }) : state;
    }
    case "local/lang": return { ...state, lang: a.lang };
    case "local/mute": {
      const prefs = { ...state.prefs, sound: state.muted };
      return fx({ ...state, muted: !state.muted, prefs }, { fx: "save_prefs" });
    }
    // The server's preferences (read at sign-in), or the operator changed them (saved).
    case "local/prefs": {
      const prefs = { ...defaultPrefs(), ...a.prefs, desktop: { ...defaultPrefs().desktop, ...(a.prefs && a.prefs.desktop) } };
      state = { ...state, prefs, muted: !prefs.sound };
      return a.save ? fx(state, { fx: "save_prefs" }) : state;
    }
    case "local/select": return select(state, a.id);
    case "local/follow": {
      // Opened by the operator (the monitored list, a conversation just created): selected.
      state = follow(markSeen(state, a.id), a.id);
      return select(patchTab(state, a.id, { flashing: false }), a.id);
    }
    case "local/close_tab": {
      const tab = state.tabs[a.id];
      if (!tab || tab.held) return state;
      const { [a.id]: _gone, ...tabs } = state.tabs;
      const current = state.current === a.id ? firstTab(tabs) : state.current;
      return fx({ ...state, tabs, current, box: state.current === a.id ? null : state.box, outbox: state.outbox.filter((i) => i.conversation !== a.id) },
        { fx: "raw", frame: { type: "close_tab", conversation: a.id } });
    }
    case "local/submit": {
      const item = a.item;
      state = { ...state, outbox: [...state.outbox, item] };
      const tab = TYPED.includes(item.kind) && state.tabs[item.conversation];
      if (tab) state = setTab(state, { ...tab, echoes: [...tab.echoes, echoOf(item)] });
      return fx(state, { fx: "send", frame: item.frame });
    }
    case "local/take":
      if (!state.ready) return state;
      return fx({ ...state, taking: a.id }, { fx: "raw", frame: { type: "take", conversation: a.id } });
    case "local/draft": return patchTab(state, a.conversation, { draft: a.text });
    case "local/note_mode": return patchTab(state, a.conversation, { noteMode: !!a.on, whisperMode: false });
    case "local/whisper_mode": return patchTab(state, a.conversation, { whisperMode: !!a.on, noteMode: false });
    case "local/typing_expired": {
      const tab = state.tabs[a.conversation];
      return tab && tab.typingSerial === a.serial && tab.typing ? patchTab(state, tab.id, { typing: false }) : state;
    }
    case "local/side": {
      let { sideView, lastSideView, form } = state;
      if (a.view === "create" && sideView !== "create") { lastSideView = sideView; form = newForm(state.lang); }
      if (sideView === "create" && a.view !== "create") form = { ...form, comboOpen: false, active: -1 };
      state = { ...state, sideView: a.view, lastSideView, form };
      // The supervision list comes only while its page is open.
      if ((a.view === "supervision") !== (sideView === "supervision") && supervises(state)) {
        state = fx(state, { fx: "raw", frame: { type: "supervise", on: a.view === "supervision" } });
      }
      return state;
    }
    case "local/box": return state.box === a.box ? state : { ...state, box: a.box };
    case "local/kb": return { ...state, kb: { ...state.kb, ...a.patch } };
    case "local/form": return { ...state, form: { ...state.form, ...a.patch } };
    case "local/form_reset": return { ...state, form: newForm(state.lang) };
    case "local/mc_filter": return { ...state, mcFilter: { ...state.mcFilter, ...a.patch } };
    case "local/monitored_upsert": return upsertMonitored(state, a.item);
    case "local/seen": return markSeen(state, a.id);
    default: return state;
  }
}

/** The state after `action`: a server frame ({type: "message", …}) or a local action ({type: "local/…"}). */
export function reduce(state, action) {
  if (!action || typeof action.type !== "string") return state;
  return action.type.startsWith("local/") ? onLocal(state, action) : onFrame(state, action);
}
