// The operator's workspace (issue 13, items 1, 3 and 8), in French: a canned answer written in
// the admin (#/canned), opened in the console's composer with Alt+R, filtered, chosen with the
// keyboard and inserted with its variables filled (then sent by the operator); a private note
// shown to the operator in yellow and never in the visitor's chatbox (neither shown nor in the
// server's replay for the visitor's token); the visitor blocked from the tab, whose chatbox
// says so politely and cannot write, the block listed and lifted in the admin (#/blocks).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { VigieServer, launchBrowser, newPage, screenshotDir, shownMessages, storedMessages, askBot, waitFor } from './helpers.mjs';

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

const shot = (p, name) => p.screenshot({ path: path.join(screenshotDir(), name) });

test('canned answers, private notes and blocking, in French', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });

  // The admin writes a canned answer (#/canned).
  const admin = await newPage(ctx, { viewport: { width: 1280, height: 800 } });
  await admin.goto(`${server.url}/admin/`);
  await admin.locator('#login-email').fill(adminEmail);
  await admin.locator('#login-password').fill(server.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  await admin.locator('a[data-group="livechat"]').click();
  await admin.locator('a[data-section="canned"]').click();
  await admin.locator('#canned-form').waitFor();
  await admin.locator('#canned-shortcut').fill('/vpn');
  await admin.locator('#canned-title').fill('VPN à redémarrer');
  await admin.locator('#canned-body').fill('Bonjour {visitor_name}, ici {operator_name} ({conversation_name}). **Redémarrez** le VPN puis réessayez.');
  await admin.locator('#canned-form button[type="submit"]').click();
  await admin.locator('#canned-table tr[data-shortcut="/vpn"]').waitFor();
  assert.equal(await admin.locator('#canned-table tr[data-shortcut="/vpn"] .canned-preview strong').textContent(), 'Redémarrez');
  // A second one, so that the list has something to move through.
  await admin.locator('#canned-shortcut').fill('/merci');
  await admin.locator('#canned-title').fill('Remerciement');
  await admin.locator('#canned-body').fill('Merci de votre patience.');
  await admin.locator('#canned-form button[type="submit"]').click();
  await admin.locator('#canned-table tr[data-shortcut="/merci"]').waitFor();
  // A shortcut already used: refused, named by its label, in French.
  await admin.locator('#canned-shortcut').fill('/VPN');
  await admin.locator('#canned-title').fill('Doublon');
  await admin.locator('#canned-body').fill('x');
  await admin.locator('#canned-form button[type="submit"]').click();
  await waitFor(async () => /existe déjà/.test(await admin.locator('#canned-form').textContent()), { what: 'the duplicate refused' });
  await shot(admin, 'admin-fr-canned.png');

  // The console: the admin available; a visitor asks for someone and gets them.
  const op = await newPage(ctx, { viewport: { width: 1280, height: 800 } });
  await op.goto(`${server.url}/console/`);
  await op.waitForSelector('html[data-connection="online"]', { timeout: 15_000 });
  await op.getByLabel('Disponible', { exact: true }).check();
  const vctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 720 } });
  const v = await newPage(vctx);
  await v.goto(`${server.url}/c/demo/?lang=fr`);
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  await askBot(v, 'Mon VPN ne marche pas');
  await v.locator('#vg-handoff').click();
  await waitFor(async () => (await shownMessages(v)).some((m) => /rejoint/.test(m.text)), { what: 'the operator joined' });
  const conv = await v.evaluate(() => window.vigieChatbox.state.conversation);
  await waitFor(() => op.evaluate((c) => window.vigieConsole.state.tabs.some((t) => t.id === c && t.held), conv), { what: 'the tab held' });
  const me = await op.evaluate(async () => (await (await fetch('/api/v1/auth/me')).json()).operator.name);
  const title = (await op.locator('#pane-title').textContent()).trim();

  // Item 1: Alt+R opens the list at "/", "vp" filters, ↓/↑ move, Entrée inserts.
  await op.locator('#composer-input').click();
  await op.keyboard.press('Alt+KeyR');
  await op.locator('#canned-list li[role="option"]').first().waitFor();
  assert.equal(await op.locator('#canned-list li[role="option"]').count(), 2);
  await op.keyboard.type('vp');
  await waitFor(async () => (await op.locator('#canned-list li[role="option"]').count()) === 1, { what: 'filtered to /vpn' });
  await op.keyboard.press('Backspace');
  await op.keyboard.press('Backspace');
  await waitFor(async () => (await op.locator('#canned-list li[role="option"]').count()) === 2, { what: 'both again' });
  // Sorted by shortcut: /merci first (highlighted), ↓ /vpn, ↓ back to /merci, ↑ /vpn.
  await op.locator('#canned-list li[data-shortcut="/merci"][aria-selected="true"]').waitFor();
  await op.keyboard.press('ArrowDown');
  await op.locator('#canned-list li[data-shortcut="/vpn"][aria-selected="true"]').waitFor();
  await op.keyboard.press('ArrowDown');
  await op.locator('#canned-list li[data-shortcut="/merci"][aria-selected="true"]').waitFor();
  await op.keyboard.press('ArrowUp');
  await op.locator('#canned-list li[data-shortcut="/vpn"][aria-selected="true"]').waitFor();
  await shot(op, 'console-fr-canned-list.png');
  await op.keyboard.press('Enter');
  await op.locator('#canned-list').waitFor({ state: 'hidden' });
  const inserted = await op.locator('#composer-input').inputValue();
  // Inserted for editing, not sent; variables filled (no visitor name known: "Bonjour,").
  assert.equal(inserted, `Bonjour, ici ${me} (${title}). Redémarrez le VPN puis réessayez.`);
  assert.ok(!(await shownMessages(v)).some((m) => /Redémarrez/.test(m.text)), 'not sent by itself');
  await shot(op, 'console-fr-canned-inserted.png');
  await op.keyboard.press('Enter');
  await waitFor(async () => (await shownMessages(v)).some((m) => m.author === 'operator' && m.text === inserted), { what: 'the answer reached the visitor' });

  // Item 3: a private note, in yellow for the operator, never for the visitor.
  await op.locator('#composer-mode-note').click();
  await op.locator('form.composer.note').waitFor();
  await op.locator('#composer-input').fill('Note privée : visiteur agressif, code 4242');
  await op.keyboard.press('Enter');
  const note = op.locator('#scroll li.msg.note[data-seq]');
  await note.waitFor();
  assert.match(await note.textContent(), /Note privée.*code 4242/s);
  assert.equal(await note.locator('.bubble').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(255, 244, 194)');
  await op.locator('#composer-mode-reply').click();
  await op.locator('#composer-input').fill('Je vérifie votre compte.');
  await op.keyboard.press('Enter');
  await waitFor(async () => (await shownMessages(v)).some((m) => m.text === 'Je vérifie votre compte.'), { what: 'the next answer' });
  assert.ok(!(await shownMessages(v)).some((m) => /4242/.test(m.text)), 'the note is not in the chatbox');
  assert.ok(!(await v.locator('#vg-log').textContent()).includes('4242'));
  const replay = await storedMessages(v);
  assert.ok(replay.length > 3 && !replay.some((m) => m.kind === 'note' || /4242/.test(m.text || '')), JSON.stringify(replay));
  await shot(op, 'console-fr-note.png');

  // Item 8: block the visitor for 7 days; the chatbox says so and cannot write.
  await op.locator('#block-btn').click();
  await op.locator('#block-box').waitFor({ state: 'visible' });
  await op.locator('#block-confirm').click();
  assert.match(await op.locator('#block-box').textContent(), /Indiquez le motif/);
  await op.locator('#block-duration').selectOption('7d');
  await op.locator('#block-reason').fill('Insultes répétées');
  await shot(op, 'console-fr-block.png');
  await op.locator('#block-confirm').click();
  await op.locator('#block-box').waitFor({ state: 'hidden' });
  await v.locator('#vg-input').fill('encore une insulte');
  await v.locator('#vg-input').press('Enter');
  const banner = v.locator('#vg-banner.vg-blocked');
  await banner.waitFor();
  assert.equal(await banner.textContent(), 'Vous ne pouvez plus écrire dans cette conversation pour le moment. Merci de votre compréhension.');
  assert.equal(await v.locator('#vg-input').isDisabled(), true);
  await shot(v, 'chatbox-fr-blocked.png');
  // Coming back later: still blocked, said at once; nothing of the refused message stored.
  await v.reload();
  await v.locator('#vg-banner.vg-blocked').waitFor();
  assert.equal(await v.locator('#vg-input').isDisabled(), true);
  assert.ok(!(await storedMessages(v)).some((m) => /encore une insulte/.test(m.text || '')));

  // The admin sees the block (#/blocks) and lifts it; the visitor writes again.
  await admin.goto(`${server.url}/admin/#/blocks`);
  const row = admin.locator('#blocks-table tr[data-block]');
  await row.waitFor();
  assert.match(await row.textContent(), /Insultes répétées/);
  assert.match(await row.textContent(), /127\.0\.0\.1/);
  await shot(admin, 'admin-fr-blocks.png');
  admin.once('dialog', (d) => d.accept());
  await row.locator('button.danger').click();
  await admin.locator('#blocks-msg .msg.ok').waitFor();
  await v.reload();
  await v.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });
  assert.equal(await v.locator('#vg-input').isDisabled(), false);
  await v.locator('#vg-input').fill('pardon');
  await v.locator('#vg-input').press('Enter');
  await waitFor(async () => (await shownMessages(v)).some((m) => m.text === 'pardon' && m.seq !== null), { what: 'written again' });

  for (const p of [admin, op, v]) assert.deepEqual(p.problems, []);
  await vctx.close();
  await ctx.close();
});
