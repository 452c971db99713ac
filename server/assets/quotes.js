// The quotes view: a page of hits, each with who said it, the matched words marked, its
// citation, buttons to copy it or show the passages around it, and exports of every hit.

import { api } from "./api.js";
import { announce, el, plural, showMessage, whileBusy } from "./dom.js";
import { filtersText } from "./facets.js";
import { languageLabel, unknownValuesMessage } from "./labels.js";
import { documentTitles, roleGroupOf } from "./participants.js";
import { PAGE_SIZE, commit, emptyState, hasFilters, searchParams, urlFor } from "./state.js";

// The API's largest page: exports hold the first this many hits.
export const EXPORT_LIMIT = 1000;

export const quotesView = {
  title: "Quotes",
  parts: ["hits"],
  result: "hits",
  sidebar: true,
  sorted: true,
  exports: ["md", "csv", "xlsx", "docx"],

  load(s, signal) {
    return api("/v1/search", {
      params: searchParams(s, { limit: PAGE_SIZE, offset: (s.page - 1) * PAGE_SIZE }), signal,
    });
  },

  render(s, answer) {
    if (answer.hits.length === 0 && answer.total > 0 && s.page > 1) {
      // A bookmarked page past the end (the corpus shrank): show the first page instead.
      commit((n) => { n.page = 1; }, { replace: true });
      return null;
    }
    document.getElementById("hits").replaceChildren(...answer.hits.map(renderHit));
    if (answer.unknown_values) showUnknownValues(answer.unknown_values);
    else if (answer.total === 0) showNoResults(s);
    return {
      status: totalStatus(s, answer.total, answer.hits.length, answer.took_ms),
      announcement: resultsSummary(s, answer.total),
      total: answer.total,
    };
  },


  // Every hit (up to the API's largest page) in `format`, as the CLI writes it.
  exportFile(s, answer) {
    const count = Math.min(answer.total, EXPORT_LIMIT);
    const capped = answer.total > count ? ` (the first ${count} of ${answer.total})` : "";
    return {
      path: "/v1/search",
      params: searchParams(s, { limit: EXPORT_LIMIT, offset: 0, highlight: "false" }),
      name: `verbatim-${slug(s.q) || "passages"}`,
      what: `${plural(count, "passage", "passages")}${capped}`,
    };
  },
};

// A query as a file name's part: "primary care" -> "primary-care".
export function slug(text) {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 40);
}

// The status line of a page of passages: the total (which the tests read), the range shown and
// the time taken, when the answer says.
export function totalStatus(s, total, shown, tookMs) {
  const first = (s.page - 1) * PAGE_SIZE + 1;
  const last = first + shown - 1;
  const strong = el("strong", { id: "total", "data-total": String(total) }, plural(total, "passage", "passages"));
  const range = total > shown && shown > 0 ? `, showing ${first}–${last}` : "";
  const took = tookMs === undefined ? "" : ` · ${tookMs < 10 ? tookMs.toFixed(1) : Math.round(tookMs)} ms`;
  return [strong, `${range}${took}`];
}

// What a screen reader hears after each search: the count, the query, the filters and the page.
function resultsSummary(s, total) {
  const count = total === 0 ? "No passages" : plural(total, "passage", "passages");
  const what = s.q ? ` ${total === 1 ? "matches" : "match"} “${s.q}”` : "";
  const filters = filtersText(s);
  const filtered = filters ? `, filtered by ${filters}` : "";
  const page = s.page > 1 ? `, page ${s.page} of ${Math.ceil(total / PAGE_SIZE)}` : "";
  return `${count}${what}${filtered}${page}`;
}

// A filter value the corpus does not hold is why a search finds nothing: say so, with the
// values it does hold, rather than advise unticking filters.
export function showUnknownValues(unknown) {
  showMessage(unknownValuesMessage(unknown), false);
}

export function showNoResults(s) {
  const what = s.q ? `“${s.q}”` : "these filters";
  const children = [el("p", {}, `No passages match ${what}${s.q && hasFilters(s) ? " with these filters" : ""}.`)];
  const hint = hasFilters(s)
    ? "Untick some filters, use fewer words, or try a shorter prefix with *."
    : "Check the spelling, use fewer words, or try a shorter prefix with *.";
  children.push(el("p", { class: "hint" }, hint));
  showMessage(children, false);
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
  documentTitles.set(hit.doc_id, hit.title);
  const translated = el("div", { class: "translation", id: `${id}-translation`, hidden: true });
  if (hit.translation) {
    actions.append(translationButton(hit, translated, citation.id),
      el("a", { href: urlFor({ ...emptyState(), filters: { doc: [hit.translation] }, sort: "doc" }) },
        "The whole translation"));
  }
  return el("li", { class: "hit", "aria-labelledby": citation.id },
    el("article", {}, el("div", { class: "badges" }, hitBadges), before, quote, after, source, citation,
      translated, actions));
}

// Shows, under the hit, the passage that translates it: the translation's passage of the same
// number (a translation keeps its original's paragraphs, as front matter's `translation` says).
function translationButton(hit, translated, citationId) {
  const button = el("button", {
    type: "button", "aria-expanded": "false", "aria-controls": translated.id, "aria-describedby": citationId,
  }, "Read the translation");
  button.addEventListener("click", () => whileBusy(button, async () => {
    const open = button.getAttribute("aria-expanded") === "true";
    if (!open && translated.childElementCount === 0) {
      try {
        const { passage } = await api(
          `/v1/documents/${encodeURIComponent(hit.translation)}/passages/${hit.passage}`,
          { params: new URLSearchParams({ context: "0" }) });
        translated.replaceChildren(
          el("blockquote", { class: "quote", lang: passage.lang }, passage.text),
          el("p", { class: "citation" }, passage.citation));
      } catch (error) {
        translated.replaceChildren(el("p", { class: "context-passage" }, `The translation is unavailable: ${error.message}`));
      }
    }
    translated.hidden = open;
    button.setAttribute("aria-expanded", String(!open));
    button.textContent = open ? "Read the translation" : "Hide the translation";
    if (!open) {
      announce(`The translation shown: ${translated.querySelector(".citation")?.textContent ?? "unavailable"}`);
      button.scrollIntoView({ block: "nearest" });
    }
  }));
  return button;
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
      button.scrollIntoView({ block: "nearest" });
      return;
    }
    await whileBusy(button, async () => {
      loaded = await loadContext(hit, before, after);
      if (loaded) show(true);
    });
    // The turns inserted above push the button down: keep the control that has the focus in view.
    button.scrollIntoView({ block: "nearest" });
  });
  return button;
}

// Fills `before` and `after` with the passages around the hit; says whether it could.
async function loadContext(hit, before, after) {
  try {
    const context = hit.context || (await api(
      `/v1/documents/${encodeURIComponent(hit.doc_id)}/passages/${hit.passage}`,
      { params: new URLSearchParams({ context: "2" }) })).context;
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

// ---- Copy ---------------------------------------------------------------------------------

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

// One quote as the CLI's Markdown writes it: every line quoted, a blank line, the citation.
function markdownQuote(text, citation) {
  const lines = text.trim().split("\n").map((line) => line.replace(/\r$/, "").trimEnd());
  return `${lines.map((line) => (line ? `> ${line}` : ">")).join("\n")}\n\n${citation}\n`;
}
