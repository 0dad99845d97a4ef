// A new French user's first minutes (issue 11): no error in the browser's console before the
// login, and the admin's text fields grow with their text.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { VigieServer, launchBrowser, newPage, screenshotDir, waitFor } from './helpers.mjs';

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

/** A French page whose console errors (a failed request included) are kept in `errors`. */
async function frenchPage(ctx) {
  const p = await newPage(ctx);
  p.errors = [];
  p.on('console', (msg) => { if (msg.type() === 'error') p.errors.push(msg.text()); });
  p.on('response', (r) => { if (r.status() === 401) p.errors.push(`401 ${r.url()}`); });
  return p;
}

test('a fresh browser: the console and the admin show their login with no error (no 401) in the browser console', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
  const p = await frenchPage(ctx);
  await p.goto(`${server.url}/console/`);
  await p.locator('#login-email').waitFor();
  await p.goto(`${server.url}/admin/`);
  await p.locator('#login-email').waitFor();
  await p.waitForTimeout(300);
  assert.deepEqual(p.errors, [], 'nothing in the console before the login');

  // Signed in: a reload keeps the session (the page asks /auth/me then).
  await p.goto(`${server.url}/console/`);
  await p.locator('#login-email').fill(adminEmail);
  await p.locator('#login-password').fill(server.password);
  await p.getByRole('button', { name: 'Se connecter' }).click();
  await p.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  await p.reload();
  await p.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  assert.equal(await p.locator('#login-email').count(), 0, 'still signed in after a reload');
  // Signed out: the next loads show the login, again without a 401.
  await p.getByRole('button', { name: 'Se déconnecter' }).click();
  await p.locator('#login-email').waitFor();
  await p.reload();
  await p.locator('#login-email').waitFor();
  await p.goto(`${server.url}/admin/`);
  await p.locator('#login-email').waitFor();
  await p.waitForTimeout(300);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.problems, []);
  await ctx.close();
});

test('admin, in French: a text field grows with a longer text instead of clipping it', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const admin = await frenchPage(ctx);
  await admin.goto(`${server.url}/admin/`);
  await admin.locator('#login-email').fill(adminEmail);
  await admin.locator('#login-password').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.getByRole('heading', { name: 'Bots' }).waitFor();
  const row = admin.locator('tr', { has: admin.locator('code', { hasText: /^demo$/ }) });
  await row.getByRole('link', { name: 'Boîte de dialogue' }).click();
  await admin.getByRole('heading', { name: 'Intégration › Web › Boîte de dialogue' }).waitFor();
  const field = admin.locator('#res-welcome_message-fr');
  await field.waitFor();
  const fits = () => field.evaluate((el) => el.scrollHeight <= el.clientHeight + 1);
  assert.ok(await fits(), 'the initial text is whole');
  const h0 = (await field.boundingBox()).height;
  const long = ['Bonjour !', "Je suis l'assistant du support informatique.", 'Posez votre question : VPN, imprimantes,',
    'mots de passe, badges, messagerie, logiciels…', 'Un conseiller peut aussi vous répondre', 'du lundi au vendredi, de 8 h à 18 h.'].join('\n');
  await field.fill(long);
  await waitFor(fits, { what: 'the whole text visible' });
  assert.ok((await field.boundingBox()).height > h0 + 30, 'the field grew');
  await admin.evaluate(() => document.activeElement?.blur());
  await field.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: path.join(screenshotDir(), 'admin-fr-textarea.png') });
  assert.deepEqual(admin.problems, []);
  await ctx.close();
});

test('admin and console, in French: server errors in French, each field named by its label; a bot\'s own prefix URL saved', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
  const admin = await frenchPage(ctx);
  await admin.goto(`${server.url}/console/`);
  await admin.locator('#login-email').fill(adminEmail);
  await admin.locator('#login-password').fill('pas le bon mot de passe');
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.getByRole('alert').filter({ hasText: 'Adresse e-mail ou mot de passe incorrect.' }).waitFor();
  admin.errors.length = 0; // the refused login's 401 is expected

  await admin.goto(`${server.url}/admin/`);
  await admin.locator('#login-email').fill(adminEmail);
  await admin.locator('#login-password').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.getByRole('heading', { name: 'Bots' }).waitFor();
  // A second bot: each bot then gets its own prefix URL field.
  const created = await admin.evaluate(async () => {
    const r = await fetch('/api/v1/bots', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': sessionStorage.getItem('vigie.admin.csrf') },
      body: JSON.stringify({ slug: 'rh', name: 'RH', lang: 'fr' }),
    });
    return r.status;
  });
  assert.equal(created, 201);
  await admin.goto(`${server.url}/admin/#/livechat`);
  const perBot = admin.locator('#lc-prefix-demo');
  await perBot.waitFor();
  const save = admin.getByRole('button', { name: 'Mettre à jour' });

  // A relative URL for the demo bot and a validity of 0 days: both named, in French.
  await perBot.fill('intranet/aide');
  await admin.locator('#lc-monitored-link-days').fill('0');
  await save.click();
  const box = admin.locator('#lc-msg [role="alert"]');
  await box.waitFor();
  const text = await box.innerText();
  assert.match(text, /Prefix URL du bot .+ : « intranet\/aide » n'est pas une URL absolue/, text);
  assert.match(text, /Validité des liens \(jours\) : entre 1 et 3650 jours/, text);
  assert.doesNotMatch(text, /monitored_|not an absolute|between/, text);
  assert.match(await admin.locator('#lc-prefix-demo-err').innerText(), /n'est pas une URL absolue/);
  assert.equal(await perBot.getAttribute('aria-invalid'), 'true');

  // A template that does not compile: the line, in French, under its field's label.
  await admin.locator('#lc-monitored-link-days').fill('30');
  await perBot.fill('https://intranet.exemple.fr/aide-demo');
  const html = admin.locator('#lc-mail-fr-html');
  const before = await html.inputValue();
  await html.fill(`${before}\n{% if lang %}`);
  await save.click();
  await waitFor(async () => /ligne \d+ : erreur dans le modèle/.test(await box.innerText()), { what: 'the template error' });
  assert.match(await box.innerText(), /\(français\) – Corps HTML : ligne \d+ : erreur dans le modèle/);
  await admin.screenshot({ path: path.join(screenshotDir(), 'admin-fr-errors.png') });

  // Fixed: saved, and the bot's own prefix URL is kept across a reload.
  await html.fill(before);
  await save.click();
  await admin.locator('#lc-msg [role="status"]').filter({ hasText: 'Paramètres Livechat mis à jour' }).waitFor();
  await admin.reload();
  await admin.locator('#lc-prefix-demo').waitFor();
  assert.equal(await admin.locator('#lc-prefix-demo').inputValue(), 'https://intranet.exemple.fr/aide-demo');
  // The refused saves (422) are the only errors in the browser's console.
  assert.deepEqual(admin.errors.filter((e) => !/status of 422/.test(e)), []);
  assert.deepEqual(admin.problems, []);
  await ctx.close();
});
