// The visitor's language (issue 16): the chatbox's interface follows the browser, each bot
// answer follows the question's own language and says it (`lang` on its bubble).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VigieServer, launchBrowser, newPage, askBot, storedMessages } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await new VigieServer().start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

const online = (p) => p.waitForSelector('#vg-box[data-connection="online"]', { timeout: 15_000 });

/** A chatbox page in a browser context of that locale (its own storage: a new visitor). */
async function chatbox(locale) {
  const context = await browser.newContext({ locale, viewport: { width: 420, height: 720 } });
  const page = await newPage(context);
  await page.goto(`${server.url}/c/demo/`);
  await online(page);
  return page;
}

test('an English browser asking in French gets the French answer', async () => {
  const page = await chatbox('en-US');
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the interface speaks the browser\'s language');
  assert.equal(await page.getByRole('button', { name: /send/i }).count(), 1);
  const { reply } = await askBot(page, "j'ai oublié mon mot de passe");
  assert.equal(reply.kind, 'knowledge');
  const bubble = page.locator(`li[data-seq="${reply.seq}"] .vg-bubble`);
  assert.equal(await bubble.getAttribute('lang'), 'fr');
  assert.match(await bubble.textContent(), /Pour réinitialiser votre mot de passe/);
  const stored = await storedMessages(page);
  assert.equal(stored.find((m) => m.seq === reply.seq).knowledge?.id, 'mot-de-passe-oublie');
  // the interface itself stays in English
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a French browser asking in English gets the English answer', async () => {
  const page = await chatbox('fr-FR');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  const { reply } = await askBot(page, 'I forgot my password, how can I reset it?');
  assert.equal(reply.kind, 'knowledge');
  const bubble = page.locator(`li[data-seq="${reply.seq}"] .vg-bubble`);
  assert.equal(await bubble.getAttribute('lang'), 'en');
  assert.match(await bubble.textContent(), /You can reset your password yourself/);
  const stored = await storedMessages(page);
  assert.equal(stored.find((m) => m.seq === reply.seq).knowledge?.id, 'password-reset');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');

  // small talk is answered with the dialog box's texts, in the question's language
  const hello = await askBot(page, 'bonjour');
  assert.equal(hello.reply.kind, 'text');
  assert.match(hello.reply.text, /^Bonjour/);
  const thanks = await askBot(page, 'thank you very much!');
  assert.equal(await page.locator(`li[data-seq="${thanks.reply.seq}"] .vg-bubble`).getAttribute('lang'), 'en');
  assert.match(thanks.reply.text, /welcome/i);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
