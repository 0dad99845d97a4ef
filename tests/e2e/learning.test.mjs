// The learning loop and the visitors' feedback (issue 14, items 3 and 4), in French:
// - the admin switches the two feedback modules on (dialog box) and deploys; a visitor rates
//   an answer 👎 (the chatbox then offers the livechat or a rephrase), and after a livechat
//   with an operator answers the satisfaction survey; the score and the comment are in the
//   conversation's history record;
// - visitors ask differently worded questions the bot does not know; the « À apprendre » page
//   groups them in one row with its count, examples and closest item; an off-topic group is
//   dismissed and does not come back when asked again; one click adds the others to the
//   closest item, the page shows the share answered now and after deploy, a click deploys,
//   and the same questions are then answered in the chatbox.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, storedMessages, askBot, waitFor } from './helpers.mjs';

const DEFIB = [
  'Où se trouve le défibrillateur ?',
  'Y a-t-il un défibrillateur ici ?',
  'défibrillateur le plus proche svp',
];
const CREPES = ['Quelle est la recette des crêpes ?', 'recette de la pâte à crêpes'];

let server;
let browser;
let admin;
let adminEmail;

before(async () => {
  server = await new VigieServer().start();
  adminEmail = /^\s*email:\s*(\S+)/m.exec(server.output)?.[1];
  assert.ok(adminEmail && server.password, `admin account printed:\n${server.output}`);
  browser = await launchBrowser();
  admin = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } }));
  await admin.goto(`${server.url}/admin/`);
  await admin.locator('#login-email').fill(adminEmail);
  await admin.locator('#login-password').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.getByRole('heading', { name: 'Bots' }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

async function newVisitor() {
  const v = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 760 } }));
  await v.goto(`${server.url}/c/demo/?lang=fr`);
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  return v;
}

const shot = (p, name, opts = {}) => p.screenshot({ path: path.join(screenshotDir(), name), ...opts });

