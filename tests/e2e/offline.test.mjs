// Office hours and the offline form (issue 13, item 5), in French, with a real SMTP server:
// the admin sets the demo bot's hours (a wrong time zone refused, named by its label), the
// visitor who asks for a human outside hours gets the form instead of a dead end (a wrong
// address refused on the spot), the team's mail arrives with a link to the conversation, the
// operator answers from the history, and the answer's mail carries a link that opens the
// conversation in the chatbox with the answer in it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, askBot, waitFor } from './helpers.mjs';

const TEAM = 'equipe-support@example.com';
const VISITOR = 'marie.martin@example.com';
const MESSAGE = 'Bonjour, mon badge ne fonctionne plus depuis ce matin. Pouvez-vous le réactiver ?';
const ANSWER = 'Bonjour Marie, votre badge est réactivé : passez-le deux fois sur le lecteur.';

let server;
let smtp;
const mails = [];
let browser;
let adminEmail;

before(async () => {
  smtp = new SMTPServer({
    secure: false, authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, banner: 'e2e',
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => { mails.push({ ...m, rcpt: session.envelope.rcptTo.map((r) => r.address) }); callback(); }, callback);
    },
  });
  await new Promise((resolve, reject) => { smtp.server.once('error', reject); smtp.listen(0, '127.0.0.1', resolve); });
  server = new VigieServer();
  server.extraEnv = { VIGIE_SMTP_URL: `smtp://127.0.0.1:${smtp.server.address().port}`, VIGIE_MAIL_FROM: 'vigie@example.com', VIGIE_MAIL_RETRY_SECONDS: '1' };
  await server.start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  assert.ok(adminEmail && server.password, `admin account printed:\n${server.output}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
  await new Promise((r) => (smtp ? smtp.close(r) : r()));
});

const day = (d) => d.toISOString().slice(0, 10);
const mailTo = (address) => waitFor(() => mails.find((m) => m.rcpt.includes(address)), { what: `a mail to ${address}` });

test('outside office hours: the offline form, the team mail, the answer by mail and its link', async () => {
  // The admin sets the hours: open around the clock, but today and tomorrow are closed days.
  const admin = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } }));
  await admin.goto(`${server.url}/admin/`);
  await admin.locator('#login-email').fill(adminEmail);
  await admin.locator('#login-password').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.locator('a[data-group="livechat"]').click(); // the page's group first
  await admin.getByRole('link', { name: 'Horaires' }).click();
  await admin.waitForSelector('#oh-form');
  await admin.locator('#oh-enabled').check();
  await admin.locator('#oh-timezone').fill('Europe/Parsi');
  for (const d of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) await admin.locator(`#oh-day-${d}`).fill('00:00-24:00');
  const now = new Date();
  await admin.locator('#oh-closed').fill(`${day(now)}\n${day(new Date(now.getTime() + 86_400_000))}`);
  await admin.locator('#oh-offline-email').fill(TEAM);
  await admin.locator('#oh-save').click();
  // The wrong time zone is refused, named by its label, in French.
  await waitFor(async () => /Fuseau horaire/.test(await admin.locator('#oh-msg').textContent()), { what: 'the time zone refused' });
  assert.match(await admin.locator('#oh-timezone-err').textContent(), /fuseau horaire inconnu « Europe\/Parsi »/);
  await admin.locator('#oh-timezone').fill('Europe/Paris');
  await admin.locator('#oh-save').click();
  await waitFor(async () => /enregistrés/.test(await admin.locator('#oh-msg').textContent()), { what: 'saved' });
  await admin.screenshot({ path: path.join(screenshotDir(), 'admin-fr-office-hours.png'), fullPage: true });

  // The visitor asks for a human: the form, not a dead end.
  const v = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 760 } }));
  await v.goto(`${server.url}/c/demo/?lang=fr`);
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await askBot(v, 'Mon badge ne marche plus');
  await v.locator('#vg-handoff').click();
  await v.locator('#vg-offline').waitFor();
  const offered = await waitFor(async () => (await shownMessages(v)).find((m) => /Laissez-nous un message/.test(m.text)), { what: 'the offer' });
  assert.match(offered.text, /Horaires : lun\.–dim\. 00:00–24:00 \(Europe\/Paris\)/);
  await v.locator('#vg-offline-email').fill('marie.martin@');
  await v.locator('#vg-offline-text').fill(MESSAGE);
  await v.locator('#vg-offline-send').click();
  assert.match(await v.locator('#vg-offline-status').textContent(), /Saisissez une adresse e-mail valide/);
  assert.equal(await v.locator('#vg-offline-email').getAttribute('aria-invalid'), 'true');
  await v.screenshot({ path: path.join(screenshotDir(), 'chatbox-fr-offline-form.png') });
  await v.locator('#vg-offline-email').fill(VISITOR);
  await v.locator('#vg-offline-send').click();
  await waitFor(async () => (await shownMessages(v)).some((m) => /votre message a été transmis.*marie\.martin@example\.com/.test(m.text)), { what: 'sent' });
  await v.locator('#vg-offline').waitFor({ state: 'detached' });
  assert.ok((await shownMessages(v)).some((m) => m.text.includes(MESSAGE)), 'the message is in the conversation');
  await v.screenshot({ path: path.join(screenshotDir(), 'chatbox-fr-offline-sent.png') });
  // A reload keeps it answered: no form again.
  await v.reload();
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await waitFor(async () => (await shownMessages(v)).some((m) => /transmis/.test(m.text)), { what: 'history after reload' });
  assert.equal(await v.locator('#vg-offline').count(), 0);

  // The team's mail, with the link to the conversation in the console's history.
  const team = await mailTo(TEAM);
  assert.match(team.subject, /Message hors ligne pour .* de marie\.martin@example\.com/);
  assert.ok(team.text.includes(MESSAGE), team.text);
  const link = /(http\S+\/console\/history#c_[0-9a-z]+)/.exec(team.text)?.[1];
  assert.ok(link, team.text);

  // The operator signs in to the console, follows the link, answers by mail.
  const op = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } }));
  await op.goto(`${server.url}/console/`);
  await op.locator('#login-email').fill(adminEmail);
  await op.locator('#login-password').fill(server.password);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await op.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  await op.goto(link.replace(/^http:\/\/[^/]+/, server.url));
  await op.locator('#hist-offline').waitFor();
  assert.match(await op.locator('#hist-offline').textContent(), /sans réponse/);
  await op.locator('#hist-offline-text').fill(ANSWER);
  await op.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await waitFor(async () => /Réponse envoyée à marie\.martin@example\.com/.test(await op.locator('#main').textContent()), { what: 'answered' });
  await waitFor(async () => /répondu par Admin/.test(await op.locator('#hist-offline').textContent()), { what: 'marked answered' });
  await op.screenshot({ path: path.join(screenshotDir(), 'console-fr-offline-answered.png'), fullPage: true });

  // The visitor's mail: its link opens the conversation, the answer is there.
  const answer = await mailTo(VISITOR);
  assert.ok(answer.text.includes(ANSWER), answer.text);
  const open = /(http\S+vigie_mc=mc_[A-Za-z0-9_-]+)/.exec(answer.text)?.[1];
  assert.ok(open, answer.text);
  const back = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 760 } }));
  await back.goto(open.replace(/^http:\/\/[^/]+/, server.url));
  await back.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await waitFor(async () => (await shownMessages(back)).some((m) => m.text.includes(ANSWER)), { what: 'the answer in the chatbox' });
  assert.ok((await shownMessages(back)).some((m) => m.text.includes(MESSAGE)), 'and the message it answers');
  await back.screenshot({ path: path.join(screenshotDir(), 'chatbox-fr-offline-answer.png') });

  for (const p of [admin, v, op, back]) assert.deepEqual(p.problems, []);
});
