// The form that creates a monitored conversation (the red eye): name, starting knowledge
// (a combobox over the bot's knowledge, or "Choose" in the knowledge panel), the visitor's
// email (checked here before anything is sent), strong monitoring, the bot when there are
// several. The inputs keep what is typed; the state keeps the form's fields and the combobox.
import { h, fill, $, cssEscape } from "../../shared/dom.js";
import { app, t, dispatch, announce, showNotice, errText, fieldText } from "../app.js";
import { loadBots, botSlug } from "./knowledge.js";
import { eyeIcon } from "../icons.js";
import { setSideView } from "./layout.js";
import { langTag } from "../format.js";

const patch = (p) => dispatch({ type: "local/form", patch: p });
const form = () => app.state.form;

// A malformed address is refused here, before any request.
export function emailProblem(v) {
  const s = String(v || "").trim();
  if (!s) return t("emailRequired");
  const probe = h("input", { type: "email" });
  probe.value = s;
  if (!probe.checkValidity() || !/^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/.test(s)) return t("emailInvalid", s);
  return null;
}
export function setFieldError(input, text) {
  const err = input && $(`${input.id}-err`);
  if (!input || !err) return;
  err.textContent = text || "";
  if (text) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

let comboSeq = 0;
let comboTimer = 0;

/** The form, drawn when the side column opens it. */
export function buildForm(s) {
  const f = s.form;
  const name = h("input", { type: "text", id: "mc-name", maxlength: "100", required: true, autocomplete: "off", value: f.name,
    "aria-describedby": "mc-name-err", oninput: (e) => { patch({ name: e.target.value }); setFieldError(e.target, ""); } });
  const kn = h("input", { type: "text", id: "mc-knowledge", role: "combobox", autocomplete: "off", value: f.knowledgeText,
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "mc-knowledge-list",
    "aria-describedby": "mc-knowledge-chosen mc-knowledge-hint mc-knowledge-err",
    oninput: (e) => {
      const v = e.target.value;
      const k = form().knowledge;
      patch({ knowledgeText: v, knowledge: k && k.title === v ? k : null });
      setFieldError(e.target, "");
      clearTimeout(comboTimer);
      comboTimer = setTimeout(searchCombo, 200);
    },
    onkeydown: comboKey,
    onblur: () => setTimeout(() => { if (document.activeElement !== $("mc-knowledge")) closeCombo(); }, 150),
  });
  const email = h("input", { type: "email", id: "mc-email", required: true, autocomplete: "off", value: f.email,
    "aria-describedby": "mc-email-err", inputmode: "email",
    // Checked when OK is pressed (not on blur: an error appearing then would move the buttons
    // under the pointer).
    oninput: (e) => { patch({ email: e.target.value }); setFieldError(e.target, ""); } });
  const strong = h("input", { type: "checkbox", id: "mc-strong", checked: f.strong, "aria-describedby": "mc-strong-hint",
    onchange: (e) => patch({ strong: e.target.checked }) });
  const el = h("form#mc-form.mc-form", { novalidate: true, "aria-labelledby": "mc-create-h",
    onsubmit: (e) => { e.preventDefault(); submitForm(); },
    onkeydown: (e) => {
      if (e.key !== "Escape" || (e.target.id === "mc-knowledge" && form().comboOpen)) return;
      e.preventDefault();
      // Escape leaves an empty form; a filled one is only left once the operator says so
      // (a second Escape closes the question and keeps what was typed).
      if (!$("mc-discard").hidden) keepEditing();
      else if (dirty()) askDiscard();
      else cancel();
    } },
  h("h2#mc-create-h", eyeIcon("title-eye", 20), t("mcCreate")),
  h("div.field", h("label", { for: "mc-name" }, t("mcName")), name, h("div#mc-name-err.field-error")),
  h("div.field",
    h("label", { for: "mc-lang" }, t("mcLang")),
    h("select", { id: "mc-lang", "aria-describedby": "mc-lang-hint", onchange: (e) => setLang(e.target.value) },
      h("option", { value: "fr", selected: f.lang === "fr" }, "Français"),
      h("option", { value: "en", selected: f.lang === "en" }, "English")),
    h("div#mc-lang-hint.hint", t("mcLangHint")),
    h("div#mc-lang-err.field-error")),
  h("div.field.combo",
    h("label", { for: "mc-knowledge" }, t("mcKnowledge")),
    kn,
    h("ul#mc-knowledge-list.combo-list", { role: "listbox", "aria-label": t("mcKnowledge"), hidden: true }),
    h("div#mc-knowledge-chosen.chosen"),
    h("div#mc-knowledge-hint.hint", t("mcKnowledgeHint")),
    h("div#mc-knowledge-err.field-error")),
  h("div.field", h("label", { for: "mc-email" }, t("mcEmail")), email, h("div#mc-email-err.field-error")),
  h("div.field.check", strong, h("label", { for: "mc-strong" }, t("mcStrongLabel"))),
  h("div#mc-strong-hint.hint", t("mcStrongHint")),
  h("div#mc-bot-row.field", { hidden: true }),
  h("div#mc-form-err.form-error", { role: "alert" }),
  h("div#mc-discard.mc-discard", { role: "group", "aria-labelledby": "mc-discard-text", hidden: true },
    h("p#mc-discard-text", t("mcDiscardAsk")),
    h("div.form-actions",
      h("button.danger", { type: "button", id: "mc-discard-yes", onclick: cancel }, t("mcDiscardYes")),
      h("button", { type: "button", id: "mc-discard-no", onclick: keepEditing }, t("mcDiscardNo")))),
  h("div.form-actions", h("button.primary", { type: "submit", id: "mc-ok", disabled: f.busy }, t("ok")),
    h("button", { type: "button", id: "mc-cancel", onclick: cancel }, t("cancel"))));
  // Several bots: choose one (with one, it is that one).
  loadBots().then((bots) => {
    const usable = bots.filter((b) => b.deployed_url !== undefined);
    if (app.state.sideView !== "create") return;
    const bot = form().bot || (usable.find((b) => b.slug === botSlug) || usable.find((b) => b.slug === "demo") || usable[0] || {}).slug || null;
    patch({ bot, bots: usable });
  }).catch(() => {});
  return el;
}

export const monitoredForm = {
  render(s, p) {
    if (s.sideView !== "create" || !$("mc-form")) return false;
    const f = s.form;
    const was = p && p.sideView === "create" ? p.form : null;
    if (!was || f.knowledge !== was.knowledge) {
      const box = $("mc-knowledge-chosen");
      fill(box, f.knowledge ? [t("mcChosen"), " ", h("code", f.knowledge.id), " ", langTag(f.knowledge.lang)] : null);
    }
    if (!was || f.options !== was.options || f.active !== was.active || f.comboOpen !== was.comboOpen) combo(f, !!was && f.options !== was.options);
    if (!was || f.busy !== was.busy) $("mc-ok").disabled = f.busy;
    if (!was || f.bots !== was.bots) botRow(f);
    return false;
  },
};

function botRow(f) {
  const row = $("mc-bot-row");
  const usable = f.bots || [];
  if (usable.length <= 1) return;
  const sel = h("select", { id: "mc-bot", "aria-describedby": "mc-bot-err", onchange: (e) => patch({ bot: e.target.value, knowledge: null }) },
    usable.map((b) => h("option", { value: b.slug }, `${b.name} (${b.slug})`)));
  sel.value = f.bot;
  fill(row, h("label", { for: "mc-bot" }, t("mcBot")), sel, h("div#mc-bot-err.field-error"));
  row.hidden = false;
}

function combo(f, drawList) {
  const list = $("mc-knowledge-list");
  const input = $("mc-knowledge");
  list.hidden = !f.comboOpen;
  input.setAttribute("aria-expanded", f.comboOpen ? "true" : "false");
  if (f.comboOpen && f.active >= 0 && f.options[f.active]) input.setAttribute("aria-activedescendant", `mc-opt-${f.active}`);
  else input.removeAttribute("aria-activedescendant");
  if (!f.comboOpen && !drawList) return;
  const opts = f.options;
  if (!opts.length) { fill(list, h("li.empty", { role: "option", "aria-disabled": "true" }, t("knowledgeNone"))); return; }
  fill(list, ...opts.map((k, i) => h("li", {
    role: "option", id: `mc-opt-${i}`, "data-knowledge": k.id, "aria-selected": i === f.active ? "true" : "false",
    class: i === f.active ? "active" : null,
    onmousedown: (e) => e.preventDefault(), // keep the focus in the input
    onclick: () => pickStartingKnowledge({ id: k.id, title: k.title || k.id, lang: k.lang }),
  }, h("span.opt-title", h("span", k.title || k.id), langTag(k.lang)), h("span.opt-id", k.id))));
  list.querySelector(".active")?.scrollIntoView({ block: "nearest" });
}

function closeCombo() {
  if (form().comboOpen || form().active !== -1) patch({ comboOpen: false, active: -1 });
}

async function searchCombo() {
  const q = form().knowledgeText.trim();
  const mine = ++comboSeq;
  if (!q) { patch({ options: [], comboOpen: false, active: -1 }); return; }
  let options = [];
  try {
    const bots = await loadBots();
    const bot = form().bot || (bots[0] && bots[0].slug) || "demo";
    const data = await app.api("GET", `/bots/${encodeURIComponent(bot)}/knowledge?q=${encodeURIComponent(q)}&limit=8&lang=${form().lang}`);
    if (mine !== comboSeq || app.state.sideView !== "create") return;
    options = (data && data.knowledge) || [];
  } catch {
    if (mine !== comboSeq) return;
  }
  patch({ options, active: -1, comboOpen: options.length > 0 || !!form().knowledgeText.trim() });
}

function comboKey(e) {
  const f = form();
  const opts = f.options;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    if (!f.comboOpen) {
      clearTimeout(comboTimer);
      if (opts.length) patch({ active: 0, comboOpen: true });
      else searchCombo();
      return;
    }
    if (!opts.length) return;
    const d = e.key === "ArrowDown" ? 1 : -1;
    patch({ active: (f.active + d + opts.length) % opts.length });
  } else if (e.key === "Enter") {
    if (f.comboOpen && f.active >= 0 && opts[f.active]) {
      e.preventDefault();
      const k = opts[f.active];
      pickStartingKnowledge({ id: k.id, title: k.title || k.id, lang: k.lang });
    }
  } else if (e.key === "Escape") {
    if (f.comboOpen) { e.preventDefault(); e.stopPropagation(); closeCombo(); }
  }
}

