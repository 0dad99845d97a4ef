// Unit tests of the console's reducer (web/console/state.js): the frames of
// docs/protocol.md ("Operator side"), as the server sends them, applied one after the other.
//   node --test tests/js/
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { reduce, initialState, offerPending, canSendKnowledge, filteredMonitored, monitoredFinished, fillCanned } from '../../web/console/state.js';

const C1 = 'c_3f0c9a11';
const C2 = 'c_77be02d4';
const ME = { operator: { id: 1, name: 'Claire', email: 'claire@example.com', role: 'admin' }, csrf_token: 'x' };

/** The state after `actions` from a signed-in console; `effects` gathered along the way. */
function run(actions, { state = signedIn(), keepEffects = false } = {}) {
  const effects = [];
  for (const a of actions) {
    state = reduce(state, a);
    effects.push(...state.effects);
    if (!keepEffects) state = { ...state, effects: [] };
  }
  return { state, effects };
}
function signedIn(opts = {}) {
  return reduce(initialState({ focused: true, ...opts }), { type: 'local/signed_in', me: ME, tabs: opts.tabs || {}, seen: opts.seen || [] });
}
const msg = (conversation, seq, author, extra = {}) => ({
  type: 'message', conversation, seq, author, kind: author === 'system' ? 'event' : 'text',
  text: `m${seq}`, created_at: 1764064800000 + seq * 1000, client_id: null, ...extra,
});
const welcome = { type: 'welcome', v: 1, operator: { id: 1, name: 'Claire', email: 'claire@example.com', role: 'admin' }, availability: 'away' };
const kinds = (effects) => effects.map((e) => e.fx);

// A whole session recorded from a real server (tests/js/record-frames.mjs): every frame
// the console received, in order.
const recorded = JSON.parse(readFileSync(new URL('./frames/handover.json', import.meta.url), 'utf8'));

// The operator's own sends (message, knowledge, end) are in the recording as their acks:
// each is submitted just before its ack, as the console did.
function withSends(frames) {
  const out = [];
  for (const f of frames) {
    if (f.type === 'ack') {
      const stored = frames.find((m) => m.type === 'message' && m.client_id === f.client_id);
      const kind = !stored ? 'end' : stored.author === 'operator' ? 'send' : 'knowledge';
      const label = stored ? stored.text || '' : '';
      out.push({ type: 'local/submit', item: { client_id: f.client_id, kind, conversation: f.conversation, label, frame: { type: kind, conversation: f.conversation, client_id: f.client_id } } });
    }
    out.push(f);
  }
  return out;
}

test('a recorded session: hand-over, messages, knowledge, end', () => {
  const { state, effects } = run(withSends(recorded.frames));
  assert.deepEqual(state.outbox, [], 'every send acknowledged');
  assert.deepEqual(state.tabs[recorded.conversation].echoes, [], 'every own message shown once, as stored');
  assert.equal(effects.filter((e) => e.fx === 'send').length, 3);
  assert.equal(state.ready, true);
  assert.equal(state.everReady, true);
  assert.equal(state.availability, 'available');
  const tab = state.tabs[recorded.conversation];
  assert.ok(tab, 'a tab for the conversation handed over');
  const seqs = tab.messages.map((m) => m.seq);
  assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'each seq once, in order');
  assert.equal(tab.lastSeq, Math.max(...seqs));
  assert.equal(tab.held, false, 'ended: no longer held');
  assert.equal(tab.bot, 'demo');
  assert.ok(tab.messages.some((m) => m.author === 'bot' && m.kind === 'knowledge'));
  assert.equal(state.current, recorded.conversation);
  assert.ok(effects.some((e) => e.fx === 'flush'), 'replay_done flushes the outbox');
});

test('welcome, queue, presence, availability', () => {
  const { state } = run([
    welcome,
    { type: 'queue', items: [{ conversation: C2, queued_at: 1764064800000, position: 1 }] },
    { type: 'presence', operators: [{ operator_id: 1, name: 'Claire', status: 'away', capacity: 3, load: 0 }] },
    { type: 'availability', status: 'available' },
  ]);
  assert.equal(state.me.operator.name, 'Claire');
  assert.equal(state.availability, 'available');
  assert.equal(state.queue.length, 1);
  assert.equal(state.presence[0].capacity, 3);
  // A frame that changes nothing keeps the same state (no redraw).
  assert.equal(reduce(state, { type: 'pong' }), state);
  assert.equal(reduce(state, { type: 'availability' }), state);
});

