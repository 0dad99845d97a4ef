// Vigie admin: statistics (#/stats?bot=&period=day|week|month|custom&date=&from=&to=) —
// admins and supervisors read how a bot (or all) did over a day, a week, a month or any
// period, in the helpdesk's time zone: headline figures, charts (SVG, charts.js) and, under
// each chart, its table and the table as CSV. Registered by admin.js (SECTIONS).
import { h } from "../shared/dom.js";
import { colon } from "../shared/i18n.js";
import { problemBox, field } from "../shared/people-errors.js";
import { stackedColumns, horizontalBars, funnel } from "./charts.js";

const T = {
  fr: {
    stats: "Statistiques", bot: "Bot", allBots: "Tous les bots", period: "Période", day: "Jour", week: "Semaine",
    month: "Mois", custom: "Personnalisée", date: "Date", from: "Du", to: "Au", show: "Afficher",
    csv: "Télécharger le CSV", table: "Voir le tableau", tz: (z) => `Fuseau horaire : ${z}`,
    range: (a, b) => (a === b ? `Le ${a}` : `Du ${a} au ${b}`),
    conversations: "Conversations", visitors: "Visiteurs", questions: "Questions", answerRate: (p) => `${p} % avec une réponse`,
    handoffs: "Demandes de conseiller", served: "Servies", abandoned: "Abandonnées en file", wait: "Attente en file (p50 / p90)",
    livechats: "Livechats", firstResponse: "Première réponse (médiane)", duration: "Durée (médiane)",
    satisfaction: "Satisfaction", surveys: (n) => `${n} avis`, thumbs: "Avis sur les réponses",
    none: "Rien sur cette période.", noOperators: "Aucun conseiller actif sur cette période.",
    noMonitored: "Aucune conversation monitorée créée sur cette période.", noKnowledge: "Aucune réponse donnée sur cette période.",
    perOperatorConv: "Conversations par conseiller", perOperatorSat: "Satisfaction moyenne par conseiller",
    scores: "Notes de satisfaction", byCreator: "Par créateur",
    helpfulNote: (up, down) => `${up} utile${up > 1 ? "s" : ""} · ${down} pas utile${down > 1 ? "s" : ""}`,
    thumbsNote: (up, down) => `(utile : ${up}, pas utile : ${down})`,
  },
  en: {
    stats: "Statistics", bot: "Bot", allBots: "All bots", period: "Period", day: "Day", week: "Week",
    month: "Month", custom: "Custom", date: "Date", from: "From", to: "To", show: "Show",
    csv: "Download the CSV", table: "Show the table", tz: (z) => `Time zone: ${z}`,
    range: (a, b) => (a === b ? `On ${a}` : `From ${a} to ${b}`),
    conversations: "Conversations", visitors: "Visitors", questions: "Questions", answerRate: (p) => `${p}% answered`,
    handoffs: "Requests for an operator", served: "Served", abandoned: "Abandoned in queue", wait: "Queue wait (p50 / p90)",
    livechats: "Livechats", firstResponse: "First response (median)", duration: "Duration (median)",
    satisfaction: "Satisfaction", surveys: (n) => `${n} survey${n === 1 ? "" : "s"}`, thumbs: "Answer ratings",
    none: "Nothing in this period.", noOperators: "No operator active in this period.",
    noMonitored: "No monitored conversation created in this period.", noKnowledge: "No answer given in this period.",
    perOperatorConv: "Conversations per operator", perOperatorSat: "Average satisfaction per operator",
    scores: "Satisfaction scores", byCreator: "By creator",
    helpfulNote: (up, down) => `${up} helpful · ${down} not helpful`,
    thumbsNote: (up, down) => `(helpful: ${up}, not: ${down})`,
  },
};

const COLORS = {
  bot: "#1f5fbf", livechat: "#e08a00", monitored: "#7b4bb7",
  answer: "#1e7d3a", suggestions: "#1f5fbf", not_understood: "#b3261e", small_talk: "#8a8f98",
  requests: "#1f5fbf", served: "#1e7d3a", abandoned: "#b3261e", unavailable: "#8a8f98", livechats: "#e08a00",
};

const pad = (n) => String(n).padStart(2, "0");
const iso = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const parse = (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s || "") ? new Date(`${s}T00:00:00Z`) : null);
function today() {
  const n = new Date();
  return `${n.getFullYear()}-${pad(n.getMonth() + 1)}-${pad(n.getDate())}`;
}

/** The first and last day of a period around `date`. */
export function periodDays(period, date, from, to) {
  const d = parse(date) || parse(today());
  if (period === "week") {
    const monday = new Date(d);
    monday.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    const sunday = new Date(monday);
    sunday.setUTCDate(monday.getUTCDate() + 6);
    return [iso(monday), iso(sunday)];
  }
  if (period === "month") {
    return [iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))),
      iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)))];
  }
  if (period === "custom") return [from || iso(d), to || from || iso(d)];
  return [iso(d), iso(d)];
}

