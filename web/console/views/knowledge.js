// The knowledge panel: search the knowledge of what is on screen (the creation form's bot,
// else the tab's conversation), send a result to the visitor, or pick it as the starting
// knowledge of the monitored conversation being created.
import { h, fill, $ } from "../../shared/dom.js";
import { app, t, dispatch, showNotice, errText, fieldText } from "../app.js";
import { canSendKnowledge, monitoredItem } from "../state.js";
import { submit } from "../outbox.js";
import { pickStartingKnowledge } from "./monitored-form.js";
import { langTag } from "../format.js";
import { excerptOf } from "../excerpt.js";

let botsCache = null;
/** The bots this operator may see (GET /bots, once). */
export async function loadBots() {
  if (!botsCache) {
    const data = await app.api("GET", "/bots");
    botsCache = (data && data.bots) || [];
  }
  return botsCache;
}
export let botSlug = null; // the default bot: demo, else the first one

let kbSeq = 0;
let shown = null; // what the results were drawn for
let kbTimer = 0;

export const knowledge = {
  render(s, p) {
    const panel = document.querySelector("aside.kb");
    if (!panel) return false;
    if (!p) { fill(panel, build(s)); shown = null; }
    // Redrawn when the results, or what a click on them does, change.
    const sig = [s.kb, s.sideView === "create", canSendKnowledge(s, s.tabs[s.current])];
    if (shown && sig.every((x, i) => x === shown[i])) return false;
    shown = sig;
    results(s);
    return false;
  },
};

function build(s) {
  const input = h("input", { type: "search", id: "kb-q", value: s.kb.query, autocomplete: "off",
    oninput: (e) => {
      dispatch({ type: "local/kb", patch: { query: e.target.value } });
      clearTimeout(kbTimer);
      kbTimer = setTimeout(search, 250);
    },
    // ↓/↑ pick a result, Enter sends the picked one (else searches): the keyboard alone
    // finds and sends knowledge (issue 13, see keyboard.js).
    onkeydown: (e) => {
      const n = app.state.kb.results.length;
      if ((e.key === "ArrowDown" || e.key === "ArrowUp") && n) {
        e.preventDefault();
        const cur = app.state.kb.active ?? -1;
        const next = e.key === "ArrowDown" ? Math.min(n - 1, cur + 1) : Math.max(-1, cur - 1);
        dispatch({ type: "local/kb", patch: { active: next } });
      } else if (e.key === "Enter") {
        e.preventDefault();
        if ((app.state.kb.active ?? -1) >= 0 && !e.shiftKey) { sendActiveKnowledge(); return; }
        clearTimeout(kbTimer);
        search();
      }
    },
  });
  return [
    h("h2#kb-h", t("knowledge")),
    h("label", { for: "kb-q" }, t("knowledgeSearch")),
    input,
    h("ul#kb-results.kb-results", { "aria-live": "polite" }),
  ];
}

async function search() {
  const s = app.state;
  const q = s.kb.query.trim();
  const mine = ++kbSeq;
  if (!q) { dispatch({ type: "local/kb", patch: { results: [], searched: false } }); return; }
  let found = [];
  try {
    if (!botSlug) {
      const bots = await loadBots();
      botSlug = (bots.find((b) => b.slug === "demo") || bots[0] || {}).slug || "demo";
    }
    // The bot of what is on screen: the creation form's, else the monitored conversation's.
    // In a tab: that conversation's bot and language.
    const now = app.state;
    const item = monitoredItem(now, now.current);
    const tab = now.sideView === "create" ? null : now.tabs[now.current];
    const bot = (now.sideView === "create" && now.form.bot) || (item && item.bot) || (tab && tab.bot) || botSlug;
    // The language: the form's (the visitor's, chosen there), else the tab's conversation's.
    const inLang = now.sideView === "create" ? now.form.lang : tab && tab.lang;
    const lang = inLang ? `&lang=${encodeURIComponent(inLang)}` : "";
    const data = await app.api("GET", `/bots/${encodeURIComponent(bot)}/knowledge?q=${encodeURIComponent(q)}&limit=8${lang}`);
    if (mine !== kbSeq) return;
    found = (data && data.knowledge) || [];
  } catch (err) {
    if (mine !== kbSeq) return;
    showNotice(errText(err));
  }
  dispatch({ type: "local/kb", patch: { results: found, searched: true, searchedQuery: q, active: -1 } });
}

/**
 * Sends the result picked with the keyboard to the visitor of the tab in front (or picks it
 * as the starting knowledge in the creation form). False when nothing is picked or it may
 * not be sent here.
 */
export function sendActiveKnowledge() {
  const s = app.state;
  const k = s.kb.results[s.kb.active ?? -1];
  if (!k) return false;
  const title = k.title || k.id;
  if (s.sideView === "create") { pickStartingKnowledge({ id: k.id, title, lang: k.lang }); return true; }
  const tb = s.tabs[s.current];
  if (!canSendKnowledge(s, tb)) return false;
  submit("knowledge", tb.id, { knowledge_id: k.id }, title);
  return true;
}

function results(s) {
  const list = $("kb-results");
  if (!list) return;
  const tab = s.tabs[s.current];
  const picking = s.sideView === "create"; // the creation form is open: a click picks its starting knowledge
  const canSend = canSendKnowledge(s, tab);
  const { results: found, searched, query } = s.kb;
  if (!found.length) {
    fill(list, searched && query.trim() ? h("li.empty", t("knowledgeNone")) : null);
    return;
  }
  fill(list,
    picking ? h("li.hint.pick", { role: "note" }, t("knowledgePickHint")) : canSend ? null : h("li.hint", { role: "note" }, t("knowledgeNoTab")),
    ...found.map((k, i) => {
      const excerpt = excerptOf(k.answer);
      const title = k.title || k.id;
      return h("li", { "data-knowledge": k.id, "data-lang": k.lang || null, class: i === s.kb.active ? "active" : null,
        "aria-current": i === s.kb.active ? "true" : null },
        h("div.kn-title", h("span", title), langTag(k.lang)),
        excerpt ? h("div.kn-excerpt", excerpt) : null,
        picking
          ? h("button.kb-send.kb-pick", { type: "button", "aria-label": t("knowledgePickTitle", title),
            onclick: () => pickStartingKnowledge({ id: k.id, title, lang: k.lang }) }, t("knowledgePick"))
          : h("button.kb-send", { type: "button", disabled: !canSend, "aria-label": t("knowledgeSendTitle", title),
            onclick: () => {
              const st = app.state;
              const tb = st.tabs[st.current];
              if (!canSendKnowledge(st, tb)) return;
              submit("knowledge", tb.id, { knowledge_id: k.id }, title);
            } }, t("knowledgeSend")));
    }));
}
