// The admin pages, as an admin and an operator would use them, checked in a visitor's
// chatbox: login, dialog-box configuration (advanced view, module toggles, resources),
// save vs deploy, deployed URL, history and restore, knowledge editing, read-only operator.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ROOT, VigieServer, launchBrowser, newPage, screenshotDir, storedMessages, askBot, waitFor,
} from './helpers.mjs';

const BIN = path.resolve(ROOT, process.env.VIGIE_BIN || 'target/release/vigie');

const NEW_TITLE = 'Support informatique (e2e)';
const NEW_WELCOME = 'Bienvenue au support ! Message d’accueil modifié par le test.';
const NEW_ANSWER = 'Nouvelle procédure : installez **GlobalProtect E2E** depuis le Centre logiciel.\n\nPuis connectez-vous.';

let server;
let browser;
let admin; // the admin's page (English UI, desktop size)
let visitor; // the visitor's chatbox, in another browser context
let adminEmail;
let original; // the chatbox configuration (fr) of the first deployment

before(async () => {
  server = await new VigieServer().start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  assert.ok(adminEmail && server.password, `admin account printed:\n${server.output}`);
  const r = await fetch(`${server.url}/api/v1/bots/demo/chatbox?lang=fr`);
  assert.equal(r.status, 200);
  original = await r.json();
  assert.equal(original.deployment, 1, 'the demo bot starts with one deployment');
  browser = await launchBrowser();
  const adminCtx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  await adminCtx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  admin = await newPage(adminCtx);
  visitor = await newPage(browser, { lang: 'fr-FR' });
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

// ---- helpers

const online = (p) => p.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });

/** Opens (or reloads) the visitor's chatbox and waits until the server's configuration is in. */
async function openChatbox(url = `${server.url}/c/demo/?lang=fr`) {
  const config = visitor.waitForResponse((r) => r.url().includes('/api/v1/bots/demo/chatbox'));
  await visitor.goto(url);
  const resp = await config;
  assert.equal(resp.status(), 200);
  await online(visitor);
  return resp.json();
}

const chatTitle = () => visitor.textContent('#vg-title');
const chatWelcome = () => visitor.textContent('#vg-welcome-text');

/** Sends `text` and waits for the bot's reply after it. */
const ask = async (p, text) => (await askBot(p, text)).reply;

/** The computed background of `selector`, and the colours the stylesheet's --on/--off resolve to. */
function colours(selector) {
  return admin.evaluate((sel) => {
    const probe = (v) => {
      const d = document.createElement('div');
      d.style.background = `var(${v})`;
      document.body.append(d);
      const c = getComputedStyle(d).backgroundColor;
      d.remove();
      return c;
    };
    return { bg: getComputedStyle(document.querySelector(sel)).backgroundColor, on: probe('--on'), off: probe('--off') };
  }, selector);
}
const rgb = (c) => c.match(/\d+/g).slice(0, 3).map(Number);

const okMessage = () => admin.locator('#main .msg.ok').textContent();
const statusLine = () => admin.locator('#main p.status').textContent();

async function clickAndSee(button, okPattern) {
  await admin.getByRole('button', { name: button, exact: true }).click();
  await waitFor(async () => okPattern.test(await admin.locator('#main .msg').first().textContent()),
    { what: `${okPattern} after ${button}` }).catch(async (e) => {
    throw new Error(`${e.message}; shown: ${await admin.locator('#main').innerText()}`);
  });
}

async function deployedVersion() {
  const r = await fetch(`${server.url}/api/v1/bots/demo/chatbox?lang=fr`);
  return (await r.json()).deployment;
}

// ---- tests

test('login: a wrong password is refused clearly, the printed one lets the admin in', async () => {
  await admin.goto(`${server.url}/admin/`);
  await admin.waitForSelector('#login-email');
  assert.equal(await admin.getAttribute('html', 'lang'), 'en');
  await admin.getByLabel('Email address').fill(adminEmail);
  await admin.getByLabel('Password').fill('not-the-password');
  await admin.getByRole('button', { name: 'Log in' }).click();
  const alert = admin.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /wrong email address or password/i);
  assert.equal(await admin.locator('#login-password').count(), 1, 'still on the login form');

  await admin.getByLabel('Password').fill(server.password);
  await admin.getByRole('button', { name: 'Log in' }).click();
  await admin.getByRole('heading', { name: 'Bots' }).waitFor();
  assert.match(admin.url(), /#\/bots$/);
  assert.match(await admin.textContent('header'), /Admin \(admin\)/);
  const row = admin.locator('tr', { has: admin.locator('code', { hasText: /^demo$/ }) });
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator('a[href^="http"]').textContent(), `${server.url}/c/demo/`);
  assert.deepEqual(admin.problems, []);
});

