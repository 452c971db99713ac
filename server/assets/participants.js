// What the page learns from the participants sheet: each role's group (to list roles under
// their groups) and the attribute columns (fields a cross-tab or keyness can group by).

import { api } from "./api.js";

export const roleGroupOf = new Map(); // role -> role group, learnt from participants and hits
export const attributeNames = new Set(); // `attr.NAME` of every column of the sheet

export async function loadParticipants() {
  try {
    const participants = await api("/v1/participants");
    for (const p of participants) {
      if (p.role && p.role_group) roleGroupOf.set(p.role, p.role_group);
      for (const name of Object.keys(p.attrs || {})) attributeNames.add(`attr.${name}`);
    }
  } catch (error) {
    // Without the list, roles learnt from hits still nest; the rest are listed on their own.
    if (error.name !== "AbortError") console.warn("participants unavailable:", error.message);
  }
}
