// The menu: categories, search, item cards and the item sheet (options,
// quantity, note, live price).

import { $, h, fill, announce, openSheet } from "./dom.js";
import { ctx, contentLang } from "./context.js";
import { allergenText, dietaryName, plural } from "./format.js";
import { cart } from "./cart.js";

let observer = null;

/** Draws every category and item; call again after the menu changed. */
export function renderMenu() {
  const nav = $("categories");
  const menu = $("menu");
  nav.replaceChildren();
  menu.replaceChildren();
  ctx.categories.forEach((category, index) => {
    if (!category.items.length) return;
    nav.append(h("a", { href: `#c-${category.id}`, textContent: category.name, lang: contentLang(), dataset: { category: category.id } }));
    menu.append(h("section", { className: "category", id: `c-${category.id}`, attrs: { "aria-labelledby": `h-${category.id}` }, dataset: { category: category.id } },
      h("h2", { id: `h-${category.id}`, textContent: category.name, lang: contentLang() }),
      h("ul", { className: "items" }, category.items.map((item) => itemCard(item, index)))));
  });
  watchCategories();
  applySearch();
}

/** A photo, or a quiet monogram tile when the menu has none (no external requests). */
function thumb(item, hueIndex, className) {
  if (item.image_url) {
    return h("div", { className }, h("img", { src: item.image_url, alt: "", loading: "lazy", decoding: "async", width: 96, height: 96 }));
  }
  const tile = h("div", { className: `${className} placeholder hue-${hueIndex % 5}`, attrs: { "aria-hidden": "true" } },
    h("span", { textContent: initials(item.name) }));
  return tile;
}

function initials(name) {
  const words = name.replace(/[^\p{L}\p{N}\s]/gu, "").split(/\s+/).filter(Boolean);
  return (words[0]?.[0] ?? "·").toUpperCase() + (words[1]?.[0] ?? "").toLowerCase();
}

function tagList(item) {
  if (!item.dietary.length) return null;
  return h("ul", { className: "tags", attrs: { "aria-label": "Dietary" } },
    item.dietary.map((tag) => h("li", { className: `tag tag-${tag}`, textContent: dietaryName(tag) })));
}

function itemCard(item, hueIndex) {
  const soldOut = !item.available;
  const id = `i-${item.id}`;
  const open = h("button", {
    type: "button",
    className: "item-open",
    textContent: item.name,
    lang: contentLang(),
    attrs: { "aria-describedby": `${id}-price ${id}-state`, "aria-disabled": soldOut ? "true" : null, "aria-haspopup": soldOut ? null : "dialog" },
    on: { click: () => { if (!soldOut) openItem(item); } },
  });
  return h("li", { className: `item${soldOut ? " sold-out" : ""}`, id, dataset: { item: item.id, search: searchText(item) } },
    h("div", { className: "item-text" },
      h("h3", { className: "item-name" }, open),
      item.description ? h("p", { className: "item-desc", textContent: item.description, lang: contentLang() }) : null,
      h("p", { className: "item-meta" },
        h("span", { className: "price", id: `${id}-price`, textContent: optionsFrom(item) + ctx.money(item.price) }),
        h("span", { id: `${id}-state`, className: soldOut ? "sold-out-label" : "visually-hidden", textContent: soldOut ? "Sold out" : item.option_groups.length ? "Choose options" : "" })),
      tagList(item),
      item.allergens.length ? h("p", { className: "allergens", textContent: `Allergens: ${allergenText(item.allergens)}` }) : null),
    thumb(item, hueIndex, "thumb"));
}

/** "from 9,50 €" when options can raise the price. */
const optionsFrom = (item) => item.option_groups.some((g) => g.options.some((o) => o.price_delta > 0)) ? "from " : "";

function searchText(item) {
  return fold([item.name, item.description, ...item.dietary.map(dietaryName)].join(" "));
}

/** Lower case without accents, so "tiramisu" finds "Tiramisù". */
const fold = (text) => text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();

export function applySearch() {
  const query = fold($("search").value.trim());
  let shown = 0;
  for (const section of document.querySelectorAll("#menu .category")) {
    let inSection = 0;
    for (const card of section.querySelectorAll(".item")) {
      const match = !query || card.dataset.search.includes(query);
      card.hidden = !match;
      if (match) inSection++;
    }
    section.hidden = inSection === 0;
    shown += inSection;
  }
  for (const chip of document.querySelectorAll("#categories a")) {
    chip.hidden = $(`c-${chip.dataset.category}`)?.hidden ?? false;
  }
  const empty = $("no-results");
  empty.hidden = shown > 0;
  empty.textContent = shown ? "" : `Nothing on the menu matches “${$("search").value.trim()}”. Try another word.`;
  return shown;
}

