// TableTap diner page: order from a table's QR link (/t/<token>).
// No framework, no build step: it must load fast on restaurant Wi-Fi.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { api: "/api", restaurant: null, table: null, token: null, categories: [], cart: [], item: null, qty: 1, sending: false };

async function api(path, options = {}) {
  const response = await fetch(state.api + path, { ...options, headers: { accept: "application/json", ...(options.headers || {}) } });
  const body = await response.json().catch(() => ({ code: "bad_response", message: "The server sent an unreadable answer." }));
  if (!response.ok) throw Object.assign(new Error(body.message || "Request failed"), { code: body.code, status: response.status });
  return body;
}

function money(minor) {
  const r = state.restaurant;
  const digits = new Intl.NumberFormat(r.locale, { style: "currency", currency: r.currency }).resolvedOptions().maximumFractionDigits;
  return new Intl.NumberFormat(r.locale, { style: "currency", currency: r.currency }).format(minor / 10 ** digits);
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child != null) node.append(child);
  return node;
}

async function start() {
  try {
    const config = await fetch("/config.json").then((r) => (r.ok ? r.json() : {}));
    if (config.apiBaseUrl) state.api = config.apiBaseUrl.replace(/\/$/, "");
  } catch { /* keep the default */ }
  const match = location.pathname.match(/^\/t\/([A-Za-z0-9_-]+)/);
  if (!match) return showMessage("Scan the QR code on your table to see the menu and order.");
  state.token = match[1];
  try {
    const context = await api(`/tables/${state.token}`);
    state.restaurant = context.restaurant;
    state.table = context.table;
    $("restaurant-name").textContent = context.restaurant.name;
    $("table-label").textContent = context.table.label;
    document.title = `${context.restaurant.name} · ${context.table.label}`;
    const menu = await api(`/restaurants/${context.restaurant.id}/menu`);
    state.categories = menu.categories;
    renderMenu();
  } catch (error) {
    showMessage(error.message || "The menu could not be loaded. Check your connection and reload.");
  }
}

function showMessage(text) {
  $("status-line").textContent = text;
}

function renderMenu() {
  $("status-line").textContent = "";
  const nav = $("categories");
  const menu = $("menu");
  nav.replaceChildren();
  menu.replaceChildren();
  for (const category of state.categories) {
    nav.append(el("a", { href: `#c-${category.id}`, textContent: category.name }));
    menu.append(el("h2", { id: `c-${category.id}`, textContent: category.name }));
    for (const item of category.items) menu.append(itemButton(item));
  }
}

function itemButton(item) {
  const tags = item.dietary.map((t) => el("span", { className: "tag", textContent: t.replace("_", "-") }));
  const info = el("span", {},
    el("span", { className: "name", textContent: item.name }),
    item.description ? el("p", { className: "muted", textContent: item.description }) : null,
    item.allergens.length ? el("p", { className: "allergens", textContent: `Contains: ${item.allergens.join(", ")}` }) : null,
    tags.length ? el("span", {}, ...tags) : null,
    item.available ? null : el("p", { className: "soldout", textContent: "Sold out" }));
  const button = el("button", { type: "button", className: "item" }, info, el("span", { className: "price", textContent: money(item.price) }));
  if (!item.available) {
    button.setAttribute("aria-disabled", "true");
    button.setAttribute("aria-label", `${item.name}, sold out`);
  } else {
    button.addEventListener("click", () => openItem(item));
  }
  return button;
}

function openItem(item) {
  state.item = item;
  state.qty = 1;
  $("sheet-title").textContent = item.name;
  $("sheet-description").textContent = item.description || "";
  $("sheet-allergens").textContent = item.allergens.length ? `Contains: ${item.allergens.join(", ")}` : "";
  $("sheet-note").value = "";
  $("sheet-error").textContent = "";
  const groups = $("sheet-groups");
  groups.replaceChildren();
  for (const group of item.option_groups) {
    const single = group.min === 1 && group.max === 1;
    const hint = single ? "choose one" : group.min > 0 ? `choose ${group.min} to ${group.max}` : `up to ${group.max}`;
    const fieldset = el("fieldset", {}, el("legend", { textContent: `${group.name} (${hint})` }));
    group.options.forEach((option, index) => {
      const input = el("input", { type: single ? "radio" : "checkbox", name: group.id, value: option.id, disabled: !option.available, checked: single && index === 0 && option.available });
      input.addEventListener("change", updateSheet);
      const delta = option.price_delta ? ` +${money(option.price_delta)}` : "";
      fieldset.append(el("label", {}, el("span", {}, input, ` ${option.name}${option.available ? "" : " (sold out)"}`), el("span", { textContent: delta })));
    });
    groups.append(fieldset);
  }
  updateSheet();
  $("item-sheet").showModal();
}

function chosenOptions() {
  return [...$("sheet-groups").querySelectorAll("input:checked")].map((input) => input.value);
}

function updateSheet() {
  const item = state.item;
  const chosen = chosenOptions();
  let unit = item.price;
  for (const group of item.option_groups) for (const option of group.options) if (chosen.includes(option.id)) unit += option.price_delta;
  $("qty").textContent = String(state.qty);
  $("add-to-cart").textContent = `Add ${state.qty} · ${money(unit * state.qty)}`;
  state.unit = unit;
}

