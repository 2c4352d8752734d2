// The cart: lines kept in sessionStorage, priced by the server (quote), and
// sent safely (one Idempotency-Key per attempt, retried on network errors).

import { $, h, fill, announce, openSheet } from "./dom.js";
import { ctx, contentLang } from "./context.js";
import { api, withRetry, ApiError } from "./api.js";
import { plural } from "./format.js";
import { markSoldOut } from "./menu.js";
import { rememberOrder, showOrder } from "./order.js";

const storageKey = () => `tabletap.cart.${ctx.kind === "takeout" ? "takeout." + ctx.restaurant.id : ctx.token}`;

/**
 * A random UUID. `crypto.randomUUID` exists only in secure contexts; a phone
 * on the restaurant Wi-Fi reaching the local server over plain http gets the
 * same 122 random bits from `getRandomValues`.
 */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The key for sending exactly `body`: the same key while the body is the
 * same (so a retry after a lost answer finds the first order), a new one as
 * soon as anything changed (a new checkout attempt). Kept in sessionStorage
 * so even a reload in the middle cannot order twice.
 */
export function keyFor(scope, body) {
  const name = `tabletap.attempt.${scope}`;
  const text = JSON.stringify(body);
  try {
    const saved = JSON.parse(sessionStorage.getItem(name) || "null");
    if (saved?.body === text) return saved.key;
  } catch { /* start a new attempt */ }
  const key = newKey();
  try { sessionStorage.setItem(name, JSON.stringify({ key, body: text })); } catch { /* private mode: memory only */ }
  return key;
}

export function forgetAttempt(scope) {
  try { sessionStorage.removeItem(`tabletap.attempt.${scope}`); } catch { /* nothing kept */ }
}

export const cart = {
  lines: [],
  note: "",
  /** Bumped on every change; a quote answer for an older version is dropped. */
  version: 0,
  quote: { state: "idle", data: null, error: null, version: -1 },
  /** Per-line problems from the server, by index: {code, message}. */
  problems: new Map(),
  sending: false,

  load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(storageKey()) || "null");
      if (saved) { this.lines = saved.lines ?? []; this.note = saved.note ?? ""; }
    } catch { /* an unreadable cart is an empty one */ }
    this.changed({ quiet: true });
  },
  save() {
    try { sessionStorage.setItem(storageKey(), JSON.stringify({ lines: this.lines, note: this.note })); } catch { /* storage full or off */ }
  },
  add(line) {
    const same = this.lines.find((l) => l.item_id === line.item_id && l.note === line.note && [...l.options].sort().join() === [...line.options].sort().join());
    if (same) same.quantity = Math.min(99, same.quantity + line.quantity);
    else this.lines.push(line);
    this.changed();
  },
  setQuantity(index, quantity) {
    if (quantity < 1) return this.remove(index);
    this.lines[index].quantity = Math.min(99, quantity);
    this.changed();
  },
  remove(index) {
    this.lines.splice(index, 1);
    this.changed();
  },
  clear() {
    this.lines = [];
    this.note = "";
    this.changed();
  },
  count() {
    return this.lines.reduce((n, l) => n + l.quantity, 0);
  },
  /** What the API reads: ids, quantities, notes. Prices are the server's business. */
  body() {
    return {
      lines: this.lines.map(({ item_id, quantity, options, note }) => ({ item_id, quantity, options, note: note || null })),
      note: this.note.trim() || null,
    };
  },
  changed({ quiet = false, structural = true } = {}) {
    this.version++;
    this.problems.clear();
    this.save();
    renderBar();
    if (structural && $("cart-sheet").open) renderCartSheet();
    scheduleQuote(quiet ? 0 : 300);
  },
};

// ---- Quote: the server's numbers --------------------------------------

let quoteTimer;
function scheduleQuote(delay) {
  clearTimeout(quoteTimer);
  if (!cart.lines.length) { cart.quote = { state: "idle", data: null, error: null, version: cart.version }; updateTotals(); return; }
  cart.quote = { ...cart.quote, state: "loading" };
  updateTotals();
  quoteTimer = setTimeout(runQuote, delay);
}

async function runQuote() {
  const version = cart.version;
  try {
    const data = await withRetry(() => api.quote(ctx.restaurant.id, cart.body()), { tries: 3 });
    if (version !== cart.version) return;
    cart.quote = { state: "ok", data, error: null, version };
  } catch (error) {
    if (version !== cart.version) return;
    const missingRoute = error instanceof ApiError && (error.status === 405 || (error.status === 404 && !["restaurant_not_found", "menu_not_found"].includes(error.code)));
    cart.quote = { state: missingRoute ? "unsupported" : "error", data: null, error, version };
    if (!missingRoute) noteProblem(error);
  }
  updateTotals();
}

/** A cart error about one line marks that line; sold-out items are marked on the menu too. */
function noteProblem(error) {
  if (error.line && cart.lines[error.line - 1]) {
    cart.problems.set(error.line - 1, { code: error.code, message: error.message.replace(/^Line \d+:\s*/, "") });
    if (error.code === "item_unavailable") markSoldOut(cart.lines[error.line - 1].item_id);
    if ($("cart-sheet").open) renderCartSheet();
  }
}

