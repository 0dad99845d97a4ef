// The conversation pane of the selected tab: title (and, for a monitored conversation, who
// it was sent to and how it goes), actions (resend, transfer, end, close), their inline
// boxes, the log, the visitor's typing, the offer-of-help bar and the composer.
//
// Its frame is rebuilt only when what it shows changes kind (another tab, held or not,
// monitored or not): an open box, the composer's focus and text stay as they are while
// frames come; the parts inside are redrawn from the state when their inputs change.
import { h, fill, $ } from "../../shared/dom.js";
import { app, t, dispatch, showNotice, errText, fieldText, takenText } from "../app.js";
import { monitoredItem, offerPending, supervises } from "../state.js";
import { tabTitle, mailStatus, stateText, when, expiryText, creatorText, langTag, deadLinkText } from "../format.js";
import { eyeIcon } from "../icons.js";
import { submit } from "../outbox.js";
import { syncLog, pruneLogs } from "./log.js";
import { buildComposer } from "./composer.js";
import { emailProblem, setFieldError } from "./monitored-form.js";
import { loadBots } from "./knowledge.js";
import { visitorBox } from "./visitor.js";

let botNames = null; // slug → name (GET /bots, once)
function botName(slug) {
  if (!slug) return null;
  if (!botNames) {
    botNames = new Map();
    loadBots().then((bots) => {
      for (const b of bots) botNames.set(b.slug, b.name || b.slug);
      headSig = null;
      const tab = app.state.tabs[app.state.current];
      if (tab) head(app.state, tab, monitoredItem(app.state, tab.id));
    }).catch(() => {});
  }
  return botNames.get(slug) || slug;
}

let frame = null; // the key of what the pane's frame was built for
let headSig = null;
let actionsSig = null;

export const pane = {
  render(s, p) {
    const el = $("pane");
    if (!el) return false;
    if (!p || s.tabs !== p.tabs) pruneLogs(s.tabs);
    const tab = s.tabs[s.current];
    const item = tab ? monitoredItem(s, tab.id) : null;
    const key = tab ? `${tab.id}|${tab.held}|${!!item}|${s.lang}|${!!tab.noteMode}|${!!tab.whisperMode}|${supervises(s)}` : `none|${s.lang}`;
    const rebuilt = !p || key !== frame;
    if (rebuilt) {
      frame = key;
      headSig = actionsSig = null;
      build(el, s, tab, item);
    } else if (p && tab === p.tabs[p.current] && s.monitored === p.monitored && s.outbox === p.outbox && s.ready === p.ready
      && s.presence === p.presence && s.box === p.box && s.me === p.me && s.supervision === p.supervision) {
      return false;
    }
    if (!tab) return false;
    // The log: new items drawn; scrolled down when the operator wrote or was at the bottom.
    const scroller = $("scroll");
    const stick = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
    const { ol, added } = syncLog(s, tab);
    if (ol.parentNode !== scroller) scroller.replaceChildren(ol);
    if (rebuilt || (added.any && (stick || added.operator))) scroller.scrollTop = scroller.scrollHeight;
    head(s, tab, item);
    actions(s, tab, item);
    boxes(s, p, tab, rebuilt);
    gone(s, tab, item);
    $("visitor-typing").hidden = !tab.typing;
    mcBar(s, tab, item);
    return false;
  },
};

