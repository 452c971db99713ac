// Values and fields in words: languages by name, who said it ("2 of 3 participants"), and the
// fields a cross-tab or keyness can group by.

import { el, plural } from "./dom.js";
import { attributeNames } from "./participants.js";
import { GROUP_FIELDS, fieldLabel } from "./state.js";

// Languages by code: the English name, and the language's own name (marked with its `lang`, so
// a screen reader says it in that language).
const LANGUAGES = { en: { name: "English" }, zh: { name: "Chinese", own: "中文" } };

// A value of `field` as words (a language's name rather than its code).
export function valueText(field, value) {
  return field === "lang" ? (LANGUAGES[value] || { name: value }).name : value;
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
