// The chatbox at the bot's deployed URL: questions, answers, chips, history, accessibility.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, storedMessages, askBot, waitFor,
} from './helpers.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await new VigieServer().start();
  browser = await launchBrowser();
  page = await newPage(browser);
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

const online = (p) => p.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });

/** Sends `text` with Enter and waits for the bot's reply after it; returns both. */
const ask = askBot;

function assertSeqOrder(list) {
  const seqs = list.map((m) => m.seq);
  assert.ok(seqs.every((s) => Number.isInteger(s)), `every message has a seq: ${seqs}`);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seqs strictly increasing: ${seqs}`);
}

test('asks a question and shows the answer', async () => {
  await page.goto(`${server.url}/c/demo/?lang=fr`);
  await online(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.ok((await page.textContent('[data-welcome]')).trim().length > 0, 'welcome message shown');
  // Labels on the controls.
  assert.equal(await page.getByRole('textbox', { name: /message/i }).count(), 1);
  assert.equal(await page.getByRole('button', { name: /envoyer/i }).count(), 1);

  const { mine, reply } = await ask(page, "J'ai oublié mon mot de passe");
  assert.equal(mine.text, "J'ai oublié mon mot de passe");
  assert.equal(reply.kind, 'knowledge');
  assert.match(await page.innerHTML(`li[data-seq="${reply.seq}"] .vg-bubble`), /motdepasse\.example\.com/);
  // Announced to screen readers.
  await waitFor(async () => /mot de passe/i.test(await page.textContent('#vg-live')), { what: 'live region' });
  // Token, conversation and last seq kept for the next visit.
  const saved = await waitFor(async () => {
    const s = await page.evaluate(() => JSON.parse(localStorage.getItem('vigie.chatbox.v1.demo')));
    return s.last_seq === reply.seq && s;
  }, { what: 'last_seq saved' });
  assert.match(saved.visitor_token, /^vt_/);
  assert.ok(saved.conversation);
  assert.deepEqual(saved.outbox, []);
  await page.screenshot({ path: path.join(screenshotDir(), 'chatbox.png') });
  assert.deepEqual(page.problems, []);
});

test('clicking a related knowledge asks for it', async () => {
  const chip = page.locator('li[data-kind="knowledge"]').last().locator('.vg-chip').first();
  const title = (await chip.textContent()).trim();
  const id = await chip.getAttribute('data-knowledge');
  assert.ok(id, 'related chips carry the knowledge id');
  const before = (await shownMessages(page)).length;
  await chip.click();
  const reply = await waitFor(async () => {
    const list = (await shownMessages(page)).slice(before);
    const mine = list.find((m) => m.author === 'visitor' && m.seq !== null);
    return mine && list.find((m) => m.author === 'bot' && m.seq > mine.seq);
  }, { what: `the answer to the related "${title}"` });
  assert.equal(reply.kind, 'knowledge');
  const stored = await storedMessages(page);
  const answer = stored.find((m) => m.seq === reply.seq);
  assert.equal(answer.knowledge?.id, id, 'the bot answered with the chosen knowledge');
});

test('a vague question offers suggestions that can be clicked', async () => {
  // Vague enough for the demo base to hesitate (suggestions, or not understood with close
  // matches); the first one that does is used.
  let reply;
  for (const q of ['mot de passe', 'imprimante', 'vpn', 'problème']) {
    ({ reply } = await ask(page, q));
    if (await page.locator(`li[data-seq="${reply.seq}"] .vg-chip`).count() > 0) break;
    reply = null;
  }
  assert.ok(reply, 'one of the vague questions got suggestions');
  assert.ok(['suggestions', 'not_understood'].includes(reply.kind), reply.kind);
  const chip = page.locator(`li[data-seq="${reply.seq}"] .vg-chip`).first();
  const id = await chip.getAttribute('data-knowledge');
  const before = (await shownMessages(page)).length;
  await chip.click();
  const answer = await waitFor(async () => (await shownMessages(page)).slice(before).find((m) => m.author === 'bot' && m.kind === 'knowledge'),
    { what: 'the answer to the suggestion' });
  const stored = await storedMessages(page);
  assert.equal(stored.find((m) => m.seq === answer.seq).knowledge?.id, id);
});

test('input: Shift+Enter makes a new line, the 1000-character limit is shown', async () => {
  await page.fill('#vg-input', 'ligne 1');
  await page.press('#vg-input', 'Shift+Enter');
  await page.type('#vg-input', 'ligne 2');
  assert.equal(await page.inputValue('#vg-input'), 'ligne 1\nligne 2');
  await page.fill('#vg-input', 'x'.repeat(1001));
  assert.equal(await page.isDisabled('#vg-send'), true);
  assert.match(await page.textContent('#vg-count'), /1001\/1000/);
  assert.equal(await page.getAttribute('#vg-input', 'aria-invalid'), 'true');
  const count = (await shownMessages(page)).length;
  await page.press('#vg-input', 'Enter');
  assert.equal((await shownMessages(page)).length, count, 'nothing sent past the limit');
  await page.fill('#vg-input', 'x'.repeat(1000));
  assert.equal(await page.isDisabled('#vg-send'), false);
  assert.match(await page.textContent('#vg-count'), /1000\/1000/);
  await page.fill('#vg-input', '');
});

test('reload shows the history, once, in order', async () => {
  const before = (await shownMessages(page)).filter((m) => m.seq !== null);
  assert.ok(before.length >= 4);
  await page.reload();
  // At once, from the cache (before any network).
  assert.deepEqual((await shownMessages(page)).map((m) => m.seq), before.map((m) => m.seq));
  await online(page);
  await page.waitForTimeout(300);
  const after = await shownMessages(page);
  assert.deepEqual(after.map((m) => m.seq), before.map((m) => m.seq));
  assertSeqOrder(after);
  assert.doesNotMatch(await page.textContent('#vg-log'), /\b(null|undefined)\b/);

  // Without the local cache, the server's replay gives the same history.
  await page.evaluate(() => {
    const k = 'vigie.chatbox.v1.demo';
    const s = JSON.parse(localStorage.getItem(k));
    delete s.messages;
    s.last_seq = 0;
    localStorage.setItem(k, JSON.stringify(s));
  });
  await page.reload();
  await online(page);
  await waitFor(async () => (await shownMessages(page)).length === before.length, { what: 'the replayed history' });
  const replayed = await shownMessages(page);
  assert.deepEqual(replayed.map((m) => [m.seq, m.author, m.text]), before.map((m) => [m.seq, m.author, m.text]));
  assert.deepEqual(page.problems, []);
});

test('another tab continues the same conversation', async () => {
  const other = await page.context().newPage();
  await other.goto(`${server.url}/c/demo/?lang=fr`);
  await online(other);
  const a = (await shownMessages(page)).map((m) => m.seq);
  const b = (await shownMessages(other)).map((m) => m.seq);
  assert.deepEqual(b, a);
  // What one tab sends shows up live in the other.
  await other.fill('#vg-input', 'Envoyé depuis un autre onglet');
  await other.press('#vg-input', 'Enter');
  await waitFor(async () => (await shownMessages(page)).some((m) => m.text === 'Envoyé depuis un autre onglet' && m.seq !== null),
    { what: 'the other tab\'s message in the first tab' });
  await other.close();
});

test('talk to an operator, when the livechat module is on', async (t) => {
  const button = page.locator('#vg-handoff');
  if (!(await button.isVisible())) { t.skip('livechat module off in this deployment'); return; }
  assert.match(await button.textContent(), /conseiller|opérateur/i);
  const before = (await shownMessages(page)).length;
  await button.click();
  // One stored message says how it went (issue 11, item 5): nobody is on duty here, so the
  // bot says so plainly (an event when an operator joins or the request waits).
  await waitFor(async () => (await shownMessages(page)).slice(before)
    .some((m) => m.seq !== null && (m.kind === 'event' || (m.author === 'bot' && /Aucun conseiller/.test(m.text)))),
  { what: 'the hand-over outcome' });
  const outbox = await page.evaluate(() => JSON.parse(localStorage.getItem('vigie.chatbox.v1.demo')).outbox);
  assert.deepEqual(outbox, []);
});

test('English, and usable at 320 px', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 320, height: 560 } });
  const p = await newPage(ctx);
  await p.goto(`${server.url}/c/demo/`);
  await online(p);
  assert.equal(await p.getAttribute('html', 'lang'), 'en');
  assert.equal(await p.getByRole('button', { name: /send/i }).count(), 1);
  const { reply } = await ask(p, 'I forgot my password');
  assert.ok(reply);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'no horizontal scrolling at 320 px');
  await p.screenshot({ path: path.join(screenshotDir(), 'chatbox-320.png') });
  assert.deepEqual(p.problems, []);
  await ctx.close();
});

test('a conversation the server does not know (data wiped): starts afresh, drops the stale cache', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR' });
  const p = await newPage(ctx);
  await p.goto(`${server.url}/c/demo/?lang=fr`); // same origin, to write its storage
  await p.evaluate(() => {
    const stale = (seq, author, text) => ({ type: 'message', conversation: 'c_gone', seq, author, kind: 'text', text, client_id: null });
    localStorage.setItem('vigie.chatbox.v1.demo', JSON.stringify({
      visitor_token: 'vt_forged', conversation: 'c_gone', last_seq: 2, outbox: [],
      messages: [stale(1, 'visitor', 'ancienne question'), stale(2, 'bot', 'ancienne réponse')],
    }));
  });
  await p.reload();
  await online(p);
  await waitFor(async () => (await shownMessages(p)).length === 0, { what: 'the stale messages to go' });
  const s = await p.evaluate(() => JSON.parse(localStorage.getItem('vigie.chatbox.v1.demo')));
  assert.notEqual(s.conversation, 'c_gone');
  assert.notEqual(s.visitor_token, 'vt_forged');
  const { reply } = await ask(p, "J'ai oublié mon mot de passe");
  assert.equal(reply.kind, 'knowledge');
  assert.deepEqual(p.problems, []);
  await ctx.close();
});
