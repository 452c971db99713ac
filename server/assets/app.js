// Verbatim search page: talks to the /v1 API of the server that serves it, and nothing else.
//
// Five views of the corpus, each an address of its own (see state.js): the quotes matching a
// search, their concordance (keyword in context), the collocates of a word, a cross-tab of queries by a field, and the
// key terms of one group against another. This module draws the view the state names, with the
// filters beside it, and wires the controls every view shares.
//
// A view is an object: its `title`, the ids of the `parts` shown only with it and of its
// `result` (emptied on an error), whether it has the filters beside it (`sidebar`) and the
// order control (`sorted`), its export formats; `load(state, signal)` asks the API, `render(state,
// answer)` draws the answer and returns the status line, the announcement, the total to page
// through and whether there is anything to export; `exportFile(state, answer)` names the file
// the API writes; `wire()` and `sync(state)`, when present, set up and fill its controls.

import { announce, el, hideMessage, showMessage } from "./dom.js";
import { collocatesView } from "./collocates.js";
import { crosstabView } from "./crosstab.js";
import { showExports } from "./exports.js";
import { clearFacets, foldPanels, loadFacets, redrawFacets, renderFacets, toggleCountsTables } from "./facets.js";
import { keynessView } from "./keyness.js";
import { kwicView } from "./kwic.js";
import { fillFieldOptions, problemText } from "./labels.js";
import { loadParticipants } from "./participants.js";
import { resultsDrawn, watchIndex } from "./notice.js";
import { quotesView } from "./quotes.js";
import { PAGE_SIZE, commit, followUrl, go, state, urlFor, whenStateChanges } from "./state.js";
import { verifyView } from "./verify.js";

const VIEWS = {
  search: quotesView, kwic: kwicView, collocates: collocatesView, crosstab: crosstabView, keyness: keynessView,
  verify: verifyView,
};
// The views that show the search box's query; from the others, a search shows its quotes.
const SEARCHING_VIEWS = new Set(["search", "kwic", "collocates"]);

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("search-form"), searchOff: $("search-off"), syntaxHint: $("syntax-hint"), q: $("q"), sort: $("sort"), sortControl: $("sort-control"), layout: $("layout"),
  filters: $("filters"), status: $("status"), results: $("results"), title: $("results-title"),
  clearFilters: $("clear-filters"), countsTable: $("counts-table"),
  pager: $("pager"), prev: $("prev-page"), next: $("next-page"), pageInfo: $("page-info"),
  viewLinks: [...document.querySelectorAll("a[data-view]")],
  fieldSelects: [$("crosstab-by"), $("keyness-by")],
};

// How long typing must pause before the search runs (set in index.html, where tests read it too).
const TYPING_DELAY_MS = Number(ui.q.dataset.typingDelayMs);

let controller = null;
let typingTimer = 0;
let composing = false;

// Draws the view the state names: its answer, the filters' counts beside it (when it has
// filters), the status line, pages and exports; and says what changed in the live region.
async function run() {
  if (controller) controller.abort();
  const mine = new AbortController();
  controller = mine;
  const s = state;
  const view = VIEWS[s.view];
  syncControls(s, view);
  document.body.classList.add("busy");
  try {
    const [answer, facets] = await Promise.all([
      view.load(s, mine.signal),
      view.sidebar ? loadFacets(s, mine.signal) : null,
    ]);
    if (mine !== controller) return;
    hideMessage();
    const shown = view.render(s, answer);
    if (!shown) return;
    // After the answer, which names the documents its hits come from.
    if (facets) renderFacets(s, facets);
    ui.status.replaceChildren(...shown.status);
    renderPager(s, shown.total);
    showExports(view, answer, shown.exportable ?? shown.total > 0);
    announce(shown.announcement);
    resultsDrawn();
  } catch (error) {
    if (error.name === "AbortError" || mine !== controller) return;
    renderProblem(view, error);
  } finally {
    if (mine === controller) document.body.classList.remove("busy");
  }
}

