// The keyness view: the words a target group uses more than a reference group (or everyone
// else), as a bar chart of their rates in both groups and as a table of every figure the
// statistics come from; each word links to the target's quotes using it.

import { api } from "./api.js";
import { bar, decimal, el, plural, showMessage, titledTable } from "./dom.js";
import { fillFieldOptions, unknownValuesMessage, valueText } from "./labels.js";
import { slug } from "./quotes.js";
import { apiFilters, commit, exactFilter, fieldLabel, quotesUrl } from "./state.js";

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("keyness-form"), by: $("keyness-by"), target: $("keyness-target"), reference: $("keyness-reference"),
  minFreq: $("keyness-min-freq"), terms: $("keyness-terms"), result: $("keyness"),
};

const EVERYONE_ELSE = "everyone else";

// Every value of `field` in the corpus, with its passages and participants.
function fieldValues(field, signal) {
  return api(`/v1/facets/${encodeURIComponent(field)}`, { signal });
}

// The groups' options: every value of the field with its passages and participants; the
// reference also offers everyone else, its default. A chosen value the corpus does not hold (from
// an old bookmark) stays chosen, saying it has no passages.
function fillGroupOptions(values, target, reference) {
  const option = (v) => el("option", { value: v.value },
    `${valueText(ui.by.value, v.value)} (${plural(v.count, "passage", "passages")}, ${plural(v.participants, "participant", "participants")})`);
  const known = new Set(values.map((v) => v.value));
  const chosen = [target, reference].filter((v) => v && !known.has(v))
    .map((value) => ({ value, count: 0, participants: 0 }));
  const all = [...values, ...new Map(chosen.map((v) => [v.value, v])).values()];
  ui.target.replaceChildren(...all.map(option));
  ui.reference.replaceChildren(el("option", { value: "" }, "Everyone else"), ...all.map(option));
  if (target) ui.target.value = target;
  ui.reference.value = reference;
}

function keynessBody(s) {
  const group = (value) => apiFilters({ [exactFilter(s.by)]: [value] });
  return {
    target: group(s.target),
    reference: s.reference ? group(s.reference) : undefined,
    min_freq: s.minFreq,
    limit: s.terms,
  };
}

// The groups' names as the page writes them ("GP", "manager", "everyone else"), and the
// reference's at the start of a sentence ("Everyone else").
function groupNames(s) {
  const reference = s.reference ? valueText(s.by, s.reference) : EVERYONE_ELSE;
  return { target: valueText(s.by, s.target), reference, Reference: s.reference ? reference : "Everyone else" };
}

export const keynessView = {
  title: "Keyness",
  // Keyness compares whole groups: the search box's query does not apply, so it is put away.
  ignoresQuery: true,
  parts: ["keyness-form", "keyness"],
  result: "keyness",
  sidebar: false,
  sorted: false,
  exports: ["csv", "md", "xlsx"],

  wire() {
    ui.by.addEventListener("change", async () => {
      try {
        fillGroupOptions(await fieldValues(ui.by.value), "", "");
      } catch (error) {
        showMessage([el("p", {}, `The values of ${fieldLabel(ui.by.value)} could not be read: ${error.message}`)], true);
      }
    });
    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!ui.minFreq.reportValidity()) return;
      commit((n) => {
        n.by = ui.by.value;
        n.target = ui.target.value;
        n.reference = ui.reference.value;
        n.minFreq = Number(ui.minFreq.value);
        n.terms = Number(ui.terms.value);
      });
    });
  },

  sync(s) {
    fillFieldOptions(ui.by, s.by);
    ui.minFreq.value = String(s.minFreq);
    ui.terms.value = String(s.terms);
  },

  async load(s, signal) {
    const values = await fieldValues(s.by, signal);
    const answer = s.target ? await api("/v1/keyness", { body: keynessBody(s), signal }) : null;
    return { values, answer };
  },

  render(s, { values, answer }) {
    fillGroupOptions(values, s.target, s.reference);
    if (!answer) {
      ui.result.replaceChildren();
      showMessage([el("p", {}, "Choose the target group and what to compare it with, then press Compare.")], false);
      return { status: [], announcement: "Keyness: choose the groups to compare", exportable: false };
    }
    const names = groupNames(s);
    const against = `${names.target} against ${names.reference}`;
    if (answer.unknown_values) {
      ui.result.replaceChildren(groupSizes(answer, names));
      showMessage(unknownValuesMessage(answer.unknown_values), false);
    } else if (answer.terms.length === 0) {
      ui.result.replaceChildren(groupSizes(answer, names));
      showMessage([el("p", {}, `No word is used at least ${plural(answer.min_freq, "time", "times")} by ${names.target} more than by ${names.reference}.`),
        el("p", { class: "hint" }, "Lower the fewest uses, or choose a larger group.")], false);
    } else {
      ui.result.replaceChildren(groupSizes(answer, names), chart(answer, names, against), termsTable(answer, names));
    }
    return {
      status: [el("strong", {}, plural(answer.terms.length, "key term", "key terms")), ` of ${against} · ${decimal(answer.took_ms, 1)} ms`],
      announcement: `${plural(answer.terms.length, "key term", "key terms")} of ${against}`,
      exportable: answer.terms.length > 0,
    };
  },


  exportFile(s) {
    return {
      path: "/v1/keyness",
      body: keynessBody(s),
      name: `verbatim-keyness-${slug(s.target)}`,
      what: `the key terms of ${groupNames(s).target}`,
    };
  },
};

