// Vigie admin: People (#/people, #/people/{id}) — list, invite, edit (name, role, capacity,
// languages spoken), deactivate/reactivate, resend an invitation; the invitation and
// forgotten-password mail templates (edited like the monitored-conversation one: subject,
// HTML, text, fr/en, preview). Registered by admin.js (SECTIONS).
import { h } from "../shared/dom.js";
import { problemBox, field, clearProblems } from "../shared/people-errors.js";

const T = {
  fr: {
    people: "Personnes", invite: "Inviter une personne", email: "Adresse e-mail", name: "Nom", role: "Rôle",
    languages: "Langues parlées", languagesHint: "codes séparés par des virgules : fr, en, de…",
    capacity: "Capacité", capacityHint: (d) => `conversations à la fois ; vide : la capacité par défaut (${d})`,
    mailLang: "Langue du mail", status: "État", actions: "Actions", edit: "Modifier",
    deactivate: "Désactiver", reactivate: "Réactiver", resend: "Renvoyer l'invitation",
    sendInvite: "Envoyer l'invitation", save: "Enregistrer", back: "Retour à la liste",
    invited: (e, h) => `Invitation envoyée à ${e}. Le lien est valable ${h} h et ne sert qu'une fois.`,
    resent: (e) => `Nouvelle invitation envoyée à ${e} (l'ancien lien ne marche plus).`,
    saved: "Modifications enregistrées.", deactivated: (n) => `${n} est désactivé·e : ses sessions et jetons sont fermés.`,
    reactivated: (n) => `${n} est réactivé·e.`,
    confirmDeactivate: (n) => `Désactiver ${n} ? Ses sessions et ses jetons d'API prennent fin tout de suite ; son historique est conservé.`,
    roles: { admin: "Administrateur", supervisor: "Superviseur", operator: "Opérateur" },
    roleHelp: "Administrateur : tout, paramètres compris. Superviseur : tout ce que fait un opérateur, plus la supervision et le journal d'audit ; pas de paramètres. Opérateur : répond aux conversations.",
    statuses: { invited: "invité·e", active: "actif·ve", deactivated: "désactivé·e" },
    defaultCap: (d) => `défaut (${d})`, none: "—", you: "vous",
    templates: "Modèles des mails", templatesHelp: "Mails envoyés par Vigie pour les comptes, en minijinja. Un modèle qui ne compile pas ou nomme une variable inconnue est refusé avec sa ligne.",
    inviteMail: "Invitation", resetMail: "Mot de passe oublié", subject: "Objet", html: "HTML", text: "Texte",
    preview: "Aperçu", saveTemplates: "Enregistrer les modèles", templatesSaved: "Modèles enregistrés.",
    variables: "Variables", previewHtml: "HTML", previewText: "Texte",
    vars: { link: "le lien à usage unique", name: "le nom de la personne", email: "son adresse", inviter_name: "qui invite (ou la personne elle-même pour un mot de passe oublié)", expires_at: "la fin de validité du lien", lang: "la langue du mail (fr, en)" },
    french: "Français (fr)", english: "English (en)", editTitle: (n) => `Modifier ${n}`,
  },
  en: {
    people: "People", invite: "Invite someone", email: "Email address", name: "Name", role: "Role",
    languages: "Languages spoken", languagesHint: "codes separated by commas: fr, en, de…",
    capacity: "Capacity", capacityHint: (d) => `conversations at once; empty: the default capacity (${d})`,
    mailLang: "Mail language", status: "Status", actions: "Actions", edit: "Edit",
    deactivate: "Deactivate", reactivate: "Reactivate", resend: "Resend the invitation",
    sendInvite: "Send the invitation", save: "Save", back: "Back to the list",
    invited: (e, h) => `Invitation sent to ${e}. The link works for ${h} h, once.`,
    resent: (e) => `New invitation sent to ${e} (the old link no longer works).`,
    saved: "Changes saved.", deactivated: (n) => `${n} is deactivated: their sessions and tokens are closed.`,
    reactivated: (n) => `${n} is reactivated.`,
    confirmDeactivate: (n) => `Deactivate ${n}? Their sessions and API tokens end at once; their history is kept.`,
    roles: { admin: "Admin", supervisor: "Supervisor", operator: "Operator" },
    roleHelp: "Admin: everything, settings included. Supervisor: everything an operator does, plus supervision and the audit log; no settings. Operator: answers conversations.",
    statuses: { invited: "invited", active: "active", deactivated: "deactivated" },
    defaultCap: (d) => `default (${d})`, none: "—", you: "you",
    templates: "Mail templates", templatesHelp: "Mails Vigie sends about accounts, in minijinja. A template that does not compile or names an unknown variable is refused with its line.",
    inviteMail: "Invitation", resetMail: "Forgotten password", subject: "Subject", html: "HTML", text: "Text",
    preview: "Preview", saveTemplates: "Save the templates", templatesSaved: "Templates saved.",
    variables: "Variables", previewHtml: "HTML", previewText: "Text",
    vars: { link: "the single-use link", name: "the person's name", email: "their address", inviter_name: "who invites (or the person themselves for a forgotten password)", expires_at: "when the link stops working", lang: "the mail's language (fr, en)" },
    french: "Français (fr)", english: "English (en)", editTitle: (n) => `Edit ${n}`,
  },
};

