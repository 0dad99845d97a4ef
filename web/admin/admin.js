// Vigie admin pages: plain ES module, no build step, no innerHTML with data.
// Routes live in the URL hash: #/bots, #/bots/{bot}/knowledge[?q=], #/bots/{bot}/knowledge/new,
// #/bots/{bot}/knowledge/{id}, #/bots/{bot}/config, #/livechat.
import { T, RESOURCE_LABELS, MODULE_TEXT } from "./i18n.js";
import { h } from "../shared/dom.js";
import { pickLang, translator } from "../shared/i18n.js";
import { API, createApi } from "../shared/api.js";
import { errorSentence, fieldSentence, httpErrorSentence } from "../shared/errors.js";
import { renderHistory } from "./history.js";
import { renderBotsAdmin } from "./bots-admin.js";
import { problemBox } from "../shared/people-errors.js";
// Sections in their own modules (issue 12): each says its nav label, who sees it, which
// routes are its own, and renders with the context `sectionContext()` gives.
import { peopleSection } from "./people.js";
import { tokensSection } from "./tokens.js";
import { auditSection } from "./audit.js";
import { blocksSection } from "./blocks.js";
import { cannedSection } from "./canned.js";
import { meSection } from "./me.js";
import { officeHoursSection } from "./office-hours.js";
import { embedSection } from "./embed.js";
import { statsSection } from "./statistics.js";
import { learningSection } from "./learning.js";
import { privacySection } from "./privacy.js";

const SECTIONS = [peopleSection, tokensSection, auditSection, statsSection, learningSection, cannedSection, blocksSection, officeHoursSection, embedSection, privacySection, meSection];

let lang = pickLang({ query: false, saved: ["vigie.admin.lang"] });
let me = null; // {operator, csrf_token}
let advanced = sessionStorage.getItem("vigie.admin.advanced") === "1";

const t = translator(T, () => lang);
const isAdmin = () => me && me.operator.role === "admin";

let uid = 0;
const newId = (p) => `${p}-${++uid}`;

// ---- API (a 401: the session is gone, back to the login form)
const api = createApi({
  csrf: () => me && me.csrf_token,
  onUnauthorized: () => {
    me = null;
    sessionStorage.removeItem("vigie.admin.csrf");
    renderHeader();
    renderLogin();
  },
});

// ---- Messages: the server's errors by code, in the page's language, each field named by
// the label of its input in the page (or by its name in the knowledge file's vocabulary).
/** The visible text of the label of `el` (its hint left out). */
function labelOf(el) {
  const l = el && el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
  if (!l) return null;
  const c = l.cloneNode(true);
  for (const x of c.querySelectorAll(".hint")) x.remove();
  return c.textContent.trim();
}
/** A field's label: its input's in `inputs` (by full name, then base name), else a known name. */
function fieldLabel(field, inputs = {}) {
  const base = String(field).split(/[.[]/)[0];
  const mail = /^monitored_mail\.(fr|en)\.(subject|html|text)$/.exec(field);
  if (mail) return `${t("mailTemplate")} (${mail[1] === "fr" ? "français" : "English"}) – ${t(`mail_${mail[2]}`)}`;
  const label = labelOf(inputs[field]) || labelOf(inputs[base]);
  if (label) return label;
  const index = /\[(\d+)\]$/.exec(field);
  const named = t(`field_${base}`);
  if (named === `field_${base}`) return field;
  return index ? `${named} (${t("nth", Number(index[1]) + 1)})` : named;
}
function errorBox(err, inputs = {}) {
  const b = err.body || {};
  const box = h("div.msg.error", { role: "alert" }, b.error ? httpErrorSentence(lang, err) : (err.message || String(err)));
  if (Array.isArray(b.fields) && b.fields.length) {
    box.replaceChildren(t("invalid"), h("ul", b.fields.map((f) => h("li", fieldSentence(lang, f, fieldLabel(f.field, inputs))))));
  }
  if (Array.isArray(b.errors) && b.errors.length) {
    box.replaceChildren(httpErrorSentence(lang, err),
      h("ul", b.errors.map((e) => h("li", `${t("where", e.location)}${e.id ? ` (${e.id})` : ""} – `,
        fieldSentence(lang, e, fieldLabel(e.field))))));
  }
  return box;
}
const okBox = (text) => h("div.msg.ok", { role: "status" }, text);
function fmtDate(ms) {
  return new Date(ms).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "short", timeStyle: "short" });
}

// ---- Header
function renderHeader() {
  const top = document.getElementById("top");
  const langSel = h("select", { id: "ui-lang", "aria-label": t("language"), onchange: (e) => {
    lang = e.target.value;
    localStorage.setItem("vigie.admin.lang", lang);
    renderHeader();
    route();
  } }, h("option", { value: "fr" }, "Français"), h("option", { value: "en" }, "English"));
  langSel.value = lang;
  document.documentElement.lang = lang;
  const links = me ? navLinks() : [];
  const current = groupOf(currentSection(), links);
  const mine = links.find((l) => l.key === "me");
  top.replaceChildren(
    h("a.brand", { href: "#/bots" }, t("brand")),
    me ? h("nav.mainnav", { "aria-label": t("mainNav") },
      NAV_GROUPS.map((g) => {
        const items = links.filter((l) => groupOf(l.key, links) === g.key);
        if (!items.length) return null;
        return h("a", { href: items[0].href, "data-group": g.key, "aria-current": current === g.key ? "true" : null }, g[lang]);
      })) : null,
    me ? h("span.who", `${me.operator.name} (${t(me.operator.role)})`) : null,
    mine ? h("a.account", { href: mine.href, "data-section": "me", "aria-current": currentSection() === "me" ? "page" : null }, mine.label) : null,
    h("label", { for: "ui-lang", class: "sr", style: "margin:0;font-weight:400" }, t("language")),
    langSel,
    me ? h("button", { type: "button", onclick: logout }, t("logout")) : null,
  );
  renderSubnav(links, current);
}

