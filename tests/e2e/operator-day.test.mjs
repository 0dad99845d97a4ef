// An operator's working day in the console (issue 13, items 4, 6 and 7), in French:
// "Absent" with a reason that a colleague sees, desktop notifications asked for with an
// explanation and raised for a queued visitor (Chromium with the permission granted), the
// preferences kept on the server, the keyboard (help overlay, take the next visitor, search
// and send knowledge, end with confirmation), the unread count in the title, and the time
// per status read back by the API.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, askBot, waitFor } from './helpers.mjs';

const BIN = path.resolve(ROOT, process.env.VIGIE_BIN || 'target/release/vigie');

let server;
let browser;
let adminEmail;

before(async () => {
  server = await new VigieServer().start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  assert.ok(adminEmail && server.password, `admin account printed:\n${server.output}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

const online = (p) => p.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });

async function login(p, email, password, button) {
  await p.goto(`${server.url}/console/`);
  await p.locator('#login-email').fill(email);
  await p.locator('#login-password').fill(password);
  await p.getByRole('button', { name: button }).click();
  await online(p);
}

async function setAvailability(p, label, status) {
  await p.getByLabel(label, { exact: true }).check();
  await waitFor(() => p.evaluate((s) => window.vigieConsole.state.availability === s, status), { what: `availability ${status}` });
}

/** An API call with the session of page `p` (its cookie, its CSRF token). */
function api(p, method, url, body) {
  return p.evaluate(async ([method, url, body]) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const r = await fetch(`/api/v1${url}`, {
      method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, url, body]);
}

async function visitorAsksForSomeone() {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 720 } });
  const v = await newPage(ctx);
  await v.goto(`${server.url}/c/demo/?lang=fr`);
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await askBot(v, 'Comment installer le VPN ?');
  await v.locator('#vg-handoff').click();
  return v;
}

test('statuses, notifications and the keyboard, in French', async () => {
  const add = spawnSync(BIN, ['user', 'add', '--email', 'bob@example.com', '--name', 'Bob', '--role', 'operator', '--password-stdin'], {
    env: { ...process.env, VIGIE_DATA_DIR: server.dataDir }, input: 'operator-password-1\n', encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(add.status, 0, `vigie user add: ${add.stdout}${add.stderr}`);
  const start = Date.now();

  // The admin's console, French, with the browser's permission for notifications.
  const adminCtx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
  await adminCtx.grantPermissions(['notifications'], { origin: server.url });
  const op = await newPage(adminCtx);
  await login(op, adminEmail, server.password, 'Se connecter');
  // Nothing is asked on page load: the operator opens the dialog, which says why.
  await op.locator('#notify-open').click();
  const dialog = op.locator('#notify-dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Le navigateur peut vous prévenir/);
  assert.match(await dialog.textContent(), /Notifications autorisées/);
  // Replies in weak monitored conversations: off by default; turned on, saved on the server.
  assert.equal(await op.locator('#pref-weak_replies').isChecked(), false);
  await op.locator('#pref-weak_replies').check();
  await waitFor(async () => (await api(op, 'GET', '/me/preferences')).body.desktop.weak_replies === true, { what: 'preference saved' });
  await op.screenshot({ path: path.join(screenshotDir(), 'console-fr-notifications.png') });
  await op.locator('#notify-close').click();

  // Away, with a reason from the admins' list.
  await setAvailability(op, 'Absent', 'away');
  await op.locator('#away-reason').selectOption('Réunion');
  await waitFor(() => op.evaluate(() => window.vigieConsole.state.awayReason === 'Réunion'), { what: 'reason set' });

  // Bob (English console) holds one conversation at a time and sees the reason.
  const people = (await api(op, 'GET', '/people')).body.people;
  const bobId = people.find((x) => x.email === 'bob@example.com').id;
  assert.equal((await api(op, 'PUT', `/livechat/operators/${bobId}/capacity`, { capacity: 1 })).status, 200);
  const bobCtx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const bob = await newPage(bobCtx);
  await login(bob, 'bob@example.com', 'operator-password-1', 'Log in');
  await setAvailability(bob, 'Available', 'available');
  const adminRow = bob.locator('#colleague-list li[data-status="away"]');
  await adminRow.waitFor();
  assert.match(await adminRow.locator('.reason').textContent(), /^Réunion$/);
  assert.match(await adminRow.locator('.since').textContent(), /^for /);

  // A first visitor goes to Bob; the second waits in the queue: the admin is notified.
  const v1 = await visitorAsksForSomeone();
  await waitFor(async () => (await shownMessages(v1)).some((m) => /Bob/.test(m.text)), { what: 'Bob took the first visitor' });
  const v2 = await visitorAsksForSomeone();
  await waitFor(async () => (await shownMessages(v2)).some((m) => /file d'attente/.test(m.text)), { what: 'queued' });
  const c2 = await v2.evaluate(() => window.vigieChatbox.state.conversation);
  const notified = await waitFor(async () => {
    const n = await op.evaluate(() => window.vigieConsole.state.notified);
    return n.find((x) => x.kind === 'queue' && x.conversation === c2);
  }, { what: 'a desktop notification for the queued visitor' });
  assert.match(notified.title, /Nouveau visiteur dans la file \(1 en attente\)/);
  assert.match(await op.title(), /1 en attente/);
  await op.screenshot({ path: path.join(screenshotDir(), 'console-fr-away-queue.png') });

  // `?` shows the shortcuts; Escape closes them.
  await op.locator('body').click({ position: { x: 640, y: 400 } });
  await op.keyboard.press('?');
  const help = op.locator('#kbd-dialog');
  await help.waitFor();
  assert.match(await help.textContent(), /Prendre le prochain visiteur de la file/);
  await op.screenshot({ path: path.join(screenshotDir(), 'console-fr-keyboard-help.png') });
  await op.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });

  // Alt+N takes the next visitor (an away operator may take by hand).
  await op.keyboard.press('Alt+KeyN');
  await waitFor(() => op.evaluate((c) => window.vigieConsole.state.tabs.some((t) => t.id === c && t.held), c2), { what: 'taken with Alt+N' });
  await waitFor(async () => (await shownMessages(v2)).some((m) => /rejoint/.test(m.text) && !/Bob/.test(m.text)), { what: 'the admin joined, for the visitor' });

  // Alt+K, a search, ↓ picks the first result, Alt+Entrée sends it.
  await op.keyboard.press('Alt+KeyK');
  assert.equal(await op.evaluate(() => document.activeElement.id), 'kb-q');
  await op.keyboard.type('VPN');
  await op.keyboard.press('Enter');
  await op.locator('#kb-results li[data-knowledge]').first().waitFor();
  await op.keyboard.press('ArrowDown');
  await op.locator('#kb-results li.active').waitFor();
  const picked = await op.locator('#kb-results li.active .kn-title span').first().textContent();
  await op.keyboard.press('Alt+Enter');
  await waitFor(async () => (await shownMessages(v2)).some((m) => m.text.includes(picked) || m.author === 'bot' && /VPN/.test(m.text)),
    { what: `the knowledge "${picked}" reached the visitor` });

  // Alt+E asks for confirmation; Enter ends the conversation.
  await op.keyboard.press('Alt+KeyE');
  await op.locator('#end-box').waitFor({ state: 'visible' });
  assert.equal(await op.evaluate(() => document.activeElement.id), 'end-confirm');
  await op.keyboard.press('Enter');
  await waitFor(() => op.evaluate((c) => window.vigieConsole.state.tabs.every((t) => t.id !== c || !t.held), c2), { what: 'ended with Alt+E' });

  // Time per status, read back (supervisors and admins): Bob was available, the admin away in a meeting.
  const times = await api(op, 'GET', `/livechat/status-times?from=${start}&to=${Date.now() + 1000}`);
  assert.equal(times.status, 200);
  const rows = times.body.operators;
  assert.ok(rows.some((r) => r.name === 'Bob' && r.status === 'available' && r.seconds >= 1), JSON.stringify(rows));
  assert.ok(rows.some((r) => r.status === 'away' && r.reason === 'Réunion' && r.seconds >= 1), JSON.stringify(rows));

  for (const p of [op, bob, v1, v2]) assert.deepEqual(p.problems, []);
  await bobCtx.close();
  await adminCtx.close();
});
