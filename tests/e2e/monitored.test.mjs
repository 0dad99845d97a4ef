// Monitored conversations, end to end (docs/monitored-conversations.md and the seed scenario):
// the admin switches the module on, deploys, sets the prefix URL and edits the mail template
// (preview, a broken template refused with its line); the operator creates a strong monitored
// conversation from the red eye (email checked on the spot), its red-eye tab opens; the mail
// is read from a real SMTP server started here; the visitor opens the link, sees the starting
// knowledge, asks the bot; the operator follows live, guides with a knowledge, offers help
// (declined, then accepted) and they talk. Then a weak one (listed, no tab), the visitor's own
// request for an operator in it, a link replaced by "resend", a forged link, and an expired one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  ROOT, VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, askBot, waitFor,
} from './helpers.mjs';

const KNOWLEDGE = JSON.parse(readFileSync(path.join(ROOT, 'data/demo/knowledge.json'), 'utf8')).knowledge;
const knowledge = (id) => {
  const k = KNOWLEDGE.find((x) => x.id === id);
  assert.ok(k, `knowledge ${id} in data/demo/knowledge.json`);
  return k;
};
const START = knowledge('vpn-lent'); // the strong conversation's starting knowledge
const GUIDE = knowledge('vpn-connexion-echoue'); // sent by the operator while the bot answers
const WEAK_START = knowledge('imprimante-bourrage'); // the weak one's, picked from the search panel

// The module's resources, as the admin writes them (French).
const RES = {
  monitored_intro: 'Votre conseiller vous a préparé cette conversation (e2e).',
  monitored_link_expired: 'Ce lien a expiré (e2e). Posez une nouvelle question ci-dessous.',
  monitored_link_invalid: 'Ce lien ne fonctionne pas (e2e). Posez une nouvelle question ci-dessous.',
  help_accept: 'Oui, aidez-moi',
  help_decline: 'Non, ça ira',
};
const SUBJECT_MARK = '[Helpdesk e2e] ';
const TEXT_LINE = 'Ligne ajoutée au modèle par le test e2e.';

let server;
let smtp;
const mails = []; // parsed mails received by the SMTP server, in order
const REFUSE = new Map([['panne@example.com', 2]]); // addresses refused (451) that many times first
let browser;
let admin; // the admin's page (French UI)
let op; // the operator's console: the same admin, in another browser context
let adminEmail;
let deployedUrl;

before(async () => {
  // A real SMTP server, plain text, no authentication.
  smtp = new SMTPServer({
    secure: false, authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, banner: 'e2e',
    onRcptTo(address, session, callback) {
      const left = REFUSE.get(address.address) || 0;
      if (left > 0) {
        REFUSE.set(address.address, left - 1);
        const err = new Error('Mailbox temporarily unavailable (e2e)');
        err.responseCode = 451;
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        mails.push({ ...m, rcpt: session.envelope.rcptTo.map((r) => r.address), mailFrom: session.envelope.mailFrom.address });
        callback();
      }, callback);
    },
  });
  await new Promise((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(0, '127.0.0.1', resolve);
  });
  const smtpPort = smtp.server.address().port;

  server = new VigieServer();
  server.extraEnv = {
    VIGIE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, VIGIE_MAIL_FROM: 'vigie@example.com', VIGIE_MAIL_RETRY_SECONDS: '1',
  };
  await server.start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  assert.ok(adminEmail && server.password, `admin account printed:\n${server.output}`);
  browser = await launchBrowser();
  const adminCtx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  admin = await newPage(adminCtx);
  const opCtx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1400, height: 860 } });
  op = await newPage(opCtx);
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
  await new Promise((r) => (smtp ? smtp.close(r) : r()));
});

// ---- helpers

function problems(...pages) {
  for (const p of pages) assert.deepEqual(p.problems, [], 'no page error nor CSP violation');
}

async function clickAndSee(page, button, okPattern, where = '#main .msg') {
  await page.getByRole('button', { name: button, exact: true }).click();
  await waitFor(async () => okPattern.test(await page.locator(where).first().textContent()),
    { what: `${okPattern} after ${button}` }).catch(async (e) => {
    throw new Error(`${e.message}; shown: ${await page.locator('#main').innerText()}`);
  });
}

/** The first mail to `to` not taken yet. */
async function mailTo(to, { timeout = 30_000 } = {}) {
  const m = await waitFor(() => mails.find((x) => !x.taken && x.rcpt.includes(to)), { timeout, what: `a mail to ${to}` });
  m.taken = true;
  return m;
}
const linkIn = (text) => /(https?:\/\/\S*[?&]vigie_mc=mc_[A-Za-z0-9_-]+)/.exec(text || '')?.[1];

const chatOnline = (p) => p.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
const consoleOnline = (p) => p.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });

async function newVisitor(url) {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 760 } });
  const v = await newPage(ctx);
  v.sockets = 0;
  v.on('websocket', () => { v.sockets += 1; });
  await v.goto(url);
  return v;
}

/** The visitor asks `text` and waits for the bot's reply. */
const ask = async (v, text) => (await askBot(v, text)).reply;

/** What the console shows in the log of conversation `id` (its tab selected). */
function consoleLog(p, id) {
  return p.evaluate((id) => {
    if (window.vigieConsole.state.current !== id) return null;
    return [...document.querySelectorAll('#scroll .log > li')].map((li) => ({
      seq: li.dataset.seq ? Number(li.dataset.seq) : null,
      author: li.dataset.author || null,
      kind: li.dataset.kind || null,
      event: li.dataset.event || null,
      text: li.querySelector('.bubble')?.textContent ?? '',
    }));
  }, id);
}
const tab = (p, id) => p.locator(`[role=tab][data-tab="${id}"]`);
const monitoredItem = (p, id) => p.evaluate((id) => window.vigieConsole.state.monitored.find((i) => i.conversation === id) || null, id);

/** The fill colour of the red eye inside `locator`, as computed. */
const eyeFill = (locator) => locator.locator('svg path').first().evaluate((p) => getComputedStyle(p).fill);
const RED = 'rgb(211, 47, 47)'; // #d32f2f
/** A red eye in `locator` (retried: the tabs are redrawn when the list changes). */
async function assertRedEye(locator, what) {
  let last = null;
  await waitFor(async () => (last = await eyeFill(locator)) === RED, { what: `${what} (fill ${last})` });
}

// ---- the scenario

