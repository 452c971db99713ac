// Verbatim search page: talks to the /v1 API of the server that serves it, and nothing else.
//
// The page state (query, filters, order, page) lives in the URL, so a search can be bookmarked
// and shared. Corpus text is only ever inserted as text nodes, never as HTML. The API key, when
// the server has one, lives in sessionStorage and travels in the Authorization header only.
"use strict";

const PAGE_SIZE = 20;
const EXPORT_LIMIT = 1000; // the API's largest page
const TYPING_DELAY_MS = 450;
const FACET_VALUES_SHOWN = 10;
const KEY_STORAGE = "verbatim.apiKey";

// Filters a facet panel sets, and the facet fields it counts. Role groups carry their roles.
const FACETS = [
  { param: "role", label: "Role", plural: "roles", fields: ["role_group", "role"] },
  { param: "site", label: "Site", plural: "sites", fields: ["site"] },
  { param: "kind", label: "Kind", plural: "kinds", fields: ["kind"] },
  { param: "lang", label: "Language", plural: "languages", fields: ["lang"] },
  { param: "speaker", label: "Speaker", plural: "speakers", fields: ["speaker"] },
];
// Every filter the page sets: one per facet panel, and the document a translation link opens.
const LIST_PARAMS = [...FACETS.map((f) => f.param), "doc"];
// Languages by code: the English name, and the language's own name (marked with its `lang`, so
// a screen reader says it in that language).
const LANGUAGES = { en: { name: "English" }, zh: { name: "Chinese", own: "中文" } };
// Same columns, in the same order, as `verbatim search --format csv`.
const CSV_COLUMNS = [
  "citation", "speaker", "role", "role_group", "site", "doc", "passage", "title",
  "kind", "lang", "section", "source_file", "source_line", "text",
];

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("search-form"), q: $("q"), sort: $("sort"), layout: $("layout"),
  status: $("status"), message: $("message"), hits: $("hits"), results: $("results"),
  facets: $("facets"), clearFilters: $("clear-filters"), docFilter: $("doc-filter"),
  pager: $("pager"), prev: $("prev-page"), next: $("next-page"), pageInfo: $("page-info"),
  exportMd: $("export-md"), exportCsv: $("export-csv"), announcer: $("announcer"),
  countsTable: $("counts-table"),
  keyPanel: $("key-panel"), keyForm: $("key-form"), keyInput: $("api-key"), keyError: $("key-error"),
  skipLink: $("skip-link"),
};

let state = readUrl();
let lastResponse = null;
let searchController = null;
let typingTimer = 0;
let composing = false;
let pendingKey = null; // the key form's answer, while it is shown
let memoryKey = storedKey(); // the API key in use ("" for none)
const roleGroupOf = new Map(); // role -> role group, learnt from participants and hits
const closedFacets = new Set();
const expandedFacets = new Set();
let countsAsTables = false; // facet counts drawn as tables instead of ticked lists with bars

// ---- State and URL ------------------------------------------------------------------------

function emptyState() {
  const s = { q: "", sort: "relevance", page: 1 };
  for (const p of LIST_PARAMS) s[p] = [];
  return s;
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  const s = emptyState();
  s.q = params.get("q") || "";
  for (const p of LIST_PARAMS) s[p] = params.getAll(p).filter((v) => v.trim() !== "");
  const sort = params.get("sort");
  if (sort === "doc" || sort === "date") s.sort = sort;
  const page = Number.parseInt(params.get("page") || "1", 10);
  s.page = Number.isFinite(page) && page > 0 ? page : 1;
  return s;
}

function urlFor(s) {
  const params = new URLSearchParams();
  if (s.q) params.set("q", s.q);
  for (const p of LIST_PARAMS) for (const v of s[p]) params.append(p, v);
  if (s.sort !== "relevance") params.set("sort", s.sort);
  if (s.page > 1) params.set("page", String(s.page));
  const query = params.toString();
  return query ? `?${query}` : location.pathname;
}

function hasFilters(s) {
  return LIST_PARAMS.some((p) => s[p].length > 0);
}

// ---- API ----------------------------------------------------------------------------------

class ApiProblem extends Error {
  constructor(code, message, hint) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}

