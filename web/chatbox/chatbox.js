// Vigie chatbox: the visitor side of the realtime protocol (docs/protocol.md).
//
// Robustness rules, in short:
// - the visitor token, the conversation, the last seq shown, the recent messages and the
//   outbox live in localStorage (one key per bot), so a reload or another tab resumes the
//   conversation and shows its history at once, even offline;
// - messages are keyed by seq (never shown twice) and inserted in seq order; the
//   visitor's own messages are matched with what was shown before the ack by client_id;
// - every send/choose/handoff gets a client_id and stays in the outbox until its ack; after
//   a reconnection (exponential backoff with jitter) the outbox is sent again with the same
//   client_ids, and the server stores each exactly once.
// The connection itself (backoff, liveness, outbox flush) is shared with the operator
// console: web/shared/socket.js.
import { createSocket, clientId } from '../shared/socket.js';
import { h, $ } from '../shared/dom.js';
import { pickLang, deName, colon } from '../shared/i18n.js';
import { createApi } from '../shared/api.js';
import { createTranscriptOffer } from './transcript.js';
import { createOfflineForm } from './offline.js';
import { createAnswerFeedback, createSurvey } from './feedback.js';

const api = createApi();
const MAX_CHARS = 1000;
const CACHED_MESSAGES = 200;
const TYPING_IDLE_MS = 4_000;

const params = new URLSearchParams(location.search);
const bot = botFromPath(location.pathname);
const embedded = params.get('embed') === '1';
// Monitored conversations (docs/monitored-conversations.md): the code from the link the
// operator sent by mail. It is the credential of that conversation: `hello` presents it
// instead of a visitor token, and its state lives under its own localStorage key, so the
// token and conversation of this browser's ordinary conversation are never touched.
const monitoredCode = (params.get('vigie_mc') || '').trim() || null;
// A monitored conversation speaks its own language (chosen by the operator) unless the
// URL asks for one: the browser's language is not sent then.
const requestedLang = pickLang({ browser: monitoredCode ? null : 'languages' });

// ---------------------------------------------------------------------------------------
// Texts: resources come from the bot's configuration; these are the fallbacks.

const FALLBACK = {
  fr: {
    title: 'Assistant Vigie',
    welcome_message: "Bonjour ! Je suis l'assistant virtuel. Posez-moi votre question.",
    input_placeholder: 'Écrivez votre question…',
    send_label: 'Envoyer',
    reconnecting: 'Reconnexion…',
    error_generic: 'Une erreur est survenue. Veuillez réessayer.',
    not_understood: "Je n'ai pas compris votre question. Pouvez-vous la reformuler ?",
    launcher_label: "Ouvrir l'assistant",
    close_label: 'Fermer',
    new_message_label: 'Nouveau message',
    suggestions_intro: 'Votre question peut correspondre à plusieurs sujets. Lequel vous intéresse ?',
    related_intro: 'Voir aussi :',
    talk_to_operator: 'Parler à un conseiller',
    handoff_requested: 'Votre demande a été transmise. Un conseiller va vous répondre.',
    no_operator_available: "Aucun conseiller n'est disponible pour le moment. Veuillez réessayer plus tard.",
    visitor_blocked: 'Vous ne pouvez plus écrire dans cette conversation pour le moment. Merci de votre compréhension.',
    monitored_intro: 'Votre conseiller vous a envoyé cette conversation. Vous pouvez continuer à poser vos questions ici.',
    monitored_link_expired: 'Ce lien a expiré. Vous pouvez poser une nouvelle question ci-dessous.',
    monitored_link_invalid: "Ce lien n'est pas valide ou a été remplacé par un lien plus récent. Vous pouvez poser une nouvelle question ci-dessous.",
    help_accept: 'Oui, volontiers',
    help_decline: 'Non merci',
    transcript_offer: 'Souhaitez-vous recevoir la transcription de cette conversation par mail ?',
    transcript_email_label: 'Votre adresse mail',
    transcript_send: 'Recevoir la transcription',
    transcript_sent: 'La transcription a été envoyée à {email}.',
    transcript_invalid_email: "Cette adresse mail n'est pas valide. Vérifiez-la et réessayez.",
    transcript_failed: "La transcription n'a pas pu être envoyée. Veuillez réessayer plus tard.",
    offline_email_label: 'Votre adresse e-mail',
    offline_message_label: 'Votre message',
    offline_send: 'Envoyer le message',
    offline_invalid_email: 'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.',
    offline_empty: "Écrivez votre message avant de l'envoyer.",
    offline_failed: "Le message n'a pas pu être envoyé. Réessayez dans un instant.",
  },
  en: {
    title: 'Vigie Assistant',
    welcome_message: 'Hello! I am the virtual assistant. Ask me your question.',
    input_placeholder: 'Type your question…',
    send_label: 'Send',
    reconnecting: 'Reconnecting…',
    error_generic: 'Something went wrong. Please try again.',
    not_understood: 'I did not understand your question. Could you rephrase it?',
    launcher_label: 'Open the assistant',
    close_label: 'Close',
    new_message_label: 'New message',
    suggestions_intro: 'Your question may match several topics. Which one do you mean?',
    related_intro: 'See also:',
    talk_to_operator: 'Talk to an operator',
    handoff_requested: 'Your request has been passed on. An operator will answer you.',
    no_operator_available: 'No operator is available at the moment. Please try again later.',
    visitor_blocked: 'You can no longer write in this conversation for now. Thank you for your understanding.',
    monitored_intro: 'Your operator sent you this conversation. You can keep asking your questions here.',
    monitored_link_expired: 'This link has expired. You can ask a new question below.',
    monitored_link_invalid: 'This link is not valid or was replaced by a newer one. You can ask a new question below.',
    help_accept: 'Yes, please',
    help_decline: 'No, thanks',
    offline_email_label: 'Your email address',
    offline_message_label: 'Your message',
    offline_send: 'Send the message',
    offline_invalid_email: 'Enter a valid email address, for example name@example.com.',
    offline_empty: 'Write your message before sending it.',
    offline_failed: 'The message could not be sent. Try again in a moment.',
  },
};

