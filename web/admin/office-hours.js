// Vigie admin: office hours and the offline form (#/office-hours, issue 13 item 5) — per bot,
// its time zone, weekly hours and closed days, and the team address that receives the
// messages visitors leave when nobody can answer; the two mails (to the team, and the
// operator's answer to the visitor), fr and en, with a preview. Admins edit, supervisors
// read. Registered by admin.js (SECTIONS).
import { h, fill } from "../shared/dom.js";
import { colon } from "../shared/i18n.js";
import { problemBox, clearProblems, field } from "../shared/people-errors.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const PARTS = ["subject", "html", "text"];
const ZONES = ["Europe/Paris", "Europe/Brussels", "Europe/Luxembourg", "Europe/Zurich", "Europe/London", "America/Montreal",
  "America/Martinique", "America/Guadeloupe", "America/Cayenne", "Indian/Reunion", "Indian/Mayotte", "Pacific/Noumea",
  "Pacific/Tahiti", "Africa/Casablanca", "Africa/Dakar", "Africa/Abidjan", "UTC"];

const T = {
  fr: {
    nav: "Horaires", title: "Horaires d'ouverture et messages hors ligne",
    help: "En dehors des horaires, ou quand aucun conseiller n'est disponible, le chatbot propose au visiteur de laisser un message (e-mail et message) au lieu d'une impasse. Le message arrive dans l'historique, marqué « Message hors ligne », et par e-mail à l'adresse de l'équipe ; un opérateur y répond depuis l'historique.",
    bot: "Bot", noBot: "Aucun bot déployé : déployez un bot d'abord.",
    enabled: "Appliquer des horaires d'ouverture", enabledHint: "décoché : le livechat est ouvert dès qu'un conseiller est disponible",
    timezone: "Fuseau horaire", timezoneHint: "nom IANA, ex. Europe/Paris (heure d'été comprise)",
    days: { mon: "Lundi", tue: "Mardi", wed: "Mercredi", thu: "Jeudi", fri: "Vendredi", sat: "Samedi", sun: "Dimanche" },
    dayHint: "ex. 09:00-12:00, 14:00-18:00 ; vide : fermé",
    closedDays: "Jours de fermeture", closedDaysHint: "une date par ligne, ex. 2026-12-25",
    offlineEmail: "Adresse de l'équipe (messages hors ligne)", offlineEmailHint: "vide : pas de formulaire, le visiteur apprend seulement quand revenir",
    save: "Enregistrer", saved: (b) => `Horaires de « ${b} » enregistrés.`, readOnly: "Lecture seule : seuls les administrateurs modifient ces réglages.",
    mails: "Mails", teamMail: "Mail à l'équipe (message hors ligne)", replyMail: "Réponse au visiteur (avec le lien de la conversation)",
    fr: "Français", en: "English", subject: "Objet", html: "Corps HTML", text: "Corps texte",
    preview: "Aperçu", previewSubject: "Objet", previewText: "Texte", variables: "Variables",
    mailsSaved: "Mails enregistrés.", saveMails: "Enregistrer les mails",
  },
  en: {
    nav: "Hours", title: "Office hours and offline messages",
    help: "Outside office hours, or when no operator is available, the chatbot offers the visitor to leave a message (email and message) instead of a dead end. The message lands in the history, marked “Offline message”, and by email at the team address; an operator answers it from the history.",
    bot: "Bot", noBot: "No deployed bot: deploy a bot first.",
    enabled: "Apply office hours", enabledHint: "unchecked: the livechat is open whenever an operator is available",
    timezone: "Time zone", timezoneHint: "an IANA name, e.g. Europe/Paris (summer time included)",
    days: { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" },
    dayHint: "e.g. 09:00-12:00, 14:00-18:00; empty: closed",
    closedDays: "Closed days", closedDaysHint: "one date a line, e.g. 2026-12-25",
    offlineEmail: "Team address (offline messages)", offlineEmailHint: "empty: no form, the visitor is only told when to come back",
    save: "Save", saved: (b) => `Hours of “${b}” saved.`, readOnly: "Read only: only admins change these settings.",
    mails: "Mails", teamMail: "Mail to the team (offline message)", replyMail: "Answer to the visitor (with the conversation's link)",
    fr: "Français", en: "English", subject: "Subject", html: "HTML body", text: "Text body",
    preview: "Preview", previewSubject: "Subject", previewText: "Text", variables: "Variables",
    mailsSaved: "Mails saved.", saveMails: "Save the mails",
  },
};

const VARIABLES = {
  offline_mail: ["bot_name", "visitor_email", "message", "message_html", "received_at", "conversation_link", "lang"],
  offline_reply_mail: ["bot_name", "operator_name", "reply", "reply_html", "message", "link", "expires_at", "lang"],
};
const DEFAULT_HOURS = () => ({ enabled: true, timezone: "Europe/Paris",
  weekly: ["09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", "", ""], closed_days: [], offline_email: "" });

export const officeHoursSection = {
  key: "office-hours",
  nav: (lang) => T[lang].nav,
  visible: (me) => me.operator.role === "admin" || me.operator.role === "supervisor",
  match: (parts) => parts[0] === "office-hours",
  async render(ctx, parts) {
    const { api, lang, show, me } = ctx;
    const t = T[lang];
    const ro = me.operator.role !== "admin";
    const [settings, botList] = await Promise.all([api("GET", "/livechat/settings"), api("GET", "/bots")]);
    const bots = ((botList && botList.bots) || []).filter((b) => b.deployed_url);
    if (!bots.length) { show(t.nav, h("h1", t.title), h("p.hint", t.help), h("p", t.noBot)); return; }
    const slug = bots.some((b) => b.slug === parts[1]) ? parts[1] : bots[0].slug;
    const bot = bots.find((b) => b.slug === slug);
    const hours = { ...DEFAULT_HOURS(), enabled: false, ...(settings.office_hours || {})[slug] };
    const prefix = `office_hours.${slug}`;

    const inputs = {};
    const labels = {};
    const add = (key, label, el) => { inputs[`${prefix}.${key}`] = el; labels[`${prefix}.${key}`] = label; return el; };
    const enabled = h("input", { type: "checkbox", id: "oh-enabled", checked: !!hours.enabled, disabled: ro });
    const tz = add("timezone", t.timezone, h("input", { type: "text", list: "oh-zones", value: hours.timezone || "", disabled: ro, spellcheck: "false", autocomplete: "off" }));
    const days = DAYS.map((d, i) => add(`weekly.${d}`, t.days[d], h("input", { type: "text", value: hours.weekly[i] || "", disabled: ro, spellcheck: "false", placeholder: "09:00-18:00", autocomplete: "off" })));
    const closed = add("closed_days", t.closedDays, h("textarea", { rows: 3, value: (hours.closed_days || []).join("\n"), disabled: ro, spellcheck: "false" }));
    const email = add("offline_email", t.offlineEmail, h("input", { type: "email", value: hours.offline_email || "", disabled: ro, autocomplete: "off" }));
    const msg = h("div#oh-msg", { "aria-live": "polite" });

    const botPicker = bots.length > 1 ? field("oh-bot", t.bot, h("select", { onchange: (e) => { location.hash = `#/office-hours/${encodeURIComponent(e.target.value)}`; } },
      bots.map((b) => h("option", { value: b.slug, selected: b.slug === slug }, b.name)))) : null;
    const form = h("form#oh-form.card", { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      if (ro) return;
      msg.replaceChildren();
      const body = {
        enabled: enabled.checked,
        timezone: tz.value.trim(),
        weekly: days.map((d) => d.value.trim()),
        closed_days: closed.value.split("\n").map((x) => x.trim()).filter(Boolean),
        offline_email: email.value.trim(),
      };
      try {
        await api("PUT", "/livechat/settings", { office_hours: { [slug]: body } });
        clearProblems(inputs);
        msg.replaceChildren(h("div.msg.ok", { role: "status" }, t.saved(bot.name)));
      } catch (err) {
        if (err.status === 401) return;
        msg.replaceChildren(problemBox(lang, err, inputs, labels));
      }
    } },
    h("h2", { style: "margin-top:0" }, bot.name),
    h("div.field", h("label", { for: "oh-enabled", class: "check" }, enabled, " ", t.enabled, " ", h("span.hint", t.enabledHint))),
    field("oh-timezone", t.timezone, tz, t.timezoneHint),
    h("datalist", { id: "oh-zones" }, ZONES.map((z) => h("option", { value: z }))),
    h("fieldset.oh-week", h("legend", t.dayHint), DAYS.map((d, i) => field(`oh-day-${d}`, t.days[d], days[i]))),
    field("oh-closed", t.closedDays, closed, t.closedDaysHint),
    field("oh-offline-email", t.offlineEmail, email, t.offlineEmailHint),
    msg,
    ro ? h("p.muted", t.readOnly) : h("div.actions", h("button.primary", { type: "submit", id: "oh-save" }, t.save)));

    show(t.nav, h("h1", t.title), h("p.hint", t.help), botPicker, form,
      mailsEditor({ api, lang, settings, ro, t }));
  },
};