const ROLES = ["operator", "supervisor", "admin"];
const splitLangs = (v) => v.split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);
const capValue = (v) => { const s = v.trim(); if (!s) return null; const n = Number(s); return Number.isInteger(n) ? n : s; };

function roleSelect(t, value) {
  const sel = h("select", ROLES.map((r) => h("option", { value: r }, t.roles[r])));
  sel.value = value || "operator";
  return sel;
}

export const peopleSection = {
  key: "people",
  nav: (lang) => T[lang].people,
  visible: (me) => me.operator.role === "admin",
  match: (parts) => parts[0] === "people",
  async render(ctx, parts) {
    if (parts[1]) return renderEdit(ctx, Number(parts[1]));
    return renderList(ctx);
  },
};

async function renderList(ctx) {
  const { api, lang, show, me } = ctx;
  const t = T[lang];
  const data = await api("GET", "/people");
  const msg = h("div#people-msg", { "aria-live": "polite" });
  const flash = sessionStorage.getItem("vigie.admin.people.flash");
  if (flash) { sessionStorage.removeItem("vigie.admin.people.flash"); msg.replaceChildren(h("div.msg.ok", { role: "status" }, flash)); }

  const act = async (fn, ok) => {
    msg.replaceChildren();
    try { await fn(); sessionStorage.setItem("vigie.admin.people.flash", ok); ctx.route(); }
    catch (err) { if (err.status !== 401) msg.replaceChildren(problemBox(lang, err)); }
  };
  const rows = data.people.map((p) => h("tr", { "data-email": p.email, "data-status": p.status },
    h("td", p.name, p.id === me.operator.id ? h("span.badge", { style: "margin-left:6px" }, t.you) : null),
    h("td", p.email),
    h("td", t.roles[p.role] || p.role),
    h("td", p.languages.length ? p.languages.join(", ") : t.none),
    h("td", p.capacity == null ? t.defaultCap(data.default_capacity) : String(p.capacity)),
    h("td", h(`span.badge.st-${p.status}`, t.statuses[p.status] || p.status)),
    h("td", h("div.row-actions",
      h("a.button", { href: `#/people/${p.id}`, "aria-label": `${t.edit} ${p.name}` }, t.edit),
      p.status === "invited" ? h("button", { type: "button", onclick: () => act(
        () => api("POST", `/people/${p.id}/invite`, { lang }), t.resent(p.email)) }, t.resend) : null,
      p.status === "deactivated"
        ? h("button", { type: "button", onclick: () => act(() => api("POST", `/people/${p.id}/reactivate`, {}), t.reactivated(p.name)) }, t.reactivate)
        : p.id === me.operator.id ? null : h("button.danger", { type: "button", "aria-label": `${t.deactivate} ${p.name}`, onclick: () => {
          if (confirm(t.confirmDeactivate(p.name))) act(() => api("POST", `/people/${p.id}/deactivate`, {}), t.deactivated(p.name));
        } }, t.deactivate)))));

  // Invitation form
  const inputs = {
    email: h("input", { type: "email", autocomplete: "off", spellcheck: "false" }),
    name: h("input", { type: "text", maxlength: 100 }),
    role: roleSelect(t, "operator"),
    languages: h("input", { type: "text", value: lang, spellcheck: "false" }),
    capacity: h("input", { type: "number", min: 1, max: 20, step: 1, inputmode: "numeric" }),
  };
  const labels = { email: t.email, name: t.name, role: t.role, languages: t.languages, capacity: t.capacity, lang: t.mailLang };
  let mailLang = lang;
  const langRadios = h("div.switch", { role: "radiogroup", "aria-label": t.mailLang },
    ["fr", "en"].map((l) => h("span.opt",
      h("input", { type: "radio", name: "invite-lang", id: `invite-lang-${l}`, value: l, checked: l === mailLang, onchange: () => { mailLang = l; } }),
      h("label", { for: `invite-lang-${l}` }, l === "fr" ? t.french : t.english))));
  const inviteMsg = h("div", { "aria-live": "polite" });
  const inviteForm = h("form#invite-form.card", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    inviteMsg.replaceChildren();
    const body = { email: inputs.email.value.trim(), name: inputs.name.value, role: inputs.role.value,
      languages: splitLangs(inputs.languages.value), capacity: capValue(inputs.capacity.value), lang: mailLang };
    try {
      await api("POST", "/people", body);
      sessionStorage.setItem("vigie.admin.people.flash", t.invited(body.email, data.link_hours));
      ctx.route();
    } catch (err) { if (err.status !== 401) inviteMsg.replaceChildren(problemBox(lang, err, inputs, labels)); }
  } },
  h("h2", { style: "margin-top:0" }, t.invite),
  h("div.grid2",
    field("invite-email", t.email, inputs.email),
    field("invite-name", t.name, inputs.name),
    field("invite-role", t.role, inputs.role),
    field("invite-languages", t.languages, inputs.languages, t.languagesHint),
    field("invite-capacity", t.capacity, inputs.capacity, t.capacityHint(data.default_capacity)),
    h("div.field", h("span.label", t.mailLang), langRadios)),
  h("p.hint", t.roleHelp),
  inviteMsg,
  h("div.actions", h("button.primary", { type: "submit" }, t.sendInvite)));

  show(t.people,
    h("h1", t.people),
    msg,
    h("table#people-table",
      h("thead", h("tr", [t.name, t.email, t.role, t.languages, t.capacity, t.status, t.actions].map((c) => h("th", c)))),
      h("tbody", rows)),
    inviteForm,
    await templatesCard(ctx));
}

