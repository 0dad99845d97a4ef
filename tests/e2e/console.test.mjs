// The operator console (/console/) with a visitor's chatbox in another browser context:
// login, availability, hand-over with the whole history, messages both ways, typing,
// knowledge sent from the search panel, end; nobody available; transfer to a colleague;
// a network cut on the operator's side.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ROOT, VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, askBot, waitFor,
} from './helpers.mjs';

const BIN = path.resolve(ROOT, process.env.VIGIE_BIN || 'target/release/vigie');

let server;
let browser;
let op; // the admin's console (French, desktop size)
let opCtx;
let adminEmail;

before(async () => {
  server = await new VigieServer().start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  assert.ok(adminEmail && server.password, `admin account printed:\n${server.output}`);
  browser = await launchBrowser();
  opCtx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
  op = await newPage(opCtx);
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

// ---- helpers

const online = (p) => p.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });

async function login(p, email, password, button = 'Se connecter') {
  await p.goto(`${server.url}/console/`);
  await p.locator('#login-email').waitFor();
  await p.locator('#login-email').fill(email);
  await p.locator('#login-password').fill(password);
  await p.getByRole('button', { name: button }).click();
  await online(p);
}

/** Sets the availability with the top-bar switch and waits for the server to confirm it. */
async function setAvailability(p, label, status) {
  await p.getByLabel(label, { exact: true }).check();
  await waitFor(() => p.evaluate((s) => window.vigieConsole.state.availability === s
    && document.querySelector(`#avail-${s}`).checked, status), { what: `availability ${status}` });
}

async function newVisitor() {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 720 } });
  const v = await newPage(ctx);
  await v.goto(`${server.url}/c/demo/?lang=fr`);
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  return v;
}

/** The visitor asks `text` and waits for the bot's reply. */
const ask = async (v, text) => (await askBot(v, text)).reply;

async function visitorSays(v, text) {
  await v.fill('#vg-input', text);
  await v.press('#vg-input', 'Enter');
}

const conversationOf = (v) => v.evaluate(() => window.vigieChatbox.state.conversation);

/** What the console shows in the log of conversation `id`. */
function consoleLog(p, id) {
  return p.evaluate((id) => {
    const st = window.vigieConsole.state;
    if (st.current !== id) return null;
    return [...document.querySelectorAll('#scroll .log > li')].map((li) => ({
      seq: li.dataset.seq ? Number(li.dataset.seq) : null,
      author: li.dataset.author || null,
      kind: li.dataset.kind || null,
      state: li.dataset.state || null,
      text: li.querySelector('.bubble')?.textContent ?? '',
    }));
  }, id);
}

const tab = (p, id) => p.locator(`[role=tab][data-tab="${id}"]`);

function problems(...pages) {
  for (const p of pages) assert.deepEqual(p.problems, [], 'no page error nor CSP violation');
}

// ---- tests

test('login at /console/, then available', async () => {
  await op.goto(`${server.url}/console/`);
  await op.getByLabel('Adresse e-mail').waitFor();
  assert.equal(await op.getAttribute('html', 'lang'), 'fr');
  await op.getByLabel('Adresse e-mail').fill(adminEmail);
  await op.getByLabel('Mot de passe').fill('not-the-password');
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await op.getByRole('alert').waitFor();
  await op.getByLabel('Mot de passe').fill(server.password);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await online(op);
  assert.match(await op.locator('#queue-count').textContent(), /0 en attente/);

  await setAvailability(op, 'Disponible', 'available');
  // The admin is listed among the operators on duty.
  await waitFor(async () => (await op.locator('#colleague-list li[data-status="available"]').count()) === 1,
    { what: 'self listed as available' });

  // A reload resumes the session without the login form.
  await op.reload();
  await online(op);
  assert.equal(await op.locator('#login-email').count(), 0);
  assert.ok(await op.locator('#avail-available').isChecked(), 'still available after a reload');
  problems(op);
});

let conv; // the conversation of the main scenario
let visitor;

