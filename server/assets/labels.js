// Values and fields in words: languages by name, who said it ("2 of 3 participants"), and the
// fields a cross-tab or keyness can group by.

import { el, plural } from "./dom.js";
import { attributeNames, documentTitles } from "./participants.js";
import { GROUP_FIELDS, fieldLabel } from "./state.js";

// Languages by code: the English name, and the language's own name (marked with its `lang`, so
// a screen reader says it in that language).
const LANGUAGES = { en: { name: "English" }, zh: { name: "Chinese", own: "中文" } };

// A value of `field` as words: a language's name rather than its code, a document's title
// rather than its id.
export function valueText(field, value) {
  if (field === "lang") return (LANGUAGES[value] || { name: value }).name;
  if (field === "doc") return documentTitles.get(value) || value;
  return value;
}

// A value of `field` as the page shows it: a language with its own name beside it.
export function valueLabel(field, value) {
  return field === "lang" ? languageLabel(value) : value;
}

export function languageLabel(code) {
  const language = LANGUAGES[code];
  if (!language) return code;
  return language.own ? [language.name, " (", el("span", { lang: code }, language.own), ")"] : language.name;
}

// "2 of 3 participants": distinct speakers of the passages counted, out of those holding the
// value in the whole corpus; empty when the value has no speakers at all (prose).
export function participantsText(participants, of) {
  return of > 0 ? `${participants.toLocaleString("en")} of ${plural(of, "participant", "participants")}` : "";
}

// The fields a cross-tab or keyness can group by, as the options of `select`, `chosen` selected.
export function fillFieldOptions(select, chosen) {
  const fields = [...GROUP_FIELDS, ...attributeNames];
  if (!fields.includes(chosen)) fields.push(chosen);
  if (select.options.length !== fields.length) {
    select.replaceChildren(...fields.map((field) => el("option", { value: field }, fieldLabel(field))));
  }
  select.value = chosen;
}

// ---- What the page says about problems ------------------------------------------------------

// The API's own words for a problem, as the person at the page reads them: the search box is not
// `q`, a query's column is a character of what they typed, a filter goes by its name.
export function problemText(error) {
  const message = error.message || String(error);
  if (error.code === "invalid_query") {
    const at = /^query, column (\d+): (.*)$/s.exec(message);
    return {
      title: "This search cannot be read: ",
      message: at ? `${at[2]} (at character ${Number(at[1]).toLocaleString("en")})` : message,
    };
  }
  const field = /^([a-z_.]+): (.*)$/s.exec(message);
  if (error.code === "invalid_field_value" && field) {
    const [, name, reason] = field;
    if (name === "q") return { title: "", message: reason };
    const param = name.replace(/^filters\./, "");
    if (isFilterName(param)) return { title: "", message: `${fieldLabel(param)}: ${reason}` };
  }
  return { title: "", message };
}

function isFilterName(param) {
  return GROUP_FIELDS.includes(param) || param === "role_exact" || param.startsWith("attr.");
}

// The filter values an answer says the corpus does not hold, as a note: each value named with
// the values its filter does have, and what to do.
export function unknownValuesMessage(unknown) {
  const lines = unknown.map((u) => {
    const held = u.held.length > 0 ? ` It has: ${u.held.map((v) => valueText(u.filter, v)).join(", ")}.`
      : " No passage has any value of it.";
    return el("p", { class: "unknown-value" },
      `${fieldLabel(u.filter)} “${valueText(u.filter, u.value)}” is not in this corpus.${held}`);
  });
  lines.push(el("p", { class: "hint" }, "Check the spelling, or choose one of the values the corpus has."));
  return lines;
}
