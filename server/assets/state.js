// The page's state and its URL: which view, the query, the filters, and each view's settings.
//
// Everything on screen follows from the state, and the state lives in the URL, so any view can
// be bookmarked and shared. Filters use the names and value forms of the API's query string
// (`role_group=GP`, `year=2015..2019`, `attr.gender=female`), so a URL's filters go to the API as
// they are.

export const PAGE_SIZE = 20;
const VIEW_NAMES = ["search", "kwic", "collocates", "crosstab", "keyness", "verify"];

// The filters the API takes, with their names in words. Participant attributes (`attr.NAME`)
// come on top, named after the participants sheet's column.
const FILTER_LABELS = {
  role: "Role", role_group: "Role group", role_exact: "Role (exactly)", site: "Site", kind: "Kind",
  lang: "Language", speaker: "Speaker", doc: "Document", year: "Year",
};
const ATTR = "attr.";

// Fields whose values can be counted: the columns of a cross-tab, the groups of keyness.
export const GROUP_FIELDS = ["role_group", "role", "site", "kind", "lang", "year", "speaker", "doc"];

const DEFAULTS = {
  view: "search", q: "", sort: "relevance", page: 1, width: 40, by: "role_group", target: "",
  reference: "", minFreq: 3, terms: 20, span: 5,
};
const SORTS = ["relevance", "doc", "date"];
const TERM_COUNTS = [10, 20, 50, 100];

// `attr.NAME`: a column of the participants sheet.
function isAttribute(param) {
  return param.startsWith(ATTR) && param.length > ATTR.length;
}

function isFilter(param) {
  return Object.hasOwn(FILTER_LABELS, param) || isAttribute(param);
}

// A filter or field in words: "Role group", or an attribute's column ("Years in post").
export function fieldLabel(param) {
  if (Object.hasOwn(FILTER_LABELS, param)) return FILTER_LABELS[param];
  const name = param.slice(ATTR.length).replaceAll("_", " ");
  return name.charAt(0).toUpperCase() + name.slice(1);
}

// The filter that selects one value of a field exactly: a role column must leave out the rest
// of a role group of the same name, as the API's cross-tab cells do.
export function exactFilter(field) {
  return field === "role" ? "role_exact" : field;
}

export function emptyState() {
  return { ...DEFAULTS, filters: {}, rows: [] };
}

// A whole number from `text` within `min`..`max`, else `fallback`.
function whole(text, min, max, fallback) {
  const n = Number(text);
  return text !== null && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  const s = emptyState();
  const view = params.get("view");
  if (VIEW_NAMES.includes(view)) s.view = view;
  s.q = params.get("q") || "";
  for (const [name, value] of params) {
    if (isFilter(name) && value.trim() !== "") (s.filters[name] ||= []).push(value);
  }
  const sort = params.get("sort");
  if (SORTS.includes(sort)) s.sort = sort;
  s.page = whole(params.get("page"), 1, Number.MAX_SAFE_INTEGER, 1);
  s.width = whole(params.get("width"), 1, 200, DEFAULTS.width);
  s.span = whole(params.get("span"), 1, 20, DEFAULTS.span);
  const by = params.get("by");
  if (by && (GROUP_FIELDS.includes(by) || isAttribute(by))) s.by = by;
  s.rows = params.getAll("row").filter((row) => row.trim() !== "");
  // A cross-tab starts with the search box's query as its first row, however it is reached.
  if (s.view === "crosstab" && s.rows.length === 0 && s.q) s.rows = [s.q];
  s.target = params.get("target") || "";
  s.reference = params.get("reference") || "";
  s.minFreq = whole(params.get("min_freq"), 1, 1000000, DEFAULTS.minFreq);
  const terms = whole(params.get("terms"), 1, 1000, DEFAULTS.terms);
  s.terms = TERM_COUNTS.includes(terms) ? terms : DEFAULTS.terms;
  return s;
}

