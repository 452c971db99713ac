// The "Check a draft" view: every quote of a pasted or opened draft (Markdown, text or Word),
// where the corpus holds it and whether its label names who said it (`POST /v1/verify`).
//
// The draft is not part of the page's address (it can be megabytes): it stays in this module
// until the next check. Diffs are <del> (in the transcript, not the draft) and <ins> (in the
// draft, not the transcript), each with its meaning in words for screen readers.

import { api } from "./api.js";
import { el, langOf, plural, showMessage } from "./dom.js";
import { commit } from "./state.js";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const STATUS_NAMES = {
  verbatim: "Verbatim", edited: "Edited", close: "Close", not_found: "Not found", not_checked: "Not checked",
};

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("verify-form"), text: $("verify-text"), file: $("verify-file"), format: $("verify-format"),
  result: $("verify"),
};

let draft = null; // what the next check sends: { body, name }

// The request body of the draft on screen: the opened file (a Word file as it is), else the text.
async function draftBody() {
  const file = ui.file.files[0];
  if (file && /\.docx$/i.test(file.name)) return { body: new Blob([file], { type: DOCX }), name: file.name };
  if (file) {
    const format = /\.txt$/i.test(file.name) ? "text" : "markdown";
    return { body: { text: await file.text(), format }, name: file.name };
  }
  return { body: { text: ui.text.value, format: ui.format.value }, name: "the pasted draft" };
}

function summaryText(summary) {
  return `${plural(summary.quotes, "quote", "quotes")}, ${summary.checked} checked: ${summary.verbatim} verbatim, `
    + `${summary.edited} edited, ${summary.close} close, ${summary.not_found} not found; `
    + `${plural(summary.attribution_differs, "attribution differs", "attributions differ")}`;
}

function attributionText(attribution) {
  const label = attribution.draft ? ` (${attribution.draft})` : "";
  const detail = attribution.detail ? `: ${attribution.detail}` : "";
  return `Attribution ${attribution.status}${label}${detail}`;
}

function diffLine(diff) {
  const parts = diff.map((part) => {
    if (part.op === "same") return el("span", {}, part.text);
    const tag = part.op === "draft" ? "ins" : "del";
    const meaning = part.op === "draft" ? "only in the draft: " : "only in the transcript: ";
    return el(tag, {}, el("span", { class: "visually-hidden" }, meaning), part.text);
  });
  const spaced = parts.flatMap((part, i) => (i ? [" ", part] : [part]));
  return el("p", { class: "verify-diff" }, el("strong", {}, "Difference: "), ...spaced);
}

function quoteItem(quote) {
  const matches = quote.matches.map((m) => el("li", {},
    el("span", { class: "citation" }, m.citation),
    m.diff.length ? diffLine(m.diff) : null));
  return el("li", { class: `verify-quote ${quote.status}` },
    el("h3", {}, `Line ${quote.line}: ${STATUS_NAMES[quote.status]}`),
    el("blockquote", { lang: langOf(quote.text) }, quote.text),
    el("p", {}, attributionText(quote.attribution)),
    quote.note ? el("p", { class: "hint" }, quote.note) : null,
    matches.length ? el("ul", { class: "verify-matches", "aria-label": "Where it was said" }, matches) : null);
}

export const verifyView = {
  title: "Check a draft",
  parts: ["verify-form", "verify"],
  result: "verify",
  sidebar: false,
  sorted: false,
  exports: ["md", "csv", "docx"],

  wire() {
    ui.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      draft = await draftBody();
      // The check runs as the view's load, like every view's answer.
      commit(() => {}, { replace: true });
    });
  },

  async load(s, signal) {
    return draft ? api("/v1/verify", { body: draft.body, signal }) : null;
  },

  render(s, answer) {
    if (!answer) {
      ui.result.replaceChildren();
      showMessage([el("p", {}, "Paste a draft or open a Markdown, text or Word file, then press Check quotes.")], false);
      return { status: [], announcement: "Check a draft: paste or open one", exportable: false };
    }
    const summary = summaryText(answer.summary);
    ui.result.replaceChildren(
      el("h3", { id: "verify-title", class: "visually-hidden" }, `The quotes of ${draft.name}`),
      el("ol", { class: "verify-quotes", "aria-labelledby": "verify-title" }, answer.quotes.map(quoteItem)));
    if (answer.quotes.length === 0) {
      showMessage([el("p", {}, `No quotes were found in ${draft.name}.`),
        el("p", { class: "hint" }, "Quotes are text in double quotes, single quotes of five words or more, and block quotes.")], false);
    }
    return {
      status: [el("strong", {}, summary)],
      announcement: `Checked ${draft.name}: ${summary}`,
      exportable: answer.quotes.length > 0,
    };
  },

  exportFile() {
    return { path: "/v1/verify", body: draft.body, name: "verbatim-verify", what: `the check of ${draft.name}` };
  },
};
