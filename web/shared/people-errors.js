// Vigie: the sentences of the people, account, token and audit errors (issue 12), in French
// and English, by the server's stable codes. Imported by the admin's sections, the account
// page and the console's account dialog. Also `problemBox`/`fieldProblems`: show an error
// in the page's language, naming each field by its label.
import { registerErrors, errorSentence, httpErrorSentence, knowsError } from "./errors.js";
import { h } from "./dom.js";

registerErrors({
  fr: {
    too_short: "{label} : au moins {min} caractères.",
    too_long: "{label} : {max} caractères au plus.",
    password_is_email: "{label} : le mot de passe ne doit pas être l'adresse e-mail.",
    password_common: "{label} : ce mot de passe est trop courant, choisissez-en un autre.",
    wrong_password: "{label} : ce n'est pas votre mot de passe actuel.",
    bad_name: "{label} : indiquez un nom (100 caractères au plus, sur une ligne).",
    bad_email: "{label} : cette adresse e-mail n'est pas valable.",
    bad_choice: "{label} : choisissez parmi {choices}.",
    bad_language: "{label} : « {value} » n'est pas un code de langue comme fr ou en.",
    too_many: "{label} : {max} au plus.",
    out_of_range: "{label} : entre {min} et {max}.",
    required: "{label} : obligatoire.",
    bad_date: "{label} : « {value} » n'est pas une date (AAAA-MM-JJ).",
    bad_number: "{label} : un nombre est attendu.",
    email_taken: "Un compte utilise déjà l'adresse {email}.",
    last_admin: "C'est le dernier administrateur actif : nommez d'abord quelqu'un d'autre administrateur.",
    cannot_deactivate_self: "Vous ne pouvez pas désactiver votre propre compte.",
    not_invited: "Cette personne a déjà choisi son mot de passe (ou est désactivée) : pas d'invitation à renvoyer.",
    link_unknown: "Ce lien n'est pas valable (mal recopié, ou remplacé par un plus récent). Demandez-en un nouveau.",
    link_used: "Ce lien a déjà servi. Connectez-vous, ou demandez un nouveau lien.",
    link_expired: "Ce lien a expiré. Demandez-en un nouveau.",
    token_unknown: "Ce jeton d'API n'existe pas (ou n'est pas à vous).",
    token_scope: "Ce jeton d'API (portée {scope}) ne permet pas cette action.",
    account_deactivated: "Ce compte a été désactivé : adressez-vous à un administrateur.",
    supervisor_only: "Réservé aux administrateurs et superviseurs.",
    too_many_requests: "Trop de tentatives : attendez un peu et réessayez.",
    unauthorized: "Adresse e-mail ou mot de passe incorrect.",
    forbidden: "Vous n'avez pas le droit de faire cela.",
  },
  en: {
    too_short: "{label}: at least {min} characters.",
    too_long: "{label}: {max} characters at most.",
    password_is_email: "{label}: the password must not be the email address.",
    password_common: "{label}: this password is too common, choose another one.",
    wrong_password: "{label}: this is not your current password.",
    bad_name: "{label}: give a name (100 characters at most, on one line).",
    bad_email: "{label}: this email address is not valid.",
    bad_choice: "{label}: choose among {choices}.",
    bad_language: "{label}: “{value}” is not a language code such as fr or en.",
    too_many: "{label}: {max} at most.",
    out_of_range: "{label}: between {min} and {max}.",
    required: "{label}: required.",
    bad_date: "{label}: “{value}” is not a date (YYYY-MM-DD).",
    bad_number: "{label}: a number is expected.",
    email_taken: "An account already uses the address {email}.",
    last_admin: "This is the last active admin: make someone else admin first.",
    cannot_deactivate_self: "You cannot deactivate your own account.",
    not_invited: "This person has already chosen a password (or is deactivated): no invitation to resend.",
    link_unknown: "This link is not valid (mistyped, or replaced by a newer one). Ask for a new one.",
    link_used: "This link has already been used. Log in, or ask for a new link.",
    link_expired: "This link has expired. Ask for a new one.",
    token_unknown: "This API token does not exist (or is not yours).",
    token_scope: "This API token (scope {scope}) does not allow this.",
    account_deactivated: "This account has been deactivated: ask an admin.",
    supervisor_only: "For admins and supervisors only.",
    too_many_requests: "Too many attempts: wait a little and try again.",
    unauthorized: "Invalid email or password.",
    forbidden: "You are not allowed to do this.",
  },
});

/**
 * Shows an API error in `lang`: the field errors beside their inputs (`inputs[field]`, each
 * followed by a `div.field-error` with id `{input.id}-err`, labelled by `labels[field]`), and
 * the sentence in a `div.msg.error` returned for the page's message area.
 */
export function problemBox(lang, err, inputs = {}, labels = {}) {
  clearProblems(inputs);
  const fields = (err && err.body && err.body.fields) || [];
  if (!fields.length) return h("div.msg.error", { role: "alert" }, httpErrorSentence(lang, err));
  const lines = [];
  let first = null;
  for (const f of fields) {
    const label = labels[f.field] || f.field;
    // A code no page knows yet (the generic `invalid`): the server's own words, named.
    const sentence = knowsError(lang, f.code) ? errorSentence(lang, f, label)
      : `${label}${lang === "fr" ? " :" : ":"} ${f.message}`;
    lines.push(sentence);
    const el = inputs[f.field];
    if (el) {
      el.setAttribute("aria-invalid", "true");
      const out = document.getElementById(`${el.id}-err`);
      if (out) out.textContent = sentence;
      first = first || el;
    }
  }
  if (first) first.focus();
  return h("div.msg.error", { role: "alert" }, lines.length === 1 ? lines[0] : h("ul", lines.map((l) => h("li", l))));
}

/** Clears the error lines and marks of `inputs` (before a new try). */
export function clearProblems(inputs = {}) {
  for (const el of Object.values(inputs)) {
    el.removeAttribute("aria-invalid");
    const out = document.getElementById(`${el.id}-err`);
    if (out) out.textContent = "";
  }
}

/** A labelled input with its error line (`{id}-err`). */
export function field(id, label, input, hint) {
  input.id = id;
  input.setAttribute("aria-describedby", `${id}-err${hint ? ` ${id}-hint` : ""}`);
  return h("div.field",
    h("label", { for: id }, label, hint ? [" ", h("span.hint", { id: `${id}-hint` }, hint)] : null),
    input, h("div.field-error", { id: `${id}-err` }));
}