function build(el, s, tab, item) {
  if (!tab) {
    el.removeAttribute("aria-labelledby");
    delete el.dataset.monitored;
    delete el.dataset.conversation;
    fill(el, h("p.placeholder", t("noTab")));
    return;
  }
  el.setAttribute("aria-labelledby", `tab-${tab.id}`);
  el.dataset.monitored = item ? "1" : "";
  el.dataset.conversation = tab.id;
  fill(el,
    h("div.pane-head",
      h("h2#pane-title"),
      h("span#pane-bot.pane-bot", { hidden: true }),
      h("span.spacer"),
      h("div#pane-actions.actions")),
    item ? h("div#mc-info.mc-info") : null,
    h("div#resend-box.inline-box", { hidden: true }),
    h("div#transfer-box.inline-box", { hidden: true }),
    h("div#end-box.inline-box", { hidden: true }),
    h("div#block-box.inline-box", { hidden: true }),
    h("section#visitor-box.inline-box.visitor-box", { hidden: true, "aria-label": t("visitorPanel") }),
    h("div#reassign-box.inline-box", { hidden: true }),
    h("div#supend-box.inline-box", { hidden: true }),
    h("div#gone.gone-note", { hidden: true }),
    h("div#scroll.scroll"),
    h("div#visitor-typing.typing", { hidden: !tab.typing, "aria-live": "polite" }, h("span.dots", { "aria-hidden": "true" }, h("i"), h("i"), h("i")), t("visitorTyping")),
    item && item.may_act !== false ? h("div#mc-bar.mc-bar",
      h("button", { type: "button", id: "offer-help", onclick: () => offerHelp(tab.id) }, t("offerHelp")),
      h("span#mc-bar-status.mc-status", { "aria-live": "polite" })) : null,
    buildComposer(tab, item),
  );
}

function head(s, tab, item) {
  // Which bot: the conversation's (its `conversation` frame), else the monitored item's.
  const slug = tab.bot || (item && item.bot) || null;
  const bot = botName(slug);
  const sig = JSON.stringify([tabTitle(tab.id, s), item, bot]);
  if (sig === headSig) return;
  headSig = sig;
  fill($("pane-title"), item ? eyeIcon("title-eye", 20) : null, tabTitle(tab.id, s));
  const botEl = $("pane-bot");
  if (botEl) { botEl.textContent = bot ? t("paneBot", bot) : ""; botEl.hidden = !bot; }
  const info = $("mc-info");
  if (!info || !item) return;
  const mail = item.mail || {};
  fill(info,
    h("span.mc-email", { title: t("mcEmail") }, item.email || ""),
    h("span.mc-kind", item.strong ? t("mcStrong") : t("mcWeak")),
    h("span", { id: "mc-mail-status", class: `mc-mail st-${mail.status || "queued"}` }, mailStatus(mail)),
    h("span#mc-opened.mc-opened", item.opened_at ? t("mcOpened", when(item.opened_at)) : t("mcNotOpened")),
    !item.revoked && item.expires_at ? h("span#mc-expires.mc-expires", expiryText(item)) : null,
    h("span.mc-state", stateText(item)),
    item.creator ? h("span#mc-creator.mc-creator", creatorText(item)) : null,
    langTag(item.lang),
    item.revoked ? h("span.mc-revoked", t("mcRevoked")) : null,
    item.dead_link ? h("span#mc-dead-link.mc-dead-link", deadLinkText(item)) : null);
}

/** The conversation's state as last known: the supervision list's, else its `conversation` frame's. */
function convState(s, tab) {
  const row = s.supervision.conversations.find((c) => c.conversation === tab.id);
  return row ? row.state : tab.state;
}
const supRow = (s, tab) => s.supervision.conversations.find((c) => c.conversation === tab.id) || null;

// Why the composer is off: a supervisor follows silently; a supervisor took it from me; or
// I no longer hold it.
function gone(s, tab, item) {
  const el = $("gone");
  if (!el) return;
  let text = "";
  let cls = "gone-note";
  if (tab.held) text = "";
  else if (tab.taken) { text = takenText(tab.taken, tabTitle(tab.id, s)); cls = "gone-note taken"; }
  else if (supervises(s)) { text = t("supWatching"); cls = "gone-note watching"; }
  else if (!item) text = t("ended");
  if (el.textContent !== text) el.textContent = text;
  if (el.className !== cls) el.className = cls;
  el.hidden = !text;
}

