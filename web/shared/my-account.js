// Vigie: "my account" — every user changes their display name and password (the current one
// asked) and signs out of all their sessions. Used by the admin (#/me) and the console (a
// dialog from the top bar).
import { h } from "./dom.js";
import { problemBox, field } from "./people-errors.js";

const T = {
  fr: {
    title: "Mon compte", name: "Nom affiché", saveName: "Enregistrer le nom", nameSaved: "Nom enregistré.",
    password: "Mot de passe", current: "Mot de passe actuel", newPassword: "Nouveau mot de passe",
    passwordHint: "10 caractères au moins ; une phrase est plus facile à retenir.",
    changePassword: "Changer le mot de passe",
    passwordChanged: "Mot de passe changé. Vos autres sessions sont fermées.",
    sessions: "Sessions", sessionsHelp: "Ferme toutes vos sessions ouvertes, sur tous vos appareils (celle-ci comprise). Vos jetons d'API restent valables.",
    endAll: "Me déconnecter de toutes mes sessions", confirmEnd: "Fermer toutes vos sessions, celle-ci comprise ?",
    email: "Adresse e-mail", role: "Rôle",
    roles: { admin: "administrateur", supervisor: "superviseur", operator: "opérateur" },
  },
  en: {
    title: "My account", name: "Display name", saveName: "Save the name", nameSaved: "Name saved.",
    password: "Password", current: "Current password", newPassword: "New password",
    passwordHint: "At least 10 characters; a sentence is easier to remember.",
    changePassword: "Change the password",
    passwordChanged: "Password changed. Your other sessions are closed.",
    sessions: "Sessions", sessionsHelp: "Closes every session you have open, on all your devices (this one included). Your API tokens keep working.",
    endAll: "Sign out of all my sessions", confirmEnd: "Close all your sessions, this one included?",
    email: "Email address", role: "Role",
    roles: { admin: "admin", supervisor: "supervisor", operator: "operator" },
  },
};

/**
 * The account panel. `api` is the page's API client; `me` = {operator, csrf_token};
 * `onRenamed(me)` after a new name; `onSignedOut()` after signing out everywhere.
 */
export function myAccount({ api, lang, me, onRenamed = () => {}, onSignedOut = () => {}, idPrefix = "me" }) {
  const t = T[lang] || T.fr;
  const op = me.operator;
  const ok = (text) => h("div.msg.ok", { role: "status" }, text);

  const name = h("input", { type: "text", value: op.name, autocomplete: "name", maxlength: 100 });
  const nameMsg = h("div", { "aria-live": "polite" });
  const nameForm = h("form.card", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    nameMsg.replaceChildren();
    try {
      const r = await api("PUT", "/me", { name: name.value });
      nameMsg.replaceChildren(ok(t.nameSaved));
      onRenamed(r);
    } catch (err) { if (err.status !== 401) nameMsg.replaceChildren(problemBox(lang, err, { name }, { name: t.name })); }
  } },
  h("dl.facts", h("dt", t.email), h("dd", op.email), h("dt", t.role), h("dd", t.roles[op.role] || op.role)),
  field(`${idPrefix}-name`, t.name, name),
  nameMsg,
  h("div.actions", h("button.primary", { type: "submit" }, t.saveName)));

  const current = h("input", { type: "password", autocomplete: "current-password" });
  const next = h("input", { type: "password", autocomplete: "new-password" });
  const pwMsg = h("div", { "aria-live": "polite" });
  const pwForm = h("form.card", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    pwMsg.replaceChildren();
    try {
      await api("PUT", "/me/password", { current_password: current.value, password: next.value });
      current.value = ""; next.value = "";
      pwMsg.replaceChildren(ok(t.passwordChanged));
    } catch (err) {
      if (err.status !== 401) {
        pwMsg.replaceChildren(problemBox(lang, err, { current_password: current, password: next },
          { current_password: t.current, password: t.newPassword }));
      }
    }
  } },
  h("h2", t.password),
  field(`${idPrefix}-current-password`, t.current, current),
  field(`${idPrefix}-new-password`, t.newPassword, next, t.passwordHint),
  pwMsg,
  h("div.actions", h("button.primary", { type: "submit" }, t.changePassword)));

  const endMsg = h("div", { "aria-live": "polite" });
  const endCard = h("section.card",
    h("h2", t.sessions), h("p.hint", t.sessionsHelp), endMsg,
    h("div.actions", h("button.danger", { type: "button", id: `${idPrefix}-end-sessions`, onclick: async () => {
      if (!confirm(t.confirmEnd)) return;
      try { await api("POST", "/me/sessions/end", {}); onSignedOut(); }
      catch (err) { if (err.status !== 401) endMsg.replaceChildren(problemBox(lang, err)); else onSignedOut(); }
    } }, t.endAll)));

  return h("div.my-account", h("h1", t.title), nameForm, pwForm, endCard);
}