// The pages, grouped: the top bar names the groups, the bar under it the current group's
// pages (every page is one click from any other of its group, two from the rest).
const NAV_GROUPS = [
  { key: "bots", fr: "Chatbots", en: "Chatbots", items: ["bots", "manage-bots", "embed"] },
  { key: "livechat", fr: "Livechat", en: "Livechat", items: ["livechat", "office-hours", "canned", "blocks"] },
  { key: "insight", fr: "Suivi", en: "Insight", items: ["history", "stats", "learning", "audit"] },
  { key: "team", fr: "Équipe", en: "Team", items: ["people", "tokens", "privacy"] },
];
function navLinks() {
  return [
    { key: "bots", href: "#/bots", label: t("bots") },
    { key: "manage-bots", href: "#/manage-bots", label: lang === "fr" ? "Gestion des bots" : "Manage bots" },
    { key: "livechat", href: "#/livechat", label: t("livechatSettings") },
    { key: "history", href: "#/history", label: lang === "fr" ? "Historique" : "History" },
    ...SECTIONS.filter((sec) => sec.visible(me)).map((sec) => ({ key: sec.key, href: `#/${sec.key}`, label: sec.nav(lang), group: sec.group })),
  ];
}
function groupOf(key, links) {
  const g = NAV_GROUPS.find((x) => x.items.includes(key));
  if (g) return g.key;
  const l = links.find((x) => x.key === key);
  return key === "me" ? null : (l && l.group) || (l ? "insight" : null);
}
const currentSection = () => (location.hash.replace(/^#\/?/, "").split(/[/?]/)[0] || "bots");
function renderSubnav(links, current) {
  let bar = document.getElementById("subnav");
  if (!bar) bar = h("nav#subnav.subnav");
  document.getElementById("top").append(bar);
  const items = current ? links.filter((l) => l.key !== "me" && groupOf(l.key, links) === current) : [];
  bar.hidden = !items.length;
  bar.setAttribute("aria-label", (NAV_GROUPS.find((g) => g.key === current) || {})[lang] || "");
  const here = currentSection();
  bar.replaceChildren(...items.map((l) => h("a", { href: l.href, "data-section": l.key, "aria-current": l.key === here ? "page" : null }, l.label)));
}
async function logout() {
  try { await api("POST", "/auth/logout", {}); } catch { /* already gone */ }
  me = null;
  sessionStorage.removeItem("vigie.admin.csrf");
  renderHeader();
  renderLogin();
}

// Text fields grow with their text: CSS `field-sizing: content` where the browser has it,
// else their height follows their content here (when typed in, and when a page is drawn or
// a click shows hidden ones).
const growByHand = !(window.CSS && CSS.supports && CSS.supports("field-sizing", "content"));
function grow(ta) {
  if (!ta.offsetParent) return; // hidden: measured when shown
  ta.style.height = "auto";
  ta.style.height = `${ta.scrollHeight + 2}px`;
}
const growAll = () => { for (const ta of document.querySelectorAll("#main textarea")) grow(ta); };
if (growByHand) {
  document.addEventListener("input", (e) => { if (e.target instanceof HTMLTextAreaElement) grow(e.target); });
  document.addEventListener("click", () => requestAnimationFrame(growAll));
}

function show(title, ...nodes) {
  document.title = `${title} – Vigie`;
  const main = document.getElementById("main");
  main.replaceChildren(...nodes.flat().filter(Boolean));
  if (growByHand) requestAnimationFrame(growAll);
  return main;
}

// ---- Login
function renderLogin(error) {
  const email = h("input", { type: "email", id: "login-email", autocomplete: "username", required: true });
  const pass = h("input", { type: "password", id: "login-password", autocomplete: "current-password", required: true });
  const msg = h("div", { "aria-live": "polite" }, error ? errorBox(error) : null);
  const form = h("form.card.narrow", { onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    try {
      me = await api("POST", "/auth/login", { email: email.value, password: pass.value });
      sessionStorage.setItem("vigie.admin.csrf", me.csrf_token);
      renderHeader();
      if (!location.hash || location.hash === "#/login") location.hash = "#/bots";
      else route();
    } catch (err) { msg.replaceChildren(problemBox(lang, err)); }
  } },
  h("h1", t("login")),
  h("label", { for: "login-email" }, t("email")), email,
  h("label", { for: "login-password" }, t("password")), pass,
  msg,
  h("div.actions", h("button.primary", { type: "submit" }, t("loginButton")),
    h("a#forgot-link", { href: `/account/?lang=${lang}#forgot` }, lang === "fr" ? "Mot de passe oublié ?" : "Forgotten password?")));
  show(t("login"), form);
  email.focus();
}

// ---- Bots
async function renderBots() {
  const data = await api("GET", "/bots");
  show(t("bots"),
    h("h1", t("bots")),
    h("table",
      h("thead", h("tr", h("th", t("bot")), h("th", t("slug")), h("th", t("language")), h("th", t("deployedUrl")), h("th", ""))),
      h("tbody", data.bots.map((b) => h("tr",
        h("td", h("a", { href: `#/bots/${encodeURIComponent(b.slug)}/knowledge` }, b.name)),
        h("td", h("code", b.slug)),
        h("td", b.default_lang),
        h("td", h("a", { href: b.deployed_url, target: "_blank", rel: "noopener" }, b.deployed_url)),
        h("td", h("a", { href: `#/bots/${encodeURIComponent(b.slug)}/config` }, t("dialogBox"))),
      )))));
}

function botTabs(bot, current) {
  const s = encodeURIComponent(bot.slug);
  const tab = (href, label, key) => h("a", { href, "aria-current": current === key ? "page" : null }, label);
  return [
    h("div.crumbs", h("a", { href: "#/bots" }, t("bots")), " › ", bot.name),
    h("nav.tabs", { "aria-label": bot.name },
      tab(`#/bots/${s}/knowledge`, t("knowledge"), "knowledge"),
      tab(`#/bots/${s}/config`, t("dialogBoxLong"), "config")),
  ];
}

// ---- Knowledge list
async function renderKnowledge(slug, q) {
  const bot = await api("GET", `/bots/${encodeURIComponent(slug)}`);
  const s = encodeURIComponent(slug);
  const data = await api("GET", `/bots/${s}/knowledge${q ? `?q=${encodeURIComponent(q)}` : ""}`);
  const search = h("input", { type: "search", id: "kn-q", value: q || "" });
  const importMsg = h("div", { "aria-live": "polite" });
  const file = h("input", { type: "file", id: "kn-file", accept: ".json,.csv,application/json,text/csv" });
  const importForm = isAdmin() ? h("form.card", { onsubmit: async (e) => {
    e.preventDefault();
    importMsg.replaceChildren();
    const f = file.files[0];
    if (!f) { importMsg.replaceChildren(errorBox(new Error(t("chooseFile")))); return; }
    const type = f.name.toLowerCase().endsWith(".csv") ? "text/csv" : "application/json";
    try {
      const r = await api("POST", `/bots/${s}/knowledge/import`, await f.text(), type);
      const i = r.imported;
      importMsg.replaceChildren(okBox(t("imported", i.created, i.updated, i.unchanged)));
      setTimeout(() => route(), 1500);
    } catch (err) { importMsg.replaceChildren(errorBox(err)); }
  } },
  h("h2", t("import")),
  h("label", { for: "kn-file" }, t("importFile"), " ", h("span.hint", t("importHint"))),
  file,
  h("div.actions", h("button", { type: "submit" }, t("importButton"))),
  importMsg) : null;

  // Without a search, the list comes a page at a time (`next_cursor`): "Show more".
  const row = (k) => h("tr",
    h("td", h("code", k.id)),
    h("td", h("a", { href: `#/bots/${s}/knowledge/${encodeURIComponent(k.id)}` }, k.title)),
    h("td", k.lang),
    h("td", (k.tags || []).map((tag) => h("span.badge", tag))),
    h("td", k.published ? t("published") : h("span.badge.no", t("draft"))));
  const tbody = h("tbody", data.knowledge.map(row));
  const more = h("div.actions");
  const offerMore = (cursor) => {
    more.replaceChildren();
    if (!cursor || q) return;
    more.append(h("button#kn-more", { type: "button", onclick: async () => {
      try {
        const page = await api("GET", `/bots/${s}/knowledge?cursor=${encodeURIComponent(cursor)}`);
        tbody.append(...page.knowledge.map(row));
        offerMore(page.next_cursor);
      } catch (err) { more.replaceChildren(errorBox(err)); }
    } }, t("showMore")));
  };
  offerMore(data.next_cursor);
  show(t("knowledge"),
    botTabs(bot, "knowledge"),
    h("h1", t("knowledge")),
    h("form.row", { role: "search", onsubmit: (e) => {
      e.preventDefault();
      location.hash = `#/bots/${s}/knowledge${search.value.trim() ? `?q=${encodeURIComponent(search.value.trim())}` : ""}`;
    } },
    h("div", h("label", { for: "kn-q" }, t("search")), search),
    h("div", { style: "flex:0" }, h("button", { type: "submit" }, t("searchButton")))),
    h("div.actions",
      isAdmin() ? h("a.button", { href: `#/bots/${s}/knowledge/new` }, t("newItem")) : null,
      h("a.button", { href: `${API}/bots/${s}/knowledge/export?format=json`, download: `${slug}-knowledge.json` }, t("exportJson")),
      h("a.button", { href: `${API}/bots/${s}/knowledge/export?format=csv`, download: `${slug}-knowledge.csv` }, t("exportCsv"))),
    h("p.status", { role: "status" }, t("count", data.total)),
    h("table",
      h("thead", h("tr", h("th", t("id")), h("th", t("titleField")), h("th", t("language")), h("th", t("tags")), h("th", t("state")))),
      tbody),
    more,
    importForm);
}

// ---- Knowledge form
async function renderKnowledgeForm(slug, id) {
  const s = encodeURIComponent(slug);
  const bot = await api("GET", `/bots/${s}`);
  // A new item may come prefilled from the learning page (its chosen questions).
  let prefill = null;
  if (!id) {
    try { prefill = JSON.parse(sessionStorage.getItem("vigie.admin.knowledge.prefill") || "null"); } catch { prefill = null; }
    sessionStorage.removeItem("vigie.admin.knowledge.prefill");
  }
  const item = id ? await api("GET", `/bots/${s}/knowledge/${encodeURIComponent(id)}`) :
    { id: "", title: (prefill && prefill.title) || "", lang: bot.default_lang, formulations: (prefill && prefill.formulations) || [], answer: "", related: [], handoff: false, tags: [], published: true, translations: {} };
  const ro = !isAdmin();
  const fields = {};
  const errs = {};
  const field = (name, label, input, hint) => {
    input.id = `kn-${name}`;
    if (ro) input.disabled = true;
    fields[name] = input;
    errs[name] = h("div.field-error", { id: `kn-${name}-err` });
    input.setAttribute("aria-describedby", `kn-${name}-err`);
    return h("div", h("label", { for: input.id }, label, hint ? h("span.hint", ` ${hint}`) : null), input, errs[name]);
  };
  const check = (name, label) => {
    const input = h("input", { type: "checkbox", id: `kn-${name}`, checked: item[name], disabled: ro });
    fields[name] = input;
    return h("div.check", input, h("label", { for: `kn-${name}`, style: "margin:0" }, label));
  };
  const langSel = h("select", h("option", { value: "fr" }, "fr"), h("option", { value: "en" }, "en"));
  langSel.value = item.lang;
  const msg = h("div", { "aria-live": "polite" });
  const collect = () => ({
    id: fields.id.value.trim(),
    title: fields.title.value,
    lang: fields.lang.value,
    formulations: fields.formulations.value.split("\n").map((x) => x.trim()).filter(Boolean),
    answer: fields.answer.value,
    related: fields.related.value.split(",").map((x) => x.trim()).filter(Boolean),
    handoff: fields.handoff.checked,
    tags: fields.tags.value.split(",").map((x) => x.trim()).filter(Boolean),
    published: fields.published.checked,
    // `en:password-reset, fr:mot-de-passe` → {en: "password-reset", …}; a pair without
    // `:` goes to the server as is, which names the problem.
    translations: Object.fromEntries(fields.translations.value.split(",").map((x) => x.trim()).filter(Boolean)
      .map((p) => { const i = p.indexOf(":"); return i < 0 ? [p, ""] : [p.slice(0, i).trim(), p.slice(i + 1).trim()]; })),
  });
  const form = h("form.card", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    for (const [k, el] of Object.entries(errs)) { el.textContent = ""; fields[k].removeAttribute("aria-invalid"); }
    try {
      const body = collect();
      if (id) await api("PUT", `/bots/${s}/knowledge/${encodeURIComponent(id)}`, body);
      else await api("POST", `/bots/${s}/knowledge`, body);
      msg.replaceChildren(okBox(t("saved")));
      if (!id) location.hash = `#/bots/${s}/knowledge/${encodeURIComponent(body.id)}`;
    } catch (err) {
      msg.replaceChildren(errorBox(err, fields));
      for (const f of (err.body && err.body.fields) || []) {
        const base = f.field.split(/[.[]/)[0];
        if (errs[base]) { errs[base].textContent = errorSentence(lang, f); fields[base].setAttribute("aria-invalid", "true"); }
      }
    }
  } },
  field("id", t("id"), h("input", { type: "text", value: item.id, readonly: !!id, required: true }), id ? t("idFixed") : t("idHint")),
  field("title", t("titleField"), h("input", { type: "text", value: item.title, required: true })),
  field("lang", t("language"), langSel),
  field("formulations", t("formulations"), h("textarea", { rows: 5, value: item.formulations.join("\n") }), t("onePerLine")),
  field("answer", t("answer"), h("textarea", { rows: 8, value: item.answer }), t("markdown")),
  field("related", t("related"), h("input", { type: "text", value: item.related.join(", ") }), t("commaSeparated")),
  field("tags", t("tags"), h("input", { type: "text", value: (item.tags || []).join(", ") }), t("tagsHint")),
  field("translations", t("translations"), h("input", { type: "text", spellcheck: "false",
    value: Object.entries(item.translations || {}).map(([l, x]) => `${l}:${x}`).join(", ") }), t("translationsHint")),
  check("handoff", t("handoff")),
  check("published", t("publishedField")),
  msg,
  ro ? null : h("div.actions",
    h("button.primary", { type: "submit" }, t("save")),
    id ? h("button.danger", { type: "button", onclick: async () => {
      if (!confirm(t("confirmDelete", id))) return;
      try { await api("DELETE", `/bots/${s}/knowledge/${encodeURIComponent(id)}`); location.hash = `#/bots/${s}/knowledge`; }
      catch (err) { msg.replaceChildren(errorBox(err)); }
    } }, t("delete")) : null,
    h("a.button", { href: `#/bots/${s}/knowledge` }, t("back"))));
  // The server sanitizes answer_html; it is the one place HTML from data is shown.
  let preview = null;
  if (item.answer_html) {
    const div = h("div.answer-preview");
    div.innerHTML = item.answer_html; // sanitized by the server (ammonia)
    preview = h("section.card", h("h2", t("preview")), div);
  }
  show(id ? item.title : t("newItem"), botTabs(bot, "knowledge"), h("h1", id ? item.title : t("newItem")), form, preview);
}

