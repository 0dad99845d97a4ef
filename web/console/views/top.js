// The top bar (brand, availability, queue counter, sound, language, logout), the connection
// banner and the document title.
import { h, fill, $ } from "../../shared/dom.js";
import { app, t, dispatch, beep } from "../app.js";
import { icon, ICON_BELL, ICON_MUTED } from "../icons.js";
import { unreadTotal } from "../state.js";
import { openNotifications, permission } from "../notify.js";
import { openKeyboardHelp } from "../keyboard.js";

export const top = {
  render(s, p) {
    if (!p || s.me !== p.me || s.lang !== p.lang) renderHeader(s);
    if (s.me && (!p || s.me !== p.me || s.lang !== p.lang || s.availability !== p.availability || s.ready !== p.ready
      || s.awayReason !== p.awayReason || s.awayReasons !== p.awayReasons
      || s.queue.length !== p.queue.length || s.muted !== p.muted || s.sideView !== p.sideView)) renderBar(s);
    if (!p || s.me !== p.me || s.lang !== p.lang || s.ready !== p.ready || s.everReady !== p.everReady) renderBanner(s);
    // The title: unread messages over every tab, then who waits in the queue.
    const unread = unreadTotal(s);
    const waiting = s.me ? s.queue.length : 0;
    const title = [unread > 0 ? t("newMessages", unread) : null, waiting > 0 ? t("queueCount", waiting) : null, t("brand")]
      .filter(Boolean).join(" – ");
    if (document.title !== title) document.title = title;
    return false;
  },
};

function renderHeader(s) {
  document.documentElement.lang = s.lang;
  const langSel = h("select", { id: "ui-lang", onchange: (e) => dispatch({ type: "local/lang", lang: e.target.value }) },
    h("option", { value: "fr" }, "Français"), h("option", { value: "en" }, "English"));
  langSel.value = s.lang;
  fill($("top"),
    h("span.brand", t("brand")),
    s.me ? h("div#bar.bar") : null,
    h("span.spacer"),
    s.me ? h("a#history-link", { href: "/console/history", target: "_blank", rel: "noopener", style: "color:inherit" },
      s.lang === "fr" ? "Historique" : "History") : null,
    s.me ? h("button.who", { type: "button", id: "my-account", title: t("myAccount"), onclick: () => app.openAccount() }, s.me.operator.name) : null,
    h("label.sr", { for: "ui-lang" }, t("language")),
    langSel,
    s.me ? h("button", { type: "button", id: "logout", onclick: () => app.logout() }, t("logout")) : null,
  );
}

export function renderBar(s = app.state) {
  const bar = $("bar");
  if (!bar) return;
  const statuses = ["available", "away", "offline"];
  const group = h("div.avail", { role: "radiogroup", "aria-label": t("availability"), "data-status": s.availability || "" },
    statuses.map((st) => {
      const id = `avail-${st}`;
      return h("span.opt", h("input", {
        type: "radio", name: "availability", id, value: st, checked: s.availability === st, disabled: !s.ready,
        // The server answers with `availability`; not sent (offline): the switch shows the state again.
        onchange: () => { if (!app.conn.raw({ type: "availability", status: st })) renderBar(); },
      }), h("label", { for: id, class: `st-${st}` }, t(st)));
    }));
  // Away: why (one of the admins' reasons), shown to colleagues and supervisors.
  const reasons = s.awayReasons || [];
  const reason = s.availability === "away" && reasons.length ? h("span.away-reason",
    h("label.sr", { for: "away-reason" }, t("awayReason")),
    h("select", { id: "away-reason", disabled: !s.ready, title: t("awayReason"),
      onchange: (e) => { if (!app.conn.raw({ type: "availability", status: "away", reason: e.target.value || null })) renderBar(); } },
    h("option", { value: "", selected: !s.awayReason }, t("awayNoReason")),
    ...reasons.map((r) => h("option", { value: r, selected: s.awayReason === r }, r)))) : null;
  const waiting = s.queue.length;
  const soundBtn = h("button.sound", {
    type: "button", id: "mute", "aria-pressed": s.muted ? "false" : "true", title: s.muted ? t("soundOff") : t("soundOn"),
    onclick: () => {
      dispatch({ type: "local/mute" });
      if (!app.state.muted) beep();
    },
  }, s.muted ? icon(ICON_BELL, ICON_MUTED) : icon(ICON_BELL), h("span", t("sound")));
  const perm = permission();
  const notifyBtn = h("button.notify", { type: "button", id: "notify-open", onclick: () => openNotifications(),
    title: t("notifyTitle"), "data-permission": perm }, perm === "default" ? t("notifyHint") : t("notifications"));
  const helpBtn = h("button.kbd-open", { type: "button", id: "kbd-open", title: t("kbdOpen"), "aria-label": t("kbdOpen"),
    onclick: () => openKeyboardHelp() }, "?");
  fill(bar,
    group,
    reason,
    h("a.queue-count", { href: "#queue", id: "queue-count", "data-count": waiting, class: waiting ? "queue-count busy" : "queue-count",
      onclick: () => { if (app.state.sideView !== "livechat") dispatch({ type: "local/side", view: "livechat" }); } },
    t("queueCount", waiting)),
    soundBtn,
    notifyBtn,
    helpBtn,
  );
}
app.redrawBar = () => renderBar();

function renderBanner(s) {
  const b = $("banner");
  document.documentElement.dataset.connection = s.ready ? "online" : "offline";
  const text = !s.me || s.ready ? "" : s.everReady ? t("reconnecting") : t("connecting");
  b.textContent = text;
  b.hidden = !text;
}
