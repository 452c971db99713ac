// The concordance view (keyword in context): every occurrence in a page of hits on its own line,
// the context before it right-aligned against the keyword, the context after it, the citation.

import { api } from "./api.js";
import { el, langOf, plural, showMessage, titledTable } from "./dom.js";
import { EXPORT_LIMIT, showNoResults, slug, totalStatus } from "./quotes.js";
import { PAGE_SIZE, commit, searchBody } from "./state.js";

const widthInput = document.getElementById("kwic-width");

// The API's request for the state's page of hits (or `page`), `s.width` columns either side.
function kwicBody(s, page) {
  return { search: searchBody(s, page), width: s.width };
}

export const kwicView = {
  title: "Concordance",
  parts: ["kwic", "width-control"],
  result: "kwic",
  sidebar: true,
  sorted: true,
  exports: ["txt", "csv", "xlsx"],

  wire() {
    widthInput.addEventListener("change", () => {
      const width = Number(widthInput.value);
      if (!Number.isInteger(width) || width < 1 || width > 200) {
        widthInput.setCustomValidity("Give a whole number from 1 to 200");
        widthInput.reportValidity();
        return;
      }
      widthInput.setCustomValidity("");
      commit((n) => { n.width = width; });
    });
  },

  sync(s) {
    widthInput.value = String(s.width);
  },

  load(s, signal) {
    // Without a query there is no keyword to line up: the view asks for one instead.
    if (!s.q) return null;
    return api("/v1/kwic", {
      body: kwicBody(s, { limit: PAGE_SIZE, offset: (s.page - 1) * PAGE_SIZE }), signal,
    });
  },

  render(s, answer) {
    const container = document.getElementById("kwic");
    if (!answer) {
      container.replaceChildren();
      showMessage([el("p", {}, "Type a word or a phrase in the search box: the concordance lines up each of its occurrences with the words around it.")], false);
      return { status: [], announcement: "Concordance: type a word to search for", exportable: false };
    }
    const shown = Math.max(0, Math.min(PAGE_SIZE, answer.total - (s.page - 1) * PAGE_SIZE));
    if (answer.total === 0) {
      container.replaceChildren();
      showNoResults(s);
    } else {
      container.replaceChildren(...linesTable(s, answer, shown));
      centreKeywords(container);
    }
    const occurrences = plural(answer.lines.length, "occurrence", "occurrences");
    const first = (s.page - 1) * PAGE_SIZE + 1;
    return {
      status: [...totalStatus(s, answer.total, shown), ` · ${occurrences}`],
      announcement: answer.total === 0
        ? "No passages match, so there is no concordance"
        : `${occurrences} in passages ${first} to ${first + shown - 1} of ${answer.total}${s.q ? ` matching “${s.q}”` : ""}`,
      total: answer.total,
    };
  },


  exportFile(s, answer) {
    const count = Math.min(answer.total, EXPORT_LIMIT);
    return {
      path: "/v1/kwic",
      body: kwicBody(s, { limit: EXPORT_LIMIT, offset: 0 }),
      name: `verbatim-concordance-${slug(s.q) || "passages"}`,
      what: `the occurrences in ${plural(count, "passage", "passages")}`,
    };
  },
};

function linesTable(s, answer, shown) {
  const first = (s.page - 1) * PAGE_SIZE + 1;
  const title = el("p", { id: "kwic-title" },
    `Each occurrence in passages ${first}–${first + shown - 1}, with up to ${s.width} characters either side`);
  const head = el("thead", {}, el("tr", {},
    el("th", { scope: "col", class: "left" }, "Before"),
    el("th", { scope: "col", class: "keyword" }, "Keyword"),
    el("th", { scope: "col" }, "After"),
    el("th", { scope: "col" }, "Citation")));
  const rows = answer.lines.map((line) => el("tr", {},
    el("td", { class: "left", lang: langOf(line.left) }, line.left),
    el("td", { class: "keyword", lang: langOf(line.keyword) }, el("mark", {}, line.keyword)),
    el("td", { class: "right", lang: langOf(line.right) }, line.right),
    el("td", { class: "cite" }, line.citation)));
  return titledTable(title, el("table", { class: "kwic" }, head, el("tbody", {}, rows)));
}

// On a screen too narrow for the contexts either side, scrolls the lines so the keywords are in
// the middle.
function centreKeywords(container) {
  const region = container.querySelector(".table-scroll");
  const keyword = container.querySelector("th.keyword");
  if (!region || !keyword) return;
  const after = keyword.nextElementSibling;
  if (after.offsetLeft + after.offsetWidth <= region.clientWidth) return;
  region.scrollLeft = keyword.offsetLeft + keyword.offsetWidth / 2 - region.clientWidth / 2;
}
