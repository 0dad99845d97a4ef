// Robustness: the server goes away and comes back; acks get lost. Nothing is lost, nothing
// is stored twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  VigieServer, launchBrowser, newPage, shownMessages, storedMessages, waitFor,
} from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await new VigieServer().start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

const online = (p, timeout = 15_000) => p.waitForSelector('#vg-box[data-connection="online"]', { timeout });
const saved = (p) => p.evaluate(() => JSON.parse(localStorage.getItem('vigie.chatbox.v1.demo') || '{}'));

function assertOnceInOrder(list, text) {
  const seqs = list.map((m) => m.seq);
  assert.equal(new Set(seqs).size, seqs.length, `no seq twice: ${seqs}`);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seqs increasing: ${seqs}`);
  const mine = list.filter((m) => m.author === 'visitor' && m.text === text);
  assert.equal(mine.length, 1, `"${text}" stored exactly once: ${JSON.stringify(list.map((m) => [m.seq, m.author, m.text]))}`);
  return mine[0];
}

test('server stopped and restarted: the message typed meanwhile is sent once', async () => {
  const page = await newPage(browser);
  await page.goto(`${server.url}/c/demo/?lang=fr`);
  await online(page);
  await page.fill('#vg-input', 'Mon VPN ne se connecte pas');
  await page.press('#vg-input', 'Enter');
  await waitFor(async () => (await shownMessages(page)).some((m) => m.author === 'bot'), { what: 'first answer' });

  const stop = await server.stop();
  assert.ok(stop, 'server stopped');
  assert.ok(!server.output.includes('SIGKILL'), `vigie did not stop on SIGTERM within 10 s:\n${server.output}`);
  await page.waitForSelector('#vg-box[data-connection="offline"]');
  await page.waitForSelector('#vg-banner:not([hidden])');
  assert.match(await page.textContent('#vg-banner'), /reconnexion/i);

  const text = 'Message écrit pendant la coupure';
  await page.fill('#vg-input', text);
  await page.press('#vg-input', 'Enter');
  const pending = page.locator('li[data-state="pending"]');
  await pending.waitFor();
  assert.equal(await pending.locator('.vg-bubble').textContent(), text);
  assert.equal((await saved(page)).outbox.length, 1, 'kept in the outbox');

  await server.start(); // same data directory, same port
  await online(page, 30_000);
  await waitFor(async () => (await page.locator('li[data-pending]').count()) === 0, { what: 'the pending message to be stored' });
  const list = await waitFor(async () => {
    const l = await shownMessages(page);
    const mine = l.find((m) => m.author === 'visitor' && m.text === text);
    return mine && l.some((m) => m.author === 'bot' && m.seq > mine.seq) && l;
  }, { what: 'the answer to the offline message' });
  const mine = assertOnceInOrder(list.filter((m) => m.seq !== null), text);
  assert.deepEqual((await saved(page)).outbox, []);

  // The server agrees: its own replay from seq 0.
  const stored = await storedMessages(page);
  const s = assertOnceInOrder(stored.map((m) => ({ seq: m.seq, author: m.author, text: m.text })), text);
  assert.equal(s.seq, mine.seq);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a lost ack, a duplicated frame: each message is stored once', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR' });
  let mode = 'pass';
  const sent = [];
  await ctx.routeWebSocket(/\/ws\/visitor/, (ws) => {
    const srv = ws.connectToServer();
    ws.onMessage((m) => {
      const f = JSON.parse(m);
      if (f.type === 'send') sent.push(f.client_id);
      srv.send(m);
      if (mode === 'dup' && f.type === 'send') srv.send(m); // a retry racing the first try
    });
    srv.onMessage((m) => {
      const f = JSON.parse(m);
      if (mode === 'drop' && (f.type === 'ack' || f.type === 'message')) {
        // The server stored it, but the visitor never hears: the connection dies.
        mode = 'pass';
        ws.close({ code: 4000, reason: 'test: connection lost' });
        return;
      }
      ws.send(m);
    });
  });
  const page = await newPage(ctx);
  await page.goto(`${server.url}/c/demo/?lang=fr`);
  await online(page);

  const check = async (text) => {
    await waitFor(async () => (await page.locator('li[data-pending]').count()) === 0, { what: `"${text}" acknowledged` });
    const list = await waitFor(async () => {
      const l = await shownMessages(page);
      const mine = l.find((m) => m.author === 'visitor' && m.text === text);
      return mine && l.some((m) => m.author === 'bot' && m.seq > mine.seq) && l;
    }, { what: `the answer to "${text}"` });
    assertOnceInOrder(list, text);
    const stored = await storedMessages(page);
    assertOnceInOrder(stored.map((m) => ({ seq: m.seq, author: m.author, text: m.text })), text);
    assert.deepEqual((await saved(page)).outbox, []);
  };

  // 1. Stored, but the ack is lost with the connection: after reconnecting, the replay (or
  //    a retry with the same client_id) settles it.
  mode = 'drop';
  const first = 'Mon imprimante est bloquée';
  await page.fill('#vg-input', first);
  await page.press('#vg-input', 'Enter');
  await waitFor(async () => mode === 'pass', { what: 'the connection to be cut' });
  await page.waitForSelector('#vg-box[data-connection="offline"]');
  await online(page, 20_000);
  await check(first);
  assert.equal(new Set(sent).size, 1, 'any retry kept the client_id');

  // 2. The same frame reaches the server twice.
  mode = 'dup';
  const second = 'Mon écran est cassé';
  await page.fill('#vg-input', second);
  await page.press('#vg-input', 'Enter');
  await check(second);
  mode = 'pass';
  assert.deepEqual(page.problems, []);
  await ctx.close();
});

test('25 messages typed offline: all stored once, in order, within the rate limit', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR' });
  const errors = [];
  const passThrough = (ws) => {
    const srv = ws.connectToServer();
    srv.onMessage((m) => {
      const f = JSON.parse(m);
      if (f.type === 'error') errors.push(f.code);
      ws.send(m);
    });
  };
  const page = await newPage(ctx);
  await page.goto(`${server.url}/c/demo/?lang=fr`);
  await online(page);
  // Offline from now on: every WebSocket is refused; the page itself still loads.
  await ctx.routeWebSocket(/\/ws\/visitor/, (ws) => ws.close({ code: 4001, reason: 'test: offline' }));
  await page.reload();
  await page.waitForSelector('#vg-banner:not([hidden])');
  const texts = Array.from({ length: 25 }, (_, i) => `Question hors ligne numéro ${i + 1}`);
  for (const t of texts) {
    await page.fill('#vg-input', t);
    await page.press('#vg-input', 'Enter');
  }
  assert.equal(await page.locator('li[data-state="pending"]').count(), 25);
  assert.equal((await saved(page)).outbox.length, 25);
  // Still offline, a reload keeps them (the outbox is in localStorage).
  await page.reload();
  assert.equal(await page.locator('li[data-state="pending"]').count(), 25);
  assert.equal(await page.locator('li[data-state="pending"] .vg-bubble').first().textContent(), texts[0]);

  await ctx.unrouteAll();
  await ctx.routeWebSocket(/\/ws\/visitor/, passThrough);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await online(page, 30_000);
  await waitFor(async () => (await page.locator('li[data-pending]').count()) === 0, { what: 'all 25 stored', timeout: 30_000 });
  assert.deepEqual((await saved(page)).outbox, []);
  const stored = await storedMessages(page);
  const mine = stored.filter((m) => m.author === 'visitor' && texts.includes(m.text));
  assert.deepEqual(mine.map((m) => m.text), texts, 'each once, in the order typed');
  assert.deepEqual(errors.filter((c) => c !== 'rate_limited'), [], 'no other error');
  assert.deepEqual(page.problems, []);
  await ctx.close();
});

test('liveness: a ping every 25 s; a connection silent for 60 s is dropped and replaced', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR' });
  let connections = 0;
  let silent = false; // the first connection's server frames stop arriving (half-dead network)
  const pings = [];
  let pongs = 0;
  await ctx.routeWebSocket(/\/ws\/visitor/, (ws) => {
    const n = ++connections;
    const srv = ws.connectToServer();
    ws.onMessage((m) => {
      if (JSON.parse(m).type === 'ping') pings.push(n);
      srv.send(m);
    });
    srv.onMessage((m) => {
      if (silent && n === 1) return;
      if (JSON.parse(m).type === 'pong') pongs++;
      ws.send(m);
    });
  });
  const page = await newPage(ctx);
  await page.clock.install();
  await page.goto(`${server.url}/c/demo/?lang=fr`);
  await online(page);
  await page.clock.runFor(26_000);
  await waitFor(() => pongs >= 1, { what: 'a ping after 25 s, and its pong' });
  await page.waitForTimeout(100);
  silent = true;
  await page.clock.runFor(45_000);
  assert.equal(connections, 1, 'not dropped before 60 s of silence');
  await page.clock.runFor(30_000);
  await waitFor(() => connections >= 2, { what: 'a new connection' });
  await online(page);
  assert.deepEqual(page.problems, []);
  await ctx.close();
});