/** The two offline mails, fr and en, with their previews. */
function mailsEditor({ api, lang, settings, ro, t }) {
  const inputs = {};
  const labels = {};
  const msg = h("div#oh-mails-msg", { "aria-live": "polite" });
  const out = h("div#oh-preview.mail-preview", { "aria-live": "polite" });
  const kindLabel = { offline_mail: t.teamMail, offline_reply_mail: t.replyMail };
  const block = (kind, l) => h("fieldset", { lang: l }, h("legend", `${kindLabel[kind]} – ${t[l]}`),
    PARTS.map((p) => {
      const key = `${kind}.${l}.${p}`;
      const v = settings[kind][l][p];
      const el = p === "subject"
        ? h("input", { type: "text", value: v, disabled: ro })
        : h("textarea", { rows: p === "html" ? 7 : 6, value: v, disabled: ro, class: "code", spellcheck: p === "text" ? "true" : "false" });
      inputs[key] = el;
      labels[key] = `${kindLabel[kind]} (${l}) – ${t[p]}`;
      return field(`oh-${kind}-${l}-${p}`, t[p], el);
    }),
    h("div.actions", h("button", { type: "button", id: `oh-preview-${kind}-${l}`, onclick: () => preview(kind, l) }, `${t.preview} (${l})`)));
  const collect = (kind) => Object.fromEntries(["fr", "en"].map((l) => [l, Object.fromEntries(PARTS.map((p) => [p, inputs[`${kind}.${l}.${p}`].value]))]));
  async function preview(kind, l) {
    msg.replaceChildren();
    try {
      const r = await api("POST", "/livechat/mail-preview", { lang: l, kind: kind === "offline_mail" ? "offline" : "offline_reply", template: collect(kind)[l] });
      const frame = h("iframe", { sandbox: "", title: t.preview, srcdoc: r.html, style: "width:100%;min-height:220px;border:1px solid #ccc" });
      fill(out, h("dl", h("dt", t.previewSubject), h("dd#oh-preview-subject", r.subject), h("dt", t.previewText), h("dd", h("pre", r.text))), frame);
    } catch (err) {
      if (err.status === 401) return;
      // A preview's errors name "template.html": as this template's.
      const fields = ((err.body && err.body.fields) || []).map((f) => ({ ...f, field: f.field.replace(/^template\./, `${kind}.${l}.`) }));
      msg.replaceChildren(problemBox(lang, { ...err, body: { ...(err.body || {}), fields } }, inputs, labels));
    }
  }
  return h("form#oh-mails.card", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (ro) return;
    msg.replaceChildren();
    try {
      await api("PUT", "/livechat/settings", { offline_mail: collect("offline_mail"), offline_reply_mail: collect("offline_reply_mail") });
      clearProblems(inputs);
      msg.replaceChildren(h("div.msg.ok", { role: "status" }, t.mailsSaved));
    } catch (err) {
      if (err.status === 401) return;
      msg.replaceChildren(problemBox(lang, err, inputs, labels));
    }
  } },
  h("h2", { style: "margin-top:0" }, t.mails),
  ["offline_mail", "offline_reply_mail"].map((kind) => h("div",
    h("h3", kindLabel[kind]),
    h("p.hint", `${t.variables}${colon(lang)}`, VARIABLES[kind].map((v, i) => [i ? ", " : "", h("code", `{{ ${v} }}`)])),
    block(kind, "fr"), block(kind, "en"))),
  ro ? null : h("div.actions", h("button.primary", { type: "submit", id: "oh-mails-save" }, t.saveMails)),
  msg, out);
}