function addToCart(event) {
  event.preventDefault();
  const item = state.item;
  const chosen = chosenOptions();
  for (const group of item.option_groups) {
    const count = group.options.filter((o) => chosen.includes(o.id)).length;
    if (count < group.min || count > group.max) {
      $("sheet-error").textContent = count < group.min ? `Please choose ${group.name}.` : `Choose at most ${group.max} for ${group.name}.`;
      return;
    }
  }
  const names = item.option_groups.flatMap((g) => g.options.filter((o) => chosen.includes(o.id)).map((o) => o.name));
  state.cart.push({ item_id: item.id, name: item.name, quantity: state.qty, options: chosen, option_names: names, note: $("sheet-note").value.trim() || null, unit: state.unit });
  $("item-sheet").close();
  renderCartBar();
}

function renderCartBar() {
  const count = state.cart.reduce((n, line) => n + line.quantity, 0);
  $("cart-bar").hidden = count === 0;
  const estimate = state.cart.reduce((sum, line) => sum + line.unit * line.quantity, 0);
  $("open-cart").textContent = `View order · ${count} item${count === 1 ? "" : "s"} · ${money(estimate)}`;
}

function openCart() {
  const list = $("cart-lines");
  list.replaceChildren();
  state.cart.forEach((line, index) => {
    const remove = el("button", { type: "button", textContent: "Remove", ariaLabel: `Remove ${line.name}` });
    remove.addEventListener("click", () => { state.cart.splice(index, 1); renderCartBar(); state.cart.length ? openCart() : $("cart-sheet").close(); });
    const details = [line.option_names.join(", "), line.note].filter(Boolean).join(" · ");
    list.append(el("li", {}, el("span", {}, el("strong", { textContent: `${line.quantity}× ${line.name}` }), details ? el("p", { className: "muted", textContent: details }) : null), remove));
  });
  $("cart-error").textContent = "";
  if (!$("cart-sheet").open) $("cart-sheet").showModal();
}

async function sendOrder(event) {
  event.preventDefault();
  if (state.sending) return;
  state.sending = true;
  const button = $("send-order");
  button.disabled = true;
  button.textContent = "Sending…";
  // One key per checkout attempt: retries after a network error can never
  // create a second order.
  state.checkoutKey = state.checkoutKey || crypto.randomUUID();
  const body = JSON.stringify({ lines: state.cart.map(({ item_id, quantity, options, note }) => ({ item_id, quantity, options, note })), note: $("order-note").value.trim() || null });
  try {
    let order;
    for (let attempt = 0; ; attempt++) {
      try {
        order = await api(`/tables/${state.token}/orders`, { method: "POST", body, headers: { "content-type": "application/json", "idempotency-key": state.checkoutKey } });
        break;
      } catch (error) {
        if (error.status || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 600 * (attempt + 1)));
      }
    }
    $("cart-sheet").close();
    state.cart = [];
    state.checkoutKey = null;
    renderCartBar();
    showConfirmation(order);
  } catch (error) {
    $("cart-error").textContent = error.message || "The order could not be sent. Check your connection and try again.";
  } finally {
    state.sending = false;
    button.disabled = false;
    button.textContent = "Send to kitchen";
  }
}

const STEPS = [["ACCEPTED", "Received"], ["SENT", "Sent to the kitchen"], ["PRINTED", "Printed in the kitchen"], ["READY", "Ready"]];

function showConfirmation(order) {
  $("categories").replaceChildren();
  const steps = el("ol", { className: "steps", id: "steps" });
  $("menu").replaceChildren(el("section", { className: "confirm", ariaLive: "polite" },
    el("p", { className: "muted", textContent: "Your order number" }),
    el("p", { className: "number", id: "order-number", textContent: order.number }),
    el("p", { textContent: `Total ${money(order.totals.total)}` }),
    steps));
  const track = async () => {
    try {
      const current = await api(`/restaurants/${order.restaurant_id}/orders/${order.id}`, { headers: { "x-order-token": order.access_token } });
      renderSteps(current.status);
      if (!["READY", "COMPLETED", "CANCELLED"].includes(current.status)) setTimeout(track, 3000);
    } catch { setTimeout(track, 5000); }
  };
  renderSteps(order.status);
  setTimeout(track, 2000);
}

function renderSteps(status) {
  const reached = STEPS.findIndex(([s]) => s === status);
  $("steps").replaceChildren(...STEPS.map(([, label], index) => el("li", { className: index <= reached ? "done" : "", textContent: label })));
}

$("item-form").addEventListener("submit", (event) => { if (event.submitter?.value === "add") addToCart(event); });
$("cart-form").addEventListener("submit", (event) => { if (event.submitter?.value === "send") sendOrder(event); });
$("qty-minus").addEventListener("click", () => { state.qty = Math.max(1, state.qty - 1); updateSheet(); });
$("qty-plus").addEventListener("click", () => { state.qty = Math.min(99, state.qty + 1); updateSheet(); });
$("open-cart").addEventListener("click", openCart);
start();