function storedKey() {
  try { return sessionStorage.getItem(KEY_STORAGE) || ""; } catch { return ""; }
}

function storeKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
  } catch { /* storage disabled: the key lasts until the page is left */ }
  memoryKey = key;
}

// GET an API path; on 401 asks for the key (once, shared by concurrent calls) and retries.
async function api(path, params, signal) {
  const url = params ? `${path}?${params}` : path;
  for (;;) {
    const headers = { Accept: "application/json" };
    if (memoryKey) headers.Authorization = `Bearer ${memoryKey}`;
    let response;
    try {
      response = await fetch(url, { headers, signal });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiProblem("unreachable", "The server could not be reached.",
        "Check that the Verbatim server is running and your network is up, then press Enter to retry.");
    }
    const body = await response.json().catch(() => null);
    if (response.ok && body) return body;
    const problem = body && body.error
      ? new ApiProblem(body.error.code, body.error.message, body.error.hint)
      : new ApiProblem("unexpected", `The server answered ${response.status} without an explanation.`,
        "Try again; if it persists, the server's log says more.");
    if (response.status !== 401) throw problem;
    await askForKey(memoryKey ? "That key was not accepted. Check it and try again." : "");
  }
}

function askForKey(error) {
  if (!pendingKey) {
    storeKey("");
    pendingKey = new Promise((resolve) => {
      ui.keyError.textContent = error;
      ui.keyPanel.hidden = false;
      ui.layout.hidden = ui.skipLink.hidden = true;
      ui.keyInput.value = "";
      ui.keyInput.focus();
      ui.keyForm.onsubmit = (event) => {
        event.preventDefault();
        const key = ui.keyInput.value.trim();
        if (!key) return;
        storeKey(key);
        ui.keyPanel.hidden = true;
        ui.layout.hidden = ui.skipLink.hidden = false;
        ui.keyInput.value = "";
        pendingKey = null;
        resolve();
        ui.q.focus();
      };
    });
  }
  return pendingKey;
}

function searchParams(s, overrides) {
  const params = new URLSearchParams();
  params.set("q", s.q);
  for (const p of LIST_PARAMS) for (const v of s[p]) params.append(p, v);
  if (s.sort !== "relevance") params.set("sort", s.sort);
  for (const [name, value] of Object.entries(overrides)) params.set(name, value);
  return params;
}

// Counts for a panel whose values are ticked come from the search without that panel's own
// filter, so the other values keep their counts and can be added (any-of within a panel).
function facetRequests(s, signal) {
  return FACETS.filter((f) => s[f.param].length > 0).map((f) => {
    const without = { ...s, [f.param]: [] };
    return api("/v1/search", searchParams(without, { limit: "0", facets: f.fields.join(",") }), signal)
      .then((answer) => answer.facets);
  });
}

async function loadRoleGroups() {
  try {
    const participants = await api("/v1/participants");
    for (const p of participants) if (p.role && p.role_group) roleGroupOf.set(p.role, p.role_group);
  } catch (error) {
    // Without the list, roles learnt from hits still nest; the rest are listed on their own.
    if (error.name !== "AbortError") console.warn("participants unavailable:", error.message);
  }
}

// ---- Searching ----------------------------------------------------------------------------

async function search() {
  if (searchController) searchController.abort();
  const controller = new AbortController();
  searchController = controller;
  const s = state;
  document.body.classList.add("busy");
  try {
    const allFields = FACETS.flatMap((f) => f.fields).join(",");
    const main = api("/v1/search", searchParams(s, {
      limit: String(PAGE_SIZE), offset: String((s.page - 1) * PAGE_SIZE), facets: allFields,
    }), controller.signal);
    const [answer, ...ownCounts] = await Promise.all([main, ...facetRequests(s, controller.signal)]);
    if (controller !== searchController) return;
    for (const counts of ownCounts) Object.assign(answer.facets, counts);
    lastResponse = answer;
    render(s, answer);
  } catch (error) {
    if (error.name === "AbortError" || controller !== searchController) return;
    lastResponse = null;
    renderProblem(error);
  } finally {
    if (controller === searchController) document.body.classList.remove("busy");
  }
}