function groupSizes(answer, names) {
  const size = (name, group) => `${name}: ${plural(group.words, "word", "words")} in ${plural(group.passages, "passage", "passages")} by ${plural(group.participants, "participant", "participants")}.`;
  return el("p", { class: "group-sizes" }, size(names.target, answer.target), " ", size(names.Reference, answer.reference));
}

// Each term with two bars, its rate per 10,000 words in the target (solid) and in the reference
// (striped), each with its value written out: the chart reads without its colours.
function chart(answer, names, against) {
  const largest = Math.max(...answer.terms.flatMap((t) => [t.target_per_10k, t.reference_per_10k]));
  const series = (kind, name, rate) => el("span", { class: `series ${kind}` },
    bar(rate, largest, kind), el("span", { class: "bar-value" }, `${name}: ${decimal(rate)}`));
  return el("figure", { class: "keyness-chart", "aria-labelledby": "keyness-chart-title" },
    el("figcaption", { id: "keyness-chart-title" }, `Key terms of ${against}: uses per 10,000 words`),
    el("p", { class: "legend" },
      el("span", { class: "swatch target", "aria-hidden": "true" }), `${names.target} (solid)`,
      el("span", { class: "swatch reference", "aria-hidden": "true" }), `${names.Reference} (striped)`),
    el("ol", { class: "key-terms" }, answer.terms.map((term) => el("li", {},
      termLink(term),
      el("span", { class: "pair" },
        series("target", names.target, term.target_per_10k),
        series("reference", names.Reference, term.reference_per_10k))))));
}

function termLink(term) {
  return el("a", { class: "term", href: quotesUrl(term.search), "data-internal": true }, term.term);
}

// The chart's figures and the raw counts and sizes they come from, so anyone can recompute them.
function termsTable(answer, names) {
  const number = (value, digits) => el("td", {}, digits === undefined ? value.toLocaleString("en") : decimal(value, digits));
  const heads = ["Term", `${names.target} per 10,000 words`, `${names.Reference} per 10,000 words`, "G²",
    "Log Ratio", `${names.target} participants using it`, `Uses by ${names.target}`, `Uses by ${names.reference}`];
  const rows = answer.terms.map((t) => el("tr", {},
    el("th", { scope: "row" }, termLink(t)),
    number(t.target_per_10k, 2), number(t.reference_per_10k, 2), number(t.log_likelihood, 2),
    number(t.log_ratio, 2), number(t.participants), number(t.target_count), number(t.reference_count)));
  const sizes = el("tr", {}, el("th", { scope: "row", colspan: "6" }, "Words in each group"),
    number(answer.target.words), number(answer.reference.words));
  return el("div", { class: "keyness-table" },
    titledTable(el("h3", { id: "keyness-table-title" }, `The key terms of ${names.target} as a table`),
      el("table", { class: "figures" },
        el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows), el("tfoot", {}, sizes))));
}