// Interface words that are not configurable resources.
const UI = {
  fr: {
    log: 'Conversation', input: 'Votre message', you: 'Vous', operator: 'Conseiller',
    pending: 'En attente d’envoi', failed: 'Non envoyé', typing: 'Un conseiller écrit…',
    typing_named: '{name} écrit…', count: '{n}/{max}', too_long: 'Message trop long ({n}/{max} caractères)',
    unavailable: 'Ce chatbot est indisponible pour le moment.', archived: "Ce chatbot n'est plus disponible.", joined: '{name} a rejoint la conversation',
    // The dead-link page's button: what its text (monitored_link_*) invites to do below.
    new_conversation: 'Poser une nouvelle question', link_title: 'Lien de conversation',
    accepted: "Vous avez accepté l'aide {de_name}.", sent_by: '{name} vous a envoyé :',
  },
  en: {
    log: 'Conversation', input: 'Your message', you: 'You', operator: 'Operator',
    pending: 'Waiting to be sent', failed: 'Not sent', typing: 'An operator is typing…',
    typing_named: '{name} is typing…', count: '{n}/{max}', too_long: 'Message too long ({n}/{max} characters)',
    unavailable: 'This chatbot is unavailable at the moment.', archived: 'This chatbot is no longer available.', joined: '{name} joined the conversation',
    new_conversation: 'Ask a new question', link_title: 'Conversation link',
    accepted: "You accepted {name}'s help.", sent_by: '{name} sent you:',
  },
};

let lang = requestedLang || 'fr';
// Until a configuration is known (cached, fetched or in `welcome`): the modules' defaults.
const DEFAULT_MODULES = { livechat: true, suggestions: true, monitored_conversations: false };
let config = { modules: DEFAULT_MODULES, resources: {} };

const res = (key) => {
  const v = config.resources && config.resources[key];
  return typeof v === 'string' && v !== '' ? v : (FALLBACK[lang] || FALLBACK.fr)[key] || '';
};
const ui = (key, vars = {}) =>
  ((UI[lang] || UI.fr)[key] || '').replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));

// ---------------------------------------------------------------------------------------
// Persistent state, one localStorage key per bot.

// A monitored conversation keeps its state (conversation, last seq, messages, outbox) under
// a key of its own, per link code: a reload resumes it, and the ordinary state stays as it was.
const storeKey = monitoredCode ? `vigie.chatbox.v1.${bot}.mc.${monitoredCode.slice(0, 100)}` : `vigie.chatbox.v1.${bot}`;
const memoryStore = {};
function loadState() {
  try {
    const raw = localStorage.getItem(storeKey);
    if (raw) return JSON.parse(raw);
  } catch { /* blocked storage or bad JSON: start afresh */ }
  return memoryStore[storeKey] || {};
}
function saveState(patch) {
  const s = { ...loadState(), ...patch };
  memoryStore[storeKey] = s;
  try { localStorage.setItem(storeKey, JSON.stringify(s)); } catch { /* kept in memory */ }
}

const initial = loadState();
let token = monitoredCode ? null : initial.visitor_token || null;
let conversation = initial.conversation || null;
let lastSeq = 0; // highest seq shown in this page
const shown = new Map(); // seq → message
// The events that move the conversation (see conversationState()).
const STATE_EVENTS = {
  operator_joined: 'live', transferred: 'live', taken_over: 'live', help_accepted: 'live',
  queued: 'queued', operator_left: 'bot', queue_timeout: 'bot',
};
let outbox = Array.isArray(initial.outbox) ? initial.outbox : [];

function persistMessages() {
  const list = [...shown.values()].sort((a, b) => a.seq - b.seq).slice(-CACHED_MESSAGES);
  saveState({ conversation, messages: list, last_seq: lastSeq });
}
// The stored outbox is shared by the tabs of this bot: merge, never overwrite another tab's
// items; an item leaves it once any tab saw it acknowledged or stored.
const doneIds = new Set();
function persistOutbox() {
  const mine = new Set(outbox.map((i) => i.client_id));
  const others = (loadState().outbox || []).filter((i) => i && !mine.has(i.client_id) && !doneIds.has(i.client_id));
  saveState({ outbox: [...others, ...outbox] });
}

// ---------------------------------------------------------------------------------------
// DOM

const el = {
  box: $('vg-box'), title: $('vg-title'), close: $('vg-close'), banner: $('vg-banner'),
  scroll: $('vg-scroll'), log: $('vg-log'), typing: $('vg-typing'), typingText: $('vg-typing-text'),
  live: $('vg-live'), handoff: $('vg-handoff'), form: $('vg-form'), input: $('vg-input'),
  inputLabel: $('vg-input-label'), send: $('vg-send'), sendLabel: $('vg-send-label'), count: $('vg-count'),
  foot: document.querySelector('.vg-foot'),
};

// The transcript module's offer, above the message field.
const transcriptWrap = h('div', { class: 'vg-transcript-wrap' });
el.foot.insertBefore(transcriptWrap, el.form);
const transcriptOffer = createTranscriptOffer({
  el: transcriptWrap,
  res,
  send: (frame) => conn.raw(frame),
  knowsEmail: () => !!monitoredCode,
});