// Runs `change` on a copy of the state, records it in the URL and searches.
function commit(change, { replace = false } = {}) {
  const next = { ...state };
  change(next);
  state = next;
  const url = urlFor(state);
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  syncControls();
  search();
}

function syncControls() {
  if (ui.q.value.trim() !== state.q) ui.q.value = state.q;
  ui.sort.value = state.sort;
  document.title = state.q ? `${state.q} · Verbatim` : "Verbatim search";
}

// ---- Rendering ----------------------------------------------------------------------------

// Builds an element; strings become text nodes, so corpus text is never parsed as HTML.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function render(s, answer) {
  if (answer.hits.length === 0 && answer.total > 0 && s.page > 1) {
    // A bookmarked page past the end (the corpus shrank): show the first page instead.
    commit((n) => { n.page = 1; }, { replace: true });
    return;
  }
  hideMessage();
  renderStatus(s, answer);
  renderFacets(s, answer.facets);
  renderDocFilter(s);
  ui.hits.replaceChildren(...answer.hits.map(renderHit));
  renderPager(s, answer.total);
  ui.exportMd.disabled = ui.exportCsv.disabled = answer.total === 0;
  if (answer.total === 0) renderNoResults(s);
  announce(resultsSummary(s, answer));
}

// What a screen reader hears after each search: the count, the query, the filters and the page.
function resultsSummary(s, answer) {
  const count = answer.total === 0 ? "No passages" : plural(answer.total, "passage", "passages");
  const what = s.q ? ` ${answer.total === 1 ? "matches" : "match"} “${s.q}”` : "";
  const filters = FACETS.filter((f) => s[f.param].length > 0)
    .map((f) => `${f.label}: ${s[f.param].map((v) => valueText(f, v)).join(" or ")}`);
  if (s.doc.length > 0) filters.push(`Document: ${s.doc.join(" or ")}`);
  const filtered = filters.length > 0 ? `, filtered by ${filters.join("; ")}` : "";
  const page = s.page > 1 ? `, page ${s.page} of ${Math.ceil(answer.total / PAGE_SIZE)}` : "";
  return `${count}${what}${filtered}${page}`;
}