test('admin: the Monitored conversations module switched on with its resources, saved and deployed', async () => {
  await admin.goto(`${server.url}/admin/`);
  await admin.getByLabel('Adresse e-mail').fill(adminEmail);
  await admin.getByLabel('Mot de passe').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.getByRole('heading', { name: 'Bots' }).waitFor();
  const row = admin.locator('tr', { has: admin.locator('code', { hasText: /^demo$/ }) });
  await row.getByRole('link', { name: 'Boîte de dialogue' }).click();
  await admin.getByRole('heading', { name: 'Intégration › Web › Boîte de dialogue' }).waitFor();

  await admin.getByRole('button', { name: 'Afficher vue avancée' }).click();
  const mod = admin.locator('#mod-monitored_conversations');
  if ((await mod.getAttribute('aria-pressed')) !== 'true') await mod.click();
  await waitFor(async () => (await mod.getAttribute('aria-pressed')) === 'true', { what: 'the module on (green)' });
  for (const [key, text] of Object.entries(RES)) {
    const ta = admin.locator(`#res-${key}-fr`);
    assert.equal(await ta.count(), 1, `resource ${key} offered in the module's frame`);
    await ta.fill(text);
  }
  await clickAndSee(admin, 'Sauvegarder', /^Configuration sauvegardée/);
  await clickAndSee(admin, 'Déployer', /^Déployé : version v2\.$/);
  // The deployed URL, below the toolbar.
  deployedUrl = (await admin.locator('#deployed-url').textContent()).trim();
  assert.equal(deployedUrl, `${server.url}/c/demo/`);
  const cfg = await (await fetch(`${server.url}/api/v1/bots/demo/chatbox?lang=fr`)).json();
  assert.equal(cfg.modules.monitored_conversations, true);
  assert.equal(cfg.resources.help_accept, RES.help_accept);
  problems(admin);
});