test('les modules d\'avis : 👍/👎 sous une réponse, enquête de satisfaction à la fin du livechat, visibles dans l\'historique', async () => {
  // The admin switches both modules on in the dialog box and deploys.
  await admin.goto(`${server.url}/admin/#/bots/demo/config`);
  await admin.getByRole('button', { name: 'Afficher vue avancée' }).click();
  await admin.waitForSelector('#advanced-view', { state: 'visible' });
  for (const m of ['answer_feedback', 'satisfaction']) {
    const b = admin.locator(`#mod-${m}`);
    await b.waitFor();
    assert.equal(await b.getAttribute('aria-pressed'), 'false', `${m} off by default`);
    await b.click();
    await waitFor(async () => (await b.getAttribute('aria-pressed')) === 'true', { what: `${m} on` });
  }
  // Its texts are resources, editable like the others.
  assert.equal(await admin.getByLabel('Question sous une réponse (français)').inputValue(), 'Cette réponse vous a-t-elle aidé ?');
  await admin.getByRole('button', { name: 'Sauvegarder', exact: true }).click();
  await admin.getByRole('button', { name: 'Déployer', exact: true }).click();
  await waitFor(async () => /v2/.test(await admin.locator('#main').innerText()), { what: 'deployed v2' });

  // The console: available.
  const op = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } }));
  await op.goto(`${server.url}/console/`);
  await op.locator('#login-email').fill(adminEmail);
  await op.locator('#login-password').fill(server.password);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await op.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  await op.getByLabel('Disponible', { exact: true }).check();
  await waitFor(() => op.evaluate(() => window.vigieConsole.state.availability === 'available'), { what: 'available' });

  // The visitor: an answer, rated 👎 then 👍 then 👎 again (one rating, replaced).
  const v = await newVisitor();
  const { reply } = await askBot(v, 'Comment installer le VPN ?');
  assert.equal(reply.kind, 'knowledge');
  const answer = v.locator(`#vg-log li[data-seq="${reply.seq}"]`);
  await answer.getByText('Cette réponse vous a-t-elle aidé ?').waitFor();
  await answer.getByRole('button', { name: 'Oui, elle m\'a aidé' }).click();
  await answer.getByText('Merci pour votre retour !').waitFor();
  await answer.getByRole('button', { name: 'Non, elle ne m\'a pas aidé' }).click();
  await answer.getByText(/Désolé de ne pas vous avoir aidé/).waitFor();
  assert.equal(await answer.getByRole('button', { name: 'Non, elle ne m\'a pas aidé' }).getAttribute('aria-pressed'), 'true');
  // A 👎 offers a rephrase and the livechat.
  await answer.getByRole('button', { name: 'Reformuler ma question' }).waitFor();
  await shot(v, 'chatbox-fr-feedback.png');
  const conv = await v.evaluate(() => window.vigieChatbox.state.conversation);
  // Stored once, 👎, and shown again after a reload.
  await v.reload();
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  const again = v.locator(`#vg-log li[data-seq="${reply.seq}"]`);
  await waitFor(async () => (await again.locator('.vg-feedback-no').getAttribute('aria-pressed')) === 'true', { what: 'the rating after a reload' });

  // The 👎's offer: the livechat, with the operator.
  await again.getByRole('button', { name: 'Parler à un conseiller' }).click();
  await waitFor(async () => (await shownMessages(v)).some((m) => /rejoint/.test(m.text)), { what: 'operator joined' });
  const tab = op.locator(`[role=tab][data-tab="${conv}"]`);
  await tab.waitFor();
  await tab.click();
  await op.getByRole('button', { name: 'Terminer', exact: true }).click();
  await op.locator('#end-confirm').click();
  // The survey, at the end of the livechat: a score is required, then 4/5 and a comment.
  const survey = v.locator('#vg-survey');
  await survey.waitFor();
  assert.match(await survey.textContent(), /Comment évaluez-vous votre échange avec notre conseiller/);
  await v.locator('#vg-survey-send').click();
  assert.match(await v.locator('#vg-survey-status').textContent(), /Choisissez une note de 1 à 5/);
  await survey.getByRole('radio', { name: '4 sur 5' }).click();
  await v.getByLabel('Un commentaire ? (facultatif)').fill('Rapide et aimable, merci !');
  await shot(v, 'chatbox-fr-survey.png');
  await v.locator('#vg-survey-send').click();
  await waitFor(async () => /Merci pour votre avis/.test(await v.locator('#vg-survey-status').textContent()), { what: 'survey thanks' });
  await shot(v, 'chatbox-fr-survey-sent.png');
  // Once: after a reload, no survey for this livechat.
  await v.reload();
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await waitFor(async () => (await shownMessages(v)).some((m) => m.author === 'system' || /termin/.test(m.text)), { what: 'history' });
  assert.equal(await v.locator('#vg-survey').count(), 0, 'answered once');

  // Shown to operators: the history record.
  await op.goto(`${server.url}/console/history#${conv}`);
  await op.locator('#hist-satisfaction').waitFor();
  assert.match(await op.locator('#hist-satisfaction').textContent(), /4\/5 \(livechat avec .+\) — .*Rapide et aimable, merci !/);
  assert.match(await op.locator('#hist-ratings').textContent(), /0 utile · 1 pas utile/);
  assert.match(await op.locator(`li.hist-msg[data-seq="${reply.seq}"]`).textContent(), /Avis du visiteur : pas utile/);
  await shot(op, 'console-fr-history-satisfaction.png', { fullPage: true });
  assert.deepEqual([...v.problems, ...op.problems, ...admin.problems], []);
});

