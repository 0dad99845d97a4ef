// Vigie admin: the audit log (#/audit?actor=&action=&from=&to=&q=&page=) — admins and
// supervisors read who did what, when, to what, from where; filters and pages are the
// server's. Registered by admin.js (SECTIONS).
import { h } from "../shared/dom.js";
import { problemBox, field } from "../shared/people-errors.js";

const PER_PAGE = 50;

const ACTIONS = [
  "person.", "person.invite", "person.invite_resend", "person.update", "person.role", "person.deactivate", "person.reactivate",
  "token.", "token.create", "token.revoke",
  "settings.update", "template.update",
  "bot.", "bot.create", "bot.config", "bot.deploy", "bot.restore",
  "knowledge.", "knowledge.create", "knowledge.update", "knowledge.delete", "knowledge.import",
  "monitored.", "monitored.revoke", "monitored.resend",
  "visitor.", "visitor.block", "visitor.unblock",
  "canned.", "canned.create", "canned.update", "canned.delete", "canned.import",
  "supervision.", "supervision.take_over", "supervision.reassign", "supervision.end",
];

const T = {
  fr: {
    audit: "Journal d'audit", actor: "Qui", action: "Action", from: "Du", to: "Au", q: "Texte", anyone: "tout le monde",
    anyAction: "toutes", filter: "Filtrer", reset: "Effacer les filtres", when: "Quand", target: "Sur quoi", details: "Détails",
    ip: "Adresse", none: "Aucune entrée pour ces filtres.", prev: "Précédente", next: "Suivante",
    page: (p, n, total) => `Page ${p} sur ${n} · ${total} entrée${total > 1 ? "s" : ""}`,
    retention: (d) => `Les entrées sont gardées ${d} jours, puis effacées.`,
    allOf: (a) => `${a}* (toutes)`, qHint: "dans la cible, les détails, le nom ou l'action",
    labels: {
      "person.invite": "invitation", "person.invite_resend": "invitation renvoyée", "person.update": "personne modifiée",
      "person.role": "rôle changé", "person.deactivate": "personne désactivée", "person.reactivate": "personne réactivée",
      "token.create": "jeton créé", "token.revoke": "jeton révoqué", "settings.update": "paramètres modifiés",
      "template.update": "modèle de mail modifié", "bot.create": "bot créé", "bot.config": "boîte de dialogue enregistrée",
      "bot.deploy": "déploiement", "bot.restore": "version restaurée", "knowledge.create": "connaissance créée",
      "knowledge.update": "connaissance modifiée", "knowledge.delete": "connaissance supprimée", "knowledge.import": "import de connaissances",
      "monitored.revoke": "lien monitoré révoqué", "monitored.resend": "lien monitoré renvoyé",
      "visitor.block": "visiteur bloqué", "visitor.unblock": "blocage levé",
      "canned.create": "réponse type créée", "canned.update": "réponse type modifiée", "canned.delete": "réponse type supprimée",
      "canned.import": "import de réponses types",
      "supervision.take_over": "conversation reprise (supervision)", "supervision.reassign": "conversation réaffectée (supervision)",
      "supervision.end": "conversation terminée (supervision)",
    },
  },
  en: {
    audit: "Audit log", actor: "Who", action: "Action", from: "From", to: "To", q: "Text", anyone: "anyone",
    anyAction: "all", filter: "Filter", reset: "Clear the filters", when: "When", target: "On what", details: "Details",
    ip: "Address", none: "No entry for these filters.", prev: "Previous", next: "Next",
    page: (p, n, total) => `Page ${p} of ${n} · ${total} entr${total > 1 ? "ies" : "y"}`,
    retention: (d) => `Entries are kept ${d} days, then deleted.`,
    allOf: (a) => `${a}* (all)`, qHint: "in the target, the details, the name or the action",
    labels: {
      "person.invite": "invitation", "person.invite_resend": "invitation resent", "person.update": "person changed",
      "person.role": "role changed", "person.deactivate": "person deactivated", "person.reactivate": "person reactivated",
      "token.create": "token created", "token.revoke": "token revoked", "settings.update": "settings changed",
      "template.update": "mail template changed", "bot.create": "bot created", "bot.config": "dialog box saved",
      "bot.deploy": "deployment", "bot.restore": "version restored", "knowledge.create": "knowledge created",
      "knowledge.update": "knowledge changed", "knowledge.delete": "knowledge deleted", "knowledge.import": "knowledge import",
      "monitored.revoke": "monitored link revoked", "monitored.resend": "monitored link resent",
      "visitor.block": "visitor blocked", "visitor.unblock": "block lifted",
      "canned.create": "canned answer created", "canned.update": "canned answer changed", "canned.delete": "canned answer deleted",
      "canned.import": "canned answers import",
      "supervision.take_over": "conversation taken over (supervision)", "supervision.reassign": "conversation reassigned (supervision)",
      "supervision.end": "conversation ended (supervision)",
    },
  },
};

