// A quiet notice when the index behind the results on screen has changed: the server watches its
// corpus (GET /v1/index), and a file added, edited or removed there is indexed a moment later.
// The notice says what the last build took in ("3 files added, 1 refused"), lists refused files
// with why, and re-runs the view only when asked: results never change under the reader's eyes.

import { api } from "./api.js";
import { announce, el, plural } from "./dom.js";
import { offerUploads } from "./upload.js";

// How often the index is asked about, while the page is in view.
const POLL_MS = 4000;

const box = document.getElementById("index-notice");
let behindResults = null; // the generation the results on screen came from (null: not known yet)
let latest = null; // the last answer of GET /v1/index
let announced = null; // the generation the notice was last announced for

let show = null; // re-runs the view on screen
let polling = false;

// Offers each change of the index while the server watches its corpus; `rerun` re-runs the view.
export function watchIndex(rerun) {
  show = rerun;
}

// Called when the view has drawn fresh results: they come from the newest generation known.
// The first call starts the polling, once the API has answered (with the key, when it needs
// one), so a poll never races the key form.
export function resultsDrawn() {
  behindResults = latest ? latest.generation : null;
  box.hidden = true;
  box.replaceChildren();
  if (!polling && show) {
    polling = true;
    poll();
  }
}

async function poll() {
  if (document.visibilityState === "visible") {
    try {
      latest = await api("/v1/index");
    } catch {
      // The server is away: the next poll asks again.
    }
    if (latest) offerUploads(latest);
    if (latest && !latest.watching) return;
    if (latest && behindResults === null) behindResults = latest.generation;
    draw();
  }
  setTimeout(poll, POLL_MS);
}

function draw() {
  if (!latest || latest.generation === behindResults) return;
  const build = latest.watch && latest.watch.last_build;
  const summary = build ? changes(build) : "the index was rebuilt";
  const button = el("button", { type: "button", class: "link-button" }, "Show the new results");
  button.addEventListener("click", () => show());
  const children = [el("p", {}, `The corpus has changed since these results: ${summary}. `, button)];
  if (build && build.refused.length > 0) {
    children.push(el("details", {},
      el("summary", {}, plural(build.refused.length, "file was refused", "files were refused")),
      el("ul", {}, build.refused.map((r) => el("li", {}, el("code", {}, r.file), `: ${r.reason}`)))));
  }
  box.replaceChildren(...children);
  box.hidden = false;
  if (announced !== latest.generation) {
    announced = latest.generation;
    announce(`The corpus has changed: ${summary}.`);
  }
}

// "3 files added, 1 changed, 1 refused".
function changes(build) {
  const counts = [
    [build.added.length, "added"], [build.changed.length, "changed"],
    [build.removed.length, "removed"], [build.refused.length, "refused"],
  ].filter(([n]) => n > 0);
  const parts = counts.map(([n, what], i) =>
    `${i === 0 ? plural(n, "file", "files") : n.toLocaleString("en")} ${what}`);
  if (build.config_changed) parts.push("the participants sheet or groups updated");
  if (build.error) parts.push(`the last rebuild failed (${build.error})`);
  return parts.length ? parts.join(", ") : "the index was rebuilt";
}
