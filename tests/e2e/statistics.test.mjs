// Statistics (issue 14, item 2), in French: a scripted day (visitors asking the bot,
// small talk, a question it does not understand, two hand-overs — one taken at once, one
// waiting in the queue — an operator answering and ending both), then the admin's
// Statistiques page: its figures, its charts (screenshot), the CSV of a chart downloaded
// and read back, and an operator kept out.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, askBot, storedMessages, waitFor, sleep } from './helpers.mjs';

const BIN = path.resolve(ROOT, process.env.VIGIE_BIN || 'target/release/vigie');

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

const tab = (p, id) => p.locator(`[role=tab][data-tab="${id}"]`);
const conversationOf = (v) => v.evaluate(() => window.vigieChatbox.state.conversation);

async function newVisitor() {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 720 } });
  const v = await newPage(ctx);
  await v.goto(`${server.url}/c/demo/?lang=fr`);
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  return v;
}

/** The operator answers then ends conversation `conv` from the console. */
async function answerAndEnd(op, visitor, conv, text) {
  await tab(op, conv).waitFor();
  await tab(op, conv).click();
  await op.locator('#composer-input').fill(text);
  await op.press('#composer-input', 'Enter');
  await waitFor(async () => (await shownMessages(visitor)).some((m) => m.author === 'operator' && m.text === text),
    { what: "the operator's answer in the chatbox" });
  await op.getByRole('button', { name: 'Terminer', exact: true }).click();
  await op.locator('#end-confirm').click();
  await waitFor(async () => (await storedMessages(visitor)).some((m) => m.event === 'operator_left'),
    { what: 'the end of the livechat' });
}

/** The figure shown in a headline card. */
const kpi = (p, key) => p.locator(`[data-kpi="${key}"] .kpi-value`).textContent();
const kpiNote = (p, key) => p.locator(`[data-kpi="${key}"] .kpi-note`).textContent();

