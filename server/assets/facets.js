// The filters beside the results: a panel of tick boxes per facet, each value with its passages,
// a bar, and how many participants said them ("2 of 3 participants"), or the same counts as
// tables; and the filters no panel shows (a role group, a document, a year, an attribute).

import { api } from "./api.js";
import { bar, el } from "./dom.js";
import { participantsText, valueLabel, valueText } from "./labels.js";
import { roleGroupOf } from "./participants.js";
import { commit, fieldLabel, filterValues, hasFilters, searchParams, state } from "./state.js";

const FACET_VALUES_SHOWN = 10;

// Filters a facet panel sets, and the facet fields it counts. Role groups carry their roles.
// `who` says whether the participants count says anything (a speaker is always 1 of 1).
export const FACETS = [
  { param: "role", label: "Role", plural: "roles", fields: ["role_group", "role"], who: true },
  { param: "site", label: "Site", plural: "sites", fields: ["site"], who: true },
  { param: "kind", label: "Kind", plural: "kinds", fields: ["kind"], who: true },
  { param: "lang", label: "Language", plural: "languages", fields: ["lang"], who: true },
  { param: "speaker", label: "Speaker", plural: "speakers", fields: ["speaker"], who: false },
];
const PANEL_PARAMS = new Set(FACETS.map((f) => f.param));

const $ = (id) => document.getElementById(id);
const ui = {
  facets: $("facets"), clearFilters: $("clear-filters"), activeFilters: $("active-filters"),
  countsTable: $("counts-table"), q: $("q"),
};

const closedFacets = new Set();
const expandedFacets = new Set();
let countsAsTables = false; // facet counts drawn as tables instead of ticked lists with bars
let lastFacets = null;

// Folds every panel (on a phone, so the results are one short scroll away).
export function foldPanels() {
  for (const f of FACETS) closedFacets.add(f.param);
}

// The counts of every panel for the state's search. A panel whose values are ticked is counted
// without its own filter, so the other values keep their counts and can be added (any-of).
async function searchCounts(s, signal) {
  const counts = (search, fields) => api("/v1/search", {
    params: searchParams(search, { limit: 0, facets: fields.join(",") }), signal,
  }).then((answer) => answer.facets);
  const all = counts(s, FACETS.flatMap((f) => f.fields));
  const own = FACETS.filter((f) => filterValues(s, f.param).length > 0)
    .map((f) => counts({ ...s, filters: { ...s.filters, [f.param]: [] } }, f.fields));
  const [facets, ...owned] = await Promise.all([all, ...own]);
  return Object.assign(facets, ...owned);
}

// Every value the corpus holds of each panel's fields, with no query or filter: a value the
// search does not find is still listed, with 0, so a researcher sees the zero. Read once.
let corpusValues = null;

function loadCorpusValues(signal) {
  corpusValues ||= Promise.all(FACETS.flatMap((f) => f.fields).map((field) =>
    api(`/v1/facets/${encodeURIComponent(field)}`, { signal }).then((values) => [field, values])))
    .then(Object.fromEntries)
    .catch((error) => { corpusValues = null; throw error; });
  return corpusValues;
}

// The counts of every panel for the state's search, and every value the corpus holds.
export async function loadFacets(s, signal) {
  const [counts, held] = await Promise.all([searchCounts(s, signal), loadCorpusValues(signal)]);
  return { counts, held };
}

// The panels without counts (after a search that could not run): each ticked value stays, to
// be unticked, and the panel says why it has no counts.
export function clearFacets(s) {
  lastFacets = null;
  ui.facets.replaceChildren(...FACETS.map((f) => renderFacet(f, s, null)));
  renderActiveFilters(s);
}

export function renderFacets(s, facets) {
  lastFacets = facets;
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.focusKey : undefined;
  ui.facets.replaceChildren(...FACETS.map((f) => renderFacet(f, s, facets)));
  if (focused) {
    const again = [...ui.facets.querySelectorAll("[data-focus-key]")].find((e) => e.dataset.focusKey === focused);
    if (again) again.focus();
  }
  renderActiveFilters(s);
}

