// The /v1 API of the server that serves the page, and nothing else: JSON answers, files in the
// formats the server writes (exports), and the API key.
//
// The key, when the server has one, lives in sessionStorage and travels in the Authorization
// header only, never in a URL.

import { el } from "./dom.js";

const KEY_STORAGE = "verbatim.apiKey";

// An error answer of the API (or none at all), with the API's code, message and hint.
class ApiProblem extends Error {
  constructor(code, message, hint) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}

let pendingKey = null; // the key form's answer, while it is shown
let memoryKey = storedKey(); // the API key in use ("" for none)

function storedKey() {
  try { return sessionStorage.getItem(KEY_STORAGE) || ""; } catch { return ""; }
}

function storeKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
  } catch { /* storage disabled: the key lasts until the page is left */ }
  memoryKey = key;
}

const $ = (id) => document.getElementById(id);
const keyUi = {
  panel: $("key-panel"), form: $("key-form"), input: $("api-key"), error: $("key-error"),
  layout: $("layout"), skipLink: $("skip-link"), q: $("q"),
};

function askForKey(error) {
  if (!pendingKey) {
    storeKey("");
    pendingKey = new Promise((resolve) => {
      keyUi.error.textContent = error;
      keyUi.panel.hidden = false;
      keyUi.layout.hidden = keyUi.skipLink.hidden = true;
      keyUi.input.value = "";
      keyUi.input.focus();
      keyUi.form.onsubmit = (event) => {
        event.preventDefault();
        const key = keyUi.input.value.trim();
        if (!key) return;
        storeKey(key);
        keyUi.panel.hidden = true;
        keyUi.layout.hidden = keyUi.skipLink.hidden = false;
        keyUi.input.value = "";
        pendingKey = null;
        resolve();
        keyUi.q.focus();
      };
    });
  }
  return pendingKey;
}

// Calls an API path: GET with `params` (URLSearchParams), or POST with the JSON `body` (or a Blob). Resolves
// to the successful response; on 401 asks for the key (once, shared by concurrent calls) and
// tries again; otherwise throws an ApiProblem with the API's own words.
async function request(path, { params, body, signal } = {}) {
  const query = params ? params.toString() : "";
  const url = query ? `${path}?${query}` : path;
  for (;;) {
    // Errors come as JSON even when a file is asked for with `format`.
    const headers = { Accept: "application/json" };
    // A file (a Word draft) goes as it is, with its own type; anything else as JSON.
    const raw = body instanceof Blob;
    if (body !== undefined) headers["Content-Type"] = raw ? body.type : "application/json";
    const sentWith = memoryKey;
    if (sentWith) headers.Authorization = `Bearer ${sentWith}`;
    let response;
    try {
      response = await fetch(url, {
        method: body === undefined ? "GET" : "POST",
        headers,
        body: body === undefined || raw ? body : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiProblem("unreachable", "The server could not be reached.",
        "Check that the Verbatim server is running and your network is up, then press Enter to retry.");
    }
    if (response.ok) return response;
    const problem = await problemIn(response);
    if (response.status !== 401) throw problem;
    // A key given while this request was on its way is tried, not asked for again.
    if (memoryKey && memoryKey !== sentWith) continue;
    await askForKey(memoryKey ? "That key was not accepted. Check it and try again." : "");
  }
}

async function problemIn(response) {
  const body = await response.json().catch(() => null);
  return body && body.error
    ? new ApiProblem(body.error.code, body.error.message, body.error.hint)
    : new ApiProblem("unexpected", `The server answered ${response.status} without an explanation.`,
      "Try again; if it persists, the server's log says more.");
}

// The API key in use ("" for none), for requests `request` cannot make (uploads with progress).
export function apiKey() {
  return memoryKey;
}

// An API answer as JSON (see `request` for the options).
export async function api(path, options) {
  const response = await request(path, options);
  const answer = await response.json().catch(() => null);
  if (answer === null) {
    throw new ApiProblem("unexpected", "The server's answer could not be read.",
      "Try again; if it persists, the server's log says more.");
  }
  return answer;
}

// Asks the API for its answer as a file in `format` (the server writes every format) and saves
// it as `name` in the browser's downloads.
export async function downloadFile(path, format, name, { params, body } = {}) {
  const withFormat = new URLSearchParams(params);
  withFormat.set("format", format);
  const response = await request(path, { params: withFormat, body });
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