test('a scripted day, then the Statistiques page, its charts and its CSV, in French', async () => {
  const add = spawnSync(BIN, ['user', 'add', '--email', 'olivier@example.com', '--name', 'Olivier', '--role', 'operator', '--password-stdin'], {
    env: { ...process.env, VIGIE_DATA_DIR: server.dataDir }, input: 'operator-password-1\n', encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(add.status, 0, `vigie user add: ${add.stdout}${add.stderr}`);

  // The admin on duty in the console, one conversation at a time.
  const adminCtx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const op = await newPage(adminCtx);
  await op.goto(`${server.url}/console/`);
  await op.locator('#login-email').fill(adminEmail);
  await op.locator('#login-password').fill(server.password);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await op.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  const me = await op.evaluate(async () => (await (await fetch('/api/v1/auth/me')).json()));
  const csrf = me.csrf_token;
  const put = await op.evaluate(async ([id, csrf]) => (await fetch(`/api/v1/livechat/operators/${id}/capacity`, {
    method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ capacity: 1 }),
  })).status, [me.operator.id, csrf]);
  assert.equal(put, 200);
  await op.getByLabel('Disponible', { exact: true }).check();
  await waitFor(() => op.evaluate(() => window.vigieConsole.state.availability === 'available'), { what: 'available' });

  // Visitor 1: a question, small talk, one the bot does not understand; then a human,
  // taken at once.
  const v1 = await newVisitor();
  await askBot(v1, 'Comment installer le VPN ?');
  await askBot(v1, 'bonjour');
  await askBot(v1, 'quelle est la recette de la tarte tatin ?');
  await v1.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(v1)).some((m) => /rejoint/.test(m.text)), { what: 'taken at once' });
  const c1 = await conversationOf(v1);

  // Visitor 2: a question, then a human: waits in the queue until the first one ends.
  const v2 = await newVisitor();
  await askBot(v2, "j'ai oublié mon mot de passe");
  await v2.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(v2)).some((m) => /file d'attente/.test(m.text)), { what: 'queued' });
  const c2 = await conversationOf(v2);
  await sleep(1200);
  await answerAndEnd(op, v1, c1, 'Bonjour, voici la marche à suivre.');
  await waitFor(async () => (await shownMessages(v2)).some((m) => /rejoint/.test(m.text)), { what: 'the second one served from the queue' });
  await answerAndEnd(op, v2, c2, 'Je réinitialise votre mot de passe.');

  // What the server stored says how each question was answered.
  const stored = [...await storedMessages(v1), ...await storedMessages(v2)];
  const bot = stored.filter((m) => m.author === 'bot');
  const count = (kind) => bot.filter((m) => m.kind === kind).length;
  const answered = count('knowledge');
  const notUnderstood = count('not_understood');
  const suggestions = count('suggestions');
  assert.equal(bot.filter((m) => m.kind === 'text').length, 1, 'one small talk reply');
  const questions = answered + notUnderstood + suggestions + 1;
  assert.equal(questions, 4);

  // The admin's Statistiques page, today.
  const admin = await newPage(adminCtx, { viewport: { width: 1280, height: 900 } });
  await admin.goto(`${server.url}/admin/#/stats`);
  await admin.locator('nav.subnav a[data-section="stats"]').waitFor();
  assert.equal(await admin.locator('nav.subnav a[data-section="stats"]').textContent(), 'Statistiques');
  await admin.locator('#stats-kpis').waitFor();
  assert.match(await admin.locator('#stats-range').textContent(), /^Le \d{4}-\d{2}-\d{2} · Fuseau horaire : Europe\/Paris$/);
  assert.equal(await kpi(admin, 'conversations'), '2');
  assert.equal(await kpiNote(admin, 'conversations'), '2 visiteurs');
  assert.equal(await kpi(admin, 'questions'), String(questions));
  assert.equal(await kpiNote(admin, 'questions'), `${Math.round((answered / questions) * 100)} % avec une réponse`);
  assert.equal(await kpi(admin, 'handoffs'), '2');
  assert.equal(await kpiNote(admin, 'handoffs'), 'Servies : 2 · Abandonnées en file : 0');
  assert.match(await kpi(admin, 'queue_wait'), /^\d+ s \/ \d+ s$/);
  assert.equal(await kpi(admin, 'livechats'), '2');
  assert.match(await kpiNote(admin, 'livechats'), /^Première réponse \(médiane\) : \d+ s · Durée \(médiane\) : \d+ s$/);
  // The charts: one per table, each with its CSV link; the time series per hour.
  for (const key of ['conversations', 'questions', 'handoffs', 'livechats', 'operators', 'monitored', 'knowledge', 'satisfaction', 'feedback']) {
    await admin.locator(`#stats-${key}`).waitFor();
    assert.equal(await admin.locator(`#stats-${key} a[data-csv="${key}"]`).textContent(), 'Télécharger le CSV');
  }
  assert.equal(await admin.locator('#stats-questions svg.chart').count(), 1);
  const legend = await admin.locator('#stats-questions svg.chart text.legend').allTextContents();
  assert.deepEqual(legend, [`Réponse (${answered})`, `Suggestions (${suggestions})`, `Non comprises (${notUnderstood})`, 'Conversation courante (1)']);
  // The operator's bar: the admin took part in both conversations.
  assert.match(await admin.locator('#stats-operators svg.chart').textContent(), /2/);
  // The table behind a chart, unfolded.
  await admin.locator('#stats-handoffs summary').click();
  const heads = await admin.locator('#stats-handoffs table th').allTextContents();
  assert.deepEqual(heads, ['Heure', 'Demandes', 'Servies', 'Abandonnées en file', 'Personne disponible']);
  await admin.locator('#stats-handoffs summary').click();
  await admin.screenshot({ path: path.join(screenshotDir(), 'statistics-fr.png'), fullPage: true });

  // The CSV behind the questions chart, downloaded from its link.
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.locator('a[data-csv="questions"]').click(),
  ]);
  assert.match(download.suggestedFilename(), /^vigie-all-questions-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'Heure,Réponse,Suggestions,Non comprises,Conversation courante');
  assert.equal(lines.length, 25, '24 hours');
  const sums = [1, 2, 3, 4].map((i) => lines.slice(1).reduce((a, l) => a + Number(l.split(',')[i]), 0));
  assert.deepEqual(sums, [answered, suggestions, notUnderstood, 1]);

  // The week around today holds the same; a custom period before it holds nothing.
  await admin.getByLabel('Période').selectOption('week');
  await admin.getByRole('button', { name: 'Afficher' }).click();
  await waitFor(async () => /^Du /.test(await admin.locator('#stats-range').textContent()), { what: 'the week' });
  assert.equal(await kpi(admin, 'handoffs'), '2');
  await admin.getByLabel('Période').selectOption('custom');
  await admin.getByLabel('Du', { exact: true }).fill('2020-01-01');
  await admin.getByLabel('Au', { exact: true }).fill('2020-01-31');
  await admin.getByRole('button', { name: 'Afficher' }).click();
  await waitFor(async () => /2020-01-01/.test(await admin.locator('#stats-range').textContent()), { what: 'the custom period' });
  assert.equal(await kpi(admin, 'conversations'), '0');
  assert.equal(await admin.locator('#stats-questions p.muted').textContent(), 'Rien sur cette période.');
  // A reversed period: the error names the field by its label.
  await admin.getByLabel('Du', { exact: true }).fill('2020-02-01');
  await admin.getByRole('button', { name: 'Afficher' }).click();
  await waitFor(async () => /Au/.test(await admin.locator('#stats-msg').textContent()), { what: 'the error on "Au"' });
  assert.deepEqual(admin.problems, []);

  // An operator sees no Statistiques entry, and the API refuses them.
  const opCtx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
  const olivier = await newPage(opCtx);
  await olivier.goto(`${server.url}/admin/`);
  await olivier.locator('#login-email').fill('olivier@example.com');
  await olivier.locator('#login-password').fill('operator-password-1');
  await olivier.getByRole('button', { name: 'Se connecter' }).click();
  await olivier.locator('nav.mainnav').waitFor();
  assert.equal(await olivier.locator('header a[data-section="stats"]').count(), 0);
  const status = await olivier.evaluate(async () => (await fetch('/api/v1/stats?from=2026-01-01&to=2026-01-02')).status);
  assert.equal(status, 403);
});