test('admin: Livechat settings, prefix URL = the deployed URL, mail template edited, previewed, a broken one refused with its line', async () => {
  await admin.locator('a[data-group="livechat"]').click(); // the page's group first
  await admin.locator('header').getByRole('link', { name: 'Paramètres Livechat' }).click();
  await admin.getByRole('heading', { name: 'Paramètres Livechat › Général' }).waitFor();
  const before = await admin.evaluate(async () => (await fetch('/api/v1/livechat/settings')).json());
  assert.ok(before.monitored_mail && before.monitored_mail.fr, 'the settings carry the mail templates');

  // Misc: the prefix URL, offered from the deployed URLs.
  const prefix = admin.getByLabel('Conversations monitorées – Prefix URL');
  assert.equal(await prefix.getAttribute('type'), 'url');
  assert.deepEqual(await admin.locator('#lc-deployed-urls option').evaluateAll((os) => os.map((o) => o.value)), [deployedUrl]);
  await prefix.fill('');
  await admin.getByRole('button', { name: "Utiliser l'Url déployée" }).click();
  assert.equal(await prefix.inputValue(), deployedUrl);
  await admin.getByLabel('Validité des liens (jours)').fill('30');

  // The French template: a mark added to the subject, a line to the text body.
  const subject = admin.locator('#lc-mail-fr-subject');
  const html = admin.locator('#lc-mail-fr-html');
  const text = admin.locator('#lc-mail-fr-text');
  assert.equal(await subject.inputValue(), before.monitored_mail.fr.subject);
  await subject.fill(SUBJECT_MARK + before.monitored_mail.fr.subject);
  await text.fill(`${before.monitored_mail.fr.text}\n\n${TEXT_LINE}`);
  // Both languages are there, one at a time.
  await admin.getByLabel('English (en)').check();
  await admin.locator('#lc-mail-en-subject').waitFor({ state: 'visible' });
  assert.equal(await subject.isVisible(), false);
  await admin.getByLabel('Français (fr)').check();
  await subject.waitFor({ state: 'visible' });
  // The variables are listed.
  assert.match(await admin.locator('.vars-list').textContent(), /\{\{ link \}\}.*\{\{ knowledge_answer_html \}\}/s);

  await admin.getByRole('button', { name: 'Aperçu', exact: true }).click();
  const shownSubject = admin.locator('#lc-preview-subject');
  await shownSubject.waitFor();
  assert.ok((await shownSubject.textContent()).startsWith(SUBJECT_MARK), await shownSubject.textContent());
  assert.doesNotMatch(await shownSubject.textContent(), /\{\{/, 'rendered with sample values');
  assert.match(await admin.locator('#lc-preview-text').textContent(), new RegExp(TEXT_LINE.replace('.', '\\.')));
  const frame = admin.locator('#lc-mail-preview iframe');
  assert.equal(await frame.getAttribute('sandbox'), '', 'the HTML preview is sandboxed');
  const inside = admin.frameLocator('#lc-mail-preview iframe');
  await inside.locator('a').first().waitFor();
  assert.match(await inside.locator('body').textContent(), /\S/);
  await admin.evaluate(() => document.activeElement?.blur());
  // (not a full-page capture: Chromium leaves the sandboxed frame out of those)
  await admin.locator('#lc-mail-preview iframe').scrollIntoViewIfNeeded();
  await admin.screenshot({ path: path.join(screenshotDir(), 'monitored-settings.png') });

  // A broken template: refused with its line, next to the HTML body, and nothing is stored.
  const original = await html.inputValue();
  const lines = original.split('\n').length;
  await html.fill(`${original}\n<p>{{ nope }}</p>`);
  await admin.getByRole('button', { name: 'Aperçu', exact: true }).click();
  const htmlErr = admin.locator('#lc-mail-fr-html-err');
  await waitFor(async () => /nope/.test(await htmlErr.textContent()), { what: 'the preview error next to the HTML body' });
  assert.match(await htmlErr.textContent(), new RegExp(`ligne ${lines + 1}\\b`));
  assert.equal(await html.getAttribute('aria-invalid'), 'true');
  await admin.getByRole('button', { name: 'Mettre à jour', exact: true }).click();
  await waitFor(async () => /nope/.test(await htmlErr.textContent()) && (await admin.locator('#lc-msg .msg.error').count()) === 1,
    { what: 'the update refused' });
  const unchanged = await admin.evaluate(async () => (await fetch('/api/v1/livechat/settings')).json());
  assert.deepEqual(unchanged, before, 'a refused update changes nothing');

  // Restored, then updated.
  await html.fill(original);
  await clickAndSee(admin, 'Mettre à jour', /Paramètres Livechat mis à jour/, '#lc-msg .msg');
  assert.equal(await htmlErr.textContent(), '');
  const saved = await admin.evaluate(async () => (await fetch('/api/v1/livechat/settings')).json());
  assert.equal(saved.monitored_prefix_url, deployedUrl);
  assert.equal(saved.monitored_link_days, 30);
  assert.equal(saved.monitored_mail.fr.subject, SUBJECT_MARK + before.monitored_mail.fr.subject);
  assert.equal(saved.monitored_mail.fr.html, before.monitored_mail.fr.html);
  assert.deepEqual(saved.monitored_mail.en, before.monitored_mail.en);
  assert.equal(saved.default_capacity, before.default_capacity, 'the other settings kept');
  await admin.reload();
  await admin.getByRole('heading', { name: 'Paramètres Livechat › Général' }).waitFor();
  assert.equal(await admin.getByLabel('Conversations monitorées – Prefix URL').inputValue(), deployedUrl);
  assert.ok((await admin.locator('#lc-mail-fr-subject').inputValue()).startsWith(SUBJECT_MARK));
  problems(admin);
});

let strongConv;
let strongLink;

test('operator: the red eye, the form (malformed email refused on the spot), strong: a red-eye tab opens; the mail arrives', async () => {
  await op.goto(`${server.url}/console/`);
  await op.locator('#login-email').fill(adminEmail);
  await op.locator('#login-password').fill(server.password);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await consoleOnline(op);
  await op.getByLabel('Disponible', { exact: true }).check();
  await waitFor(() => op.evaluate(() => window.vigieConsole.state.availability === 'available'), { what: 'available' });

  const eye = op.getByRole('button', { name: 'Créer une conversation monitorée' });
  await assertRedEye(eye, 'the eye is red');
  await eye.click();
  await op.getByRole('heading', { name: 'Créer une conversation monitorée' }).waitFor();
  assert.equal(await op.evaluate(() => document.activeElement?.id), 'mc-name', 'the form takes the focus');

  await op.getByLabel('Nom conversation').fill('Appel de M. Martin');
  // The visitor's language, chosen explicitly: the console's (French) by default; the
  // starting knowledge is searched in it, and one in the other language is refused.
  const langSel = op.getByLabel('Langue du visiteur');
  assert.equal(await langSel.inputValue(), 'fr');
  const kn = op.getByRole('combobox', { name: 'Connaissance de départ' });
  await langSel.selectOption('en');
  await kn.pressSequentially('badge', { delay: 20 });
  await op.locator('#mc-knowledge-list [role=option]').first().waitFor();
  assert.deepEqual([...new Set(await op.locator('#mc-knowledge-list [role=option] .lang-tag').evaluateAll((ts) => ts.map((x) => x.dataset.lang)))], ['en']);
  await op.locator('#mc-knowledge-list [role=option]').first().click();
  assert.equal(await op.locator('#mc-knowledge-chosen .lang-tag').getAttribute('data-lang'), 'en');
  await langSel.selectOption('fr');
  await waitFor(async () => /est en anglais/.test(await op.locator('#mc-knowledge-err').textContent()), { what: 'the English knowledge dropped' });
  assert.equal(await op.locator('#mc-knowledge-chosen').textContent(), '');
  await kn.fill('badge ');
  await op.locator('#mc-knowledge-list [role=option]').first().waitFor();
  await waitFor(async () => {
    const langs = await op.locator('#mc-knowledge-list [role=option] .lang-tag').evaluateAll((ts) => ts.map((x) => x.dataset.lang));
    return langs.length && langs.every((l) => l === 'fr');
  }, { what: 'French options only' });
  await kn.fill('');
  // Starting knowledge: typed, completed from the knowledge search.
  await kn.pressSequentially('vpn lent', { delay: 20 });
  const option = op.locator(`#mc-knowledge-list [role=option][data-knowledge="${START.id}"]`);
  await option.waitFor();
  // Each option says its language; the open list pushes the email field down, never covers
  // it: a click on the email field picks nothing.
  assert.equal(await option.locator('.lang-tag').getAttribute('data-lang'), START.lang);
  const listBox = await op.locator('#mc-knowledge-list').boundingBox();
  const emailBox = await op.locator('#mc-email').boundingBox();
  assert.ok(emailBox.y >= listBox.y + listBox.height, `the email field under the options: ${JSON.stringify({ listBox, emailBox })}`);
  await op.locator('#mc-email').click();
  await op.locator('#mc-knowledge-list').waitFor({ state: 'hidden' });
  assert.equal(await kn.inputValue(), 'vpn lent', 'nothing picked by the click on the email field');
  assert.equal(await op.locator('#mc-knowledge-chosen').textContent(), '');
  // With the keyboard: down to that option, Enter.
  const index = await op.locator('#mc-knowledge-list [role=option]').evaluateAll((os, id) => os.findIndex((o) => o.dataset.knowledge === id), START.id);
  for (let i = 0; i <= index; i++) await kn.press('ArrowDown');
  await kn.press('Enter');
  assert.equal(await kn.inputValue(), START.title);
  assert.match(await op.locator('#mc-knowledge-chosen').textContent(), new RegExp(START.id));
  assert.equal(await op.locator('#mc-knowledge-chosen .lang-tag').getAttribute('data-lang'), START.lang);

  // A malformed address: refused on the spot, no request made.
  const posts = [];
  op.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/monitored-conversations')) posts.push(r.url()); });
  const email = op.getByLabel('Adresse e-mail', { exact: true });
  await email.fill('martin@example');
  await op.getByRole('button', { name: 'OK', exact: true }).click();
  const emailErr = op.locator('#mc-email-err');
  await waitFor(async () => /Adresse e-mail invalide/.test(await emailErr.textContent()), { what: 'the email error on the spot' });
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.equal(await op.evaluate(() => document.activeElement?.id), 'mc-email');
  await op.waitForTimeout(300);
  assert.deepEqual(posts, [], 'nothing sent with a malformed address');
  await email.fill('martin@example.com');
  assert.equal(await emailErr.textContent(), '');
  const strong = op.getByLabel('Strong monitoring');
  assert.equal(await strong.isChecked(), true, 'strong monitoring is checked by default');
  // Escape on a filled form asks first; a second Escape closes the question, the form stays as typed.
  await op.getByLabel('Nom conversation').press('Escape');
  await op.locator('#mc-discard').waitFor();
  assert.equal(await op.evaluate(() => document.activeElement?.id), 'mc-discard-no');
  await op.keyboard.press('Escape');
  await op.locator('#mc-discard').waitFor({ state: 'hidden' });
  assert.equal(await op.locator('#mc-form').count(), 1, 'the form is still there');
  assert.equal(await op.getByLabel('Nom conversation').inputValue(), 'Appel de M. Martin');
  assert.equal(await email.inputValue(), 'martin@example.com');
  assert.equal(await kn.inputValue(), START.title);
  await op.screenshot({ path: path.join(screenshotDir(), 'monitored-form.png') });

  const created = op.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/monitored-conversations'));
  await op.getByRole('button', { name: 'OK', exact: true }).click();
  const resp = await created;
  assert.equal(resp.status(), 201);
  assert.equal(resp.request().postDataJSON().lang, 'fr', 'the chosen language sent');
  const body = await resp.json();
  strongConv = body.conversation;
  assert.match(strongConv, /^c_/);
  assert.equal(body.item.strong, true);
  assert.equal(body.item.starting_knowledge.id, START.id);

  // The red-eye tab, named after the conversation, selected; the header says where it went.
  const t = tab(op, strongConv);
  await t.waitFor();
  assert.equal(await t.getAttribute('data-monitored'), 'strong');
  assert.match(await t.textContent(), /Appel de M\. Martin/);
  await assertRedEye(t, 'a red eye on the tab');
  await waitFor(async () => {
    const eyeBox = await t.locator('svg').boundingBox();
    const labelBox = await t.locator('.tab-label').boundingBox();
    return eyeBox && labelBox && eyeBox.x + eyeBox.width <= labelBox.x;
  }, { what: 'the eye at the left of the label' });
  assert.equal(await t.getAttribute('aria-selected'), 'true');
  assert.match(await op.locator('#pane-title').textContent(), /Appel de M\. Martin/);
  assert.match(await op.locator('#mc-info').textContent(), /martin@example\.com/);
  await waitFor(async () => (await consoleLog(op, strongConv))?.some((m) => m.author === 'bot' && m.kind === 'knowledge'),
    { what: 'the starting knowledge in the tab' });
  // Not live: the composer waits.
  assert.equal(await op.locator('#composer-input').isDisabled(), true);
  assert.match(await op.locator('#composer-off').textContent(), /en direct/);

  // The mail, through SMTP: the edited subject, the link in the text part.
  const mail = await mailTo('martin@example.com');
  assert.equal(mail.mailFrom, 'vigie@example.com');
  assert.ok(mail.subject.startsWith(SUBJECT_MARK), mail.subject);
  assert.match(mail.subject, new RegExp(START.title));
  assert.match(mail.text, new RegExp(TEXT_LINE.replace('.', '\\.')));
  strongLink = linkIn(mail.text);
  assert.ok(strongLink, `a link in the text part:\n${mail.text}`);
  assert.ok(strongLink.startsWith(`${deployedUrl}?vigie_mc=mc_`), strongLink);
  assert.match(mail.html || '', /vigie_mc=mc_/, 'the link in the HTML part too');
  // Sent: the console says so.
  await waitFor(async () => /Mail envoyé/.test(await op.locator('#mc-mail-status').textContent()), { what: 'mail sent, in the header' });
  assert.match(await op.locator('#mc-opened').textContent(), /pas encore ouvert/);
  problems(op);
});

let visitor;

test('visitor: the link opens the conversation (starting knowledge); the bot answers; the operator follows live and guides', async () => {
  visitor = await newVisitor(strongLink);
  await chatOnline(visitor);
  assert.equal(await visitor.locator('#vg-intro-text').textContent(), RES.monitored_intro);
  const shown = await shownMessages(visitor);
  const first = shown.find((m) => m.seq !== null);
  assert.equal(first.author, 'bot');
  assert.equal(first.kind, 'knowledge', 'the conversation starts with the starting knowledge');
  const state = await visitor.evaluate(() => window.vigieChatbox.state);
  assert.equal(state.conversation, strongConv);
  assert.equal(state.monitored?.operator, 'Admin', 'welcome.monitored names the operator');
  assert.equal(state.token, null, 'no visitor token: the link is the credential');
  assert.equal(await visitor.evaluate(() => localStorage.getItem('vigie.chatbox.v1.demo')), null, 'the ordinary state untouched');
  await waitFor(async () => /Lien ouvert/.test(await op.locator('#mc-opened').textContent()), { what: 'link opened, in the console' });

  // The visitor asks; the bot answers; the operator sees both live.
  const reply = await ask(visitor, 'Comment installer le VPN ?');
  assert.equal(reply.author, 'bot');
  await waitFor(async () => {
    const log = await consoleLog(op, strongConv);
    return log && log.some((m) => m.author === 'visitor' && /installer le VPN/.test(m.text))
      && log.some((m) => m.author === 'bot' && m.seq === reply.seq);
  }, { what: 'the question and the answer in the red-eye tab' });

  // Guide: a knowledge from the search panel, while the bot holds the conversation.
  await op.getByLabel('Rechercher une connaissance').fill('le VPN ne se connecte pas');
  const result = op.locator(`#kb-results li[data-knowledge="${GUIDE.id}"]`);
  await result.waitFor();
  const count = (await shownMessages(visitor)).length;
  await result.getByRole('button', { name: /Envoyer/ }).click();
  // The operator's act (issue 11, item 10): shown as the operator's on both sides.
  await waitFor(async () => (await shownMessages(visitor)).slice(count).some((m) => m.author === 'operator' && m.kind === 'knowledge'),
    { what: 'the guided knowledge in the chatbox, from the operator' });
  await waitFor(async () => (await consoleLog(op, strongConv)).filter((m) => m.kind === 'knowledge').length >= 3,
    { what: 'the guided knowledge in the console' });
  assert.ok((await consoleLog(op, strongConv)).some((m) => m.author === 'operator' && m.kind === 'knowledge'), "the operator's act in the console");
  problems(op, visitor);
});

test('offer help: declined (shown clearly), offered again, accepted: live, messages both ways, the tab keeps its red eye', async () => {
  const offer = op.getByRole('button', { name: "Proposer de l'aide" });
  assert.equal(await offer.isDisabled(), false);
  await offer.click();
  await waitFor(() => offer.isDisabled(), { what: 'the offer button disabled while pending' });
  const yes = visitor.getByRole('button', { name: RES.help_accept });
  const no = visitor.getByRole('button', { name: RES.help_decline });
  await no.waitFor();
  assert.equal(await yes.isEnabled(), true);
  await no.click();
  await visitor.locator('li[data-event="help_declined"]').waitFor();
  await waitFor(async () => (await yes.isDisabled()) && (await no.isDisabled()), { what: 'the buttons disabled once answered' });
  // The operator sees the decline, clearly.
  const declined = op.locator('#scroll li[data-event="help_declined"]');
  await declined.waitFor();
  assert.match(await declined.textContent(), /Le visiteur a décliné/);
  await waitFor(async () => /décliné/.test(await op.locator('#mc-bar-status').textContent()), { what: 'the decline in the bar' });
  await waitFor(async () => /décliné/.test(await op.locator('#notice').textContent()), { what: 'the decline notice' });
  await waitFor(async () => !(await offer.isDisabled()), { what: 'the offer possible again' });

  // Offered again: accepted this time.
  await offer.click();
  const offers = visitor.locator('li[data-event="help_offered"]');
  await waitFor(async () => (await offers.count()) === 2, { what: 'the second offer' });
  const latest = offers.nth(1);
  await latest.getByRole('button', { name: RES.help_accept }).click();
  await waitFor(async () => (await shownMessages(visitor)).some((m) => m.kind === 'event' && /rejoint/.test(m.text)),
    { what: 'the operator joined, in the chatbox' });
  assert.equal(await latest.getByRole('button', { name: RES.help_accept }).isDisabled(), true);
  // "l'aide d'Admin", not "l'aide de Admin" (elision before a vowel), on both sides.
  const accepted = visitor.locator('li[data-event="help_accepted"]').last();
  await accepted.waitFor();
  for (const text of [await accepted.textContent(), await op.locator('#scroll li[data-event="help_accepted"]').last().textContent()]) {
    assert.doesNotMatch(text, /\bde [AEIOUYÉÈaeiouyéè]/, `elided: ${text}`);
    assert.match(text, /l'aide d'|l'aide de /, text);
  }
  assert.equal(await offers.nth(0).getByRole('button', { name: RES.help_accept }).isDisabled(), true, 'an old offer cannot be answered');

  // Live with this operator: the tab is held, the composer works, the red eye stays.
  await waitFor(() => op.evaluate((id) => window.vigieConsole.state.tabs.find((x) => x.id === id)?.held, strongConv),
    { what: 'the conversation assigned to the operator' });
  const t = tab(op, strongConv);
  assert.equal(await t.getAttribute('data-monitored'), 'strong');
  await assertRedEye(t, 'a red eye');
  await waitFor(async () => !(await op.locator('#composer-input').isDisabled()), { what: 'the composer enabled' });
  assert.equal(await offer.isDisabled(), true, 'no offer while live');
  await waitFor(async () => (await monitoredItem(op, strongConv))?.state === 'live', { what: 'the item live' });

  await op.locator('#composer-input').fill('Bonjour, je prends la main.');
  await op.press('#composer-input', 'Enter');
  await waitFor(async () => (await shownMessages(visitor)).some((m) => m.author === 'operator' && m.text === 'Bonjour, je prends la main.'),
    { what: "the operator's message in the chatbox" });
  await visitor.fill('#vg-input', 'Merci, le VPN coupe toutes les 5 minutes.');
  await visitor.press('#vg-input', 'Enter');
  await waitFor(async () => (await consoleLog(op, strongConv)).some((m) => m.author === 'visitor' && /toutes les 5 minutes/.test(m.text)),
    { what: "the visitor's message in the console" });

  await op.evaluate(() => document.activeElement?.blur());
  await op.screenshot({ path: path.join(screenshotDir(), 'monitored-tab.png') });
  await visitor.evaluate(() => document.activeElement?.blur());
  await visitor.screenshot({ path: path.join(screenshotDir(), 'monitored-visitor.png') });

  // A reload of the link resumes the conversation, once each.
  const before = (await shownMessages(visitor)).filter((m) => m.seq !== null);
  await visitor.reload();
  await chatOnline(visitor);
  await waitFor(async () => (await shownMessages(visitor)).filter((m) => m.seq !== null).length === before.length, { what: 'the history after a reload' });
  const seqs = (await shownMessages(visitor)).filter((m) => m.seq !== null).map((m) => m.seq);
  assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'each seq once, in order');
  problems(op, visitor);
});

let weakConv;
let weakLink;

test('weak monitoring: the starting knowledge picked from the search panel, no tab, listed; a click opens it', async () => {
  const tabsBefore = (await op.evaluate(() => window.vigieConsole.state.tabs)).length;
  await op.getByRole('button', { name: 'Créer une conversation monitorée' }).click();
  await op.getByLabel('Nom conversation').fill('Question de Mme Durand');
  // The knowledge search panel, while the form is open: a click fills the field.
  await op.getByLabel('Rechercher une connaissance').fill('bourrage papier');
  const result = op.locator(`#kb-results li[data-knowledge="${WEAK_START.id}"]`);
  await result.waitFor();
  // The hint says what a click does, in the info colours (not an error's bold red); each
  // result shows its language; the excerpt keeps the text's parentheses.
  const hint = op.locator('#kb-results .hint.pick');
  const [hr, hg] = (await hint.evaluate((el) => getComputedStyle(el).color)).match(/\d+/g).map(Number);
  assert.ok(!(hr > 150 && hg < 90), 'the hint is not red');
  assert.ok(Number(await hint.evaluate((el) => getComputedStyle(el).fontWeight)) < 600, 'the hint is not bold');
  assert.equal(await result.locator('.lang-tag').getAttribute('data-lang'), WEAK_START.lang);
  assert.match(await result.locator('.kn-excerpt').textContent(), /\(A, B, C…\)/);
  // Nothing wider than the panel (long addresses wrap).
  const panel = await op.locator('aside.kb').evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
  assert.ok(panel.sw <= panel.cw + 1, `no horizontal overflow: ${JSON.stringify(panel)}`);
  await result.getByRole('button', { name: new RegExp(`Choisir`) }).click();
  assert.equal(await op.getByRole('combobox', { name: 'Connaissance de départ' }).inputValue(), WEAK_START.title);
  assert.equal((await shownMessages(visitor)).filter((m) => m.text.includes(WEAK_START.title)).length, 0, 'nothing sent to the open conversation');
  await op.getByLabel('Adresse e-mail', { exact: true }).fill('durand@example.com');
  await op.getByLabel('Strong monitoring').uncheck();
  const created = op.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/monitored-conversations'));
  await op.getByRole('button', { name: 'OK', exact: true }).click();
  const resp = await created;
  assert.equal(resp.status(), 201);
  weakConv = (await resp.json()).conversation;

  // Listed (with its mail status), and no tab.
  const item = op.locator(`#mc-list li[data-conversation="${weakConv}"]`);
  await item.waitFor();
  assert.equal(await item.getAttribute('data-strong'), 'false');
  assert.match(await item.textContent(), /Question de Mme Durand/);
  assert.match(await item.textContent(), /durand@example\.com/);
  assert.match(await item.textContent(), /Monitoring faible/);
  assert.match(await op.locator(`#mc-list li[data-conversation="${strongConv}"]`).textContent(), /Monitoring fort.*En direct/s);
  await op.waitForTimeout(500);
  assert.equal(await tab(op, weakConv).count(), 0, 'no tab for a weak one');
  assert.equal((await op.evaluate(() => window.vigieConsole.state.tabs)).length, tabsBefore);
  const mail = await mailTo('durand@example.com');
  assert.match(mail.subject, new RegExp(WEAK_START.title));
  weakLink = linkIn(mail.text);
  assert.ok(weakLink);
  await waitFor(async () => /Mail envoyé/.test(await item.textContent()), { what: 'mail sent, in the list' });
  await op.screenshot({ path: path.join(screenshotDir(), 'monitored-list.png') });

  // A click opens it, in a red-eye tab.
  await item.locator('button.mc-item').click();
  await tab(op, weakConv).waitFor();
  assert.equal(await tab(op, weakConv).getAttribute('data-monitored'), 'weak');
  await assertRedEye(tab(op, weakConv), 'a red eye');
  await waitFor(async () => (await consoleLog(op, weakConv))?.some((m) => m.author === 'bot' && m.kind === 'knowledge'),
    { what: "the weak conversation's history in its tab" });
  problems(op);
});

test('in a monitored conversation the visitor asks for an operator: livechat with the available one, the tab keeps its red eye', async () => {
  const v = await newVisitor(weakLink);
  await chatOnline(v);
  await ask(v, "Mon imprimante est bloquée, qu'est-ce que je fais ?");
  await v.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(v)).some((m) => m.kind === 'event' && /rejoint/.test(m.text)),
    { what: 'the operator joined (livechat)' });
  await waitFor(() => op.evaluate((id) => window.vigieConsole.state.tabs.find((x) => x.id === id)?.held, weakConv),
    { what: 'the weak conversation assigned' });
  await tab(op, weakConv).click();
  assert.equal(await tab(op, weakConv).getAttribute('data-monitored'), 'weak');
  await assertRedEye(tab(op, weakConv), 'a red eye');
  await waitFor(async () => !(await op.locator('#composer-input').isDisabled()), { what: 'the composer enabled' });
  await op.locator('#composer-input').fill('Je regarde votre imprimante.');
  await op.press('#composer-input', 'Enter');
  await waitFor(async () => (await shownMessages(v)).some((m) => m.author === 'operator' && m.text === 'Je regarde votre imprimante.'),
    { what: "the operator's message" });
  problems(op, v);
  await v.context().close();
});