// The offline form (office hours closed, nobody on duty), above the message field.
const offlineWrap = h('div', { class: 'vg-offline-wrap' });
el.foot.insertBefore(offlineWrap, el.form);
const offlineForm = createOfflineForm({ el: offlineWrap, res, send: (frame) => conn.raw(frame) });
const OFFLINE_EVENTS = new Set(['offline_offered', 'offline_sent', 'operator_joined']);
let offlineTimer = 0;
function updateOfflineSoon() {
  clearTimeout(offlineTimer);
  offlineTimer = setTimeout(() => {
    const before = offlineWrap.childElementCount;
    offlineForm.update([...shown.values()]);
    // The form takes room from the log: keep the offer (its last message) in view.
    if (offlineWrap.childElementCount > before) requestAnimationFrame(() => { el.scroll.scrollTop = el.scroll.scrollHeight; });
  }, 0);
}

// The feedback modules (issue 14, item 4): ratings and surveys are kept per conversation.
const keptFor = (key) => () => { const s = loadState(); return s[`${key}_for`] === conversation ? s[key] : null; };
const keep = (key) => (v) => saveState({ [key]: v, [`${key}_for`]: conversation });
const moduleOn = (name) => !!(config.modules && config.modules[name]);
const answerFeedback = createAnswerFeedback({
  res,
  on: () => moduleOn('answer_feedback'),
  send: (frame) => conn.ready && conn.raw(frame),
  load: keptFor('ratings'),
  save: keep('ratings'),
  canHandoff: () => moduleOn('livechat') && conversationState() === 'bot' && !blocked,
  handoff: () => el.handoff.click(),
  rephrase: () => el.input.focus(),
});
const surveyWrap = h('div', { class: 'vg-survey-wrap' });
el.foot.insertBefore(surveyWrap, el.form);
const survey = createSurvey({
  el: surveyWrap,
  res,
  send: (frame) => conn.ready && conn.raw(frame),
  load: keptFor('surveys'),
  save: keep('surveys'),
});
function redecorate() {
  for (const li of el.log.querySelectorAll('li[data-seq]')) {
    const m = shown.get(Number(li.getAttribute('data-seq')));
    if (m) answerFeedback.decorate(li, m);
  }
}

function applyTexts() {
  document.documentElement.lang = lang;
  el.title.textContent = res('title');
  document.title = unread > 0 && !embedded ? `(${unread}) ${res('title')}` : res('title');
  el.log.setAttribute('aria-label', ui('log'));
  el.input.placeholder = res('input_placeholder');
  el.inputLabel.textContent = ui('input');
  el.sendLabel.textContent = res('send_label');
  el.send.title = res('send_label');
  el.close.setAttribute('aria-label', res('close_label'));
  el.close.title = res('close_label');
  el.handoff.textContent = res('talk_to_operator');
  transcriptOffer.relabel();
  offlineForm.relabel();
  survey.relabel();
  redecorate();
  updateHandoff();
  const welcome = $('vg-welcome-text');
  if (welcome) welcome.textContent = res('welcome_message');
  const intro = $('vg-intro-text');
  if (intro) intro.textContent = res('monitored_intro');
  for (const b of el.log.querySelectorAll('.vg-help button')) b.textContent = res(b.dataset.accept === 'true' ? 'help_accept' : 'help_decline');
  if (linkError) showLinkError(linkError);
  updateCount();
  updateBanner();
  postParent({ type: 'vigie:labels', labels: labelsForParent() });
}

function applyConfig(c, fromServer) {
  if (!c || typeof c !== 'object') return;
  config = { modules: c.modules || DEFAULT_MODULES, resources: c.resources || {} };
  if (fromServer) saveState({ [`config_${lang}`]: config });
  applyTexts();
}

// The welcome message is the bot's greeting shown at the top; it is not stored. A
// monitored conversation starts with the operator's knowledge instead, under a short intro.
function renderWelcome() {
  if (monitoredCode) {
    el.log.append(h('li', { class: 'vg-intro', 'data-welcome': '', 'data-intro': '', id: 'vg-intro-text', text: res('monitored_intro') }));
    return;
  }
  el.log.append(h('li', { class: 'vg-msg vg-bot', 'data-welcome': '' },
    h('div', { class: 'vg-bubble', id: 'vg-welcome-text', text: res('welcome_message') })));
}

// ---------------------------------------------------------------------------------------
// Rendering messages

// New messages scroll the list down unless the visitor scrolled up to read older ones.
const nearBottom = () => el.scroll.scrollHeight - el.scroll.scrollTop - el.scroll.clientHeight < 120;
function scrollDown(force, wasNearBottom = nearBottom()) {
  if (force || wasNearBottom) el.scroll.scrollTop = el.scroll.scrollHeight;
}

// `intro`: a caption shown above the chips; `label`: what a screen reader announces for
// the group (the caption by default).
function chips(items, intro, label = intro) {
  const list = (items || []).map((it) => (typeof it === 'string' ? { id: it, title: it } : it))
    .filter((it) => it && it.id);
  if (!list.length) return null;
  const wrap = h('div', { class: 'vg-chips-wrap' });
  if (intro) wrap.append(h('div', { class: 'vg-chips-intro', text: intro }));
  const row = h('div', { class: 'vg-chips', role: 'group', 'aria-label': label || null });
  for (const it of list) {
    const title = it.title || it.id;
    row.append(h('button', {
      type: 'button', class: 'vg-chip', 'data-knowledge': it.id, text: title,
      onclick: () => choose(it.id, title),
    }));
  }
  wrap.append(row);
  return wrap;
}

function eventText(m) {
  const name = m.event || '';
  if ((name === 'operator_joined' || name === 'taken_over') && m.operator && m.operator.name) return ui('joined', { name: m.operator.name });
  // Said here in the page's language, with the French elision ("l'aide d'Admin").
  if (name === 'help_accepted' && m.operator && m.operator.name) return ui('accepted', { name: m.operator.name, de_name: deName(m.operator.name) });
  const known = res(name);
  return known || m.text || name;
}

function timeTitle(ms) {
  if (!ms) return null;
  try { return new Date(ms).toLocaleString(lang); } catch { return null; }
}

