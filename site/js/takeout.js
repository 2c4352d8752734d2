// Takeout checkout: contact details, pickup time, then payment (Stripe's
// Payment Element, or the local test payment), then the order page.
// Loaded only when a takeout customer checks out.

import { $, h, fill, showView, announce } from "./dom.js";
import { ctx } from "./context.js";
import { api, withRetry, ApiError } from "./api.js";
import { cart, keyFor, forgetAttempt, openCart, handleSendError } from "./cart.js";
import { findOrder, rememberOrder, showOrder } from "./order.js";

const FIELDS = {
  name: { label: "Your name", type: "text", autocomplete: "name", code: "invalid_customer_name", problem: "Please enter your name, so we know whose order it is." },
  email: { label: "Email", type: "email", autocomplete: "email", code: "invalid_email", problem: "Please enter an email address like name@example.com. The receipt goes there." },
  phone: { label: "Phone", type: "tel", autocomplete: "tel", code: "invalid_phone", problem: "Please enter a phone number, so the restaurant can call you if needed." },
};
const saved = { name: "", email: "", phone: "" };

export async function showCheckout() {
  const view = $("view-checkout");
  const q = cart.quote.state === "ok" && cart.quote.version === cart.version ? cart.quote.data : null;
  fill(view,
    h("h2", { id: "checkout-title", textContent: "Pickup details" }),
    h("form", { id: "checkout-form", className: "card", noValidate: true, on: { submit: (e) => { e.preventDefault(); placeTakeout(); } } },
      Object.entries(FIELDS).map(([name, f]) => h("div", { className: "field-row" },
        h("label", { className: "field", htmlFor: `c-${name}`, textContent: f.label }),
        h("input", { id: `c-${name}`, name, type: f.type, className: "input", autocomplete: f.autocomplete, required: true, value: saved[name], maxLength: name === "email" ? 254 : 100, attrs: { "aria-describedby": `c-${name}-error`, inputmode: f.type === "tel" ? "tel" : null }, on: { input: () => setFieldError(name, "") } }),
        h("p", { className: "field-error", id: `c-${name}-error` }))),
      h("div", { className: "field-row" },
        h("label", { className: "field", htmlFor: "c-pickup", textContent: "Pickup time" }),
        h("select", { id: "c-pickup", name: "pickup", className: "input", required: true, attrs: { "aria-describedby": "c-pickup-error" }, on: { change: () => setFieldError("pickup", "") } }, h("option", { value: "", textContent: "Loading pickup times…" })),
        h("p", { className: "field-error", id: "c-pickup-error" })),
      h("div", { className: "summary-box" },
        h("h3", { textContent: "Your order" }),
        h("ul", { className: "summary-lines" }, cart.lines.map((line, i) => h("li", {},
          h("span", { textContent: `${line.quantity} × ${line.name}${line.option_names.length ? ` (${line.option_names.join(", ")})` : ""}` }),
          h("span", { textContent: q ? ctx.money(q.lines[i].line_total) : "" })))),
        q ? h("p", { className: "summary-total" }, h("span", { textContent: "Total" }), h("strong", { textContent: ctx.money(q.totals.total) })) : null,
        h("button", { type: "button", className: "link", textContent: "Change your order", on: { click: backToMenuAndCart } })),
      h("p", { id: "checkout-error", className: "error", attrs: { role: "alert" } }),
      h("button", { type: "submit", id: "to-payment", className: "primary wide", textContent: q ? `Continue to payment · ${ctx.money(q.totals.total)}` : "Continue to payment" }),
      h("button", { type: "button", className: "wide secondary", textContent: "Back to the menu", on: { click: backToMenu } })));
  showView("view-checkout");
  await loadPickupTimes();
}

function backToMenu() {
  window.dispatchEvent(new Event("tabletap:menu"));
}

function backToMenuAndCart() {
  backToMenu();
  openCart();
}

async function loadPickupTimes(message) {
  const select = $("c-pickup");
  try {
    const { slots } = await withRetry(() => api.pickupTimes(ctx.restaurant.id), { tries: 3 });
    const previous = select.value;
    if (!slots.length) {
      fill(select, h("option", { value: "", textContent: "No pickup times left today" }));
      setFieldError("pickup", "There are no pickup times left today. Please try again tomorrow or call the restaurant.");
      $("to-payment").disabled = true;
      return;
    }
    fill(select, ...slots.map((slot) => h("option", { value: slot.at, textContent: slot.label, selected: slot.at === previous })));
    setFieldError("pickup", message ?? "");
  } catch (error) {
    fill(select, h("option", { value: "", textContent: "Pickup times unavailable" }));
    setFieldError("pickup", error.code === "takeout_unavailable" ? error.message : `Pickup times could not be loaded: ${error.message}`);
  }
}

