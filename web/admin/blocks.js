// Vigie admin: blocked visitors (#/blocks, #/blocks?all=1) — supervisors and admins see the
// blocks an operator set from a conversation's tab (visitor, address, bot, reason, who,
// until when) and lift them. Registered by admin.js (SECTIONS).
import { h } from "../shared/dom.js";
import { problemBox } from "../shared/people-errors.js";

const T = {
  fr: {
    blocks: "Visiteurs bloqués", none: "Aucun blocage en cours.", all: "Voir aussi les blocages terminés ou levés",
    bot: "Bot", visitor: "Visiteur", address: "Adresse", conversation: "Conversation", reason: "Motif", by: "Par",
    since: "Depuis", until: "Jusqu'au", permanent: "définitif", state: "État", lift: "Lever le blocage",
    confirmLift: (r) => `Lever ce blocage (« ${r} ») ? Le visiteur pourra de nouveau écrire.`,
    lifted: "Blocage levé.", liftedBy: (n, d) => `levé par ${n || "?"} le ${d}`, over: "terminé", active: "en cours",
    visitorN: (n) => `visiteur n° ${n}`,
    help: "Un conseiller bloque un visiteur depuis l'onglet de sa conversation (bouton « Bloquer »). Le visiteur lit un message poli et ne peut plus écrire jusqu'à la fin du blocage.",
  },
  en: {
    blocks: "Blocked visitors", none: "No block in force.", all: "Also show the blocks that are over or lifted",
    bot: "Bot", visitor: "Visitor", address: "Address", conversation: "Conversation", reason: "Reason", by: "By",
    since: "Since", until: "Until", permanent: "permanent", state: "State", lift: "Lift the block",
    confirmLift: (r) => `Lift this block (“${r}”)? The visitor will be able to write again.`,
    lifted: "Block lifted.", liftedBy: (n, d) => `lifted by ${n || "?"} on ${d}`, over: "over", active: "in force",
    visitorN: (n) => `visitor #${n}`,
    help: "An operator blocks a visitor from their conversation's tab (the “Block” button). The visitor reads a polite message and cannot write until the block ends.",
  },
};

export const blocksSection = {
  key: "blocks",
  nav: (lang) => T[lang].blocks,
  visible: (me) => me.operator.role === "admin" || me.operator.role === "supervisor",
  match: (parts) => parts[0] === "blocks",
  async render(ctx, parts, params) {
    const { api, lang, show, fmtDate } = ctx;
    const t = T[lang];
    const all = params.get("all") === "1";
    const msg = h("div#blocks-msg", { "aria-live": "polite" });
    const flash = sessionStorage.getItem("vigie.admin.blocks.flash");
    if (flash) { sessionStorage.removeItem("vigie.admin.blocks.flash"); msg.replaceChildren(h("div.msg.ok", { role: "status" }, flash)); }
    let data = { blocks: [] };
    try { data = await api("GET", `/blocks${all ? "?all=1" : ""}`); } catch (err) {
      if (err.status === 401) return;
      msg.replaceChildren(problemBox(lang, err));
    }
    const now = Date.now();
    const inForce = (b) => !b.lifted_at && (b.expires_at === null || b.expires_at > now);
    const row = (b) => h("tr", { "data-block": b.id },
      h("td", b.bot),
      h("td", b.visitor_id ? t.visitorN(b.visitor_id) : ""),
      h("td", b.address ? h("code", b.address) : ""),
      h("td", b.conversation ? h("a", { href: `#/history/${encodeURIComponent(b.conversation)}` }, h("code", b.conversation)) : ""),
      h("td", b.reason),
      h("td", b.created_by || ""),
      h("td", fmtDate(b.created_at)),
      h("td", b.expires_at === null ? t.permanent : fmtDate(b.expires_at)),
      h("td", b.lifted_at ? t.liftedBy(b.lifted_by, fmtDate(b.lifted_at)) : inForce(b) ? t.active : t.over),
      h("td", inForce(b) ? h("button.danger", { type: "button", "aria-label": `${t.lift} (${b.reason})`, onclick: async () => {
        if (!confirm(t.confirmLift(b.reason))) return;
        try {
          await api("DELETE", `/blocks/${b.id}`);
          sessionStorage.setItem("vigie.admin.blocks.flash", t.lifted);
          ctx.route();
        } catch (err) { if (err.status !== 401) msg.replaceChildren(problemBox(lang, err)); }
      } }, t.lift) : null));
    show(t.blocks,
      h("h1", t.blocks),
      h("p.hint", t.help),
      h("div.check", h("input", { type: "checkbox", id: "blocks-all", checked: all,
        onchange: (e) => { location.hash = e.target.checked ? "#/blocks?all=1" : "#/blocks"; } }),
      h("label", { for: "blocks-all" }, t.all)),
      msg,
      h("table#blocks-table",
        h("thead", h("tr", [t.bot, t.visitor, t.address, t.conversation, t.reason, t.by, t.since, t.until, t.state, ""].map((c) => h("th", c)))),
        h("tbody", data.blocks.length ? data.blocks.map(row) : h("tr", h("td", { colspan: 10 }, h("span.muted", t.none))))));
  },
};
