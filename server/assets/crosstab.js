// The cross-tab view: queries (rows) by the values of a field (columns); each cell gives the
// matching passages, the participants who said them and the rate per 10,000 words of the
// column's text, and links to the cell's quotes.

import { api } from "./api.js";
import { decimal, el, plural, showMessage, titledTable } from "./dom.js";
import { fillFieldOptions, unknownValuesMessage, valueLabel, valueText } from "./labels.js";
import { slug } from "./quotes.js";
import { apiFilters, commit, fieldLabel, quotesUrl } from "./state.js";

const $ = (id) => document.getElementById(id);
const ui = { form: $("crosstab-form"), rows: $("crosstab-rows"), by: $("crosstab-by"), result: $("crosstab") };

// The queries of the rows box, one per line, blank lines left out.
function typedRows() {
  return ui.rows.value.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

// The API numbers the rows it was sent, blank lines left out; the user counts the box's lines.
// `row N` in its message becomes the line of the box that holds the N-th query.
function boxLineNumbers(message) {
  const lines = ui.rows.value.split("\n");
  const queryLines = lines.flatMap((line, i) => (line.trim() === "" ? [] : [i + 1]));
  return message.replace(/\brow (\d+)\b/g, (named, n) => {
    const line = queryLines[Number(n) - 1];
    return line === undefined ? named : `row ${line}`;
  });
}

function crosstabBody(s) {
  return { rows: s.rows.map((q) => ({ q })), by: s.by, filters: apiFilters(s.filters) };
}

export const crosstabView = {
  title: "Cross-tab",
  parts: ["crosstab-form", "crosstab"],
  result: "crosstab",
  sidebar: true,
  sorted: false,
  exports: ["csv", "md", "xlsx"],

  wire() {
    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      commit((n) => { n.rows = typedRows(); n.by = ui.by.value; });
    });
  },

  sync(s) {
    fillFieldOptions(ui.by, s.by);
    if (typedRows().join("\n") !== s.rows.join("\n")) ui.rows.value = s.rows.join("\n");
  },

  load(s, signal) {
    if (s.rows.length === 0) return null;
    return api("/v1/crosstab", { body: crosstabBody(s), signal }).catch((error) => {
      error.message = boxLineNumbers(error.message);
      throw error;
    });
  },

  render(s, answer) {
    if (!answer) {
      ui.result.replaceChildren();
      showMessage([el("p", {}, "Type one query per line under Rows, choose the columns, then press Cross-tabulate.")], false);
      return { status: [], announcement: "Cross-tab: no rows yet", exportable: false };
    }
    ui.result.replaceChildren(...crosstabTable(answer));
    if (answer.unknown_values) showMessage(unknownValuesMessage(answer.unknown_values), false);
    const field = fieldLabel(answer.by).toLowerCase();
    const shape = `${plural(answer.rows.length, "query", "queries")} by ${field}, ${plural(answer.columns.length, "column", "columns")}`;
    return {
      status: [el("strong", {}, "Cross-tab"), ` of ${shape} · ${decimal(answer.took_ms, 1)} ms`],
      announcement: `Cross-tab of ${shape}`,
      exportable: answer.columns.length > 0,
    };
  },


  exportFile(s) {
    return {
      path: "/v1/crosstab",
      body: crosstabBody(s),
      name: `verbatim-crosstab-${slug(s.by)}`,
      what: `the cross-tab of ${plural(s.rows.length, "query", "queries")}`,
    };
  },
};

function crosstabTable(answer) {
  const field = answer.by;
  const title = el("p", { id: "crosstab-title" },
    `Passages, participants and passages per 10,000 words, by ${fieldLabel(field).toLowerCase()}`);
  const head = el("thead", {}, el("tr", {},
    el("th", { scope: "col" }, "Query"),
    answer.columns.map((column) => el("th", { scope: "col" },
      el("span", { class: "column-value" }, valueLabel(field, column.value)),
      el("span", { class: "column-size" }, `${plural(column.words, "word", "words")}, ${plural(column.participants, "participant", "participants")}`))),
    el("th", { scope: "col" }, "All passages")));
  const body = el("tbody", {}, answer.rows.map((row) => el("tr", {},
    el("th", { scope: "row" }, row.label),
    row.cells.map((cell, i) => el("td", {}, cellContent(cell, row, answer.columns[i], field))),
    el("td", { class: "row-total" }, rowTotal(row, answer)))));
  return titledTable(title, el("table", { class: "crosstab" }, head, body));
}

// A cell's three figures; a link to its quotes when it has any.
function cellContent(cell, row, column, field) {
  const figures = [
    el("span", { class: "passages" }, plural(cell.passages, "passage", "passages")),
    el("span", { class: "participants" }, plural(cell.participants, "participant", "participants")),
    el("span", { class: "rate" }, `${decimal(cell.per_10k_words)} per 10k words`),
  ];
  if (cell.passages === 0) return el("span", { class: "cell" }, figures);
  return el("a", {
    class: "cell", href: quotesUrl(cell.search), "data-internal": true,
    title: `The quotes: ${row.label}, ${fieldLabel(field)} ${valueText(field, column.value)}`,
  }, figures);
}

// A row's passages in any column or none, linked to the row's search.
function rowTotal(row, answer) {
  const text = plural(row.total, "passage", "passages");
  if (row.total === 0) return text;
  return el("a", { href: quotesUrl({ q: row.q, filters: answer.filters, sort: "relevance" }), "data-internal": true }, text);
}
