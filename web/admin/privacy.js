// Vigie admin: personal data (#/privacy, issue 15 item 8) — admins find what is stored about
// a visitor (by email address or visitor id), see the counts per kind of record, download it
// all as JSON, and erase it after confirming. Each bot's retention is shown here and set in
// "Gestion des bots". Registered by admin.js (SECTIONS).
import { h } from "../shared/dom.js";
import { problemBox, clearProblems, field } from "../shared/people-errors.js";

const T = {
  fr: {
    title: "Données personnelles",
    help: "Retrouvez tout ce que Vigie conserve sur un visiteur, par son adresse e-mail ou son numéro de visiteur : téléchargez-le (droit d'accès) ou effacez-le (droit à l'effacement). Chaque action est inscrite au journal d'audit, l'adresse masquée.",
    by: "Rechercher par", byEmail: "Adresse e-mail", byVisitor: "Numéro de visiteur",
    email: "Adresse e-mail du visiteur", visitor: "Numéro de visiteur", search: "Rechercher",
    found: "Données conservées", nothing: "Rien n'est conservé sur ce visiteur.",
    kinds: {
      visitors: "fiches visiteur", visitor_pages: "pages vues", conversations: "conversations", messages: "messages",
      monitored: "conversations monitorées", monitored_links: "liens envoyés", offline_messages: "messages hors ligne",
      transcript_mails: "transcriptions envoyées", mails: "e-mails", answer_feedback: "avis sur des réponses",
      satisfaction: "enquêtes de satisfaction", blocks: "blocages", audit_entries: "entrées du journal d'audit (adresse masquée)",
    },
    export: "Télécharger (JSON)", erase: "Tout effacer",
    confirmErase: (who, n) => `Effacer définitivement tout ce qui concerne ${who} (${n} conversation${n > 1 ? "s" : ""}) ? Cette action est irréversible.`,
    erased: (n) => `Données effacées : ${n} conversation${n > 1 ? "s" : ""} supprimée${n > 1 ? "s" : ""}.`,
    retention: "Conservation par bot", bot: "Bot", days: "Durée", mode: "À l'échéance", forever: "sans limite",
    daysN: (n) => `${n} jour${n > 1 ? "s" : ""}`, modes: { delete: "supprimer les conversations", anonymize: "anonymiser" },
    retentionHelp: "Réglez la durée de conservation de chaque bot dans « Gestion des bots » (bouton « Modifier »). Vérifiées toutes les heures : les conversations sans activité depuis plus longtemps sont supprimées, ou anonymisées (e-mails, noms, textes des visiteurs, commentaires, contexte, adresses IP, contenu des e-mails remplacés ; les statistiques restent justes).",
    manage: "Gestion des bots",
  },
  en: {
    title: "Personal data",
    help: "Find everything Vigie stores about a visitor, by email address or visitor number: download it (right of access) or erase it (right to erasure). Every action is written to the audit log, the address masked.",
    by: "Search by", byEmail: "Email address", byVisitor: "Visitor number",
    email: "Visitor's email address", visitor: "Visitor number", search: "Search",
    found: "Data stored", nothing: "Nothing is stored about this visitor.",
    kinds: {
      visitors: "visitor records", visitor_pages: "pages seen", conversations: "conversations", messages: "messages",
      monitored: "monitored conversations", monitored_links: "links sent", offline_messages: "offline messages",
      transcript_mails: "transcripts sent", mails: "emails", answer_feedback: "answer ratings",
      satisfaction: "satisfaction surveys", blocks: "blocks", audit_entries: "audit log entries (address masked)",
    },
    export: "Download (JSON)", erase: "Erase everything",
    confirmErase: (who, n) => `Permanently erase everything about ${who} (${n} conversation${n > 1 ? "s" : ""})? This cannot be undone.`,
    erased: (n) => `Data erased: ${n} conversation${n > 1 ? "s" : ""} deleted.`,
    retention: "Retention per bot", bot: "Bot", days: "Period", mode: "When it ends", forever: "no limit",
    daysN: (n) => `${n} day${n > 1 ? "s" : ""}`, modes: { delete: "delete the conversations", anonymize: "anonymize" },
    retentionHelp: "Set each bot's retention in “Manage bots” (the “Edit” button). Checked every hour: the conversations without activity for longer are deleted, or anonymized (emails, names, visitors' texts, comments, context, IP addresses, mail contents replaced; the statistics stay right).",
    manage: "Manage bots",
  },
};