test('configuration: advanced view, monitored conversations off (red) and on again (green), texts changed and saved', async () => {
  const row = admin.locator('tr', { has: admin.locator('code', { hasText: /^demo$/ }) });
  await row.getByRole('link', { name: 'Dialog box' }).click();
  await admin.getByRole('heading', { name: 'Integration › Web › Dialog box' }).waitFor();
  assert.match(await statusLine(), /Deployed version: v1 · the saved configuration is the deployed one/);

  // Advanced view: hidden until asked for.
  const adv = admin.getByRole('button', { name: 'Show advanced view' });
  assert.equal(await adv.getAttribute('aria-expanded'), 'false');
  assert.equal(await admin.isVisible('#advanced-view'), false);
  await adv.click();
  await admin.waitForSelector('#advanced-view', { state: 'visible' });
  const hide = admin.getByRole('button', { name: 'Hide advanced view' });
  assert.equal(await hide.getAttribute('aria-expanded'), 'true');

  // Monitored conversations: the demo bot has them on from the first start; off (red), then
  // on again (green).
  const mod = admin.locator('#mod-monitored_conversations');
  assert.equal(await mod.getAttribute('aria-pressed'), 'true', 'on in the demo bot');
  await mod.click();
  await waitFor(async () => (await mod.getAttribute('aria-pressed')) === 'false', { what: 'aria-pressed=false' });
  assert.equal((await mod.textContent()).trim(), 'Off');
  let c = await colours('#mod-monitored_conversations');
  assert.equal(c.bg, c.off, 'off is red');
  const [r0, g0] = rgb(c.bg);
  assert.ok(r0 > g0 * 2, `red: ${c.bg}`);
  assert.equal(await admin.locator('section.module', { has: mod }).getAttribute('class'), 'card module off');
  await mod.click();
  await waitFor(async () => (await mod.getAttribute('aria-pressed')) === 'true', { what: 'aria-pressed=true' });
  assert.equal((await mod.textContent()).trim(), 'On');
  c = await colours('#mod-monitored_conversations');
  assert.equal(c.bg, c.on, 'on is green');
  const [r1, g1, b1] = rgb(c.bg);
  assert.ok(g1 > r1 && g1 > b1, `green: ${c.bg}`);
  assert.equal(await admin.locator('section.module', { has: mod }).getAttribute('class'), 'card module on');

  // The chatbox title and welcome message, in French.
  const title = admin.getByLabel('Title (français)');
  const welcome = admin.getByLabel('Welcome message (français)');
  assert.equal(await title.inputValue(), original.resources.title);
  assert.equal(await welcome.inputValue(), original.resources.welcome_message);
  await title.fill(NEW_TITLE);
  await welcome.fill(NEW_WELCOME);
  assert.match(await statusLine(), /unsaved changes/);

  await admin.evaluate(() => document.activeElement?.blur()); // no focus ring in the picture
  await admin.screenshot({ path: path.join(screenshotDir(), 'admin-config.png'), fullPage: true });

  await clickAndSee('Save', /^Configuration saved\. It will be served after the next deployment\.$/);
  assert.match(await statusLine(), /Deployed version: v1 · the saved configuration differs from the deployed one/);
  assert.equal(await deployedVersion(), 1, 'saving does not deploy');
  assert.deepEqual(admin.problems, []);
});

