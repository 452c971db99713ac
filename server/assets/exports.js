// The export buttons of the view on screen. The server writes every format (as the CLI does):
// the page asks the API for the view's answer as a file and saves it.

import { downloadFile } from "./api.js";
import { announce, el, showMessage, whileBusy } from "./dom.js";
import { state } from "./state.js";

const FORMAT_NAMES = { md: "Markdown", csv: "CSV", xlsx: "Excel", docx: "Word", txt: "Text" };

const group = document.getElementById("exports");
let shown = null; // the view whose buttons are in the group
let source = null; // { view, answer } the buttons export

// Puts `view`'s export buttons in the toolbar (once per view, so a redraw keeps the focus on
// them), enabled when `answer` has something to export.
export function showExports(view, answer, enabled) {
  source = { view, answer };
  if (shown !== view) {
    shown = view;
    const label = group.firstElementChild;
    group.replaceChildren(label, ...view.exports.map((format) => exportButton(format)));
  }
  for (const button of group.querySelectorAll("button")) button.disabled = !enabled;
}

function exportButton(format) {
  const button = el("button", { type: "button", id: `export-${format}`, class: "secondary" },
    el("span", { class: "visually-hidden" }, "Export as "), FORMAT_NAMES[format]);
  button.addEventListener("click", () => whileBusy(button, () => exportAs(format)));
  return button;
}

async function exportAs(format) {
  const { view, answer } = source;
  const file = view.exportFile(state, answer);
  try {
    await downloadFile(file.path, format, `${file.name}.${format}`, file);
    announce(`Exported ${file.what} as ${FORMAT_NAMES[format]}`);
  } catch (error) {
    // Keep the results on screen: only the export failed.
    showMessage([el("p", {}, `Export failed: ${error.message}`), el("p", { class: "hint" }, error.hint || "")], true);
    announce(`Export failed: ${error.message}`);
  }
}