function plural(n, one, many) {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

function renderStatus(s, answer) {
  const first = (s.page - 1) * PAGE_SIZE + 1;
  const last = first + answer.hits.length - 1;
  const took = `${answer.took_ms < 10 ? answer.took_ms.toFixed(1) : Math.round(answer.took_ms)} ms`;
  const total = el("strong", { id: "total", "data-total": String(answer.total) },
    plural(answer.total, "passage", "passages"));
  const range = answer.total > answer.hits.length && answer.hits.length > 0
    ? `, showing ${first}–${last}` : "";
  ui.status.replaceChildren(total, `${range} · ${took}`);
}

function renderNoResults(s) {
  const what = s.q ? `“${s.q}”` : "these filters";
  const children = [el("p", {}, `No passages match ${what}${s.q && hasFilters(s) ? " with these filters" : ""}.`)];
  const hint = hasFilters(s)
    ? "Untick some filters, use fewer words, or try a shorter prefix with *."
    : "Check the spelling, use fewer words, or try a shorter prefix with *.";
  children.push(el("p", { class: "hint" }, hint));
  showMessage(children, false);
}

function renderProblem(error) {
  const title = error.code === "invalid_query" ? "This query cannot be read: " : "";
  const children = [el("p", {}, el("strong", {}, title), error.message || String(error))];
  if (error.hint) children.push(el("p", { class: "hint" }, error.hint));
  showMessage(children, true);
  announce(`${title}${error.message || String(error)}${error.hint ? `. ${error.hint}` : ""}`);
  ui.status.replaceChildren("No results");
  ui.hits.replaceChildren();
  ui.pager.hidden = true;
  ui.exportMd.disabled = ui.exportCsv.disabled = true;
}

function showMessage(children, isError) {
  ui.message.className = isError ? "message error" : "message";
  ui.message.replaceChildren(...children);
  ui.message.hidden = false;
}

function hideMessage() {
  ui.message.hidden = true;
  ui.message.replaceChildren();
}

function renderPager(s, total) {
  const pages = Math.ceil(total / PAGE_SIZE);
  ui.pager.hidden = pages <= 1;
  ui.prev.disabled = s.page <= 1;
  ui.next.disabled = s.page >= pages;
  ui.pageInfo.textContent = `Page ${s.page} of ${pages}`;
}

function renderDocFilter(s) {
  ui.docFilter.hidden = s.doc.length === 0;
  const remove = el("button", { type: "button", class: "link-button", "aria-label": "Remove the document filter" }, "Remove");
  remove.addEventListener("click", () => {
    commit((n) => { n.doc = []; n.page = 1; });
    ui.q.focus(); // the button goes with the filter
  });
  ui.docFilter.replaceChildren(el("span", {}, `Document: ${s.doc.join(", ")}`), remove);
  ui.clearFilters.hidden = !hasFilters(s);
}

// ---- Facets -------------------------------------------------------------------------------

function renderFacets(s, facets) {
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.focusKey : undefined;
  ui.facets.replaceChildren(...FACETS.map((f) => renderFacet(f, s, facets)));
  if (focused) {
    const again = [...ui.facets.querySelectorAll("[data-focus-key]")].find((e) => e.dataset.focusKey === focused);
    if (again) again.focus();
  }
}

// Values with counts, plus ticked values the current search no longer finds (so they can be unticked).
function withSelected(counts, selected) {
  const values = (counts || []).map((c) => ({ value: c.value, count: c.count }));
  for (const v of selected) {
    if (!values.some((c) => c.value.toLowerCase() === v.toLowerCase())) values.push({ value: v, count: 0 });
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
  const selected = s[facet.param];
  const items = facet.param === "role"
    ? roleItems(facets, selected)
    : withSelected(facets[facet.fields[0]], selected).map((c) => ({ ...c, children: [] }));
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
function roleItems(facets, selected) {
  const roles = facets.role || [];
  const groups = withSelected(facets.role_group, []).map((g) => ({ ...g, children: [] }));
  const loose = [];
  for (const role of roles) {
    const groupName = roleGroupOf.get(role.value);
    const group = groups.find((g) => g.value === groupName);
    if (group && group.value.toLowerCase() === role.value.toLowerCase()) continue;
    if (group) group.children.push({ ...role, children: [] }); else loose.push({ ...role, children: [] });
  }
  const items = groups.concat(loose);
  const present = (v) => items.some((i) => i.value.toLowerCase() === v.toLowerCase()
    || i.children.some((c) => c.value.toLowerCase() === v.toLowerCase()));
  for (const v of selected) if (!present(v)) items.push({ value: v, count: 0, children: [] });
  return items;
}

// A facet value as words, and as what the page shows (a language with its own name beside it).
function valueText(facet, value) {
  return facet.param === "lang" ? (LANGUAGES[value] || { name: value }).name : value;
}

function valueLabel(facet, value) {
  return facet.param === "lang" ? languageLabel(value) : value;
}

function languageLabel(code) {
  const language = LANGUAGES[code];
  if (!language) return code;
  return language.own ? [language.name, " (", el("span", { lang: code }, language.own), ")"] : language.name;
}

// A count as text: the number, read out as "3 passages".
function countText(count) {
  return [count.toLocaleString("en"), el("span", { class: "visually-hidden" }, count === 1 ? " passage" : " passages")];
}

function facetItem(facet, item, selected, largest) {
  const isOn = selected.some((v) => v.toLowerCase() === item.value.toLowerCase());
  const box = el("input", {
    type: "checkbox", value: item.value, "data-facet": facet.param,
    "data-focus-key": `${facet.param}:${item.value}`,
  });
  box.checked = isOn;
  box.addEventListener("change", () => toggleFilter(facet.param, item.value, box.checked));
  const li = el("li", {}, el("label", {}, box, el("span", { class: "value" }, valueLabel(facet, item.value)),
    el("span", { class: "count" }, countText(item.count))), bar(item.count, largest));
  if (item.children.length > 0) {
    li.append(el("ul", {}, item.children.map((c) => facetItem(facet, c, selected, largest))));
  }
  return li;
}

// A bar as long as `count` is against `largest`; decoration only, as the count is written beside it.
function bar(count, largest) {
  const fill = el("span");
  // Set through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
  fill.style.width = `${largest > 0 ? (100 * count) / largest : 0}%`;
  return el("span", { class: "bar", "aria-hidden": "true" }, fill);
}

// The panel's counts as a table (the bars' text alternative): a row per value, roles under their group.
function countsTable(facet, items) {
  const row = (item, group) => el("tr", {},
    el("th", { scope: "row", class: group ? "nested" : null }, valueLabel(facet, item.value),
      group ? el("span", { class: "visually-hidden" }, ` (in ${group})`) : null),
    el("td", {}, item.count.toLocaleString("en")));
  const rows = items.flatMap((item) => [row(item, null), ...item.children.map((c) => row(c, item.value))]);
  return el("table", { class: "counts" },
    el("caption", { class: "visually-hidden" }, `Passages by ${facet.label.toLowerCase()}`),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, facet.label), el("th", { scope: "col" }, "Passages"))),
    el("tbody", {}, rows));
}

