// The monitored conversations' list (docs/monitored-conversations.md): name, address,
// strong or weak, state, mail status, link opened, last activity; a click opens its tab.
import { h, fill, $, cssEscape } from "../../shared/dom.js";
import { t, dispatch } from "../app.js";
import { ago, shortId, mailStatus, stateText, when } from "../format.js";
import { eyeIcon } from "../icons.js";

export function openMonitored(id) {
  dispatch({ type: "local/follow", id });
}

let shown = null;

let drawnIn = null; // the list last drawn (the side column may have been rebuilt)

export const monitoredList = {
  render(s, p) {
    const list = $("mc-list");
    if (!list) return false;
    const sig = [s.monitored, Object.keys(s.tabs).join(" "), s.current, s.lang];
    if (p && list === drawnIn && shown && sig.every((x, i) => x === shown[i])) return false;
    drawnIn = list;
    shown = sig;
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#mc-list [data-conversation]");
    const focusId = focused && focused.dataset.conversation;
    const items = s.monitored.list;
    if (!items.length) {
      fill(list, h("li.empty", s.monitored.known ? t("mcNone") : t("connecting")));
      return false;
    }
    fill(list, ...items.map((it) => {
      const mail = it.mail || {};
      const open = !!s.tabs[it.conversation];
      return h("li", { "data-conversation": it.conversation, "data-strong": it.strong ? "true" : "false", "data-state": it.state || "bot" },
        h("button.mc-item", { type: "button", "data-conversation": it.conversation, "aria-current": it.conversation === s.current ? "true" : null,
          title: t("mcOpenTitle", it.name || ""), onclick: () => openMonitored(it.conversation) },
        h("span.mc-name", it.strong ? eyeIcon("list-eye", 14) : null, h("span", it.name || shortId(it.conversation)), open ? h("span.badge.tabbed", t("mcInTab")) : null),
        h("span.mc-email", it.email || ""),
        h("span.mc-meta", h("span", { class: `mc-kind ${it.strong ? "strong" : "weak"}` }, it.strong ? t("mcStrong") : t("mcWeak")), " · ",
          h("span.mc-state", stateText(it)), it.revoked ? [" · ", h("span.mc-revoked", t("mcRevoked"))] : null),
        h("span", { class: `mc-mail st-${mail.status || "queued"}` }, mailStatus(mail)),
        h("span.mc-opened", it.opened_at ? t("mcOpened", when(it.opened_at)) : t("mcNotOpened")),
        it.last_activity_at ? h("span.mc-activity", { "data-since": it.last_activity_at, "data-fmt": "activity" }, t("lastActivity", ago(it.last_activity_at))) : null));
    }));
    if (focusId) list.querySelector(`button[data-conversation="${cssEscape(focusId)}"]`)?.focus();
    return false;
  },
};
