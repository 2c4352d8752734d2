// TableTap diner site. Routes: /t/<table-token> (dine-in) and
// /takeout[/<restaurant-id>] (takeout and pay). Plain modules, no build step:
// it has to feel instant on a phone on restaurant Wi-Fi.

import { $, h, fill, showView } from "./dom.js";
import { ctx, setMenu, contentLang } from "./context.js";
import { api, setApiBase } from "./api.js";
import { renderMenu, wireSearch } from "./menu.js";
import { cart, openCart } from "./cart.js";
import { findOrder, orderIdInUrl, savedOrders, showOrder, stopPolling } from "./order.js";

async function loadConfig() {
  try {
    // Same request as the <link rel=preload> in index.html, so it is reused.
    const response = await fetch("/config.json", { credentials: "same-origin" });
    if (response.ok) ctx.config = await response.json();
  } catch { /* defaults: the API on this origin */ }
  setApiBase(ctx.config.apiBaseUrl || "/api");
}

/** A page that says what happened and what to do next. */
function showMessage(title, text, { action } = {}) {
  $("view-message").replaceChildren(h("div", { className: "message" },
    h("h2", { id: "message-title", tabIndex: -1, textContent: title }),
    ...[].concat(text).map((t) => h("p", { textContent: t })),
    action ?? null));
  showView("view-message");
  $("cart-bar").hidden = true;
  if (!ctx.restaurant) {
    $("restaurant-name").textContent = "TableTap";
    $("place-label").textContent = "QR ordering";
  }
}

/** The table link is unknown or was replaced: tell the diner how to get going again. */
export function showTableProblem(error) {
  stopPolling();
  const revoked = error.code === "table_revoked";
  document.title = revoked ? "This QR code was replaced · TableTap" : "Table link not valid · TableTap";
  showMessage(revoked ? "This QR code has been replaced" : "This table link does not work", [
    error.message,
    "Scan the QR code on your table again with your phone's camera. If it still does not work, a member of staff can take your order.",
  ]);
}

function showLoadProblem(error) {
  showMessage("The menu could not be loaded", [
    error.message,
    "Check that your phone is connected (restaurant Wi-Fi or mobile data), then try again.",
  ], { action: h("button", { type: "button", className: "primary", textContent: "Try again", on: { click: () => location.reload() } }) });
}

function showHeader() {
  const r = ctx.restaurant;
  $("restaurant-name").textContent = r.name;
  $("restaurant-name").lang = contentLang();
  $("place-label").textContent = ctx.kind === "takeout" ? "Takeout" : ctx.table.label;
  document.title = ctx.kind === "takeout" ? `${r.name} · Takeout` : `${r.name} · ${ctx.table.label}`;
}

/** Links back to orders placed from this page in this tab. */
function renderOrdersStrip() {
  const mine = savedOrders().filter((o) => o.home === ctx.home);
  $("orders-strip").replaceChildren(...(mine.length ? [h("p", { className: "orders-strip" },
    "Your orders: ",
    ...mine.flatMap((o, i) => [i ? ", " : "", h("a", { href: `#order=${o.id}`, textContent: o.number ?? "order" })]))] : []));
}

function showMenu() {
  renderOrdersStrip();
  showView("view-menu", { focus: false });
  $("cart-bar").hidden = cart.count() === 0;
}

/** Shows what the URL says: an order's status, or the menu. */
async function route() {
  const id = orderIdInUrl();
  if (id) {
    const saved = findOrder(id);
    if (saved) return showOrder(saved);
    return showOrder({ id, restaurant_id: ctx.restaurant.id, access_token: "", home: ctx.home });
  }
  stopPolling();
  if (ctx.kind === "takeout") {
    const takeout = await import("./takeout.js");
    if (await takeout.resumePayment()) return;
  }
  showMenu();
}

async function startDineIn(token) {
  ctx.kind = "dine_in";
  ctx.token = token;
  const context = await api.table(token);
  ctx.table = context.table;
  setMenu(await api.menu(context.restaurant.id));
}

/**
 * `/takeout/<restaurant>`; a bare `/takeout` uses the config's
 * `takeoutRestaurantId`, or the demo restaurant in local mode.
 */
async function startTakeout(restaurant) {
  ctx.kind = "takeout";
  const id = restaurant || ctx.config.takeoutRestaurantId || (ctx.config.mode === "local" ? "demo" : null);
  if (!id) {
    showMessage("Which restaurant?", "Open the takeout link on your restaurant's website or flyer to see its menu.");
    return false;
  }
  setMenu(await api.menu(id));
  return true;
}

async function start() {
  await loadConfig();
  const path = location.pathname;
  const table = path.match(/^\/t\/([A-Za-z0-9_-]+)\/?$/);
  const takeout = path.match(/^\/takeout(?:\/([a-z0-9][a-z0-9_-]{0,63}))?\/?$/);
  ctx.home = path;
  if (!table && !takeout) {
    showMessage("Welcome to TableTap", "Scan the QR code on your table with your phone's camera to see the menu and order.");
    $("restaurant-name").textContent = "TableTap";
    return;
  }
  try {
    if (table) await startDineIn(table[1]);
    else if (!(await startTakeout(takeout[1]))) return;
  } catch (error) {
    if (error.code === "table_revoked" || error.code === "table_not_found") return showTableProblem(error);
    return showLoadProblem(error);
  }
  showHeader();
  cart.load();
  renderMenu();
  wireSearch();
  $("open-cart").addEventListener("click", openCart);
  window.addEventListener("popstate", route);
  window.addEventListener("hashchange", route);
  window.addEventListener("tabletap:menu", showMenu);
  await route();
}

start().catch((error) => {
  console.error(error);
  showLoadProblem({ message: "Something went wrong while showing the menu." });
});