function toggleCountsTables() {
  countsAsTables = !countsAsTables;
  ui.countsTable.textContent = countsAsTables ? "Show tick boxes" : "Show counts as tables";
  if (lastResponse) renderFacets(state, lastResponse.facets);
  announce(countsAsTables ? "Filter counts shown as tables" : "Filter counts shown as tick boxes");
}

function toggleFilter(param, value, on) {
  commit((n) => {
    const rest = n[param].filter((v) => v.toLowerCase() !== value.toLowerCase());
    n[param] = on ? rest.concat(value) : rest;
    n.page = 1;
  });
}

// ---- Hits ---------------------------------------------------------------------------------

// The text with <mark> around each highlight; ranges count Unicode code points, not UTF-16 units.
function highlighted(text, highlights) {
  const chars = Array.from(text);
  const parts = [];
  let at = 0;
  const ranges = (highlights || []).slice().sort((a, b) => a.start - b.start);
  for (const { start, end } of ranges) {
    if (start < at || end <= start || end > chars.length) continue;
    if (start > at) parts.push(chars.slice(at, start).join(""));
    parts.push(el("mark", {}, chars.slice(start, end).join("")));
    at = end;
  }
  if (at < chars.length) parts.push(chars.slice(at).join(""));
  return parts;
}

// A badge says what it is in words for screen readers; its look says it for the eye.
function badge(kind, what, value) {
  return el("span", { class: `badge ${kind}`, title: what }, el("span", { class: "visually-hidden" }, `${what}: `), value);
}

function badges(p) {
  const list = [];
  if (p.speaker) list.push(badge("speaker", "Speaker", p.speaker));
  if (p.role) list.push(badge("role", "Role", p.role));
  if (p.role_group && (!p.role || p.role_group.toLowerCase() !== p.role.toLowerCase())) {
    list.push(badge("group", "Role group", p.role_group));
  }
  if (p.site) list.push(badge("site", "Site", p.site));
  if (!p.speaker && p.attribution) list.push(badge("attribution", "Attribution", p.attribution));
  return list;
}

let hitCounter = 0;

function renderHit(hit) {
  const id = `hit-${++hitCounter}`;
  if (hit.role && hit.role_group) roleGroupOf.set(hit.role, hit.role_group);
  const hitBadges = badges(hit);
  if (hit.lang !== "en") hitBadges.push(badge("lang", "Language", languageLabel(hit.lang)));
  const before = el("div", { class: "context", id: `${id}-before`, hidden: true });
  const after = el("div", { class: "context", id: `${id}-after`, hidden: true });
  const quote = el("blockquote", { class: "quote", lang: hit.lang }, highlighted(hit.text, hit.highlights));
  const source = el("p", { class: "source" }, el("cite", {}, hit.title), hit.section ? ` · ${hit.section}` : "");
  const citation = el("p", { class: "citation", id: `${id}-cite` }, hit.citation);
  const actions = el("div", { class: "hit-actions" },
    copyButton(`${id}-copy-citation`, "Copy citation", citation.id,
      () => hit.citation, `Copied the citation ${hit.citation}`),
    copyButton(`${id}-copy-quote`, "Copy quote with citation", citation.id,
      () => markdownQuote(hit.text, hit.citation), `Copied the quote with its citation, ${hit.citation}`),
    contextButton(hit, before, after, citation.id));
  if (hit.translation) {
    const link = el("a", { href: urlFor({ ...emptyState(), doc: [hit.translation], sort: "doc" }) },
      "Read the translation");
    actions.append(link);
  }
  return el("li", { class: "hit", "aria-labelledby": citation.id },
    el("article", {}, el("div", { class: "badges" }, hitBadges), before, quote, after, source, citation, actions));
}