let newLink;

test('resend to another address: a new link works on the same conversation, the old one gets the clear invalid page', async () => {
  await tab(op, strongConv).click();
  await op.getByRole('button', { name: 'Renvoyer à une autre adresse' }).click();
  const email = op.getByLabel('Nouvelle adresse e-mail');
  await email.fill('martin.pro@');
  await op.getByRole('button', { name: 'Renvoyer', exact: true }).click();
  await waitFor(async () => /invalide/.test(await op.locator('#resend-email-err').textContent()), { what: 'the email checked on the spot' });
  await email.fill('martin.pro@example.com');
  await op.getByRole('button', { name: 'Renvoyer', exact: true }).click();
  const mail = await mailTo('martin.pro@example.com');
  newLink = linkIn(mail.text);
  assert.ok(newLink && newLink !== strongLink);
  await waitFor(async () => /martin\.pro@example\.com/.test(await op.locator('#mc-info').textContent()), { what: 'the new address in the header' });

  // The old link, in a new browser: revoked.
  const old = await newVisitor(strongLink);
  await old.locator('#vg-link-error').waitFor({ timeout: 15_000 });
  assert.equal(await old.locator('#vg-box').getAttribute('data-link-error'), 'link_revoked');
  assert.equal(await old.locator('#vg-link-error-text').textContent(), RES.monitored_link_invalid);
  // The new one: the same conversation and history.
  const fresh = await newVisitor(newLink);
  await chatOnline(fresh);
  assert.equal(await fresh.evaluate(() => window.vigieChatbox.state.conversation), strongConv);
  await waitFor(async () => (await shownMessages(fresh)).some((m) => m.author === 'operator' && m.text === 'Bonjour, je prends la main.'),
    { what: 'the history behind the new link' });
  problems(op, old, fresh);
  await old.context().close();
  await fresh.context().close();
});