// ---- Dialog box configuration
async function renderConfig(slug) {
  const s = encodeURIComponent(slug);
  const [bot, data, deps] = await Promise.all([
    api("GET", `/bots/${s}`), api("GET", `/bots/${s}/config`), api("GET", `/bots/${s}/deployments`),
  ]);
  const ro = !isAdmin();
  const cfg = structuredClone(data.config);
  const schema = data.schema;
  const inputs = {}; // "key.lang" -> textarea
  const msg = h("div", { "aria-live": "polite" });
  const status = h("p.status", { role: "status" });
  let deployedVersion = data.deployed_version;
  let dirty = data.draft_differs;
  let unsaved = false;
  let savedJson = JSON.stringify(cfg);
  const changed = () => { unsaved = JSON.stringify(cfg) !== savedJson; setStatus(); };
  const setStatus = () => {
    status.className = `status${dirty || unsaved ? " dirty" : ""}`;
    status.textContent = [
      deployedVersion ? t("deployedVersion", deployedVersion) : t("neverDeployed"),
      unsaved ? t("unsaved") : dirty ? t("draftDiffers") : t("draftSame"),
    ].join(" · ");
  };
  const deployedBox = h("div", { "aria-live": "polite" });
  const showDeployed = (url) => {
    const code = h("code", { id: "deployed-url" }, url);
    const copyBtn = h("button", { type: "button", onclick: async () => {
      try { await navigator.clipboard.writeText(url); copyBtn.textContent = t("copied"); }
      catch {
        const r = document.createRange(); r.selectNodeContents(code);
        const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
        copyBtn.textContent = t("copyManually");
      }
      setTimeout(() => { copyBtn.textContent = t("copy"); }, 2000);
    } }, t("copy"));
    deployedBox.replaceChildren(h("div.deployed", h("strong", t("deployedUrl")), code, copyBtn,
      h("a", { href: url, target: "_blank", rel: "noopener" }, t("open"))));
  };
  if (deployedVersion) showDeployed(data.deployed_url);

  const resourceRow = (key) => {
    const label = (RESOURCE_LABELS[lang] || {})[key] || key;
    const cells = ["fr", "en"].map((l) => {
      const idv = `res-${key}-${l}`;
      const ta = h("textarea", { id: idv, rows: 2, maxlength: schema.max_resource_chars, lang: l, disabled: ro,
        "aria-describedby": `${idv}-err`, value: cfg.resources[key][l],
        oninput: (e) => { cfg.resources[key][l] = e.target.value; changed(); } });
      inputs[`${key}.${l}`] = ta;
      return h("div", h("label", { for: idv }, `${label} (${l === "fr" ? "français" : "English"})`), ta,
        h("div.field-error", { id: `${idv}-err` }));
    });
    return h("div.resource", h("div.key", label, h("code", key)), ...cells);
  };

  const moduleCard = (m) => {
    const title = MODULE_TEXT[lang][m.name] || { name: m.name, help: "" };
    const card = h("section.card.module", { "aria-labelledby": `mod-${m.name}-title` });
    const btn = h("button.toggle", { type: "button", id: `mod-${m.name}`, disabled: ro,
      "aria-describedby": `mod-${m.name}-title`, onclick: () => {
        cfg.modules[m.name] = !cfg.modules[m.name]; paint(); changed();
      } });
    const paint = () => {
      const on = !!cfg.modules[m.name];
      card.classList.toggle("on", on); card.classList.toggle("off", !on);
      btn.className = `toggle ${on ? "on" : "off"}`;
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      btn.textContent = on ? t("moduleOn") : t("moduleOff");
      btn.title = on ? t("clickToDisable") : t("clickToEnable");
    };
    paint();
    card.append(
      h("div.module-head", h("h3", { id: `mod-${m.name}-title` }, title.name), h("p", title.help), btn),
      h("h4", t("resources")),
      ...m.resources.map(resourceRow));
    return card;
  };

  const advancedSection = h("section", { id: "advanced-view", hidden: !advanced },
    h("h2", t("modules")), ...schema.modules.map(moduleCard));
  const advBtn = h("button", { type: "button", "aria-expanded": advanced ? "true" : "false", "aria-controls": "advanced-view",
    onclick: () => {
      advanced = !advanced;
      sessionStorage.setItem("vigie.admin.advanced", advanced ? "1" : "0");
      advancedSection.hidden = !advanced;
      advBtn.setAttribute("aria-expanded", advanced ? "true" : "false");
      advBtn.textContent = advanced ? t("hideAdvanced") : t("showAdvanced");
    } }, advanced ? t("hideAdvanced") : t("showAdvanced"));

  const clearErrors = () => {
    for (const ta of Object.values(inputs)) {
      ta.removeAttribute("aria-invalid");
      document.getElementById(`${ta.id}-err`).textContent = "";
    }
  };
  const save = async () => {
    msg.replaceChildren(); clearErrors();
    try {
      const r = await api("PUT", `/bots/${s}/config`, { modules: cfg.modules, resources: cfg.resources });
      savedJson = JSON.stringify(cfg);
      dirty = r.draft_differs; unsaved = false; setStatus();
      msg.replaceChildren(okBox(t("configSaved")));
      return true;
    } catch (err) {
      const byField = {};
      for (const [k, el] of Object.entries(inputs)) byField[`resources.${k}`] = el;
      msg.replaceChildren(errorBox(err, byField));
      let first = null;
      for (const f of (err.body && err.body.fields) || []) {
        const m = /^resources\.([^.]+)\.(fr|en)$/.exec(f.field);
        const ta = m && inputs[`${m[1]}.${m[2]}`];
        if (ta) {
          ta.setAttribute("aria-invalid", "true");
          document.getElementById(`${ta.id}-err`).textContent = errorSentence(lang, f);
          first = first || ta;
        }
      }
      if (first) {
        if (first.closest("#advanced-view") && !advanced) advBtn.click();
        first.focus();
      }
      return false;
    }
  };
  const deploy = async () => {
    if (unsaved && !(await save())) return;
    msg.replaceChildren();
    try {
      const d = await api("POST", `/bots/${s}/deployments`, {});
      deployedVersion = d.version; dirty = false; setStatus();
      showDeployed(d.deployed_url);
      msg.replaceChildren(okBox(t("deployed", d.version)), d.build ? h("p", { id: "deploy-report" }, t("deployBuild", d.build)) : null);
      refreshHistory();
    } catch (err) { msg.replaceChildren(errorBox(err)); }
  };

  const history = h("tbody");
  const fillHistory = (list) => {
    history.replaceChildren(...list.map((d) => h("tr",
      h("td", `v${d.version}`, d.version === deployedVersion ? h("span.badge", { style: "margin-left:6px" }, t("current")) : null),
      h("td", fmtDate(d.created_at)),
      h("td", String(d.knowledge)),
      h("td", ro || d.version === deployedVersion ? null : h("button", { type: "button", "aria-label": t("restoreVersion", d.version),
        onclick: async () => {
          if (!confirm(t("confirmRestore", d.version))) return;
          try {
            const r = await api("POST", `/bots/${s}/deployments/${d.version}/restore`, {});
            sessionStorage.setItem("vigie.admin.flash", t("restored", d.version, r.version));
            route();
          } catch (err) { msg.replaceChildren(errorBox(err)); }
        } }, t("restore"))))));
  };
  const refreshHistory = async () => fillHistory((await api("GET", `/bots/${s}/deployments`)).deployments);
  fillHistory(deps.deployments);
  const flash = sessionStorage.getItem("vigie.admin.flash");
  if (flash) { sessionStorage.removeItem("vigie.admin.flash"); msg.replaceChildren(okBox(flash)); }
  setStatus();

  show(t("dialogBox"),
    botTabs(bot, "config"),
    h("h1", t("dialogBoxLong")),
    h("div.toolbar", { role: "toolbar", "aria-label": t("dialogBox") },
      advBtn,
      h("span.spacer"),
      ro ? h("span.muted", t("readOnly")) : [
        h("button", { type: "button", onclick: save }, t("save")),
        h("button.primary", { type: "button", onclick: deploy }, t("deploy")),
      ]),
    deployedBox,
    status,
    msg,
    h("section.card", h("h2", { style: "margin-top:0" }, t("coreResources")), h("p.hint", t("coreHelp")),
      ...schema.core_resources.map(resourceRow)),
    advancedSection,
    h("h2", t("history")),
    h("table", h("thead", h("tr", h("th", t("version")), h("th", t("date")), h("th", t("knowledgeCount")), h("th", ""))), history));
}

