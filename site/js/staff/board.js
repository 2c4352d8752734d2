// The live board: columns new / in the kitchen / ready, oldest first, with
// each order's age, lines, notes and ticket print state. It polls the
// changes feed every 1.5 s, says how fresh it is, and puts up a banner when
// it cannot reach the server (it never shows "no orders" for "no answer").

import { $, h, fill, announce } from "../dom.js";
import { request, ApiError } from "../api.js";

const POLL_MS = 1500;
const COLUMN = { AWAITING_APPROVAL: "new", ACCEPTED: "new", SENT: "kitchen", PRINTED: "kitchen", READY: "ready" };
const OVERDUE_MS = 60_000;

const state = {
  orders: new Map(),
  alerts: [],
  cursor: null,
  lastOk: 0,
  clockSkew: 0,
  timer: null,
  ticker: null,
  failing: false,
  session: null,
  restaurant: null,
  onSignedOut: null,
  audio: null,
};

const auth = () => ({ authorization: `Bearer ${state.session.token}` });
const base = () => `/restaurants/${encodeURIComponent(state.restaurant)}/staff`;

function serverNow() {
  return Date.now() + state.clockSkew;
}

function noteServerTime(now) {
  const at = Date.parse(now);
  if (!Number.isNaN(at)) state.clockSkew = at - Date.now();
}

function beep() {
  try {
    state.audio ??= new AudioContext();
    const ctx = state.audio;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.25, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.4);
    document.body.dataset.lastBeep = String(Date.now());
  } catch { /* no audio device: the board still shows the order */ }
}

function ageText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function where(order) {
  const c = order.channel;
  return c.kind === "dine_in" ? c.table_label : `Takeout · ${c.customer?.name ?? ""}`;
}

function printOverdue(print) {
  return print.state === "sent" && print.sent_at && serverNow() - Date.parse(print.sent_at) >= OVERDUE_MS;
}

function printLabel(print) {
  const name = { not_sent: "not sent yet", queued: "sending", sent: "sent, not printed", printed: "printed", not_printed: "not printed" }[print.state] ?? print.state;
  return `${print.station}: ${printOverdue(print) ? "NOT PRINTED" : name}`;
}

async function act(order, body, button) {
  button.disabled = true;
  try {
    const { data } = await request(`${base()}/orders/${order.id}/actions`, { method: "POST", body, headers: auth() });
    merge([data]);
    announce(`${data.number}: ${data.status.toLowerCase().replace("_", " ")}`);
  } catch (error) {
    handleError(error, `Could not update ${order.number}: `);
  } finally {
    button.disabled = false;
    render();
  }
}

async function reprint(order, button) {
  button.disabled = true;
  try {
    await request(`${base()}/orders/${order.id}/reprint`, { method: "POST", body: {}, headers: auth() });
    announce(`${order.number}: reprint sent to the kitchen`);
  } catch (error) {
    handleError(error, `Could not reprint ${order.number}: `);
  } finally {
    button.disabled = false;
  }
}

function askCancel(order) {
  const dialog = $("cancel-dialog");
  $("cancel-title").textContent = `Cancel ${order.number}`;
  $("cancel-reason").value = "";
  $("cancel-error").textContent = "";
  dialog.dataset.order = order.id;
  dialog.showModal();
  $("cancel-reason").focus();
}

export function wireCancelDialog() {
  const dialog = $("cancel-dialog");
  $("cancel-keep").addEventListener("click", () => dialog.close());
  $("cancel-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = $("cancel-reason").value.trim();
    if (!reason) {
      $("cancel-error").textContent = "Say why (for example: guest left, out of stock).";
      return;
    }
    const order = state.orders.get(dialog.dataset.order);
    if (order) await act(order, { action: "cancel", reason }, $("cancel-confirm"));
    dialog.close();
  });
}

function bumpFor(order) {
  switch (order.status) {
    case "AWAITING_APPROVAL": return ["approve", "Approve"];
    case "ACCEPTED": case "SENT": case "PRINTED": return ["ready", "Ready"];
    case "READY": return ["complete", order.channel.kind === "takeout" ? "Picked up" : "Served"];
    default: return null;
  }
}

function card(order) {
  const age = serverNow() - Date.parse(order.placed_at);
  const overdue = order.tickets.some(printOverdue);
  const column = COLUMN[order.status];
  const bump = bumpFor(order);
  const canReprint = ["SENT", "PRINTED", "READY"].includes(order.status);
  return h("li", { className: `ticket is-${column}${overdue ? " overdue" : ""}`, dataset: { order: order.id, status: order.status } },
    h("div", { className: "ticket-head" },
      h("h3", { textContent: order.number }),
      h("span", { className: "age", textContent: ageText(age), attrs: { "aria-label": `waiting ${ageText(age)}` } })),
    h("p", { className: "where", textContent: where(order) }),
    order.status === "AWAITING_APPROVAL" ? h("p", { className: "small muted", textContent: "Waiting for approval: not sent to the kitchen." }) : null,
    h("ul", { className: "lines" }, order.lines.map((line) => h("li", {},
      h("strong", { textContent: `${line.quantity} × ${line.name}` }),
      line.options?.length ? h("span", { textContent: ` (${line.options.map((o) => o.name).join(", ")})` }) : null,
      line.note ? h("div", { className: "line-note", textContent: `“${line.note}”` }) : null))),
    order.note ? h("p", { className: "order-note", textContent: `Note: ${order.note}` }) : null,
    h("ul", { className: "prints", attrs: { "aria-label": "Tickets" } }, order.tickets.map((p) =>
      h("li", { className: `print${printOverdue(p) ? " overdue" : ""}`, textContent: printLabel(p) }))),
    h("div", { className: "ticket-actions" },
      bump ? h("button", { type: "button", className: "primary bump", textContent: `${bump[1]} ${order.number}`, on: { click: (e) => act(order, { action: bump[0] }, e.currentTarget) } }) : null,
      canReprint ? h("button", { type: "button", textContent: "Reprint", attrs: { "aria-label": `Reprint ${order.number}` }, on: { click: (e) => reprint(order, e.currentTarget) } }) : null,
      h("button", { type: "button", className: "link strong", textContent: "Cancel…", attrs: { "aria-label": `Cancel ${order.number}` }, on: { click: () => askCancel(order) } })));
}