// Redraws the panels with the counts last loaded (once role groups are known, say).
export function redrawFacets() {
  if (lastFacets) renderFacets(state, lastFacets);
}

// Values with counts, then the values the corpus holds that the search does not find (0, with
// all who hold them), then ticked values the corpus does not hold (so they can be unticked).
function withSelected(counts, held, selected) {
  const values = (counts || []).map((c) => ({ ...c, children: [] }));
  for (const h of held || []) {
    if (!values.some((c) => c.value === h.value)) {
      values.push({ value: h.value, count: 0, participants: 0, of: h.of, children: [] });
    }
  }
  for (const v of selected) {
    if (!values.some((c) => c.value.toLowerCase() === v.toLowerCase())) {
      values.push({ value: v, count: 0, participants: 0, of: 0, children: [] });
    }
  }
  return values;
}

// A facet panel: a foldable group of tick boxes with counts and bars, or its counts as a table.
function renderFacet(facet, s, facets) {
  const details = el("details", { class: "facet", "data-facet": facet.param });
  details.open = !closedFacets.has(facet.param);
  details.addEventListener("toggle", () => {
    if (details.open) closedFacets.delete(facet.param); else closedFacets.add(facet.param);
  });
  const titleId = `facet-${facet.param}-title`;
  details.append(el("summary", { id: titleId }, facet.label));
  const selected = filterValues(s, facet.param);
  if (!facets) {
    details.append(el("p", { class: "empty" }, "No counts: the search could not run"));
    if (selected.length === 0) return details;
  }
  const { counts, held } = facets || { counts: {}, held: {} };
  const items = facet.param === "role" ? roleItems(counts, held, selected)
    : withSelected(counts[facet.fields[0]], held[facet.fields[0]], selected);
  if (items.length === 0) {
    details.append(el("p", { class: "empty" }, "None in these results"));
    return details;
  }
  if (countsAsTables) {
    details.append(countsTable(facet, items));
    return details;
  }
  const showAll = expandedFacets.has(facet.param) || items.length <= FACET_VALUES_SHOWN + 2;
  const shown = showAll ? items : items.slice(0, FACET_VALUES_SHOWN);
  const largest = Math.max(...items.flatMap((i) => [i.count, ...i.children.map((c) => c.count)]));
  const group = el("div", { role: "group", "aria-labelledby": titleId },
    el("ul", {}, shown.map((item) => facetItem(facet, item, selected, largest))));
  details.append(group);
  if (!showAll) {
    const more = el("button", { type: "button", class: "link-button" }, `Show all ${items.length} ${facet.plural}`);
    more.addEventListener("click", () => {
      expandedFacets.add(facet.param);
      const full = renderFacet(facet, state, facets);
      details.replaceWith(full);
      // Keep the keyboard where the list grew: on the first value that was hidden.
      const firstNew = full.querySelectorAll("input")[FACET_VALUES_SHOWN];
      if (firstNew) firstNew.focus();
    });
    group.append(more);
  }
  return details;
}

// Role groups, each with the roles it holds; a role named like its group adds nothing (the
// filter matches groups and roles alike) and is left out.
function roleItems(counts, held, selected) {
  const groups = withSelected(counts.role_group, held.role_group, []);
  const loose = [];
  for (const role of withSelected(counts.role, held.role, [])) {
    const group = groups.find((g) => g.value === roleGroupOf.get(role.value));
    if (group && group.value.toLowerCase() === role.value.toLowerCase()) continue;
    if (group) group.children.push(role); else loose.push(role);
  }
  const items = groups.concat(loose);
  const present = (v) => items.some((i) => i.value.toLowerCase() === v.toLowerCase()
    || i.children.some((c) => c.value.toLowerCase() === v.toLowerCase()));
  for (const v of selected) if (!present(v)) items.push(...withSelected([], [], [v]));
  return items;
}

