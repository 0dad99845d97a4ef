// Live supervision (supervisors and admins; issue 14, item 1): every open conversation
// (bot, queued, live, monitored) with its bot, state, operator and last activity; the queue
// with waiting times; each operator's status (and away reason), load and capacity. Drawn
// from the `supervision`, `queue` and `presence` frames the socket pushes (no polling).
// "Suivre" opens the conversation in a tab without anybody being told (`open` stores
// nothing); the pane then offers whisper, take over, reassign and end.
import { h, fill, $ } from "../../shared/dom.js";
import { t, dispatch } from "../app.js";
import { ago, shortId, sinceText } from "../format.js";
import { supervises } from "../state.js";

let drawnIn = null; // the body last drawn (the side column may have been rebuilt)

export const supervision = {
  render(s, p) {
    const body = $("sup-body");
    if (!body || !supervises(s)) return false;
    if (p && body === drawnIn && s.supervision === p.supervision && s.queue === p.queue && s.presence === p.presence
      && s.tabs === p.tabs && s.lang === p.lang && s.ready === p.ready) return false;
    drawnIn = body;
    fill(body, conversations(s), queue(s), operators(s));
    return false;
  },
};

const stateLabel = (st) => t(`supState_${st}`) || st;

function conversations(s) {
  const list = s.supervision.conversations;
  const rows = list.map((c) => {
    const followed = !!s.tabs[c.conversation];
    return h("tr", { "data-conversation": c.conversation, "data-state": c.state, "data-kind": c.kind },
      h("td.sup-id", `#${shortId(c.conversation)}`, c.kind === "monitored" ? h("span.sup-tag", ` ${t("supMonitored")}`) : null),
      h("td.sup-bot", c.bot_name || c.bot),
      h("td", h("span", { class: `sup-state st-${c.state}` }, stateLabel(c.state)),
        c.state === "queued" && c.queued_at ? h("div.sup-wait", { "data-since": c.queued_at, "data-fmt": "waiting" }, t("waiting", ago(c.queued_at))) : null),
      h("td.sup-op", c.operator ? c.operator.name : t("supNobody")),
      h("td.sup-activity", { "data-since": c.last_activity, "data-fmt": "supAgo" }, sinceText("supAgo", c.last_activity)),
      h("td", h("button.sup-follow", {
        type: "button", disabled: followed, title: t("supFollowTitle", shortId(c.conversation)),
        onclick: () => dispatch({ type: "local/follow", id: c.conversation }),
      }, followed ? t("supFollowing") : t("supFollow"))));
  });
  return h("section#sup-conversations", { "aria-labelledby": "sup-conv-h" },
    h("h3#sup-conv-h", t("supConversations", list.length)),
    !s.supervision.known ? h("p.loading", "…") : !list.length ? h("p.empty", t("supNone"))
      : h("table.sup-table", h("thead", h("tr",
        h("th", { scope: "col" }, t("supColVisitor")), h("th", { scope: "col" }, t("supColBot")),
        h("th", { scope: "col" }, t("supColState")), h("th", { scope: "col" }, t("supColOperator")),
        h("th", { scope: "col" }, t("supColActivity")), h("th", { scope: "col" }, h("span.sr", t("supFollow"))))),
      h("tbody", rows)));
}

function queue(s) {
  const bots = new Map(s.supervision.conversations.map((c) => [c.conversation, c.bot_name || c.bot]));
  return h("section#sup-queue", { "aria-labelledby": "sup-queue-h" },
    h("h3#sup-queue-h", t("supQueue", s.queue.length)),
    !s.queue.length ? h("p.empty", t("queueEmpty"))
      : h("ol.sup-queue", s.queue.map((q) => h("li", { "data-conversation": q.conversation },
        h("span.qid", `#${shortId(q.conversation)}`),
        bots.get(q.conversation) ? h("span.sup-bot", ` · ${bots.get(q.conversation)}`) : null,
        " ",
        h("span.wait", { "data-since": q.queued_at, "data-fmt": "waiting" }, t("waiting", ago(q.queued_at)))))));
}

function operators(s) {
  return h("section#sup-operators", { "aria-labelledby": "sup-ops-h" },
    h("h3#sup-ops-h", t("supOperators")),
    !s.presence.length ? h("p.empty", t("supNoOperator"))
      : h("ul.sup-ops", s.presence.map((o) => h("li", { "data-operator": o.operator_id, "data-status": o.status },
        h("span", { class: `dot st-${o.status}`, "aria-hidden": "true" }),
        h("span.name", o.name),
        h("span.status", t(o.status) || o.status),
        o.reason ? h("span.reason", o.reason) : null,
        o.since && o.status !== "offline" ? h("span.since", { "data-since": o.since, "data-fmt": "status" }, sinceText("status", o.since)) : null,
        h("span.load", { title: t("loadTitle") }, t("load", o.load ?? 0, o.capacity ?? 0))))));
}
