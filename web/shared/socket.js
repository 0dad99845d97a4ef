// Vigie: the WebSocket client shared by the chatbox (/ws/visitor) and the operator console
// (/ws/operator), docs/protocol.md. Plain ES module, no build step: both pages import it
// from /static/shared/socket.js (the embedded chatbox too: its iframe is on Vigie's origin).
//
// The same robustness on both sides:
// - one connection at a time; what an older socket says is ignored;
// - a lost connection is replaced after an exponential backoff with jitter, and at once
//   when the browser says the network is back or the page is shown again;
// - a connection still opening after 15 s, or silent for 60 s, is judged dead (a ping every
//   25 s keeps a live one talking);
// - after a reconnection the page's outbox is sent again, oldest first, at a bounded rate.
// The page keeps the protocol itself: the `hello` frame, what the frames mean, when the
// connection is `ready` (welcome and replay done) and whether to connect at all.

const PING_EVERY_MS = 25_000;
const DEAD_AFTER_MS = 60_000;
const CONNECT_TIMEOUT_MS = 15_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15_000;

/**
 * A connection to `path` on this page's host, reconnecting by itself while `allowed()`.
 * - `allowed()`: false when nothing may be connected nor planned (signed out, dead link…);
 * - `hello()`: the first frame, sent as soon as a socket opens;
 * - `onFrame(f)`: every frame received (an object), `welcome` included;
 * - `onLost()`: the connection was dropped (update the banners), before the next attempt
 *   is planned;
 * - `onRefused()`: the server closed a connection before its `welcome`.
 */
export function createSocket({ path, allowed, hello, onFrame, onLost = () => {}, onRefused = () => {} }) {
  let ws = null;
  let ready = false; // set by the page: frames may be sent
  let attempt = 0;
  let reconnectTimer = 0;
  let flushTimer = 0;
  let lastFrameAt = 0;
  let openedAt = 0;

  function url() {
    const u = new URL(path, location.href);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    u.search = "";
    u.hash = "";
    return u.href;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = 0;
    if (ws || !allowed()) return;
    let sock;
    try { sock = new WebSocket(url()); } catch { scheduleReconnect(); return; }
    ws = sock;
    ready = false;
    openedAt = Date.now();
    lastFrameAt = 0;
    let welcomed = false;
    sock.onopen = () => {
      if (sock !== ws) return;
      lastFrameAt = Date.now();
      raw(hello());
    };
    sock.onmessage = (e) => {
      if (sock !== ws) return;
      lastFrameAt = Date.now();
      let f;
      try { f = JSON.parse(e.data); } catch { return; }
      if (!f || typeof f !== "object") return;
      if (f.type === "welcome") {
        welcomed = true;
        attempt = 0; // accepted: the next loss starts the backoff over
      }
      onFrame(f);
    };
    sock.onclose = () => {
      if (sock !== ws) return;
      lost();
      if (!welcomed) onRefused();
    };
    sock.onerror = () => { /* a close follows */ };
  }

  // The connection is gone (or judged dead): forget it and plan the next attempt.
  function lost(delay) {
    const sock = ws;
    ws = null;
    ready = false;
    clearTimeout(flushTimer);
    if (sock) {
      sock.onopen = sock.onmessage = sock.onclose = sock.onerror = null;
      try { sock.close(); } catch { /* already closed */ }
    }
    onLost();
    if (allowed()) scheduleReconnect(delay);
  }

  // No more connection, now that `allowed()` says so: nothing planned stays.
  function stop() {
    clearTimeout(reconnectTimer);
    if (ws) lost();
  }

  function scheduleReconnect(delay) {
    clearTimeout(reconnectTimer);
    if (delay === undefined) {
      const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
      delay = base / 2 + Math.random() * (base / 2);
      attempt = Math.min(attempt + 1, 10);
    }
    reconnectTimer = setTimeout(connect, delay);
  }

  // Come back at once when the browser says the network is back or the page is shown again.
  function reconnectNow() {
    if (ws || !allowed()) return;
    attempt = 0;
    scheduleReconnect(0);
  }
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) reconnectNow(); });

  setInterval(() => {
    if (!ws) return;
    const now = Date.now();
    if (ws.readyState === WebSocket.CONNECTING && now - openedAt > CONNECT_TIMEOUT_MS) lost();
    else if (lastFrameAt && now - lastFrameAt > DEAD_AFTER_MS) lost();
  }, 5_000);
  setInterval(() => { if (ready) raw({ type: "ping" }); }, PING_EVERY_MS);

  // Sent now or never: false when there is no open connection.
  function raw(frame) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try { ws.send(JSON.stringify(frame)); return true; } catch { return false; }
  }

  // Sends again the frames of `items()` (the outbox: {client_id, frame}), oldest first, at
  // most `perSecond` a second; one acknowledged meanwhile (gone from `items()`) is skipped,
  // and a lost connection stops it all (the next one flushes again).
  function flush(items, perSecond = Infinity) {
    clearTimeout(flushTimer);
    const queue = items().map((i) => i.client_id);
    const next = () => {
      for (let n = 0; n < perSecond && queue.length; n++) {
        if (!ready) return;
        const item = items().find((i) => i.client_id === queue[0]);
        queue.shift();
        if (item) raw(item.frame);
        else n--;
      }
      if (queue.length) flushTimer = setTimeout(next, 1_000);
    };
    next();
  }

  return {
    connect, lost, stop, raw, flush,
    get connected() { return !!ws; },
    get ready() { return ready; },
    set ready(on) { ready = on; },
    // The backoff step: 0 after a `welcome`; a page may set it (10: retry slowly).
    get attempt() { return attempt; },
    set attempt(n) { attempt = n; },
  };
}

/** A fresh client_id for an outbox item (a UUID v4). */
export function clientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