function seconds(x, lang) {
  if (x === null || x === undefined) return "—";
  if (x < 60) return `${Math.round(x)} s`;
  const m = Math.floor(x / 60), sec = Math.round(x % 60);
  if (m < 60) return `${m} min ${pad(sec)} s`;
  return `${Math.floor(m / 60)} h ${pad(m % 60)} min`;
}

const fmtNum = (n, lang) => (n === null || n === undefined ? "—" : Number(n).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB"));

export const statsSection = {
  key: "stats",
  nav: (lang) => T[lang].stats,
  visible: (me) => me.operator.role === "admin" || me.operator.role === "supervisor",
  match: (parts) => parts[0] === "stats",
  async render(ctx, parts, params) {
    const { api, lang, show } = ctx;
    const t = T[lang];
    const period = ["day", "week", "month", "custom"].includes(params.get("period")) ? params.get("period") : "day";
    const date = params.get("date") || today();
    const [from, to] = periodDays(period, date, params.get("from"), params.get("to"));
    const bot = params.get("bot") || "";
    const inputs = {
      bot: h("select", h("option", { value: "" }, t.allBots)),
      period: h("select", ["day", "week", "month", "custom"].map((p) => h("option", { value: p }, t[p]))),
      date: h("input", { type: "date" }),
      from: h("input", { type: "date" }),
      to: h("input", { type: "date" }),
    };
    const msg = h("div#stats-msg", { "aria-live": "polite" });
    const query = new URLSearchParams({ from, to, lang });
    if (bot) query.set("bot", bot);
    let report = null;
    try {
      const [bots, r] = await Promise.all([
        api("GET", "/bots").catch(() => ({ bots: [] })),
        api("GET", `/stats?${query}`),
      ]);
      for (const b of bots.bots) inputs.bot.append(h("option", { value: b.slug }, `${b.name} (${b.slug})`));
      report = r;
    } catch (err) {
      if (err.status === 401) return;
      msg.replaceChildren(problemBox(lang, err, inputs, { bot: t.bot, from: t.from, to: t.to }));
    }
    inputs.bot.value = bot;
    inputs.period.value = period;
    inputs.date.value = date;
    inputs.from.value = from;
    inputs.to.value = to;
    const customOnly = [h("div.custom", field("stats-from", t.from, inputs.from)), h("div.custom", field("stats-to", t.to, inputs.to))];
    const dateOnly = h("div.around", field("stats-date", t.date, inputs.date));
    const toggle = () => {
      const custom = inputs.period.value === "custom";
      for (const el of customOnly) el.hidden = !custom;
      dateOnly.hidden = custom;
    };
    inputs.period.addEventListener("change", toggle);
    toggle();
    const go = () => {
      const next = new URLSearchParams();
      if (inputs.bot.value) next.set("bot", inputs.bot.value);
      next.set("period", inputs.period.value);
      if (inputs.period.value === "custom") {
        next.set("from", inputs.from.value);
        next.set("to", inputs.to.value);
      } else if (inputs.date.value) next.set("date", inputs.date.value);
      location.hash = `#/stats?${next}`;
    };
    const form = h("form#stats-filters.card.filters", { role: "search", onsubmit: (e) => { e.preventDefault(); go(); } },
      h("div.grid3",
        field("stats-bot", t.bot, inputs.bot),
        field("stats-period", t.period, inputs.period),
        dateOnly, customOnly),
      h("div.actions", h("button.primary", { type: "submit" }, t.show)));
    if (!report) return show(t.stats, h("h1", t.stats), form, msg);

    const S = report.summary;
    const csvHref = (key) => `/api/v1/stats/${encodeURIComponent(key)}.csv?${query}`;
    const section = (key) => report.sections.find((x) => x.key === key);
    const kpi = (key, label, value, note) => h("div.kpi", { "data-kpi": key },
      h("div.kpi-label", label), h("div.kpi-value", value), note ? h("div.kpi-note", note) : null);
    const rate = S.questions ? Math.round((S.answered / S.questions) * 100) : 0;
    const kpis = h("div#stats-kpis.kpis",
      kpi("conversations", t.conversations, fmtNum(S.conversations, lang), `${fmtNum(S.visitors, lang)} ${t.visitors.toLowerCase()}`),
      kpi("questions", t.questions, fmtNum(S.questions, lang), t.answerRate(rate)),
      kpi("handoffs", t.handoffs, fmtNum(S.handoffs, lang), `${t.served}${colon(lang)}${fmtNum(S.served, lang)} · ${t.abandoned}${colon(lang)}${fmtNum(S.abandoned, lang)}`),
      kpi("queue_wait", t.wait, `${seconds(S.queue_wait_p50, lang)} / ${seconds(S.queue_wait_p90, lang)}`),
      kpi("livechats", t.livechats, fmtNum(S.livechats, lang), `${t.firstResponse}${colon(lang)}${seconds(S.first_response_median, lang)} · ${t.duration}${colon(lang)}${seconds(S.duration_median, lang)}`),
      kpi("satisfaction", t.satisfaction, S.satisfaction === null ? "—" : `${fmtNum(S.satisfaction, lang)} / 5`, t.surveys(S.surveys)),
      kpi("thumbs", t.thumbs, `${fmtNum(S.helpful, lang)} / ${fmtNum(S.helpful + S.unhelpful, lang)}`, t.helpfulNote(S.helpful, S.unhelpful)));

    // A table, its CSV and (folded) its rows, under a chart.
    const tableOf = (sec) => h("details.stats-table",
      h("summary", t.table),
      h("table", { "data-section": sec.key },
        h("thead", h("tr", sec.columns.map((c) => h("th", { scope: "col" }, c.label)))),
        h("tbody", sec.rows.map((r) => h("tr", r.map((v) => h("td", v === null ? "—" : typeof v === "number" ? fmtNum(v, lang) : v)))))));
    const card = (sec, chart, empty) => h("section.card.stats-card", { id: `stats-${sec.key}`, "aria-labelledby": `stats-${sec.key}-title` },
      h("div.stats-head", h("h2", { id: `stats-${sec.key}-title` }, sec.title),
        h("a.button.csv", { href: csvHref(sec.key), download: "", "data-csv": sec.key }, t.csv)),
      empty ? h("p.muted", empty) : chart,
      tableOf(sec));
    const hourly = report.granularity === "hour";
    const tick = (l) => (hourly ? l.slice(11, 13) : `${l.slice(8, 10)}/${l.slice(5, 7)}`);
    const timeChart = (key, pick) => {
      const sec = section(key);
      const series = pick.map(([col, color]) => {
        const i = sec.columns.findIndex((c) => c.key === col);
        return { name: sec.columns[i].label, color, values: sec.rows.map((r) => r[i] || 0) };
      });
      const total = series.reduce((a, se) => a + se.values.reduce((x, v) => x + v, 0), 0);
      return card(sec, stackedColumns({ labels: sec.rows.map((r) => r[0]), series, lang, tick, title: sec.title }), total ? null : t.none);
    };
    const conversations = timeChart("conversations", [["bot", COLORS.bot], ["livechat", COLORS.livechat], ["monitored", COLORS.monitored]]);
    const questions = timeChart("questions", [["answer", COLORS.answer], ["suggestions", COLORS.suggestions],
      ["not_understood", COLORS.not_understood], ["small_talk", COLORS.small_talk]]);
    const handoffs = timeChart("handoffs", [["served", COLORS.served], ["abandoned", COLORS.abandoned], ["unavailable", COLORS.unavailable]]);
    const livechats = timeChart("livechats", [["livechats", COLORS.livechats]]);

    const ops = section("operators");
    const opsChart = ops.rows.length ? h("div",
      horizontalBars({ rows: ops.rows.map((r) => ({ label: r[0], value: r[1] })), lang, color: COLORS.livechat, title: t.perOperatorConv }),
      ops.rows.some((r) => r[5] !== null)
        ? h("div", h("h3", t.perOperatorSat), horizontalBars({
          rows: ops.rows.filter((r) => r[5] !== null).map((r) => ({ label: r[0], value: r[5], note: `(${t.surveys(r[4])})` })),
          lang, color: COLORS.answer, title: t.perOperatorSat, unit: " / 5" }))
        : null) : null;
    const operators = card(ops, opsChart, ops.rows.length ? null : t.noOperators);

    const mon = section("monitored");
    const totalRow = mon.rows[mon.rows.length - 1];
    const monitored = card(mon, totalRow ? h("div",
      funnel({ steps: mon.columns.slice(1).map((c, i) => ({ label: c.label, value: totalRow[i + 1] })), lang, title: mon.title }),
      mon.rows.length > 2 ? h("p.hint", `${t.byCreator}${colon(lang)}${mon.rows.slice(0, -1).map((r) => `${r[0] || "—"} (${r[1]})`).join(", ")}`) : null)
      : null, totalRow ? null : t.noMonitored);

    const kn = section("knowledge");
    const knowledge = card(kn, kn.rows.length ? horizontalBars({
      rows: kn.rows.map((r) => ({ label: r[1] || r[0], value: r[2], note: r[3] || r[4] ? t.thumbsNote(r[3], r[4]) : "" })),
      lang, color: COLORS.answer, title: kn.title,
    }) : null, kn.rows.length ? null : t.noKnowledge);

    const sat = section("satisfaction");
    const satisfaction = card(sat, S.surveys ? horizontalBars({
      rows: sat.rows.map((r) => ({ label: `${"★".repeat(Number(r[0]))}`, value: r[1] })).reverse(),
      lang, color: "#e0a800", title: t.scores,
    }) : null, S.surveys ? null : t.none);
    const fb = section("feedback");
    const feedback = card(fb, S.helpful + S.unhelpful ? horizontalBars({
      rows: fb.rows.map((r, i) => ({ label: r[0], value: r[1], color: i ? COLORS.not_understood : COLORS.answer })),
      lang, title: fb.title,
    }) : null, S.helpful + S.unhelpful ? null : t.none);

    show(t.stats,
      h("h1", t.stats),
      form,
      msg,
      h("p#stats-range.status", { role: "status" }, `${t.range(report.from, report.to)} · ${t.tz(report.timezone)}`),
      kpis,
      h("div.stats-grid", conversations, questions, handoffs, livechats, operators, monitored, knowledge, satisfaction, feedback));
  },
};
