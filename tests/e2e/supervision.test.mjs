// Live supervision (issue 14, item 1), in French: a supervisor opens the supervision page
// of the console and sees a live conversation appear without reloading (with its bot, its
// state, its operator, the operators' status and load), follows it without the visitor or
// the operator being told, whispers to the operator (the operator's tab shows the whisper,
// marked; the visitor's chatbox never shows it and the server's replay for the visitor's
// token does not contain it), takes it over (the operator is told, their tab goes
// read-only) and ends it. Screenshots of each step in target/e2e.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ROOT, VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, storedMessages, askBot, waitFor,
} from './helpers.mjs';

const BIN = path.resolve(ROOT, process.env.VIGIE_BIN || 'target/release/vigie');

let server;
let browser;

function addUser(email, name, role, password) {
  const add = spawnSync(BIN, ['user', 'add', '--email', email, '--name', name, '--role', role, '--password-stdin'], {
    env: { ...process.env, VIGIE_DATA_DIR: server.dataDir }, input: `${password}\n`, encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(add.status, 0, `vigie user add: ${add.stdout}${add.stderr}`);
}

before(async () => {
  server = await new VigieServer().start();
  addUser('sophie@example.com', 'Sophie', 'supervisor', 'sophie-password-1');
  addUser('claire@example.com', 'Claire', 'operator', 'claire-password-1');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

const shot = (p, name) => p.screenshot({ path: path.join(screenshotDir(), name) });
const online = (p) => p.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });

async function consoleOf(email, password) {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1400, height: 860 } });
  const p = await newPage(ctx, { viewport: { width: 1400, height: 860 } });
  await p.goto(`${server.url}/console/`);
  await p.locator('#login-email').fill(email);
  await p.locator('#login-password').fill(password);
  await p.getByRole('button', { name: 'Se connecter' }).click();
  await online(p);
  return p;
}

