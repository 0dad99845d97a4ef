// The console's frame once signed in: the left menu (livechat, the red eye that creates a
// monitored conversation, the monitored list), the side column, the conversations (notice,
// tab strip, pane) and the knowledge panel. The views below draw inside it.
import { h, fill, $ } from "../../shared/dom.js";
import { app, t, dispatch } from "../app.js";
import { icon, eyeIcon, ICON_CHAT, ICON_LIST, ICON_GAUGE } from "../icons.js";
import { supervises } from "../state.js";

/** The side column shows `view` ("livechat", "monitored", "create" or "supervision"); `focus`: move there. */
export function setSideView(view, { focus = false } = {}) {
  dispatch({ type: "local/side", view });
  if (!focus) return;
  if (view === "create") $("mc-name")?.focus();
  else if (view === "monitored") ($("mc-list")?.querySelector("button") || $("mc-list-h"))?.focus();
  else if (view === "supervision") $("sup-h")?.focus();
}

export const layout = {
  render(s, p) {
    if (!s.me) return false;
    if (!p || !p.me || s.lang !== p.lang) {
      build(s);
      return true;
    }
    if (s.sideView !== p.sideView) menuState(s);
    if (s.monitored.list.length !== p.monitored.list.length) count(s);
    return false;
  },
};

function build(s) {
  const main = $("main");
  const menuBtn = (id, view, label, short, iconNode, extra) => h("li", h("button.menu-btn", {
    type: "button", id, "aria-label": label, title: label, "aria-controls": "side",
    "aria-expanded": s.sideView === view ? "true" : "false", "data-view": view,
    onclick: () => {
      const { sideView, lastSideView } = app.state;
      setSideView(sideView === view ? (view === "create" ? lastSideView : "livechat") : view, { focus: true });
    },
  }, iconNode, h("span.lbl", short), extra || null));
  const n = s.monitored.list.length;
  fill(main,
    h("nav.menu", { "aria-label": t("menu") }, h("ul#menu",
      h("li", h("a#menu-livechat", { href: "#livechat", "aria-current": s.sideView === "livechat" ? "page" : null, title: t("menuLivechat"),
        onclick: (e) => { e.preventDefault(); setSideView("livechat", { focus: true }); } },
      icon(ICON_CHAT), h("span.lbl", t("menuLivechat")))),
      menuBtn("mc-create-btn", "create", t("mcCreate"), t("mcCreateShort"), eyeIcon("icon eye red", 26)),
      menuBtn("mc-list-btn", "monitored", t("mcList"), t("mcListShort"), icon(ICON_LIST),
        // A total, not news: neutral, unlike the red unread badges.
        h("span#mc-count.menu-count", { hidden: !n, title: t("mcTotalTitle", n) }, String(n)))),
      // Supervisors and admins: the live supervision page.
      supervises(s) ? menuBtn("sup-btn", "supervision", t("supTitle"), t("menuSupervision"), icon(ICON_GAUGE)) : null),
    h("aside#side.side", { "aria-live": "off" }),
    h("section.convs", { "aria-label": t("conversations") },
      h("div#notice.notice", { role: "alert", hidden: true }),
      h("div#tablist.tablist", { role: "tablist", "aria-label": t("conversations") }),
      h("div#pane.pane", { role: "tabpanel" })),
    h("aside.kb", { "aria-labelledby": "kb-h" }),
  );
  main.className = `console side-${s.sideView}`;
}

function menuState(s) {
  $("main").className = `console side-${s.sideView}`;
  for (const b of document.querySelectorAll(".menu [data-view]")) b.setAttribute("aria-expanded", b.dataset.view === s.sideView ? "true" : "false");
  const lc = $("menu-livechat");
  if (lc) { if (s.sideView === "livechat") lc.setAttribute("aria-current", "page"); else lc.removeAttribute("aria-current"); }
}

function count(s) {
  const c = $("mc-count");
  if (c) { c.textContent = String(s.monitored.list.length); c.hidden = !s.monitored.list.length; c.title = t("mcTotalTitle", s.monitored.list.length); }
}
