// "My account" in the console: a dialog from the top bar (the operator's name) with the
// panel shared with the admin (web/shared/my-account.js): name, password, sign out of all
// sessions.
import { h } from "../../shared/dom.js";
import { myAccount } from "../../shared/my-account.js";
import { app, t, dispatch } from "../app.js";

export function openAccount() {
  const s = app.state;
  if (!s.me) return;
  let dialog = document.getElementById("account-dialog");
  if (dialog) dialog.remove();
  dialog = h("dialog#account-dialog.account-dialog", { "aria-label": t("myAccount"), onclose: () => dialog.remove() },
    h("div.dialog-head", h("button", { type: "button", id: "account-close", onclick: () => dialog.close() }, t("close"))),
    myAccount({
      api: app.api, lang: s.lang, me: s.me, idPrefix: "console-me",
      onRenamed: (r) => dispatch({ type: "local/me", me: { ...app.state.me, operator: r.operator } }),
      onSignedOut: () => { dialog.close(); app.signedOut(true); },
    }));
  document.body.append(dialog);
  dialog.showModal();
}
