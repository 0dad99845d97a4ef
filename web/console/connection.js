// The console's connection to /ws/operator (docs/protocol.md, "Operator side"): every frame
// goes to the store as an action; the effects that talk to the server are run here.
import { createSocket } from "../shared/socket.js";
import { app, dispatch } from "./app.js";

let stopped = true; // signed out: no connection, none planned

const looking = () => document.hasFocus() && !document.hidden;

export const conn = createSocket({
  path: "/ws/operator",
  allowed: () => !stopped,
  hello: () => {
    const conversations = {};
    for (const [id, tab] of Object.entries(app.state.tabs)) conversations[id] = tab.lastSeq; // 0 after a reload: the whole history again
    return { type: "hello", v: 1, conversations };
  },
  onFrame: (f) => {
    // Whether the operator looks at the page decides what is news (unread, beep).
    if (app.state.focused !== looking()) dispatch({ type: "local/focus", focused: looking() });
    if (f.type === "replay_done") conn.ready = true;
    // The session ended (signed out everywhere, account deactivated): stop, say so.
    if (f.type === "error" && f.code === "signed_out") { app.signedOut(true); return; }
    // The monitored list: its arrival time tells which links have expired (the reducer has no clock).
    dispatch(f.type === "monitored" ? { ...f, at: Date.now() } : f);
  },
  onLost: () => dispatch({ type: "local/lost" }),
  // Refused before `welcome`: maybe the session is gone (401 on the upgrade).
  onRefused: () => {
    app.api("GET", "/auth/me").then((r) => { if (!r || !r.operator) app.signedOut(); }).catch(() => {});
  },
});
app.conn = conn;

export function start() {
  stopped = false;
  conn.connect();
}
export function stop() {
  stopped = true;
  conn.stop();
}

// The browser knows the network is gone: do not wait 60 s for the connection to look dead.
window.addEventListener("offline", () => { if (conn.connected) conn.lost(); });

Object.assign(app.effects, {
  // Sent now if a connection is open (else the next `hello` or outbox flush covers it).
  raw: (e) => { conn.raw(e.frame); },
  // An outbox item: sent once the connection is ready, else by the flush after `replay_done`.
  send: (e) => { if (conn.ready) conn.raw(e.frame); },
  flush: () => { conn.flush(() => app.state.outbox); },
  retry: (e) => {
    setTimeout(() => {
      const item = app.state.outbox.find((i) => i.client_id === e.client_id);
      if (conn.ready && item) conn.raw(item.frame);
    }, e.ms);
  },
  reconnect: () => { conn.lost(0); },
});
