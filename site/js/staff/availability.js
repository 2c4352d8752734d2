// The 86 panel: every item and option of the menu with a switch, searchable.
// A switch writes at once; the diner's next menu read, quote and order see it.

import { $, h, fill, announce } from "../dom.js";
import { request } from "../api.js";

let rows = [];

function matches(row, query) {
  return !query || row.text.includes(query);
}

function applyFilter() {
  const query = $("search-86").value.trim().toLowerCase();
  for (const row of rows) row.node.hidden = !matches(row, query);
}

function rowFor(session, restaurant, item, option) {
  const name = option ? `${item.name}: ${option.name}` : item.name;
  const available = option ? option.available : item.available;
  const li = h("li", { className: `row-86${option ? " option" : ""}${available ? "" : " off"}` });
  const stateText = h("span", { className: "state", textContent: available ? "Available" : "Sold out" });
  const button = h("button", {
    type: "button",
    className: "switch",
    textContent: available ? "On menu" : "86'd",
    attrs: { role: "switch", "aria-checked": String(available), "aria-label": `${name} available` },
  });
  button.addEventListener("click", async () => {
    const next = button.getAttribute("aria-checked") !== "true";
    button.disabled = true;
    try {
      await request(`/restaurants/${encodeURIComponent(restaurant)}/staff/availability`, {
        method: "POST",
        headers: { authorization: `Bearer ${session.token}` },
        body: { item_id: item.id, option_id: option?.id ?? null, available: next },
      });
      button.setAttribute("aria-checked", String(next));
      button.textContent = next ? "On menu" : "86'd";
      stateText.textContent = next ? "Available" : "Sold out";
      li.classList.toggle("off", !next);
      announce(`${name}: ${next ? "back on the menu" : "sold out"}`);
    } catch (error) {
      announce(`${name}: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  });
  fill(li, h("span", {}, h("span", { textContent: name }), " ", stateText), button);
  return { node: li, text: name.toLowerCase() };
}

export async function showAvailability(session, restaurant) {
  const { data } = await request(`/restaurants/${encodeURIComponent(restaurant)}/menu`);
  rows = [];
  for (const category of data.categories) {
    for (const item of category.items) {
      rows.push(rowFor(session, restaurant, item, null));
      for (const group of item.option_groups ?? []) {
        for (const option of group.options) rows.push(rowFor(session, restaurant, item, option));
      }
    }
  }
  fill($("list-86"), rows.map((r) => r.node));
  applyFilter();
}

export function wireSearch86() {
  $("search-86").addEventListener("input", applyFilter);
}
