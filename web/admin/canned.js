// Vigie admin: canned answers (#/canned) — supervisors and admins write the answers operators
// insert in the console's composer by their shortcut ("/vpn"): global or one bot's, French or
// English, Markdown, variables {visitor_name}, {operator_name}, {conversation_name}; import
// and export as JSON. Registered by admin.js (SECTIONS).
import { h } from "../shared/dom.js";
import { problemBox, field } from "../shared/people-errors.js";

const T = {
  fr: {
    canned: "Réponses types", create: "Nouvelle réponse type", edit: "Modifier la réponse type", save: "Enregistrer",
    cancel: "Annuler", shortcut: "Raccourci", shortcutHint: "ex. /vpn", title: "Titre", bot: "Bot", lang: "Langue",
    body: "Texte", bodyHint: "Markdown ; variables {visitor_name}, {operator_name}, {conversation_name}",
    allBots: "tous les bots", preview: "Aperçu", none: "Aucune réponse type.", editBtn: "Modifier", del: "Supprimer",
    confirmDel: (s) => `Supprimer la réponse type ${s} ?`, saved: "Réponse type enregistrée.", deleted: "Réponse type supprimée.",
    exportJson: "Exporter (JSON)", import: "Importer un fichier JSON", importBtn: "Importer", chooseFile: "Choisissez un fichier.",
    imported: (a, r) => `Import terminé : ${a} ajoutée(s), ${r} remplacée(s).`, notJson: "Ce fichier n'est pas du JSON lisible.",
    help: "Dans la console, un conseiller tape « / » au début de sa réponse (ou Alt+R) : la liste s'ouvre, filtrée par ce qu'il tape ; ↑/↓ puis Entrée insère le texte, variables remplies, pour le relire avant de l'envoyer.",
    fr: "français", en: "anglais",
  },
  en: {
    canned: "Canned answers", create: "New canned answer", edit: "Edit the canned answer", save: "Save",
    cancel: "Cancel", shortcut: "Shortcut", shortcutHint: "e.g. /vpn", title: "Title", bot: "Bot", lang: "Language",
    body: "Text", bodyHint: "Markdown; variables {visitor_name}, {operator_name}, {conversation_name}",
    allBots: "every bot", preview: "Preview", none: "No canned answer.", editBtn: "Edit", del: "Delete",
    confirmDel: (s) => `Delete the canned answer ${s}?`, saved: "Canned answer saved.", deleted: "Canned answer deleted.",
    exportJson: "Export (JSON)", import: "Import a JSON file", importBtn: "Import", chooseFile: "Choose a file.",
    imported: (a, r) => `Import done: ${a} added, ${r} replaced.`, notJson: "This file is not readable JSON.",
    help: "In the console, an operator types “/” at the start of their answer (or Alt+R): the list opens, filtered by what they type; ↑/↓ then Enter inserts the text, variables filled, to read it over before sending.",
    fr: "French", en: "English",
  },
};