export const privacySection = {
  key: "privacy",
  group: "team",
  nav: (lang) => T[lang].title,
  visible: (me) => me.operator.role === "admin",
  match: (parts) => parts[0] === "privacy",
  async render(ctx, parts, params) {
    const { api, lang, show } = ctx;
    const t = T[lang];
    const msg = h("div#privacy-msg", { "aria-live": "polite" });
    const flash = sessionStorage.getItem("vigie.admin.privacy.flash");
    if (flash) { sessionStorage.removeItem("vigie.admin.privacy.flash"); msg.replaceChildren(h("div.msg.ok", { role: "status" }, flash)); }

    const byEmail = params.get("visitor") === null;
    const kind = h("select#privacy-by", { onchange: () => swap() },
      h("option", { value: "email" }, t.byEmail), h("option", { value: "visitor" }, t.byVisitor));
    kind.value = byEmail ? "email" : "visitor";
    const email = h("input", { type: "email", autocomplete: "off", value: params.get("email") || "" });
    const visitor = h("input", { type: "number", min: "1", step: "1", value: params.get("visitor") || "" });
    const emailField = field("privacy-email", t.email, email);
    const visitorField = field("privacy-visitor", t.visitor, visitor);
    const inputs = { email, visitor };
    const labels = { email: t.email, visitor: t.visitor };
    const swap = () => {
      emailField.hidden = kind.value !== "email";
      visitorField.hidden = kind.value !== "visitor";
    };
    swap();
    const result = h("div#privacy-result", { "aria-live": "polite" });
    const query = () => (kind.value === "email" ? { email: email.value.trim() } : { visitor: Number(visitor.value) || 0 });
    const qs = (q) => new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();

    const search = async () => {
      clearProblems(inputs);
      msg.replaceChildren();
      result.replaceChildren();
      const q = query();
      let data;
      try { data = await api("GET", `/privacy/subject?${qs(q)}`); } catch (err) {
        if (err.status !== 401) msg.replaceChildren(problemBox(lang, err, inputs, labels));
        return;
      }
      const c = data.counts;
      const who = q.email ? q.email : `${t.visitor.toLowerCase()} ${q.visitor}`;
      if (data.empty) { result.replaceChildren(h("p.empty", t.nothing)); return; }
      const rows = Object.keys(t.kinds).filter((k) => c[k] > 0)
        .map((k) => h("tr", { "data-kind": k }, h("td", t.kinds[k]), h("td.num", String(c[k]))));
      result.replaceChildren(h("section.card",
        h("h2", `${t.found} – ${who}`),
        h("table#privacy-counts", h("tbody", rows)),
        h("div.actions",
          h("a#privacy-export.button", { href: `/api/v1/privacy/export?${qs(q)}`, download: "" }, t.export),
          h("button#privacy-erase.danger", { type: "button", onclick: async () => {
            if (!window.confirm(t.confirmErase(who, c.conversations))) return;
            try {
              const done = await api("POST", "/privacy/erase", q);
              sessionStorage.setItem("vigie.admin.privacy.flash", t.erased(done.erased.conversations));
              ctx.route();
            } catch (err) { if (err.status !== 401) msg.replaceChildren(problemBox(lang, err, inputs, labels)); }
          } }, t.erase))));
    };

    const bots = (await api("GET", "/bots?archived=true")).bots;
    const retention = h("table#privacy-retention",
      h("thead", h("tr", h("th", t.bot), h("th", t.days), h("th", t.mode))),
      h("tbody", bots.map((b) => h("tr", { "data-bot": b.slug },
        h("td", b.name, " ", h("code", b.slug)),
        h("td", b.retention.days ? t.daysN(b.retention.days) : t.forever),
        h("td", b.retention.days ? t.modes[b.retention.mode] : "")))));

    show(t.title,
      h("h1", t.title),
      h("p.hint", t.help),
      msg,
      h("form#privacy-search.card", { novalidate: true, onsubmit: (e) => { e.preventDefault(); search(); } },
        h("div.field", h("label", { for: "privacy-by" }, t.by), kind),
        emailField, visitorField,
        h("div.actions", h("button.primary", { type: "submit" }, t.search))),
      result,
      h("h2", t.retention),
      h("p.hint", t.retentionHelp, " ", h("a", { href: "#/manage-bots" }, t.manage)),
      retention);
    if ((byEmail && email.value) || (!byEmail && visitor.value)) await search();
  },
};
