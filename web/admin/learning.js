// Vigie admin: "À apprendre" / "To learn" (#/learning?bot=&from=&to=), issue 14, item 3.
// For a bot and a period: the visitors' questions the bot did not understand or only
// suggested for, and the answers rated 👎, grouped by meaning (one row per need, with its
// count and examples) and the item the matcher thought closest. One click adds the chosen
// questions to an item (admins), or opens a new item prefilled with them; an off-topic group
// is dismissed for good. The share answered now and after the next deploy shows the bot
// improve. Admins and supervisors; registered by admin.js (SECTIONS).
import { h, fill } from "../shared/dom.js";
import { problemBox } from "../shared/people-errors.js";

const T = {
  fr: {
    nav: "À apprendre", title: "À apprendre",
    help: "Les questions des visiteurs auxquelles le bot n'a pas su répondre (non comprises, ou seulement des suggestions) et les réponses que les visiteurs ont jugées inutiles, regroupées par sens : une ligne par besoin, quelle que soit la formulation. Ajoutez-les aux formulations d'une connaissance, puis déployez : le bot y répondra.",
    bot: "Bot", from: "Du", to: "Au (inclus)", showBtn: "Afficher",
    measureNow: (a, n, p) => `Répondues maintenant : ${a}/${n} (${p} %)`,
    measureAfter: (a, n, p) => `après déploiement : ${a}/${n} (${p} %)`,
    measuring: "Calcul de la part des questions répondues…",
    pending: "La base de connaissances a changé depuis le dernier déploiement.",
    deploy: "Déployer maintenant", deployed: (v) => `Version ${v} déployée : le bot répond désormais avec ces formulations.`,
    none: "Aucune question à apprendre sur cette période.",
    groupTitle: (n, d) => `${n} question${n > 1 ? "s" : ""}${d > 1 ? ` · ${d} formulations` : ""}`,
    sources: { not_understood: "non comprise", suggestions: "suggestions", unhelpful: "réponse jugée inutile" },
    times: (n) => `× ${n}`,
    closest: "Connaissance la plus proche :", noClosest: "aucune connaissance proche (bot jamais déployé)",
    target: "Ajouter à la connaissance", other: "Autre connaissance (identifiant)…", otherId: "Identifiant de la connaissance",
    add: "Ajouter aux formulations", newItem: "Nouvelle connaissance avec ces questions", dismiss: "Écarter (hors sujet)",
    confirmDismiss: (n) => `Écarter ces ${n} question(s) ? Elles ne reviendront plus, même posées de nouveau par un autre visiteur.`,
    added: (n, title) => `${n} formulation(s) ajoutée(s) à « ${title} ». Déployez pour que le bot y réponde.`,
    nothingAdded: (title) => `« ${title} » a déjà ces formulations.`,
    dismissedN: (n) => `${n} question(s) écartée(s).`,
    pick: "Cochez au moins une question.",
    hidden: (n) => `${n} question(s) écartée(s) masquée(s) sur la période.`,
    dismissedTitle: (n) => `Questions écartées (${n})`, restore: "Rétablir", by: (n, d) => `par ${n || "?"} le ${d}`,
    adminOnly: "Seuls les administrateurs modifient la base de connaissances.",
    select: "Choisir", question: "Question",
  },
  en: {
    nav: "To learn", title: "To learn",
    help: "The visitors' questions the bot could not answer (not understood, or only suggestions) and the answers visitors rated unhelpful, grouped by meaning: one row per need, however it was worded. Add them to an item's formulations, then deploy: the bot will answer them.",
    bot: "Bot", from: "From", to: "To (included)", showBtn: "Show",
    measureNow: (a, n, p) => `Answered now: ${a}/${n} (${p} %)`,
    measureAfter: (a, n, p) => `after deploy: ${a}/${n} (${p} %)`,
    measuring: "Measuring the share of questions answered…",
    pending: "The knowledge base changed since the last deploy.",
    deploy: "Deploy now", deployed: (v) => `Version ${v} deployed: the bot now answers with these formulations.`,
    none: "No question to learn over this period.",
    groupTitle: (n, d) => `${n} question${n > 1 ? "s" : ""}${d > 1 ? ` · ${d} wordings` : ""}`,
    sources: { not_understood: "not understood", suggestions: "suggestions", unhelpful: "answer rated unhelpful" },
    times: (n) => `× ${n}`,
    closest: "Closest item:", noClosest: "no close item (bot never deployed)",
    target: "Add to the item", other: "Another item (id)…", otherId: "The item's id",
    add: "Add as formulations", newItem: "New item with these questions", dismiss: "Dismiss (off-topic)",
    confirmDismiss: (n) => `Dismiss these ${n} question(s)? They will not come back, even asked again by another visitor.`,
    added: (n, title) => `${n} formulation(s) added to “${title}”. Deploy so that the bot answers them.`,
    nothingAdded: (title) => `“${title}” already has these formulations.`,
    dismissedN: (n) => `${n} question(s) dismissed.`,
    pick: "Tick at least one question.",
    hidden: (n) => `${n} dismissed question(s) hidden over the period.`,
    dismissedTitle: (n) => `Dismissed questions (${n})`, restore: "Take back", by: (n, d) => `by ${n || "?"} on ${d}`,
    adminOnly: "Only admins change the knowledge base.",
    select: "Choose", question: "Question",
  },
};

