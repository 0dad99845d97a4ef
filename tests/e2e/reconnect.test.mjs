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
