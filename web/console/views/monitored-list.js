// The monitored conversations' list (docs/monitored-conversations.md): filters (whose, state,
// mail status, text), then per conversation: name, address, creator, strong or weak, state,
// mail status, link opened and valid until, last activity; a click opens its tab; its link
// can be revoked (POST /monitored-conversations/{id}/revoke, after a confirmation).
import { h, fill, $, cssEscape } from "../../shared/dom.js";
import { app, t, dispatch, showNotice, errText, fieldText } from "../app.js";
import { filteredMonitored } from "../state.js";
import { ago, shortId, mailStatus, stateText, when, expiryText, creatorText, langTag, deadLinkText } from "../format.js";
import { eyeIcon } from "../icons.js";

export function openMonitored(id) {
  dispatch({ type: "local/follow", id });
}

const setFilter = (patch) => dispatch({ type: "local/mc_filter", patch });

/** The filter bar, drawn with the panel (side.js); its controls keep the state's values. */
export function buildFilters(s) {
  const f = s.mcFilter;
  const select = (id, label, key, options) => h("div.mc-filter",
    h("label", { for: id }, label),
    h("select", { id, onchange: (e) => setFilter({ [key]: e.target.value }) },
      options.map(([v, text]) => h("option", { value: v, selected: f[key] === v }, text))));
  return h("form#mc-filters.mc-filters", { role: "search", "aria-label": t("mcFilters"), onsubmit: (e) => e.preventDefault() },
    select("mc-f-who", t("mcFilterWho"), "who", [["all", t("mcFilterAll")], ["mine", t("mcFilterMine")]]),
    select("mc-f-state", t("mcFilterState"), "state", [["", t("mcFilterAny")], ["bot", t("stateBot")], ["queued", t("stateQueued")],
      ["live", t("stLive")], ["revoked", t("mcFilterRevoked")]]),
    select("mc-f-mail", t("mcFilterMail"), "mail", [["", t("mcFilterAny")], ["queued", t("mailStQueued")], ["sending", t("mailStSending")], ["sent", t("mailStSent")],
      ["retrying", t("mailStRetrying")], ["failed", t("mailStFailed")]]),
    h("div.mc-filter.mc-filter-text", h("label", { for: "mc-f-text" }, t("mcFilterText")),
      h("input", { type: "search", id: "mc-f-text", value: f.text, placeholder: t("mcFilterTextHint"), autocomplete: "off",
        oninput: (e) => setFilter({ text: e.target.value }) })),
    h("div#mc-shown.mc-shown", { "aria-live": "polite" }));
}

let shown = null;
let drawnIn = null; // the list last drawn (the side column may have been rebuilt)
let asking = null; // the conversation whose revocation is being confirmed
let revoking = new Set(); // revocations sent, not answered yet

function redraw() {
  shown = null;
  monitoredList.render(app.state, app.state);
}

async function revoke(it) {
  const id = it.conversation;
  revoking.add(id);
  redraw();
  try {
    const r = await app.api("POST", `/monitored-conversations/${encodeURIComponent(id)}/revoke`, {});
    const fresh = (r && r.item) || { ...it, revoked: true };
    const now = app.state.monitored.list.find((x) => x.conversation === id) || it;
    dispatch({ type: "local/monitored_upsert", item: { ...now, ...fresh, mine: now.mine } });
    showNotice(t("mcRevokedNotice", it.name || shortId(id)), "ok");
  } catch (err) {
    if (err.status !== 401) showNotice(errText(err));
  } finally {
    revoking.delete(id);
    if (asking === id) asking = null;
    redraw();
    $("mc-list")?.querySelector(`button.mc-item[data-conversation="${cssEscape(id)}"]`)?.focus();
  }
}

// The visitor tried a dead link: said, with the resend at hand (the tab's resend box).
function deadLinkRow(it) {
  if (!it.dead_link) return null;
  return h("div.mc-actions.mc-dead", h("span.mc-dead-link", deadLinkText(it)),
    it.may_act === false || it.may_manage_links === false ? null : h("button", { type: "button", "data-resend": it.conversation, onclick: () => {
      openMonitored(it.conversation);
      dispatch({ type: "local/box", box: "resend" });
    } }, t("mcDeadLinkResend")));
}