// The page's address for `s`: only what differs from the defaults, in a stable order.
export function urlFor(s) {
  const params = new URLSearchParams();
  if (s.view !== DEFAULTS.view) params.set("view", s.view);
  if (s.q) params.set("q", s.q);
  appendFilters(params, s.filters);
  if (s.sort !== DEFAULTS.sort) params.set("sort", s.sort);
  if (s.page > 1) params.set("page", String(s.page));
  if (s.view === "kwic" && s.width !== DEFAULTS.width) params.set("width", String(s.width));
  if (s.view === "collocates" && s.span !== DEFAULTS.span) params.set("span", String(s.span));
  if (s.view === "crosstab" || s.view === "keyness") {
    if (s.by !== DEFAULTS.by) params.set("by", s.by);
  }
  if (s.view === "crosstab") for (const row of s.rows) params.append("row", row);
  if (s.view === "keyness") {
    if (s.target) params.set("target", s.target);
    if (s.reference) params.set("reference", s.reference);
    if (s.minFreq !== DEFAULTS.minFreq) params.set("min_freq", String(s.minFreq));
    if (s.terms !== DEFAULTS.terms) params.set("terms", String(s.terms));
  }
  const query = params.toString();
  return query ? `?${query}` : location.pathname;
}

function appendFilters(params, filters) {
  for (const [param, values] of Object.entries(filters)) for (const v of values) params.append(param, v);
}

export function hasFilters(s) {
  return Object.values(s.filters).some((values) => values.length > 0);
}

export function filterValues(s, param) {
  return s.filters[param] || [];
}

// The state's search as the API's query string (`GET /v1/search`), with `overrides` on top.
export function searchParams(s, overrides = {}) {
  const params = new URLSearchParams();
  params.set("q", s.q);
  appendFilters(params, s.filters);
  if (s.sort !== DEFAULTS.sort) params.set("sort", s.sort);
  for (const [name, value] of Object.entries(overrides)) params.set(name, String(value));
  return params;
}

// Filters as the API's JSON `Filters`: a list per filter, `attr` as an object, `year` as text.
export function apiFilters(filters) {
  const out = {};
  for (const [param, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    if (param.startsWith(ATTR)) (out.attr ||= {})[param.slice(ATTR.length)] = values;
    // One year range per search; several are passed on as they are for the API to refuse by name.
    else if (param === "year") out.year = values.length === 1 ? values[0] : values;
    else out[param] = values;
  }
  return out;
}

// The state's search as the API's JSON `SearchRequest`, with `overrides` on top.
export function searchBody(s, overrides = {}) {
  return { q: s.q, filters: apiFilters(s.filters), sort: s.sort, ...overrides };
}

// The API's JSON `Filters` (as answers write them) as the page's filters.
function filtersFromApi(filters) {
  const out = {};
  for (const [name, value] of Object.entries(filters || {})) {
    if (name === "attr") {
      for (const [attr, values] of Object.entries(value)) out[`${ATTR}${attr}`] = values.map(String);
    } else if (name === "year") {
      const { from, to } = value;
      out.year = [from === to ? `${from}` : `${from ?? ""}..${to ?? ""}`];
    } else {
      out[name] = value.map(String);
    }
  }
  return out;
}

// The address of the quotes an API answer points to (a cross-tab cell's or a key term's search).
export function quotesUrl(request) {
  return urlFor({ ...emptyState(), q: request.q, filters: filtersFromApi(request.filters), sort: request.sort });
}

// The address of the concordance of an API answer's search (a collocate's).
export function concordanceUrl(request) {
  return urlFor({ ...emptyState(), view: "kwic", q: request.q, filters: filtersFromApi(request.filters) });
}

// ---- The current state, and changing it -----------------------------------------------------

export let state = readUrl();
let onChange = () => {};

// What runs after every change of state: the page draws the view the state names.
export function whenStateChanges(run) {
  onChange = run;
}

// Runs `change` on a copy of the state, records it in the URL (as a new history entry unless
// `replace`) and redraws.
export function commit(change, { replace = false } = {}) {
  const next = { ...state, filters: { ...state.filters }, rows: [...state.rows] };
  change(next);
  state = next;
  const url = urlFor(state);
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  onChange();
}

// Shows the page at `url` (an address of this page), as a new history entry.
export function go(url) {
  history.pushState(null, "", url);
  state = readUrl();
  onChange();
}

// Follows the URL after the browser's back or forward button.
export function followUrl() {
  state = readUrl();
  onChange();
}
