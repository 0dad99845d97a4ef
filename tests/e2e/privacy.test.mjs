// Personal data (issue 15, item 8) in the browser, in French: the admin sets the demo bot's
// retention in « Gestion des bots » (a wrong period refused by its label), finds it on the
// « Données personnelles » page (group Équipe), searches a visitor's address, sees the counts,
// downloads the JSON (the visitor's message in it), erases after confirming, and the search
// then finds nothing; the conversation is gone from the server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { VigieServer, launchBrowser, newPage, screenshotDir, askBot, waitFor } from './helpers.mjs';

let server;
let browser;
let admin;
let adminEmail;
const EMAIL = 'lucie.bernard@example.fr';

before(async () => {
  server = new VigieServer();
  await server.start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  assert.ok(adminEmail && server.password, `admin account printed:\n${server.output}`);
  browser = await launchBrowser();
  admin = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

function problems(...pages) {
  for (const p of pages) assert.deepEqual(p.problems, [], 'no page error nor CSP violation');
}
const shot = (p, name) => p.screenshot({ path: path.join(screenshotDir(), name), fullPage: true });
const sqlite = (sql) => {
  const r = spawnSync('sqlite3', [path.join(server.dataDir, 'vigie.db'), sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};
async function msgText(page, selector) {
  return waitFor(async () => {
    const t = (await page.locator(selector).first().textContent().catch(() => '')) || '';
    return t.trim() ? t : null;
  }, { what: `a message in ${selector}` });
}

test('retention: set per bot in « Gestion des bots », a wrong period refused by its label', async () => {
  await admin.goto(`${server.url}/admin/`);
  await admin.getByLabel('Adresse e-mail').fill(adminEmail);
  await admin.getByLabel('Mot de passe').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.getByRole('heading', { name: 'Bots', exact: true }).waitFor();
  await admin.locator('header').getByRole('link', { name: 'Gestion des bots' }).click();
  const row = admin.locator('#bots-active tr[data-bot="demo"]');
  assert.match(await row.innerText(), /conservées sans limite/);
  await row.locator('button[data-action="edit"]').click();
  await admin.locator('#eb-demo-retention-days').fill('0');
  await admin.locator('#eb-demo-retention-mode').selectOption('delete');
  await row.getByRole('button', { name: 'Enregistrer' }).click();
  assert.match(await msgText(admin, '#bots-active .msg.error'), /^Conservation des conversations \(jours\) : entre 1 et 3650 jours/);
  await admin.locator('#eb-demo-retention-days').fill('365');
  await admin.locator('#eb-demo-retention-mode').selectOption('anonymize');
  await row.getByRole('button', { name: 'Enregistrer' }).click();
  await admin.locator('#bots-msg .msg.ok').waitFor();
  assert.match(await admin.locator('#bots-active tr[data-bot="demo"]').innerText(), /conservées 365 jours, puis anonymisées/);
  assert.equal(sqlite("SELECT retention_days || ' ' || retention_mode FROM bots WHERE slug = 'demo'"), '365 anonymize');
  problems(admin);
});

test('personal data: search an address, see the counts, download the JSON, erase after confirming', async () => {
  // A visitor asks the bot, and leaves an address (as the transcript or offline forms do).
  const visitor = await newPage(await browser.newContext({ locale: 'fr-FR' }));
  await visitor.goto(`${server.url}/c/demo/?lang=fr`);
  await askBot(visitor, 'Je voudrais supprimer mon compte client 4471');
  await visitor.close();
  await waitFor(() => sqlite('SELECT COUNT(*) FROM conversations') === '1', { what: 'the conversation stored' });
  sqlite(`UPDATE conversations SET visitor_email = '${EMAIL}'`);

  // The page, in the Équipe group.
  await admin.locator('a[data-group="team"]').click();
  await admin.getByRole('link', { name: 'Données personnelles' }).click();
  await admin.getByRole('heading', { name: 'Données personnelles' }).waitFor();
  assert.match(await admin.locator('#privacy-retention tr[data-bot="demo"]').innerText(), /365 jours[\s\S]*anonymiser/);
  // A malformed address: the field says why, by its label.
  await admin.getByLabel('Adresse e-mail du visiteur').fill('lucie');
  await admin.getByRole('button', { name: 'Rechercher' }).click();
  assert.match(await msgText(admin, '#privacy-email-err'), /^Adresse e-mail du visiteur : /);

  await admin.getByLabel('Adresse e-mail du visiteur').fill(EMAIL);
  await admin.getByRole('button', { name: 'Rechercher' }).click();
  await admin.locator('#privacy-counts').waitFor();
  assert.match(await admin.locator('#privacy-counts tr[data-kind="conversations"]').innerText(), /conversations\s+1/);
  assert.match(await admin.locator('#privacy-counts tr[data-kind="visitors"]').innerText(), /fiches visiteur\s+1/);
  const messages = Number((await admin.locator('#privacy-counts tr[data-kind="messages"] td.num').innerText()).trim());
  assert.ok(messages >= 2, `the question and the answer at least: ${messages}`);
  await shot(admin, 'privacy-fr.png');

  // The download: everything about the visitor, as JSON.
  const [dl] = await Promise.all([admin.waitForEvent('download'), admin.locator('#privacy-export').click()]);
  assert.equal(dl.suggestedFilename(), 'vigie-personal-data.json');
  const doc = JSON.parse(readFileSync(await dl.path(), 'utf8'));
  assert.equal(doc.subject.email, EMAIL);
  assert.equal(doc.conversations.length, 1);
  assert.ok(doc.conversations[0].messages.some((m) => m.author === 'visitor' && /compte client 4471/.test(m.body.text)));

  // Erase: the confirmation names what goes, then nothing is left.
  let asked = '';
  admin.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await admin.locator('#privacy-erase').click();
  assert.match(await msgText(admin, '#privacy-msg .msg.ok'), /Données effacées : 1 conversation supprimée\./);
  assert.match(asked, /Effacer définitivement tout ce qui concerne lucie\.bernard@example\.fr \(1 conversation\)/);
  assert.equal(sqlite('SELECT COUNT(*) FROM conversations'), '0');
  assert.equal(sqlite('SELECT COUNT(*) FROM messages'), '0');
  assert.equal(sqlite("SELECT COUNT(*) FROM audit_log WHERE action = 'privacy.erase' AND target LIKE 'email:l***@example.fr #%'"), '1');
  await admin.getByLabel('Adresse e-mail du visiteur').fill(EMAIL);
  await admin.getByRole('button', { name: 'Rechercher' }).click();
  assert.equal(await msgText(admin, '#privacy-result .empty'), "Rien n'est conservé sur ce visiteur.");
  problems(admin);
});

test('in an English browser: retention fields, their error and the « Personal data » page in English', async () => {
  const en = await newPage(await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } }), { lang: 'en-US' });
  await en.goto(`${server.url}/admin/`);
  await en.getByLabel('Email address').fill(adminEmail);
  await en.getByLabel('Password').fill(server.password);
  await en.getByRole('button', { name: 'Log in' }).click();
  await en.getByRole('heading', { name: 'Bots', exact: true }).waitFor();
  await en.locator('header').getByRole('link', { name: 'Manage bots' }).click();
  const row = en.locator('#bots-active tr[data-bot="demo"]');
  assert.match(await row.innerText(), /kept 365 days, then anonymized/);
  await row.locator('button[data-action="edit"]').click();
  assert.equal(await en.locator('label[for="eb-demo-retention-days"]').innerText(), 'Conversation retention (days) (empty: no limit; counted from the last activity)');
  await en.locator('#eb-demo-retention-days').fill('5000');
  await row.getByRole('button', { name: 'Save' }).click();
  const error = await msgText(en, '#bots-active .msg.error');
  assert.match(error, /^Conversation retention \(days\): /);
  assert.doesNotMatch(error, /jours|Conservation/, 'no French in the English error');
  await shot(en, 'privacy-bots-en.png');

  await en.locator('a[data-group="team"]').click();
  await en.getByRole('link', { name: 'Personal data' }).click();
  await en.getByRole('heading', { name: 'Personal data' }).waitFor();
  assert.match(await en.locator('#privacy-retention tr[data-bot="demo"]').innerText(), /365 days[\s\S]*anonymize/);
  await en.getByLabel("Visitor's email address").fill('lucie');
  await en.getByRole('button', { name: 'Search' }).click();
  assert.match(await msgText(en, '#privacy-email-err'), /^Visitor's email address: /);
  await en.getByLabel("Visitor's email address").fill('nobody@example.com');
  await en.getByRole('button', { name: 'Search' }).click();
  assert.equal(await msgText(en, '#privacy-result .empty'), 'Nothing is stored about this visitor.');
  const text = await en.locator('main').innerText();
  assert.doesNotMatch(text, /Données|Rechercher|Conservation|sans limite/, 'no French left on the page');
  await shot(en, 'privacy-en.png');
  problems(en);
});