export const cannedSection = {
  key: "canned",
  nav: (lang) => T[lang].canned,
  visible: (me) => me.operator.role === "admin" || me.operator.role === "supervisor",
  match: (parts) => parts[0] === "canned",
  async render(ctx, parts, params) {
    const { api, lang, show } = ctx;
    const t = T[lang];
    const msg = h("div#canned-msg", { "aria-live": "polite" });
    const flash = sessionStorage.getItem("vigie.admin.canned.flash");
    if (flash) { sessionStorage.removeItem("vigie.admin.canned.flash"); msg.replaceChildren(h("div.msg.ok", { role: "status" }, flash)); }
    const [data, bots] = await Promise.all([
      api("GET", "/canned-answers"),
      api("GET", "/bots").catch(() => ({ bots: [] })),
    ]);
    const list = data.canned_answers;
    const editing = params.get("edit") ? list.find((a) => String(a.id) === params.get("edit")) : null;
    const done = (text) => { sessionStorage.setItem("vigie.admin.canned.flash", text); location.hash = "#/canned"; ctx.route(); };

    const botList = Array.isArray(bots) ? bots : bots.bots || [];
    const inputs = {
      shortcut: h("input", { type: "text", maxlength: 31, value: editing ? editing.shortcut : "/" }),
      title: h("input", { type: "text", maxlength: 100, value: editing ? editing.title : "" }),
      bot: h("select", h("option", { value: "" }, t.allBots), botList.map((b) => h("option", { value: b.slug }, b.name || b.slug))),
      lang: h("select", h("option", { value: "fr" }, t.fr), h("option", { value: "en" }, t.en)),
      body: h("textarea", { rows: 6, maxlength: 4000 }),
    };
    inputs.bot.value = editing && editing.bot ? editing.bot : "";
    inputs.lang.value = editing ? editing.lang : lang;
    inputs.body.value = editing ? editing.body : "";
    const labels = { shortcut: t.shortcut, title: t.title, bot: t.bot, lang: t.lang, body: t.body };
    const formMsg = h("div", { "aria-live": "polite" });
    const form = h("form#canned-form.card", { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      formMsg.replaceChildren();
      const body = { bot: inputs.bot.value || null, lang: inputs.lang.value, shortcut: inputs.shortcut.value,
        title: inputs.title.value, body: inputs.body.value };
      try {
        if (editing) await api("PUT", `/canned-answers/${editing.id}`, body);
        else await api("POST", "/canned-answers", body);
        done(t.saved);
      } catch (err) { if (err.status !== 401) formMsg.replaceChildren(problemBox(lang, err, inputs, labels)); }
    } },
    h("h2", editing ? t.edit : t.create),
    h("div.grid3",
      field("canned-shortcut", t.shortcut, inputs.shortcut, t.shortcutHint),
      field("canned-bot", t.bot, inputs.bot),
      field("canned-lang", t.lang, inputs.lang)),
    field("canned-title", t.title, inputs.title),
    field("canned-body", t.body, inputs.body, t.bodyHint),
    formMsg,
    h("div.actions", h("button.primary", { type: "submit" }, t.save),
      editing ? h("a.button", { href: "#/canned" }, t.cancel) : null));

    const row = (a) => {
      // The preview: the server's sanitized rendering of the Markdown.
      const preview = h("div.canned-preview");
      preview.innerHTML = a.html;
      return h("tr", { "data-shortcut": a.shortcut },
        h("td", h("code", a.shortcut)),
        h("td", a.title),
        h("td", a.bot || h("span.muted", t.allBots)),
        h("td", a.lang),
        h("td", preview),
        h("td.actions",
          h("a.button", { href: `#/canned?edit=${a.id}` }, t.editBtn),
          h("button.danger", { type: "button", "aria-label": `${t.del} ${a.shortcut}`, onclick: async () => {
            if (!confirm(t.confirmDel(a.shortcut))) return;
            try { await api("DELETE", `/canned-answers/${a.id}`); done(t.deleted); } catch (err) { if (err.status !== 401) msg.replaceChildren(problemBox(lang, err)); }
          } }, t.del)));
    };

    const file = h("input", { type: "file", id: "canned-file", accept: ".json,application/json" });
    const importMsg = h("div", { "aria-live": "polite" });
    const importForm = h("form#canned-import.card", { onsubmit: async (e) => {
      e.preventDefault();
      importMsg.replaceChildren();
      const f = file.files[0];
      if (!f) { importMsg.replaceChildren(h("div.msg.error", { role: "alert" }, t.chooseFile)); return; }
      let parsed;
      try { parsed = JSON.parse(await f.text()); } catch { importMsg.replaceChildren(h("div.msg.error", { role: "alert" }, t.notJson)); return; }
      try {
        const r = await api("POST", "/canned-answers/import", parsed);
        done(t.imported(r.added, r.replaced));
      } catch (err) { if (err.status !== 401) importMsg.replaceChildren(problemBox(lang, err)); }
    } },
    h("h2", t.import),
    h("label", { for: "canned-file" }, t.import), file,
    h("div.actions", h("button", { type: "submit" }, t.importBtn)),
    importMsg);

    show(t.canned,
      h("h1", t.canned),
      h("p.hint", t.help),
      msg,
      h("div.actions", h("a.button", { href: "/api/v1/canned-answers/export", download: "reponses-types.json" }, t.exportJson)),
      h("table#canned-table",
        h("thead", h("tr", [t.shortcut, t.title, t.bot, t.lang, t.preview, ""].map((c) => h("th", c)))),
        h("tbody", list.length ? list.map(row) : h("tr", h("td", { colspan: 6 }, h("span.muted", t.none))))),
      form,
      importForm);
    if (editing) inputs.title.focus();
  },
};