test('save only: the visitor still sees the old texts; deploy: the new ones, at the deployed URL', async () => {
  // Saved, not deployed.
  const before = await openChatbox();
  assert.equal(before.deployment, 1);
  assert.equal(before.resources.title, original.resources.title, 'the server still serves the old title');
  assert.equal(await chatTitle(), original.resources.title);
  assert.equal(await chatWelcome(), original.resources.welcome_message);

  // Deploy.
  await clickAndSee('Deploy', /^Deployed: version v2\.$/);
  const url = `${server.url}/c/demo/`;
  const code = admin.locator('#deployed-url');
  assert.equal(await code.textContent(), url);
  // Under the toolbar.
  const bar = await admin.getByRole('toolbar').boundingBox();
  const box = await admin.locator('.deployed').boundingBox();
  assert.ok(box.y >= bar.y + bar.height, `deployed URL below the toolbar (${JSON.stringify({ bar, box })})`);
  assert.match(await statusLine(), /Deployed version: v2 · the saved configuration is the deployed one/);
  // Copy: to the clipboard, or selected for Ctrl+C when the clipboard is refused.
  const copy = admin.locator('.deployed button');
  // (by its place, not its name: the name changes once clicked)
  assert.equal(await copy.textContent(), 'Copy');
  await copy.click();
  const copied = await waitFor(async () => {
    const t = await copy.textContent();
    return t !== 'Copy' && t;
  }, { what: 'the copy feedback' });
  if (copied === 'Copied!') assert.equal(await admin.evaluate(() => navigator.clipboard.readText()), url);
  else assert.equal(copied, 'Selected: press Ctrl+C to copy');
  // History: v2 is live, v1 can be restored.
  const live = admin.locator('tbody tr', { has: admin.locator('.badge', { hasText: 'live' }) });
  assert.match(await live.locator('td').first().textContent(), /^v2/);
  assert.equal(await admin.getByRole('button', { name: 'Restore version v1' }).count(), 1);

  // The visitor reloads the deployed URL.
  const cfg = await openChatbox(`${await code.textContent()}?lang=fr`);
  assert.equal(cfg.deployment, 2);
  assert.equal(cfg.modules.monitored_conversations, true);
  await waitFor(async () => (await chatTitle()) === NEW_TITLE, { what: 'the new title in the chatbox' });
  assert.equal(await chatWelcome(), NEW_WELCOME);
  assert.equal(await visitor.title(), NEW_TITLE);
  await visitor.screenshot({ path: path.join(screenshotDir(), 'chatbox-configured.png') });
  assert.deepEqual(admin.problems, []);
  assert.deepEqual(visitor.problems, []);
});

test('livechat off, saved and deployed: no "talk to an operator" in the chatbox', async () => {
  const handoff = visitor.locator('#vg-handoff');
  assert.equal(await handoff.isVisible(), true, 'offered while livechat is on');
  assert.equal((await handoff.textContent()).trim(), original.resources.talk_to_operator);

  const mod = admin.locator('#mod-livechat');
  assert.equal(await mod.getAttribute('aria-pressed'), 'true');
  await mod.click();
  await waitFor(async () => (await mod.getAttribute('aria-pressed')) === 'false', { what: 'livechat off' });
  const c = await colours('#mod-livechat');
  assert.equal(c.bg, c.off);
  await clickAndSee('Save', /^Configuration saved\./);
  await clickAndSee('Deploy', /^Deployed: version v3\.$/);

  const cfg = await openChatbox();
  assert.equal(cfg.deployment, 3);
  assert.equal(cfg.modules.livechat, false);
  await waitFor(async () => !(await handoff.isVisible()), { what: 'the handoff button to go' });
  assert.equal(await chatTitle(), NEW_TITLE, 'the other changes stay');
  assert.deepEqual(visitor.problems, []);
});

test('restoring the first deployment brings the original chatbox back', async () => {
  let asked = null;
  admin.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await admin.getByRole('button', { name: 'Restore version v1' }).click();
  await waitFor(async () => /^Version v1 restored: new deployment v4\.$/.test(await okMessage()), { what: 'the restore message' });
  assert.match(asked, /Restore version v1\?/);
  // The draft is v1's configuration again.
  await waitFor(async () => (await admin.getByLabel('Title (français)').inputValue()) === original.resources.title,
    { what: 'the original title back in the form' });
  assert.equal(await admin.getByLabel('Welcome message (français)').inputValue(), original.resources.welcome_message);
  assert.equal(await admin.locator('#mod-monitored_conversations').getAttribute('aria-pressed'), 'true', 'on in v1 (the demo bot)');
  assert.equal(await admin.locator('#mod-livechat').getAttribute('aria-pressed'), 'true');
  assert.match(await statusLine(), /Deployed version: v4 · the saved configuration is the deployed one/);
  const live = admin.locator('tbody tr', { has: admin.locator('.badge', { hasText: 'live' }) });
  assert.match(await live.locator('td').first().textContent(), /^v4/);

  const cfg = await openChatbox();
  assert.equal(cfg.deployment, 4);
  await waitFor(async () => (await chatTitle()) === original.resources.title, { what: 'the original title in the chatbox' });
  assert.equal(await chatWelcome(), original.resources.welcome_message);
  await visitor.locator('#vg-handoff').waitFor({ state: 'visible' });
  assert.deepEqual(admin.problems, []);
  assert.deepEqual(visitor.problems, []);
});