// ---- Field errors: each input has a div.field-error "{id}-err" next to it.
function fieldInput(id, label, input, hint) {
  input.id = id;
  input.setAttribute("aria-describedby", `${id}-err${hint ? ` ${id}-hint` : ""}`);
  return h("div.field",
    h("label", { for: id }, label, hint ? [" ", h("span.hint", { id: `${id}-hint` }, hint)] : null),
    input, h("div.field-error", { id: `${id}-err` }));
}
function clearFieldErrors(inputs) {
  for (const el of Object.values(inputs)) {
    el.removeAttribute("aria-invalid");
    document.getElementById(`${el.id}-err`).textContent = "";
  }
}
/** Shows the 422 `fields` messages next to their inputs; focuses the first one. */
function showFieldErrors(err, inputs) {
  let first = null;
  for (const f of (err.body && err.body.fields) || []) {
    const el = inputs[f.field];
    if (!el) continue;
    el.setAttribute("aria-invalid", "true");
    document.getElementById(`${el.id}-err`).textContent = errorSentence(lang, f);
    first = first || el;
  }
  if (first) first.focus();
}

// ---- Livechat settings > General
// Variables the monitored-conversation mail templates may use (docs/monitored-conversations.md).
const MAIL_VARIABLES = ["link", "conversation_name", "operator_name", "knowledge_title", "knowledge_answer",
  "knowledge_answer_html", "bot_name", "expires_at", "lang"];