function revokeRow(it) {
  if (it.revoked || it.may_act === false || it.may_manage_links === false) return null;
  const name = it.name || shortId(it.conversation);
  if (asking === it.conversation) {
    return h("div.mc-actions.mc-ask", { role: "group", "aria-label": t("mcRevokeTitle", name) },
      h("span.mc-ask-text", t("mcRevokeAsk")),
      h("button.danger", { type: "button", "data-revoke-yes": it.conversation, disabled: revoking.has(it.conversation),
        onclick: () => revoke(it) }, t("mcRevokeYes")),
      h("button", { type: "button", "data-revoke-no": it.conversation, onclick: () => {
        asking = null;
        redraw();
        $("mc-list")?.querySelector(`[data-revoke="${cssEscape(it.conversation)}"]`)?.focus();
      } }, t("mcRevokeNo")));
  }
  return h("div.mc-actions", h("button.mc-revoke", { type: "button", "data-revoke": it.conversation, "aria-label": t("mcRevokeTitle", name),
    onclick: () => {
      asking = it.conversation;
      redraw();
      $("mc-list")?.querySelector(`[data-revoke-no="${cssEscape(it.conversation)}"]`)?.focus();
    } }, t("mcRevoke")));
}

export const monitoredList = {
  render(s, p) {
    const list = $("mc-list");
    if (!list) return false;
    const sig = [s.monitored, Object.keys(s.tabs).join(" "), s.current, s.lang, s.mcFilter];
    if (p && list === drawnIn && shown && sig.every((x, i) => x === shown[i])) return false;
    drawnIn = list;
    shown = sig;
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#mc-list li[data-conversation]");
    const focusId = focused && focused.dataset.conversation;
    const focusSel = focused && document.activeElement.matches("button.mc-item") ? "button.mc-item" : null;
    const all = s.monitored.list;
    const items = filteredMonitored(s);
    const count = $("mc-shown");
    if (count) count.textContent = all.length && items.length !== all.length ? t("mcShown", items.length, all.length) : "";
    if (!items.length) {
      fill(list, h("li.empty", !s.monitored.known ? t("connecting") : all.length ? t("mcFilterNone") : t("mcNone")));
      return false;
    }
    fill(list, ...items.map((it) => {
      const mail = it.mail || {};
      const open = !!s.tabs[it.conversation];
      const k = it.starting_knowledge || null;
      return h("li", { "data-conversation": it.conversation, "data-strong": it.strong ? "true" : "false", "data-state": it.state || "bot",
        "data-mine": it.mine ? "true" : "false", "data-revoked": it.revoked ? "true" : "false" },
        h("button.mc-item", { type: "button", "data-conversation": it.conversation, "aria-current": it.conversation === s.current ? "true" : null,
          title: t("mcOpenTitle", it.name || ""), onclick: () => openMonitored(it.conversation) },
        h("span.mc-name", it.strong ? eyeIcon("list-eye", 14) : null, h("span", it.name || shortId(it.conversation)),
          langTag(it.lang), open ? h("span.badge.tabbed", t("mcInTab")) : null),
        h("span.mc-email", it.email || ""),
        it.creator ? h("span.mc-creator", creatorText(it)) : null,
        k && k.title ? h("span.mc-start", k.title) : null,
        h("span.mc-meta", h("span", { class: `mc-kind ${it.strong ? "strong" : "weak"}` }, it.strong ? t("mcStrong") : t("mcWeak")), " · ",
          h("span.mc-state", stateText(it)), it.revoked ? [" · ", h("span.mc-revoked", t("mcRevoked"))] : null),
        h("span", { class: `mc-mail st-${mail.status || "queued"}` }, mailStatus(mail)),
        h("span.mc-opened", it.opened_at ? t("mcOpened", when(it.opened_at)) : t("mcNotOpened")),
        !it.revoked && it.expires_at ? h("span.mc-expires", expiryText(it)) : null,
        it.last_activity_at ? h("span.mc-activity", { "data-since": it.last_activity_at, "data-fmt": "activity" }, t("lastActivity", ago(it.last_activity_at))) : null),
        deadLinkRow(it), revokeRow(it));
    }));
    if (focusId && focusSel) list.querySelector(`button.mc-item[data-conversation="${cssEscape(focusId)}"]`)?.focus();
    return false;
  },
};
