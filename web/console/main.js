// Vigie operator console ("pupitre opérateur"): boot, login and logout. Plain ES modules,
// no build step:
// - state.js: the state and `reduce(state, action)` (pure, unit-tested in tests/js/);
// - app.js: the store: dispatch → reduce → the views redraw → effects → saved state;
// - connection.js: /ws/operator (web/shared/socket.js: backoff, liveness, outbox flush);
// - outbox.js: what is sent waits there, with its client_id, until acknowledged;
// - views/: top bar, layout and menu, side column, queue, colleagues, monitored list and
//   form, supervision page (supervisors), tabs, pane (log, composer), knowledge panel.
//
// Robustness, as in the chatbox: the open tabs and the last seq shown in each live in
// sessionStorage and are given to the server in `hello`, which replays what was missed
// (messages are keyed by conversation + seq and never shown twice); the outbox too, sent
// again with the same client_ids after a reconnection.
import { h, fill, $ } from "../shared/dom.js";
import { pickLang } from "../shared/i18n.js";
import { createApi } from "../shared/api.js";
import {
  app, t, dispatch, render, loadJson, seenKey, errText,
  TABS_KEY, OUTBOX_KEY, CURRENT_KEY, MUTE_KEY, SIDE_KEY, LANG_KEY,
} from "./app.js";
import { initialState } from "./state.js";
import { conn, start as connect, stop as disconnect } from "./connection.js";
import { tickDurations } from "./format.js";
import { top } from "./views/top.js";
import { layout } from "./views/layout.js";
import { side } from "./views/side.js";
import { queue } from "./views/queue.js";
import { colleagues } from "./views/colleagues.js";
import { monitoredList } from "./views/monitored-list.js";
import { monitoredForm } from "./views/monitored-form.js";
import { tabs } from "./views/tabs.js";
import { pane } from "./views/pane.js";
import { knowledge } from "./views/knowledge.js";
import { supervision } from "./views/supervision.js";
import { openAccount } from "./views/account.js";
import { loadPrefs, notified, permission } from "./notify.js";
import "./keyboard.js";

app.state = initialState({
  lang: pickLang({ saved: [LANG_KEY, "vigie.admin.lang"] }),
  current: sessionStorage.getItem(CURRENT_KEY) || null,
  outbox: loadJson(sessionStorage, OUTBOX_KEY, []),
  muted: localStorage.getItem(MUTE_KEY) === "1",
  sideView: sessionStorage.getItem(SIDE_KEY) || "livechat",
  focused: document.hasFocus() && !document.hidden,
});
app.views = [top, layout, side, queue, colleagues, monitoredList, monitoredForm, supervision, tabs, pane, knowledge];
app.api = createApi({ csrf: () => app.state.me && app.state.me.csrf_token, onUnauthorized: () => signedOut(true) });
app.logout = logout;
app.signedOut = signedOut;
app.openAccount = openAccount;

setInterval(tickDurations, 1_000);
window.addEventListener("focus", () => dispatch({ type: "local/focus", focused: !document.hidden, window: true }));
window.addEventListener("blur", () => dispatch({ type: "local/focus", focused: false }));
document.addEventListener("visibilitychange", () => dispatch({ type: "local/focus", focused: document.hasFocus() && !document.hidden }));

// ---- login / logout

function renderLogin(error) {
  const email = h("input", { type: "email", id: "login-email", autocomplete: "username", required: true });
  const pass = h("input", { type: "password", id: "login-password", autocomplete: "current-password", required: true });
  const msg = h("div", { "aria-live": "polite" }, error === true
    ? h("div#signed-out.msg.error", { role: "alert" }, t("signedOutMsg"))
    : error ? h("div.msg.error", { role: "alert" }, errText(error)) : null);
  const form = h("form.card.narrow", { onsubmit: async (e) => {
    e.preventDefault();
    fill(msg);
    try {
      signedIn(await app.api("POST", "/auth/login", { email: email.value, password: pass.value }));
    } catch (err) { fill(msg, h("div.msg.error", { role: "alert" }, errText(err))); }
  } },
  h("h1", t("login")),
  h("label", { for: "login-email" }, t("email")), email,
  h("label", { for: "login-password" }, t("password")), pass,
  msg,
  h("div.actions", h("button.primary", { type: "submit" }, t("loginButton")),
    h("a#forgot-link", { href: `/account/?lang=${app.state.lang}#forgot` }, t("forgot"))));
  const main = $("main");
  main.className = "";
  fill(main, form);
  email.focus();
}

function signedIn(me) {
  const seen = loadJson(localStorage, seenKey(me), []);
  dispatch({ type: "local/signed_in", me, tabs: loadJson(sessionStorage, TABS_KEY, {}), seen: Array.isArray(seen) ? seen : [] });
  loadPrefs();
  connect();
}

/** The session is gone (a 401, or the server said `signed_out`): `told` shows why. */
function signedOut(told) {
  if (!app.state.me) return;
  disconnect();
  const dialog = document.getElementById("account-dialog");
  if (dialog) dialog.remove();
  dispatch({ type: "local/signed_out" });
  renderLogin(told === true ? true : undefined);
}

async function logout() {
  try { await app.api("POST", "/auth/logout", {}); } catch { /* already gone */ }
  disconnect();
  dispatch({ type: "local/logout" });
  for (const k of [TABS_KEY, OUTBOX_KEY, CURRENT_KEY]) sessionStorage.removeItem(k);
  renderLogin();
}

// ---- start

(async function start() {
  render();
  let me = null;
  // Signed out: /auth/me answers {"operator": null} (no 401 in the browser's console).
  try {
    const r = await app.api("GET", "/auth/me");
    me = r && r.operator ? r : null;
  } catch { me = null; }
  if (me) signedIn(me);
  else renderLogin();
})();

// For tests and debugging.
window.vigieConsole = {
  get state() {
    const s = app.state;
    return {
      ready: conn.ready, availability: s.availability, current: s.current, queue: s.queue, presence: s.presence,
      tabs: Object.values(s.tabs).map((tb) => ({
        id: tb.id, lastSeq: tb.lastSeq, held: tb.held, unread: tb.unread, flashing: tb.flashing, taken: tb.taken,
        monitored: s.monitored.list.some((it) => it.conversation === tb.id),
      })),
      outbox: s.outbox.map((i) => i.client_id),
      monitored: s.monitored.list, sideView: s.sideView, supervision: s.supervision,
      awayReason: s.awayReason, awayReasons: s.awayReasons, prefs: s.prefs,
      notified: notified.slice(), permission: permission(),
    };
  },
};
