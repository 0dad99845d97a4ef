// Vigie admin: embedding a bot's chatbox in a site (#/embed/{bot}, issue 13 item 2) — the
// loader's snippet, and the identity of the site's logged-in users: the bot's secret (shown
// to admins, renewed or removed, audited) and the `window.VigieSettings` snippet whose
// `user_hash` the site's server computes (HMAC-SHA256 of the user id with that secret).
// Registered by admin.js (SECTIONS).
import { h } from "../shared/dom.js";

const T = {
  fr: {
    nav: "Intégration", title: "Intégrer la boîte de dialogue dans un site",
    bot: "Bot", noBot: "Aucun bot déployé : déployez un bot d'abord.",
    loaderTitle: "Le lanceur",
    loaderHelp: "Collez cette ligne avant </body> sur chaque page du site : un bouton ouvre la boîte de dialogue, qui reste ouverte de page en page. Les pages visitées depuis l'ouverture apparaissent dans la fiche du visiteur, au pupitre.",
    identityTitle: "Visiteurs identifiés",
    identityHelp: "Si votre site connaît l'utilisateur connecté, il peut le dire à Vigie : son nom et son adresse apparaissent au pupitre, et il retrouve sa conversation depuis n'importe quel appareil. Pour qu'un visiteur ne puisse pas se faire passer pour un autre, le serveur de votre site signe l'identifiant avec le secret ci-dessous (HMAC-SHA256, en hexadécimal) : une identité dont la signature est fausse est refusée et la conversation reste anonyme.",
    secret: "Secret d'identification", noSecret: "Aucun secret : les identités envoyées par le site sont refusées.",
    renew: "Générer un nouveau secret", remove: "Supprimer le secret", show: "Afficher", hide: "Masquer", copy: "Copier",
    renewConfirm: "Les signatures calculées avec l'ancien secret seront refusées dès maintenant. Générer un nouveau secret ?",
    removeConfirm: "Les identités envoyées par le site seront refusées. Supprimer le secret ?",
    renewed: "Nouveau secret enregistré : mettez-le à jour sur le serveur de votre site.", removed: "Secret supprimé.",
    copied: "Copié.", pageSnippet: "Dans la page (avant le lanceur)", serverSnippet: "Sur le serveur du site",
    attributes: "attributes : des informations libres (texte, nombres) montrées telles quelles au pupitre.",
    adminOnly: "Seuls les administrateurs voient et changent le secret.",
  },
  en: {
    nav: "Embedding", title: "Embed the chatbox in a site",
    bot: "Bot", noBot: "No deployed bot: deploy a bot first.",
    loaderTitle: "The launcher",
    loaderHelp: "Paste this line before </body> on every page of the site: a button opens the chatbox, which stays open from page to page. The pages visited since it opened show in the visitor's record, in the console.",
    identityTitle: "Identified visitors",
    identityHelp: "If your site knows its logged-in user, it can tell Vigie: their name and address show in the console, and they find their conversation from any device. So that a visitor cannot pass for someone else, your site's server signs the user id with the secret below (HMAC-SHA256, hexadecimal): an identity with a wrong signature is refused and the conversation stays anonymous.",
    secret: "Identity secret", noSecret: "No secret: identities sent by the site are refused.",
    renew: "Generate a new secret", remove: "Remove the secret", show: "Show", hide: "Hide", copy: "Copy",
    renewConfirm: "Signatures made with the old secret will be refused from now on. Generate a new secret?",
    removeConfirm: "Identities sent by the site will be refused. Remove the secret?",
    renewed: "New secret saved: update it on your site's server.", removed: "Secret removed.",
    copied: "Copied.", pageSnippet: "In the page (before the launcher)", serverSnippet: "On the site's server",
    attributes: "attributes: free information (text, numbers) shown as is in the console.",
    adminOnly: "Only administrators see and change the secret.",
  },
};

function snippetBox(id, text, t) {
  const pre = h("pre.snippet", { id }, text);
  const msg = h("span.hint", { "aria-live": "polite" });
  return h("div.snippet-box", pre,
    h("button", { type: "button", onclick: async () => {
      try { await navigator.clipboard.writeText(text); msg.textContent = t.copied; } catch { /* not allowed */ }
    } }, t.copy), " ", msg);
}

