// What the page learns from the participants sheet and the documents: each role's group (to
// list roles under their groups), the attribute columns (fields a cross-tab or keyness can group
// by) and each document's title (to name a document filter).

import { api } from "./api.js";

export const roleGroupOf = new Map(); // role -> role group, learnt from participants and hits
export const attributeNames = new Set(); // `attr.NAME` of every column of the sheet
export const documentTitles = new Map(); // document id -> title, learnt from hits and documents

export async function loadParticipants() {
  try {
    const [participants, documents] = await Promise.all([
      api("/v1/participants"), api("/v1/documents", { params: new URLSearchParams({ limit: "1000" }) })]);
    for (const d of documents.documents) documentTitles.set(d.id, d.title);
    for (const p of participants) {
      if (p.role && p.role_group) roleGroupOf.set(p.role, p.role_group);
      for (const name of Object.keys(p.attrs || {})) attributeNames.add(`attr.${name}`);
    }
  } catch (error) {
    // Without the lists, roles and titles learnt from hits still serve; the rest go by name.
    if (error.name !== "AbortError") console.warn("participants unavailable:", error.message);
  }
}