// A count as text: the number, read out as "3 passages".
function countText(count) {
  return [count.toLocaleString("en"), el("span", { class: "visually-hidden" }, count === 1 ? " passage," : " passages,")];
}

function facetItem(facet, item, selected, largest) {
  const isOn = selected.some((v) => v.toLowerCase() === item.value.toLowerCase());
  const box = el("input", {
    type: "checkbox", value: item.value, "data-facet": facet.param,
    "data-focus-key": `${facet.param}:${item.value}`,
  });
  box.checked = isOn;
  box.addEventListener("change", () => toggleFilter(facet.param, item.value, box.checked));
  const who = facet.who ? participantsText(item.participants, item.of) : "";
  const li = el("li", { class: item.count === 0 ? "zero" : null }, el("label", {}, box, el("span", { class: "value" }, valueLabel(facet.param, item.value)),
    el("span", { class: "count" }, countText(item.count)), who && el("span", { class: "who" }, who)),
  bar(item.count, largest));
  if (item.children.length > 0) {
    li.append(el("ul", {}, item.children.map((c) => facetItem(facet, c, selected, largest))));
  }
  return li;
}

// The panel's counts as a table (the bars' text alternative): a row per value, roles under their
// group, with the passages and, where it says something, the participants out of how many.
function countsTable(facet, items) {
  const number = (n) => el("td", {}, n.toLocaleString("en"));
  const row = (item, group) => el("tr", {},
    el("th", { scope: "row", class: group ? "nested" : null }, valueLabel(facet.param, item.value),
      group ? el("span", { class: "visually-hidden" }, ` (in ${group})`) : null),
    number(item.count), facet.who && [number(item.participants), number(item.of)]);
  const rows = items.flatMap((item) => [row(item, null), ...item.children.map((c) => row(c, item.value))]);
  const heads = [facet.label, "Passages", ...(facet.who ? ["Participants", "Of all"] : [])];
  return el("table", { class: "counts" },
    el("caption", { class: "visually-hidden" },
      `Passages${facet.who ? " and participants" : ""} by ${facet.label.toLowerCase()}`
      + `${facet.who ? ", out of all the participants with each value" : ""}`),
    el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows));
}

export function toggleCountsTables() {
  countsAsTables = !countsAsTables;
  ui.countsTable.textContent = countsAsTables ? "Show tick boxes" : "Show counts as tables";
  redrawFacets();
  return countsAsTables ? "Filter counts shown as tables" : "Filter counts shown as tick boxes";
}

function toggleFilter(param, value, on) {
  commit((n) => {
    const rest = filterValues(n, param).filter((v) => v.toLowerCase() !== value.toLowerCase());
    n.filters[param] = on ? rest.concat(value) : rest;
    n.page = 1;
  });
}

// Filters no panel shows (from a cross-tab cell, a key term, a translation link or the
// address), each with a button that removes it.
function renderActiveFilters(s) {
  const others = Object.entries(s.filters).filter(([param, values]) => !PANEL_PARAMS.has(param) && values.length > 0);
  ui.activeFilters.hidden = others.length === 0;
  ui.activeFilters.replaceChildren(...others.map(([param, values]) => {
    const what = `${fieldLabel(param)}: ${values.map((v) => valueText(param, v)).join(" or ")}`;
    const remove = el("button", { type: "button", class: "link-button", "aria-label": `Remove the filter ${what}` }, "Remove");
    remove.addEventListener("click", () => {
      commit((n) => { delete n.filters[param]; n.page = 1; });
      ui.q.focus(); // the button goes with the filter
    });
    return el("li", {}, el("span", {}, what), remove);
  }));
  ui.clearFilters.hidden = !hasFilters(s);
}

// The state's filters in words: "Role: manager; Document: mcdermott-2019".
export function filtersText(s) {
  return Object.entries(s.filters).filter(([, values]) => values.length > 0)
    .map(([param, values]) => `${fieldLabel(param)}: ${values.map((v) => valueText(param, v)).join(" or ")}`)
    .join("; ");
}
