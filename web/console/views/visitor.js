// Who the visitor is (issue 13, item 2): the record beside the conversation — the
// embedding site's user when it identified them, the page the chatbox runs on and the pages
// before, where they came from, browser, system, languages, time zone (and their local
// time), first visit, previous conversations (links to the history), the monitored record,
// and the attributes the site passed. Re-read when the server says it changed
// (`visitor_changed`). Every value is text: `h()` escapes it; only http(s) URLs are links.
import { h, fill } from "../../shared/dom.js";
import { app, t } from "../app.js";
import { when, day } from "../format.js";

let loading = 0; // the latest request wins
const names = new Map(); // conversation → the identified user's name (canned answers' {visitor_name})

/** The visitor's name as the embedding site gave it, once read (else ""). */
export const visitorNameOf = (id) => names.get(id) || "";

/** Reads the visitor's name for the canned answers' `{visitor_name}` (once per conversation). */
export async function knownVisitorName(id) {
  if (names.has(id)) return names.get(id);
  try {
    const v = await app.api("GET", `/conversations/${encodeURIComponent(id)}/visitor`);
    names.set(id, (v.user && v.user.name) || "");
  } catch { /* no name */ }
  return names.get(id) || "";
}

export async function visitorBox(box, tab) {
  const mine = ++loading;
  if (!box.firstChild) fill(box, h("p.muted", t("vLoading")));
  let v;
  try {
    v = await app.api("GET", `/conversations/${encodeURIComponent(tab.id)}/visitor`);
  } catch (ex) {
    if (mine === loading && ex.status !== 401) fill(box, h("p.field-error", t("vError")));
    return;
  }
  names.set(tab.id, (v.user && v.user.name) || "");
  if (mine !== loading || box.hidden) return;
  fill(box, render(v));
}

const webLink = (url, text) => /^https?:\/\//i.test(url || "")
  ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, text || url)
  : h("span", text || url || "");

function localTime(tz) {
  try {
    return new Date().toLocaleTimeString(app.state.lang === "fr" ? "fr-FR" : "en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" });
  } catch { return null; }
}

function row(label, ...value) {
  return [h("dt", label), h("dd", ...value)];
}

function render(v) {
  const pages = Array.isArray(v.pages) ? v.pages : [];
  const [current, ...before] = pages;
  const user = v.user;
  const tzTime = v.time_zone ? localTime(v.time_zone) : null;
  const previous = Array.isArray(v.previous) ? v.previous : [];
  const kinds = t("vKind");
  const facts = h("dl.visitor-facts",
    user ? [
      row(t("vIdentified"), h("strong#visitor-user", user.name || user.email || user.id)),
      user.email ? row(t("vEmail"), h("span#visitor-user-email", user.email)) : null,
      row(t("vUserId"), h("code", user.id)),
    ] : null,
    !user && v.email ? row(t("vEmail"), h("span#visitor-email", v.email)) : null,
    row(t("vCurrentPage"), current
      ? h("span#visitor-page", webLink(current.url, current.title || current.url), h("small.muted", ` · ${when(current.at)}`))
      : h("span.muted", t("vNoPage"))),
    v.referrer ? row(t("vReferrer"), h("span#visitor-referrer", webLink(v.referrer))) : null,
    row(t("vBrowser"), h("span#visitor-browser", v.browser || t("vUnknown"))),
    row(t("vSystem"), h("span#visitor-system", v.system || t("vUnknown"))),
    v.languages && v.languages.length ? row(t("vLanguages"), h("span#visitor-languages", v.languages.join(", "))) : null,
    v.time_zone ? row(t("vTimeZone"), h("span#visitor-tz", tzTime ? t("vLocalTime", v.time_zone, tzTime) : v.time_zone)) : null,
    row(t("vFirstSeen"), h("span#visitor-first-seen", day(v.first_seen))),
    v.monitored ? row(t("vMonitored"), h("span#visitor-monitored",
      t("vMonitoredBy", v.monitored.name, v.monitored.creator), " · ", v.monitored.email)) : null);
  const attrs = Object.entries(v.attributes || {});
  return [
    facts,
    before.length ? h("details.visitor-pages", { open: true },
      h("summary", `${t("vPages")} (${before.length})`),
      h("ol#visitor-pages", before.map((p) => h("li", webLink(p.url, p.title || p.url), h("small.muted", ` · ${when(p.at)}`))))) : null,
    h("details.visitor-previous", { open: previous.length > 0 },
      h("summary#visitor-previous-count", t("vPrevious", v.previous_count || 0)),
      previous.length ? h("ul", previous.map((c) => h("li",
        h("a", { href: `/console/history#${encodeURIComponent(c.id)}`, target: "_blank", rel: "noopener" }, day(c.created_at)),
        ` · ${kinds[c.kind] || c.kind}`))) : null),
    attrs.length ? h("details.visitor-attributes", { open: true },
      h("summary", t("vAttributes")),
      h("dl#visitor-attributes", attrs.map(([k, val]) => row(k, String(val))))) : null,
  ];
}