function renderMessage(m) {
  const base = {
    'data-seq': m.seq, 'data-author': m.author, 'data-kind': m.kind,
    'data-client-id': m.client_id || null, title: timeTitle(m.created_at),
  };
  if (m.kind === 'event' && m.event === 'help_offered') {
    // An operator offers to take over: two buttons while this offer is the latest and unanswered
    // (see updateHelpButtons()).
    const li = h('li', { ...base, class: 'vg-system vg-help-offer', 'data-event': m.event },
      h('div', { class: 'vg-help-text', text: eventText(m) }));
    const row = h('div', { class: 'vg-help', role: 'group', 'aria-label': eventText(m) });
    for (const accept of [true, false]) {
      row.append(h('button', {
        type: 'button', class: `vg-help-btn ${accept ? 'vg-help-yes' : 'vg-help-no'}`, 'data-accept': String(accept),
        text: res(accept ? 'help_accept' : 'help_decline'), onclick: () => helpReply(m.seq, accept),
      }));
    }
    li.append(row);
    return li;
  }
  if (m.kind === 'event' || m.author === 'system') {
    return h('li', { ...base, class: 'vg-system', 'data-event': m.event || null, text: m.kind === 'event' ? eventText(m) : (m.text || '') });
  }
  const li = h('li', { ...base, class: `vg-msg vg-${m.author === 'visitor' ? 'visitor' : m.author === 'operator' ? 'operator' : 'bot'}` });
  const sentKnowledge = m.kind === 'knowledge' && m.operator && m.operator.name;
  if (m.author === 'operator' && !sentKnowledge) {
    li.append(h('div', { class: 'vg-who', text: (m.operator && m.operator.name) || ui('operator') }));
  } else if ((m.author === 'bot' || m.author === 'operator') && sentKnowledge) {
    // A knowledge an operator sent: said by that operator, not by the assistant.
    li.setAttribute('data-sent-by', m.operator.name);
    li.append(h('div', { class: 'vg-who', text: ui('sent_by', { name: m.operator.name }) }));
  }
  // A bot message says its own language: the answer follows the question's language,
  // which may differ from the interface's (screen readers, hyphenation, the tests).
  const textLang = m.author === 'bot' && (m.lang === 'fr' || m.lang === 'en') ? m.lang : null;
  if ((m.author === 'bot' || m.author === 'operator') && m.kind === 'knowledge' && typeof m.html === 'string') {
    const bubble = h('div', { class: 'vg-bubble vg-html', lang: textLang });
    // The only place HTML is inserted: answers are sanitized by the server.
    bubble.innerHTML = m.html;
    for (const a of bubble.querySelectorAll('a[href]')) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    }
    li.append(bubble);
  } else {
    const text = m.kind === 'not_understood' ? (m.text || res('not_understood')) : (m.text || '');
    li.append(h('div', { class: 'vg-bubble', text, lang: m.text ? textLang : null }));
  }
  if (m.author === 'bot') {
    const related = m.kind === 'knowledge' ? chips(m.related, res('related_intro')) : null;
    // the bubble of a `suggestions` message already says the intro: not twice
    const intro = m.kind === 'suggestions' ? res('suggestions_intro') : null;
    const suggested = chips(m.suggestions, m.text ? null : intro, intro);
    if (related) li.append(related);
    if (suggested) li.append(suggested);
    answerFeedback.decorate(li, m);
  }
  return li;
}

// Stored messages go in seq order, before the pending ones (which have no seq yet).
function insertBySeq(node, seq) {
  let before = null;
  for (const child of el.log.children) {
    if (child.hasAttribute('data-welcome')) continue;
    const s = child.getAttribute('data-seq');
    if (s === null || Number(s) > seq) { before = child; break; }
  }
  el.log.insertBefore(node, before);
}

function plainText(m) {
  if (m.kind === 'knowledge' && m.html) {
    const d = document.createElement('div');
    d.innerHTML = m.html;
    return d.textContent.trim().replace(/\s+/g, ' ').slice(0, 400);
  }
  return (m.text || '').slice(0, 400);
}

function announce(text) {
  el.live.textContent = '';
  setTimeout(() => { el.live.textContent = text; }, 50);
}

// A stored message from the server (replay, live, or the cache of an earlier page).
function showMessage(m, { fresh }) {
  if (!m || typeof m.seq !== 'number') return;
  if (m.conversation && conversation && m.conversation !== conversation) return;
  if (m.client_id) {
    const pending = el.log.querySelector(`[data-pending="${cssEscape(m.client_id)}"]`);
    if (pending) pending.remove();
    dropFromOutbox(m.client_id);
  }
  if (shown.has(m.seq)) return;
  shown.set(m.seq, m);
  if (m.seq > lastSeq) lastSeq = m.seq;
  const stick = nearBottom();
  const node = renderMessage(m);
  insertBySeq(node, m.seq);
  if (m.kind === 'event' && HELP_EVENTS.has(m.event)) updateHelpButtonsSoon();
  if (m.kind === 'event' && OFFLINE_EVENTS.has(m.event)) updateOfflineSoon();
  if (m.kind === 'event' && STATE_EVENTS[m.event]) updateHandoff();
  if (m.author === 'operator') setTyping(false);
  if (fresh && (m.author === 'bot' || m.author === 'operator')) {
    announce(`${res('new_message_label')}${colon(lang)}${m.kind === 'event' ? eventText(m) : plainText(m)}`);
    if (!visible()) setUnread(unread + 1);
  }
  scrollDown(m.author === 'visitor', stick);
  // A long answer: show its beginning rather than its end.
  if (stick && m.author !== 'visitor' && node.offsetHeight > el.scroll.clientHeight - 40) {
    el.scroll.scrollTop = node.offsetTop - 8; // .vg-log-wrap is the offsetParent
  }
}

function cssEscape(s) {
  return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
}