test('assigned: new tabs flash, are announced, beep once ready; the first one is shown', () => {
  let { state, effects } = run([welcome, { type: 'replay_done', last_seq: 0 }, { type: 'assigned', conversations: [C1] }]);
  assert.deepEqual(Object.keys(state.tabs), [C1]);
  assert.equal(state.tabs[C1].held, true);
  assert.equal(state.tabs[C1].flashing, true);
  assert.equal(state.current, C1);
  assert.deepEqual(kinds(effects), ['flush', 'announce', 'beep']);
  // The list again (any livechat change): nothing new, nothing announced.
  ({ state, effects } = run([{ type: 'assigned', conversations: [C1] }], { state }));
  assert.deepEqual(effects, []);
  // Transferred away: the tab stays, no longer held.
  ({ state } = run([{ type: 'assigned', conversations: [] }], { state }));
  assert.equal(state.tabs[C1].held, false);
  // Before the first replay_done: no beep (history, not news).
  ({ effects } = run([{ type: 'assigned', conversations: [C2] }]));
  assert.deepEqual(kinds(effects), ['announce']);
});

test('messages: keyed by seq, in order, once; unread and news', () => {
  let { state, effects } = run([
    { type: 'assigned', conversations: [C1] },
    msg(C1, 3, 'bot'), msg(C1, 1, 'visitor'), msg(C1, 2, 'system', { event: 'handoff_requested' }), msg(C1, 3, 'bot'),
    { type: 'replay_done', last_seq: 3 },
  ]);
  const tab = state.tabs[C1];
  assert.deepEqual(tab.messages.map((m) => m.seq), [1, 2, 3]);
  assert.equal(tab.lastSeq, 3);
  assert.equal(tab.lastVisitorAt, 1764064801000);
  assert.ok(!kinds(effects).includes('beep'), 'the replay is history');
  // A visitor's message while the page is not looked at: unread, counted in the title, beep.
  ({ state, effects } = run([{ type: 'local/focus', focused: false }, msg(C1, 4, 'visitor')], { state }));
  assert.equal(state.tabs[C1].unread, 1);
  assert.equal(state.unseen, 1);
  assert.deepEqual(kinds(effects), ['announce', 'beep', 'notify']);
  assert.equal(effects[2].kind, 'message');
  // The window gets the focus back: seen.
  ({ state } = run([{ type: 'local/focus', focused: true, window: true }], { state }));
  assert.equal(state.unseen, 0);
  assert.equal(state.tabs[C1].unread, 0);
  // Malformed: ignored.
  assert.equal(reduce(state, { type: 'message', conversation: C1, seq: 'x' }), state);
});

test('after a reload: what the previous page showed is replayed, not news', () => {
  const { state, effects } = run([
    { type: 'replay_done' }, // an earlier connection of this page
    msg(C1, 1, 'visitor'), msg(C1, 2, 'visitor'), msg(C1, 3, 'visitor'),
  ], { state: signedIn({ tabs: { [C1]: 2 }, current: C1 }) });
  const tab = state.tabs[C1];
  assert.equal(tab.helloSeq, 2);
  assert.equal(tab.lastSeq, 3);
  assert.equal(effects.filter((e) => e.fx === 'announce').length, 1, 'only seq 3 is news');
});

test('outbox: pending, acknowledged, stored; the echo goes once the message is there', () => {
  const item = { client_id: 'u1', kind: 'send', conversation: C1, label: 'Bonjour', frame: { type: 'send', conversation: C1, client_id: 'u1', text: 'Bonjour' } };
  let { state, effects } = run([{ type: 'assigned', conversations: [C1] }, { type: 'local/submit', item }]);
  assert.deepEqual(state.outbox.map((i) => i.client_id), ['u1']);
  assert.deepEqual(state.tabs[C1].echoes.map((e) => e.state), ['pending']);
  assert.deepEqual(effects.at(-1), { fx: 'send', frame: item.frame });
  ({ state } = run([{ type: 'ack', client_id: 'u1', conversation: C1, seq: 7 }], { state }));
  assert.deepEqual(state.outbox, []);
  assert.deepEqual(state.tabs[C1].echoes.map((e) => [e.state, e.seq]), [['sent', 7]]);
  ({ state } = run([msg(C1, 7, 'operator', { client_id: 'u1', text: 'Bonjour' })], { state }));
  assert.deepEqual(state.tabs[C1].echoes, []);
  assert.deepEqual(state.tabs[C1].messages.map((m) => m.seq), [7]);
});