function setFieldError(name, text) {
  const input = $(`c-${name}`);
  $(`c-${name}-error`).textContent = text;
  if (text) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

/** Client-side checks mirror the server's, so most mistakes show before sending. */
function validate() {
  let first = null;
  for (const [name, f] of Object.entries(FIELDS)) {
    const input = $(`c-${name}`);
    input.value = input.value.trim();
    saved[name] = input.value;
    const bad = !input.value || !input.checkValidity() || (name === "phone" && !/^\+?[0-9 ()./-]{6,20}$/.test(input.value));
    setFieldError(name, bad ? f.problem : "");
    if (bad && !first) first = input;
  }
  if (!$("c-pickup").value) {
    setFieldError("pickup", $("c-pickup-error").textContent || "Please choose a pickup time.");
    first ??= $("c-pickup");
  }
  first?.focus();
  return !first;
}

let placing = false;

async function placeTakeout() {
  if (placing || !validate()) return;
  placing = true;
  const button = $("to-payment");
  const label = button.textContent;
  button.disabled = true;
  button.textContent = "Placing your order…";
  $("checkout-error").textContent = "";
  const body = {
    customer: { name: saved.name, email: saved.email, phone: saved.phone },
    pickup_at: $("c-pickup").value,
    ...cart.body(),
  };
  const scope = `takeout.${ctx.restaurant.id}`;
  const key = keyFor(scope, body);
  try {
    const { data } = await withRetry(() => api.placeTakeout(ctx.restaurant.id, body, key), {
      tries: 6,
      onRetry: () => { button.textContent = "Connection problem, retrying…"; },
    });
    forgetAttempt(scope);
    const ref = { restaurant_id: data.order.restaurant_id, id: data.order.id, access_token: data.access_token, number: data.order.number, kind: "takeout", home: ctx.home, payment: data.payment };
    rememberOrder(ref);
    cart.clear();
    history.pushState({}, "", `#pay=${data.order.id}`);
    showPayment(ref, data.order);
  } catch (error) {
    const field = Object.entries(FIELDS).find(([, f]) => f.code === error.code)?.[0];
    if (field) {
      setFieldError(field, error.message);
      $(`c-${field}`).focus();
    } else if (error.code === "pickup_time_unavailable") {
      await loadPickupTimes(`${error.message} Please choose another time.`);
      $("c-pickup").focus();
    } else if (error.line) {
      handleSendError(error);
      $("checkout-error").textContent = `${error.message.replace(/^Line \d+:\s*/, "")} Change your order, then continue.`;
    } else {
      $("checkout-error").textContent = error.code === "network"
        ? "We could not reach the restaurant. Check your connection and tap Continue again: you will not be charged twice."
        : error.message;
    }
  } finally {
    placing = false;
    if ($("to-payment")) { button.disabled = false; button.textContent = label; }
  }
}

// ---- Payment -----------------------------------------------------------

/** On a reload at #pay=<id>: back to the payment step (or on to the order if it is paid). */
export async function resumePayment() {
  const match = location.hash.match(/^#pay=([0-9A-Za-z]{26})$/);
  if (!match) return false;
  const ref = findOrder(match[1]);
  if (!ref?.payment) return false;
  try {
    const order = await api.order(ref.restaurant_id, ref.id, ref.access_token);
    if (order.status !== "PENDING_PAYMENT") {
      history.replaceState({}, "", `#order=${ref.id}`);
      showOrder(order);
    } else showPayment(ref, order);
  } catch {
    showPayment(ref, null);
  }
  return true;
}

function showPayment(ref, order) {
  const payment = ref.payment;
  const total = order ? ctx.money(order.totals.total) : "";
  const view = $("view-checkout");
  const pickup = order ? new Intl.DateTimeFormat(ctx.restaurant.locale, { hour: "2-digit", minute: "2-digit", timeZone: ctx.restaurant.time_zone }).format(new Date(order.channel.pickup_at)) : "";
  fill(view,
    h("h2", { id: "checkout-title", textContent: "Payment" }),
    h("div", { className: "card" },
      h("p", {}, "Order ", h("strong", { textContent: ref.number }), order ? ` · pickup at ${pickup} · ` : "", order ? h("strong", { textContent: total }) : null),
      payment.provider === "test" ? testPaymentBlock(ref) : stripeBlock(ref, total),
      h("p", { id: "payment-error", className: "error", attrs: { role: "alert" } })));
  showView("view-checkout");
  if (payment.provider !== "test") mountStripe(ref);
}

function testPaymentBlock(ref) {
  return h("div", { className: "test-payment" },
    h("p", { className: "badge-local", textContent: "Local mode" }),
    h("p", { textContent: "This TableTap runs without Stripe. The button below marks the order as paid the same way Stripe's confirmation would. No card is needed and no money moves." }),
    h("button", { type: "button", id: "test-pay", className: "primary wide", textContent: "Test payment (local mode, no money moves)", on: { click: (e) => testPay(ref, e.currentTarget) } }));
}

async function testPay(ref, button) {
  if (button.disabled) return;
  button.disabled = true;
  button.textContent = "Confirming…";
  $("payment-error").textContent = "";
  try {
    await withRetry(() => api.testPayment(ref.restaurant_id, ref.id, ref.access_token), { tries: 4 });
    toConfirmation(ref);
  } catch (error) {
    $("payment-error").textContent = `The test payment did not go through: ${error.message}`;
    button.disabled = false;
    button.textContent = "Test payment (local mode, no money moves)";
  }
}

function toConfirmation(ref) {
  history.replaceState({}, "", `#order=${ref.id}`);
  announce("Payment done.");
  showOrder(ref);
}

function stripeBlock(ref, total) {
  return h("div", { className: "stripe" },
    h("div", { id: "payment-element", className: "payment-element" }, h("p", { className: "muted", textContent: "Loading the secure payment form…" })),
    h("button", { type: "button", id: "pay", className: "primary wide", disabled: true, textContent: total ? `Pay ${total}` : "Pay", on: { click: () => payWithStripe(ref) } }),
    h("p", { className: "muted small", textContent: "Card details go straight to Stripe; the restaurant never sees them." }));
}

let stripeState = null;

/** Stripe.js is loaded from js.stripe.com only now, when a card is needed. */
function loadStripeJs() {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  return new Promise((resolve, reject) => {
    const script = h("script", { src: "https://js.stripe.com/v3/", async: true });
    const timer = setTimeout(() => reject(new Error("timeout")), 20000);
    script.onload = () => { clearTimeout(timer); window.Stripe ? resolve(window.Stripe) : reject(new Error("no Stripe")); };
    script.onerror = () => { clearTimeout(timer); reject(new Error("blocked")); };
    document.head.append(script);
  });
}

async function mountStripe(ref) {
  const stripeProblem = "The secure payment form could not load. Check your connection (or turn off a content blocker) and reload this page. Your order is kept and nothing was charged.";
  const key = ref.payment.publishable_key || ctx.config.stripePublishableKey;
  try {
    const Stripe = await loadStripeJs();
    const stripe = Stripe(key);
    const elements = stripe.elements({
      clientSecret: ref.payment.client_secret,
      locale: (ctx.restaurant.locale || "auto").split("-")[0],
      appearance: { theme: "stripe", variables: { colorPrimary: "#1f3a2e", borderRadius: "8px" } },
    });
    const element = elements.create("payment", { layout: "tabs" });
    $("payment-element").replaceChildren();
    element.mount("#payment-element");
    element.on("ready", () => { $("pay").disabled = false; });
    element.on("loaderror", (event) => { $("payment-error").textContent = event?.error?.message ? `${event.error.message} Reload this page to try again; nothing was charged.` : stripeProblem; });
    stripeState = { stripe, elements };
  } catch {
    // Remove the failed script so "again" really loads it again.
    document.querySelector('script[src^="https://js.stripe.com/"]')?.remove();
    fill($("payment-element"), h("button", { type: "button", className: "wide", textContent: "Load the payment form again", on: { click: () => {
      fill($("payment-element"), h("p", { className: "muted", textContent: "Loading the secure payment form…" }));
      $("payment-error").textContent = "";
      mountStripe(ref);
    } } }));
    $("payment-error").textContent = stripeProblem;
  }
}

async function payWithStripe(ref) {
  const button = $("pay");
  if (!stripeState || button.disabled) return;
  button.disabled = true;
  const label = button.textContent;
  button.textContent = "Paying…";
  $("payment-error").textContent = "";
  try {
    const { error } = await stripeState.stripe.confirmPayment({
      elements: stripeState.elements,
      redirect: "if_required",
      // Only for payment methods that leave the page (bank redirects, 3-D Secure apps).
      confirmParams: { return_url: `${location.origin}${ctx.home}#order=${ref.id}` },
    });
    if (error) {
      $("payment-error").textContent = error.type === "card_error" || error.type === "validation_error"
        ? `${error.message} Nothing was charged; please check the details or use another card.`
        : "The payment did not go through and nothing was charged. Please try again.";
      return;
    }
    toConfirmation(ref);
  } catch (error) {
    $("payment-error").textContent = error instanceof ApiError ? error.message : "The payment could not be completed. Check your connection and try again.";
  } finally {
    if ($("pay")) { button.disabled = false; button.textContent = label; }
  }
}
