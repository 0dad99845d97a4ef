// The loader on a page of another origin: launcher, iframe chatbox, unread badge, origins.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, waitFor,
} from './helpers.mjs';

let server;
let browser;
let host;
let hostUrl;

// A host page with hostile CSS: the launcher and the chatbox must not care.
const hostPage = (vigie) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Intranet</title>
<style>
  body { font: 40px/2 serif; background: #fafafa; margin: 0; }
  button { background: red !important; width: 10px; border: 5px dotted green; }
  iframe { border: 10px solid red; opacity: .2; }
  main { padding: 20px; }
</style></head>
<body><main><h1>Intranet de l'entreprise</h1><p>Bienvenue sur le portail.</p></main>
<script src="${vigie}/c/demo/loader.js" async></script>
</body></html>`;

before(async () => {
  server = await new VigieServer().start();
  browser = await launchBrowser();
  host = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(hostPage(server.url));
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  const { port } = host.address();
  // Another origin, and another site: `localhost` is not `127.0.0.1`.
  hostUrl = `http://localhost:${port}`;
});

after(async () => {
  await browser?.close();
  host?.close();
  await server?.cleanup();
});

const launcher = (p) => p.locator('button[id^="vigie-launcher-"]');

test('loader.js is small and served as JavaScript', async () => {
  const r = await fetch(`${server.url}/c/demo/loader.js`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /javascript/);
  const body = await r.text();
  assert.ok(Buffer.byteLength(body) < 8 * 1024, `loader.js is ${Buffer.byteLength(body)} bytes`);
});

test('the loader opens the chatbox in an iframe, and it works', async () => {
  const page = await newPage(browser, { viewport: { width: 1100, height: 760 } });
  await page.goto(`${hostUrl}/`);
  const button = launcher(page);
  await button.waitFor();
  assert.match(await button.getAttribute('aria-label'), /assistant/i);
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  const box = await button.boundingBox();
  assert.ok(box.width >= 56 && box.x + box.width > 1050 && box.y + box.height > 700, `launcher at bottom right: ${JSON.stringify(box)}`);

  await button.click();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  const iframe = page.locator('iframe[id^="vigie-chatbox-"]');
  await iframe.waitFor();
  const src = await iframe.getAttribute('src');
  assert.ok(src.startsWith(`${server.url}/c/demo/?embed=1`), src);
  assert.match(src, /lang=fr/);
  const frame = page.frameLocator('iframe[id^="vigie-chatbox-"]');
  await frame.locator('#vg-box[data-connection="online"]').waitFor({ timeout: 15_000 });
  await frame.locator('#vg-close').waitFor(); // embedded: it can close itself

  await frame.locator('#vg-input').fill('Comment installer le VPN ?');
  await frame.locator('#vg-input').press('Enter');
  const f = page.frames().find((x) => x.url().startsWith(server.url));
  await waitFor(async () => (await shownMessages(f)).some((m) => m.author === 'bot' && m.seq !== null), { what: 'the answer in the iframe' });
  await page.screenshot({ path: path.join(screenshotDir(), 'chatbox-loader.png') });

  // Close from inside the iframe: focus goes back to the launcher.
  await frame.locator('#vg-close').click();
  await waitFor(async () => !(await iframe.isVisible()), { what: 'the chatbox to close' });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement?.id), await button.getAttribute('id'));

  // Another origin cannot fake the iframe's messages.
  await page.evaluate(() => window.postMessage({ type: 'vigie:unread', count: 5 }, '*'));
  await page.waitForTimeout(200);
  assert.equal(await page.locator('button[id^="vigie-launcher-"] span').isVisible(), false, 'no badge from a forged message');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a monitored conversation's link to the customer's page: the loader opens the chatbox on it", async () => {
  // The admin (printed account) sets the prefix URL to the host page and creates one over
  // the API, as a CRM would (session cookie + CSRF token).
  const email = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: server.password }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await login.json();
  const call = (method, p, body) => fetch(`${server.url}/api/v1${p}`, {
    method, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: JSON.stringify(body),
  });
  const prefix = `${hostUrl}/aide?page=chat`;
  assert.equal((await call('PUT', '/livechat/settings', { monitored_prefix_url: prefix })).status, 200);
  const r = await call('POST', '/monitored-conversations', {
    bot: 'demo', name: 'Intranet', starting_knowledge: 'vpn-lent', email: 'martin@example.com', strong_monitoring: false,
  });
  assert.equal(r.status, 201);
  const { link } = await r.json();
  assert.ok(link.startsWith(`${prefix}&vigie_mc=mc_`), link);

  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1000, height: 700 } });
  const page = await newPage(ctx);
  await page.goto(link);
  const iframe = page.locator('iframe[id^="vigie-chatbox-"]');
  await iframe.waitFor({ state: 'visible' }); // a monitored link opens the chatbox at once
  const frame = page.frames().find((f) => f.url().startsWith(server.url) && /vigie_mc=mc_/.test(f.url()));
  assert.ok(frame, 'the chatbox got the link token');
  await waitFor(async () => (await shownMessages(frame)).some((m) => m.author === 'bot' && m.kind === 'knowledge' && /VPN lent/.test(m.text)),
    { what: 'the starting knowledge in the embedded chatbox' });
  assert.deepEqual(page.problems, []);
  await ctx.close();
});

