// Vigie admin: API tokens (#/tokens) — each user's own, and every token for an admin
// (#/tokens?all=1): create (the secret shown once), name, scope, created, last used, revoke.
// Registered by admin.js (SECTIONS).
import { h } from "../shared/dom.js";
import { problemBox, field } from "../shared/people-errors.js";

const SCOPES = ["monitored:create", "knowledge:read", "knowledge:write", "conversations:read", "operator"];

const T = {
  fr: {
    tokens: "Jetons d'API", create: "Créer un jeton", name: "Nom", nameHint: "à quoi il sert, ex. « CRM »",
    scope: "Portée", created: "Créé le", lastUsed: "Dernier usage", owner: "Propriétaire", never: "jamais",
    revoke: "Révoquer", confirmRevoke: (n) => `Révoquer le jeton « ${n} » ? Il cesse de marcher tout de suite.`,
    revoked: (n) => `Jeton « ${n} » révoqué.`, none: "Aucun jeton.", all: "Voir les jetons de tout le monde",
    secretTitle: "Votre nouveau jeton", secretHelp: "Copiez-le maintenant : il ne sera plus jamais affiché. Envoyez-le dans l'en-tête Authorization: Bearer …",
    copy: "Copier", copied: "Copié", help: "Un jeton permet à un autre logiciel (CRM, intranet) d'appeler l'API de Vigie. Donnez-lui la portée la plus étroite qui suffit.",
    scopes: {
      "monitored:create": "monitored:create – créer des conversations monitorées, rien d'autre",
      "knowledge:read": "knowledge:read – lire les connaissances",
      "knowledge:write": "knowledge:write – lire et modifier les connaissances (jeton d'un administrateur)",
      "conversations:read": "conversations:read – lire les conversations et leurs transcriptions",
      operator: "tous mes droits d'opérateur",
    },
  },
  en: {
    tokens: "API tokens", create: "Create a token", name: "Name", nameHint: "what it is for, e.g. “CRM”",
    scope: "Scope", created: "Created", lastUsed: "Last used", owner: "Owner", never: "never",
    revoke: "Revoke", confirmRevoke: (n) => `Revoke the token “${n}”? It stops working at once.`,
    revoked: (n) => `Token “${n}” revoked.`, none: "No token.", all: "Show everyone's tokens",
    secretTitle: "Your new token", secretHelp: "Copy it now: it will never be shown again. Send it in the header Authorization: Bearer …",
    copy: "Copy", copied: "Copied", help: "A token lets another program (CRM, intranet) call Vigie's API. Give it the narrowest scope that is enough.",
    scopes: {
      "monitored:create": "monitored:create – create monitored conversations, nothing else",
      "knowledge:read": "knowledge:read – read the knowledge",
      "knowledge:write": "knowledge:write – read and change the knowledge (an admin's token)",
      "conversations:read": "conversations:read – read the conversations and their transcripts",
      operator: "all my operator rights",
    },
  },
};

export const tokensSection = {
  key: "tokens",
  nav: (lang) => T[lang].tokens,
  visible: () => true,
  match: (parts) => parts[0] === "tokens",
  async render(ctx, parts, params) {
    const { api, lang, show, me, fmtDate } = ctx;
    const t = T[lang];
    const isAdmin = me.operator.role === "admin";
    const all = isAdmin && params.get("all") === "1";
    const data = await api("GET", `/tokens${all ? "?all=1" : ""}`);
    const msg = h("div#tokens-msg", { "aria-live": "polite" });
    const secretBox = h("div", { "aria-live": "polite" });
    const flash = sessionStorage.getItem("vigie.admin.tokens.flash");
    if (flash) { sessionStorage.removeItem("vigie.admin.tokens.flash"); msg.replaceChildren(h("div.msg.ok", { role: "status" }, flash)); }

    const row = (k) => h("tr", { "data-token": k.name },
      h("td", k.name),
      h("td", h("code", k.scope)),
      all ? h("td", `${k.operator_name} <${k.operator_email}>`) : null,
      h("td", fmtDate(k.created_at)),
      h("td", k.last_used_at ? fmtDate(k.last_used_at) : h("span.muted", t.never)),
      h("td", h("button.danger", { type: "button", "aria-label": `${t.revoke} ${k.name}`, onclick: async () => {
        if (!confirm(t.confirmRevoke(k.name))) return;
        try {
          await api("DELETE", `/tokens/${k.id}`);
          sessionStorage.setItem("vigie.admin.tokens.flash", t.revoked(k.name));
          ctx.route();
        } catch (err) { if (err.status !== 401) msg.replaceChildren(problemBox(lang, err)); }
      } }, t.revoke)));
    const rowsOf = (list) => (list.tokens.length ? list.tokens.map(row)
      : [h("tr", h("td", { colspan: all ? 6 : 5 }, h("span.muted", t.none)))]);

    const inputs = {
      name: h("input", { type: "text", maxlength: 100 }),
      scope: h("select", SCOPES.map((s) => h("option", { value: s }, t.scopes[s]))),
    };
    const formMsg = h("div", { "aria-live": "polite" });
    const form = h("form#token-form.card", { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      formMsg.replaceChildren();
      try {
        const r = await api("POST", "/tokens", { name: inputs.name.value, scope: inputs.scope.value });
        const code = h("code#token-secret", r.token);
        const copy = h("button", { type: "button", onclick: async () => {
          try { await navigator.clipboard.writeText(r.token); copy.textContent = t.copied; } catch { /* select by hand */ }
        } }, t.copy);
        secretBox.replaceChildren(h("div.card.secret", { role: "status" },
          h("h2", { style: "margin-top:0" }, t.secretTitle), h("p", t.secretHelp), h("div.deployed", code, copy)));
        inputs.name.value = "";
        const list = await api("GET", `/tokens${all ? "?all=1" : ""}`);
        tbody.replaceChildren(...rowsOf(list));
      } catch (err) { if (err.status !== 401) formMsg.replaceChildren(problemBox(lang, err, inputs, { name: t.name, scope: t.scope })); }
    } },
    h("h2", { style: "margin-top:0" }, t.create),
    h("p.hint", t.help),
    field("token-name", t.name, inputs.name, t.nameHint),
    field("token-scope", t.scope, inputs.scope),
    formMsg,
    h("div.actions", h("button.primary", { type: "submit" }, t.create)));

    const tbody = h("tbody", rowsOf(data));

    show(t.tokens,
      h("h1", t.tokens),
      isAdmin ? h("div.check", h("input", { type: "checkbox", id: "tokens-all", checked: all,
        onchange: (e) => { location.hash = e.target.checked ? "#/tokens?all=1" : "#/tokens"; } }),
      h("label", { for: "tokens-all", style: "margin:0" }, t.all)) : null,
      msg,
      secretBox,
      h("table#tokens-table",
        h("thead", h("tr", [t.name, t.scope, all ? t.owner : null, t.created, t.lastUsed, ""].filter((c) => c !== null).map((c) => h("th", c)))),
        tbody),
      form);
  },
};