function syncControls(s, view) {
  if (ui.q.value.trim() !== s.q) ui.q.value = s.q;
  ui.sort.value = s.sort;
  for (const v of Object.values(VIEWS)) {
    for (const part of v.parts) $(part).hidden = v !== view;
  }
  showSearchBox(s, view);
  ui.filters.hidden = !view.sidebar;
  ui.layout.classList.toggle("without-filters", !view.sidebar);
  ui.sortControl.hidden = !view.sorted;
  ui.title.textContent = view.title;
  for (const link of ui.viewLinks) {
    link.href = viewUrl(s, link.dataset.view);
    if (link.dataset.view === s.view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (view.sync) view.sync(s);
  // What the view is about: the query, the cross-tab's rows or the keyness target.
  const subject = SEARCHING_VIEWS.has(s.view) ? s.q : s.view === "keyness" ? s.target : s.rows.join(", ");
  document.title = s.view === "search"
    ? (s.q ? `${s.q} · Verbatim` : "Verbatim search")
    : `${view.title}${subject ? `: ${subject}` : ""} · Verbatim`;
}

// The search box, or on a view that ignores its query a note saying so; the query stays in the
// address, so going back to Quotes finds it in the box.
function showSearchBox(s, view) {
  const ignored = Boolean(view.ignoresQuery);
  ui.form.hidden = ignored;
  ui.syntaxHint.hidden = ignored;
  ui.searchOff.hidden = !ignored;
  if (!ignored) return;
  const query = s.q ? `; your search “${s.q}” still applies on Quotes` : "; a search applies on Quotes";
  ui.searchOff.textContent = `${view.title} compares whole groups, so the search box is put away here${query}.`;
}

// The address of view `name` from here: the same query and filters (a cross-tab starts with the
// query as its first row), the same page between quotes and their concordance.
function viewUrl(s, name) {
  const next = { ...s, view: name };
  if (!(SEARCHING_VIEWS.has(s.view) && SEARCHING_VIEWS.has(name))) next.page = 1;
  if (name === "crosstab" && next.rows.length === 0 && s.q) next.rows = [s.q];
  return urlFor(next);
}

function renderPager(s, total) {
  const pages = total === undefined ? 0 : Math.ceil(total / PAGE_SIZE);
  ui.pager.hidden = pages <= 1;
  ui.prev.disabled = s.page <= 1;
  ui.next.disabled = s.page >= pages;
  ui.pageInfo.textContent = `Page ${s.page} of ${pages}`;
}

// An answer the API refused, in the user's words; nothing of the last answer stays on screen,
// the filters' counts included (they would count a search that did not run).
function renderProblem(view, error) {
  const { title, message } = problemText(error);
  const children = [el("p", {}, el("strong", {}, title), message)];
  if (error.hint) children.push(el("p", { class: "hint" }, error.hint));
  showMessage(children, true);
  announce(`${title}${message}${error.hint ? `. ${error.hint}` : ""}`);
  ui.status.replaceChildren("No results: the search could not run");
  $(view.result).replaceChildren();
  if (view.sidebar) clearFacets(state);
  ui.pager.hidden = true;
  showExports(view, null, false);
}

// ---- Events -------------------------------------------------------------------------------

// Typing searches where the view shows the search box's query (quotes, concordance); on the
// cross-tab view it waits for Enter, which shows the query's quotes (keyness puts the box away).
function typingPaused() {
  if (SEARCHING_VIEWS.has(state.view)) searchTyped({ replace: true });
}

function searchTyped({ replace }) {
  clearTimeout(typingTimer);
  const q = ui.q.value.trim();
  const view = SEARCHING_VIEWS.has(state.view) ? state.view : "search";
  if (q === state.q && view === state.view) {
    // Enter on an unchanged query searches again (e.g. after the server came back).
    if (!replace) run();
    return;
  }
  commit((n) => { n.q = q; n.page = 1; n.view = view; }, { replace: replace && view === state.view });
}

function wireSearchBox() {
  // An input method composes a word in steps (pinyin -> 初级); search only once it is committed.
  ui.q.addEventListener("compositionstart", () => { composing = true; clearTimeout(typingTimer); });
  ui.q.addEventListener("compositionend", () => {
    composing = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(typingPaused, TYPING_DELAY_MS);
  });
  ui.q.addEventListener("input", (event) => {
    if (composing || event.isComposing) return;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(typingPaused, TYPING_DELAY_MS);
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
}

// Links to another view or to a cell's or a term's quotes change the view in place, as a new
// history entry; a link to quotes hands the keyboard to the results. Clicks with a modifier
// (a new tab or window) are the browser's.
function followLink(event) {
  const link = event.target.closest("a[data-view], a[data-internal]");
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  // The view on screen is already drawn: another history entry would only repeat it.
  if (link.href === location.href) return;
  go(link.getAttribute("href"));
  if (link.dataset.view === undefined) {
    ui.results.focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }
}

function turnPage(step) {
  commit((n) => { n.page = Math.max(1, n.page + step); });
  ui.results.focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
}

function wireEvents() {
  wireSearchBox();
  ui.sort.addEventListener("change", () => commit((n) => { n.sort = ui.sort.value; n.page = 1; }));
  ui.clearFilters.addEventListener("click", () => {
    commit((n) => { n.filters = {}; n.page = 1; });
    // The button hides itself: hand the keyboard to the search box rather than lose it.
    ui.q.focus();
  });
  ui.countsTable.addEventListener("click", () => announce(toggleCountsTables()));
  ui.prev.addEventListener("click", () => turnPage(-1));
  ui.next.addEventListener("click", () => turnPage(1));
  document.addEventListener("click", followLink);
  window.addEventListener("popstate", followUrl);
  for (const view of Object.values(VIEWS)) if (view.wire) view.wire();
}

function start() {
  // On a phone the panels start folded, so the results are one short scroll away.
  if (window.matchMedia("(max-width: 760px)").matches) foldPanels();
  wireEvents();
  whenStateChanges(run);
  // The first call may ask for the key; participants are loaded after it, with the key in hand:
  // their roles nest under role groups, their attributes become fields to group by.
  run().then(loadParticipants).then(() => {
    redrawFacets();
    for (const select of ui.fieldSelects) if (select.value) fillFieldOptions(select, select.value);
  });
  // A change to the corpus is offered, never applied under the reader's eyes.
  watchIndex(() => {
    run();
    ui.results.focus({ preventScroll: true });
  });
}

start();