const MAIL_PARTS = ["subject", "html", "text"];

async function renderLivechatSettings() {
  const [data, botList] = await Promise.all([
    api("GET", "/livechat/settings"),
    api("GET", "/bots").catch(() => ({ bots: [] })),
  ]);
  const ro = !isAdmin();
  const bots = ((botList && botList.bots) || []).filter((b) => b.deployed_url);
  const num = (name, min, max) => h("input", { type: "number", name, min, max, step: 1, required: true,
    inputmode: "numeric", value: String(data[name] ?? ""), disabled: ro });
  // Every field the server returned goes back in the PUT (it refuses unknown ones and wants
  // them all): what this page does not edit is sent back as it came.
  const inputs = {
    default_capacity: num("default_capacity", 1, 20),
    presence_timeout_seconds: num("presence_timeout_seconds", 30, 3600),
  };
  if ("queue_timeout_seconds" in data) inputs.queue_timeout_seconds = num("queue_timeout_seconds", 30, 86400);
  // The reasons an operator gives with "Absent" (issue 13): one a line.
  if (Array.isArray(data.away_reasons)) {
    inputs.away_reasons = h("textarea", { name: "away_reasons", rows: Math.max(3, data.away_reasons.length + 1),
      value: data.away_reasons.join("\n"), disabled: ro, spellcheck: "true" });
  }
  const hasMonitored = "monitored_prefix_url" in data;
  let prefixField = null;
  if (hasMonitored) {
    inputs.monitored_prefix_url = h("input", { type: "url", name: "monitored_prefix_url", list: "lc-deployed-urls",
      value: data.monitored_prefix_url || "", disabled: ro, placeholder: bots[0] ? bots[0].deployed_url : "https://…", spellcheck: "false" });
    inputs.monitored_link_days = num("monitored_link_days", 1, 3650);
    const useButtons = ro ? [] : bots.map((b) => h("button", { type: "button", class: "use-deployed", "data-url": b.deployed_url,
      "aria-describedby": "lc-monitored-prefix-url-hint",
      onclick: () => { inputs.monitored_prefix_url.value = b.deployed_url; inputs.monitored_prefix_url.focus(); } },
    bots.length > 1 ? t("useDeployedUrlOf", b.name) : t("useDeployedUrl")));
    // A prefix URL per bot (issue 11, item 11): empty, the bot uses the one above.
    const perBot = data.monitored_prefix_urls && typeof data.monitored_prefix_urls === "object" && bots.length > 1
      ? bots.map((b) => {
        const key = `monitored_prefix_urls.${b.slug}`;
        inputs[key] = h("input", { type: "url", name: key, list: "lc-deployed-urls", disabled: ro, spellcheck: "false",
          value: data.monitored_prefix_urls[b.slug] || "", placeholder: t("prefixOfBotPlaceholder") });
        return fieldInput(`lc-prefix-${b.slug}`, t("monitoredPrefixUrlOf", b.name), inputs[key], t("prefixOfBotHint"));
      })
      : [];
    prefixField = h("div",
      fieldInput("lc-monitored-prefix-url", t("monitoredPrefixUrl"), inputs.monitored_prefix_url, t("monitoredPrefixHint")),
      h("datalist", { id: "lc-deployed-urls" }, bots.map((b) => h("option", { value: b.deployed_url }, b.name))),
      useButtons.length ? h("div.actions.tight", useButtons) : null,
      perBot);
  }

  // The mail template: both languages are in the page, one shown at a time.
  const mail = data.monitored_mail && typeof data.monitored_mail === "object" ? data.monitored_mail : null;
  const mailLangs = mail ? ["fr", "en"].filter((l) => mail[l]) : [];
  let mailLang = mailLangs.includes(lang) ? lang : mailLangs[0];
  const mailBoxes = {};
  const mailSection = mail ? (() => {
    const partInput = (l, part) => {
      const v = (mail[l] && mail[l][part]) || "";
      const el = part === "subject"
        ? h("input", { type: "text", value: v, disabled: ro, lang: l, spellcheck: "true" })
        : h("textarea", { rows: part === "html" ? 12 : 9, value: v, disabled: ro, lang: l, spellcheck: part === "text" ? "true" : "false", class: "code" });
      inputs[`monitored_mail.${l}.${part}`] = el;
      return fieldInput(`lc-mail-${l}-${part}`, t(`mail_${part}`), el);
    };
    for (const l of mailLangs) {
      mailBoxes[l] = h("fieldset.mail-lang", { id: `lc-mail-${l}`, hidden: l !== mailLang, lang: l },
        h("legend", t("mailLanguage", l === "fr" ? "français" : "English")),
        MAIL_PARTS.map((part) => partInput(l, part)));
    }
    const switcher = h("div.switch", { role: "radiogroup", "aria-label": t("mailLanguageSwitch") },
      mailLangs.map((l) => h("span.opt",
        h("input", { type: "radio", name: "lc-mail-lang", id: `lc-mail-lang-${l}`, value: l, checked: l === mailLang,
          onchange: () => selectMailLang(l) }),
        h("label", { for: `lc-mail-lang-${l}` }, l === "fr" ? "Français (fr)" : "English (en)"))));
    const preview = h("div.mail-preview", { id: "lc-mail-preview", "aria-live": "polite" });
    const previewBtn = h("button", { type: "button", id: "lc-mail-preview-btn", onclick: () => previewMail(preview) }, t("mailPreview"));
    return h("section.card", { "aria-labelledby": "lc-mail-h" },
      h("h2", { id: "lc-mail-h", style: "margin-top:0" }, t("mailTemplate")),
      h("p.hint", t("mailTemplateHelp")),
      switcher,
      ...Object.values(mailBoxes),
      h("details.vars", { open: true },
        h("summary", t("mailVariables")),
        h("ul.vars-list", MAIL_VARIABLES.map((v) => h("li", h("code", `{{ ${v} }}`), " – ", t(`var_${v}`))))),
      h("div.actions", previewBtn),
      preview);
  })() : null;

  function selectMailLang(l) {
    mailLang = l;
    for (const [k, box] of Object.entries(mailBoxes)) box.hidden = k !== l;
    const radio = document.getElementById(`lc-mail-lang-${l}`);
    if (radio) radio.checked = true;
  }

  async function previewMail(out) {
    const l = mailLang;
    const keys = MAIL_PARTS.map((p) => `monitored_mail.${l}.${p}`);
    const only = Object.fromEntries(keys.map((k) => [k, inputs[k]]));
    clearFieldErrors(only);
    out.replaceChildren(h("p.muted", t("mailPreviewing")));
    const template = Object.fromEntries(MAIL_PARTS.map((p) => [p, inputs[`monitored_mail.${l}.${p}`].value]));
    try {
      const r = await api("POST", "/livechat/mail-preview", { lang: l, template });
      const frame = h("iframe", { sandbox: "", title: t("mailPreviewHtml"), class: "mail-frame", referrerpolicy: "no-referrer" });
      frame.srcdoc = r.html || ""; // sandbox="": no script, no same origin, no form, no navigation
      out.replaceChildren(
        h("h3", t("mailPreviewTitle", l)),
        h("dl.mail-out",
          h("dt", t("mail_subject")), h("dd", { id: "lc-preview-subject" }, r.subject || ""),
          h("dt", t("mailPreviewHtml")), h("dd", frame),
          h("dt", t("mailPreviewText")), h("dd", h("pre", { id: "lc-preview-text" }, r.text || "")),
        ));
    } catch (err) {
      if (err.status === 401) return;
      out.replaceChildren(errorBox(mailFieldsOf(err, l), inputs));
      showMailErrors(err, l);
    }
  }

  // A preview's errors name "template.html": as the settings' "monitored_mail.fr.html".
  function mailFieldsOf(err, l) {
    const fields = (err.body && err.body.fields) || [];
    const named = fields.map((f) => ({ ...f, field: f.field.replace(/^template\./, `monitored_mail.${l}.`) }));
    return { message: err.message, body: { ...(err.body || {}), fields: named } };
  }

  // 422 `fields` of a template: "monitored_mail.fr.html" (or "template.html" in a preview).
  function showMailErrors(err, previewLang) {
    const mapped = {};
    for (const f of (err.body && err.body.fields) || []) {
      const m = /^(?:monitored_mail\.(fr|en)\.|template\.)?(subject|html|text)$/.exec(f.field);
      const key = m ? `monitored_mail.${m[1] || previewLang}.${m[2]}` : f.field;
      mapped[key] = { ...f, field: key };
    }
    const first = Object.keys(mapped).find((k) => k.startsWith("monitored_mail.") && inputs[k]);
    if (first) selectMailLang(first.split(".")[1]);
    showFieldErrors({ body: { fields: Object.values(mapped) } }, inputs);
  }

  const msg = h("div", { id: "lc-msg", "aria-live": "polite" });
  const toInt = (v) => { const n = Number(v.trim()); return v.trim() !== "" && Number.isInteger(n) ? n : v; };
  const collect = () => {
    const body = structuredClone(data);
    body.default_capacity = toInt(inputs.default_capacity.value);
    body.presence_timeout_seconds = toInt(inputs.presence_timeout_seconds.value);
    if (inputs.queue_timeout_seconds) body.queue_timeout_seconds = toInt(inputs.queue_timeout_seconds.value);
    if (inputs.away_reasons) body.away_reasons = inputs.away_reasons.value.split("\n").map((r) => r.trim()).filter(Boolean);
    if (hasMonitored) {
      body.monitored_prefix_url = inputs.monitored_prefix_url.value.trim();
      body.monitored_link_days = toInt(inputs.monitored_link_days.value);
      for (const [k, el] of Object.entries(inputs)) {
        if (!k.startsWith("monitored_prefix_urls.")) continue;
        const slug = k.slice("monitored_prefix_urls.".length);
        const v = el.value.trim();
        if (v) body.monitored_prefix_urls[slug] = v;
        else delete body.monitored_prefix_urls[slug];
      }
    }
    for (const l of mailLangs) for (const p of MAIL_PARTS) body.monitored_mail[l][p] = inputs[`monitored_mail.${l}.${p}`].value;
    return body;
  };
  const form = h("form", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (ro) return;
    msg.replaceChildren(); clearFieldErrors(inputs);
    try {
      const r = await api("PUT", "/livechat/settings", collect());
      Object.assign(data, r || {});
      inputs.default_capacity.value = String(data.default_capacity);
      inputs.presence_timeout_seconds.value = String(data.presence_timeout_seconds);
      if (inputs.queue_timeout_seconds) inputs.queue_timeout_seconds.value = String(data.queue_timeout_seconds);
      if (inputs.away_reasons) inputs.away_reasons.value = data.away_reasons.join("\n");
      if (hasMonitored) {
        inputs.monitored_prefix_url.value = data.monitored_prefix_url || "";
        inputs.monitored_link_days.value = String(data.monitored_link_days);
      }
      msg.replaceChildren(okBox(t("livechatSaved")));
    } catch (err) {
      if (err.status === 401) return;
      msg.replaceChildren(errorBox(err, inputs));
      showMailErrors(err, mailLang);
    }
  } },
  h("section.card",
    h("h2", { style: "margin-top:0" }, t("general")),
    fieldInput("lc-default-capacity", t("defaultCapacity"), inputs.default_capacity, t("capacityHint")),
    fieldInput("lc-presence-timeout", t("presenceTimeout"), inputs.presence_timeout_seconds, t("presenceHint")),
    inputs.queue_timeout_seconds
      ? fieldInput("lc-queue-timeout", t("queueTimeout"), inputs.queue_timeout_seconds, t("queueTimeoutHint"))
      : null,
    inputs.away_reasons ? fieldInput("lc-away-reasons", t("awayReasons"), inputs.away_reasons, t("awayReasonsHint")) : null,
    h("h2", t("misc")),
    hasMonitored ? [
      prefixField,
      fieldInput("lc-monitored-link-days", t("monitoredLinkDays"), inputs.monitored_link_days, t("linkDaysHint")),
    ] : h("p.hint", t("miscNote"))),
  mailSection,
  msg,
  ro ? h("p.muted", t("readOnly")) : h("div.actions", h("button.primary", { type: "submit" }, t("update"))));
  show(t("livechatSettings"), h("h1", t("livechatSettingsLong")), form);
}