test('an unknown vigie_mc: the clear invalid-link page, no reconnection loop, a new ordinary conversation from it', async () => {
  const v = await newVisitor(`${server.url}/c/demo/?vigie_mc=mc_${'A'.repeat(43)}`);
  const panel = v.locator('#vg-link-error');
  await panel.waitFor({ timeout: 15_000 });
  assert.equal(await v.locator('#vg-box').getAttribute('data-link-error'), 'link_invalid');
  await waitFor(async () => (await v.locator('#vg-link-error-text').textContent()) === RES.monitored_link_invalid, { what: 'the resource text' });
  assert.equal(await v.locator('#vg-input').isVisible(), false, 'no conversation shown');
  assert.equal((await shownMessages(v)).filter((m) => m.seq !== null).length, 0);
  await v.waitForTimeout(3_000);
  assert.equal(v.sockets, 1, 'one connection, no reconnection loop');
  await v.screenshot({ path: path.join(screenshotDir(), 'monitored-invalid-link.png') });

  await v.getByRole('button', { name: 'Poser une nouvelle question' }).click();
  await chatOnline(v);
  assert.doesNotMatch(v.url(), /vigie_mc/);
  assert.equal(await panel.count(), 0);
  const reply = await ask(v, 'Comment installer le VPN ?');
  assert.equal(reply.author, 'bot');
  const s = await v.evaluate(() => window.vigieChatbox.state);
  assert.match(s.token || '', /^vt_/, 'an ordinary conversation, with its visitor token');
  assert.notEqual(s.conversation, strongConv);

  // The same browser opens a (valid) monitored link, then comes back: its ordinary
  // conversation and token are untouched.
  const ordinary = () => v.evaluate(() => {
    const o = JSON.parse(localStorage.getItem('vigie.chatbox.v1.demo') || '{}');
    return { token: o.visitor_token, conversation: o.conversation };
  });
  assert.deepEqual(await ordinary(), { token: s.token, conversation: s.conversation });
  await v.goto(newLink);
  await chatOnline(v);
  assert.equal(await v.evaluate(() => window.vigieChatbox.state.conversation), strongConv);
  assert.deepEqual(await ordinary(), { token: s.token, conversation: s.conversation }, 'the ordinary state untouched');
  await v.goto(`${server.url}/c/demo/`);
  await chatOnline(v);
  const back = await v.evaluate(() => window.vigieChatbox.state);
  assert.equal(back.conversation, s.conversation);
  assert.equal(back.token, s.token);
  problems(v);
  await v.context().close();
});