export const embedSection = {
  key: "embed",
  nav: (lang) => T[lang].nav,
  visible: (me) => me.operator.role === "admin",
  match: (parts) => parts[0] === "embed",
  async render(ctx, parts) {
    const { api, lang, show } = ctx;
    const t = T[lang];
    const botList = await api("GET", "/bots");
    const bots = ((botList && botList.bots) || []).filter((b) => b.deployed_url);
    if (!bots.length) { show(t.nav, h("h1", t.title), h("p", t.noBot)); return; }
    const slug = bots.some((b) => b.slug === parts[1]) ? parts[1] : bots[0].slug;
    const bot = bots.find((b) => b.slug === slug);
    const s = encodeURIComponent(slug);
    const { secret } = await api("GET", `/bots/${s}/identity`);
    const origin = location.origin;
    const loader = `<script src="${origin}/c/${slug}/loader.js" async></script>`;
    const page = `<script>
  window.VigieSettings = {
    user: { id: "42", email: "marie.dupont@example.fr", name: "Marie Dupont" },
    user_hash: "<?= hash_hmac('sha256', '42', VIGIE_SECRET) ?>",
    attributes: { contrat: "Pro", service: "Comptabilité" }
  };
</script>`;
    const server = `# PHP:     hash_hmac('sha256', $userId, $secret)
# Node:    crypto.createHmac('sha256', secret).update(userId).digest('hex')
# Python:  hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()`;
    const msg = h("div#embed-msg", { "aria-live": "polite" });
    const value = h("input", { type: "password", id: "embed-secret", readonly: true, value: secret || "", spellcheck: "false", autocomplete: "off", size: 48 });
    const toggle = h("button", { type: "button", id: "embed-secret-show", onclick: () => {
      const hidden = value.type === "password";
      value.type = hidden ? "text" : "password";
      toggle.textContent = hidden ? t.hide : t.show;
    } }, t.show);
    const act = (method, confirmText, done) => async () => {
      if (!confirm(confirmText)) return;
      try {
        await api(method, `/bots/${s}/identity/secret`);
        await embedSection.render(ctx, ["embed", slug]);
        const m = document.getElementById("embed-msg");
        if (m) m.replaceChildren(h("div.msg.ok", { role: "status" }, done));
      } catch (err) {
        if (err.status === 401) return;
        msg.replaceChildren(h("div.msg.error", { role: "alert" }, err.message || String(err)));
      }
    };
    const picker = bots.length > 1 ? h("div.field", h("label", { for: "embed-bot" }, t.bot),
      h("select", { id: "embed-bot", onchange: (e) => { location.hash = `#/embed/${encodeURIComponent(e.target.value)}`; } },
        bots.map((b) => h("option", { value: b.slug, selected: b.slug === slug }, b.name)))) : null;
    show(t.nav,
      h("h1", t.title),
      picker,
      h("section.card",
        h("h2", { style: "margin-top:0" }, `${t.loaderTitle} — ${bot.name}`),
        h("p.hint", t.loaderHelp),
        snippetBox("embed-loader", loader, t)),
      h("section.card",
        h("h2", { style: "margin-top:0" }, t.identityTitle),
        h("p.hint", t.identityHelp),
        msg,
        secret
          ? h("div.field", h("label", { for: "embed-secret" }, t.secret), h("div", { style: "display:flex;gap:8px;align-items:center" }, value, toggle))
          : h("p#embed-no-secret", t.noSecret),
        h("p",
          h("button.primary", { type: "button", id: "embed-renew", onclick: act("POST", t.renewConfirm, t.renewed) }, t.renew), " ",
          secret ? h("button.danger", { type: "button", id: "embed-remove", onclick: act("DELETE", t.removeConfirm, t.removed) }, t.remove) : null),
        h("h3", t.pageSnippet),
        snippetBox("embed-settings", page, t),
        h("p.hint", t.attributes),
        h("h3", t.serverSnippet),
        snippetBox("embed-server", server, t),
        h("p.hint", t.adminOnly)));
  },
};