test('hand-over: the tab appears with the whole history, messages both ways, typing, knowledge, end', async () => {
  visitor = await newVisitor();
  const reply = await ask(visitor, 'Comment installer le VPN ?');
  assert.equal(reply.author, 'bot');
  await visitor.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(visitor)).some((m) => /rejoint/.test(m.text)),
    { what: 'operator joined, in the chatbox' });
  conv = await conversationOf(visitor);
  // An operator is there: no "Parler à un conseiller" (it would only say "transmise" again).
  await visitor.locator('#vg-handoff').waitFor({ state: 'hidden' });

  // The operator's tab opens by itself, flashing, with the bot part of the conversation.
  await tab(op, conv).waitFor();
  await waitFor(async () => /flash/.test(await tab(op, conv).getAttribute('class')), { what: 'flashing tab' });
  await waitFor(async () => {
    const log = await consoleLog(op, conv);
    return log && log.some((m) => m.author === 'visitor' && /VPN/.test(m.text))
      && log.some((m) => m.author === 'bot' && m.kind === reply.kind)
      && log.some((m) => m.kind === 'event');
  }, { what: 'the history in the console' });
  await tab(op, conv).click();
  assert.doesNotMatch(await tab(op, conv).getAttribute('class'), /flash/);
  // The pane says which bot the conversation is with (its name, from GET /bots).
  await waitFor(async () => /^Bot : \S/.test(await op.locator('#pane-bot').textContent()), { what: "the bot's name in the pane" });
  assert.equal(await tab(op, conv).getAttribute('aria-selected'), 'true');

  // Operator → visitor, with the typing indicator first.
  await op.locator('#composer-input').pressSequentially('Bonjour, je regarde');
  await visitor.waitForSelector('#vg-typing:not([hidden])', { timeout: 10_000 });
  await op.press('#composer-input', 'Enter');
  await waitFor(async () => (await shownMessages(visitor)).some((m) => m.author === 'operator' && m.text === 'Bonjour, je regarde'),
    { what: "the operator's message in the chatbox" });
  await waitFor(async () => (await consoleLog(op, conv)).some((m) => m.author === 'operator' && m.seq !== null && m.text === 'Bonjour, je regarde'),
    { what: "the operator's message stored, in the console" });
  assert.equal((await consoleLog(op, conv)).filter((m) => m.text === 'Bonjour, je regarde').length, 1, 'shown once');

  // Visitor → operator, with the typing indicator first.
  await visitor.locator('#vg-input').pressSequentially('Merci, il est très lent');
  await op.waitForSelector('#visitor-typing:not([hidden])', { timeout: 10_000 });
  await visitor.press('#vg-input', 'Enter');
  await waitFor(async () => (await consoleLog(op, conv)).some((m) => m.author === 'visitor' && m.text === 'Merci, il est très lent'),
    { what: "the visitor's message in the console" });
  assert.ok(await op.locator('#visitor-typing').isHidden(), 'typing indicator gone with the message');
  assert.match(await tab(op, conv).textContent(), /visiteur il y a/);

  // Knowledge search, and sending an item: the visitor sees it as an answer.
  await op.getByLabel('Rechercher une connaissance').fill('vpn');
  const first = op.locator('#kb-results li[data-knowledge]').first();
  await first.waitFor();
  const knowledgeId = await first.getAttribute('data-knowledge');
  const before = (await shownMessages(visitor)).length;
  await first.getByRole('button', { name: /Envoyer/ }).click();
  // The operator's act (issue 11, item 10): author "operator" on both sides.
  await waitFor(async () => (await shownMessages(visitor)).slice(before).some((m) => m.author === 'operator' && m.kind === 'knowledge'),
    { what: 'the knowledge answer in the chatbox' });
  await waitFor(async () => (await consoleLog(op, conv)).some((m) => m.author === 'operator' && m.kind === 'knowledge' && m.seq > 5),
    { what: 'the knowledge answer in the console' });
  // Sent by the operator: the operator's act on both sides, not "Bot" / the assistant.
  const sent = op.locator('#scroll .log > li[data-kind="knowledge"][data-sent-by]').last();
  await sent.waitFor();
  assert.match(await sent.locator('.who').textContent(), /· connaissance envoyée/);
  assert.doesNotMatch(await sent.locator('.who').textContent(), /^Bot/);
  const got = visitor.locator('#vg-log li[data-kind="knowledge"][data-sent-by]').last();
  await got.waitFor();
  assert.match(await got.locator('.vg-who').textContent(), /vous a envoyé :$/);
  assert.ok(knowledgeId);

  await op.screenshot({ path: path.join(screenshotDir(), 'console.png') });

  // End: the visitor is told, the tab can then be closed.
  await op.getByRole('button', { name: 'Terminer', exact: true }).click();
  await op.locator('#end-confirm').click();
  await waitFor(async () => (await shownMessages(visitor)).some((m) => m.kind === 'event' && /termin|quitt|fin/i.test(m.text)),
    { what: 'the end message in the chatbox' });
  // Back with the bot: the visitor may ask for an operator again.
  await visitor.locator('#vg-handoff').waitFor({ state: 'visible' });
  await op.getByRole('button', { name: "Fermer l'onglet" }).waitFor();
  const stored = (await consoleLog(op, conv)).filter((m) => m.seq !== null).map((m) => m.seq);
  assert.deepEqual(stored, [...new Set(stored)].sort((a, b) => a - b), 'each seq once, in order');
  await op.getByRole('button', { name: "Fermer l'onglet" }).click();
  assert.equal(await tab(op, conv).count(), 0);
  problems(op, visitor);
  await visitor.context().close();
});