test('knowledge: search "vpn", edit an answer in Markdown, deploy, the visitor gets it with bold', async () => {
  await admin.getByRole('navigation').getByRole('link', { name: 'Knowledge' }).click();
  await admin.getByRole('heading', { name: 'Knowledge', exact: true }).waitFor();
  const rows = admin.locator('#main table tbody tr');
  const all = await waitFor(async () => rows.count(), { what: 'the knowledge list' });

  await admin.getByLabel('Search the knowledge').fill('vpn');
  await admin.getByRole('button', { name: 'Search', exact: true }).click();
  await waitFor(async () => {
    const n = await rows.count();
    return n > 0 && n < all && (await admin.inputValue('#kn-q')) === 'vpn';
  }, { what: 'the search results' });
  assert.match(admin.url(), /#\/bots\/demo\/knowledge\?q=vpn$/);
  assert.match(await rows.first().textContent(), /vpn/i, 'the best match first');
  const n = await rows.count();
  assert.match(await admin.locator('#main p.status').textContent(), new RegExp(`^${n} items?$`));

  await admin.getByRole('link', { name: 'Installer le VPN', exact: true }).click();
  await admin.getByRole('heading', { name: 'Installer le VPN' }).waitFor();
  const answer = admin.getByLabel('Answer (Markdown)');
  await answer.fill(NEW_ANSWER);
  assert.equal(await admin.getByLabel('Published', { exact: true }).isChecked(), true);
  await admin.locator('form').getByRole('button', { name: 'Save', exact: true }).click();
  await waitFor(async () => (await okMessage()) === 'Saved.', { what: 'the knowledge saved' });

  // Stored, and rendered by the server (preview after reloading the page).
  await admin.reload();
  await admin.getByRole('heading', { name: 'Installer le VPN' }).waitFor();
  assert.equal(await admin.getByLabel('Answer (Markdown)').inputValue(), NEW_ANSWER);
  assert.equal(await admin.locator('.answer-preview strong').textContent(), 'GlobalProtect E2E');

  // Knowledge changes are served once deployed.
  await admin.getByRole('navigation').getByRole('link', { name: 'Integration › Web › Dialog box' }).click();
  await admin.getByRole('heading', { name: 'Integration › Web › Dialog box' }).waitFor();
  await clickAndSee('Deploy', /^Deployed: version v5\.$/);

  await openChatbox();
  const reply = await ask(visitor, 'Comment installer le VPN ?');
  assert.equal(reply.kind, 'knowledge');
  const bubble = visitor.locator(`li[data-seq="${reply.seq}"] .vg-bubble`);
  assert.equal(await bubble.locator('strong').first().textContent(), 'GlobalProtect E2E');
  assert.match(await bubble.textContent(), /Nouvelle procédure : installez GlobalProtect E2E depuis le Centre logiciel\./);
  assert.doesNotMatch(await bubble.textContent(), /\*\*/, 'Markdown rendered, not shown raw');
  const weight = await bubble.locator('strong').first().evaluate((e) => Number(getComputedStyle(e).fontWeight));
  assert.ok(weight >= 600, `bold: ${weight}`);
  const stored = await storedMessages(visitor);
  assert.equal(stored.find((m) => m.seq === reply.seq).knowledge?.id, 'vpn-installation');
  assert.deepEqual(admin.problems, []);
  assert.deepEqual(visitor.problems, []);
});

test('an operator sees the configuration read-only and cannot save it', async () => {
  const add = spawnSync(BIN, ['user', 'add', '--email', 'op@example.com', '--name', 'Op', '--role', 'operator', '--password-stdin'], {
    env: { ...process.env, VIGIE_DATA_DIR: server.dataDir }, input: 'operator-password-1\n', encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(add.status, 0, `vigie user add: ${add.stdout}${add.stderr}`);

  const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const op = await newPage(ctx);
  await op.goto(`${server.url}/admin/#/bots/demo/config`);
  await op.getByLabel('Email address').fill('op@example.com');
  await op.getByLabel('Password').fill('operator-password-1');
  await op.getByRole('button', { name: 'Log in' }).click();
  await op.getByRole('heading', { name: 'Integration › Web › Dialog box' }).waitFor();
  assert.match(await op.textContent('header'), /Op \(operator\)/);

  const bar = op.getByRole('toolbar');
  assert.match(await bar.textContent(), /Read only \(admins only\)/);
  assert.equal(await bar.getByRole('button', { name: 'Save' }).count(), 0);
  assert.equal(await bar.getByRole('button', { name: 'Deploy' }).count(), 0);
  assert.equal(await op.getByLabel('Title (français)').isDisabled(), true);
  assert.equal(await op.locator('#main textarea:not([disabled])').count(), 0, 'every text is read-only');
  assert.equal(await op.locator('#main button.toggle:not([disabled])').count(), 0, 'every module toggle is read-only');
  assert.equal(await op.getByRole('button', { name: /^Restore version/ }).count(), 0);
  assert.equal(await op.locator('#deployed-url').textContent(), `${server.url}/c/demo/`, 'the deployed URL is shown');

  // Past the interface, the API refuses too, with a clear message.
  const r = await op.evaluate(async () => {
    const res = await fetch('/api/v1/bots/demo/config', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('vigie.admin.csrf') },
      body: JSON.stringify({ modules: { livechat: false }, resources: { title: { fr: 'Piraté', en: 'Hacked' } } }),
    });
    return { status: res.status, body: await res.json() };
  });
  assert.equal(r.status, 403);
  assert.match(r.body.message, /admin role/);
  const d = await op.evaluate(async () => (await fetch('/api/v1/bots/demo/deployments', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('vigie.admin.csrf') }, body: '{}',
  })).status);
  assert.equal(d, 403);

  // Knowledge is read-only for them as well.
  await op.goto(`${server.url}/admin/#/bots/demo/knowledge/vpn-installation`);
  await op.getByRole('heading', { name: 'Installer le VPN' }).waitFor();
  assert.equal(await op.getByLabel('Answer (Markdown)').isDisabled(), true);
  assert.equal(await op.locator('form').getByRole('button', { name: 'Save' }).count(), 0);

  // Nothing changed for the visitor.
  assert.equal(await deployedVersion(), 5);
  const cfg = await (await fetch(`${server.url}/api/v1/bots/demo/chatbox?lang=fr`)).json();
  assert.equal(cfg.resources.title, original.resources.title);
  assert.deepEqual(op.problems, []);
  await ctx.close();
});