let retryConv;

test('the mail status follows the SMTP server: refused twice (retrying, with the reason), then sent', async () => {
  await op.getByRole('button', { name: 'Créer une conversation monitorée' }).click();
  await op.getByLabel('Nom conversation').fill('Rappel de M. Panne');
  const kn = op.getByRole('combobox', { name: 'Connaissance de départ' });
  await kn.fill('mot de passe oublié');
  await op.locator('#mc-knowledge-list [role=option][data-knowledge="mot-de-passe-oublie"]').click();
  await op.getByLabel('Adresse e-mail', { exact: true }).fill('panne@example.com');
  const created = op.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/monitored-conversations'));
  await op.getByRole('button', { name: 'OK', exact: true }).click();
  retryConv = (await (await created).json()).conversation;
  await tab(op, retryConv).waitFor();
  await waitFor(async () => {
    const shown = await op.locator('#mc-mail-status').textContent();
    return /Mail non envoyé \(essai \d\), nouvel essai prévu — .*451|temporarily/i.test(shown) && shown;
  }, { what: 'the retrying status with the reason, in the header' });
  const item = await monitoredItem(op, retryConv);
  assert.equal(item.mail.status, 'retrying');
  assert.ok(item.mail.error);
  await mailTo('panne@example.com', { timeout: 40_000 });
  await waitFor(async () => /Mail envoyé/.test(await op.locator('#mc-mail-status').textContent()), { what: 'sent at last', timeout: 30_000 });
  problems(op);
});

