// Building the page's elements, numbers in words, the live region and the message box.
//
// Corpus text is only ever inserted as text nodes, never as HTML.

// Builds an element; strings become text nodes, so corpus text is never parsed as HTML.
export function el(tag, attrs, ...children) {
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

// "1 passage", "1,203 passages".
export function plural(n, one, many) {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

// A measure with `digits` decimals and thousands separators: 1,380.95.
export function decimal(value, digits = 2) {
  return value.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// A wide table under its title, in a region of its own that scrolls sideways, so the page
// around it does not (WCAG reflow); the region takes the keyboard focus, so it can be scrolled
// without a mouse. The title (a heading or a paragraph with an id) names both, and stays put
// while the table scrolls.
export function titledTable(title, table) {
  table.setAttribute("aria-labelledby", title.id);
  title.classList.add("table-title");
  return [title, el("div", { class: "table-scroll", role: "region", tabindex: "0", "aria-labelledby": title.id }, table)];
}

// A bar as long as `value` is against `largest`; `extra` classes style it (a series' pattern).
export function bar(value, largest, extra) {
  const fill = el("span");
  // Set through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
  fill.style.width = `${largest > 0 ? (100 * value) / largest : 0}%`;
  return el("span", { class: extra ? `bar ${extra}` : "bar", "aria-hidden": "true" }, fill);
}

// Chinese text among English: marked so that a screen reader reads it in Chinese.
export function langOf(text) {
  return /\p{Script=Han}/u.test(text) ? "zh" : null;
}

const announcer = document.getElementById("announcer");

// Says `text` in the live region, politely.
export function announce(text) {
  announcer.textContent = "";
  // A fresh node makes screen readers repeat an identical message.
  setTimeout(() => { announcer.textContent = text; }, 50);
}

const messageBox = document.getElementById("message");

// Shows a message above the results: a note, or an error when `isError`.
export function showMessage(children, isError) {
  messageBox.className = isError ? "message error" : "message";
  messageBox.replaceChildren(...children);
  messageBox.hidden = false;
}

export function hideMessage() {
  messageBox.hidden = true;
  messageBox.replaceChildren();
}

// Runs `work` with `button` marked busy, ignoring clicks meanwhile. The button is not disabled:
// that would take the keyboard focus away from it.
export async function whileBusy(button, work) {
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  try {
    await work();
  } finally {
    button.removeAttribute("aria-disabled");
  }
}