test('nobody available: the visitor is told so', async () => {
  await setAvailability(op, 'Hors ligne', 'offline');
  const v = await newVisitor();
  await ask(v, 'Comment installer le VPN ?');
  await v.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(v)).some((m) => m.author === 'bot' && /disponible/i.test(m.text)),
    { what: 'no operator available, in the chatbox' });
  const c = await conversationOf(v);
  assert.equal(await tab(op, c).count(), 0, 'no tab for the operator off duty');
  problems(op, v);
  await v.context().close();
});

// Issue 11, items 1 and 5: a knowledge flagged "hand over" puts the visitor through (the
// button's path), and each outcome is said once, plainly.
test('a question asking for a person: one clear message when nobody is there, the operator\'s tab when one is', async () => {
  const question = "mon badge ne marche plus à l'entrée du parking, je peux parler à quelqu'un ?";
  // The question, then (when the bot offers it rather than acting at once) the click on
  // "Parler à un conseiller", as the visitor did.
  const askForAPerson = async (v, done) => {
    await visitorSays(v, question);
    const chip = v.locator('#vg-log .vg-chip[data-knowledge="parler-a-un-conseiller"]').last();
    await waitFor(async () => (await done()) || (await chip.count()) > 0, { what: 'an answer to the question' });
    if (!(await done())) await chip.click();
  };
  const v = await newVisitor();
  const told = async () => (await shownMessages(v)).some((m) => m.author === 'bot' && /Aucun conseiller/.test(m.text));
  await askForAPerson(v, told);
  await waitFor(told, { what: 'nobody available, said' });
  await v.waitForTimeout(500);
  const said = (await shownMessages(v)).filter((m) => m.author !== 'visitor').map((m) => m.text);
  assert.equal(said.filter((t) => /mets en relation|transmise|Aucun conseiller/.test(t)).length, 1, said.join(' | '));
  problems(v);
  await v.context().close();

  await setAvailability(op, 'Disponible', 'available');
  const w = await newVisitor();
  const joined = async () => (await shownMessages(w)).some((m) => /rejoint/.test(m.text));
  await askForAPerson(w, joined);
  await waitFor(joined, { what: 'the operator joined' });
  assert.ok(!(await shownMessages(w)).some((m) => /Aucun conseiller/.test(m.text)));
  const c = await conversationOf(w);
  await tab(op, c).waitFor();
  await w.locator('#vg-handoff').waitFor({ state: 'hidden' });
  problems(op, w);
  await w.context().close();
  await tab(op, c).click();
  await op.getByRole('button', { name: 'Terminer', exact: true }).click();
  await op.locator('#end-confirm').click();
  await op.getByRole('button', { name: "Fermer l'onglet" }).click();
  await setAvailability(op, 'Hors ligne', 'offline');
});