/** A local sum, shown only while the server cannot price (labelled as an estimate). */
const estimate = () => cart.lines.reduce((sum, l) => sum + l.unit * l.quantity, 0);

function quotedTotal() {
  const q = cart.quote;
  if (q.state === "ok" && q.version === cart.version) return q.data.totals.total;
  return null;
}

function renderBar() {
  const count = cart.count();
  $("cart-bar").hidden = count === 0;
  $("cart-count").textContent = String(count);
  $("cart-bar-label").textContent = `View order · ${plural(count, "item", "items")}`;
  const total = quotedTotal();
  $("cart-bar-total").textContent = total == null ? (cart.quote.state === "unsupported" ? ctx.money(estimate()) : "") : ctx.money(total);
  document.body.classList.toggle("has-cart", count > 0);
}

// ---- The cart sheet ----------------------------------------------------

export function openCart() {
  // Fresh numbers each time: the menu may have changed since the last quote.
  if (cart.lines.length) scheduleQuote(0);
  renderCartSheet();
  openSheet($("cart-sheet"));
  const title = $("cart-title");
  title.tabIndex = -1;
  title.focus();
}

function renderCartSheet() {
  const form = $("cart-form");
  const focusedId = document.activeElement?.id;
  const where = ctx.kind === "takeout" ? `Takeout · ${ctx.restaurant.name}` : `${ctx.table.label} · ${ctx.restaurant.name}`;
  const quoteLines = cart.quote.state === "ok" && cart.quote.version === cart.version ? cart.quote.data.lines : null;
  fill(form,
    h("div", { className: "sheet-head" },
      h("h2", { id: "cart-title", textContent: "Your order" }),
      h("button", { type: "button", className: "icon close", attrs: { "aria-label": "Close" }, textContent: "×", on: { click: () => $("cart-sheet").close() } })),
    h("div", { className: "sheet-body" },
      h("p", { className: "muted", textContent: where }),
      cart.lines.length ? h("ul", { className: "cart-lines" }, cart.lines.map((line, index) => cartLine(line, index, quoteLines?.[index]))) : h("p", { className: "empty", textContent: "Your order is empty. Add something from the menu." }),
      h("label", { className: "field", htmlFor: "order-note" }, "Note for the whole order ", h("span", { className: "optional", textContent: "(optional)" })),
      h("textarea", { id: "order-note", className: "input", maxLength: 500, rows: 2, value: cart.note, placeholder: ctx.kind === "takeout" ? "e.g. extra napkins" : "e.g. we're sharing, bring two plates", on: { input: (e) => { cart.note = e.target.value; cart.changed({ structural: false }); } } }),
      h("div", { id: "cart-totals", className: "totals", attrs: { "aria-live": "polite", "aria-busy": "false" } }),
      h("p", { id: "cart-error", className: "error", attrs: { role: "alert" } })),
    h("div", { className: "sheet-foot" },
      h("button", { type: "submit", className: "primary grow", id: "send-order" })));
  form.onsubmit = (event) => { event.preventDefault(); primaryAction(); };
  updateTotals();
  if (focusedId && $(focusedId)) $(focusedId).focus();
  else if (focusedId && !$(focusedId)) $("cart-title")?.focus();
}

function cartLine(line, index, quoted) {
  const problem = cart.problems.get(index);
  const base = `l${index}`;
  return h("li", { className: `cart-line${problem ? " problem" : ""}`, dataset: { line: index + 1 } },
    h("div", { className: "line-head" },
      h("span", { className: "line-name", lang: contentLang() }, h("strong", { textContent: line.name })),
      h("span", { className: "line-price", id: `${base}-price`, textContent: quoted ? ctx.money(quoted.line_total) : "" })),
    line.option_names.length ? h("p", { className: "line-options", textContent: line.option_names.join(", "), lang: contentLang() }) : null,
    problem ? h("p", { className: "line-problem", id: `${base}-problem`, textContent: problem.message }) : null,
    h("label", { className: "line-note" },
      h("span", { className: "visually-hidden", textContent: `Note for ${line.name}` }),
      h("input", { id: `${base}-note`, className: "input small", maxLength: 200, value: line.note ?? "", placeholder: "Add a note", autocomplete: "off", on: { input: (e) => { line.note = e.target.value.trim() || null; cart.changed({ structural: false }); } } })),
    h("div", { className: "line-actions" },
      h("div", { className: "stepper small", attrs: { role: "group", "aria-label": `Quantity of ${line.name}` } },
        h("button", { type: "button", className: "icon", id: `${base}-minus`, textContent: "−", attrs: { "aria-label": line.quantity === 1 ? `One less ${line.name} (removes it)` : `One less ${line.name}` }, on: { click: () => cart.setQuantity(index, line.quantity - 1) } }),
        h("output", { textContent: String(line.quantity), attrs: { "aria-label": `Quantity of ${line.name}` } }),
        h("button", { type: "button", className: "icon", id: `${base}-plus`, textContent: "+", disabled: line.quantity >= 99, attrs: { "aria-label": `One more ${line.name}` }, on: { click: () => cart.setQuantity(index, line.quantity + 1) } })),
      h("button", { type: "button", className: `link${problem ? " strong" : ""}`, id: `${base}-remove`, textContent: "Remove", attrs: { "aria-label": `Remove ${line.name}`, "aria-describedby": problem ? `${base}-problem` : null }, on: { click: () => { cart.remove(index); announce(`${line.name} removed.`); } } })));
}

