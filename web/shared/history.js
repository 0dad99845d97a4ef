// Vigie: the conversation history (issue 12, item 4), shared by the console's history page
// and the admin's. Search (text, bot, state, kind, operator, visitor's email, period), pages
// walked by the server's cursor, a conversation opened read-only with its whole record, and
// its actions: export (txt, json; CSV of the search), transcript by mail, monitored link
// resent. Everything shown is built with h(): no innerHTML with data.
import { h, fill } from "./dom.js";
import { API } from "./api.js";
import { clientId } from "./socket.js";
import { fieldSentence, httpErrorSentence } from "./errors.js";

const T = {
  fr: {
    title: "Historique",
    search: "Texte", searchHint: "3 caractères au moins, dans les messages",
    bot: "Bot", anyBot: "Tous les bots", archived: "archivé",
    state: "État", kind: "Type", any: "Tous",
    operator: "Opérateur", operatorHint: "nom exact",
    visitor: "E-mail du visiteur", from: "Du", to: "Au",
    searchButton: "Rechercher", reset: "Effacer",
    exportCsv: "Exporter la recherche (CSV)",
    none: "Aucune conversation ne correspond à cette recherche.",
    more: "Page suivante", first: "Première page", pageN: (n) => `Page ${n}`,
    results: "Résultats",
    colWhen: "Dernière activité", colBot: "Bot", colKind: "Type", colState: "État", colOperator: "Opérateur",
    colVisitor: "Visiteur", colMessages: "Messages", colName: "Conversation",
    kinds: { bot: "Bot", livechat: "Livechat", monitored: "Monitorée", offline: "Message hors ligne" },
    offlineBadge: "Message hors ligne",
    satisfaction: "Satisfaction", satisfactionOf: (score, name) => `${score}/5${name ? ` (livechat avec ${name})` : ""}`,
    ratings: "Avis sur les réponses", helpful: "utile", unhelpful: "pas utile", rated: "Avis du visiteur :",
    ratingCounts: (up, down) => `${up} utile${up > 1 ? "s" : ""} · ${down} pas utile${down > 1 ? "s" : ""}`,
    offlineTitle: "Messages hors ligne", offlineFrom: "De", offlineLeft: "laissé le", offlineTeamMail: "mail à l'équipe",
    offlineAnswered: (name, at) => `répondu par ${name || "un opérateur"} le ${at}`, offlineUnanswered: "sans réponse",
    offlineReplyTitle: "Répondre par e-mail", offlineReply: "Votre réponse",
    offlineReplyHint: "Le visiteur la reçoit par e-mail avec un lien qui rouvre cette conversation dans le chatbot ; il peut y répondre.",
    offlineReplySend: "Envoyer la réponse", offlineReplied: (email) => `Réponse envoyée à ${email}.`,
    states: { bot: "Avec le bot", queued: "En attente", live: "Avec un opérateur", closed: "Terminée" },
    authors: { visitor: "Visiteur", bot: "Bot", operator: "Opérateur", system: "Système" },
    note: "Note privée",
    back: "Retour aux résultats",
    open: "Ouvrir",
    transcript: "Transcription", readOnly: "Lecture seule",
    started: "Commencée le", operators: "Opérateurs", noOperator: "aucun",
    exportTxt: "Exporter (txt)", exportJson: "Exporter (JSON)",
    mailTitle: "Envoyer la transcription par mail",
    mailTo: "Adresse du visiteur", mailHint: "vide : l'adresse connue du visiteur",
    mailSend: "Envoyer", mailQueued: (e) => `Transcription envoyée à ${e} (file d'envoi).`,
    mailsTitle: "Transcriptions envoyées", byVisitor: "demandée par le visiteur", byOperator: (n) => `envoyée par ${n || "un opérateur"}`,
    monitoredTitle: "Conversation monitorée", monitoredName: "Nom", monitoredEmail: "E-mail",
    monitoredCreator: "Créée par", startingKnowledge: "Connaissance de départ", strong: "Surveillance forte",
    links: "Liens envoyés", linkExpires: "expire le", linkOpened: "ouvert le", linkRevoked: "révoqué le",
    mailStatus: { queued: "en file", sending: "en cours d'envoi", retrying: "nouvel essai", sent: "envoyé", failed: "échec" },
    resendTitle: "Renvoyer le lien", resendTo: "Adresse", resendHint: "vide : la même adresse ; l'ancien lien est révoqué",
    resendButton: "Renvoyer", resent: (e) => `Nouveau lien envoyé à ${e}.`,
    knowledge: "Connaissance envoyée", suggestions: "Suggestions",
    yes: "oui", no: "non",
  },
  en: {
    title: "History",
    search: "Text", searchHint: "at least 3 characters, in the messages",
    bot: "Bot", anyBot: "All bots", archived: "archived",
    state: "State", kind: "Kind", any: "All",
    operator: "Operator", operatorHint: "exact name",
    visitor: "Visitor's email", from: "From", to: "To",
    searchButton: "Search", reset: "Clear",
    exportCsv: "Export the search (CSV)",
    none: "No conversation matches this search.",
    more: "Next page", first: "First page", pageN: (n) => `Page ${n}`,
    results: "Results",
    colWhen: "Last activity", colBot: "Bot", colKind: "Kind", colState: "State", colOperator: "Operator",
    colVisitor: "Visitor", colMessages: "Messages", colName: "Conversation",
    kinds: { bot: "Bot", livechat: "Livechat", monitored: "Monitored", offline: "Offline message" },
    offlineBadge: "Offline message",
    satisfaction: "Satisfaction", satisfactionOf: (score, name) => `${score}/5${name ? ` (livechat with ${name})` : ""}`,
    ratings: "Answer ratings", helpful: "helpful", unhelpful: "not helpful", rated: "Visitor's rating:",
    ratingCounts: (up, down) => `${up} helpful · ${down} not helpful`,
    offlineTitle: "Offline messages", offlineFrom: "From", offlineLeft: "left on", offlineTeamMail: "mail to the team",
    offlineAnswered: (name, at) => `answered by ${name || "an operator"} on ${at}`, offlineUnanswered: "not answered",
    offlineReplyTitle: "Answer by email", offlineReply: "Your answer",
    offlineReplyHint: "The visitor gets it by email with a link that opens this conversation again in the chatbot, where they may answer.",
    offlineReplySend: "Send the answer", offlineReplied: (email) => `Answer sent to ${email}.`,
    states: { bot: "With the bot", queued: "Waiting", live: "With an operator", closed: "Ended" },
    authors: { visitor: "Visitor", bot: "Bot", operator: "Operator", system: "System" },
    note: "Private note",
    back: "Back to the results",
    open: "Open",
    transcript: "Transcript", readOnly: "Read-only",
    started: "Started on", operators: "Operators", noOperator: "none",
    exportTxt: "Export (txt)", exportJson: "Export (JSON)",
    mailTitle: "Send the transcript by mail",
    mailTo: "Visitor's address", mailHint: "empty: the visitor's known address",
    mailSend: "Send", mailQueued: (e) => `Transcript sent to ${e} (outbox).`,
    mailsTitle: "Transcripts sent", byVisitor: "asked by the visitor", byOperator: (n) => `sent by ${n || "an operator"}`,
    monitoredTitle: "Monitored conversation", monitoredName: "Name", monitoredEmail: "Email",
    monitoredCreator: "Created by", startingKnowledge: "Starting knowledge", strong: "Strong monitoring",
    links: "Links sent", linkExpires: "expires on", linkOpened: "opened on", linkRevoked: "revoked on",
    mailStatus: { queued: "queued", sending: "being sent", retrying: "retrying", sent: "sent", failed: "failed" },
    resendTitle: "Resend the link", resendTo: "Address", resendHint: "empty: the same address; the old link is revoked",
    resendButton: "Resend", resent: (e) => `New link sent to ${e}.`,
    knowledge: "Knowledge sent", suggestions: "Suggestions",
    yes: "yes", no: "no",
  },
};


