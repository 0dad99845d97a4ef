// The top bar (brand, availability, queue counter, sound, language, logout), the connection
// banner and the document title.
import { h, fill, $ } from "../../shared/dom.js";
import { app, t, dispatch, beep } from "../app.js";
import { icon, ICON_BELL, ICON_MUTED } from "../icons.js";

export const top = {
  render(s, p) {
    if (!p || s.me !== p.me || s.lang !== p.lang) renderHeader(s);
    if (s.me && (!p || s.me !== p.me || s.lang !== p.lang || s.availability !== p.availability || s.ready !== p.ready
      || s.queue.length !== p.queue.length || s.muted !== p.muted || s.sideView !== p.sideView)) renderBar(s);
    if (!p || s.me !== p.me || s.lang !== p.lang || s.ready !== p.ready || s.everReady !== p.everReady) renderBanner(s);
    if (!p || s.unseen !== p.unseen || s.lang !== p.lang) {
      document.title = s.unseen > 0 ? `${t("newMessages", s.unseen)} – ${t("brand")}` : t("brand");
    }
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
  const waiting = s.queue.length;
  const soundBtn = h("button.sound", {
    type: "button", id: "mute", "aria-pressed": s.muted ? "false" : "true", title: s.muted ? t("soundOff") : t("soundOn"),
    onclick: () => {
      dispatch({ type: "local/mute" });
      if (!app.state.muted) beep();
    },
  }, s.muted ? icon(ICON_BELL, ICON_MUTED) : icon(ICON_BELL), h("span", t("sound")));
  fill(bar,
    group,
    h("a.queue-count", { href: "#queue", id: "queue-count", "data-count": waiting, class: waiting ? "queue-count busy" : "queue-count",
      onclick: () => { if (app.state.sideView !== "livechat") dispatch({ type: "local/side", view: "livechat" }); } },
    t("queueCount", waiting)),
    soundBtn,
  );
}

function renderBanner(s) {
  const b = $("banner");
  document.documentElement.dataset.connection = s.ready ? "online" : "offline";
  const text = !s.me || s.ready ? "" : s.everReady ? t("reconnecting") : t("connecting");
  b.textContent = text;
  b.hidden = !text;
}
