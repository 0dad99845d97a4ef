// The composer: the operator's answer (Enter sends, Shift+Enter a new line), the typing
// indicator sent to the visitor, the draft kept per tab.
import { h } from "../../shared/dom.js";
import { app, t, dispatch } from "../app.js";
import { submit } from "../outbox.js";

const MAX_CHARS = 1000;
const TYPING_RESEND_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

/** The composer of `tab` (null when it has none), and the note that says why it is off. */
export function buildComposer(tab, item) {
  const live = tab.held; // writing only makes sense in a conversation this operator holds
  const input = h("textarea", {
    id: "composer-input", rows: "2", maxlength: String(MAX_CHARS), placeholder: live ? t("composerHint") : "",
    "aria-describedby": live ? "composer-hint" : "composer-off", disabled: !live,
    onkeydown: (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        sendText();
      }
    },
    oninput: (e) => {
      dispatch({ type: "local/draft", conversation: tab.id, text: e.target.value });
      operatorTyping(tab.id, e.target.value.trim() !== "");
    },
  });
  input.value = tab.draft;
  const form = h("form.composer", { onsubmit: (e) => { e.preventDefault(); sendText(); } },
    h("label.sr", { for: "composer-input" }, t("composer")),
    input,
    live ? h("span#composer-hint.sr", t("composerHint")) : null,
    // Typed messages wait in the outbox when offline: only holding the conversation counts.
    h("button.primary", { type: "submit", id: "composer-send", disabled: !live }, t("send")));
  return [
    tab.held || item ? form : null,
    !live && item ? h("p#composer-off.composer-off", t("composerOff")) : null,
  ];
}

function sendText() {
  const input = document.getElementById("composer-input");
  const tab = app.state.tabs[app.state.current];
  if (!input || !tab || !tab.held) return;
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  dispatch({ type: "local/draft", conversation: tab.id, text: "" });
  submit("send", tab.id, { text }, text);
  operatorTyping(tab.id, false);
  input.focus();
}

// The operator's typing indicator: sent when it starts, again every 3 s, off after 4 s idle.
let typingOn = false;
let typingConv = null;
let typingSentAt = 0;
let typingIdle = 0;
export function operatorTyping(conv, on) {
  const conn = app.conn;
  clearTimeout(typingIdle);
  if (typingOn && typingConv && typingConv !== conv) conn.raw({ type: "typing", conversation: typingConv, on: false });
  if (on) typingIdle = setTimeout(() => operatorTyping(conv, false), TYPING_IDLE_MS);
  const now = Date.now();
  if (on && typingOn && typingConv === conv && now - typingSentAt < TYPING_RESEND_MS) return;
  if (!on && !typingOn) return;
  typingOn = on;
  typingConv = conv;
  typingSentAt = now;
  if (conn.ready && conv) conn.raw({ type: "typing", conversation: conv, on });
}