function renderPending(item) {
  if (item.kind === 'help_reply') { updateHelpButtonsSoon(); return; } // shown on the offer's buttons
  const attrs = { 'data-pending': item.client_id, 'data-state': 'pending', 'data-client-id': item.client_id };
  let li;
  if (item.kind === 'handoff') {
    li = h('li', { ...attrs, class: 'vg-system vg-pending', text: res('handoff_requested') });
  } else {
    li = h('li', { ...attrs, class: 'vg-msg vg-visitor vg-pending' },
      h('div', { class: 'vg-bubble', text: item.label }),
      h('div', { class: 'vg-meta', text: ui('pending') }));
  }
  el.log.append(li);
  scrollDown(true);
}

function markPending(clientId, state) {
  if (state === 'failed') updateHelpButtonsSoon();
  const li = el.log.querySelector(`[data-pending="${cssEscape(clientId)}"]`);
  if (!li) return;
  li.setAttribute('data-state', state);
  const meta = li.querySelector('.vg-meta');
  if (state === 'sent') {
    li.classList.remove('vg-pending');
    if (meta) meta.remove();
  } else if (state === 'failed') {
    li.classList.remove('vg-pending');
    li.classList.add('vg-failed');
    if (meta) meta.textContent = `${ui('failed')} — ${res('error_generic')}`;
  }
}

// Forget what is shown (the server started another conversation, or our cache is stale).
function resetView() {
  shown.clear();
  lastSeq = 0;
  for (const li of [...el.log.children]) {
    if (li.hasAttribute('data-seq')) li.remove();
  }
  persistMessages();
  updateHandoff();
  updateOfflineSoon();
}

// Where the conversation stands, from its events (docs/protocol.md, "Hand-over"): "live"
// (an operator is there), "queued" (waiting for one), else "bot".
function conversationState() {
  let seq = -1;
  let state = 'bot';
  for (const m of shown.values()) {
    const st = m.kind === 'event' && STATE_EVENTS[m.event];
    if (st && m.seq > seq) { seq = m.seq; state = st; }
  }
  return state;
}
// "Talk to an operator": only with the livechat module on, and not while an operator is
// there or the request waits in the queue (asking again would only repeat "transmitted").
function updateHandoff() {
  const state = conversationState();
  el.handoff.hidden = !(config.modules && config.modules.livechat) || state !== 'bot';
  el.box.setAttribute('data-state', state);
  // The transcript module: offered once an operator has left and the bot has it again.
  const ended = state === 'bot' && [...shown.values()].some((m) => m.kind === 'event' && m.event === 'operator_left');
  transcriptOffer.update(!!(config.modules && config.modules.transcript) && ended && !linkError, conversation);
  // The satisfaction module: the livechat that the latest `operator_left` ended, while the
  // bot has the conversation again.
  let last = null;
  for (const m of shown.values()) {
    if (m.kind === 'event' && STATE_EVENTS[m.event] && (!last || m.seq > last.seq)) last = m;
  }
  const endedSeq = state === 'bot' && last && last.event === 'operator_left' ? last.seq : null;
  survey.update(moduleOn('satisfaction') && !linkError && !blocked, endedSeq);
  answerFeedback.refresh();
}

// ---------------------------------------------------------------------------------------
// Connection

let everConnected = false;
let helloSeq = 0;
let firstReplay = true; // the first replay of a page is history, not news
let fatal = null;
// Blocked by an operator (issue 13, item 8): the chatbox says so politely and offers no input.
let blocked = false;
let linkError = null; // link_expired / link_revoked / link_invalid: the link is dead, no reconnection
let monitored = null; // welcome.monitored of a monitored conversation ({operator})
let welcomeConfig = false; // the configuration came with `welcome`

// `hello`: a monitored conversation is opened by its link code alone (no visitor token, no
// conversation id); the server answers with that conversation.
function helloFrame() {
  const base = { type: 'hello', v: 1, bot, lang: requestedLang, context: visitorContext() }; // lang null: the bot's (or the conversation's)
  if (monitoredCode) return { ...base, mc: monitoredCode, last_seq: lastSeq };
  return { ...base, visitor_token: token, conversation, last_seq: lastSeq };
}

// What the visitor record shows (issue 13, item 2): embedded, the loader tells the host
// page, the pages before it and the embedding site's identity (`vigie:hello`); alone, the
// page that linked here.
let hostContext = null;
let hostHeard = !embedded; // embedded: connect once the loader spoke (or after a moment)
function visitorContext() {
  let tz = null;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch { /* old browser */ }
  const own = { referrer: document.referrer || null, time_zone: tz, languages: (navigator.languages || [navigator.language]).slice(0, 8) };
  return hostContext ? { ...own, ...hostContext } : own;
}
if (!hostHeard) setTimeout(() => { if (!hostHeard) { hostHeard = true; conn.connect(); } }, 1500);

const conn = createSocket({
  path: '/ws/visitor',
  allowed: () => !!bot && !linkError && hostHeard,
  hello: () => {
    helloSeq = lastSeq;
    return helloFrame();
  },
  onFrame,
  onLost: () => {
    clearTimeout(replayTimer);
    updateBanner();
  },
});

// Shown again: read (embedded, the loader tells when its panel opens).
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && !embedded) setUnread(0);
});

// Re-sends what is not acknowledged yet, oldest first, at most 8 frames a second (the
// server accepts 10 a second per visitor, typing and pings included).
function flushOutbox() {
  conn.flush(() => outbox, 8);
}

function dropFromOutbox(clientId) {
  if (doneIds.has(clientId)) return;
  doneIds.add(clientId);
  outbox = outbox.filter((i) => i.client_id !== clientId);
  persistOutbox();
}

let retryTimer = 0;
function retryOutboxSoon(ms) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flushOutbox, ms);
}