// ---- Sections in their own modules
function sectionContext() {
  return {
    api, lang, me, show, fmtDate, route,
    setMe: (r) => { me = { ...me, ...r, csrf_token: (r && r.csrf_token) || me.csrf_token }; renderHeader(); },
    signedOut: () => { me = null; sessionStorage.removeItem("vigie.admin.csrf"); renderHeader(); renderLogin(); },
  };
}

// ---- Router
// What a section in its own module (history.js, bots-admin.js) gets from the page.
const pageContext = { api, lang: () => lang, isAdmin, show };

async function route() {
  if (!me) return renderLogin();
  const hash = location.hash.replace(/^#/, "") || "/bots";
  const [path, query] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || "");
  if (me) renderHeader(); // the current group and page in the bars
  try {
    const section = SECTIONS.find((sec) => sec.match(parts));
    if (section && section.visible(me)) return await section.render(sectionContext(), parts, params);
    if (parts[0] === "livechat" && parts.length === 1) return await renderLivechatSettings();
    if (parts[0] === "history" && parts.length === 1) return await renderHistory(pageContext);
    if (parts[0] === "manage-bots" && parts.length === 1) return await renderBotsAdmin(pageContext);
    if (parts[0] === "bots" && parts.length === 1) return await renderBots();
    if (parts[0] === "bots" && parts[2] === "knowledge" && parts.length === 3) return await renderKnowledge(parts[1], params.get("q"));
    if (parts[0] === "bots" && parts[2] === "knowledge" && parts[3] === "new") return await renderKnowledgeForm(parts[1], null);
    if (parts[0] === "bots" && parts[2] === "knowledge" && parts.length === 4) return await renderKnowledgeForm(parts[1], parts[3]);
    if (parts[0] === "bots" && parts[2] === "config") return await renderConfig(parts[1]);
    location.hash = "#/bots";
  } catch (err) {
    if (err.status === 401) return;
    show(t("error"), h("h1", t("error")), errorBox(err), h("p", h("a", { href: "#/bots" }, t("bots"))));
  }
}

window.addEventListener("hashchange", () => { route().then(() => document.getElementById("main").focus({ preventScroll: true })); });

(async function start() {
  renderHeader();
  // Signed out: /auth/me answers {"operator": null} (no 401 in the browser's console).
  try {
    const r = await api("GET", "/auth/me");
    me = r && r.operator ? r : null;
    if (me) sessionStorage.setItem("vigie.admin.csrf", me.csrf_token || "");
  } catch { me = null; }
  renderHeader();
  route();
})();