test('unread badge while closed, and vigie_mc forwarded', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1000, height: 700 } });
  // Hold the bot's answers until the chatbox is closed.
  let hold = false;
  const held = [];
  await ctx.routeWebSocket(/\/ws\/visitor/, (ws) => {
    const srv = ws.connectToServer();
    ws.onMessage((m) => srv.send(m));
    srv.onMessage((m) => {
      const f = JSON.parse(m);
      if (hold && f.type === 'message' && f.author === 'bot') held.push(() => ws.send(m));
      else ws.send(m);
    });
  });
  const page = await newPage(ctx);
  await page.goto(`${hostUrl}/?vigie_mc=abc123`);
  const iframe = page.locator('iframe[id^="vigie-chatbox-"]');
  await iframe.waitFor({ state: 'visible' }); // a monitored link opens the chatbox at once
  assert.match(await iframe.getAttribute('src'), /[?&]vigie_mc=abc123(&|$)/);
  const frame = page.frameLocator('iframe[id^="vigie-chatbox-"]');
  // An unknown link: the clear "invalid link" page, then a new ordinary conversation from it.
  await frame.locator('#vg-link-error').waitFor({ timeout: 15_000 });
  assert.match(await frame.locator('#vg-box').getAttribute('data-link-error'), /^link_invalid$/);
  // The default text invites to "poser une nouvelle question ci-dessous": the button below says just that.
  await waitFor(async () => /poser une nouvelle question ci-dessous/i.test(await frame.locator('#vg-link-error-text').textContent()), { what: 'the default text' });
  await frame.getByRole('button', { name: 'Poser une nouvelle question' }).click();
  await frame.locator('#vg-box[data-connection="online"]').waitFor({ timeout: 15_000 });
  assert.equal(await frame.locator('#vg-link-error').count(), 0);
  assert.doesNotMatch(page.frames().find((x) => x.url().startsWith(server.url)).url(), /vigie_mc/);

  hold = true;
  await frame.locator('#vg-input').fill("J'ai oublié mon mot de passe");
  await frame.locator('#vg-input').press('Enter');
  await waitFor(() => held.length > 0, { what: 'the answer (held)' });
  await frame.locator('#vg-close').click();
  hold = false;
  for (const release of held.splice(0)) release();
  const badge = page.locator('button[id^="vigie-launcher-"] span');
  await badge.waitFor({ state: 'visible' });
  assert.equal(await badge.textContent(), '1');
  assert.match(await launcher(page).getAttribute('aria-label'), /1/);

  await launcher(page).click();
  await waitFor(async () => !(await badge.isVisible()), { what: 'the badge to clear on opening' });
  assert.deepEqual(page.problems, []);
  await ctx.close();
});
