// The colleagues on duty: status and load.
import { h, fill, $ } from "../../shared/dom.js";
import { t } from "../app.js";
import { sinceText } from "../format.js";

let drawnIn = null; // the list last drawn (the side column may have been rebuilt)

export const colleagues = {
  render(s, p) {
    const list = $("colleague-list");
    if (!list || (p && list === drawnIn && s.presence === p.presence && s.me === p.me && s.lang === p.lang)) return false;
    drawnIn = list;
    const online = s.presence.filter((o) => o.status !== "offline");
    if (!online.length) { fill(list, h("li.empty", t("noColleague"))); return false; }
    fill(list, ...online.map((o) => {
      const self = s.me && o.operator_id === s.me.operator.id;
      return h("li", { "data-operator": o.operator_id, "data-status": o.status },
        h("span.dot", { class: `dot st-${o.status}`, "aria-hidden": "true" }),
        h("span.name", o.name, self ? ` (${t("you")})` : ""),
        h("span.status", t(o.status) || o.status),
        // Away: the reason they gave (one of the admins' list), and since when.
        o.reason ? h("span.reason", o.reason) : null,
        o.since ? h("span.since", { "data-since": o.since, "data-fmt": "status" }, sinceText("status", o.since)) : null,
        h("span.load", { title: t("loadTitle") }, t("load", o.load ?? 0, o.capacity ?? 0)));
    }));
    return false;
  },
};
