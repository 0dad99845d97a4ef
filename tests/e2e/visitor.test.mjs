// Who the visitor is (issue 13, item 2), in French: the admin's Intégration page makes the
// bot's identity secret; a site on another origin embeds the chatbox with the loader and
// identifies its logged-in user (`window.VigieSettings`, `user_hash` computed by the site's
// "server" with HMAC-SHA256); the operator's visitor panel shows the user, the host page the
// chatbox runs on and the pages before it, the browser and time zone, and follows a
// single-page navigation live; the same user on another device finds the conversation; a
// forged `user_hash` is refused (the conversation stays anonymous and separate).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, askBot, waitFor } from './helpers.mjs';

let server;
let browser;
let host;
let hostUrl;
let adminEmail;
let secret = null; // the bot's identity secret, known to the site's "server"

const USER = { id: 'emp-1042', email: 'marie.dupont@example.fr', name: 'Marie Dupont' };

function hostPage(title, forged) {
  const hash = forged ? crypto.createHmac('sha256', 'not-the-secret').update(USER.id).digest('hex')
    : crypto.createHmac('sha256', secret).update(USER.id).digest('hex');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>
<a id="to-account" href="/compte">Mon compte</a>
<button id="spa" type="button" onclick="history.pushState({}, '', '/compte/factures'); document.title = 'Mes factures'">Mes factures</button>
</main>
<script>
  window.VigieSettings = { user: ${JSON.stringify(USER)}, user_hash: ${JSON.stringify(hash)}, attributes: { contrat: "Pro", service: "Comptabilité" } };
</script>
<script src="${server.url}/c/demo/loader.js" async></script>
</body></html>`;
}

before(async () => {
  server = await new VigieServer().start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  browser = await launchBrowser();
  host = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    const forged = req.url.startsWith('/forge');
    res.end(hostPage(req.url.startsWith('/compte') ? 'Mon compte' : forged ? 'Page piégée' : 'Accueil', forged));
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostUrl = `http://localhost:${host.address().port}`; // another origin than Vigie's
});

after(async () => {
  await browser?.close();
  host?.close();
  await server?.cleanup();
});

const shot = (p, name) => p.screenshot({ path: path.join(screenshotDir(), name) });
const chatFrame = (page) => waitFor(() => page.frames().find((f) => f.url().startsWith(`${server.url}/c/demo/`)), { what: 'the chatbox iframe' });