const DAY = 24 * 3600 * 1000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const pct = (a, n) => (n ? Math.round((100 * a) / n) : 0);

export const learningSection = {
  key: "learning",
  nav: (lang) => T[lang].nav,
  visible: (me) => me.operator.role === "admin" || me.operator.role === "supervisor",
  match: (parts) => parts[0] === "learning",
  async render(ctx, parts, params) {
    const { api, lang, show, fmtDate, me } = ctx;
    const t = T[lang];
    const admin = me.operator.role === "admin";
    const { bots } = await api("GET", "/bots");
    const live = bots.filter((b) => !b.archived);
    const slug = params.get("bot") || (live[0] || bots[0] || {}).slug;
    const today = isoDay(Date.now());
    const toDay = params.get("to") || today;
    const fromDay = params.get("from") || isoDay(Date.parse(toDay) - 29 * DAY);
    const msg = h("div#learning-msg", { "aria-live": "polite" });
    const flash = sessionStorage.getItem("vigie.admin.learning.flash");
    if (flash) { sessionStorage.removeItem("vigie.admin.learning.flash"); msg.replaceChildren(h("div.msg.ok", { role: "status" }, flash)); }

    const botSel = h("select#learning-bot", bots.map((b) => h("option", { value: b.slug, selected: b.slug === slug }, b.name)));
    const fromIn = h("input#learning-from", { type: "date", value: fromDay, max: today });
    const toIn = h("input#learning-to", { type: "date", value: toDay, max: today });
    const form = h("form#learning-form.row", { onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams({ bot: botSel.value, from: fromIn.value, to: toIn.value });
      location.hash = `#/learning?${q}`;
    } },
    h("div", h("label", { for: "learning-bot" }, t.bot), botSel),
    h("div", h("label", { for: "learning-from" }, t.from), fromIn, h("div.field-error", { id: "learning-from-err" })),
    h("div", h("label", { for: "learning-to" }, t.to), toIn),
    h("div.actions", h("button.primary", { type: "submit" }, t.showBtn)));

    if (!slug) { show(t.title, h("h1", t.title), h("p.hint", t.help), form); return; }
    const s = encodeURIComponent(slug);
    // Days in UTC, the end day included.
    const from = Date.parse(`${fromDay}T00:00:00Z`);
    const to = Date.parse(`${toDay}T00:00:00Z`) + DAY;
    const period = `from=${from}&to=${to}`;
    let report = null;
    try { report = await api("GET", `/bots/${s}/learning?${period}`); } catch (err) {
      if (err.status === 401) return;
      msg.replaceChildren(problemBox(lang, err, { from: fromIn }, { from: t.from }));
    }

    const measure = h("div#learning-measure.card", { "aria-live": "polite" }, h("p.muted", t.measuring));
    const reload = (text) => { if (text) sessionStorage.setItem("vigie.admin.learning.flash", text); ctx.route(); };
    async function fillMeasure() {
      try {
        const m = await api("GET", `/bots/${s}/learning/measure?${period}`);
        fill(measure,
          h("p#learning-share",
            h("strong#learning-now", t.measureNow(m.now.answered, m.now.total, pct(m.now.answered, m.now.total))),
            " → ",
            h("strong#learning-after", t.measureAfter(m.after.answered, m.after.total, pct(m.after.answered, m.after.total)))),
          m.pending ? h("p", t.pending, " ", admin ? h("button#learning-deploy.primary", { type: "button", onclick: async (e) => {
            e.target.disabled = true;
            try {
              const d = await api("POST", `/bots/${s}/deployments`, {});
              reload(t.deployed(d.version));
            } catch (err) { e.target.disabled = false; if (err.status !== 401) msg.replaceChildren(problemBox(lang, err)); }
          } }, t.deploy) : null) : null);
      } catch (err) { if (err.status !== 401) measure.replaceChildren(problemBox(lang, err)); }
    }

    let uid = 0;
    const groupView = (g, gi) => {
      const boxes = g.examples.map((e) => {
        const id = `learning-q-${gi}-${++uid}`;
        return { e, box: h("input", { type: "checkbox", id, checked: true, value: e.question }) };
      });
      const chosen = () => boxes.filter((b) => b.box.checked).map((b) => b.box.value);
      const gmsg = h("div.learning-group-msg", { "aria-live": "polite" });
      const target = h("select", { id: `learning-target-${gi}`, "aria-label": t.target },
        g.closest.map((c) => h("option", { value: c.id }, `${c.title} (${c.id})`)),
        h("option", { value: "" }, t.other));
      const otherId = h("input", { id: `learning-other-${gi}`, type: "text", "aria-label": t.otherId, placeholder: t.otherId, hidden: g.closest.length > 0 });
      target.addEventListener("change", () => { otherId.hidden = target.value !== ""; if (!otherId.hidden) otherId.focus(); });
      const need = () => {
        const qs = chosen();
        if (!qs.length) gmsg.replaceChildren(h("div.msg.error", { role: "alert" }, t.pick));
        return qs;
      };
      const actions = h("div.actions",
        admin ? [
          h("label", { for: target.id, class: "sr" }, t.target), target, otherId,
          h("button.primary.learning-add", { type: "button", onclick: async (e) => {
            const questions = need();
            if (!questions.length) return;
            const knowledge_id = target.value || otherId.value.trim();
            e.target.disabled = true;
            try {
              const r = await api("POST", `/bots/${s}/learning/add`, { knowledge_id, questions });
              reload(r.added.length ? t.added(r.added.length, r.title) : t.nothingAdded(r.title));
            } catch (err) {
              e.target.disabled = false;
              if (err.status !== 401) gmsg.replaceChildren(problemBox(lang, err, {}, { questions: t.question, knowledge_id: t.target }));
            }
          } }, t.add),
          h("button.learning-new", { type: "button", onclick: () => {
            const questions = need();
            if (!questions.length) return;
            sessionStorage.setItem("vigie.admin.knowledge.prefill", JSON.stringify({ title: questions[0], formulations: questions }));
            location.hash = `#/bots/${s}/knowledge/new`;
          } }, t.newItem),
        ] : h("span.hint", t.adminOnly),
        h("button.danger.learning-dismiss", { type: "button", onclick: async (e) => {
          const questions = need();
          if (!questions.length || !confirm(t.confirmDismiss(questions.length))) return;
          e.target.disabled = true;
          try {
            const r = await api("POST", `/bots/${s}/learning/dismiss`, { questions });
            reload(t.dismissedN(r.dismissed));
          } catch (err) { e.target.disabled = false; if (err.status !== 401) gmsg.replaceChildren(problemBox(lang, err)); }
        } }, t.dismiss));
      const sources = ["not_understood", "suggestions", "unhelpful"].filter((k) => g[k]).map((k) => `${t.sources[k]} ${g[k]}`).join(" · ");
      return h("section.card.learning-group", { "data-key": g.key, "data-count": g.count },
        h("h2", t.groupTitle(g.count, g.distinct), " ", h("span.muted", { style: "font-weight:400;font-size:.9rem" }, sources)),
        h("p.learning-closest", t.closest, " ", g.closest.length
          ? h("a", { href: `#/bots/${s}/knowledge/${encodeURIComponent(g.closest[0].id)}` }, g.closest[0].title)
          : h("span.muted", t.noClosest)),
        h("ul.learning-examples", { style: "list-style:none;padding-left:0" }, boxes.map(({ e, box }) => h("li", { "data-question": e.question },
          box, " ", h("label", { for: box.id, style: "display:inline;font-weight:400" }, e.question),
          " ", h("span.muted", `${t.times(e.count)} · ${t.sources[e.source]} · `),
          h("a.muted", { href: `/console/history#${encodeURIComponent(e.conversation)}`, target: "_blank", rel: "noopener" }, fmtDate(e.last_at))))),
        actions, gmsg);
    };

    const groups = report ? report.groups : [];
    const dismissed = report ? report.dismissed : [];
    show(t.title,
      h("h1", t.title),
      h("p.hint", t.help),
      form,
      msg,
      report ? measure : null,
      report && report.hidden ? h("p#learning-hidden.muted", t.hidden(report.hidden)) : null,
      h("div#learning-groups", groups.length ? groups.map(groupView) : h("p.muted", t.none)),
      dismissed.length ? h("details#learning-dismissed.card",
        h("summary", t.dismissedTitle(dismissed.length)),
        h("ul", dismissed.map((d) => h("li", `${d.question} `, h("span.muted", t.by(d.by, fmtDate(d.created_at))), " ",
          h("button", { type: "button", onclick: async () => {
            try { await api("DELETE", `/bots/${s}/learning/dismissed/${d.id}`); reload(); } catch (err) {
              if (err.status !== 401) msg.replaceChildren(problemBox(lang, err));
            }
          } }, t.restore))))) : null);
    if (report) fillMeasure();
  },
};
