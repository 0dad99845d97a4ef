// Vigie: the public account page (/account/). Opened from an invitation mail
// (#invite=vgi_…: choose one's name and password), a forgotten-password mail (#reset=vgr_…:
// choose a new password), or the login pages (#forgot: ask for a reset link). The link's
// token rides in the URL fragment: browsers never send it to a server or in a Referer.
import { h, fill, $ } from "../shared/dom.js";
import { pickLang } from "../shared/i18n.js";
import { createApi } from "../shared/api.js";
import { problemBox, field } from "../shared/people-errors.js";

const T = {
  fr: {
    brand: "Vigie", language: "Langue", loading: "Vérification du lien…",
    inviteTitle: "Bienvenue sur Vigie", inviteIntro: (e) => `Choisissez votre nom et votre mot de passe pour le compte ${e}.`,
    resetTitle: "Nouveau mot de passe", resetIntro: (e) => `Choisissez un nouveau mot de passe pour le compte ${e}.`,
    name: "Votre nom", password: "Mot de passe", confirm: "Confirmez le mot de passe",
    passwordHint: "10 caractères au moins, pas votre adresse e-mail ni un mot de passe courant ; une phrase est plus facile à retenir.",
    mismatch: "Confirmez le mot de passe : les deux saisies sont différentes.",
    save: "Enregistrer mon mot de passe", done: "Votre mot de passe est enregistré.", expires: (d) => `Ce lien est valable jusqu'au ${d}.`,
    goConsole: "Ouvrir la console", goAdmin: "Ouvrir l'administration",
    forgotTitle: "Mot de passe oublié", forgotIntro: "Indiquez l'adresse de votre compte : nous y envoyons un lien pour choisir un nouveau mot de passe.",
    email: "Adresse e-mail", send: "Envoyer le lien",
    sent: "Si cette adresse a un compte, un lien pour choisir un nouveau mot de passe vient d'y être envoyé. Il ne sert qu'une fois.",
    askNew: "Demander un nouveau lien", nothing: "Ce lien est incomplet.",
  },
  en: {
    brand: "Vigie", language: "Language", loading: "Checking the link…",
    inviteTitle: "Welcome to Vigie", inviteIntro: (e) => `Choose your name and password for the account ${e}.`,
    resetTitle: "New password", resetIntro: (e) => `Choose a new password for the account ${e}.`,
    name: "Your name", password: "Password", confirm: "Confirm the password",
    passwordHint: "At least 10 characters, not your email address nor a common password; a sentence is easier to remember.",
    mismatch: "Confirm the password: the two entries differ.",
    save: "Save my password", done: "Your password is saved.", expires: (d) => `This link works until ${d}.`,
    goConsole: "Open the console", goAdmin: "Open the admin",
    forgotTitle: "Forgotten password", forgotIntro: "Give your account's address: we send it a link to choose a new password.",
    email: "Email address", send: "Send the link",
    sent: "If this address has an account, a link to choose a new password has just been sent to it. It works once.",
    askNew: "Ask for a new link", nothing: "This link is incomplete.",
  },
};

let lang = pickLang({ saved: ["vigie.admin.lang"] });
const t = (k, ...a) => { const v = T[lang][k]; return typeof v === "function" ? v(...a) : v; };
const api = createApi();

function header() {
  const sel = h("select", { id: "ui-lang", "aria-label": t("language"), onchange: (e) => {
    lang = e.target.value;
    try { localStorage.setItem("vigie.admin.lang", lang); } catch { /* blocked storage */ }
    render();
  } }, h("option", { value: "fr" }, "Français"), h("option", { value: "en" }, "English"));
  sel.value = lang;
  document.documentElement.lang = lang;
  fill($("top"), h("span.brand", t("brand")), sel);
}

function page(title, ...nodes) {
  document.title = `${title} – Vigie`;
  fill($("main"), h("div.card.narrow", h("h1", title), ...nodes));
}