function actions(s, tab, item) {
  const state = convState(s, tab);
  const sig = JSON.stringify([tab.held, !!item, item && item.may_act, item && item.may_manage_links, s.ready, s.box, s.lang, supervises(s), state]);
  if (sig === actionsSig) return;
  actionsSig = sig;
  const box = $("pane-actions");
  const focusedId = box.contains(document.activeElement) ? document.activeElement.id : null;
  const toggle = (name) => () => dispatch({ type: "local/box", box: app.state.box === name ? null : name });
  // Resending (a new link, the old one revoked) is for its creator, supervisors and admins.
  const resend = item && item.may_act !== false && item.may_manage_links !== false ? h("button", { type: "button", id: "resend-btn", "aria-expanded": s.box === "resend" ? "true" : "false",
    "aria-controls": "resend-box", onclick: toggle("resend") }, t("resend")) : null;
  // Blocking abuse: any conversation with a visitor (issue 13, item 8).
  const block = item ? null : h("button", { type: "button", id: "block-btn", "aria-expanded": s.box === "block" ? "true" : "false",
    "aria-controls": "block-box", onclick: toggle("block") }, t("block"));
  // Who the visitor is (issue 13, item 2).
  const visitor = h("button", { type: "button", id: "visitor-btn", "aria-expanded": s.box === "visitor" ? "true" : "false",
    "aria-controls": "visitor-box", onclick: toggle("visitor") }, t("visitorPanel"));
  if (tab.held) {
    fill(box, visitor, resend, block,
      h("button", { type: "button", id: "transfer-btn", disabled: !s.ready, "aria-expanded": s.box === "transfer" ? "true" : "false",
        onclick: toggle("transfer") }, t("transfer")),
      h("button.danger", { type: "button", id: "end-btn", disabled: !s.ready, onclick: toggle("end") }, t("end")));
  } else if (supervises(s) && (state === "live" || state === "queued")) {
    // A supervisor following someone else's conversation (or one in the queue).
    fill(box, visitor, resend, block,
      h("button.primary", { type: "button", id: "take-over-btn", disabled: !s.ready, onclick: () => submit("take_over", tab.id, {}) }, t("takeOver")),
      h("button", { type: "button", id: "reassign-btn", disabled: !s.ready, "aria-expanded": s.box === "reassign" ? "true" : "false",
        "aria-controls": "reassign-box", onclick: toggle("reassign") }, t("reassign")),
      h("button.danger", { type: "button", id: "supend-btn", disabled: !s.ready, "aria-expanded": s.box === "supend" ? "true" : "false",
        "aria-controls": "supend-box", onclick: toggle("supend") }, t("end")),
      h("button", { type: "button", id: "close-tab-btn", onclick: () => dispatch({ type: "local/close_tab", id: tab.id }) }, t("closeTab")));
  } else {
    fill(box, visitor, resend, block, h("button", { type: "button", id: "close-tab-btn", onclick: () => dispatch({ type: "local/close_tab", id: tab.id }) }, t("closeTab")));
  }
  if (focusedId) $(focusedId)?.focus();
}

// ---- the inline boxes: one open at a time (state.box)

function boxes(s, p, tab, rebuilt) {
  const was = rebuilt || !p ? null : p.box;
  for (const name of ["resend", "transfer", "end", "block", "visitor", "reassign", "supend"]) {
    const el = $(`${name}-box`);
    const open = s.box === name;
    el.hidden = !open;
    if (open && was !== name) {
      if (name === "resend") resendBox(el, tab);
      else if (name === "end") endBox(el, tab);
      else if (name === "block") blockBox(el, tab);
      else if (name === "visitor") visitorBox(el, tab);
      else if (name === "supend") supEndBox(el, tab);
    }
    if (!open && was === name && !rebuilt) {
      // Closed: the focus goes back to the button that opened it when it was inside.
      if (el.contains(document.activeElement) || document.activeElement === document.body) $(`${name}-btn`)?.focus();
    }
  }
  const before = p && p.tabs[tab.id];
  if (s.box === "visitor" && was === "visitor" && before && before.visitorRev !== tab.visitorRev) visitorBox($("visitor-box"), tab);
  if (s.box === "transfer" && (was !== "transfer" || s.presence !== p.presence || s.me !== p.me)) {
    transferBox($("transfer-box"), s, tab, was !== "transfer");
  }
  if (s.box === "reassign" && (was !== "reassign" || s.presence !== p.presence || s.supervision !== p.supervision)) {
    reassignBox($("reassign-box"), s, tab, was !== "reassign");
  }
}