// `citationId` says whose context the button shows, as every hit has such a button.
function contextButton(hit, before, after, citationId) {
  const button = el("button", {
    type: "button", "aria-expanded": "false", "aria-controls": `${before.id} ${after.id}`,
    "aria-describedby": citationId,
  }, "Show context");
  let loaded = false;
  const show = (open) => {
    before.hidden = after.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "Hide context" : "Show context";
  };
  button.addEventListener("click", async () => {
    const open = button.getAttribute("aria-expanded") === "true";
    if (open || loaded) {
      show(!open);
      return;
    }
    await whileBusy(button, async () => {
      loaded = await loadContext(hit, before, after);
      if (loaded) show(true);
    });
  });
  return button;
}

// Fills `before` and `after` with the passages around the hit; says whether it could.
async function loadContext(hit, before, after) {
  try {
    const context = hit.context || (await api(
      `/v1/documents/${encodeURIComponent(hit.doc_id)}/passages/${hit.passage}`, "context=2")).context;
    before.replaceChildren(...context.before.map(contextPassage));
    after.replaceChildren(...context.after.map(contextPassage));
    if (context.before.length + context.after.length === 0) {
      after.replaceChildren(el("p", { class: "context-passage" }, "This passage stands alone in its document."));
    }
    announce(`${plural(context.before.length + context.after.length, "neighbouring passage", "neighbouring passages")} shown`);
    return true;
  } catch (error) {
    announce(`Context unavailable: ${error.message}`);
    after.replaceChildren(el("p", { class: "context-passage" }, `Context unavailable: ${error.message}`));
    after.hidden = false;
    return false;
  }
}

function contextPassage(p) {
  const who = [p.speaker, p.role, p.attribution].filter(Boolean).join(" · ");
  return el("div", { class: "context-passage", lang: p.lang },
    el("span", { class: "who" }, `${p.locator}${who ? ` · ${who}` : ""}`), p.text);
}

// ---- Copy and export ----------------------------------------------------------------------

// A button named by its label and the citation it belongs to ("Copy citation [Manager ID19]
// ..."), so a list of buttons read out of context still says what each one copies.
function copyButton(id, label, citationId, text, done) {
  const button = el("button", { type: "button", id, "aria-labelledby": `${id} ${citationId}` }, label);
  button.addEventListener("click", async () => {
    const ok = await copyText(text());
    announce(ok ? done : "Copying failed: select the text and copy it by hand");
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(() => { button.textContent = label; }, 1600);
  });
  return button;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* fall back below */ }
  }
  // Plain http on a LAN is not a secure context: the clipboard API is missing there.
  const area = el("textarea", { class: "visually-hidden", readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch { ok = false; }
  area.remove();
  return ok;
}

// The CLI's Markdown layout: every line quoted, a blank line, the citation.
function markdownQuote(text, citation) {
  const lines = text.trim().split("\n").map((line) => line.replace(/\r$/, "").trimEnd());
  return `${lines.map((line) => (line ? `> ${line}` : ">")).join("\n")}\n\n${citation}\n`;
}

function markdownExport(hits) {
  return hits.map((hit) => markdownQuote(hit.text, hit.citation)).join("\n");
}

// RFC 4180 as the CLI writes it: quotes only where needed, "\n" between records.
function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text;
}

function csvExport(hits) {
  const rows = [CSV_COLUMNS];
  for (const h of hits) {
    rows.push([h.citation, h.speaker, h.role, h.role_group, h.site, h.doc_id, h.passage, h.title,
      h.kind, h.lang, h.section, h.origin.file, h.origin.line, h.text]);
  }
  return rows.map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}

async function exportResults(format) {
  const button = format === "md" ? ui.exportMd : ui.exportCsv;
  await whileBusy(button, () => exportAll(format));
}

