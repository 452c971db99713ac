// The collocates view: the words found within a few words either side of the search box's word
// or phrase, with how often (before it, after it, everywhere), MI and log-likelihood; each word
// links to the concordance of the passages where both occur. The filters narrow the passages
// counted, as they narrow a search.

import { api } from "./api.js";
import { decimal, el, langOf, plural, showMessage, titledTable } from "./dom.js";
import { showUnknownValues, slug } from "./quotes.js";
import { apiFilters, commit, concordanceUrl } from "./state.js";

const spanInput = document.getElementById("collocates-span");

function collocatesBody(s) {
  return { q: s.q, filters: apiFilters(s.filters), window: s.span };
}

export const collocatesView = {
  title: "Collocates",
  parts: ["collocates", "span-control"],
  result: "collocates",
  sidebar: true,
  sorted: false,
  exports: ["csv", "md", "xlsx"],

  wire() {
    spanInput.addEventListener("change", () => {
      const span = Number(spanInput.value);
      if (!Number.isInteger(span) || span < 1 || span > 20) {
        spanInput.setCustomValidity("Give a whole number from 1 to 20");
        spanInput.reportValidity();
        return;
      }
      spanInput.setCustomValidity("");
      commit((n) => { n.span = span; });
    });
  },

  sync(s) {
    spanInput.value = String(s.span);
  },

  load(s, signal) {
    // Without a word there is nothing to find the neighbours of: the view asks for one instead.
    if (!s.q) return null;
    return api("/v1/collocates", { body: collocatesBody(s), signal });
  },

  render(s, answer) {
    const container = document.getElementById("collocates");
    if (!answer) {
      container.replaceChildren();
      showMessage([el("p", {}, "Type a word or a phrase in the search box: collocates are the words found near it, most telling first.")], false);
      return { status: [], announcement: "Collocates: type a word to find its neighbours", exportable: false };
    }
    const found = answer.all.collocates.length;
    if (answer.unknown_values) {
      container.replaceChildren();
      showUnknownValues(answer.unknown_values);
    } else if (found === 0) {
      container.replaceChildren();
      showMessage([el("p", {}, `No word occurs at least ${plural(answer.min_freq, "time", "times")} within ${plural(answer.window, "word", "words")} of “${s.q}”.`),
        el("p", { class: "hint" }, "Widen the window, take a filter away, or try another word.")], false);
    } else {
      container.replaceChildren(collocatesTable(s, answer));
    }
    const what = `${plural(found, "collocate", "collocates")} of “${s.q}”`;
    return {
      status: [el("strong", {}, what), ` within ${plural(answer.window, "word", "words")} · ${plural(answer.all.node_freq, "occurrence", "occurrences")} · ${decimal(answer.took_ms, 1)} ms`],
      announcement: what,
      exportable: found > 0,
    };
  },

  exportFile(s) {
    return {
      path: "/v1/collocates",
      body: collocatesBody(s),
      name: `verbatim-collocates-${slug(s.q)}`,
      what: `the collocates of “${s.q}”`,
    };
  },
};

// Every collocate with its raw counts and statistics, so anyone can recompute MI and G².
function collocatesTable(s, answer) {
  const { all } = answer;
  const number = (value, digits) => el("td", {}, digits === undefined ? value.toLocaleString("en") : decimal(value, digits));
  const heads = ["Word", "Together", "Before", "After", "Everywhere", "MI", "G²"];
  const rows = all.collocates.map((c) => el("tr", {},
    el("th", { scope: "row", lang: langOf(c.term) },
      el("a", { href: concordanceUrl(c.search), "data-internal": true }, c.term)),
    number(c.freq), number(c.left), number(c.right), number(c.corpus_freq),
    number(c.mi, 2), number(c.log_likelihood, 2)));
  const sizes = el("tr", {}, el("th", { scope: "row", colspan: "7" },
    `“${s.q}” occurs ${plural(all.node_freq, "time", "times")} in ${plural(all.words, "word", "words")}; MI = log2(together × words ÷ (occurrences × everywhere))`));
  return el("div", { class: "collocates-table" },
    titledTable(el("h3", { id: "collocates-title" }, `The words within ${plural(answer.window, "word", "words")} of “${s.q}”`),
      el("table", { class: "figures" },
        el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows), el("tfoot", {}, sizes))));
}
