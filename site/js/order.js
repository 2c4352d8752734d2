// After sending: the order number and its live status, polled from the API.
// The order's id and access token stay in sessionStorage and the id in the
// URL fragment (#order=<id>), so a reload shows the same page again.

import { pollInterval, POLL_FOR_MS } from "./polling.js";
import { $, h, fill, showView } from "./dom.js";
import { ctx, contentLang } from "./context.js";
import { api, ApiError, isTransient } from "./api.js";

const STORE = "tabletap.orders";

/** Orders placed in this tab: [{restaurant_id, id, access_token, number, kind, home, payment?}]. */
export function savedOrders() {
  try { return JSON.parse(sessionStorage.getItem(STORE) || "[]"); } catch { return []; }
}

export function rememberOrder(entry) {
  const list = savedOrders().filter((o) => o.id !== entry.id);
  list.push({ ...savedOrders().find((o) => o.id === entry.id), ...entry });
  try { sessionStorage.setItem(STORE, JSON.stringify(list.slice(-20))); } catch { /* memory only */ }
}

export const findOrder = (id) => savedOrders().find((o) => o.id === id) ?? null;

/** The order id in the URL fragment, if any. */
export function orderIdInUrl() {
  const match = location.hash.match(/^#order=([0-9A-Za-z]{26})$/);
  return match ? match[1] : null;
}

// READY is not final: the page keeps following until the order is served
// or picked up (COMPLETED), or cancelled.
const FINAL = ["COMPLETED", "CANCELLED", "EXPIRED"];

const STEPS = {
  dine_in: [["ACCEPTED", "Received"], ["SENT", "Sent to the kitchen"], ["PRINTED", "Printed in the kitchen"], ["READY", "Ready"]],
  takeout: [["ACCEPTED", "Paid and received"], ["SENT", "Sent to the kitchen"], ["PRINTED", "Printed in the kitchen"], ["READY", "Ready for pickup"]],
};
const RANK = { PENDING_PAYMENT: 0, AWAITING_APPROVAL: 0, ACCEPTED: 1, SENT: 2, PRINTED: 3, READY: 4, COMPLETED: 5 };

/** One sentence per status, said by the live region when it changes. */
function sentence(status, kind) {
  const takeout = kind === "takeout";
  switch (status) {
    case "PENDING_PAYMENT": return "Waiting for your payment to be confirmed.";
    case "AWAITING_APPROVAL": return "Received. A member of staff will confirm it shortly.";
    case "ACCEPTED": return takeout ? "Paid and received. It goes to the kitchen in a moment." : "Received. It goes to the kitchen in a moment.";
    case "SENT": return "Sent to the kitchen.";
    case "PRINTED": return takeout ? "Printed in the kitchen. Your order is being prepared." : "Printed in the kitchen. Your order is being prepared.";
    case "READY": return takeout ? "Ready for pickup. Show your order number at the counter." : "Ready. It is on its way to your table.";
    case "COMPLETED": return "Completed. Enjoy your meal!";
    case "CANCELLED": return "This order was cancelled. Please ask a member of staff.";
    case "EXPIRED": return "The payment was not completed in time, so this order was not placed. Nothing was charged.";
    default: return `Status: ${status}.`;
  }
}

/** The sentence, with the staff's reason when the order was cancelled. */
function statusText(order, kind) {
  const reason = order.status === "CANCELLED" ? order.history?.at(-1)?.reason : null;
  return sentence(order.status, kind) + (reason ? ` Reason: ${reason}` : "");
}

let poll = { timer: null, id: null, failures: 0, startedAt: 0, changedAt: 0, last: null };

/**
 * Shows the order page. `order` is a full order (just placed or read), or a
 * saved reference {restaurant_id, id, access_token}; it is then read first.
 */
export async function showOrder(order, { push = false } = {}) {
  stopPolling();
  const ref = findOrder(order.id) ?? order;
  if (push && location.hash !== `#order=${order.id}`) history.pushState({ order: order.id }, "", `#order=${order.id}`);
  const view = $("view-order");
  fill(view, h("h2", { id: "order-title", className: "visually-hidden", textContent: "Your order" }), h("p", { className: "muted", textContent: "Loading your order…" }));
  showView("view-order");
  if (!order.status) {
    try {
      order = await api.order(ref.restaurant_id, ref.id, ref.access_token);
    } catch (error) {
      return renderUnreadable(error, ref);
    }
  }
  render(order, ref);
  poll = { timer: null, id: order.id, failures: 0, startedAt: Date.now(), changedAt: Date.now(), last: order.status };
  if (!FINAL.includes(order.status)) schedule(ref);
  $("order-title").focus({ preventScroll: true });
}

function render(order, ref) {
  const kind = order.channel?.kind ?? ref.kind ?? "dine_in";
  const view = $("view-order");
  const where = kind === "takeout"
    ? `Pickup ${pickupText(order.channel.pickup_at)} · ${order.channel.customer.name}`
    : order.channel?.table_label ?? "";
  fill(view,
    h("div", { className: "confirm" },
      h("h2", { id: "order-title", className: "confirm-title", tabIndex: -1 },
        h("span", { className: "eyebrow", textContent: "Your order number" }),
        h("span", { className: "number", id: "order-number", textContent: order.number })),
      h("p", { className: "muted", textContent: [where, ctx.restaurant?.name].filter(Boolean).join(" · ") }),
      h("p", { id: "order-status", className: "status-sentence", attrs: { role: "status", "aria-live": "polite" }, dataset: { status: order.status }, textContent: statusText(order, kind) }),
      steps(order.status, kind),
      h("p", { id: "order-connection", className: "muted small", attrs: { "aria-live": "polite" } }),
      h("details", { className: "summary" },
        h("summary", { textContent: `What you ordered · ${ctx.money(order.totals.total)}` }),
        h("ul", { className: "summary-lines" }, order.lines.map((line) => h("li", {},
          h("span", { lang: contentLang() }, `${line.quantity} × ${line.name}`,
            line.options.length ? h("span", { className: "muted", textContent: ` (${line.options.map((o) => o.name).join(", ")})` }) : null,
            line.note ? h("span", { className: "muted", textContent: ` · “${line.note}”` }) : null),
          h("span", { textContent: ctx.money(line.line_total) })))),
        order.note ? h("p", { className: "muted", textContent: `Note: ${order.note}` }) : null,
        h("p", { className: "summary-total" }, h("span", { textContent: "Total" }), h("strong", { textContent: ctx.money(order.totals.total) })))),
    h("div", { className: "confirm-actions" },
      h("a", { className: "button", href: ref.home ?? ctx.home, textContent: kind === "takeout" ? "Back to the menu" : "Order something else", on: { click: backToMenu } })));
}

function steps(status, kind) {
  const rank = RANK[status] ?? -1;
  const list = STEPS[kind] ?? STEPS.dine_in;
  if (status === "CANCELLED" || status === "EXPIRED") return null;
  return h("ol", { className: "steps", id: "order-steps", attrs: { "aria-label": "Progress" } }, list.map(([state, label], i) => {
    const done = rank >= RANK[state];
    const current = rank === RANK[state] || (state === "READY" && rank > RANK.READY);
    return h("li", { className: `${done ? "done" : ""}${current ? " current" : ""}`, dataset: { step: state }, attrs: { "aria-current": current ? "step" : null } },
      h("span", { className: "dot", attrs: { "aria-hidden": "true" }, textContent: done ? "✓" : String(i + 1) }),
      h("span", { textContent: label }), done ? h("span", { className: "visually-hidden", textContent: " (done)" }) : null);
  }));
}

function pickupText(at) {
  try {
    return new Intl.DateTimeFormat(ctx.restaurant?.locale, { hour: "2-digit", minute: "2-digit", timeZone: ctx.restaurant?.time_zone }).format(new Date(at));
  } catch { return at; }
}

function renderUnreadable(error, ref) {
  const transient = isTransient(error);
  $("view-order").replaceChildren(h("div", { className: "confirm" },
    h("h2", { id: "order-title", tabIndex: -1, textContent: transient ? "No connection" : "This order cannot be shown" }),
    h("p", { textContent: transient ? error.message : "This page can only show orders placed on this phone in this browser tab. If you placed an order, staff can look it up by its number." }),
    h("div", { className: "confirm-actions" },
      transient ? h("button", { type: "button", className: "primary", textContent: "Try again", on: { click: () => showOrder(ref) } }) : null,
      h("a", { className: "button", href: ref.home ?? ctx.home, textContent: "Back to the menu", on: { click: backToMenu } }))));
  $("order-title").focus();
}

function backToMenu(event) {
  event.preventDefault();
  stopPolling();
  if (orderIdInUrl()) history.pushState({}, "", location.pathname + location.search);
  window.dispatchEvent(new Event("tabletap:menu"));
}

// ---- Polling -----------------------------------------------------------


function interval() {
  return pollInterval(poll.last, Date.now() - poll.changedAt, poll.failures);
}

function schedule(ref) {
  clearTimeout(poll.timer);
  if (Date.now() - poll.startedAt > POLL_FOR_MS) {
    if ($("order-connection")) $("order-connection").textContent = "Status updates paused. Reload the page to see the latest.";
    return;
  }
  poll.timer = setTimeout(() => tick(ref), interval());
}

async function tick(ref) {
  if (document.hidden) return; // resumed by visibilitychange
  const id = poll.id;
  try {
    const order = await api.order(ref.restaurant_id, ref.id, ref.access_token);
    if (poll.id !== id) return;
    poll.failures = 0;
    if ($("order-connection")) $("order-connection").textContent = "";
    if (order.status !== poll.last) {
      poll.last = order.status;
      poll.changedAt = Date.now();
      updateStatus(order, ref);
    }
    if (FINAL.includes(order.status)) return stopPolling();
  } catch (error) {
    if (poll.id !== id) return;
    if (error instanceof ApiError && !isTransient(error)) {
      if ($("order-connection")) $("order-connection").textContent = `The status cannot be updated: ${error.message}`;
      return stopPolling();
    }
    poll.failures++;
    if ($("order-connection")) $("order-connection").textContent = "Reconnecting… the status will update when the connection is back.";
  }
  schedule(ref);
}

function updateStatus(order, ref) {
  const kind = order.channel?.kind ?? ref.kind;
  const status = $("order-status");
  status.dataset.status = order.status;
  status.textContent = statusText(order, kind);
  const next = steps(order.status, kind);
  const old = $("order-steps");
  if (old && next) old.replaceWith(next);
  else if (old) old.remove();
}

export function stopPolling() {
  clearTimeout(poll.timer);
  poll.timer = null;
  poll.id = null;
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden && poll.id) {
    const ref = findOrder(poll.id);
    if (ref) { clearTimeout(poll.timer); tick(ref); }
  }
});