function onFrame(f) {
  switch (f.type) {
    case 'welcome': {
      everConnected = true;
      fatal = null;
      setBlocked(!!f.blocked);
      if (f.identity === 'refused') console.warn('Vigie: the identity in window.VigieSettings was refused (wrong user_hash); the conversation goes on anonymously.');
      const changed = conversation && f.conversation && f.conversation !== conversation;
      conversation = f.conversation || conversation;
      // The interface follows the language asked for; else the conversation's.
      if (!requestedLang && (f.lang === 'fr' || f.lang === 'en')) lang = f.lang;
      if (monitoredCode) {
        // The link is the credential: no token to keep (and the ordinary one is elsewhere).
        monitored = f.monitored || monitored || {};
        saveState({ conversation });
      } else {
        token = f.visitor_token || token;
        saveState({ visitor_token: token, conversation });
      }
      if (f.config) { welcomeConfig = true; applyConfig(f.config, true); }
      else applyTexts();
      if (changed || (typeof f.last_seq === 'number' && f.last_seq < helloSeq)) {
        // Another conversation, or the server knows fewer messages than we show: start
        // over from what the server has.
        resetView();
        if (helloSeq > 0) { conn.lost(0); return; }
      }
      replayTimer = setTimeout(replayDone, 5_000); // in case replay_done never comes
      updateBanner();
      break;
    }
    case 'message':
      showMessage(f, { fresh: !firstReplay });
      break;
    case 'replay_done':
      replayDone();
      break;
    case 'ack':
      offlineForm.acked(f);
      if (f.client_id) {
        markPending(f.client_id, 'sent');
        dropFromOutbox(f.client_id);
      }
      break;
    case 'typing':
      if (f.author !== 'visitor') setTyping(!!f.on, f.name || (f.operator && f.operator.name));
      break;
    case 'pong':
      break;
    case 'transcript_sent':
      transcriptOffer.sent(f, conversation);
      break;
    case 'feedback_saved':
      answerFeedback.saved(f);
      break;
    case 'satisfaction_saved':
      survey.saved(f);
      break;
    case 'link_revoked':
    case 'link_expired':
      // The link this page was opened with stopped working (a newer one was sent, or it
      // was revoked, or it expired): the server closes the socket, no reconnection.
      if (monitoredCode) showLinkError(f.type);
      break;
    case 'error':
      if (transcriptOffer.refused(f)) break;
      if (answerFeedback.refused(f)) break;
      if (survey.refused(f)) break;
      if (offlineForm.refused(f)) break;
      onError(f);
      break;
    default:
      break;
  }
  if (f.type === 'message') persistMessagesSoon();
}

let replayTimer = 0;
function replayDone() {
  clearTimeout(replayTimer);
  if (!conn.connected) return;
  conn.ready = true;
  firstReplay = false;
  persistMessages();
  updateBanner();
  flushOutbox();
}

let persistTimer = 0;
function persistMessagesSoon() {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(persistMessages, 100);
}

function onError(f) {
  switch (f.code) {
    case 'rate_limited':
    case 'internal':
      retryOutboxSoon(2_000);
      break;
    case 'link_expired':
    case 'link_revoked':
    case 'link_invalid':
      if (monitoredCode) showLinkError(f.code);
      break;
    case 'forbidden':
      if (monitoredCode && !conn.ready) { showLinkError('link_invalid'); break; }
      if (!conn.ready) {
        // The conversation is not this visitor's (any more): start a new one.
        conversation = null;
        saveState({ conversation: null });
        resetView();
        conn.lost(0);
      }
      break;
    case 'unknown_bot':
    case 'not_deployed':
    case 'bot_archived':
      fatal = f.code;
      conn.attempt = 10; // the server closes: retry slowly
      updateBanner();
      break;
    case 'hello_first':
      conn.lost(0);
      break;
    case 'visitor_blocked':
      if (f.client_id) {
        markPending(f.client_id, 'failed');
        dropFromOutbox(f.client_id);
      }
      setBlocked(true);
      break;
    default:
      // A refused message (empty, too long, invalid…): shown as failed, not sent again.
      if (f.client_id) {
        markPending(f.client_id, 'failed');
        dropFromOutbox(f.client_id);
      }
      break;
  }
}

function setBlocked(on) {
  blocked = on;
  el.input.disabled = on;
  el.send.disabled = on || chars(el.input.value.trim()) === 0;
  el.box.toggleAttribute('data-blocked', on);
  updateBanner();
}

function updateBanner() {
  const online = conn.connected && conn.ready;
  document.documentElement.classList.toggle('vg-online', online);
  let text = '';
  if (blocked) text = res('visitor_blocked');
  else if (linkError) text = '';
  else if (fatal) text = ui(fatal === 'bot_archived' ? 'archived' : 'unavailable');
  else if (!online && (everConnected || conn.attempt > 1 || outbox.length)) text = res('reconnecting');
  el.banner.textContent = text;
  el.banner.hidden = !text;
  el.banner.classList.toggle('vg-error', !!fatal && !blocked);
  el.banner.classList.toggle('vg-blocked', blocked);
  el.box.setAttribute('data-connection', online ? 'online' : 'offline');
}

// ---------------------------------------------------------------------------------------
// Visitor actions

function submit(kind, frame, label) {
  const client_id = clientId();
  const item = { client_id, kind, label, frame: { ...frame, client_id }, at: Date.now() };
  outbox.push(item);
  persistOutbox();
  renderPending(item);
  if (conn.ready) conn.raw(item.frame);
  else updateBanner();
  return item;
}

function choose(id, title) {
  submit('choose', { type: 'choose', knowledge_id: id }, title);
}

// ---- Help offered by an operator (monitored conversations)

const HELP_EVENTS = new Set(['help_offered', 'help_accepted', 'help_declined', 'operator_joined']);
// Replies clicked in this page (offer seq → {accept, client_id}): the buttons stay disabled
// from the click on (a refused reply, `invalid`, means the offer is no longer open).
const helpAnswers = new Map();