test('outbox: a reload shows what still waits; errors retry or fail', () => {
  const item = (id) => ({ client_id: id, kind: 'send', conversation: C1, label: id, frame: { type: 'send', conversation: C1, client_id: id, text: id } });
  let { state, effects } = run([{ type: 'assigned', conversations: [C1] }], { state: signedIn({ outbox: [item('a'), item('b')] }) });
  assert.deepEqual(state.tabs[C1].echoes.map((e) => e.client_id), ['a', 'b']);
  ({ state, effects } = run([{ type: 'error', code: 'rate_limited', message: 'slow down', client_id: 'a' }], { state }));
  assert.deepEqual(effects, [{ fx: 'retry', client_id: 'a', ms: 2000 }]);
  assert.equal(state.outbox.length, 2);
  ({ state, effects } = run([{ type: 'error', code: 'forbidden', message: 'no', client_id: 'b' }], { state }));
  assert.deepEqual(state.outbox.map((i) => i.client_id), ['a']);
  assert.deepEqual(state.tabs[C1].echoes.map((e) => e.state), ['pending', 'failed']);
  assert.deepEqual(effects, [{ fx: 'notice', code: 'forbidden', message: 'no' }]);
  ({ effects } = run([{ type: 'error', code: 'hello_first', message: '', client_id: null }], { state }));
  assert.deepEqual(effects, [{ fx: 'reconnect' }]);
});

test('typing: shown, then hidden by the message or after 15 s', () => {
  let { state, effects } = run([{ type: 'assigned', conversations: [C1] }, { type: 'typing', conversation: C1, author: 'visitor', on: true }]);
  assert.equal(state.tabs[C1].typing, true);
  const later = effects.find((e) => e.fx === 'later');
  assert.equal(later.ms, 15000);
  ({ state } = run([later.action], { state }));
  assert.equal(state.tabs[C1].typing, false);
  ({ state } = run([{ type: 'typing', conversation: C1, author: 'visitor', on: true }, msg(C1, 1, 'visitor')], { state }));
  assert.equal(state.tabs[C1].typing, false);
  // An old timer does not hide a newer typing.
  ({ state } = run([{ type: 'typing', conversation: C1, author: 'visitor', on: true }, later.action], { state }));
  assert.equal(state.tabs[C1].typing, true);
});

test('take, select, close', () => {
  let { state, effects } = run([{ type: 'replay_done' }, { type: 'assigned', conversations: [C1] }, { type: 'local/take', id: C2 }]);
  assert.deepEqual(effects.at(-1), { fx: 'raw', frame: { type: 'take', conversation: C2 } });
  ({ state } = run([{ type: 'assigned', conversations: [C1, C2] }], { state }));
  assert.equal(state.current, C2, 'the conversation taken is shown');
  assert.equal(state.tabs[C2].flashing, false);
  ({ state } = run([{ type: 'local/select', id: C1 }], { state }));
  assert.equal(state.current, C1);
  assert.equal(state.tabs[C1].flashing, false);
  // A held tab cannot be closed; one no longer held can.
  assert.equal(reduce(state, { type: 'local/close_tab', id: C1 }), state);
  ({ state, effects } = run([{ type: 'assigned', conversations: [C2] }, { type: 'local/close_tab', id: C1 }], { state }));
  assert.deepEqual(Object.keys(state.tabs), [C2]);
  assert.equal(state.current, C2);
  assert.deepEqual(effects.at(-1), { fx: 'raw', frame: { type: 'close_tab', conversation: C1 } });
});

test('the open box closes when the pane shows something else', () => {
  let { state } = run([{ type: 'assigned', conversations: [C1] }, { type: 'local/box', box: 'transfer' }]);
  assert.equal(state.box, 'transfer');
  // Livechat changes that leave the pane as it is keep it open.
  ({ state } = run([{ type: 'presence', operators: [] }, { type: 'assigned', conversations: [C1] }], { state }));
  assert.equal(state.box, 'transfer');
  ({ state } = run([{ type: 'assigned', conversations: [] }], { state }));
  assert.equal(state.box, null);
});

