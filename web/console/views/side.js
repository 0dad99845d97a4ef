// The side column: the livechat (queue and colleagues), the monitored list or the creation
// form, as the menu says. Its sections are drawn by their own views.
import { h, fill, $ } from "../../shared/dom.js";
import { t } from "../app.js";
import { supervises } from "../state.js";
import { buildForm } from "./monitored-form.js";
import { buildFilters } from "./monitored-list.js";

export const side = {
  render(s, p) {
    if (!s.me) return false;
    if (p && s.sideView === p.sideView) return false;
    const el = $("side");
    if (s.sideView === "create") {
      el.setAttribute("aria-label", t("mcCreate"));
      fill(el, buildForm(s));
    } else if (s.sideView === "supervision" && supervises(s)) {
      el.setAttribute("aria-label", t("supTitle"));
      fill(el, h("section#supervision.supervision", { "aria-labelledby": "sup-h" },
        h("h2#sup-h", { tabindex: "-1" }, t("supTitle")),
        h("div#sup-body")));
    } else if (s.sideView === "monitored") {
      el.setAttribute("aria-label", t("mcList"));
      fill(el, h("section#mc-list-panel", { "aria-labelledby": "mc-list-h" },
        h("h2#mc-list-h", { tabindex: "-1" }, t("mcList")),
        buildFilters(s),
        h("ul#mc-list.mc-list")));
    } else {
      el.setAttribute("aria-label", t("menuLivechat"));
      fill(el,
        h("section#queue", { "aria-labelledby": "queue-h" }, h("h2#queue-h", t("queue")), h("ul#queue-list.queue")),
        h("section#colleagues", { "aria-labelledby": "coll-h" }, h("h2#coll-h", t("colleagues")), h("ul#colleague-list.colleagues")));
    }
    return false; // the sections' views see their new lists and draw them
  },
};