function helpReply(offerSeq, accept) {
  if (latestOpenOffer() !== offerSeq || helpAnswers.has(offerSeq)) return;
  if (outbox.some((i) => i.kind === 'help_reply' && i.offer_seq === offerSeq)) return; // already answered
  const client_id = clientId();
  helpAnswers.set(offerSeq, { accept, client_id });
  const label = res(accept ? 'help_accept' : 'help_decline');
  const item = { client_id, kind: 'help_reply', label, offer_seq: offerSeq, accept, frame: { type: 'help_reply', client_id, accept }, at: Date.now() };
  outbox.push(item);
  persistOutbox();
  updateHelpButtons();
  if (conn.ready) conn.raw(item.frame);
  else updateBanner();
}

// The seq of the latest help_offered, if nothing answered it since (a reply, or an operator
// who joined); else null.
function latestOpenOffer() {
  let offer = null;
  for (const m of shown.values()) {
    if (m.kind === 'event' && m.event === 'help_offered' && (offer === null || m.seq > offer)) offer = m.seq;
  }
  if (offer === null) return null;
  for (const m of shown.values()) {
    if (m.seq > offer && m.kind === 'event' && (m.event === 'help_accepted' || m.event === 'help_declined' || m.event === 'operator_joined')) return null;
  }
  return offer;
}

let helpTimer = 0;
function updateHelpButtonsSoon() {
  clearTimeout(helpTimer);
  helpTimer = setTimeout(updateHelpButtons, 0);
}
function updateHelpButtons() {
  clearTimeout(helpTimer);
  const open = latestOpenOffer();
  const offers = [...shown.values()].filter((m) => m.kind === 'event' && m.event === 'help_offered').sort((a, b) => a.seq - b.seq);
  for (const offer of offers) {
    const li = el.log.querySelector(`li[data-seq="${offer.seq}"]`);
    if (!li) continue;
    const pending = helpAnswers.get(offer.seq) || outbox.find((i) => i.kind === 'help_reply' && i.offer_seq === offer.seq);
    // The answer given to this offer, if any: the first reply event after it.
    let answer = pending ? pending.accept : null;
    if (answer === null) {
      const next = offers.find((o) => o.seq > offer.seq);
      for (const m of [...shown.values()].sort((a, b) => a.seq - b.seq)) {
        if (m.seq <= offer.seq || (next && m.seq > next.seq) || m.kind !== 'event') continue;
        if (m.event === 'help_accepted') { answer = true; break; }
        if (m.event === 'help_declined') { answer = false; break; }
      }
    }
    const active = open === offer.seq && !pending;
    li.classList.toggle('vg-help-open', active);
    for (const b of li.querySelectorAll('.vg-help button')) {
      b.disabled = !active;
      b.setAttribute('aria-pressed', answer !== null && String(answer) === b.dataset.accept ? 'true' : 'false');
    }
    // Offers nobody can answer any more, and never answered, lose their buttons.
    const row = li.querySelector('.vg-help');
    if (row) row.hidden = !active && answer === null;
  }
}

// ---- A bad monitored link: one clear page, no reconnection, no other conversation shown.

function showLinkError(code) {
  const first = !linkError;
  linkError = code;
  if (first) {
    conn.stop();
    // Forget what this link showed.
    clearTimeout(persistTimer);
    clearTimeout(replayTimer);
    shown.clear();
    outbox = [];
    conversation = null;
    try { localStorage.removeItem(storeKey); } catch { /* blocked storage */ }
    delete memoryStore[storeKey];
    el.box.setAttribute('data-link-error', code);
    el.scroll.hidden = true;
    el.foot.hidden = true;
  }
  const text = res(code === 'link_expired' ? 'monitored_link_expired' : 'monitored_link_invalid');
  let panel = $('vg-link-error');
  if (!panel) {
    const btn = h('button', { type: 'button', class: 'vg-new', id: 'vg-new-conversation', onclick: newOrdinaryConversation });
    panel = h('section', { class: 'vg-link-error', id: 'vg-link-error', role: 'alert', 'aria-labelledby': 'vg-link-error-text' },
      h('div', { class: 'vg-link-icon', 'aria-hidden': 'true', text: '!' }),
      h('p', { id: 'vg-link-error-text', class: 'vg-link-text' }),
      btn);
    el.scroll.after(panel);
    btn.focus();
  }
  $('vg-link-error-text').textContent = text;
  $('vg-new-conversation').textContent = ui('new_conversation');
  updateBanner();
}

// The same page without the link: this browser's ordinary conversation with the bot.
function newOrdinaryConversation() {
  const u = new URL(location.href);
  u.searchParams.delete('vigie_mc');
  location.replace(u.href);
}

const chars = (s) => [...s].length;

function sendText() {
  const text = el.input.value.trim();
  if (blocked || !text || chars(text) > MAX_CHARS) return;
  submit('send', { type: 'send', text }, text);
  el.input.value = '';
  autoGrow();
  updateCount();
  typing(false);
  el.input.focus();
}

el.form.addEventListener('submit', (e) => { e.preventDefault(); sendText(); });
el.input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    sendText();
  }
});
el.input.addEventListener('input', () => {
  autoGrow();
  updateCount();
  typing(el.input.value.trim() !== '');
});
el.handoff.addEventListener('click', () => {
  if (outbox.some((i) => i.kind === 'handoff')) return; // already asked, not acknowledged yet
  submit('handoff', { type: 'handoff' }, res('talk_to_operator'));
});

function autoGrow() {
  el.input.style.height = 'auto';
  el.input.style.height = `${Math.min(el.input.scrollHeight + 2, 140)}px`;
}

