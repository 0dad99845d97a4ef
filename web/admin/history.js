// Admin: the conversation history (the shared view, web/shared/history.js) and, for admins,
// the transcript mail template (subject, HTML, text, fr/en, with a preview), edited like the
// monitored-conversation one. Registered by admin.js at #/history.
import { h, fill } from "../shared/dom.js";
import { mountHistory } from "../shared/history.js";
import { fieldSentence, httpErrorSentence } from "../shared/errors.js";

const T = {
  fr: {
    templateTitle: "Modèle du mail de transcription",
    templateHelp: "Envoyé au visiteur avec la transcription de sa conversation (module Transcription de la boîte de dialogue, ou bouton de l'historique). Variables : {{ bot_name }}, {{ conversation_date }}, {{ transcript }}, {{ transcript_html }}, {{ lang }}.",
    subject: "Objet", html: "HTML", text: "Texte",
    langFr: "Français", langEn: "Anglais",
    preview: "Aperçu", save: "Sauvegarder le modèle", saved: "Modèle enregistré.",
    previewSubject: "Objet", previewText: "Texte",
  },
  en: {
    templateTitle: "Transcript mail template",
    templateHelp: "Sent to the visitor with the transcript of their conversation (the dialog box's Transcript module, or the history's button). Variables: {{ bot_name }}, {{ conversation_date }}, {{ transcript }}, {{ transcript_html }}, {{ lang }}.",
    subject: "Subject", html: "HTML", text: "Text",
    langFr: "French", langEn: "English",
    preview: "Preview", save: "Save the template", saved: "Template saved.",
    previewSubject: "Subject", previewText: "Text",
  },
};


const PARTS = ["subject", "html", "text"];

/** Renders the history in `main`; `ctx` = {api, lang(), isAdmin(), show(title, ...nodes)}. */
export async function renderHistory(ctx) {
  const root = h("div#history");
  const template = ctx.isAdmin() ? h("div#transcript-template") : null;
  ctx.show(ctx.lang() === "fr" ? "Historique" : "History", root, template);
  const view = mountHistory(root, { api: ctx.api, lang: ctx.lang });
  await view.render();
  if (template) await renderTemplate(template, ctx);
}

async function renderTemplate(box, { api, lang }) {
  const t = (k) => T[lang()][k];
  const settings = await api("GET", "/livechat/settings");
  const tpl = settings.transcript_mail;
  const inputs = {};
  const errs = {};
  const msg = h("div", { "aria-live": "polite" });
  const out = h("div#tr-preview.mail-preview", { "aria-live": "polite" });
  const langBlock = (l) => h("fieldset", h("legend", l === "fr" ? t("langFr") : t("langEn")),
    PARTS.map((p) => {
      const id = `tr-${l}-${p}`;
      const el = p === "subject" ? h("input", { id, type: "text", value: tpl[l][p] }) : h("textarea", { id, rows: p === "html" ? 8 : 6 }, tpl[l][p]);
      inputs[`${l}.${p}`] = el;
      errs[`${l}.${p}`] = h("div.field-error", { id: `${id}-err` });
      el.setAttribute("aria-describedby", `${id}-err`);
      return h("div", h("label", { for: id }, t(p)), el, errs[`${l}.${p}`]);
    }),
    h("div.actions", h("button", { type: "button", id: `tr-preview-${l}`, onclick: () => preview(l) }, `${t("preview")} (${l})`)));
  const collect = () => Object.fromEntries(["fr", "en"].map((l) => [l, Object.fromEntries(PARTS.map((p) => [p, inputs[`${l}.${p}`].value]))]));
  const label = (field) => {
    const m = /^(?:transcript_mail\.)?(fr|en)?\.?(subject|html|text)$/.exec(field.replace(/^template\./, ""));
    return m ? `${m[1] ? `${m[1]} · ` : ""}${t(m[2])}` : field;
  };
  const showErrors = (err, previewLang) => {
    for (const el of Object.values(errs)) el.textContent = "";
    const fields = (err.body && err.body.fields) || [];
    if (!fields.length) { msg.replaceChildren(h("div.msg.error", { role: "alert" }, httpErrorSentence(lang(), err))); return; }
    msg.replaceChildren(h("div.msg.error", { role: "alert" }, h("ul", fields.map((f) => h("li", fieldSentence(lang(), f, label(f.field)), f.code === "invalid" ? ` (${f.message})` : "")))));
    for (const f of fields) {
      const m = /(fr|en)?\.?(subject|html|text)$/.exec(f.field);
      const key = m ? `${m[1] || previewLang}.${m[2]}` : null;
      if (key && errs[key]) errs[key].textContent = f.message;
    }
  };
  async function preview(l) {
    msg.replaceChildren();
    try {
      const r = await api("POST", "/livechat/mail-preview", { lang: l, kind: "transcript", template: collect()[l] });
      const frame = h("iframe", { sandbox: "", title: t("preview"), srcdoc: r.html, style: "width:100%;min-height:240px;border:1px solid #ccc" });
      fill(out, h("dl", h("dt", t("previewSubject")), h("dd#tr-preview-subject", r.subject), h("dt", t("previewText")), h("dd", h("pre", r.text))), frame);
    } catch (err) { showErrors(err, l); }
  }
  fill(box, h("section.card",
    h("h2", t("templateTitle")),
    h("p.hint", t("templateHelp")),
    h("form", { onsubmit: async (e) => {
      e.preventDefault();
      msg.replaceChildren();
      try {
        await api("PUT", "/livechat/settings", { transcript_mail: collect() });
        for (const el of Object.values(errs)) el.textContent = "";
        msg.replaceChildren(h("div.msg.ok", { role: "status" }, t("saved")));
      } catch (err) { showErrors(err, "fr"); }
    } },
    langBlock("fr"), langBlock("en"),
    h("div.actions", h("button.primary", { type: "submit", id: "tr-save" }, t("save"))),
    msg, out)));
}