test('monitored: strong ones of mine open a tab once per browser; help offers', () => {
  const item = (id, extra = {}) => ({
    conversation: id, name: `Appel ${id}`, email: 'martin@example.com', strong: true, mine: true, state: 'bot', bot: 'demo',
    mail: { status: 'queued' }, offer_pending: false, ...extra,
  });
  // The first list of the page: C1 was already there (seen where it was created): a tab, not "new".
  let { state, effects } = run([{ type: 'replay_done' }, { type: 'monitored', items: [item(C2, { strong: false })] },
    { type: 'monitored', items: [item(C1), item(C2, { strong: false })] }]);
  assert.deepEqual(Object.keys(state.tabs), [C1]);
  assert.equal(state.tabs[C1].flashing, true, 'created meanwhile elsewhere: news');
  assert.deepEqual(state.seen, [C1]);
  assert.deepEqual(kinds(effects), ['flush', 'raw', 'announce', 'beep']);
  assert.equal(state.current, C1);
  assert.equal(canSendKnowledge(state, state.tabs[C1]), true, 'guiding: knowledge in a monitored conversation');
  // Closed, then the list again: seen already, no tab.
  ({ state } = run([{ type: 'local/close_tab', id: C1 }, { type: 'monitored', items: [item(C1)] }], { state }));
  assert.deepEqual(Object.keys(state.tabs), []);
  // Weak one opened from the list.
  ({ state, effects } = run([{ type: 'local/follow', id: C2 }], { state }));
  assert.equal(state.current, C2);
  assert.deepEqual(effects, [{ fx: 'raw', frame: { type: 'open', conversation: C2, last_seq: 0 } }]);
  // Offer of help: pending until answered.
  const offer = { client_id: 'o1', kind: 'offer_help', conversation: C2, frame: { type: 'offer_help', conversation: C2, client_id: 'o1' } };
  ({ state } = run([{ type: 'local/submit', item: offer }], { state }));
  assert.equal(offerPending(state, state.tabs[C2]), true);
  ({ state } = run([{ type: 'ack', client_id: 'o1', conversation: C2, seq: 5 },
    msg(C2, 5, 'system', { event: 'help_offered', operator: { name: 'Claire' } })], { state }));
  assert.equal(offerPending(state, state.tabs[C2]), true);
  ({ state, effects } = run([msg(C2, 6, 'system', { event: 'help_declined' })], { state }));
  assert.equal(offerPending(state, state.tabs[C2]), false);
  assert.equal(state.tabs[C2].lastAnswerEvent, 'help_declined');
  assert.deepEqual(kinds(effects), ['notice', 'beep']);
  // Live with someone else: no knowledge from here.
  ({ state } = run([{ type: 'monitored', items: [item(C2, { strong: false, state: 'live' })] }], { state }));
  assert.equal(canSendKnowledge(state, state.tabs[C2]), false);
});

test('monitored, a new browser: only open, unfinished strong ones of mine get a tab, none "new"', () => {
  const C3 = 'c_0a0a0a03';
  const C4 = 'c_0a0a0a04';
  const C5 = 'c_0a0a0a05';
  const NOW = 1764064800000;
  const item = (id, extra = {}) => ({ conversation: id, name: id, strong: true, mine: true, state: 'bot', revoked: false,
    expires_at: NOW + 86_400_000, mail: { status: 'sent' }, ...extra });
  const { state, effects } = run([{ type: 'replay_done' }, { type: 'monitored', at: NOW, items: [
    item(C1), item(C2, { revoked: true }), item(C3, { expires_at: NOW - 1 }), item(C4, { mine: false }), item(C5, { state: 'closed' }),
  ] }]);
  assert.deepEqual(Object.keys(state.tabs), [C1]);
  assert.equal(state.tabs[C1].flashing, false, 'already seen by its creator: not "nouvelle"');
  assert.deepEqual(kinds(effects), ['flush', 'raw'], 'no announce nor beep for the catch-up');
  assert.equal(state.current, C1);
  assert.equal(monitoredFinished(item(C3, { expires_at: NOW - 1 }), NOW), true);
  assert.equal(monitoredFinished(item(C3), NOW), false);
});

