// People, API tokens and the audit log (issue 12, items 1, 3 and 6), in French, end to end:
// the admin invites an operator (the mail arrives at a real SMTP server started here), a
// duplicate address is refused; the operator opens the link, a weak password is refused, a
// good one set, the used link then refused; they log in to the console; the admin cannot
// demote the last admin; the admin deactivates them and their open console says it is
// signed out; a `monitored:create` token creates a monitored conversation and is refused
// elsewhere; the audit page shows these acts. Screenshots of every new page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { VigieServer, launchBrowser, newPage, screenshotDir, waitFor } from './helpers.mjs';

let server;
let smtp;
const mails = [];
let browser;
let admin; // the admin's pages
let op; // the invited operator's browser
let adminEmail;
let inviteLink;
let crmToken;
const NEW = 'bruno.martin@example.com';
const PASSWORD = 'un cheval bleu dans le pré';

before(async () => {
  smtp = new SMTPServer({
    secure: false, authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, banner: 'e2e',
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
  admin = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } }));
  admin.on('dialog', (d) => d.accept());
  op = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 860 } }));
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
  await new Promise((r) => (smtp ? smtp.close(r) : r()));
});

function problems(...pages) {
  for (const p of pages) assert.deepEqual(p.problems, [], 'no page error nor CSP violation');
}
const shot = (page, name) => page.screenshot({ path: path.join(screenshotDir(), name), fullPage: true });