test('À apprendre : des questions formulées différemment groupées, ajoutées en un clic, déployées, puis répondues', async () => {
  // Visitors ask what the bot does not know, in different words.
  for (const q of [...DEFIB, ...CREPES, DEFIB[0]]) {
    const v = await newVisitor();
    const { reply } = await askBot(v, q);
    assert.ok(['not_understood', 'suggestions'].includes(reply.kind), `${q}: ${reply.kind}`);
    await v.context().close();
  }

  await admin.goto(`${server.url}/admin/#/bots`);
  await admin.locator('a[data-group="insight"]').click(); // the page's group first
  await admin.getByRole('link', { name: 'À apprendre' }).click();
  await admin.getByRole('heading', { name: 'À apprendre' }).waitFor();
  await admin.locator('.learning-group').first().waitFor();
  const groupOf = (q) => admin.locator('.learning-group', { has: admin.locator(`li[data-question="${q}"]`) });
  // One row for the défibrillateur: its three wordings, 4 questions.
  const defib = groupOf(DEFIB[0]);
  for (const q of DEFIB) assert.equal(await defib.locator(`li[data-question="${q}"]`).count(), 1, q);
  assert.equal(await defib.getAttribute('data-count'), '4');
  assert.match(await defib.locator('h2').textContent(), /4 questions · 3 formulations/);
  assert.match(await defib.locator('.learning-closest').textContent(), /Connaissance la plus proche : \S/);
  const crepes = groupOf(CREPES[0]);
  assert.notEqual(await crepes.getAttribute('data-key'), await defib.getAttribute('data-key'));
  // The answer rated 👎 in the first test is a candidate too (its own row).
  assert.equal(await groupOf('Comment installer le VPN ?').count(), 1);
  await waitFor(async () => /Répondues maintenant : 0\/7 \(0 %\)/.test(await admin.locator('#learning-share').textContent()), { what: 'the measure' });
  await shot(admin, 'admin-fr-learning.png', { fullPage: true });

  // Off-topic: dismissed; asked again by another visitor, it does not come back.
  admin.once('dialog', (d) => d.accept());
  await crepes.getByRole('button', { name: 'Écarter (hors sujet)' }).click();
  await waitFor(async () => /2 question\(s\) écartée\(s\)/.test(await admin.locator('#learning-msg').textContent()), { what: 'dismissed' });
  const v2 = await newVisitor();
  await askBot(v2, 'Recette de la pâte à crêpes ?');
  await v2.context().close();
  await admin.reload();
  await admin.locator('.learning-group').first().waitFor();
  assert.equal(await groupOf(CREPES[0]).count(), 0);
  assert.equal(await admin.locator('li[data-question="Recette de la pâte à crêpes ?"]').count(), 0);
  assert.match(await admin.locator('#learning-hidden').textContent(), /3 question\(s\) écartée\(s\) masquée\(s\)/);

  // One click: added to the closest item.
  const target = await groupOf(DEFIB[0]).locator('select').inputValue();
  await groupOf(DEFIB[0]).getByRole('button', { name: 'Ajouter aux formulations' }).click();
  await waitFor(async () => /3 formulation\(s\) ajoutée\(s\)/.test(await admin.locator('#learning-msg').textContent()), { what: 'added' });
  await waitFor(async () => /Répondues maintenant : 0\/5 \(0 %\) → après déploiement : 4\/5 \(80 %\)/.test(await admin.locator('#learning-share').textContent()),
    { what: 'the measure after the change' });
  await shot(admin, 'admin-fr-learning-added.png', { fullPage: true });
  await admin.locator('#learning-deploy').click();
  await waitFor(async () => /Version \d+ déployée/.test(await admin.locator('#learning-msg').textContent()), { what: 'deployed' });
  await waitFor(async () => /Répondues maintenant : 4\/5 \(80 %\)/.test(await admin.locator('#learning-share').textContent()), { what: 'answered now' });

  // The same questions are now answered in the chatbox, with that item.
  for (const q of DEFIB) {
    const v = await newVisitor();
    const { reply } = await askBot(v, q);
    assert.equal(reply.kind, 'knowledge', q);
    const stored = (await storedMessages(v)).find((m) => m.seq === reply.seq);
    assert.equal(stored.knowledge.id, target, q);
    if (q === DEFIB[0]) await shot(v, 'chatbox-fr-learned.png');
    await v.context().close();
  }
  // The item has them as formulations.
  await admin.goto(`${server.url}/admin/#/bots/demo/knowledge/${encodeURIComponent(target)}`);
  const formulations = admin.locator('#kn-formulations');
  await formulations.waitFor();
  for (const q of DEFIB) assert.ok((await formulations.inputValue()).includes(q), q);
  assert.deepEqual(admin.problems, []);
});
