// Admin: managing bots (issue 12, item 2): create (slug, name, languages, default language),
// rename, archive and bring back. Registered by admin.js at #/manage-bots. An archived bot
// leaves the lists and its chatbox says it is unavailable; its history stays.
import { h, fill } from "../shared/dom.js";
import { fieldSentence, httpErrorSentence } from "../shared/errors.js";

const T = {
  fr: {
    title: "Gestion des bots", newBot: "Nouveau bot", create: "Créer le bot", created: (n) => `Bot « ${n} » créé.`,
    slug: "Identifiant", slugHint: "(dans les URL : 2 à 40 caractères a-z, 0-9 et -)",
    name: "Nom", langs: "Langues", defaultLang: "Langue par défaut", fr: "Français", en: "Anglais",
    inUse: "Bots en service", archivedTitle: "Bots archivés", noArchived: "Aucun bot archivé.",
    rename: "Modifier", save: "Enregistrer", cancel: "Annuler", saved: (n) => `Bot « ${n} » enregistré.`,
    archive: "Archiver", unarchive: "Réactiver",
    confirmArchive: (n) => `Archiver le bot « ${n} » ? Sa boîte de dialogue dira qu'il est indisponible ; son historique est conservé.`,
    archivedOk: (n) => `Bot « ${n} » archivé.`, unarchivedOk: (n) => `Bot « ${n} » réactivé.`,
    archivedOn: "archivé le", actions: "Actions",
    retentionDays: "Conservation des conversations (jours)", retentionHint: "(vide : sans limite ; compté depuis la dernière activité)",
    retentionMode: "À l'échéance", modeDelete: "supprimer les conversations", modeAnonymize: "anonymiser (les statistiques restent justes)",
    keptForever: "conservées sans limite", keptDays: (n, m) => `conservées ${n} jour${n > 1 ? "s" : ""}, puis ${m === "delete" ? "supprimées" : "anonymisées"}`,
  },
  en: {
    title: "Manage bots", newBot: "New bot", create: "Create the bot", created: (n) => `Bot “${n}” created.`,
    slug: "Slug", slugHint: "(in URLs: 2 to 40 characters a-z, 0-9 and -)",
    name: "Name", langs: "Languages", defaultLang: "Default language", fr: "French", en: "English",
    inUse: "Bots in use", archivedTitle: "Archived bots", noArchived: "No archived bot.",
    rename: "Edit", save: "Save", cancel: "Cancel", saved: (n) => `Bot “${n}” saved.`,
    archive: "Archive", unarchive: "Bring back",
    confirmArchive: (n) => `Archive the bot “${n}”? Its dialog box will say it is unavailable; its history is kept.`,
    archivedOk: (n) => `Bot “${n}” archived.`, unarchivedOk: (n) => `Bot “${n}” brought back.`,
    archivedOn: "archived on", actions: "Actions",
    retentionDays: "Conversation retention (days)", retentionHint: "(empty: no limit; counted from the last activity)",
    retentionMode: "When it ends", modeDelete: "delete the conversations", modeAnonymize: "anonymize (the statistics stay right)",
    keptForever: "kept with no limit", keptDays: (n, m) => `kept ${n} day${n > 1 ? "s" : ""}, then ${m === "delete" ? "deleted" : "anonymized"}`,
  },
};