/** Totals, line prices and the send button follow the latest quote. */
function updateTotals() {
  renderBar();
  const box = $("cart-totals");
  if (!box) return;
  const q = cart.quote;
  const fresh = q.version === cart.version;
  const button = $("send-order");
  const verb = ctx.kind === "takeout" ? "Continue to checkout" : "Send order to the kitchen";
  box.setAttribute("aria-busy", String(q.state === "loading"));
  const lines = fresh && q.state === "ok" ? q.data.lines : null;
  cart.lines.forEach((_, i) => { const cell = $(`l${i}-price`); if (cell) cell.textContent = lines?.[i] ? ctx.money(lines[i].line_total) : q.state === "loading" ? "…" : ""; });
  if (!cart.lines.length) {
    fill(box);
  } else if (q.state === "ok" && fresh) {
    const t = q.data.totals;
    const rows = t.tax_mode === "exclusive"
      ? [["Subtotal", t.subtotal], ["Tax", t.tax], ["Total", t.total, "total"]]
      : [["Total", t.total, "total"]];
    fill(box, h("dl", {}, rows.map(([label, amount, cls]) => h("div", { className: `row ${cls ?? ""}` }, h("dt", { textContent: label }), h("dd", { textContent: ctx.money(amount) })))),
      t.tax_mode === "inclusive" ? h("p", { className: "muted small", textContent: `Includes ${ctx.money(t.tax)} VAT.` }) : null);
  } else if (q.state === "unsupported") {
    fill(box, h("p", { className: "muted", textContent: `Estimated total ${ctx.money(estimate())}. The restaurant confirms the price when you send.` }));
  } else if (q.state === "error" && fresh) {
    fill(box, h("p", { className: "error", textContent: cart.problems.size ? "Please fix the marked line before sending." : q.error.message }));
  } else {
    fill(box, h("p", { className: "muted", textContent: "Updating the total…" }));
  }
  if (!cart.sending) {
    const total = quotedTotal();
    button.textContent = total == null ? verb : `${verb} · ${ctx.money(total)}`;
    button.disabled = !cart.lines.length;
  }
}

async function primaryAction() {
  if (cart.problems.size) {
    $("cart-error").textContent = "Something in your order changed. Remove or change the marked line, then send again.";
    $(`l${[...cart.problems.keys()][0]}-remove`)?.focus();
    return;
  }
  if (ctx.kind === "takeout") {
    $("cart-sheet").close();
    const takeout = await import("./takeout.js");
    return takeout.showCheckout();
  }
  return sendDineIn();
}

/** Places the dine-in order. Double taps and lost answers cannot make two orders. */
async function sendDineIn() {
  if (cart.sending) return;
  cart.sending = true;
  const button = $("send-order");
  button.disabled = true;
  button.textContent = "Sending…";
  // The cart cannot change under an order on its way to the kitchen.
  const body$ = $("cart-form").querySelector(".sheet-body");
  body$.inert = true;
  $("cart-error").textContent = "";
  const body = cart.body();
  const scope = `dine_in.${ctx.token}`;
  const key = keyFor(scope, body);
  try {
    const { data } = await withRetry(() => api.placeDineIn(ctx.token, body, key), {
      tries: 6,
      onRetry: () => { button.textContent = "Connection problem, retrying…"; },
    });
    forgetAttempt(scope);
    rememberOrder({ restaurant_id: data.restaurant_id, id: data.id, access_token: data.access_token, number: data.number, kind: "dine_in", home: ctx.home });
    cart.sending = false;
    cart.clear();
    $("cart-sheet").close();
    showOrder(data, { push: true });
  } catch (error) {
    cart.sending = false;
    handleSendError(error);
  } finally {
    cart.sending = false;
    body$.inert = false;
    if ($("cart-sheet").open) updateTotals();
  }
}

export function handleSendError(error) {
  if (error.code === "table_revoked" || error.code === "table_not_found") {
    $("cart-sheet").close();
    return import("./app.js").then((app) => app.showTableProblem(error));
  }
  if (error.line) {
    noteProblem(error);
    cart.quote = { state: "error", data: null, error, version: cart.version };
    if ($("cart-sheet").open) renderCartSheet();
    $("cart-error").textContent = `${error.message.replace(/^Line \d+:\s*/, "")} Remove it or change it, then send again.`;
    return;
  }
  const message = error.code === "network"
    ? "We could not reach the restaurant, so your order may not have arrived. Check your connection and tap Send again: it will not be ordered twice."
    : error.message;
  $("cart-error").textContent = message;
}