function updateCount() {
  const n = chars(el.input.value.trim());
  const over = n > MAX_CHARS;
  el.count.textContent = over ? ui('too_long', { n, max: MAX_CHARS }) : ui('count', { n, max: MAX_CHARS });
  el.count.classList.toggle('vg-over', over);
  el.input.setAttribute('aria-invalid', over ? 'true' : 'false');
  el.send.disabled = blocked || over || n === 0;
}

// Typing indicator sent to the operator: on at the first key, again every few seconds
// while typing, off after a pause or when sent. Never queued: it only matters live.
let typingOn = false;
let typingSentAt = 0;
let typingIdle = 0;
function typing(on) {
  clearTimeout(typingIdle);
  if (on) typingIdle = setTimeout(() => typing(false), TYPING_IDLE_MS);
  const now = Date.now();
  if (on && typingOn && now - typingSentAt < 3_000) return;
  if (!on && !typingOn) return;
  typingOn = on;
  typingSentAt = now;
  if (conn.ready) conn.raw({ type: 'typing', on });
}

let typingHide = 0;
function setTyping(on, name) {
  clearTimeout(typingHide);
  const stick = nearBottom();
  el.typing.hidden = !on;
  el.typingText.textContent = name ? ui('typing_named', { name }) : ui('typing');
  if (on) {
    typingHide = setTimeout(() => { el.typing.hidden = true; }, 15_000);
    scrollDown(false, stick);
  }
}

// ---------------------------------------------------------------------------------------
// Unread count and the embedding page (loader.js)

let unread = 0;
let parentOrigin = null;
let parentOpen = false;

const visible = () => (embedded ? parentOpen && !document.hidden : !document.hidden);

function setUnread(n) {
  unread = Math.max(0, n);
  if (!embedded) document.title = unread > 0 ? `(${unread}) ${res('title')}` : res('title');
  postParent({ type: 'vigie:unread', count: unread });
}

function labelsForParent() {
  return { launcher: res('launcher_label'), close: res('close_label'), new_message: res('new_message_label'), title: res('title') };
}

function postParent(msg) {
  if (!embedded || !parentOrigin || window.parent === window) return;
  try { window.parent.postMessage(msg, parentOrigin); } catch { /* origin changed */ }
}

window.addEventListener('message', (e) => {
  if (!embedded || e.source !== window.parent || !e.data || typeof e.data !== 'object') return;
  const { type } = e.data;
  if (type === 'vigie:hello') {
    // The loader introduces itself; from now on we only talk to (and listen to) its origin.
    if (parentOrigin && e.origin !== parentOrigin) return;
    parentOrigin = e.origin;
    if (e.data.context && typeof e.data.context === 'object') hostContext = e.data.context;
    if (!hostHeard) { hostHeard = true; conn.connect(); }
    postParent({ type: 'vigie:ready', labels: labelsForParent() });
    postParent({ type: 'vigie:unread', count: unread });
    return;
  }
  if (e.origin !== parentOrigin) return;
  if (type === 'vigie:open') {
    parentOpen = true;
    setUnread(0);
    scrollDown(true);
    el.input.focus();
  } else if (type === 'vigie:closed') {
    parentOpen = false;
  } else if (type === 'vigie:page' && e.data.page && typeof e.data.page === 'object') {
    // The host page moved (a single-page site): the next `hello` says so, and now too.
    if (hostContext) hostContext = { ...hostContext, page: e.data.page };
    if (conn.ready) conn.raw({ type: 'page', page: e.data.page });
  }
});

if (embedded) {
  document.documentElement.classList.add('vg-embed');
  el.close.hidden = false;
  el.close.addEventListener('click', () => postParent({ type: 'vigie:close' }));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') postParent({ type: 'vigie:close' });
  });
}

// Other tabs of the same bot: show what they received (they share the conversation).
window.addEventListener('storage', (e) => {
  if (e.key !== storeKey || !e.newValue) return;
  let s;
  try { s = JSON.parse(e.newValue); } catch { return; }
  if (s.conversation && conversation && s.conversation !== conversation) return;
  for (const m of s.messages || []) if (!shown.has(m.seq)) showMessage(m, { fresh: false });
});

// ---------------------------------------------------------------------------------------
// Start

function start() {
  if (!bot) {
    fatal = 'unknown_bot';
    updateBanner();
    return;
  }
  const cached = initial[`config_${lang}`];
  if (cached) applyConfig(cached, false);
  else applyTexts();
  if (monitoredCode) el.box.setAttribute('data-monitored', '');
  renderWelcome();
  if (Array.isArray(initial.messages) && initial.conversation) {
    for (const m of initial.messages.slice().sort((a, b) => a.seq - b.seq)) showMessage(m, { fresh: false });
  }
  for (const item of outbox) renderPending(item);
  updateHelpButtons();
  scrollDown(true);
  conn.connect();
  fetchConfig();
  if (!embedded) el.input.focus();
}

async function fetchConfig() {
  try {
    const q = requestedLang ? `?lang=${requestedLang}` : '';
    // Not there yet (an HTTP error): the config in `welcome` will do.
    const c = await api('GET', `/bots/${encodeURIComponent(bot)}/chatbox${q}`);
    // A monitored conversation may speak another language than the bot's: once `welcome`
    // gave the configuration for it, this one is not the right one.
    if (monitoredCode && welcomeConfig) { if (linkError) applyTexts(); return; }
    if (!requestedLang && (c.lang === 'fr' || c.lang === 'en')) lang = c.lang;
    applyConfig(c, true);
  } catch { /* offline: cached config or fallbacks */ }
}

function botFromPath(p) {
  const m = /^\/c\/([^/]+)\/?/.exec(p);
  return m ? decodeURIComponent(m[1]) : null;
}

start();

// For tests and debugging.
window.vigieChatbox = {
  get state() {
    return {
      bot, token, conversation, lastSeq, ready: conn.ready, outbox: outbox.map((i) => i.client_id),
      monitoredCode, monitored, linkError, storeKey,
    };
  },
};