test('monitored list filters: mine / all, state, mail status, text', () => {
  const it = (id, extra) => ({ conversation: id, name: `Appel ${id}`, email: `${id}@example.com`, strong: false, mine: false,
    state: 'bot', revoked: false, mail: { status: 'sent' }, creator: { id: 2, name: 'Bob' }, starting_knowledge: { id: 'vpn-lent', title: 'VPN lent' }, ...extra });
  const list = [it('a', { mine: true, name: 'Hélène Martin', creator: { id: 1, name: 'Claire' } }), it('b', { state: 'live' }),
    it('c', { revoked: true, mail: { status: 'failed' } }), it('d', { mail: { status: 'queued' }, starting_knowledge: { id: 'badge', title: 'Badge perdu' } })];
  let { state } = run([{ type: 'monitored', items: list }]);
  const ids = () => filteredMonitored(state).map((x) => x.conversation);
  assert.deepEqual(ids(), ['a', 'b', 'c', 'd']);
  const filter = (patch) => { ({ state } = run([{ type: 'local/mc_filter', patch }], { state })); };
  filter({ who: 'mine' });
  assert.deepEqual(ids(), ['a']);
  filter({ who: 'all', state: 'live' });
  assert.deepEqual(ids(), ['b']);
  filter({ state: 'revoked' });
  assert.deepEqual(ids(), ['c']);
  filter({ state: '', mail: 'queued' });
  assert.deepEqual(ids(), ['d']);
  filter({ mail: '', text: 'helene' });
  assert.deepEqual(ids(), ['a'], 'accents and case ignored');
  filter({ text: 'bob badge' });
  assert.deepEqual(ids(), ['d'], 'creator and starting knowledge, every word');
  filter({ text: 'nobody' });
  assert.deepEqual(ids(), []);
});

test("the monitored form opens in the console's language (the visitor's, unless changed)", () => {
  let { state } = run([{ type: 'local/lang', lang: 'en' }, { type: 'local/side', view: 'create' }]);
  assert.equal(state.form.lang, 'en');
  ({ state } = run([{ type: 'local/form', patch: { lang: 'fr', name: 'x' } }, { type: 'local/form_reset' }], { state }));
  assert.equal(state.form.lang, 'en', 'a fresh form: the console language again');
  assert.equal(state.form.name, '');
});

test('logout forgets the session', () => {
  const { state } = run([{ type: 'assigned', conversations: [C1] }, { type: 'replay_done' }, { type: 'local/logout' }]);
  assert.equal(state.me, null);
  assert.deepEqual(state.tabs, {});
  assert.equal(state.ready, false);
  assert.equal(state.everReady, false);
});

// Issue 11, item 7: the answer to a create (read before the mail went) must not undo the
// fresher `monitored` frame that says "sent".
test('monitored: of two copies of an item, the later read wins', () => {
  const item = (status, readAt) => ({ conversation: C1, name: 'x', strong: false, mine: true, state: 'bot', mail: { status }, read_at: readAt });
  const { state } = run([welcome, { type: 'monitored', items: [item('sent', 2000)] },
    { type: 'local/monitored_upsert', item: item('queued', 1000) }]);
  assert.equal(state.monitored.list[0].mail.status, 'sent');
  const { state: later } = run([{ type: 'local/monitored_upsert', item: item('retrying', 3000) }], { state });
  assert.equal(later.monitored.list[0].mail.status, 'retrying');
});

// Issue 11, item 13: the server says who may act; the console sends no knowledge otherwise.
test('monitored: no knowledge into a colleague\'s conversation this operator may not act on', () => {
  const it = (mayAct) => ({ conversation: C1, name: 'x', strong: false, mine: false, state: 'bot', may_act: mayAct, mail: {} });
  const tab = { id: C1, held: false };
  const { state } = run([welcome, { type: 'monitored', items: [it(false)] }]);
  assert.equal(canSendKnowledge(state, tab), false);
  const { state: ok } = run([{ type: 'monitored', items: [it(true)] }], { state });
  assert.equal(canSendKnowledge(ok, tab), true);
});