test("another browser of the creator opens the strong conversation at once; once closed there, it stays closed", async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1400, height: 860 } });
  const op2 = await newPage(ctx);
  await op2.goto(`${server.url}/console/`);
  await op2.locator('#login-email').fill(adminEmail);
  await op2.locator('#login-password').fill(server.password);
  await op2.getByRole('button', { name: 'Se connecter' }).click();
  await consoleOnline(op2);
  const t = tab(op2, retryConv);
  await t.waitFor();
  assert.equal(await t.getAttribute('data-monitored'), 'strong');
  // Already seen by its creator (in the browser where it was created): not "nouvelle".
  assert.doesNotMatch(await t.getAttribute('class'), /flash/);
  assert.equal(await t.locator('.badge.new').count(), 0);
  await assertRedEye(t, 'a red eye');
  // Not held by anyone: it can be closed; it does not come back.
  await t.click();
  await op2.getByRole('button', { name: "Fermer l'onglet" }).click();
  assert.equal(await t.count(), 0);
  await op2.reload();
  await consoleOnline(op2);
  await waitFor(() => op2.evaluate(() => window.vigieConsole.state.monitored.length >= 3), { what: 'the list' });
  await op2.waitForTimeout(500);
  assert.equal(await tab(op2, retryConv).count(), 0, 'a closed strong tab stays closed');
  // The list still has it: a click opens it again.
  await op2.getByRole('button', { name: 'Conversations monitorées' }).click();
  await op2.locator(`#mc-list button[data-conversation="${retryConv}"]`).click();
  await tab(op2, retryConv).waitFor();
  problems(op2);
  await ctx.close();
});