async function renderEdit(ctx, id) {
  const { api, lang, show } = ctx;
  const t = T[lang];
  const [p, list] = await Promise.all([api("GET", `/people/${id}`), api("GET", "/people")]);
  const inputs = {
    name: h("input", { type: "text", value: p.name, maxlength: 100 }),
    role: roleSelect(t, p.role),
    languages: h("input", { type: "text", value: p.languages.join(", "), spellcheck: "false" }),
    capacity: h("input", { type: "number", min: 1, max: 20, step: 1, value: p.capacity == null ? "" : String(p.capacity) }),
  };
  const labels = { name: t.name, role: t.role, languages: t.languages, capacity: t.capacity };
  const msg = h("div#edit-msg", { "aria-live": "polite" });
  const form = h("form#edit-form.card", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    try {
      await api("PATCH", `/people/${id}`, { name: inputs.name.value, role: inputs.role.value,
        languages: splitLangs(inputs.languages.value), capacity: capValue(inputs.capacity.value) });
      msg.replaceChildren(h("div.msg.ok", { role: "status" }, t.saved));
    } catch (err) { if (err.status !== 401) msg.replaceChildren(problemBox(lang, err, inputs, labels)); }
  } },
  h("dl.facts", h("dt", t.email), h("dd", p.email), h("dt", t.status), h("dd", t.statuses[p.status] || p.status)),
  field("edit-name", t.name, inputs.name),
  field("edit-role", t.role, inputs.role, t.roleHelp),
  field("edit-languages", t.languages, inputs.languages, t.languagesHint),
  field("edit-capacity", t.capacity, inputs.capacity, t.capacityHint(list.default_capacity)),
  msg,
  h("div.actions", h("button.primary", { type: "submit" }, t.save), h("a.button", { href: "#/people" }, t.back)));
  show(t.editTitle(p.name), h("div.crumbs", h("a", { href: "#/people" }, t.people), " › ", p.name), h("h1", t.editTitle(p.name)), form);
}

// ---- The account mail templates
const PARTS = ["subject", "html", "text"];
const VARS = ["link", "name", "email", "inviter_name", "expires_at", "lang"];