test('notifications: a new visitor in the queue, not one already there nor the first list', () => {
  const q = (...ids) => ({ type: 'queue', items: ids.map((c, i) => ({ conversation: c, position: i + 1, queued_at: 1 })) });
  let { state, effects } = run([q(C1)]);
  assert.ok(!kinds(effects).includes('notify'), 'before replay_done: not news');
  ({ state, effects } = run([{ type: 'replay_done' }, q(C1), q(C1, C2)], { state }));
  const n = effects.filter((e) => e.fx === 'notify');
  assert.deepEqual(n.map((e) => [e.kind, e.conversation, e.count]), [['queue', C2, 2]]);
  // Someone left the queue: nothing.
  ({ effects } = run([q(C2)], { state }));
  assert.ok(!kinds(effects).includes('notify'));
});

test('notifications: a message in the tab in front of a looking operator is not news', () => {
  let { state, effects } = run([{ type: 'assigned', conversations: [C1, C2] }, { type: 'replay_done' }, { type: 'local/select', id: C1 }]);
  ({ state, effects } = run([msg(C1, 1, 'visitor')], { state }));
  assert.ok(!kinds(effects).includes('notify'), 'in front and looked at');
  ({ state, effects } = run([msg(C2, 1, 'visitor')], { state }));
  assert.deepEqual(effects.filter((e) => e.fx === 'notify').map((e) => e.conversation), [C2]);
  // The operator's own messages: never.
  ({ effects } = run([msg(C2, 2, 'operator')], { state }));
  assert.ok(!kinds(effects).includes('notify'));
});

test('notifications: my monitored conversation first opened; a weak one answered', () => {
  const item = (extra) => ({ conversation: C1, name: 'Badge de Léa', strong: false, mine: true, opened_at: null, last_visitor_at: null, ...extra });
  const other = { ...item({}), conversation: C2, mine: false };
  let { state, effects } = run([{ type: 'replay_done' }, { type: 'monitored', items: [item({}), other] }]);
  assert.ok(!kinds(effects).includes('notify'), 'the first list is a catch-up');
  ({ state, effects } = run([{ type: 'monitored', items: [item({ opened_at: 5 }), { ...other, opened_at: 5 }] }], { state }));
  assert.deepEqual(effects.filter((e) => e.fx === 'notify').map((e) => [e.kind, e.conversation]), [['monitored_opened', C1]]);
  ({ state, effects } = run([{ type: 'monitored', items: [item({ opened_at: 5, last_visitor_at: 9 }), { ...other, opened_at: 5, last_visitor_at: 9 }] }], { state }));
  assert.deepEqual(effects.filter((e) => e.fx === 'notify').map((e) => [e.kind, e.name]), [['weak_reply', 'Badge de Léa']]);
  // The same list again (another change elsewhere): nothing new.
  ({ effects } = run([{ type: 'monitored', items: [item({ opened_at: 5, last_visitor_at: 9 })] }], { state }));
  assert.ok(!kinds(effects).includes('notify'));
});

test('statuses: the welcome brings the reasons; away carries its reason, available drops it', () => {
  let { state } = run([{ ...welcome, availability: 'away', reason: 'Pause', away_reasons: ['Pause', 'Réunion', 3] }]);
  assert.deepEqual(state.awayReasons, ['Pause', 'Réunion']);
  assert.equal(state.awayReason, 'Pause');
  ({ state } = run([{ type: 'availability', status: 'available', reason: null }], { state }));
  assert.equal(state.awayReason, null);
  // Sound off is a preference saved on the server.
  let effects;
  ({ state, effects } = run([{ type: 'local/mute' }], { state }));
  assert.equal(state.prefs.sound, false);
  assert.ok(kinds(effects).includes('save_prefs'));
  ({ state } = run([{ type: 'local/prefs', prefs: { sound: true, desktop: { weak_replies: true } } }], { state }));
  assert.equal(state.muted, false);
  assert.equal(state.prefs.desktop.queue, true, 'left out: the default');
  assert.equal(state.prefs.desktop.weak_replies, true);
});