/** `k` becomes the starting knowledge (from the combobox or the knowledge panel). */
export function pickStartingKnowledge(k) {
  const knowledge = { id: k.id, title: k.title || k.id, lang: k.lang || null };
  patch({ knowledge, knowledgeText: knowledge.title, comboOpen: false, active: -1 });
  const input = $("mc-knowledge");
  if (input) {
    input.value = knowledge.title;
    setFieldError(input, "");
  }
  announce(t("mcChosenAnnounce", knowledge.title));
  input?.focus();
}

const langName = (l) => t(l === "en" ? "langEn" : "langFr");

/** The visitor's language changed: a starting knowledge in the other one is dropped, the search redone. */
function setLang(lang) {
  const f = form();
  const k = f.knowledge;
  const drop = k && k.lang && k.lang !== lang;
  patch({ lang, options: [], comboOpen: false, active: -1, ...(drop ? { knowledge: null } : {}) });
  if (drop) setFieldError($("mc-knowledge"), t("mcLangMismatch", k.title, langName(k.lang)));
  if (f.knowledgeText.trim() && !drop) searchCombo();
}

/** Something typed that leaving would lose. */
function dirty() {
  const f = form();
  return !!(f.name.trim() || f.knowledgeText.trim() || f.knowledge || f.email.trim());
}
let discardFrom = null; // the field the question was asked from
function askDiscard() {
  discardFrom = document.activeElement && document.activeElement.id;
  $("mc-discard").hidden = false;
  $("mc-discard-no").focus();
}
function keepEditing() {
  $("mc-discard").hidden = true;
  ($(discardFrom) || $("mc-name"))?.focus();
}

