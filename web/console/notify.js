// Notifications that reach the operator (issue 13): desktop notifications through the
// browser's Notification API, asked for only when the operator clicks (a dialog explains
// why first), and what each operator wants to be told of, kept server-side
// (GET/PUT /api/v1/me/preferences) so it follows them from one browser to another.
//
// The reducer (state.js) says what is news with a `notify` effect: a new visitor in the
// queue, a visitor's message in a tab not in front, a monitored conversation first opened
// by its visitor, a visitor's reply in a weak monitored one. Here: whether the operator
// wants it, whether the browser allows it, and the notification itself; a click on it
// brings the console forward on that conversation.
import { h, fill } from "../shared/dom.js";
import { app, t, dispatch, showNotice, errText } from "./app.js";
import { tabTitle } from "./format.js";

const supported = () => typeof window.Notification === "function";
export const permission = () => (supported() ? window.Notification.permission : "unsupported");

/** Reads the operator's preferences (at sign-in). */
export async function loadPrefs() {
  try {
    const prefs = await app.api("GET", "/me/preferences");
    if (prefs) dispatch({ type: "local/prefs", prefs });
  } catch { /* the defaults stay */ }
}

let saving = Promise.resolve();
async function savePrefs() {
  const prefs = app.state.prefs;
  saving = saving.then(async () => {
    try { await app.api("PUT", "/me/preferences", prefs); } catch (err) { showNotice(errText(err)); }
  });
  await saving;
}

const WANTS = { queue: "queue", message: "messages", monitored_opened: "monitored_opened", weak_reply: "weak_replies" };

function notify(e, state) {
  const want = WANTS[e.kind];
  if (!want || !state.prefs.desktop[want] || permission() !== "granted") return;
  let title;
  let body = "";
  switch (e.kind) {
    case "queue": title = t("nQueue", e.count || state.queue.length); body = t("nTake"); break;
    case "message": title = t("nMessage", tabTitle(e.conversation, state)); body = e.text || ""; break;
    case "monitored_opened": title = t("nMonitoredOpened", e.name || ""); break;
    default: title = t("nWeakReply", e.name || ""); break;
  }
  try {
    // One notification per conversation and kind: a newer one replaces it.
    const n = new window.Notification(title, { body, tag: `vigie-${e.kind}-${e.conversation || ""}`, lang: state.lang, silent: true });
    n.onclick = () => {
      window.focus();
      const id = e.conversation;
      if (e.kind === "queue") dispatch({ type: "local/side", view: "livechat" });
      else if (id && app.state.tabs[id]) dispatch({ type: "local/select", id });
      else if (id) dispatch({ type: "local/follow", id });
      n.close();
    };
    notified.push({ kind: e.kind, title, body, conversation: e.conversation || null });
  } catch { /* the browser refused (e.g. a service worker is required): nothing to do */ }
}

/** What was shown (the tests read it through window.vigieConsole). */
export const notified = [];

Object.assign(app.effects, {
  notify,
  save_prefs: () => { savePrefs(); },
});

// ---- the dialog: why, the permission, and what to be told of

export function openNotifications() {
  let dialog = document.getElementById("notify-dialog");
  if (dialog) dialog.remove();
  const body = h("div#notify-body");
  dialog = h("dialog#notify-dialog.account-dialog", { "aria-labelledby": "notify-h", onclose: () => dialog.remove() },
    h("div.dialog-head", h("button", { type: "button", id: "notify-close", onclick: () => dialog.close() }, t("close"))),
    h("h2#notify-h", t("notifyTitle")),
    body);
  document.body.append(dialog);
  drawDialog(body);
  dialog.showModal();
}

function drawDialog(body) {
  const s = app.state;
  const perm = permission();
  const status = perm === "granted" ? h("p#notify-state.msg.ok", t("notifyGranted"))
    : perm === "denied" ? h("p#notify-state.msg.error", t("notifyDenied"))
    : perm === "unsupported" ? h("p#notify-state.msg.error", t("notifyUnsupported"))
    : h("button.primary", { type: "button", id: "notify-allow", onclick: async () => {
      try { await window.Notification.requestPermission(); } catch { /* old callback form */ }
      drawDialog(body);
      if (app.redrawBar) app.redrawBar();
    } }, t("notifyAllow"));
  const box = (id, key, checked, onchange) => h("div.pref",
    h("input", { type: "checkbox", id, checked, onchange: (e) => onchange(e.target.checked) }),
    h("label", { for: id }, t(key)));
  const desk = (name, key) => box(`pref-${name}`, key, !!s.prefs.desktop[name], (on) => {
    dispatch({ type: "local/prefs", prefs: { ...app.state.prefs, desktop: { ...app.state.prefs.desktop, [name]: on } }, save: true });
  });
  fill(body,
    h("p.hint", t("notifyExplain")),
    status,
    h("fieldset.prefs",
      h("legend", t("notifications")),
      desk("queue", "prefQueue"),
      desk("messages", "prefMessages"),
      desk("monitored_opened", "prefMonitoredOpened"),
      desk("weak_replies", "prefWeakReplies")),
    box("pref-sound", "prefSound", s.prefs.sound, (on) => {
      dispatch({ type: "local/prefs", prefs: { ...app.state.prefs, sound: on }, save: true });
    }));
}