let searchTimer;
export function wireSearch() {
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    const shown = applySearch();
    searchTimer = setTimeout(() => announce($("search").value.trim() ? `${plural(shown, "dish", "dishes")} found` : "Showing the whole menu"), 600);
  });
  $("categories").addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link) return;
    event.preventDefault();
    const target = $(link.getAttribute("href").slice(1));
    target?.scrollIntoView({ behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
    target?.querySelector("h2")?.setAttribute("tabindex", "-1");
    target?.querySelector("h2")?.focus({ preventScroll: true });
    markCategory(link.dataset.category);
  });
}

/** Highlights the category being read in the sticky bar. */
function watchCategories() {
  observer?.disconnect();
  if (!("IntersectionObserver" in window)) return;
  observer = new IntersectionObserver((entries) => {
    const visible = entries.filter((e) => e.isIntersecting).sort((a, b) => a.boundingClientRect.top - b.boundingClientRect.top)[0];
    if (visible) markCategory(visible.target.dataset.category);
  }, { rootMargin: "-120px 0px -60% 0px" });
  document.querySelectorAll("#menu .category").forEach((section) => observer.observe(section));
}

function markCategory(id) {
  for (const chip of document.querySelectorAll("#categories a")) {
    const current = chip.dataset.category === id;
    if (current) {
      chip.setAttribute("aria-current", "true");
      // Only the bar scrolls sideways; scrollIntoView would also move the page.
      const nav = chip.parentElement;
      nav.scrollTo({ left: chip.offsetLeft - nav.offsetLeft - (nav.clientWidth - chip.offsetWidth) / 2 });
    } else chip.removeAttribute("aria-current");
  }
}

// ---- The item sheet ----------------------------------------------------

const sheet = { item: null, quantity: 1, opener: null };

/** Single choice (radio) only for "exactly one"; everything else is checkboxes. */
const isSingle = (group) => group.min === 1 && group.max === 1;

function groupHint(group) {
  if (isSingle(group)) return "Required · choose 1";
  if (group.min > 0) return group.min === group.max ? `Required · choose ${group.min}` : `Required · choose ${group.min} to ${group.max}`;
  return group.max === 1 ? "Optional" : `Optional · up to ${group.max}`;
}

export function openItem(item) {
  sheet.item = item;
  sheet.quantity = 1;
  sheet.opener = document.activeElement;
  const form = $("item-form");
  const lang = contentLang();
  fill(form,
    item.image_url ? h("div", { className: "sheet-photo" }, h("img", { src: item.image_url, alt: "" })) : null,
    h("div", { className: "sheet-head" },
      h("h2", { id: "sheet-title", textContent: item.name, lang }),
      h("button", { type: "button", className: "icon close", value: "close", attrs: { "aria-label": "Close" }, textContent: "×", on: { click: closeItem } })),
    h("div", { className: "sheet-body" },
      item.description ? h("p", { className: "item-desc", textContent: item.description, lang }) : null,
      h("p", { className: "price big", textContent: ctx.money(item.price) }),
      tagList(item),
      item.allergens.length ? h("p", { className: "allergens", textContent: `Allergens: ${allergenText(item.allergens)}` }) : null,
      item.option_groups.map((group) => optionGroup(group)),
      h("label", { className: "field", htmlFor: "sheet-note" }, "Note for the kitchen ", h("span", { className: "optional", textContent: "(optional)" })),
      h("textarea", { id: "sheet-note", className: "input", maxLength: 200, rows: 2, placeholder: "e.g. no onions, well done", autocomplete: "off" }),
      h("p", { id: "sheet-error", className: "error", attrs: { role: "alert" } })),
    h("div", { className: "sheet-foot" },
      h("div", { className: "stepper", attrs: { role: "group", "aria-label": "Quantity" } },
        h("button", { type: "button", className: "icon", id: "qty-minus", textContent: "−", attrs: { "aria-label": "One less" }, on: { click: () => changeQuantity(-1) } }),
        h("output", { id: "qty", textContent: "1", attrs: { "aria-live": "polite", "aria-label": "Quantity" } }),
        h("button", { type: "button", className: "icon", id: "qty-plus", textContent: "+", attrs: { "aria-label": "One more" }, on: { click: () => changeQuantity(1) } })),
      h("button", { type: "submit", className: "primary grow", id: "add-to-cart", value: "add" })));
  form.onsubmit = (event) => { event.preventDefault(); addToCart(); };
  form.onchange = updateSheet;
  updateSheet();
  const dialog = $("item-sheet");
  openSheet(dialog);
  dialog.addEventListener("close", () => sheet.opener?.focus?.(), { once: true });
  // The heading first, so a screen reader starts with the dish's name.
  const title = $("sheet-title");
  title.tabIndex = -1;
  title.focus();
}