function back() {
  const { lastSideView } = app.state;
  return lastSideView === "create" ? "livechat" : lastSideView;
}

function cancel() {
  clearTimeout(comboTimer);
  comboSeq++;
  setSideView(back());
  $("mc-create-btn")?.focus();
}

async function submitForm() {
  const f = form();
  if (f.busy) return;
  const inputs = { name: $("mc-name"), lang: $("mc-lang"), starting_knowledge: $("mc-knowledge"), email: $("mc-email"), bot: $("mc-bot") };
  for (const el of Object.values(inputs)) if (el) setFieldError(el, "");
  $("mc-form-err").textContent = "";
  // Checked here first: nothing is sent while something is plainly wrong.
  const problems = {};
  const name = f.name.trim();
  if (!name) problems.name = t("nameRequired");
  else if ([...name].length > 100) problems.name = t("nameTooLong");
  // The knowledge: the one picked, else what was typed if it is one of the results (id or title).
  let kn = f.knowledge;
  const typed = f.knowledgeText.trim();
  if (!kn && typed) {
    const lower = typed.toLowerCase();
    const hit = [...f.options, ...app.state.kb.results].find((k) => k.id === typed || String(k.title || "").toLowerCase() === lower);
    kn = hit ? { id: hit.id, title: hit.title, lang: hit.lang } : { id: typed, title: typed, lang: null };
  }
  if (!kn) problems.starting_knowledge = t("knowledgeRequired");
  else if (kn.lang && kn.lang !== f.lang) problems.starting_knowledge = t("mcLangMismatch", kn.title, langName(kn.lang));
  const emailErr = emailProblem(f.email);
  if (emailErr) problems.email = emailErr;
  const fieldsWithProblems = Object.keys(problems);
  if (fieldsWithProblems.length) {
    for (const [k, msg] of Object.entries(problems)) setFieldError(inputs[k], msg);
    inputs[fieldsWithProblems[0]]?.focus();
    return;
  }
  const body = { bot: f.bot || botSlug || "demo", name, starting_knowledge: kn.id, email: f.email.trim(), strong_monitoring: !!f.strong };
  body.lang = f.lang === "en" ? "en" : "fr"; // chosen in the form: the mail and the chatbox speak it
  patch({ busy: true });
  try {
    const r = await app.api("POST", "/monitored-conversations", body);
    const item = (r && r.item) || null;
    const id = (r && (r.conversation || r.id)) || (item && item.conversation);
    if (item) dispatch({ type: "local/monitored_upsert", item });
    dispatch({ type: "local/form_reset" });
    if (body.strong_monitoring && id) {
      // Strong: its tab opens here at once (and in this operator's other browsers with `monitored`).
      setSideView(back());
      dispatch({ type: "local/follow", id });
      $(`tab-${id}`)?.focus();
    } else {
      // Weak: no tab, it waits in the list.
      if (id) dispatch({ type: "local/seen", id });
      setSideView("monitored");
      (id && $("mc-list")?.querySelector(`button[data-conversation="${cssEscape(id)}"]`) || $("mc-list-h"))?.focus();
    }
    showNotice(t("mcCreated", name, body.email), "ok");
  } catch (err) {
    patch({ busy: false });
    if (err.status === 401) return;
    let first = null;
    const general = [];
    for (const fe of (err.body && err.body.fields) || []) {
      const el = inputs[fe.field];
      if (el) { setFieldError(el, fieldText(fe)); first = first || el; }
      else general.push(fieldText(fe));
    }
    if (!first && !general.length) general.push(errText(err));
    if ($("mc-form-err")) $("mc-form-err").textContent = general.join(" ");
    (first || $("mc-form-err"))?.focus?.();
  }
}
