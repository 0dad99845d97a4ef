// Texts computed from the state: durations, dates, names, the monitored conversations' status.
import { app, t } from "./app.js";
import { h } from "../shared/dom.js";
import { monitoredItem } from "./state.js";

const locale = () => (app.state.lang === "fr" ? "fr-FR" : "en-GB");

export function ago(ms) {
  const s = Math.max(0, Math.floor((Date.now() - ms) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const hrs = Math.floor(m / 60);
  return `${hrs} h ${String(m % 60).padStart(2, "0")} min`;
}
export function clock(ms) {
  try { return new Date(ms).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" }); } catch { return ""; }
}
export function fullDate(ms) {
  return new Date(ms).toLocaleString(locale());
}
export function when(ms) {
  try {
    return new Date(ms).toLocaleString(locale(), { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  } catch { return ""; }
}
/** A day, in the page's language: 02/03/2027 (fr-FR), 2 Mar 2027 (en). */
export function day(ms) {
  try {
    return app.state.lang === "fr" ? new Date(ms).toLocaleDateString("fr-FR") : new Date(ms).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
  } catch { return ""; }
}
/** The link's validity: "valid until …" or "expired on …". */
export function expiryText(item) {
  if (!item || typeof item.expires_at !== "number") return "";
  return item.expires_at > Date.now() ? t("mcExpires", day(item.expires_at)) : t("mcExpired", day(item.expires_at));
}
/** A knowledge item's language, as a small tag: "FR" titled "En français". */
export function langTag(lang) {
  if (lang !== "fr" && lang !== "en") return null;
  const name = t(lang === "fr" ? "langFr" : "langEn");
  return h("span.lang-tag", { "data-lang": lang, title: t("langTitle", name) }, h("span.sr", `(${name}) `), h("span", { "aria-hidden": "true" }, lang.toUpperCase()));
}
/** "Le visiteur a essayé un lien expiré il y a 2 min" (issue 11, item 9), or "". */
export function deadLinkText(item) {
  const d = item && item.dead_link;
  return d && d.at ? t("mcDeadLink", d.reason, ago(d.at)) : "";
}

export function creatorText(item) {
  if (!item || !item.creator) return "";
  return item.mine ? t("mcCreatorMe") : t("mcCreator", item.creator.name || "");
}
export const shortId = (id) => String(id).replace(/^c_/, "").slice(0, 6);

export function tabTitle(id, state = app.state) {
  const item = monitoredItem(state, id);
  return item && item.name ? item.name : `${t("visitor")} #${shortId(id)}`;
}

// Elements showing a duration (data-since, data-fmt) are updated every second.
export function sinceText(fmt, ms) {
  return fmt === "waiting" ? t("waiting", ago(ms)) : fmt === "visitor" ? t("lastVisitor", ago(ms))
    : fmt === "activity" ? t("lastActivity", ago(ms)) : fmt === "status" ? t("since", ago(ms))
      : fmt === "supAgo" ? t("supAgo", ago(ms)) : ago(ms);
}
export function tickDurations() {
  for (const el of document.querySelectorAll("[data-since]")) {
    const ms = Number(el.dataset.since);
    if (ms) el.textContent = sinceText(el.dataset.fmt, ms);
  }
}

export function operatorName(op) {
  if (!op) return null;
  return typeof op === "string" ? op : op.name || null;
}
export function mailStatus(mail) {
  const st = (mail && mail.status) || "queued";
  if (st === "sent") return t("mailSent", mail.sent_at ? when(mail.sent_at) : "");
  if (st === "retrying") return t("mailRetrying", mail.attempts || 0, mail.error || "");
  if (st === "failed") return t("mailFailed", mail.error || "");
  if (st === "sending") return t("mailSending");
  return t("mailQueued");
}
export function stateText(item) {
  if (!item) return "";
  if (item.state === "live") return t("stateLive", operatorName(item.operator) || "");
  if (item.state === "queued") return t("stateQueued");
  return t("stateBot");
}
