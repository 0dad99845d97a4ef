// Issue 12, items 2, 4 and 5 in the browser, in French, against a real server and a real SMTP
// server started here: bots created, renamed and archived in the admin (coded errors shown by
// label, the archived bot's chatbox says it is no longer available); the history finds a
// monitored conversation by the visitor's email, opens its transcript read-only, exports it
// (txt, JSON, CSV of the search) and mails it; the chatbox's transcript module, switched on
// and deployed, offers the transcript at the end of a livechat and the mail arrives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { VigieServer, launchBrowser, newPage, screenshotDir, askBot, shownMessages, waitFor } from './helpers.mjs';

let server;
let smtp;
const mails = [];
let browser;
let admin; // the admin's pages
let op; // the same account's console, in another context
let adminEmail;

before(async () => {
  smtp = new SMTPServer({
    secure: false, authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        mails.push({ ...m, rcpt: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      }, callback);
    },
  });
  await new Promise((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(0, '127.0.0.1', resolve);
  });
  server = new VigieServer();
  server.extraEnv = {
    VIGIE_SMTP_URL: `smtp://127.0.0.1:${smtp.server.address().port}`, VIGIE_MAIL_FROM: 'vigie@example.com', VIGIE_MAIL_RETRY_SECONDS: '1',
  };
  await server.start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  assert.ok(adminEmail && server.password, `admin account printed:\n${server.output}`);
  browser = await launchBrowser();
  admin = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
  op = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1400, height: 900 }, acceptDownloads: true }));
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
  await new Promise((r) => (smtp ? smtp.close(r) : r()));
});

function problems(...pages) {
  for (const p of pages) assert.deepEqual(p.problems, [], 'no page error nor CSP violation');
}

async function mailTo(to, { timeout = 30_000 } = {}) {
  const m = await waitFor(() => mails.find((x) => !x.taken && x.rcpt.includes(to)), { timeout, what: `a mail to ${to}` });
  m.taken = true;
  return m;
}

const shot = (p, name) => p.screenshot({ path: path.join(screenshotDir(), name), fullPage: true });

async function downloaded(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
}

test('admin: bots created, renamed and archived; errors in French by label', async () => {
  await admin.goto(`${server.url}/admin/`);
  await admin.getByLabel('Adresse e-mail').fill(adminEmail);
  await admin.getByLabel('Mot de passe').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.getByRole('heading', { name: 'Bots', exact: true }).waitFor();
  await admin.locator('header').getByRole('link', { name: 'Gestion des bots' }).click();
  await admin.getByRole('heading', { name: 'Gestion des bots' }).waitFor();

  // A bad slug, then one already taken: refused, said in French, nothing created.
  await admin.locator('#nb-slug').fill('RH!');
  await admin.locator('#nb-name').fill('Aide RH');
  await admin.getByRole('button', { name: 'Créer le bot' }).click();
  const alert = admin.locator('#bot-new [role=alert]');
  await waitFor(async () => /^Identifiant : « RH! » n'est pas un identifiant valide \(2 à 40 caractères parmi a-z, 0-9 et -\)$/.test(await alert.textContent({ timeout: 1000 })), { what: 'the slug refused' })
    .catch(async (e) => { throw new Error(`${e.message}; shown: ${await admin.locator('#main').innerText()} ${JSON.stringify(admin.problems)}`); });
  await admin.locator('#nb-slug').fill('demo');
  await admin.getByRole('button', { name: 'Créer le bot' }).click();
  await waitFor(async () => /^Identifiant : un bot porte déjà cet identifiant$/.test(await alert.textContent()), { what: 'the duplicate refused' });
  // French and English, French by default.
  await admin.locator('#nb-slug').fill('rh');
  await admin.locator('#nb-lang-en').check();
  await admin.getByRole('button', { name: 'Créer le bot' }).click();
  await waitFor(async () => /Bot « Aide RH » créé\./.test(await admin.locator('#bots-msg').textContent()), { what: 'created' });
  const row = admin.locator('#bots-active tr[data-bot="rh"]');
  assert.match(await row.textContent(), /fr, en/);

  // Renamed (an empty name refused first).
  await row.getByRole('button', { name: 'Modifier' }).click();
  await admin.locator('#eb-rh-name').fill('');
  await row.getByRole('button', { name: 'Enregistrer' }).click();
  await waitFor(async () => /^Nom : obligatoire$/.test(await row.locator('[role=alert]').textContent()), { what: 'the empty name refused' });
  await admin.locator('#eb-rh-name').fill('Ressources humaines');
  await row.getByRole('button', { name: 'Enregistrer' }).click();
  await waitFor(async () => /Bot « Ressources humaines » enregistré\./.test(await admin.locator('#bots-msg').textContent()), { what: 'renamed' });
  await shot(admin, 'history-bots-admin.png');

  // Archived: it leaves the bots list, its chatbox says it is no longer available.
  admin.once('dialog', (d) => d.accept());
  await admin.locator('#bots-active tr[data-bot="rh"]').getByRole('button', { name: 'Archiver' }).click();
  await waitFor(async () => /Bot « Ressources humaines » archivé\./.test(await admin.locator('#bots-msg').textContent()), { what: 'archived' });
  assert.equal(await admin.locator('#bots-archived tr[data-bot="rh"]').count(), 1);
  await admin.locator('header').getByRole('link', { name: 'Bots', exact: true }).click();
  await admin.getByRole('heading', { name: 'Bots', exact: true }).waitFor();
  assert.equal(await admin.locator('#main code', { hasText: /^rh$/ }).count(), 0, 'the archived bot left the list');
  const v = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 600 } }));
  await v.goto(`${server.url}/c/rh/`);
  await waitFor(async () => (await v.locator('#vg-banner').textContent()) === "Ce chatbot n'est plus disponible.", { what: 'the archived banner' });
  await shot(v, 'history-archived-chatbox.png');
  await v.context().close();
  problems(admin);
});