test('private notes: the composer mode is per tab, a pending note is echoed as a note', () => {
  let { state } = run([{ type: 'assigned', conversations: [C1] }, { type: 'local/note_mode', conversation: C1, on: true }]);
  assert.equal(state.tabs[C1].noteMode, true);
  const item = { client_id: 'n-1', kind: 'note', conversation: C1, label: 'à rappeler', frame: { type: 'note', conversation: C1, client_id: 'n-1', text: 'à rappeler' } };
  ({ state } = run([{ type: 'local/submit', item }], { state }));
  assert.deepEqual(state.tabs[C1].echoes.map((e) => [e.client_id, e.note]), [['n-1', true]]);
  // Stored: the echo gives way to the message; a note is not unread news.
  ({ state } = run([{ type: 'message', conversation: C1, seq: 4, author: 'operator', kind: 'note', client_id: 'n-1', text: 'à rappeler', operator: { name: 'Claire' } }], { state }));
  assert.deepEqual(state.tabs[C1].echoes, []);
  assert.equal(state.tabs[C1].unread, 0);
});

test('canned answers: variables filled, an empty one leaves no stray space', () => {
  const vars = { visitor_name: '', operator_name: 'Claire', conversation_name: 'Appel de M. Martin' };
  assert.equal(fillCanned('Bonjour {visitor_name}, ici {operator_name} ({conversation_name}).', vars),
    'Bonjour, ici Claire (Appel de M. Martin).');
  assert.equal(fillCanned('Bonjour {visitor_name} !', { ...vars, visitor_name: 'Mme Durand' }), 'Bonjour Mme Durand !');
  assert.equal(fillCanned('{unknown} reste', vars), '{unknown} reste');
});

// ---- live supervision (issue 14, item 1)

test('the supervision page asks for its list while open, again after a reconnection', () => {
  let { state, effects } = run([welcome, { type: 'local/side', view: 'supervision' }]);
  assert.deepEqual(effects.filter((e) => e.fx === 'raw').map((e) => e.frame), [{ type: 'supervise', on: true }]);
  ({ state, effects } = run([{ type: 'replay_done' }], { state }));
  assert.ok(effects.some((e) => e.fx === 'raw' && e.frame.type === 'supervise' && e.frame.on));
  ({ state, effects } = run([
    { type: 'supervision', now: 5, conversations: [{ conversation: C1, state: 'live', bot: 'demo', operator: { id: 2, name: 'Bob' } }, null] },
    { type: 'local/side', view: 'livechat' },
  ], { state }));
  assert.deepEqual(state.supervision, { known: true, now: 5, conversations: [{ conversation: C1, state: 'live', bot: 'demo', operator: { id: 2, name: 'Bob' } }] });
  assert.deepEqual(effects.filter((e) => e.fx === 'raw').map((e) => e.frame), [{ type: 'supervise', on: false }]);
  // An operator never asks.
  const op = { ...ME, operator: { ...ME.operator, role: 'operator' } };
  const s0 = reduce(initialState({ focused: true }), { type: 'local/signed_in', me: op, tabs: {}, seen: [] });
  ({ effects } = run([{ type: 'local/side', view: 'supervision' }, { type: 'replay_done' }], { state: s0 }));
  assert.ok(!effects.some((e) => e.fx === 'raw'));
});

test('taken over: the tab stays, read-only, and says who took it', () => {
  const { state, effects } = run([
    welcome, { type: 'replay_done' }, { type: 'assigned', conversations: [C1] },
    { type: 'taken_over', conversation: C1, action: 'take_over', by: 'Sophie', to: 'Sophie' },
    { type: 'assigned', conversations: [] },
  ]);
  const tab = state.tabs[C1];
  assert.equal(tab.held, false);
  assert.deepEqual(tab.taken, { action: 'take_over', by: 'Sophie', to: 'Sophie' });
  assert.ok(effects.some((e) => e.fx === 'taken' && e.by === 'Sophie' && e.conversation === C1));
  // Given back later (reassigned to me): mine again, the notice gone.
  const again = run([{ type: 'assigned', conversations: [C1] }], { state }).state;
  assert.equal(again.tabs[C1].held, true);
  assert.equal(again.tabs[C1].taken, null);
});

test('a whisper waits in the outbox and echoes, marked', () => {
  const item = { client_id: 'w1', kind: 'whisper', conversation: C1, label: 'psst', frame: { type: 'whisper', conversation: C1, client_id: 'w1', text: 'psst' } };
  const { state } = run([welcome, { type: 'replay_done' }, { type: 'open', conversation: C1 }, { type: 'local/follow', id: C1 }, { type: 'local/submit', item }]);
  assert.deepEqual(state.tabs[C1].echoes.map((e) => [e.client_id, e.whisper, e.note]), [['w1', true, false]]);
});