test('the visitor panel, identified users and a forged user_hash, in French', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 860 } });
  // The admin makes the bot's identity secret (#/embed).
  const admin = await newPage(ctx, { viewport: { width: 1280, height: 860 } });
  await admin.goto(`${server.url}/admin/`);
  await admin.locator('#login-email').fill(adminEmail);
  await admin.locator('#login-password').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.locator('a[data-section="embed"]').click();
  await admin.locator('#embed-no-secret').waitFor();
  assert.match(await admin.locator('#embed-loader').textContent(), /\/c\/demo\/loader\.js/);
  admin.once('dialog', (d) => d.accept());
  await admin.locator('#embed-renew').click();
  await admin.locator('#embed-secret').waitFor();
  secret = await admin.locator('#embed-secret').inputValue();
  assert.ok(secret.length >= 32, secret);
  assert.equal(await admin.locator('#embed-secret').getAttribute('type'), 'password', 'hidden until asked');
  await admin.locator('#embed-secret-show').click();
  await shot(admin, 'admin-fr-embed.png');

  // The operator is available in the console.
  const op = await newPage(ctx, { viewport: { width: 1280, height: 860 } });
  await op.goto(`${server.url}/console/`);
  await op.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  await op.getByLabel('Disponible', { exact: true }).check();

  // Marie, on the site: the home page, then her account; she opens the chatbox there.
  const vctx = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1100, height: 760 } });
  const site = await newPage(vctx, { viewport: { width: 1100, height: 760 } });
  await site.goto(`${hostUrl}/?utm_source=mail`, { referer: 'https://www.qwant.com/' });
  await site.locator('#to-account').click();
  await site.waitForURL(`${hostUrl}/compte`);
  await site.locator('button[id^="vigie-launcher-"]').click();
  const frame = await chatFrame(site);
  await frame.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await askBot(frame, 'Ma note de frais est bloquée');
  await frame.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(frame)).some((m) => /rejoint/.test(m.text)), { what: 'the operator joined' });
  const conv = await frame.evaluate(() => window.vigieChatbox.state.conversation);

  // The operator opens the visitor panel of the tab.
  await waitFor(() => op.evaluate((c) => window.vigieConsole.state.tabs.some((t) => t.id === c && t.held), conv), { what: 'the tab held' });
  await op.locator('#visitor-btn').click();
  await op.locator('#visitor-user').waitFor();
  assert.equal(await op.locator('#visitor-user').textContent(), 'Marie Dupont');
  assert.equal(await op.locator('#visitor-user-email').textContent(), USER.email);
  const current = op.locator('#visitor-page a');
  assert.equal(await current.getAttribute('href'), `${hostUrl}/compte`);
  assert.equal(await current.textContent(), 'Mon compte');
  assert.match(await op.locator('#visitor-pages').textContent(), /Accueil/);
  assert.equal(await op.locator('#visitor-pages a').first().getAttribute('href'), `${hostUrl}/?utm_source=mail`);
  assert.equal(await op.locator('#visitor-referrer a').getAttribute('href'), 'https://www.qwant.com/', 'the first page\'s referrer, not the site itself');
  assert.match(await op.locator('#visitor-browser').textContent(), /^Chrome/);
  assert.match(await op.locator('#visitor-tz').textContent(), /Europe\/Paris \(il est \d\d:\d\d chez le visiteur\)/);
  assert.match(await op.locator('#visitor-languages').textContent(), /fr-FR/);
  assert.match(await op.locator('#visitor-attributes').textContent(), /contrat\s*Pro/);
  assert.match(await op.locator('#visitor-previous-count').textContent(), /Aucune conversation précédente/);

  // A single-page navigation on the site: the panel follows, live.
  await site.locator('#spa').click();
  await waitFor(async () => (await op.locator('#visitor-page a').getAttribute('href')) === `${hostUrl}/compte/factures`,
    { what: 'the panel to show the new page' });
  await shot(op, 'console-fr-visitor-panel.png');

  // Her canned answers know her name.
  // (The visitor name variable: "Bonjour {visitor_name}" → "Bonjour Marie Dupont".)
  const named = await op.evaluate(async () => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const r = await fetch('/api/v1/canned-answers', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
      body: JSON.stringify({ shortcut: '/bonjour', title: 'Bonjour', body: 'Bonjour {visitor_name}, je regarde.', lang: 'fr' }),
    });
    return r.status;
  });
  assert.equal(named, 201);
  await op.locator('#composer-input').click();
  await op.keyboard.type('/bonj');
  await op.locator('#canned-list li[data-shortcut="/bonjour"]').waitFor();
  await op.keyboard.press('Enter');
  await waitFor(async () => (await op.locator('#composer-input').inputValue()) === 'Bonjour Marie Dupont, je regarde.', { what: 'the name filled in' });
  await op.keyboard.press('Enter');
  await waitFor(async () => (await shownMessages(frame)).some((m) => m.text === 'Bonjour Marie Dupont, je regarde.'), { what: 'the answer' });

  // Marie on another device (nothing stored there): her conversation, with its messages.
  const other = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1100, height: 760 } });
  const site2 = await newPage(other, { viewport: { width: 1100, height: 760 } });
  await site2.goto(`${hostUrl}/compte`);
  await site2.locator('button[id^="vigie-launcher-"]').click();
  const frame2 = await chatFrame(site2);
  await waitFor(async () => (await shownMessages(frame2)).some((m) => m.text === 'Bonjour Marie Dupont, je regarde.'), { what: 'the conversation on the other device' });
  assert.equal(await frame2.evaluate(() => window.vigieChatbox.state.conversation), conv);

  // Someone forging her identity (wrong user_hash): refused, anonymous, not her conversation.
  const forger = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1100, height: 760 } });
  const site3 = await newPage(forger, { viewport: { width: 1100, height: 760 } });
  const warnings = [];
  site3.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await site3.goto(`${hostUrl}/forge`);
  await site3.locator('button[id^="vigie-launcher-"]').click();
  const frame3 = await chatFrame(site3);
  await frame3.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await askBot(frame3, 'Je suis Marie, montrez-moi ma conversation');
  const conv3 = await frame3.evaluate(() => window.vigieChatbox.state.conversation);
  assert.notEqual(conv3, conv);
  assert.ok(!(await shownMessages(frame3)).some((m) => /Marie Dupont, je regarde/.test(m.text)), 'nothing of hers');
  await waitFor(() => warnings.some((w) => /user_hash/.test(w)), { what: 'the refusal explained in the console' });
  const rec = await op.evaluate(async (c) => (await fetch(`/api/v1/conversations/${c}/visitor`)).json(), conv3);
  assert.equal(rec.user, null, 'the forged identity is not shown');
  assert.deepEqual([...site.problems, ...site2.problems, ...site3.problems, ...op.problems], []);
  await Promise.all([ctx.close(), vctx.close(), other.close(), forger.close()]);
});
