// Shared helpers of the browser tests: a real Vigie server per test file, and Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(ROOT, process.env.VIGIE_BIN || 'target/release/vigie');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(fn, { timeout = 15_000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(interval);
  }
}

/**
 * A Vigie server on its own data directory and port. `start()` may be called again after
 * `stop()`: same directory, same port (the restart test relies on it).
 */
export class VigieServer {
  constructor() {
    this.dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigie-e2e-'));
    this.port = 0;
    this.proc = null;
    this.password = null;
    this.output = '';
    this.extraEnv = {};
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  async start() {
    // The first start lets vigie pick a free port (no race with the other test files
    // starting servers at the same time) and reads it from what vigie prints; a restart
    // asks for the same port again.
    const env = {
      ...process.env,
      VIGIE_DATA_DIR: this.dataDir,
      VIGIE_LISTEN: `127.0.0.1:${this.port}`,
      RUST_LOG: process.env.RUST_LOG || 'warn',
      ...this.extraEnv,
    };
    if (this.port) env.VIGIE_PUBLIC_URL = this.url;
    else delete env.VIGIE_PUBLIC_URL;
    const proc = spawn(BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.exited = exited;
    proc.on('error', (e) => { this.output += `\n[spawn error] ${e.message}`; });
    const collect = (chunk) => {
      this.output += chunk.toString();
      const m = /^\s*password:\s*(\S+)/m.exec(this.output);
      if (m && !this.password) this.password = m[1];
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    let dead = null;
    exited.then((r) => { dead = r; });
    await waitFor(async () => {
      if (dead) throw new Error(`vigie exited (${JSON.stringify(dead)}):\n${this.output}`);
      if (!this.port) {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.output);
        if (!m) return false;
        this.port = Number(m[1]);
      }
      const r = await fetch(`${this.url}/readyz`);
      return r.ok;
    }, { timeout: 30_000, what: `${this.url}/readyz` }).catch((e) => {
      if (dead) throw new Error(`vigie exited early (${BIN}):\n${this.output}`);
      throw e;
    });
    return this;
  }

  /** SIGTERM, then SIGKILL if it is not gone within `grace` ms. */
  async stop(grace = 10_000) {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return null;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.output += '\n[e2e] still running after SIGTERM: SIGKILL';
      proc.kill('SIGKILL');
    }, grace);
    const r = await this.exited;
    clearTimeout(timer);
    this.proc = null;
    return r;
  }

  async cleanup() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.VIGIE_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page that fails the test on any uncaught error or CSP violation in it. */
export async function newPage(browserOrContext, { lang = 'fr-FR', viewport = { width: 420, height: 720 } } = {}) {
  const context = browserOrContext.newContext ? await browserOrContext.newContext({ locale: lang, viewport }) : browserOrContext;
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
      page.problems.push(`console: ${msg.text()}`);
    }
  });
  return page;
}

export function screenshotDir() {
  const dir = path.resolve(ROOT, process.env.VIGIE_E2E_SHOTS || 'target/e2e');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Sends `text` in the chatbox with Enter and waits for the bot's reply after it; returns
 * the visitor's message, the reply and what was shown since.
 */
export async function askBot(frameOrPage, text) {
  const before = (await shownMessages(frameOrPage)).length;
  await frameOrPage.fill('#vg-input', text);
  await frameOrPage.press('#vg-input', 'Enter');
  return waitFor(async () => {
    const list = (await shownMessages(frameOrPage)).slice(before);
    const mine = list.find((m) => m.author === 'visitor' && m.seq !== null);
    const reply = mine && list.find((m) => m.author === 'bot' && m.seq > mine.seq);
    return reply && { mine, reply, list };
  }, { what: `the answer to "${text}"` });
}

/** Messages shown in the chatbox, in the page's order: {seq, author, kind, text, state}. */
export async function shownMessages(frameOrPage) {
  return frameOrPage.$$eval('#vg-log > li:not([data-welcome])', (lis) => lis.map((li) => ({
    seq: li.dataset.seq ? Number(li.dataset.seq) : null,
    author: li.dataset.author || null,
    kind: li.dataset.kind || null,
    clientId: li.dataset.clientId || null,
    state: li.dataset.state || null,
    text: li.querySelector('.vg-bubble')?.textContent ?? li.textContent,
  })));
}

/**
 * What the server has stored, asked over a raw WebSocket from the page (so with the
 * page's visitor token): every message of the conversation, from seq 0.
 */
export async function storedMessages(page, bot = 'demo') {
  return page.evaluate(async (bot) => {
    const s = JSON.parse(localStorage.getItem(`vigie.chatbox.v1.${bot}`));
    const ws = new WebSocket(new URL('/ws/visitor', location.href).href.replace(/^http/, 'ws'));
    const got = [];
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no replay_done; got ${JSON.stringify(got)}`)), 10_000);
      ws.onopen = () => ws.send(JSON.stringify({
        type: 'hello', v: 1, bot, lang: 'fr', visitor_token: s.visitor_token, conversation: s.conversation, last_seq: 0,
      }));
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.type === 'message') got.push(f);
        if (f.type === 'error') { clearTimeout(t); reject(new Error(JSON.stringify(f))); }
        if (f.type === 'replay_done') { clearTimeout(t); resolve(); }
      };
      ws.onerror = () => reject(new Error('websocket error'));
    });
    ws.close();
    return got;
  }, bot);
}
