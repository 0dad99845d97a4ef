// The queue: who waits, since when, and a button to take them.
import { h, fill, $ } from "../../shared/dom.js";
import { t, dispatch } from "../app.js";
import { ago, shortId } from "../format.js";

let drawnIn = null; // the list last drawn (the side column may have been rebuilt)

export const queue = {
  render(s, p) {
    const list = $("queue-list");
    if (!list || (p && list === drawnIn && s.queue === p.queue && s.ready === p.ready && s.lang === p.lang)) return false;
    drawnIn = list;
    if (!s.queue.length) { fill(list, h("li.empty", t("queueEmpty"))); return false; }
    fill(list, ...s.queue.map((q) => h("li", { "data-conversation": q.conversation },
      h("span.qid", `#${shortId(q.conversation)}`),
      h("span.pos", t("position", q.position)),
      h("span.wait", { "data-since": q.queued_at, "data-fmt": "waiting" }, t("waiting", ago(q.queued_at))),
      h("button.primary.take", { type: "button", disabled: !s.ready, "aria-label": t("takeConversation", shortId(q.conversation)),
        onclick: () => dispatch({ type: "local/take", id: q.conversation }) }, t("take")))));
    return false;
  },
};