test('the Statistics page in an English browser: the same figures, every word in English', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const en = await newPage(ctx, { lang: 'en-US', viewport: { width: 1280, height: 900 } });
  await en.goto(`${server.url}/admin/`);
  await en.getByLabel('Email address').fill(adminEmail);
  await en.getByLabel('Password').fill(server.password);
  await en.getByRole('button', { name: 'Log in' }).click();
  await en.getByRole('heading', { name: 'Bots', exact: true }).waitFor();
  await en.goto(`${server.url}/admin/#/stats`);
  await en.locator('nav.subnav a[data-section="stats"]').waitFor();
  assert.equal(await en.locator('nav.subnav a[data-section="stats"]').textContent(), 'Statistics');
  await en.locator('#stats-kpis').waitFor();
  assert.match(await en.locator('#stats-range').textContent(), /^On \d{4}-\d{2}-\d{2} · Time zone: /);
  assert.equal(await kpi(en, 'conversations'), '2');
  assert.equal(await kpiNote(en, 'conversations'), '2 visitors');
  assert.match(await kpiNote(en, 'questions'), /^\d+% answered$/);
  assert.equal(await kpiNote(en, 'handoffs'), 'Served: 2 · Abandoned in queue: 0');
  await en.locator('#stats-questions svg.chart').waitFor();
  assert.equal(await en.locator('#stats-questions a[data-csv="questions"]').textContent(), 'Download the CSV');
  const text = await en.locator('main').innerText();
  assert.doesNotMatch(text, /Télécharger|Réponse|visiteurs|Fuseau|Servies|Première/, 'no French left on the page');
  await en.screenshot({ path: path.join(screenshotDir(), 'statistics-en.png'), fullPage: true });
  assert.deepEqual(en.problems, []);
});