/** `ctx` = {api, lang(), isAdmin(), show(title, ...nodes)}. */
export async function renderBotsAdmin(ctx, notice) {
  const { api, lang } = ctx;
  const t = (k, ...a) => { const v = T[lang()][k]; return typeof v === "function" ? v(...a) : v; };
  const all = (await api("GET", "/bots?archived=true")).bots;
  const active = all.filter((b) => !b.archived);
  const archived = all.filter((b) => b.archived);
  const msg = h("div#bots-msg", { "aria-live": "polite" }, notice ? h("div.msg.ok", { role: "status" }, notice) : null);
  const again = (text) => renderBotsAdmin(ctx, text);

  const problemBox = (err, labels) => {
    const b = (err && err.body) || {};
    // A slug already taken is said of the slug field, by its label.
    const list = Array.isArray(b.fields) && b.fields.length
      ? b.fields.map((f) => fieldSentence(lang(), f, labels[f.field] || f.field))
      : b.error === "slug_taken" ? [fieldSentence(lang(), { code: b.error, params: b.params, message: b.message }, labels.slug)]
        : [httpErrorSentence(lang(), err)];
    return h("div.msg.error", { role: "alert" }, list.length === 1 ? list[0] : h("ul", list.map((p) => h("li", p))));
  };

  // One form for the languages: checkboxes fr/en and the default among them.
  const langFields = (prefix, bot) => {
    const langs = bot ? bot.langs : ["fr"];
    const boxes = ["fr", "en"].map((l) => h("input", { type: "checkbox", id: `${prefix}-lang-${l}`, value: l, checked: langs.includes(l) }));
    const def = h("select", { id: `${prefix}-lang` }, h("option", { value: "fr" }, t("fr")), h("option", { value: "en" }, t("en")));
    def.value = bot ? bot.default_lang : "fr";
    const node = [
      h("fieldset.inline", h("legend", t("langs")), boxes.map((b) => h("span.check", b, h("label", { for: b.id, style: "margin:0 1em 0 .2em" }, t(b.value))))),
      h("div", h("label", { for: def.id }, t("defaultLang")), def),
    ];
    return { node, value: () => ({ lang: def.value, langs: boxes.filter((b) => b.checked).map((b) => b.value) }) };
  };
  const labels = { slug: t("slug"), name: t("name"), lang: t("defaultLang"), langs: t("langs"),
    retention_days: t("retentionDays"), retention_mode: t("retentionMode") };
  // The retention of a bot's conversations (issue 15, item 8): days (empty: forever), mode.
  const retentionFields = (prefix, bot) => {
    const r = (bot && bot.retention) || { days: null, mode: "anonymize" };
    const days = h("input", { id: `${prefix}-retention-days`, type: "number", min: "1", step: "1", value: r.days === null ? "" : String(r.days) });
    const mode = h("select", { id: `${prefix}-retention-mode` },
      h("option", { value: "anonymize" }, t("modeAnonymize")), h("option", { value: "delete" }, t("modeDelete")));
    mode.value = r.mode;
    const node = [
      h("div", h("label", { for: days.id }, t("retentionDays"), h("span.hint", ` ${t("retentionHint")}`)), days),
      h("div", h("label", { for: mode.id }, t("retentionMode")), mode),
    ];
    const value = () => {
      const raw = days.value.trim();
      return { retention: { days: raw === "" ? null : Number(raw), mode: mode.value } };
    };
    return { node, value };
  };

  let createForm = null;
  if (ctx.isAdmin()) {
    const slug = h("input", { id: "nb-slug", type: "text", autocomplete: "off", required: true });
    const name = h("input", { id: "nb-name", type: "text", required: true });
    const langs = langFields("nb", null);
    const out = h("div", { "aria-live": "polite" });
    createForm = h("form#bot-new.card", { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren();
      try {
        const b = await api("POST", "/bots", { slug: slug.value.trim(), name: name.value, ...langs.value() });
        again(t("created", b.name));
      } catch (err) { out.replaceChildren(problemBox(err, labels)); }
    } },
    h("h2", t("newBot")),
    h("div", h("label", { for: "nb-slug" }, t("slug"), h("span.hint", ` ${t("slugHint")}`)), slug),
    h("div", h("label", { for: "nb-name" }, t("name")), name),
    langs.node,
    h("div.actions", h("button.primary", { type: "submit" }, t("create"))),
    out);
  }

  const row = (b) => {
    const s = encodeURIComponent(b.slug);
    const cell = h("td");
    const actions = h("td.actions");
    const view = () => {
      fill(cell, h("strong", b.name), h("br"), h("span.hint", `${b.langs.join(", ")} · ${t("defaultLang").toLowerCase()} ${b.default_lang}`),
        h("br"), h("span.hint.retention", b.retention && b.retention.days ? t("keptDays", b.retention.days, b.retention.mode) : t("keptForever")));
      fill(actions, ctx.isAdmin() ? [
        h("button", { type: "button", "data-action": "edit", onclick: edit }, t("rename")),
        b.archived
          ? h("button", { type: "button", "data-action": "unarchive", onclick: async () => {
            try { await api("POST", `/bots/${s}/unarchive`, {}); again(t("unarchivedOk", b.name)); } catch (err) { msg.replaceChildren(problemBox(err, labels)); }
          } }, t("unarchive"))
          : h("button.danger", { type: "button", "data-action": "archive", onclick: async () => {
            if (!window.confirm(t("confirmArchive", b.name))) return;
            try { await api("POST", `/bots/${s}/archive`, {}); again(t("archivedOk", b.name)); } catch (err) { msg.replaceChildren(problemBox(err, labels)); }
          } }, t("archive")),
      ] : null);
    };
    const edit = () => {
      const name = h("input", { id: `eb-${b.slug}-name`, type: "text", value: b.name, "aria-label": t("name") });
      const langs = langFields(`eb-${b.slug}`, b);
      const retention = retentionFields(`eb-${b.slug}`, b);
      const out = h("div", { "aria-live": "polite" });
      fill(cell, h("form", { novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        out.replaceChildren();
        try {
          const nb = await api("PUT", `/bots/${s}`, { name: name.value, ...langs.value(), ...retention.value() });
          again(t("saved", nb.name));
        } catch (err) { out.replaceChildren(problemBox(err, labels)); }
      } }, h("label", { for: name.id }, t("name")), name, langs.node, retention.node,
      h("div.actions", h("button.primary", { type: "submit" }, t("save")), h("button", { type: "button", onclick: view }, t("cancel"))), out));
      fill(actions);
      name.focus();
    };
    view();
    return h("tr", { "data-bot": b.slug },
      h("td", h("code", b.slug)),
      cell,
      b.archived ? h("td", `${t("archivedOn")} ${new Date(b.archived_at).toLocaleDateString(lang() === "fr" ? "fr-FR" : "en-GB")}`) : null,
      actions);
  };

  ctx.show(t("title"),
    h("h1", t("title")),
    msg,
    createForm,
    h("h2", t("inUse")),
    h("table#bots-active", h("thead", h("tr", h("th", t("slug")), h("th", t("name")), h("th", t("actions")))), h("tbody", active.map(row))),
    h("h2", t("archivedTitle")),
    archived.length ? h("table#bots-archived", h("thead", h("tr", h("th", t("slug")), h("th", t("name")), h("th", ""), h("th", t("actions")))), h("tbody", archived.map(row)))
      : h("p.empty", t("noArchived")));
}