test('supervision en direct : voir, suivre, chuchoter, reprendre la main, terminer', async () => {
  const claire = await consoleOf('claire@example.com', 'claire-password-1');
  // An operator has no supervision page.
  assert.equal(await claire.locator('#sup-btn').count(), 0);
  await claire.getByLabel('Disponible', { exact: true }).check();
  await waitFor(() => claire.evaluate(() => window.vigieConsole.state.availability === 'available'), { what: 'Claire disponible' });

  const sophie = await consoleOf('sophie@example.com', 'sophie-password-1');
  await sophie.locator('#sup-btn').click();
  await sophie.getByRole('heading', { name: 'Supervision en direct' }).waitFor();
  await waitFor(() => sophie.evaluate(() => window.vigieConsole.state.supervision.known), { what: 'la liste de supervision' });
  // Claire is listed with her status and load.
  const claireRow = sophie.locator('#sup-operators li', { hasText: 'Claire' });
  await claireRow.waitFor();
  assert.match(await claireRow.textContent(), /Disponible.*0\/\d/s);

  // A visitor asks for a human: Claire takes it; the supervision page shows it, no reload.
  const vctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 720 } });
  const v = await newPage(vctx);
  await v.goto(`${server.url}/c/demo/?lang=fr`);
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await askBot(v, 'Comment installer le VPN ?');
  await v.locator('#vg-handoff').click();
  const c = await waitFor(() => v.evaluate(() => window.vigieChatbox.state.conversation), { what: 'la conversation du visiteur' });
  await claire.locator(`[role=tab][data-tab="${c}"]`).waitFor();
  const row = sophie.locator(`#sup-conversations tr[data-conversation="${c}"]`);
  await waitFor(async () => (await row.count()) === 1 && (await row.getAttribute('data-state')) === 'live', { what: 'la conversation en direct dans la supervision' });
  assert.equal(await row.locator('.sup-bot').textContent(), 'Vigie Helpdesk');
  assert.match(await row.textContent(), /En direct/);
  assert.match(await row.locator('.sup-op').textContent(), /Claire/);
  assert.match(await row.locator('.sup-activity').textContent(), /il y a/);
  await waitFor(async () => /1\/\d/.test(await claireRow.textContent()), { what: 'la charge de Claire' });
  await shot(sophie, 'console-fr-supervision.png');

  // Following it: the tab opens on Sophie's side; nothing is said to anyone.
  const before = (await shownMessages(v)).length;
  const claireLog = () => claire.locator('#scroll li[data-seq]').count();
  const claireBefore = await claireLog();
  await row.getByRole('button', { name: 'Suivre' }).click();
  const stab = sophie.locator(`[role=tab][data-tab="${c}"]`);
  await stab.waitFor();
  await sophie.locator('#gone.watching').waitFor();
  assert.match(await sophie.locator('#gone').textContent(), /ni le visiteur ni le conseiller/);
  await sophie.locator('#scroll li.msg.visitor', { hasText: 'Comment installer le VPN ?' }).waitFor();
  // The visitor writes: Sophie follows it live.
  await v.fill('#vg-input', 'Toujours bloqué à la connexion');
  await v.press('#vg-input', 'Enter');
  await sophie.locator('#scroll li.msg.visitor', { hasText: 'Toujours bloqué' }).waitFor();
  await waitFor(async () => (await claireLog()) === claireBefore + 1, { what: "le message du visiteur chez Claire" });
  assert.equal((await shownMessages(v)).length, before + 1, 'the visitor saw nothing but their own message');

  // The whisper: Claire's tab shows it, marked; the visitor's chatbox never does.
  await sophie.locator('#composer-mode-whisper').click();
  await sophie.locator('form.composer.whisper').waitFor();
  await sophie.locator('#composer-input').fill('Propose-lui la réinitialisation du jeton 7731');
  await sophie.keyboard.press('Enter');
  await sophie.locator('#scroll li.msg.whisper[data-seq]').waitFor();
  const whisper = claire.locator('#scroll li.msg.whisper[data-seq]');
  await whisper.waitFor();
  assert.match(await whisper.textContent(), /Chuchotement du superviseur.*Sophie.*jeton 7731/s);
  assert.equal(await whisper.locator('.bubble').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(237, 233, 254)');
  await shot(claire, 'console-fr-whisper-operator.png');
  await shot(sophie, 'console-fr-whisper-supervisor.png');
  // Claire answers; the visitor reads the answer and never the whisper (shown or replayed).
  await claire.locator('#composer-input').fill('Essayons de réinitialiser votre jeton.');
  await claire.keyboard.press('Enter');
  await waitFor(async () => (await shownMessages(v)).some((m) => m.text === 'Essayons de réinitialiser votre jeton.'), { what: "la réponse de Claire" });
  assert.ok(!(await shownMessages(v)).some((m) => /7731/.test(m.text)), 'the whisper is not in the chatbox');
  assert.ok(!(await v.locator('#vg-log').textContent()).includes('7731'));
  const replay = await storedMessages(v);
  assert.ok(replay.length > 3, JSON.stringify(replay));
  assert.ok(!replay.some((m) => m.kind === 'whisper' || /7731/.test(m.text || '')), JSON.stringify(replay));

  // Take over: it becomes Sophie's; Claire is told and her tab goes read-only.
  await sophie.locator('#take-over-btn').click();
  await waitFor(() => sophie.evaluate((c) => window.vigieConsole.state.tabs.some((t) => t.id === c && t.held), c), { what: 'la conversation à Sophie' });
  await claire.locator('#notice:not([hidden])').waitFor();
  assert.match(await claire.locator('#notice').textContent(), /Sophie \(supervision\) a repris la conversation/);
  await claire.locator(`[role=tab][data-tab="${c}"]`).click();
  await claire.locator('#gone.taken').waitFor();
  assert.match(await claire.locator('#gone').textContent(), /Sophie \(supervision\) a repris la conversation .* n'est plus la vôtre/);
  assert.equal(await claire.locator('#composer-send').isDisabled(), true);
  assert.equal(await claire.evaluate((c) => window.vigieConsole.state.tabs.find((t) => t.id === c).taken.action, c), 'take_over');
  await shot(claire, 'console-fr-taken-over.png');
  await waitFor(async () => (await shownMessages(v)).some((m) => /Sophie a rejoint la conversation/.test(m.text)), { what: 'le visiteur informé' });
  await waitFor(async () => /Sophie/.test(await row.locator('.sup-op').textContent()), { what: 'la supervision à jour' });

  // Sophie answers, then ends it.
  await sophie.locator('#composer-mode-reply').click();
  await sophie.locator('#composer-input').fill('Bonjour, je prends le relais.');
  await sophie.keyboard.press('Enter');
  await waitFor(async () => (await shownMessages(v)).some((m) => m.author === 'operator' && m.text === 'Bonjour, je prends le relais.'), { what: 'la réponse de Sophie' });
  await shot(v, 'chatbox-fr-taken-over.png');
  await sophie.locator('#end-btn').click();
  await sophie.locator('#end-confirm').click();
  await waitFor(async () => (await shownMessages(v)).some((m) => /Sophie a terminé la conversation/.test(m.text)), { what: 'la fin' });
  await waitFor(async () => (await row.getAttribute('data-state')) === 'bot', { what: 'la conversation revenue au bot dans la supervision' });
  assert.match(await row.textContent(), /Avec le bot/);
  await shot(sophie, 'console-fr-supervision-ended.png');

  for (const p of [claire, sophie, v]) assert.deepEqual(p.problems, [], 'no page error nor CSP violation');
  await vctx.close();
});