async function mailTo(to) {
  const m = await waitFor(() => mails.find((x) => !x.taken && x.rcpt.includes(to)), { timeout: 30_000, what: `a mail to ${to}` });
  m.taken = true;
  return m;
}
const accountLink = (text) => /(https?:\/\/\S*\/account\/\S*#(?:invite|reset)=vg[ir]_[A-Za-z0-9_-]+)/.exec(text || '')?.[1];

async function msgText(page, selector) {
  return waitFor(async () => {
    const t = (await page.locator(selector).first().textContent().catch(() => '')) || '';
    return t.trim() ? t : null;
  }, { what: `a message in ${selector}` });
}

test('admin: the People page invites an operator (the mail arrives); a duplicate address is refused in French', async () => {
  await admin.goto(`${server.url}/admin/`);
  await admin.locator('#login-email').fill(adminEmail);
  await admin.locator('#login-password').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.locator('a[data-group="team"]').click(); // the page's group first
  await admin.getByRole('link', { name: 'Personnes' }).click();
  await admin.waitForSelector('#people-table');
  await admin.locator('#invite-email').fill(NEW);
  await admin.locator('#invite-name').fill('Bruno Martin');
  await admin.locator('#invite-role').selectOption('operator');
  await admin.locator('#invite-languages').fill('fr, en');
  await admin.locator('#invite-capacity').fill('4');
  await admin.getByRole('button', { name: "Envoyer l'invitation", exact: true }).click();
  assert.match(await msgText(admin, '#people-msg .msg.ok'), /Invitation envoyée à bruno\.martin@example\.com\. Le lien est valable 72 h/);
  const row = admin.locator(`#people-table tr[data-email="${NEW}"]`);
  assert.match(await row.innerText(), /Bruno Martin[\s\S]*Opérateur[\s\S]*fr, en[\s\S]*4[\s\S]*invité/);

  const mail = await mailTo(NEW);
  assert.match(mail.subject, /vous invite sur Vigie/);
  inviteLink = accountLink(mail.text);
  assert.ok(inviteLink, `a link in the mail:\n${mail.text}`);
  assert.ok(inviteLink.startsWith(server.url), inviteLink);

  // The same address again: refused, named, nothing added.
  await admin.locator('#invite-email').fill(NEW.toUpperCase());
  await admin.locator('#invite-name').fill('Autre Bruno');
  await admin.getByRole('button', { name: "Envoyer l'invitation", exact: true }).click();
  assert.match(await msgText(admin, '#invite-form .msg.error'), /un compte utilise déjà cette adresse e-mail/i);
  assert.equal(await admin.locator(`#people-table tr[data-email="${NEW}"]`).count(), 1);
  // A malformed one: the field says why, in French.
  await admin.locator('#invite-email').fill('pas-une-adresse');
  await admin.getByRole('button', { name: "Envoyer l'invitation", exact: true }).click();
  assert.match(await msgText(admin, '#invite-email-err'), /^Adresse e-mail : \S/);
  await shot(admin, 'people-list.png');
  problems(admin);
});

test('the operator sets a password from the link (a weak one refused first); the used link is then refused', async () => {
  await op.goto(inviteLink);
  await op.getByRole('heading', { name: 'Bienvenue sur Vigie' }).waitFor();
  assert.equal(await op.locator('#account-name').inputValue(), 'Bruno Martin');
  await op.locator('#account-password').fill('motdepasse123');
  await op.locator('#account-confirm').fill('motdepasse123');
  await op.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
  assert.equal(await msgText(op, '#account-password-err'), 'Mot de passe : ce mot de passe est trop courant, choisissez-en un autre');
  await op.locator('#account-password').fill('court');
  await op.locator('#account-confirm').fill('court');
  await op.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
  await waitFor(async () => /10 caractères au moins/.test(await op.locator('#account-password-err').textContent()), { what: 'too short' });
  await shot(op, 'account-invite.png');
  await op.locator('#account-password').fill(PASSWORD);
  await op.locator('#account-confirm').fill(PASSWORD);
  await op.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
  await op.locator('#account-done').waitFor();
  // Used: the same link again.
  await op.goto('about:blank');
  await op.goto(inviteLink);
  assert.equal(await msgText(op, '#main .msg.error'), 'Ce lien a déjà servi. Connectez-vous, ou demandez un nouveau lien.');
  problems(op);
});

test('an expired link is refused in French', async () => {
  await admin.locator('#invite-email').fill('carla@example.com');
  await admin.locator('#invite-name').fill('Carla');
  await admin.getByRole('button', { name: "Envoyer l'invitation", exact: true }).click();
  await msgText(admin, '#people-msg .msg.ok');
  const link = accountLink((await mailTo('carla@example.com')).text);
  const db = path.join(server.dataDir, 'vigie.db');
  const r = spawnSync('sqlite3', [db, "UPDATE account_links SET expires_at = 1 WHERE used_at IS NULL;"], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const page = await newPage(await browser.newContext({ locale: 'fr-FR' }));
  await page.goto(link);
  assert.equal(await msgText(page, '#main .msg.error'), 'Ce lien a expiré.');
  await page.close();
});

test('the operator logs in to the console; the admin deactivates them and the open console says it is signed out', async () => {
  await op.goto(`${server.url}/console/`);
  await op.locator('#login-email').fill(NEW);
  await op.locator('#login-password').fill(PASSWORD);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await op.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  assert.equal(await op.locator('#my-account').textContent(), 'Bruno Martin');
  // My account, from the console: a wrong current password is refused in French.
  await op.locator('#my-account').click();
  await op.locator('#account-dialog').waitFor();
  await op.locator('#console-me-current-password').fill('pas le bon');
  await op.locator('#console-me-new-password').fill('une autre phrase assez longue');
  await op.getByRole('button', { name: 'Changer le mot de passe' }).click();
  assert.equal(await msgText(op, '#console-me-current-password-err'), "Mot de passe actuel : ce n'est pas votre mot de passe actuel");
  await shot(op, 'console-my-account.png');
  await op.getByRole('button', { name: 'Fermer' }).click();

  await admin.goto(`${server.url}/admin/#/people`);
  await admin.waitForSelector(`#people-table tr[data-email="${NEW}"]`);
  await admin.getByRole('button', { name: 'Désactiver Bruno Martin' }).click();
  assert.match(await msgText(admin, '#people-msg .msg.ok'), /Bruno Martin est désactivé·e/);
  await admin.waitForSelector(`#people-table tr[data-email="${NEW}"][data-status="deactivated"]`);

  assert.equal(await msgText(op, '#signed-out'), 'Vous avez été déconnecté·e : votre session a été fermée ou votre compte désactivé.');
  await op.locator('#login-email').waitFor();
  await shot(op, 'console-signed-out.png');
  // And cannot log in again.
  await op.locator('#login-email').fill(NEW);
  await op.locator('#login-password').fill(PASSWORD);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await waitFor(async () => /Ce compte a été désactivé/.test(await op.locator('#main .msg.error').first().textContent()), { what: 'deactivated refused' });
  problems(admin, op);
});

test('the last admin cannot be demoted: a clear message, nothing changes', async () => {
  const row = admin.locator(`#people-table tr[data-email="${adminEmail}"]`);
  await row.getByRole('link', { name: /Modifier/ }).click();
  await admin.waitForSelector('#edit-form');
  await admin.locator('#edit-role').selectOption('operator');
  await admin.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  assert.equal(await msgText(admin, '#edit-msg .msg.error'),
    "C'est le dernier administrateur actif : nommez d'abord quelqu'un d'autre administrateur.");
  await shot(admin, 'people-edit.png');
  await admin.goto(`${server.url}/admin/#/people`);
  await admin.waitForSelector('#people-table');
  assert.match(await admin.locator(`#people-table tr[data-email="${adminEmail}"]`).innerText(), /Administrateur/);
});

test('API tokens: a monitored:create token, shown once, creates a monitored conversation and is refused elsewhere', async () => {
  await admin.getByRole('link', { name: "Jetons d'API" }).click();
  await admin.waitForSelector('#token-form');
  await admin.locator('#token-name').fill('CRM');
  await admin.locator('#token-scope').selectOption('monitored:create');
  await admin.getByRole('button', { name: 'Créer un jeton' }).click();
  crmToken = (await msgText(admin, '#token-secret')).trim();
  assert.match(crmToken, /^vgt_[A-Za-z0-9_-]{43}$/);
  await admin.waitForSelector('#tokens-table tr[data-token="CRM"]');
  assert.match(await admin.locator('#tokens-table tr[data-token="CRM"]').innerText(), /monitored:create[\s\S]*jamais/);
  await shot(admin, 'tokens.png');

  const call = (method, p, body) => fetch(`${server.url}/api/v1${p}`, {
    method, headers: { authorization: `Bearer ${crmToken}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const created = await call('POST', '/monitored-conversations',
    { bot: 'demo', name: 'Appel CRM', starting_knowledge: 'vpn-lent', email: 'client@example.com' });
  assert.equal(created.status, 201, await created.clone().text());
  for (const [method, p] of [['GET', '/conversations'], ['GET', '/monitored-conversations'], ['GET', '/bots'], ['GET', '/auth/me'], ['POST', '/tokens']]) {
    const r = await call(method, p, method === 'POST' ? { name: 'x' } : undefined);
    assert.equal(r.status, 403, `${method} ${p}`);
    assert.equal((await r.json()).error, 'token_scope');
  }
  // Its last use now shows.
  await admin.reload();
  await admin.waitForSelector('#tokens-table tr[data-token="CRM"]');
  assert.doesNotMatch(await admin.locator('#tokens-table tr[data-token="CRM"]').innerText(), /jamais/);
  problems(admin);
});

test('the audit page shows these acts, filters them and pages on the server', async () => {
  await admin.locator('a[data-group="insight"]').click(); // the page's group first
  await admin.getByRole('link', { name: "Journal d'audit" }).click();
  await admin.waitForSelector('#audit-table');
  const actions = await admin.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action));
  for (const a of ['person.invite', 'person.deactivate', 'token.create']) assert.ok(actions.includes(a), `${a} in ${actions}`);
  const deact = admin.locator('#audit-table tr[data-action="person.deactivate"]');
  assert.match(await deact.innerText(), new RegExp(`${adminEmail.replace(/[.]/g, '\\.')}[\\s\\S]*${NEW.replace(/[.]/g, '\\.')}[\\s\\S]*127\\.0\\.0\\.1`));
  await shot(admin, 'audit.png');
  await admin.locator('#audit-action').selectOption('person.invite');
  await admin.getByRole('button', { name: 'Filtrer' }).click();
  await waitFor(async () => /2 entrées/.test(await admin.locator('#audit-count').textContent()), { what: 'two invitations' });
  assert.deepEqual([...new Set(await admin.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action)))], ['person.invite']);
  await admin.locator('#audit-action').selectOption('');
  await admin.locator('#audit-q').fill('carla');
  await admin.getByRole('button', { name: 'Filtrer' }).click();
  await waitFor(async () => /1 entrée/.test(await admin.locator('#audit-count').textContent()), { what: 'carla' });
  problems(admin);
});

test('my account in the admin, and the invitation template with its preview', async () => {
  await admin.getByRole('link', { name: 'Mon compte' }).click();
  await admin.waitForSelector('#me-name');
  await admin.locator('#me-current-password').fill(server.password);
  await admin.locator('#me-new-password').fill(adminEmail);
  await admin.getByRole('button', { name: 'Changer le mot de passe' }).click();
  assert.equal(await msgText(admin, '#me-new-password-err'), "Nouveau mot de passe : le mot de passe ne doit pas être l'adresse e-mail");
  await shot(admin, 'my-account.png');
  await admin.goto(`${server.url}/admin/#/people`);
  await admin.waitForSelector('#tpl-card');
  await admin.locator('#tpl-invite_mail-fr-text').fill('Bonjour {{ nom }}');
  await admin.getByRole('button', { name: 'Aperçu' }).click();
  assert.match(await msgText(admin, '#tpl-msg .msg.error'), /variable inconnue « nom »/);
  await admin.locator('#tpl-invite_mail-fr-text').fill('Bonjour {{ name }}, lien : {{ link }}');
  await admin.getByRole('button', { name: 'Aperçu' }).click();
  await waitFor(async () => /Claire Martin/.test(await admin.locator('#tpl-preview').textContent()), { what: 'preview' });
  assert.equal(await admin.locator('#tpl-invite_mail-fr-text-err').textContent(), '', 'the old error is gone');
  await admin.locator('#tpl-card').screenshot({ path: path.join(screenshotDir(), 'people-templates.png') });
  problems(admin);
});