function render() {
  const columns = { new: [], kitchen: [], ready: [] };
  const sorted = [...state.orders.values()].sort((a, b) => Date.parse(a.placed_at) - Date.parse(b.placed_at));
  for (const order of sorted) {
    const column = COLUMN[order.status];
    if (column) columns[column].push(order);
  }
  for (const [name, orders] of Object.entries(columns)) {
    fill($(`col-${name}`), orders.length ? orders.map(card) : h("li", { className: "empty-column", textContent: "Nothing here." }));
    $(`count-${name}`).textContent = String(orders.length);
  }
}

// Tickets the server still owes the kitchen two minutes after sending
// them: a banner naming each order and station, with what to check. The
// server keeps sending; an alert goes away when its ticket prints.
function renderAlerts() {
  const banner = $("delivery-alerts");
  banner.hidden = state.alerts.length === 0;
  if (banner.hidden) return;
  const items = state.alerts.map((alert) => {
    const number = state.orders.get(alert.order_id)?.number ?? `order ${alert.order_id.slice(-6)}`;
    const waiting = ageText(serverNow() - Date.parse(alert.first_sent_at));
    return h("li", { dataset: { ticket: alert.ticket_id }, textContent: `${number}: the ${alert.station} ticket has not printed for ${waiting} (sent ${alert.attempts} times).` });
  });
  const n = state.alerts.length;
  fill(banner,
    h("h2", { textContent: `${n} kitchen ticket${n > 1 ? "s" : ""} not printed` }),
    h("ul", {}, items),
    h("p", { className: "small", textContent: "Check the kitchen printer (on, paper, cover shut) and that the kitchen PC is on. TableTap keeps sending; tickets print as soon as the printer answers." }));
}

function setAlerts(alerts) {
  const before = new Set(state.alerts.map((a) => a.ticket_id));
  state.alerts = alerts ?? [];
  const added = state.alerts.filter((a) => !before.has(a.ticket_id)).length;
  renderAlerts();
  if (added) announce(`${added} kitchen ticket${added > 1 ? "s" : ""} not printed: check the printer`);
}

function merge(orders) {
  let fresh = 0;
  for (const order of orders) {
    if (!state.orders.has(order.id) && COLUMN[order.status]) fresh++;
    state.orders.set(order.id, order);
  }
  return fresh;
}

function freshness() {
  const seconds = state.lastOk ? Math.floor((Date.now() - state.lastOk) / 1000) : null;
  $("freshness").textContent = seconds === null ? "Connecting…" : `Updated ${seconds} s ago`;
  if (state.failing) {
    $("offline-banner").hidden = false;
    $("offline-banner").textContent = `Cannot reach the server. The board may be out of date (last updated ${seconds ?? "?"} s ago). Retrying…`;
  }
}

function handleError(error, prefix = "") {
  if (error instanceof ApiError && error.status === 401) {
    stopBoard();
    state.onSignedOut?.("Your sign-in ran out. Please sign in again.");
    return;
  }
  if (error instanceof ApiError && error.status < 500) {
    announce(prefix + error.message);
    $("freshness").textContent = prefix + error.message;
    return;
  }
  state.failing = true;
  freshness();
}

function ok(now) {
  noteServerTime(now);
  state.lastOk = Date.now();
  if (state.failing) {
    state.failing = false;
    $("offline-banner").hidden = true;
  }
}

async function poll() {
  try {
    const { data } = await request(`${base()}/changes?cursor=${encodeURIComponent(state.cursor)}`, { headers: auth(), timeout: 5000 });
    ok(data.now);
    state.cursor = data.cursor;
    setAlerts(data.delivery_alerts);
    if (data.orders.length) {
      const fresh = merge(data.orders);
      render();
      if (fresh) {
        beep();
        announce(`${fresh} new order${fresh > 1 ? "s" : ""}`);
      }
    }
  } catch (error) {
    handleError(error);
  }
  if (state.session) state.timer = setTimeout(poll, POLL_MS);
}

async function load() {
  const { data } = await request(`${base()}/orders`, { headers: auth() });
  ok(data.now);
  state.cursor = data.cursor;
  state.orders.clear();
  merge(data.orders);
  $("restaurant-name").textContent = data.restaurant.name;
  render();
  setAlerts(data.delivery_alerts);
}

export async function startBoard(session, restaurant, onSignedOut) {
  state.session = session;
  state.restaurant = restaurant;
  state.onSignedOut = onSignedOut;
  $("sound-state").textContent = "Sound on for new orders.";
  try {
    await load();
  } catch (error) {
    handleError(error);
  }
  clearTimeout(state.timer);
  state.timer = setTimeout(poll, POLL_MS);
  clearInterval(state.ticker);
  // Ages, overdue tickets and "updated N s ago" move on between polls.
  state.ticker = setInterval(() => { freshness(); render(); renderAlerts(); }, 1000);
}

export function updateSession(session) {
  state.session = session;
}

export function stopBoard() {
  clearTimeout(state.timer);
  clearInterval(state.ticker);
  state.session = null;
}