function resendBox(box, tab) {
  const email = h("input", { type: "email", id: "resend-email", autocomplete: "off", required: true,
    "aria-describedby": "resend-email-err", oninput: () => setFieldError(email, "") });
  const err = h("div#resend-email-err.field-error");
  const busy = h("button.primary", { type: "submit", id: "resend-confirm" }, t("resendConfirm"));
  fill(box, h("form", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const problem = emailProblem(email.value);
    if (problem) { setFieldError(email, problem); email.focus(); return; }
    setFieldError(email, "");
    busy.disabled = true;
    try {
      const r = await app.api("POST", `/monitored-conversations/${encodeURIComponent(tab.id)}/resend`, { email: email.value.trim() });
      if (r && r.item) dispatch({ type: "local/monitored_upsert", item: r.item });
      if (app.state.box === "resend") dispatch({ type: "local/box", box: null });
      showNotice(t("resent", email.value.trim()), "ok");
    } catch (ex) {
      if (ex.status === 401) return;
      const f = ((ex.body && ex.body.fields) || []).find((x) => x.field === "email");
      setFieldError(email, f ? fieldText(f) : errText(ex));
      email.focus();
    } finally { busy.disabled = false; }
  } },
  h("label", { for: "resend-email" }, t("resendTo")), email, busy,
  h("button", { type: "button", onclick: () => dispatch({ type: "local/box", box: null }) }, t("cancel")), err));
  email.focus();
}

// The colleagues available now (never oneself): updated in place while the box is open.
function transferBox(box, s, tab, opening) {
  const choices = s.presence.filter((o) => o.status === "available" && (!s.me || o.operator_id !== s.me.operator.id));
  const close = () => dispatch({ type: "local/box", box: null });
  if (!choices.length) {
    fill(box, h("p", t("transferNone")), h("button", { type: "button", onclick: close }, t("cancel")));
  } else {
    const sel = h("select", { id: "transfer-to" }, choices.map((o) =>
      h("option", { value: o.operator_id }, `${o.name} (${t("load", o.load ?? 0, o.capacity ?? 0)})`)));
    fill(box, h("form", { onsubmit: (e) => {
      e.preventDefault();
      submit("transfer", tab.id, { to: Number(sel.value) });
      close();
    } },
    h("label", { for: "transfer-to" }, t("transferTo")), sel,
    h("button.primary", { type: "submit", id: "transfer-confirm" }, t("transferConfirm")),
    h("button", { type: "button", onclick: close }, t("cancel"))));
  }
  if (opening) box.querySelector("select, button")?.focus();
}

// A supervisor hands the conversation to an available operator (neither themselves nor
// the one holding it).
function reassignBox(box, s, tab, opening) {
  const row = supRow(s, tab);
  const holder = row && row.operator ? row.operator.id : null;
  const choices = s.presence.filter((o) => o.status === "available" && o.operator_id !== holder
    && (!s.me || o.operator_id !== s.me.operator.id));
  const close = () => dispatch({ type: "local/box", box: null });
  if (!choices.length) {
    fill(box, h("p", t("reassignNone")), h("button", { type: "button", onclick: close }, t("cancel")));
  } else {
    const sel = h("select", { id: "reassign-to" }, choices.map((o) =>
      h("option", { value: o.operator_id }, `${o.name} (${t("load", o.load ?? 0, o.capacity ?? 0)})`)));
    fill(box, h("form", { onsubmit: (e) => {
      e.preventDefault();
      submit("reassign", tab.id, { to: Number(sel.value) });
      close();
    } },
    h("label", { for: "reassign-to" }, t("reassignTo")), sel,
    h("button.primary", { type: "submit", id: "reassign-confirm" }, t("reassignConfirm")),
    h("button", { type: "button", onclick: close }, t("cancel"))));
  }
  if (opening) box.querySelector("select, button")?.focus();
}

