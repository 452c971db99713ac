// Adding files to the corpus from the page, on a server started with --allow-uploads: pick them
// with the "Add files" button or drop them anywhere on the window. Each file shows its progress,
// then how the index took it in (indexed, or refused and why) once the watcher has built it.

import { apiKey } from "./api.js";
import { announce, el } from "./dom.js";

const panel = document.getElementById("uploads");
const picker = document.getElementById("upload-files");
const pick = document.getElementById("upload-pick");
const list = document.getElementById("upload-list");

// Files sent and not yet seen in a build: path -> their line in the list.
const waiting = new Map();

// Shows the upload controls when the index status says the server takes files, and follows
// each build for the files it waits for.
export function offerUploads(status) {
  if (!status.uploads) return;
  if (panel.hidden) wire();
  panel.hidden = false;
  const build = status.watch && status.watch.last_build;
  if (build) settle(build);
}

function wire() {
  pick.addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => {
    send([...picker.files]);
    picker.value = "";
  });
  window.addEventListener("dragover", (event) => {
    if (event.dataTransfer && [...event.dataTransfer.types].includes("Files")) event.preventDefault();
  });
  window.addEventListener("drop", (event) => {
    if (!event.dataTransfer || event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    send([...event.dataTransfer.files]);
  });
}

function send(files) {
  for (const file of files) upload(file);
}

// Sends one file with its progress shown; XMLHttpRequest, since fetch reports no upload progress.
function upload(file) {
  const bar = el("progress", { max: "100", value: "0", "aria-label": `Sending ${file.name}` });
  const state = el("span", { class: "upload-state" }, "sending");
  const line = el("li", {}, el("code", {}, file.name), " ", bar, " ", state);
  list.append(line);
  const form = new FormData();
  form.append("file", file, file.name);
  const request = new XMLHttpRequest();
  request.open("POST", `/v1/files?${new URLSearchParams({ folder: "documents" })}`);
  if (apiKey()) request.setRequestHeader("Authorization", `Bearer ${apiKey()}`);
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
  });
  request.addEventListener("load", () => {
    const answer = parse(request.responseText);
    if (request.status === 200 && answer && answer.files) {
      bar.value = 100;
      const path = answer.files[0].path;
      state.textContent = "sent; indexing";
      waiting.set(path, state);
    } else {
      const error = answer && answer.error;
      state.textContent = error ? `refused: ${error.message}. ${error.hint}` : `refused (${request.status})`;
      announce(`${file.name} was not added: ${state.textContent}`);
    }
  });
  request.addEventListener("error", () => {
    state.textContent = "not sent: the server could not be reached; try again";
  });
  request.send(form);
}

function parse(text) {
  try { return JSON.parse(text); } catch { return null; }
}

// Marks the files the last build took in or refused.
function settle(build) {
  const refused = new Map(build.refused.map((r) => [r.file, r]));
  for (const [path, state] of waiting) {
    if (refused.has(path)) {
      const problem = refused.get(path);
      state.textContent = `refused by the index: ${problem.reason}`;
    } else if (build.added.includes(path) || build.changed.includes(path)) {
      state.textContent = "indexed: searchable now";
    } else {
      continue;
    }
    waiting.delete(path);
    announce(`${path}: ${state.textContent}`);
  }
}