function optionGroup(group) {
  const single = isSingle(group);
  const firstAvailable = group.options.find((o) => o.available);
  const hintId = `hint-${group.id}`;
  return h("fieldset", { className: "group", dataset: { group: group.id }, attrs: { "aria-describedby": hintId } },
    h("legend", {}, h("span", { textContent: group.name, lang: contentLang() }), " ", h("span", { className: "hint", id: hintId, textContent: groupHint(group) })),
    group.options.map((option) => {
      const input = h("input", {
        type: single ? "radio" : "checkbox",
        name: `g-${group.id}`,
        value: option.id,
        disabled: !option.available,
        // A required single choice starts on the first available option:
        // one tap fewer for most diners, and the price shown is a real one.
        checked: single && option === firstAvailable,
        dataset: { delta: option.price_delta, soldOut: option.available ? "" : "1" },
      });
      const delta = option.price_delta ? `${option.price_delta > 0 ? "+" : "−"}${ctx.money(Math.abs(option.price_delta))}` : "";
      return h("label", { className: `choice${option.available ? "" : " unavailable"}` },
        input,
        h("span", { className: "choice-name" }, h("span", { textContent: option.name, lang: contentLang() }), option.available ? null : h("span", { className: "sold-out-label", textContent: " · sold out" })),
        h("span", { className: "choice-price", textContent: delta }));
    }),
    group.max > 1 || (!single && group.max === 1) ? h("p", { className: "limit", id: `limit-${group.id}`, attrs: { "aria-live": "polite" } }) : null);
}

function chosen() {
  return [...$("item-form").querySelectorAll(".group input:checked")];
}

/** Keeps checkboxes within the group's maximum and the price current. */
function updateSheet() {
  const item = sheet.item;
  for (const group of item.option_groups) {
    if (isSingle(group)) continue;
    const fieldset = $("item-form").querySelector(`fieldset[data-group="${CSS.escape(group.id)}"]`);
    const boxes = [...fieldset.querySelectorAll("input")];
    const count = boxes.filter((b) => b.checked).length;
    const full = count >= group.max;
    for (const box of boxes) box.disabled = box.dataset.soldOut === "1" || (full && !box.checked);
    const limit = fieldset.querySelector(".limit");
    if (limit) limit.textContent = full && group.max > 1 ? `That's the maximum of ${group.max}. Untick one to choose another.` : "";
  }
  const unit = item.price + chosen().reduce((sum, input) => sum + Number(input.dataset.delta), 0);
  $("qty").textContent = String(sheet.quantity);
  $("qty-minus").disabled = sheet.quantity <= 1;
  $("qty-plus").disabled = sheet.quantity >= 99;
  $("add-to-cart").textContent = `Add · ${ctx.money(unit * sheet.quantity)}`;
  sheet.unit = unit;
}

function changeQuantity(step) {
  sheet.quantity = Math.min(99, Math.max(1, sheet.quantity + step));
  updateSheet();
}

function addToCart() {
  const item = sheet.item;
  const picked = chosen().map((input) => input.value);
  for (const group of item.option_groups) {
    const count = group.options.filter((o) => picked.includes(o.id)).length;
    if (count < group.min) {
      $("sheet-error").textContent = group.min === 1 ? `Please choose ${group.name}.` : `Please choose at least ${group.min} for ${group.name}.`;
      $("item-form").querySelector(`fieldset[data-group="${CSS.escape(group.id)}"] input:not(:disabled)`)?.focus();
      return;
    }
  }
  const optionNames = item.option_groups.flatMap((g) => g.options.filter((o) => picked.includes(o.id)).map((o) => o.name));
  cart.add({
    item_id: item.id,
    name: item.name,
    quantity: sheet.quantity,
    options: picked,
    option_names: optionNames,
    note: $("sheet-note").value.trim() || null,
    unit: sheet.unit,
  });
  const added = `${sheet.quantity} × ${item.name} added to your order.`;
  closeItem();
  announce(added);
}

function closeItem() {
  $("item-sheet").close();
}

/** After the server said an item is sold out: show it as such right away. */
export function markSoldOut(itemId) {
  const item = ctx.itemsById.get(itemId);
  if (!item || !item.available) return;
  item.available = false;
  renderMenu();
}