function hashParams() {
  const p = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (p.has("invite")) return { purpose: "invite", token: p.get("invite") };
  if (p.has("reset")) return { purpose: "reset", token: p.get("reset") };
  return { purpose: p.has("forgot") || !location.hash ? "forgot" : null };
}

const fmt = (ms) => new Date(ms).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "long", timeStyle: "short" });

async function renderLink(token) {
  page(t("loading"));
  let info;
  try {
    info = await api("POST", "/account/link", { token });
  } catch (err) {
    page(t("resetTitle"), problemBox(lang, err), h("p", h("a", { href: `#forgot` }, t("askNew"))));
    return;
  }
  const invite = info.purpose === "invite";
  const inputs = {
    name: invite ? h("input", { type: "text", value: info.name, autocomplete: "name", maxlength: 100 }) : null,
    password: h("input", { type: "password", autocomplete: "new-password" }),
    confirm: h("input", { type: "password", autocomplete: "new-password" }),
  };
  if (!invite) delete inputs.name;
  const msg = h("div#account-msg", { "aria-live": "polite" });
  const form = h("form#account-form", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    if (inputs.password.value !== inputs.confirm.value) {
      const box = problemBox(lang, { body: { fields: [] } }, inputs);
      box.textContent = t("mismatch");
      inputs.confirm.setAttribute("aria-invalid", "true");
      $("account-confirm-err").textContent = t("mismatch");
      inputs.confirm.focus();
      msg.replaceChildren(box);
      return;
    }
    try {
      await api("POST", "/account/password", { token, password: inputs.password.value, name: invite ? inputs.name.value : null });
      history.replaceState(null, "", `/account/?lang=${lang}`);
      page(t("done"), h("p#account-done.msg.ok", { role: "status" }, t("done")),
        h("div.actions", h("a.button.primary", { href: "/console/" }, t("goConsole")), h("a.button", { href: "/admin/" }, t("goAdmin"))));
    } catch (err) {
      msg.replaceChildren(problemBox(lang, err, inputs, { name: t("name"), password: t("password"), confirm: t("confirm") }));
    }
  } },
  h("input", { type: "email", value: info.email, autocomplete: "username", hidden: true, readonly: true }),
  invite ? field("account-name", t("name"), inputs.name) : null,
  field("account-password", t("password"), inputs.password, t("passwordHint")),
  field("account-confirm", t("confirm"), inputs.confirm),
  msg,
  h("div.actions", h("button.primary", { type: "submit" }, t("save"))));
  page(invite ? t("inviteTitle") : t("resetTitle"),
    h("p", invite ? t("inviteIntro", info.email) : t("resetIntro", info.email)),
    form,
    h("p.hint", t("expires", fmt(info.expires_at))));
  (invite ? inputs.name : inputs.password).focus();
}

function renderForgot() {
  const email = h("input", { type: "email", autocomplete: "username" });
  const msg = h("div#account-msg", { "aria-live": "polite" });
  const form = h("form#forgot-form", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    try {
      await api("POST", "/account/forgot", { email: email.value.trim(), lang });
      msg.replaceChildren(h("div.msg.ok", { role: "status" }, t("sent")));
    } catch (err) { msg.replaceChildren(problemBox(lang, err, { email }, { email: t("email") })); }
  } },
  h("p", t("forgotIntro")),
  field("forgot-email", t("email"), email),
  msg,
  h("div.actions", h("button.primary", { type: "submit" }, t("send"))));
  page(t("forgotTitle"), form);
  email.focus();
}

function render() {
  header();
  const p = hashParams();
  if (p.purpose === "forgot") return renderForgot();
  if (p.token) return renderLink(p.token);
  return page(t("forgotTitle"), h("p", t("nothing")), h("p", h("a", { href: "#forgot" }, t("askNew"))));
}

window.addEventListener("hashchange", render);
render();