async function exportAll(format) {
  try {
    const answer = await api("/v1/search", searchParams(state, {
      limit: String(EXPORT_LIMIT), offset: "0", highlight: "false",
    }));
    const body = format === "md" ? markdownExport(answer.hits) : csvExport(answer.hits);
    const type = format === "md" ? "text/markdown;charset=utf-8" : "text/csv;charset=utf-8";
    download(`${exportName()}.${format}`, body, type);
    const capped = answer.total > answer.hits.length ? ` (the first ${answer.hits.length} of ${answer.total})` : "";
    announce(`Exported ${plural(answer.hits.length, "passage", "passages")}${capped}`);
  } catch (error) {
    // Keep the results on screen: only the export failed.
    showMessage([el("p", {}, `Export failed: ${error.message}`), el("p", { class: "hint" }, error.hint || "")], true);
    announce(`Export failed: ${error.message}`);
  }
}

// Runs `work` with `button` marked busy, ignoring clicks meanwhile. The button is not disabled:
// that would take the keyboard focus away from it.
async function whileBusy(button, work) {
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  try {
    await work();
  } finally {
    button.removeAttribute("aria-disabled");
  }
}

function exportName() {
  const slug = state.q.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 40);
  return `verbatim-${slug || "passages"}`;
}

function download(name, body, type) {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function announce(text) {
  ui.announcer.textContent = "";
  // A fresh node makes screen readers repeat an identical message.
  setTimeout(() => { ui.announcer.textContent = text; }, 50);
}

// ---- Events -------------------------------------------------------------------------------

function searchTyped({ replace }) {
  clearTimeout(typingTimer);
  const q = ui.q.value.trim();
  if (q === state.q && !replace) {
    // Enter on an unchanged query searches again (e.g. after the server came back).
    search();
    return;
  }
  if (q === state.q) return;
  commit((n) => { n.q = q; n.page = 1; }, { replace });
}

function wireEvents() {
  // An input method composes a word in steps (pinyin -> 初级); search only once it is committed.
  ui.q.addEventListener("compositionstart", () => { composing = true; clearTimeout(typingTimer); });
  ui.q.addEventListener("compositionend", () => {
    composing = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => searchTyped({ replace: true }), TYPING_DELAY_MS);
  });
  ui.q.addEventListener("input", (event) => {
    if (composing || event.isComposing) return;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => searchTyped({ replace: true }), TYPING_DELAY_MS);
  });
  ui.q.addEventListener("keydown", (event) => {
    // The Enter that picks a candidate in an input method must not also submit the search.
    if (event.key === "Enter" && (event.isComposing || event.keyCode === 229)) event.preventDefault();
  });
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (composing) return;
    searchTyped({ replace: false });
  });
  ui.sort.addEventListener("change", () => commit((n) => { n.sort = ui.sort.value; n.page = 1; }));
  ui.clearFilters.addEventListener("click", () => {
    commit((n) => {
      for (const p of LIST_PARAMS) n[p] = [];
      n.page = 1;
    });
    // The button hides itself: hand the keyboard to the search box rather than lose it.
    ui.q.focus();
  });
  ui.prev.addEventListener("click", () => turnPage(-1));
  ui.next.addEventListener("click", () => turnPage(1));
  ui.exportMd.addEventListener("click", () => exportResults("md"));
  ui.exportCsv.addEventListener("click", () => exportResults("csv"));
  window.addEventListener("popstate", () => {
    state = readUrl();
    syncControls();
    search();
  });
  ui.countsTable.addEventListener("click", toggleCountsTables);
}

function turnPage(step) {
  commit((n) => { n.page = Math.max(1, n.page + step); });
  ui.results.focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
}

function start() {
  // On a phone the panels start folded, so the results are one short scroll away.
  if (window.matchMedia("(max-width: 760px)").matches) {
    for (const f of FACETS) closedFacets.add(f.param);
  }
  wireEvents();
  syncControls();
  // The first search may ask for the key; role groups are loaded after it, with the key in hand.
  search().then(loadRoleGroups).then(() => { if (lastResponse) renderFacets(state, lastResponse.facets); });
}

start();