function supEndBox(box, tab) {
  fill(box, h("span", t("confirmSupEnd")),
    h("button.danger", { type: "button", id: "supend-confirm", onclick: () => {
      submit("end", tab.id, {});
      dispatch({ type: "local/box", box: null });
    } }, t("end")),
    h("button", { type: "button", onclick: () => dispatch({ type: "local/box", box: null }) }, t("cancel")));
  box.querySelector("button")?.focus();
}

function endBox(box, tab) {
  fill(box, h("span", t("confirmEnd")),
    h("button.danger", { type: "button", id: "end-confirm", onclick: () => {
      submit("end", tab.id, {});
      dispatch({ type: "local/box", box: null });
    } }, t("end")),
    h("button", { type: "button", onclick: () => dispatch({ type: "local/box", box: null }) }, t("cancel")));
  box.querySelector("button")?.focus();
}

// Blocks the conversation's visitor: a duration, a reason, and (by default) the address.
function blockBox(box, tab) {
  const close = () => dispatch({ type: "local/box", box: null });
  const duration = h("select", { id: "block-duration" },
    ["1h", "24h", "7d", "permanent"].map((d) => h("option", { value: d, selected: d === "24h" }, t(`blockFor_${d}`))));
  const reason = h("input", { type: "text", id: "block-reason", maxlength: "200", required: true, "aria-describedby": "block-reason-err",
    oninput: () => setFieldError(reason, "") });
  const err = h("div#block-reason-err.field-error");
  const byAddress = h("input", { type: "checkbox", id: "block-address", checked: true });
  const go = h("button.danger", { type: "submit", id: "block-confirm" }, t("blockConfirm"));
  fill(box, h("form.block-form", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (!reason.value.trim()) { setFieldError(reason, t("blockReasonNeeded")); reason.focus(); return; }
    go.disabled = true;
    try {
      await app.api("POST", `/conversations/${encodeURIComponent(tab.id)}/block`,
        { duration: duration.value, reason: reason.value.trim(), by_address: byAddress.checked });
      close();
      showNotice(t("blocked"), "ok");
    } catch (ex) {
      if (ex.status === 401) return;
      const f = ((ex.body && ex.body.fields) || [])[0];
      setFieldError(reason, f ? fieldText(f) : errText(ex));
    } finally { go.disabled = false; }
  } },
  h("label", { for: "block-duration" }, t("blockDuration")), duration,
  h("label", { for: "block-reason" }, t("blockReason")), reason,
  h("span.check", byAddress, h("label", { for: "block-address" }, t("blockAddress"))),
  go, h("button", { type: "button", onclick: close }, t("cancel")), err));
  reason.focus();
}

// ---- offer of help (monitored conversations that are not live)

function mcBar(s, tab, item) {
  const btn = $("offer-help");
  const status = $("mc-bar-status");
  if (!btn || !status) return;
  const live = tab.held || (item && item.state === "live");
  const pending = offerPending(s, tab);
  btn.disabled = !s.ready || live || pending;
  let text = "";
  let cls = "mc-status";
  if (live) text = tab.held ? t("mcLiveMine") : stateText(item);
  else if (pending) text = t("offerPending");
  else if (tab.lastAnswerEvent === "help_declined") { text = t("offerDeclined"); cls += " declined"; }
  else if (item && item.state === "queued") text = stateText(item);
  if (status.className !== cls) status.className = cls;
  if (status.textContent !== text) status.textContent = text;
}

function offerHelp(id) {
  const s = app.state;
  const tab = s.tabs[id];
  if (!tab || !s.ready || offerPending(s, tab)) return;
  submit("offer_help", id, {});
}
