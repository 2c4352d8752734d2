// A takeout customer orders, pays with the local test payment (which goes
// through the same signed-webhook path as Stripe) and sees the confirmation.
// With Stripe configured (localstripe stands in for Stripe's API), the page
// loads Stripe.js only at the payment step, and says so clearly when it
// cannot (here it never can: no internet, and other hosts are blocked).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { LocalServer, launchBrowser, localStripe, phonePage, screenshot, seriousA11yViolations, textOf } from "../harness.js";

let server;
let browser;

before(async () => {
  server = await LocalServer.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("a takeout order goes through the local test payment to the confirmation", async () => {
  const config = await (await fetch(`${server.url}/config.json`)).json();
  assert.equal(config.paymentProvider, "test", `/config.json should say paymentProvider "test" in local mode (got ${JSON.stringify(config)}): the takeout routes are not in this tabletap-local yet`);

  const page = await phonePage(browser, server);
  await page.goto(`${server.url}/takeout`);
  await page.getByRole("heading", { name: "Trattoria Demo" }).waitFor();
  assert.equal(await textOf(page.locator("#place-label")), "Takeout");

  await page.getByRole("button", { name: "Spaghetti carbonara" }).click();
  await page.locator("#item-sheet").getByLabel("Gluten-free spaghetti").check();
  await page.locator("#item-sheet").getByRole("button", { name: "Add · 15,40 €" }).click();
  await page.getByRole("button", { name: /View order · 1 item/ }).click();
  await page.getByRole("button", { name: "Continue to checkout · 15,40 €" }).click();

  await page.getByRole("heading", { name: "Pickup details" }).waitFor();
  // Refused before anything is sent: the fields say what is missing.
  await page.getByRole("button", { name: /Continue to payment/ }).click();
  await page.getByText("Please enter your name").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), "c-name");

  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill("ada@example.com");
  await page.getByLabel("Phone").fill("+49 30 1234567");
  const pickup = page.getByLabel("Pickup time");
  await page.waitForFunction(() => document.querySelector("#c-pickup option")?.value);
  const slots = await pickup.locator("option").count();
  assert.ok(slots >= 1, "pickup times are offered");
  await screenshot(page, "takeout-checkout");
  assert.deepEqual(await seriousA11yViolations(page), [], "takeout checkout");
  await page.getByRole("button", { name: "Continue to payment · 15,40 €" }).click();

  await page.getByRole("heading", { name: "Payment" }).waitFor();
  const pay = page.getByRole("button", { name: "Test payment (local mode, no money moves)" });
  await screenshot(page, "takeout-payment");
  await pay.click();

  const number = await page.locator("#order-number").textContent({ timeout: 20000 });
  assert.match(number, /^T-\d{3}$/);
  await page.waitForFunction(() => ["ACCEPTED", "SENT", "PRINTED", "READY"].includes(document.querySelector("#order-status")?.dataset.status), null, { timeout: 20000 });
  const confirmation = page.locator("#view-order");
  assert.match(await textOf(confirmation.locator(".confirm > p.muted").first()), /^Pickup \d{2}:\d{2} · Ada Lovelace · Trattoria Demo$/);
  await screenshot(page, "takeout-confirmation");
  assert.deepEqual(await seriousA11yViolations(page), [], "takeout confirmation");

  // The confirmation survives a reload.
  await page.reload();
  assert.equal(await page.locator("#order-number").textContent(), number);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.foreign, [], "no request left 127.0.0.1 (Stripe.js is only loaded for the Stripe provider)");
});

test("with Stripe, Stripe.js is requested only at payment, and a failed load says what to do", async () => {
  const stripe = await localStripe();
  let stripeServer;
  try {
    stripeServer = await LocalServer.start({
      extraArgs: ["--stripe-secret-key", "sk_test_12345", "--stripe-webhook-secret", "whsec_browser_tests", "--stripe-publishable-key", "pk_test_12345", "--stripe-api-base", stripe.url],
    });
    const config = await (await fetch(`${stripeServer.url}/config.json`)).json();
    assert.equal(config.paymentProvider, "stripe");
    const page = await phonePage(browser, stripeServer);
    await page.goto(`${stripeServer.url}/takeout`);
    await page.getByRole("button", { name: "Negroni" }).click();
    await page.locator("#item-sheet").getByRole("button", { name: /^Add ·/ }).click();
    await page.getByRole("button", { name: /View order/ }).click();
    await page.getByRole("button", { name: /Continue to checkout/ }).click();
    await page.getByLabel("Your name").fill("Grace Hopper");
    await page.getByLabel("Email").fill("grace@example.com");
    await page.getByLabel("Phone").fill("+1 212 555 0100");
    await page.waitForFunction(() => document.querySelector("#c-pickup option")?.value);
    assert.deepEqual(page.foreign, [], "nothing from Stripe before the payment step");

    await page.getByRole("button", { name: /Continue to payment/ }).click();
    await page.getByRole("heading", { name: "Payment" }).waitFor();
    await page.getByText("The secure payment form could not load").waitFor({ timeout: 25000 });
    assert.deepEqual([...new Set(page.foreign)], ["https://js.stripe.com/v3/"], "only Stripe.js, from js.stripe.com");
    assert.equal(await page.getByRole("button", { name: /^Pay / }).isDisabled(), true, "no paying without the card form");
    await page.getByRole("button", { name: "Load the payment form again" }).waitFor();
    assert.deepEqual(await seriousA11yViolations(page), [], "payment step with the Stripe error");

    // The order waits for its payment; a reload comes back to this step.
    await page.reload();
    await page.getByRole("heading", { name: "Payment" }).waitFor();
    await page.getByText("The secure payment form could not load").waitFor({ timeout: 25000 });
  } finally {
    await stripeServer?.close();
    await stripe.stop();
  }
});