test('livechat settings > general: the admin reaches them from the header, a wrong capacity is refused, saved values stay', async () => {
  await admin.goto(`${server.url}/admin/#/bots`);
  await admin.getByRole('heading', { name: 'Bots' }).waitFor();
  await admin.locator('a[data-group="livechat"]').click(); // the page's group first
  await admin.locator('header').getByRole('link', { name: 'Livechat settings' }).click();
  await admin.getByRole('heading', { name: 'Livechat settings › General' }).waitFor();
  assert.match(admin.url(), /#\/livechat$/);
  const capacity = admin.getByLabel('Default capacity (simultaneous conversations per operator)');
  const timeout = admin.getByLabel('Time before offline (seconds)');
  assert.equal(await capacity.inputValue(), '3');
  assert.equal(await timeout.inputValue(), '60');
  assert.equal(await admin.getByRole('heading', { name: 'Misc' }).count(), 1);

  await capacity.fill('0');
  await admin.getByRole('button', { name: 'Update', exact: true }).click();
  const err = admin.locator('#lc-default-capacity-err');
  await waitFor(async () => /between 1 and 20/.test(await err.textContent()), { what: 'the capacity error next to its field' });
  assert.equal(await capacity.getAttribute('aria-invalid'), 'true');
  assert.equal(await admin.locator('#lc-presence-timeout-err').textContent(), '');

  await capacity.fill('2');
  await timeout.fill('120');
  await clickAndSee('Update', /Livechat settings updated/);
  assert.equal(await err.textContent(), '');
  assert.equal(await capacity.getAttribute('aria-invalid'), null);

  await admin.reload();
  await admin.getByRole('heading', { name: 'Livechat settings › General' }).waitFor();
  assert.equal(await capacity.inputValue(), '2');
  assert.equal(await timeout.inputValue(), '120');
  const got = await admin.evaluate(async () => (await fetch('/api/v1/livechat/settings')).json());
  // (the other settings, monitored conversations' among them, are checked in monitored.test.mjs)
  assert.deepEqual({ default_capacity: got.default_capacity, presence_timeout_seconds: got.presence_timeout_seconds },
    { default_capacity: 2, presence_timeout_seconds: 120 });
  assert.deepEqual(admin.problems, []);
});
