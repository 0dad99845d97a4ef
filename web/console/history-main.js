// The console's history page (/console/history): the shared history view for operators,
// with the console's session (signed out: back to the console's login).
import { h } from "../shared/dom.js";
import { createApi } from "../shared/api.js";
import { pickLang } from "../shared/i18n.js";
import { mountHistory } from "../shared/history.js";

let lang = pickLang({ query: false, saved: ["vigie.console.lang", "vigie.admin.lang"] }) || "fr";
let me = null;
const api = createApi({ csrf: () => me && me.csrf_token, onUnauthorized: () => location.assign("/console/") });

function header() {
  const sel = h("select", { id: "ui-lang", "aria-label": lang === "fr" ? "Langue" : "Language", onchange: (e) => {
    lang = e.target.value;
    try { localStorage.setItem("vigie.console.lang", lang); } catch { /* blocked storage */ }
    header();
    view.render();
  } }, h("option", { value: "fr" }, "Français"), h("option", { value: "en" }, "English"));
  sel.value = lang;
  document.documentElement.lang = lang;
  document.title = `${lang === "fr" ? "Historique" : "History"} – Vigie`;
  document.getElementById("top").replaceChildren(
    h("a.brand", { href: "/console/" }, lang === "fr" ? "Vigie – pupitre opérateur" : "Vigie – operator console"),
    h("a", { href: "/console/", style: "color:#fff" }, lang === "fr" ? "← Retour au pupitre" : "← Back to the console"),
    me ? h("span.who", me.operator.name) : null,
    sel);
}

const main = document.getElementById("main");
const view = mountHistory(main, { api, lang: () => lang });

(async function start() {
  try { me = await api("GET", "/auth/me"); } catch { return; }
  if (!me || !me.operator) { location.assign("/console/"); return; }
  header();
  // A link to one conversation (the offline-message mail to the team): `#c_…` opens it.
  const id = decodeURIComponent(location.hash.replace(/^#/, ""));
  if (/^c_[0-9a-z]{8,64}$/.test(id)) await view.open(id);
  else await view.render();
})();