/**
 * Mounts the history in `root`.
 * - `api`: the page's API client (session cookie, CSRF);
 * - `lang()`: the page's language;
 * - `me()`: the signed-in operator ({id, name, role}), for the resend action.
 */
export function mountHistory(root, { api, lang }) {
  const t = (k, ...a) => {
    const v = T[lang()][k] ?? T.fr[k] ?? k;
    return typeof v === "function" ? v(...a) : v;
  };
  const locale = () => (lang() === "fr" ? "fr-FR" : "en-GB");
  const when = (ms) => (ms ? new Date(ms).toLocaleString(locale(), { dateStyle: "short", timeStyle: "short" }) : "");
  const day = (ms) => (ms ? new Date(ms).toLocaleDateString(locale(), { dateStyle: "long" }) : "");

  // What is searched (kept while a conversation is open, so "back" shows the same page).
  let filters = {};
  let pages = [null]; // cursors of the pages seen: pages[i] opens page i+1
  let page = 0;
  let bots = [];

  const labels = () => ({
    q: t("search"), bot: t("bot"), state: t("state"), kind: t("kind"), operator: t("operator"),
    visitor: t("visitor"), from: t("from"), to: t("to"), cursor: t("results"), limit: t("results"), email: t("mailTo"),
  });

  /** The sentences of an API error: each field's by its label, else the error's. */
  function problems(err, extraLabels = {}) {
    const b = (err && err.body) || {};
    const all = { ...labels(), ...extraLabels };
    if (Array.isArray(b.fields) && b.fields.length) {
      return b.fields.map((f) => fieldSentence(lang(), f, all[f.field] || f.field));
    }
    return [httpErrorSentence(lang(), err)];
  }
  const errorBox = (err, extraLabels) => {
    const list = problems(err, extraLabels);
    return h("div.msg.error", { role: "alert" }, list.length === 1 ? list[0] : h("ul", list.map((p) => h("li", p))));
  };

  function query(cursor) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v !== "" && v !== undefined && v !== null) p.set(k, v);
    if (cursor) p.set("cursor", cursor);
    return p.toString();
  }

  const dateMs = (value, end) => {
    if (!value) return "";
    const d = new Date(`${value}T00:00:00`);
    if (Number.isNaN(d.getTime())) return "invalid";
    return end ? d.getTime() + 86_400_000 - 1 : d.getTime();
  };

  async function renderSearch() {
    if (!bots.length) {
      try { bots = (await api("GET", "/bots?archived=true")).bots; } catch { bots = []; }
    }
    const input = (name, type, attrs = {}) => h("input", { id: `hist-${name}`, name, type, value: filters[`_${name}`] ?? filters[name] ?? "", ...attrs });
    const select = (name, options) => {
      const s = h("select", { id: `hist-${name}`, name }, options.map(([v, l]) => h("option", { value: v }, l)));
      s.value = filters[name] || "";
      return s;
    };
    const fields = {
      q: input("q", "search", { "aria-describedby": "hist-q-hint" }),
      bot: select("bot", [["", t("anyBot")], ...bots.map((b) => [b.slug, b.archived ? `${b.name} (${t("archived")})` : b.name])]),
      state: select("state", [["", t("any")], ...Object.entries(T[lang()].states)]),
      kind: select("kind", [["", t("any")], ...Object.entries(T[lang()].kinds)]),
      operator: input("operator", "text"),
      visitor: input("visitor", "text", { autocomplete: "off" }),
      from: input("from", "date"),
      to: input("to", "date"),
    };
    const field = (name, label, hint) => h("div.hist-field",
      h("label", { for: `hist-${name}` }, label, hint ? h("span.hint", { id: `hist-${name}-hint` }, ` ${hint}`) : null), fields[name]);
    const msg = h("div", { "aria-live": "polite" });
    const results = h("div#hist-results");
    const form = h("form.card.hist-search", { role: "search", onsubmit: (e) => {
      e.preventDefault();
      const from = dateMs(fields.from.value, false);
      const to = dateMs(fields.to.value, true);
      filters = {
        q: fields.q.value.trim(), bot: fields.bot.value, state: fields.state.value, kind: fields.kind.value,
        operator: fields.operator.value.trim(), visitor: fields.visitor.value.trim(),
        from: from === "invalid" ? -1 : from, to: to === "invalid" ? -1 : to,
        _from: fields.from.value, _to: fields.to.value,
      };
      pages = [null];
      page = 0;
      load(results, msg);
    } },
    h("div.hist-grid",
      field("q", t("search"), t("searchHint")), field("bot", t("bot")), field("state", t("state")), field("kind", t("kind")),
      field("operator", t("operator"), t("operatorHint")), field("visitor", t("visitor")), field("from", t("from")), field("to", t("to"))),
    h("div.actions",
      h("button.primary", { type: "submit" }, t("searchButton")),
      h("button", { type: "button", onclick: () => { filters = {}; pages = [null]; page = 0; renderSearch(); } }, t("reset"))));
    fill(root, h("h1", t("title")), form, msg, results);
    await load(results, msg);
  }

  const apiFilters = () => Object.fromEntries(Object.entries(filters).filter(([k]) => !k.startsWith("_")));

  async function load(results, msg) {
    msg.replaceChildren();
    let data;
    try {
      const saved = filters;
      filters = apiFilters();
      const qs = query(pages[page]);
      filters = saved;
      data = await api("GET", `/conversations${qs ? `?${qs}` : ""}`);
    } catch (err) {
      if (err.status === 401) return;
      msg.replaceChildren(errorBox(err));
      results.replaceChildren();
      return;
    }
    if (data.next && pages.length === page + 1) pages.push(data.next);
    const saved = filters;
    filters = apiFilters();
    const csv = `${API}/conversations/export?${query(null)}`;
    filters = saved;
    const rows = data.conversations.map((c) => h("tr",
      h("td", when(c.updated_at)),
      h("td", h("a", { href: "#", "data-conversation": c.conversation, onclick: (e) => { e.preventDefault(); openConversation(c.conversation); } },
        c.monitored || c.conversation)),
      h("td", c.bot_name || c.bot),
      h("td", h("span.badge", T[lang()].kinds[c.kind] || c.kind),
        c.offline ? [" ", h("span.badge.offline", t("offlineBadge"))] : null),
      h("td", T[lang()].states[c.state] || c.state),
      h("td", c.operator || ""),
      h("td", c.visitor || ""),
      h("td.num", String(c.messages)),
    ));
    fill(results,
      h("div.actions.hist-bar",
        h("span.status", { role: "status" }, t("pageN", page + 1)),
        page > 0 ? h("button", { type: "button", onclick: () => { page = 0; load(results, msg); } }, t("first")) : null,
        data.next ? h("button#hist-next", { type: "button", onclick: () => { page += 1; load(results, msg); } }, t("more")) : null,
        h("a#hist-csv.button", { href: csv, download: "conversations.csv" }, t("exportCsv"))),
      rows.length ? h("table.hist-table",
        h("caption.sr", t("results")),
        h("thead", h("tr", h("th", t("colWhen")), h("th", t("colName")), h("th", t("colBot")), h("th", t("colKind")),
          h("th", t("colState")), h("th", t("colOperator")), h("th", t("colVisitor")), h("th", t("colMessages")))),
        h("tbody", rows)) : h("p.empty", t("none")));
  }

  let ratingOf = new Map(); // seq → helpful, for the record on screen
  function messageView(m) {
    const who = m.author === "operator" ? (m.operator && m.operator.name) || t("authors").operator : T[lang()].authors[m.author] || m.author;
    const body = [];
    const sameAsTitle = m.knowledge && m.text && m.text.trim() === m.knowledge.title.trim();
    if (m.text && !sameAsTitle) body.push(h("div.hist-text", m.text));
    if (m.knowledge) {
      body.push(h("div.hist-knowledge", h("span.badge", t("knowledge")), " ", h("strong", m.knowledge.title), " ", h("code", m.knowledge.id)));
      // The answer as text: the (server-sanitized) HTML parsed off-document, only its text shown.
      if (m.html) body.push(h("div.hist-answer", new DOMParser().parseFromString(m.html, "text/html").body.textContent.trim()));
    }
    if (m.suggestions && m.suggestions.length) body.push(h("div.hist-sugg", `${t("suggestions")} : `, m.suggestions.map((s) => s.title).join(" | ")));
    if (ratingOf.has(m.seq)) {
      const ok = ratingOf.get(m.seq);
      body.push(h("div.hist-rating", { "data-helpful": String(ok) }, h("span.badge", t("rated")), " ", t(ok ? "helpful" : "unhelpful")));
    }
    const note = m.kind === "note";
    return h(`li.hist-msg.hist-${note ? "note" : m.author}`, { "data-seq": m.seq, "data-kind": m.kind || null },
      h("div.hist-meta", note ? h("span.badge.hist-note-badge", t("note")) : null, note ? " " : null, h("strong", who), " · ", when(m.at || m.created_at)),
      body);
  }

  async function openConversation(id, notice) {
    let r;
    try { r = await api("GET", `/conversations/${encodeURIComponent(id)}`); } catch (err) {
      if (err.status === 401) return;
      fill(root, h("p", h("a", { href: "#", onclick: (e) => { e.preventDefault(); renderSearch(); } }, t("back"))), errorBox(err));
      return;
    }
    const s = encodeURIComponent(r.conversation);
    const mailMsg = h("div", { "aria-live": "polite" }, notice ? h("div.msg.ok", { role: "status" }, notice) : null);
    const mailInput = h("input#hist-mail-to", { type: "email", autocomplete: "off", "aria-describedby": "hist-mail-hint", value: "" });
    const mailForm = h("form#hist-mail.card", { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      mailMsg.replaceChildren();
      try {
        const email = mailInput.value.trim();
        const done = await api("POST", `/conversations/${s}/transcript/mail`, email ? { email } : {});
        mailMsg.replaceChildren(h("div.msg.ok", { role: "status" }, t("mailQueued", done.email)));
        // The record again, with this mail among the transcripts sent (the notice kept).
        setTimeout(() => openConversation(id, t("mailQueued", done.email)), 1500);
      } catch (err) { mailMsg.replaceChildren(errorBox(err, { email: t("mailTo") })); }
    } },
    h("h2", t("mailTitle")),
    h("label", { for: "hist-mail-to" }, t("mailTo"), h("span.hint", { id: "hist-mail-hint" }, ` ${r.visitor ? `(${r.visitor}) ` : ""}${t("mailHint")}`)),
    mailInput,
    h("div.actions", h("button.primary", { type: "submit" }, t("mailSend"))),
    mailMsg);

    let monitored = null;
    if (r.monitored) {
      const m = r.monitored;
      const resendMsg = h("div", { "aria-live": "polite" });
      const resendInput = h("input#hist-resend-to", { type: "email", autocomplete: "off", value: "" });
      const status = (mail) => (mail ? ` · ${T[lang()].mailStatus[mail.status] || mail.status}${mail.error ? ` (${mail.error})` : ""}` : "");
      monitored = h("section#hist-monitored.card",
        h("h2", t("monitoredTitle")),
        h("dl.hist-dl",
          h("dt", t("monitoredName")), h("dd", m.name),
          h("dt", t("monitoredEmail")), h("dd", m.email),
          h("dt", t("monitoredCreator")), h("dd", (m.creator && m.creator.name) || ""),
          h("dt", t("startingKnowledge")), h("dd", m.starting_knowledge ? m.starting_knowledge.title : ""),
          h("dt", t("strong")), h("dd", m.strong ? t("yes") : t("no"))),
        h("h3", t("links")),
        h("ul.hist-links", (m.links || []).map((l) => h("li",
          `${l.email} · ${when(l.created_at)} · ${t("linkExpires")} ${day(l.expires_at)}`,
          l.opened_at ? ` · ${t("linkOpened")} ${when(l.opened_at)}` : "",
          l.revoked_at ? ` · ${t("linkRevoked")} ${when(l.revoked_at)}` : "",
          status(l.mail)))),
        h("form#hist-resend", { novalidate: true, onsubmit: async (e) => {
          e.preventDefault();
          resendMsg.replaceChildren();
          try {
            const email = resendInput.value.trim();
            const done = await api("POST", `/monitored-conversations/${s}/resend`, email ? { email } : {});
            resendMsg.replaceChildren(h("div.msg.ok", { role: "status" }, t("resent", (done.item && done.item.email) || email || m.email)));
            setTimeout(() => openConversation(id), 1200);
          } catch (err) { resendMsg.replaceChildren(errorBox(err, { email: t("resendTo") })); }
        } },
        h("h3", t("resendTitle")),
        h("label", { for: "hist-resend-to" }, t("resendTo"), h("span.hint", ` ${t("resendHint")}`)),
        resendInput,
        h("div.actions", h("button", { type: "submit" }, t("resendButton"))),
        resendMsg));
    }
    // Messages left in the offline form, and the answer by mail (issue 13, item 5).
    let offline = null;
    if (r.offline && r.offline.length) {
      const replyMsg = h("div", { "aria-live": "polite" });
      const replyInput = h("textarea#hist-offline-text", { rows: 5, maxlength: 1000, "aria-describedby": "hist-offline-hint", spellcheck: "true" });
      let replyId = null;
      offline = h("section#hist-offline.card",
        h("h2", t("offlineTitle")),
        h("ul.hist-offline", r.offline.map((o) => h("li",
          h("div.hist-meta", `${t("offlineFrom")} ${o.email} · ${t("offlineLeft")} ${when(o.created_at)}`,
            o.team_mail ? ` · ${t("offlineTeamMail")} ${T[lang()].mailStatus[o.team_mail.status] || o.team_mail.status}` : "",
            " · ", o.answered_at ? t("offlineAnswered", o.answered_by, when(o.answered_at)) : h("strong", t("offlineUnanswered"))),
          h("blockquote.hist-offline-text", o.message)))),
        h("form#hist-offline-reply", { novalidate: true, onsubmit: async (e) => {
          e.preventDefault();
          replyMsg.replaceChildren();
          replyId = replyId || clientId();
          try {
            const done = await api("POST", `/conversations/${s}/offline-reply`, { text: replyInput.value, client_id: replyId });
            replyId = null;
            replyMsg.replaceChildren(h("div.msg.ok", { role: "status" }, t("offlineReplied", done.email)));
            setTimeout(() => openConversation(id, t("offlineReplied", done.email)), 1200);
          } catch (err) { replyMsg.replaceChildren(errorBox(err, { text: t("offlineReply") })); }
        } },
        h("h3", t("offlineReplyTitle")),
        h("label", { for: "hist-offline-text" }, t("offlineReply"), h("span.hint", { id: "hist-offline-hint" }, ` ${t("offlineReplyHint")}`)),
        replyInput,
        h("div.actions", h("button.primary", { type: "submit" }, t("offlineReplySend"))),
        replyMsg));
    }
    ratingOf = new Map((r.ratings || []).map((x) => [x.seq, x.helpful]));
    const surveys = r.satisfaction || [];
    const ups = (r.ratings || []).filter((x) => x.helpful).length;
    const downs = (r.ratings || []).length - ups;
    const mails = r.transcript_mails && r.transcript_mails.length ? h("section#hist-mails.card",
      h("h2", t("mailsTitle")),
      h("ul", r.transcript_mails.map((x) => h("li",
        `${when(x.created_at)} · ${x.email} · ${x.requested_by === "visitor" ? t("byVisitor") : t("byOperator", x.operator)}`,
        x.mail ? ` · ${T[lang()].mailStatus[x.mail.status] || x.mail.status}` : "")))) : null;

    fill(root,
      h("p", h("a#hist-back", { href: "#", onclick: (e) => { e.preventDefault(); renderSearch(); } }, `← ${t("back")}`)),
      h("h1", r.monitored ? r.monitored.name : r.conversation, " ", h("span.badge", t("readOnly"))),
      h("dl.hist-dl",
        h("dt", t("colBot")), h("dd", r.bot.name, r.bot.archived ? ` (${t("archived")})` : ""),
        h("dt", t("colKind")), h("dd", T[lang()].kinds[r.kind] || r.kind),
        h("dt", t("colState")), h("dd", T[lang()].states[r.state] || r.state),
        h("dt", t("started")), h("dd", when(r.created_at)),
        h("dt", t("operators")), h("dd", r.operators.length ? r.operators.join(", ") : t("noOperator")),
        h("dt", t("colVisitor")), h("dd", r.visitor || "—"),
        surveys.length ? [h("dt", t("satisfaction")), h("dd#hist-satisfaction", surveys.map((x) => h("div", { "data-score": x.score },
          t("satisfactionOf", x.score, x.operator), x.comment ? [" — ", h("q", x.comment)] : null)))] : null,
        (r.ratings || []).length ? [h("dt", t("ratings")), h("dd#hist-ratings", t("ratingCounts", ups, downs))] : null),
      h("div.actions",
        h("a#hist-export-txt.button", { href: `${API}/conversations/${s}/transcript?format=txt&lang=${lang()}`, download: `${r.conversation}.txt` }, t("exportTxt")),
        h("a#hist-export-json.button", { href: `${API}/conversations/${s}/transcript?format=json`, download: `${r.conversation}.json` }, t("exportJson"))),
      h("section#hist-transcript.card", h("h2", t("transcript")), h("ol.hist-msgs", r.messages.map(messageView))),
      offline,
      monitored,
      mailForm,
      mails);
    root.scrollIntoView && window.scrollTo(0, 0);
  }

  return { render: renderSearch, open: openConversation };
}