test('an expired link: the clear expired page, no reconnection loop, a new conversation from it', async () => {
  // Links last at least a day: this one is aged in the database (sqlite3, installed by
  // scripts/e2e), as if its validity had run out.
  const sql = "UPDATE monitored_links SET expires_at = 1 WHERE id = (SELECT max(id) FROM monitored_links WHERE email = 'martin.pro@example.com')";
  const aged = spawnSync('sqlite3', ['-cmd', '.timeout 5000', path.join(server.dataDir, 'vigie.db'), sql], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(aged.status, 0, `sqlite3: ${aged.stdout}${aged.stderr}`);
  const v = await newVisitor(newLink);
  await v.locator('#vg-link-error').waitFor({ timeout: 15_000 });
  assert.equal(await v.locator('#vg-box').getAttribute('data-link-error'), 'link_expired');
  await waitFor(async () => (await v.locator('#vg-link-error-text').textContent()) === RES.monitored_link_expired, { what: 'the expired text' });
  assert.equal(await v.locator('#vg-input').isVisible(), false, 'no conversation shown');
  await v.waitForTimeout(3_000);
  assert.equal(v.sockets, 1, 'one connection, no reconnection loop');
  await v.screenshot({ path: path.join(screenshotDir(), 'monitored-expired-link.png') });
  await v.getByRole('button', { name: 'Poser une nouvelle question' }).click();
  await chatOnline(v);
  assert.doesNotMatch(v.url(), /vigie_mc/);
  assert.notEqual(await v.evaluate(() => window.vigieChatbox.state.conversation), strongConv);
  problems(v);
  await v.context().close();
});

test('the monitored list: creator, link validity (dates in French), filters, revoke; the Monitorées count is no alarm; 9+ tabs all reachable', async () => {
  // Eight more weak conversations, made through the API (as a CRM would), one with a long name.
  const made = await admin.evaluate(async (start) => {
    const csrf = sessionStorage.getItem('vigie.admin.csrf');
    const out = [];
    for (let i = 1; i <= 8; i++) {
      const name = i === 1 ? 'Réclamation très longue de Mme Anne-Sophie de La Tour-Maubourg, service comptabilité' : `Suivi ${i}`;
      const r = await fetch('/api/v1/monitored-conversations', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ bot: 'demo', name, starting_knowledge: start, email: `suivi${i}@example.com`, strong_monitoring: false }),
      });
      out.push({ status: r.status, conversation: (await r.json()).conversation, name });
    }
    return out;
  }, WEAK_START.id);
  assert.deepEqual(made.map((m) => m.status), Array(8).fill(201));
  const listBtn = op.getByRole('button', { name: 'Conversations monitorées' });
  if ((await listBtn.getAttribute('aria-expanded')) !== 'true') await listBtn.click();
  const list = op.locator('#mc-list');
  await waitFor(async () => {
    const ids = await list.locator('li[data-conversation]').evaluateAll((lis) => lis.map((li) => li.dataset.conversation));
    return made.every((m) => ids.includes(m.conversation));
  }, { what: 'the list with the new ones' }).catch(async (e) => {
    throw new Error(`${e.message}: ${JSON.stringify(made)} / ${await list.innerText()} / ${JSON.stringify(await op.evaluate(() => window.vigieConsole.state.monitored.map((x) => x.conversation)))}`);
  });

  // The count beside "Monitorées" is a total: not the red of unread messages.
  const count = op.locator('#mc-count');
  const [cr, cg, cb] = (await count.evaluate((el) => getComputedStyle(el).backgroundColor)).match(/\d+/g).map(Number);
  assert.ok(!(cr > 150 && cg < 90 && cb < 90), `the count is not red: ${cr},${cg},${cb}`);
  assert.match(await count.getAttribute('title'), /conversations monitorées/);

  // Each item: its creator, its starting knowledge's language, its link's validity as a French date.
  const row = list.locator(`li[data-conversation="${made[1].conversation}"]`);
  assert.equal(await row.locator('.mc-creator').textContent(), 'Créée par vous');
  assert.match(await row.locator('.mc-expires').textContent(), /^Lien valable jusqu'au \d{2}\/\d{2}\/\d{4}$/);
  assert.equal(await row.locator('.lang-tag').getAttribute('data-lang'), 'fr');

  // The visitor tried an expired link (the test above): said in the list, with the resend at
  // hand (issue 11, item 9).
  const tried = list.locator(`li[data-conversation="${strongConv}"]`);
  await waitFor(async () => /^Le visiteur a essayé un lien expiré/.test(await tried.locator('.mc-dead-link').textContent().catch(() => '')),
    { what: 'the dead-link attempt in the list' });
  assert.equal(await tried.getByRole('button', { name: 'Renvoyer un lien' }).count(), 1);

  // Filters: text (accents ignored), state, mail status, mine / all.
  const total = await list.locator('li[data-conversation]').count();
  await op.getByLabel('Rechercher', { exact: true }).fill('reclamation');
  await waitFor(async () => (await list.locator('li[data-conversation]').count()) === 1, { what: 'one found by its name' });
  assert.match(await op.locator('#mc-shown').textContent(), new RegExp(`^1 sur ${total}$`));
  await op.getByLabel('Rechercher', { exact: true }).fill('');
  await op.getByLabel('État', { exact: true }).selectOption('live');
  await waitFor(async () => (await list.locator('li[data-conversation]').count()) < total, { what: 'the live ones only' });
  for (const st of await list.locator('li[data-conversation]').evaluateAll((lis) => lis.map((li) => li.dataset.state))) assert.equal(st, 'live');
  await op.getByLabel('État', { exact: true }).selectOption('');
  await op.getByLabel('Mail', { exact: true }).selectOption('failed');
  await waitFor(async () => /Aucune conversation ne correspond/.test(await list.textContent()), { what: 'no failed mail' });
  await op.getByLabel('Mail', { exact: true }).selectOption('');
  await op.getByLabel('Afficher', { exact: true }).selectOption('mine');
  await waitFor(async () => (await list.locator('li[data-conversation]').count()) === total, { what: 'all mine (one operator)' });
  await op.getByLabel('Afficher', { exact: true }).selectOption('all');

  // Revoke a link: asked first, then done; the visitor's link no longer opens.
  const target = made[7];
  const item = list.locator(`li[data-conversation="${target.conversation}"]`);
  await item.getByRole('button', { name: `Révoquer le lien de « ${target.name} »` }).click();
  await item.getByRole('button', { name: 'Annuler' }).click();
  assert.equal(await item.getAttribute('data-revoked'), 'false', 'cancelled: nothing revoked');
  await item.getByRole('button', { name: `Révoquer le lien de « ${target.name} »` }).click();
  const revoked = op.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/${target.conversation}/revoke`));
  await item.getByRole('button', { name: 'Révoquer', exact: true }).click();
  assert.equal((await revoked).status(), 200);
  await waitFor(async () => (await item.getAttribute('data-revoked')) === 'true', { what: 'revoked, in the list' });
  assert.match(await item.textContent(), /lien révoqué/);
  assert.equal(await item.locator('[data-revoke]').count(), 0, 'no revoke button on a revoked link');
  await op.getByLabel('État', { exact: true }).selectOption('revoked');
  await waitFor(async () => (await list.locator(`li[data-conversation="${target.conversation}"]`).count()) === 1, { what: 'the revoked filter' });
  await op.getByLabel('État', { exact: true }).selectOption('');
  await op.evaluate(() => document.activeElement?.blur());
  await op.screenshot({ path: path.join(screenshotDir(), 'monitored-list-filters.png') });

  // Every one opened in a tab: 9+ tabs, each whole inside the strip (none cut), names on
  // one line, the unread badges beside the names, never over them.
  for (const m of made) await list.locator(`button.mc-item[data-conversation="${m.conversation}"]`).click();
  await waitFor(async () => (await op.locator('#tablist [role=tab]').count()) >= 9, { what: '9+ tabs' });
  await tab(op, made[0].conversation).click();
  // A visitor writes in another tab (the long name's neighbour): its unread count shows.
  const link2 = linkIn((await mailTo('suivi2@example.com')).text);
  const v2 = await newVisitor(link2);
  await chatOnline(v2);
  await ask(v2, 'Le bourrage continue (bac 2)');
  await waitFor(async () => (await tab(op, made[1].conversation).locator('.badge.unread').count()) === 1, { what: 'an unread count' });
  const geometry = await op.evaluate(() => {
    const strip = document.getElementById('tablist').getBoundingClientRect();
    return [...document.querySelectorAll('#tablist [role=tab]')].map((el) => {
      const r = el.getBoundingClientRect();
      const label = el.querySelector('.tab-label');
      const lr = label.getBoundingClientRect();
      const badge = el.querySelector('.badge.unread')?.getBoundingClientRect() || null;
      return { id: el.dataset.tab, left: r.left - strip.left, right: strip.right - r.right, labelHeight: lr.height,
        lineHeight: parseFloat(getComputedStyle(label).lineHeight) || 20, clipped: label.scrollWidth > label.clientWidth,
        badge: !!badge, badgeInside: badge ? badge.right <= r.right + 0.5 && badge.left >= r.left : true,
        overlap: badge ? !(badge.left >= lr.right || badge.right <= lr.left || badge.top >= lr.bottom || badge.bottom <= lr.top) : false,
        title: el.getAttribute('title') };
    });
  });
  assert.ok(geometry.length >= 9);
  assert.ok(geometry.some((g) => g.badge), 'an unread badge measured');
  for (const g of geometry) {
    assert.ok(g.left >= 0 && g.right >= 0, `tab ${g.id} inside the strip: ${JSON.stringify(g)}`);
    assert.ok(g.labelHeight < g.lineHeight * 1.5, `one line: ${JSON.stringify(g)}`);
    assert.equal(g.overlap, false, `badge beside the name: ${JSON.stringify(g)}`);
    assert.ok(g.badgeInside, `badge inside its tab: ${JSON.stringify(g)}`);
  }
  const long = geometry.find((g) => g.id === made[0].conversation);
  assert.ok(long.clipped, 'the long name is cut with "…"');
  assert.equal(long.title, made[0].name, 'and whole in the title');
  await op.evaluate(() => document.activeElement?.blur());
  await op.screenshot({ path: path.join(screenshotDir(), 'console-many-tabs.png') });
  // Each tab can be reached: clicked, it is selected.
  for (const g of geometry) {
    await tab(op, g.id).click();
    assert.equal(await tab(op, g.id).getAttribute('aria-selected'), 'true');
  }
  problems(op, admin, v2);
  await v2.context().close();
});