async function templatesCard(ctx) {
  const { api, lang } = ctx;
  const t = T[lang];
  const settings = await api("GET", "/livechat/settings");
  if (!settings.invite_mail) return null;
  const kinds = { invite_mail: t.inviteMail, reset_mail: t.resetMail };
  let kind = "invite_mail";
  let mailLang = lang;
  const inputs = {};
  const labels = {};
  const boxes = {};
  for (const k of Object.keys(kinds)) {
    for (const l of ["fr", "en"]) {
      boxes[`${k}.${l}`] = h("fieldset.mail-lang", { hidden: !(k === kind && l === mailLang), lang: l },
        h("legend", `${kinds[k]} – ${l === "fr" ? t.french : t.english}`),
        PARTS.map((part) => {
          const key = `${k}.${l}.${part}`;
          const v = settings[k][l][part];
          const el = part === "subject" ? h("input", { type: "text", value: v, lang: l })
            : h("textarea", { rows: part === "html" ? 8 : 7, value: v, class: "code", spellcheck: part === "text" ? "true" : "false", lang: l });
          inputs[key] = el;
          labels[key] = `${kinds[k]} (${l}) – ${t[part]}`;
          return field(`tpl-${k}-${l}-${part}`, t[part], el);
        }));
    }
  }
  const showBox = () => { for (const [key, box] of Object.entries(boxes)) box.hidden = key !== `${kind}.${mailLang}`; };
  const radios = (name, values, current, set) => h("div.switch", { role: "radiogroup" },
    values.map(([v, label]) => h("span.opt",
      h("input", { type: "radio", name, id: `${name}-${v}`, value: v, checked: v === current, onchange: () => { set(v); showBox(); } }),
      h("label", { for: `${name}-${v}` }, label))));
  const preview = h("div#tpl-preview.mail-preview", { "aria-live": "polite" });
  const msg = h("div#tpl-msg", { "aria-live": "polite" });
  const collect = (k) => ({ fr: Object.fromEntries(PARTS.map((p) => [p, inputs[`${k}.fr.${p}`].value])),
    en: Object.fromEntries(PARTS.map((p) => [p, inputs[`${k}.en.${p}`].value])) });
  // A field error names `invite_mail.fr.html` (or `template.html` in a preview).
  const showErrors = (err) => {
    const fields = ((err.body && err.body.fields) || []).map((f) => {
      const m = /^template\.(subject|html|text)$/.exec(f.field);
      return m ? { ...f, field: `${kind}.${mailLang}.${m[1]}` } : f;
    });
    const first = fields.find((f) => inputs[f.field]);
    if (first) {
      [kind, mailLang] = first.field.split(".");
      for (const r of document.querySelectorAll("#tpl-card input[type=radio]")) r.checked = r.value === kind || r.value === mailLang;
      showBox();
    }
    return problemBox(lang, { ...err, body: { ...err.body, fields } }, inputs, labels);
  };
  return h("section#tpl-card.card", { "aria-labelledby": "tpl-h" },
    h("h2#tpl-h", { style: "margin-top:0" }, t.templates),
    h("p.hint", t.templatesHelp),
    radios("tpl-kind", Object.entries(kinds), kind, (v) => { kind = v; }),
    radios("tpl-lang", [["fr", t.french], ["en", t.english]], mailLang, (v) => { mailLang = v; }),
    Object.values(boxes),
    h("details.vars", h("summary", t.variables),
      h("ul.vars-list", VARS.map((v) => h("li", h("code", `{{ ${v} }}`), " – ", t.vars[v])))),
    msg,
    h("div.actions",
      h("button", { type: "button", id: "tpl-preview-btn", onclick: async () => {
        msg.replaceChildren();
        clearProblems(inputs);
        const template = Object.fromEntries(PARTS.map((p) => [p, inputs[`${kind}.${mailLang}.${p}`].value]));
        try {
          const r = await api("POST", "/livechat/mail-preview", { kind: kind === "invite_mail" ? "invite" : "reset", lang: mailLang, template });
          const frame = h("iframe", { sandbox: "", title: t.previewHtml, class: "mail-frame", referrerpolicy: "no-referrer" });
          frame.srcdoc = r.html || ""; // sandbox="": no script, no same origin
          preview.replaceChildren(h("dl.mail-out",
            h("dt", t.subject), h("dd#tpl-preview-subject", r.subject),
            h("dt", t.previewHtml), h("dd", frame),
            h("dt", t.previewText), h("dd", h("pre", r.text))));
        } catch (err) { if (err.status !== 401) msg.replaceChildren(showErrors(err)); }
      } }, t.preview),
      h("button.primary", { type: "button", id: "tpl-save", onclick: async () => {
        msg.replaceChildren();
        clearProblems(inputs);
        try {
          await api("PUT", "/livechat/settings", { invite_mail: collect("invite_mail"), reset_mail: collect("reset_mail") });
          msg.replaceChildren(h("div.msg.ok", { role: "status" }, t.templatesSaved));
        } catch (err) { if (err.status !== 401) msg.replaceChildren(showErrors(err)); }
      } }, t.saveTemplates)),
    preview);
}