export const auditSection = {
  key: "audit",
  nav: (lang) => T[lang].audit,
  visible: (me) => me.operator.role === "admin" || me.operator.role === "supervisor",
  match: (parts) => parts[0] === "audit",
  async render(ctx, parts, params) {
    const { api, lang, show, fmtDate } = ctx;
    const t = T[lang];
    const page = Math.max(1, Number(params.get("page")) || 1);
    const query = new URLSearchParams();
    for (const k of ["actor", "action", "from", "to", "q"]) if (params.get(k)) query.set(k, params.get(k));
    const asked = new URLSearchParams(query);
    asked.set("page", String(page));
    asked.set("per_page", String(PER_PAGE));
    const msg = h("div#audit-msg", { "aria-live": "polite" });
    let data = { entries: [], total: 0, retention_days: 0 };
    const inputs = {
      actor: h("select", h("option", { value: "" }, t.anyone)),
      action: h("select", h("option", { value: "" }, t.anyAction),
        ACTIONS.map((a) => h("option", { value: a }, a.endsWith(".") ? t.allOf(a) : `${a} – ${t.labels[a] || a}`))),
      from: h("input", { type: "date" }),
      to: h("input", { type: "date" }),
      q: h("input", { type: "search" }),
    };
    try {
      const [log, people] = await Promise.all([
        api("GET", `/audit?${asked}`),
        api("GET", "/people").catch(() => ({ people: [] })),
      ]);
      data = log;
      for (const p of people.people) inputs.actor.append(h("option", { value: String(p.id) }, `${p.name} <${p.email}>`));
    } catch (err) {
      if (err.status === 401) return;
      msg.replaceChildren(problemBox(lang, err, inputs, { actor: t.actor, action: t.action, from: t.from, to: t.to, q: t.q }));
    }
    for (const k of Object.keys(inputs)) inputs[k].value = params.get(k) || "";
    const go = (p) => {
      const next = new URLSearchParams();
      for (const k of Object.keys(inputs)) if (inputs[k].value.trim()) next.set(k, inputs[k].value.trim());
      if (p > 1) next.set("page", String(p));
      location.hash = `#/audit${next.toString() ? `?${next}` : ""}`;
    };
    const pages = Math.max(1, Math.ceil(data.total / PER_PAGE));
    // Details as "key: value" lines (a change is [before, after]).
    const detail = (d) => {
      if (!d || typeof d !== "object" || !Object.keys(d).length) return "";
      const v = (x) => (typeof x === "string" ? x : JSON.stringify(x));
      return Object.entries(d).map(([k, x]) => (Array.isArray(x) && x.length === 2 && k !== "languages"
        ? `${k}: ${v(x[0])} → ${v(x[1])}` : `${k}: ${v(x)}`)).join("\n");
    };
    const rows = data.entries.map((e) => h("tr", { "data-action": e.action },
      h("td", h("time", { datetime: new Date(e.at).toISOString() }, fmtDate(e.at))),
      h("td", e.actor_name),
      h("td", h("code", e.action), h("div.hint", t.labels[e.action] || "")),
      h("td", e.target),
      h("td.details", h("code", detail(e.details))),
      h("td", e.ip || "")));
    show(t.audit,
      h("h1", t.audit),
      h("form#audit-filters.card.filters", { role: "search", onsubmit: (e) => { e.preventDefault(); go(1); } },
        h("div.grid3",
          field("audit-actor", t.actor, inputs.actor),
          field("audit-action", t.action, inputs.action),
          field("audit-q", t.q, inputs.q, t.qHint),
          field("audit-from", t.from, inputs.from),
          field("audit-to", t.to, inputs.to)),
        h("div.actions",
          h("button.primary", { type: "submit" }, t.filter),
          h("a.button", { href: "#/audit" }, t.reset))),
      msg,
      h("p#audit-count.status", { role: "status" }, t.page(page, pages, data.total)),
      h("table#audit-table",
        h("thead", h("tr", [t.when, t.actor, t.action, t.target, t.details, t.ip].map((c) => h("th", c)))),
        h("tbody", rows.length ? rows : h("tr", h("td", { colspan: 6 }, h("span.muted", t.none))))),
      h("div.actions.pager",
        h("button", { type: "button", id: "audit-prev", disabled: page <= 1, onclick: () => go(page - 1) }, t.prev),
        h("button", { type: "button", id: "audit-next", disabled: page >= pages, onclick: () => go(page + 1) }, t.next)),
      data.retention_days ? h("p.hint", t.retention(data.retention_days)) : null);
  },
};