test('transfer to a colleague', async () => {
  const add = spawnSync(BIN, ['user', 'add', '--email', 'bob@example.com', '--name', 'Bob', '--role', 'operator', '--password-stdin'], {
    env: { ...process.env, VIGIE_DATA_DIR: server.dataDir }, input: 'operator-password-1\n', encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(add.status, 0, `vigie user add: ${add.stdout}${add.stderr}`);
  const bobCtx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const bob = await newPage(bobCtx);
  await login(bob, 'bob@example.com', 'operator-password-1', 'Log in');
  assert.equal(await bob.getAttribute('html', 'lang'), 'en');
  await setAvailability(bob, 'Away', 'away');
  await setAvailability(op, 'Disponible', 'available');

  const v = await newVisitor();
  await ask(v, 'Comment installer le VPN ?');
  await v.locator('#vg-handoff').click();
  const c = await conversationOf(v);
  await tab(op, c).waitFor();
  await tab(op, c).click();

  await setAvailability(bob, 'Available', 'available');
  await op.getByRole('button', { name: 'Transférer', exact: true }).click();
  await waitFor(async () => (await op.locator('#transfer-to option').allTextContents()).some((o) => /Bob/.test(o)),
    { what: 'Bob offered as a transfer target' });
  // Only the available colleagues are offered, never oneself.
  assert.equal(await op.locator('#transfer-to option').count(), 1);
  // Livechat changes while the box is open (Bob away, then back) update it in place:
  // they do not close it nor rebuild the pane.
  await setAvailability(bob, 'Away', 'away');
  await waitFor(async () => (await op.locator('#transfer-to option').count()) === 0, { what: 'Bob no longer offered' });
  await setAvailability(bob, 'Available', 'available');
  await waitFor(async () => (await op.locator('#transfer-to option').allTextContents()).some((o) => /Bob/.test(o)),
    { what: 'Bob offered again, the box still open' });
  await op.locator('#transfer-to').selectOption({ label: await op.locator('#transfer-to option', { hasText: 'Bob' }).textContent() });
  await op.locator('#transfer-confirm').click();

  // Bob gets the tab with the history; the admin no longer holds it; the visitor is told.
  await tab(bob, c).waitFor();
  await waitFor(async () => /flash/.test(await tab(bob, c).getAttribute('class')), { what: "Bob's flashing tab" });
  await tab(bob, c).click();
  await waitFor(async () => {
    const log = await consoleLog(bob, c);
    return log && log.some((m) => m.author === 'visitor' && /VPN/.test(m.text)) && log.some((m) => /transf/i.test(m.text));
  }, { what: "the history in Bob's console" });
  await waitFor(async () => (await shownMessages(v)).some((m) => /transf/i.test(m.text)), { what: 'transfer told to the visitor' });
  await op.getByRole('button', { name: "Fermer l'onglet" }).waitFor();
  // Each operator reads the transfer from their side (the visitor's "vous a transféré" is not theirs).
  await waitFor(async () => (await consoleLog(bob, c)).some((m) => m.kind === 'event' && m.text === 'This visitor was transferred to you.'),
    { what: "Bob's own sentence" });
  await waitFor(async () => (await consoleLog(op, c) || []).some((m) => m.kind === 'event' && m.text === 'Conversation transférée à Bob.'),
    { what: "the admin's own sentence" });
  assert.ok(!((await consoleLog(op, c)) || []).some((m) => /vous a transféré/.test(m.text)));

  await bob.locator('#composer-input').fill('Bob here');
  await bob.press('#composer-input', 'Enter');
  await waitFor(async () => (await shownMessages(v)).some((m) => m.author === 'operator' && m.text === 'Bob here'),
    { what: "Bob's message in the chatbox" });
  await op.getByRole('button', { name: "Fermer l'onglet" }).click();
  problems(op, bob, v);
  await setAvailability(bob, 'Offline', 'offline');
  await bobCtx.close();
  await v.context().close();
});

test('network cut on the operator side: missed messages shown without reload, once', async () => {
  const v = await newVisitor();
  await ask(v, 'Comment installer le VPN ?');
  await v.locator('#vg-handoff').click();
  const c = await conversationOf(v);
  await tab(op, c).waitFor();
  await tab(op, c).click();
  await waitFor(async () => (await consoleLog(op, c))?.some((m) => m.kind === 'event'), { what: 'history' });

  await opCtx.setOffline(true);
  await op.waitForSelector('#banner:not([hidden])', { timeout: 10_000 });
  assert.match(await op.locator('#banner').textContent(), /reconnexion/i);
  // The operator writes while offline: kept in the outbox, sent once back online.
  await op.locator('#composer-input').fill('Écrit hors ligne');
  await op.press('#composer-input', 'Enter');
  await visitorSays(v, 'Premier message pendant la coupure');
  await visitorSays(v, 'Second message pendant la coupure');
  await waitFor(async () => (await shownMessages(v)).filter((m) => /pendant la coupure/.test(m.text) && m.seq !== null).length === 2,
    { what: "the visitor's messages stored" });
  await opCtx.setOffline(false);
  await online(op);
  await waitFor(async () => {
    const log = await consoleLog(op, c);
    return log.filter((m) => /pendant la coupure/.test(m.text)).length === 2;
  }, { what: 'the missed messages in the console' });
  await waitFor(async () => (await shownMessages(v)).some((m) => m.author === 'operator' && m.text === 'Écrit hors ligne'),
    { what: 'the message written offline, in the chatbox' });
  await waitFor(async () => (await op.evaluate(() => window.vigieConsole.state.outbox.length)) === 0, { what: 'empty outbox' });
  const log = await consoleLog(op, c);
  const seqs = log.filter((m) => m.seq !== null).map((m) => m.seq);
  assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'each seq once, in order');
  assert.equal(log.filter((m) => m.text === 'Écrit hors ligne').length, 1, 'the offline message shown once');
  assert.ok(await op.locator('#banner').isHidden());
  problems(op, v);
  await v.context().close();
});

test('queue: when the operators are full, the conversation waits, then a colleague takes it', async () => {
  // The admin holds the conversation of the previous test; fill the rest of its capacity.
  const cap = await op.evaluate(() => {
    const st = window.vigieConsole.state;
    const self = st.presence.find((p) => p.status === 'available');
    return self ? self.capacity - self.load : 0;
  });
  const visitors = [];
  for (let i = 0; i < cap; i++) {
    const v = await newVisitor();
    visitors.push(v);
    await v.locator('#vg-handoff').click();
    await waitFor(async () => (await shownMessages(v)).some((m) => /rejoint/.test(m.text)), { what: `visitor ${i} joined` });
  }
  const waiting = await newVisitor();
  visitors.push(waiting);
  await waiting.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(waiting)).some((m) => /file d'attente/.test(m.text)), { what: 'queued' });
  // Waiting in the queue: asking again would only repeat "transmise".
  await waiting.locator('#vg-handoff').waitFor({ state: 'hidden' });
  const c = await conversationOf(waiting);
  await waitFor(async () => /1 en attente/.test(await op.locator('#queue-count').textContent()), { what: 'queue counter' });
  const item = op.locator(`#queue-list li[data-conversation="${c}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /attend depuis \d+ s/);

  // Bob is away: nothing is pushed to him, but he may take the waiting visitor by hand.
  const bobCtx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const bob = await newPage(bobCtx);
  await login(bob, 'bob@example.com', 'operator-password-1', 'Log in');
  await setAvailability(bob, 'Away', 'away');
  await bob.locator(`#queue-list li[data-conversation="${c}"]`).getByRole('button', { name: 'Take' }).click();
  await tab(bob, c).waitFor();
  await waitFor(async () => (await shownMessages(waiting)).some((m) => /Bob/.test(m.text)), { what: 'Bob joined, for the visitor' });
  await waitFor(async () => /0 en attente/.test(await op.locator('#queue-count').textContent()), { what: 'queue emptied' });
  problems(op, bob, ...visitors);
  await setAvailability(bob, 'Offline', 'offline');
  await bobCtx.close();
  for (const v of visitors) await v.context().close();
});