let conv; // the monitored conversation
test('the history finds a monitored conversation by the visitor\'s email, opens its transcript, exports it and mails it', async () => {
  // The monitored conversation, created as a CRM would (the demo bot ships ready for it).
  const created = await admin.evaluate(async () => {
    const r = await fetch('/api/v1/monitored-conversations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': sessionStorage.getItem('vigie.admin.csrf') },
      body: JSON.stringify({ bot: 'demo', name: 'Appel de Mme Durand', starting_knowledge: 'vpn-lent', email: 'durand@example.com' }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  conv = created.body.conversation;
  await mailTo('durand@example.com');

  // The console's history page, reached from the console's top bar.
  await op.goto(`${server.url}/console/`);
  await op.locator('#login-email').fill(adminEmail);
  await op.locator('#login-password').fill(server.password);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await op.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  assert.equal(await op.locator('#history-link').getAttribute('href'), '/console/history');
  await op.goto(`${server.url}/console/history`);
  await op.getByRole('heading', { name: 'Historique' }).waitFor();
  // Too short a text: said in French with the field's label.
  await op.getByLabel('Texte').fill('vp');
  await op.getByRole('button', { name: 'Rechercher' }).click();
  await waitFor(async () => (await op.locator('[role=alert]').first().textContent()) === 'Texte : trop court (3 caractères au moins)', { what: 'too short' });
  await op.getByLabel('Texte').fill('');
  await op.getByLabel('E-mail du visiteur').fill('DURAND@exa');
  await op.getByLabel('Type').selectOption('monitored');
  await op.getByRole('button', { name: 'Rechercher' }).click();
  await waitFor(async () => (await op.locator('.hist-table tbody tr').count()) === 1, { what: 'one conversation found' });
  const found = op.locator('.hist-table tbody tr').first();
  assert.match(await found.textContent(), /Appel de Mme Durand/);
  assert.match(await found.textContent(), /durand@example\.com/);
  assert.match(await found.textContent(), /Monitorée/);
  await shot(op, 'history-search.png');

  // CSV of the search.
  const csv = await downloaded(op, op.locator('#hist-csv'));
  assert.equal(csv.name, 'conversations.csv');
  assert.match(csv.text.split('\n')[1], new RegExp(`^${conv},demo,monitored,`));

  // Opened read-only: the knowledge sent, the monitored record and its link's mail.
  await found.getByRole('link', { name: 'Appel de Mme Durand' }).click();
  await op.getByRole('heading', { name: /Appel de Mme Durand/ }).waitFor();
  await waitFor(async () => /VPN lent/.test(await op.locator('#hist-transcript').textContent()), { what: 'the transcript' });
  const record = await op.locator('#hist-monitored').textContent();
  assert.match(record, /durand@example\.com/);
  assert.match(record, /envoyé|en file/);
  assert.equal(await op.locator('#hist-transcript textarea, #hist-transcript input').count(), 0, 'read-only');

  // Exports.
  const txt = await downloaded(op, op.locator('#hist-export-txt'));
  assert.equal(txt.name, `${conv}.txt`);
  assert.match(txt.text, /Conversation monitorée : Appel de Mme Durand <durand@example\.com>/);
  assert.match(txt.text, /\[VPN lent ou instable\] Un VPN lent/);
  const json = JSON.parse((await downloaded(op, op.locator('#hist-export-json'))).text);
  assert.equal(json.conversation, conv);
  assert.equal(json.monitored.email, 'durand@example.com');

  // By mail: a bad address refused in French, then the known one.
  await op.getByLabel(/^Adresse du visiteur/).fill('pas-une-adresse');
  await op.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await waitFor(async () => /^Adresse du visiteur : « pas-une-adresse » n'est pas une adresse e-mail valide/.test(await op.locator('#hist-mail [role=alert]').textContent()), { what: 'the bad address refused' });
  await op.getByLabel(/^Adresse du visiteur/).fill('');
  await op.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await waitFor(async () => /Transcription envoyée à durand@example\.com/.test(await op.locator('#hist-mail').textContent()), { what: 'queued' });
  const mail = await mailTo('durand@example.com');
  assert.match(mail.subject, /^Votre conversation avec /);
  assert.match(mail.text, /VPN lent/);
  await shot(op, 'history-transcript.png');

  // Resend the monitored link from the history: a new link to a new address.
  await op.locator('#hist-resend-to').fill('durand.perso@example.org');
  await op.getByRole('button', { name: 'Renvoyer' }).click();
  await waitFor(async () => /Nouveau lien envoyé à durand\.perso@example\.org|durand\.perso@example\.org · /.test(await op.locator('#hist-monitored').textContent()), { what: 'resent' })
    .catch(async (e) => { throw new Error(`${e.message}; shown: ${await op.locator('#hist-monitored').innerText()}`); });
  await mailTo('durand.perso@example.org');
  problems(op);
});

test('admin: the history page and the transcript mail template', async () => {
  await admin.locator('a[data-group="insight"]').click(); // the page's group first
  await admin.locator('header').getByRole('link', { name: 'Historique' }).click();
  await admin.getByRole('heading', { name: 'Historique' }).waitFor();
  await waitFor(async () => (await admin.locator('.hist-table tbody tr').count()) >= 1, { what: 'the history listed' });
  // A period that ends before it starts: refused by label.
  await admin.getByLabel('Du', { exact: true }).fill('2026-06-10');
  await admin.getByLabel('Au', { exact: true }).fill('2026-06-01');
  await admin.getByRole('button', { name: 'Rechercher' }).click();
  await waitFor(async () => (await admin.locator('#history [role=alert]').textContent()) === 'Au : la fin de la période est avant son début', { what: 'bad period' });
  await admin.getByRole('button', { name: 'Effacer' }).click();
  // The template: a subject of our own, previewed, saved.
  const subject = admin.locator('#tr-fr-subject');
  await subject.fill('[Helpdesk] Transcription du {{ conversation_date }}');
  await admin.locator('#tr-preview-fr').click();
  await waitFor(async () => /^\[Helpdesk\] Transcription du 23 février 2027$/.test(await admin.locator('#tr-preview-subject').textContent()), { what: 'the preview' });
  await subject.fill('{{ unknown }}');
  await admin.locator('#tr-save').click();
  await waitFor(async () => /variable/.test(await admin.locator('#transcript-template [role=alert]').textContent()), { what: 'an unknown variable refused' });
  await subject.fill('[Helpdesk] Transcription du {{ conversation_date }}');
  await admin.locator('#tr-save').click();
  await waitFor(async () => (await admin.locator('#transcript-template [role=status]').textContent()) === 'Modèle enregistré.', { what: 'saved' });
  await shot(admin, 'history-admin.png');
  problems(admin);
});

test('chatbox: the transcript module, switched on and deployed, mails the transcript at the end of a livechat', async () => {
  // The module on (advanced view), saved, deployed.
  await admin.locator('a[data-group="bots"]').click(); // the page's group first
  await admin.locator('header').getByRole('link', { name: 'Bots', exact: true }).click();
  const row = admin.locator('tr', { has: admin.locator('code', { hasText: /^demo$/ }) });
  await row.getByRole('link', { name: 'Boîte de dialogue' }).click();
  await admin.getByRole('heading', { name: 'Intégration › Web › Boîte de dialogue' }).waitFor();
  await admin.getByRole('button', { name: 'Afficher vue avancée' }).click();
  const mod = admin.locator('#mod-transcript');
  assert.equal(await mod.getAttribute('aria-pressed'), 'false', 'off by default');
  await mod.click();
  await waitFor(async () => (await mod.getAttribute('aria-pressed')) === 'true', { what: 'the module on' });
  await admin.locator('#res-transcript_send-fr').fill('Recevoir la transcription par mail');
  await admin.getByRole('button', { name: 'Sauvegarder', exact: true }).click();
  await waitFor(async () => /^Configuration sauvegardée/.test(await admin.locator('#main .msg').first().textContent()), { what: 'saved' });
  await admin.getByRole('button', { name: 'Déployer', exact: true }).click();
  await waitFor(async () => /^Déployé : version/.test(await admin.locator('#main .msg').first().textContent()), { what: 'deployed' });

  // The operator is available; a visitor asks for a human, they talk, the operator ends.
  await op.goto(`${server.url}/console/`);
  await op.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  await op.getByLabel('Disponible', { exact: true }).check();
  await waitFor(() => op.evaluate(() => window.vigieConsole.state.availability === 'available'), { what: 'available' });
  const v = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 760 } }));
  await v.goto(`${server.url}/c/demo/?lang=fr`);
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await askBot(v, 'Comment installer le VPN ?');
  assert.equal(await v.locator('#vg-transcript').count(), 0, 'not offered before a livechat');
  await v.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(v)).some((m) => /rejoint/.test(m.text)), { what: 'the operator joined' });
  const vconv = await v.evaluate(() => window.vigieChatbox.state.conversation);
  const tab = op.locator(`[role=tab][data-tab="${vconv}"]`);
  await tab.waitFor();
  await tab.click();
  await op.locator('#composer-input:not([disabled])').waitFor({ timeout: 15_000 });
  const composer = op.locator('#composer-input');
  await composer.fill('Bonjour, je vous envoie la procédure VPN.');
  await composer.press('Enter');
  await waitFor(async () => (await shownMessages(v)).some((m) => /procédure VPN/.test(m.text)), { what: "the operator's message" });
  await op.getByRole('button', { name: 'Terminer', exact: true }).click();
  await op.locator('#end-confirm').click();

  // The offer; a bad address refused on the spot, then the mail.
  await v.locator('#vg-transcript').waitFor();
  assert.match(await v.locator('#vg-transcript-offer').textContent(), /transcription de cette conversation par mail/);
  await v.getByLabel('Votre adresse mail').fill('moi@@exemple');
  await v.getByRole('button', { name: 'Recevoir la transcription par mail' }).click();
  await waitFor(async () => /n'est pas valide/.test(await v.locator('#vg-transcript-status').textContent()), { what: 'the bad address' });
  await v.getByLabel('Votre adresse mail').fill('visiteur@example.com');
  await v.getByRole('button', { name: 'Recevoir la transcription par mail' }).click();
  await waitFor(async () => (await v.locator('#vg-transcript-status').textContent()) === 'La transcription a été envoyée à visiteur@example.com.', { what: 'sent' });
  await shot(v, 'history-chatbox-transcript.png');
  const mail = await mailTo('visiteur@example.com');
  assert.match(mail.subject, /^\[Helpdesk\] Transcription du /, 'the template saved above');
  assert.match(mail.text, /Bonjour, je vous envoie la procédure VPN\./);
  assert.match(mail.text, /Comment installer le VPN \?/);
  problems(v, op, admin);
});
