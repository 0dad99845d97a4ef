// Records the frames a real console receives, for the reducer's tests (frames/*.json):
//   VIGIE_BIN=target/release/vigie node tests/js/record-frames.mjs
// Needs what the browser tests need (scripts/e2e installs it): a Vigie binary, Chromium,
// tests/e2e/node_modules. Scenario: the admin's console, available; a visitor asks the demo
// bot, asks for a human; they exchange messages, the operator sends a knowledge, then ends.
import { writeFileSync } from 'node:fs';
import { VigieServer, launchBrowser, newPage, askBot, shownMessages, waitFor } from '../e2e/helpers.mjs';

const server = await new VigieServer().start();
const browser = await launchBrowser();
try {
  const email = /^\s*email:\s*(\S+)/m.exec(server.output)[1];
  const op = await newPage(await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } }));
  const frames = [];
  op.on('websocket', (ws) => {
    if (!ws.url().endsWith('/ws/operator')) return;
    ws.on('framereceived', (f) => frames.push(JSON.parse(f.payload)));
  });
  await op.goto(`${server.url}/console/`);
  await op.locator('#login-email').fill(email);
  await op.locator('#login-password').fill(server.password);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await op.waitForSelector('html[data-connection="online"]');
  await op.getByLabel('Disponible', { exact: true }).check();
  await waitFor(() => op.evaluate(() => window.vigieConsole.state.availability === 'available'));

  const visitor = await newPage(await browser.newContext({ locale: 'fr-FR' }));
  await visitor.goto(`${server.url}/c/demo/?lang=fr`);
  await visitor.waitForSelector('#vg-box[data-connection="online"]');
  await askBot(visitor, 'Comment installer le VPN ?');
  await visitor.locator('#vg-handoff').click();
  const conversation = await visitor.evaluate(() => window.vigieChatbox.state.conversation);
  const tab = op.locator(`[role=tab][data-tab="${conversation}"]`);
  await tab.waitFor();
  await tab.click();
  await op.locator('#composer-input').pressSequentially('Bonjour, je regarde');
  await op.press('#composer-input', 'Enter');
  await visitor.locator('#vg-input').pressSequentially('Merci, il est très lent');
  await visitor.press('#vg-input', 'Enter');
  await waitFor(async () => frames.some((f) => f.type === 'message' && f.author === 'visitor' && /lent/.test(f.text)));
  await op.getByLabel('Rechercher une connaissance').fill('vpn');
  await op.locator('#kb-results li[data-knowledge]').first().getByRole('button', { name: /Envoyer/ }).click();
  await waitFor(async () => frames.some((f) => f.type === 'message' && f.kind === 'knowledge' && f.author === 'bot' && f.seq > 5));
  await op.getByRole('button', { name: 'Terminer', exact: true }).click();
  await op.locator('#end-confirm').click();
  await waitFor(async () => (await shownMessages(visitor)).some((m) => m.kind === 'event' && /termin|quitt|fin/i.test(m.text)));
  await waitFor(async () => frames.some((f) => f.type === 'assigned' && !f.conversations.includes(conversation)));
  const out = new URL('./frames/handover.json', import.meta.url);
  writeFileSync(out, `${JSON.stringify({ conversation, frames: frames.filter((f) => f.type !== 'pong') }, null, 1)}\n`);
  console.log(`${frames.length} frames written to ${out.pathname}`);
} finally {
  await browser.close();
  await server.cleanup();
}
