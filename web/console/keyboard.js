// The console's keyboard (issue 13): an operator who lives in the console all day works
// without the mouse. Shortcuts use Alt (Option on a Mac; matched on the physical key, so
// they hold on AZERTY and QWERTY alike) and never fire while a dialog is open; `?` (outside
// a text field) shows them all.
import { h } from "../shared/dom.js";
import { app, t, dispatch, showNotice } from "./app.js";
import { sendActiveKnowledge } from "./views/knowledge.js";

/** [keys, description key]: the help overlay's table, in the order it lists them. */
const SHORTCUTS = [
  [["?"], "kbdHelp"],
  [["Alt", "N"], "kbdNext"],
  [["Alt", "←"], ["Alt", "→"], "kbdTabs"],
  [["Alt", "1…9"], "kbdTabN"],
  [["Alt", "C"], "kbdComposer"],
  [["Alt", "K"], "kbdKb"],
  [["↓"], ["↑"], "kbdKbPick"],
  [["Alt", "Entrée"], "kbdKbSend"],
  [["Alt", "R"], "kbdCanned"],
  [["Alt", "E"], "kbdEnd"],
  [["Échap"], "kbdClose"],
];

const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

function keyLabel(k, lang) {
  if (lang === "fr") return k;
  return { Entrée: "Enter", Échap: "Esc" }[k] || k;
}

export function openKeyboardHelp() {
  let dialog = document.getElementById("kbd-dialog");
  if (dialog) { dialog.remove(); }
  const lang = app.state.lang;
  const rows = SHORTCUTS.map((row) => {
    const desc = row[row.length - 1];
    const combos = row.slice(0, -1);
    return h("tr",
      h("td", combos.map((keys, i) => [i ? " / " : null, keys.map((k, j) => [j ? "+" : null, h("kbd", keyLabel(k, lang))])])),
      h("td", t(desc)));
  });
  dialog = h("dialog#kbd-dialog.account-dialog.kbd-help", { "aria-labelledby": "kbd-h", onclose: () => dialog.remove() },
    h("div.dialog-head", h("button", { type: "button", id: "kbd-close", onclick: () => dialog.close() }, t("close"))),
    h("h2#kbd-h", t("kbdTitle")),
    h("table", h("tbody", rows)));
  document.body.append(dialog);
  dialog.showModal();
}

function tabIds() {
  return Object.keys(app.state.tabs);
}

function selectTab(id) {
  if (id) dispatch({ type: "local/select", id });
}

function focusComposer() {
  const input = document.getElementById("composer-input");
  if (!input || input.disabled) return null;
  input.focus();
  return input;
}

/** Handles one key; true when it was a shortcut (the browser's default is then prevented). */
export function onKey(e) {
  const s = app.state;
  if (!s.me || document.querySelector("dialog[open]")) return false;
  if (e.key === "?" && !e.altKey && !e.ctrlKey && !e.metaKey && !typing(document.activeElement)) {
    openKeyboardHelp();
    return true;
  }
  if (e.key === "Escape" && s.box) {
    dispatch({ type: "local/box", box: null });
    return true;
  }
  if (!e.altKey || e.ctrlKey || e.metaKey) return false;
  const ids = tabIds();
  const at = ids.indexOf(s.current);
  if (/^Digit[1-9]$/.test(e.code)) {
    selectTab(ids[Number(e.code.slice(5)) - 1]);
    return true;
  }
  switch (e.code) {
    case "KeyN": {
      const next = s.queue[0];
      if (!next) showNotice(t("kbdQueueEmpty"), "ok");
      else dispatch({ type: "local/take", id: next.conversation });
      return true;
    }
    case "ArrowLeft":
    case "ArrowRight": {
      if (!ids.length) return true;
      const step = e.code === "ArrowRight" ? 1 : -1;
      selectTab(ids[(Math.max(at, 0) + step + ids.length) % ids.length]);
      return true;
    }
    case "KeyK": {
      const q = document.getElementById("kb-q");
      if (q) { q.focus(); q.select(); }
      return true;
    }
    case "KeyC": focusComposer(); return true;
    case "Enter":
      if (!sendActiveKnowledge()) showNotice(t("kbdNoKnowledge"));
      return true;
    case "KeyR": {
      // The canned answers open on a "/" typed at the start of the reply box.
      const input = focusComposer();
      if (input && !input.value.startsWith("/")) {
        input.value = `/${input.value}`;
        input.setSelectionRange(1, 1);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
      return true;
    }
    case "KeyE": {
      const tab = s.tabs[s.current];
      if (!tab || !tab.held) { showNotice(t("kbdNothingToEnd")); return true; }
      // The confirmation box (its End button takes the focus: Enter confirms, Esc cancels).
      dispatch({ type: "local/box", box: "end" });
      return true;
    }
    default: return false;
  }
}

document.addEventListener("keydown", (e) => {
  if (onKey(e)) e.preventDefault();
});
