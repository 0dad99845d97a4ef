// The tab strip: one tab per conversation followed (held, monitored, or ended and not closed
// yet), flashing when new, with its unread count and the visitor's last message time.
import { h, fill, $ } from "../../shared/dom.js";
import { t, dispatch } from "../app.js";
import { monitoredItem } from "../state.js";
import { ago, tabTitle } from "../format.js";
import { eyeIcon } from "../icons.js";

let shown = null; // the signature of what the strip shows

function signature(s) {
  return JSON.stringify([s.lang, s.current, Object.values(s.tabs).map((tab) => {
    const item = monitoredItem(s, tab.id);
    return [tab.id, tab.flashing, tab.held, tab.unread, tab.lastVisitorAt, item ? [item.name, item.strong] : null];
  })]);
}

export function selectTab(id) {
  dispatch({ type: "local/select", id });
}

export const tabs = {
  render(s, p) {
    const list = $("tablist");
    if (!list) return false;
    if (p && s.tabs === p.tabs && s.current === p.current && s.monitored === p.monitored) return false;
    const sig = signature(s);
    if (p && sig === shown) return false;
    shown = sig;
    const focused = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.tab;
    const ids = Object.keys(s.tabs);
    fill(list, ...ids.map((id) => {
      const tab = s.tabs[id];
      const item = monitoredItem(s, id);
      const selected = id === s.current;
      return h("button.tab", {
        type: "button", role: "tab", id: `tab-${id}`, "data-tab": id, "aria-selected": selected ? "true" : "false",
        "aria-controls": "pane", tabindex: selected ? "0" : "-1", title: tabTitle(id, s), "data-monitored": item ? (item.strong ? "strong" : "weak") : null,
        class: `tab${tab.flashing ? " flash" : ""}${tab.held ? " held" : item ? " mc" : " gone"}`,
        onclick: () => selectTab(id),
        onkeydown: (e) => {
          const i = ids.indexOf(id);
          let j = null;
          if (e.key === "ArrowRight") j = (i + 1) % ids.length;
          else if (e.key === "ArrowLeft") j = (i - 1 + ids.length) % ids.length;
          else if (e.key === "Home") j = 0;
          else if (e.key === "End") j = ids.length - 1;
          if (j === null) return;
          e.preventDefault();
          selectTab(ids[j]);
          $(`tab-${ids[j]}`)?.focus();
        },
      },
      // One line for the name (cut with "…", whole in the title), its unread count beside it,
      // never over it; a second line for "new" and the visitor's last message.
      h("span.tab-top",
        h("span.tab-name", item ? [eyeIcon("tab-eye", 16), h("span.sr", `${t("mcShort")} : `)] : null, h("span.tab-label", tabTitle(id, s))),
        tab.unread ? h("span.badge.unread", { "aria-label": t("unread", tab.unread) }, String(tab.unread)) : null),
      tab.flashing || tab.lastVisitorAt ? h("span.tab-sub",
        tab.flashing ? h("span.badge.new", t("newConversation")) : null,
        tab.lastVisitorAt ? h("span.ago", { "data-since": tab.lastVisitorAt, "data-fmt": "visitor" }, t("lastVisitor", ago(tab.lastVisitorAt))) : null) : null);
    }));
    if (focused && $(`tab-${focused}`)) $(`tab-${focused}`).focus();
    // The tabs wrap on rows (all reachable); past a few rows the strip scrolls: the selected one in view.
    $(`tab-${s.current}`)?.scrollIntoView({ block: "nearest", inline: "nearest" });
    return false;
  },
};
