// Sending is safe: a double tap and a lost answer (the order reached the
// server, the phone never heard back) still make exactly one order.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { LocalServer, launchBrowser, phonePage } from "../harness.js";

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

/** The next order number the restaurant hands out, found by placing one through the API. */
async function nextNumberFromApi() {
  const placed = await server.api(`/tables/${server.tables["Table 8"].token}/orders`, {
    method: "POST",
    body: { lines: [{ item_id: "negroni", quantity: 1 }] },
  });
  assert.equal(placed.status, 201);
  return placed.body.number;
}

const numberAfter = (number) => `A-${String(Number(number.slice(2)) + 1).padStart(3, "0")}`;

test("a double tap on send, with the first answer lost, creates one order", async () => {
  const page = await phonePage(browser, server);
  await page.goto(server.url + server.tables["Table 5"].path);
  await page.getByRole("button", { name: "Bruschetta al pomodoro" }).click();
  await page.locator("#item-sheet").getByRole("button", { name: /^Add ·/ }).click();
  await page.getByRole("button", { name: /View order/ }).click();
  const send = page.getByRole("button", { name: /Send order to the kitchen · / });
  await send.waitFor();

  // The first POST reaches the server, but its answer is dropped on the way
  // back, as on flaky Wi-Fi; later ones go through untouched.
  const posts = [];
  await page.route("**/api/tables/*/orders", async (route) => {
    const request = route.request();
    posts.push({ key: request.headers()["idempotency-key"] });
    if (posts.length === 1) {
      const response = await route.fetch();
      posts[0].status = response.status();
      return route.abort("connectionreset");
    }
    const response = await route.fetch();
    posts.at(-1).status = response.status();
    posts.at(-1).replayed = response.headers()["idempotent-replayed"] ?? null;
    return route.fulfill({ response });
  });

  // Two taps in the same task, as fast as a finger can.
  await send.evaluate((button) => { button.click(); button.click(); });

  const number = await page.locator("#order-number").textContent({ timeout: 20000 });
  assert.match(number, /^A-\d{3}$/);
  assert.ok(posts.length >= 2, `the lost answer was retried (requests: ${JSON.stringify(posts)})`);
  assert.equal(new Set(posts.map((p) => p.key)).size, 1, "every attempt carried the same Idempotency-Key");
  assert.match(posts[0].key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(posts[0].status, 201, "the first attempt placed the order");
  assert.equal(posts.at(-1).replayed, "true", "the retry was answered with the first order");

  // Exactly one order was placed: the restaurant's next number follows it.
  assert.equal(await nextNumberFromApi(), numberAfter(number));
  assert.deepEqual(page.errors.filter((e) => !e.includes("net::ERR_CONNECTION_RESET")), []);
});

test("a new checkout after an order uses a new key", async () => {
  const page = await phonePage(browser, server);
  await page.goto(server.url + server.tables["Table 6"].path);
  const keys = [];
  page.on("request", (request) => { if (request.method() === "POST" && request.url().endsWith("/orders")) keys.push(request.headers()["idempotency-key"]); });
  for (let round = 0; round < 2; round++) {
    await page.getByRole("button", { name: "Espresso" }).click();
    await page.locator("#item-sheet").getByRole("button", { name: /^Add ·/ }).click();
    await page.getByRole("button", { name: /View order/ }).click();
    await page.getByRole("button", { name: /Send order to the kitchen · / }).click();
    await page.locator("#order-number").waitFor();
    await page.getByRole("link", { name: "Order something else" }).click();
  }
  assert.equal(keys.length, 2);
  assert.notEqual(keys[0], keys[1]);
  // Both orders are listed on the menu page for this tab.
  assert.equal(await page.locator(".orders-strip a").count(), 2);
});

test("a table past its order limit is told so, and nothing is sent", async () => {
  // Limits count in 10-minute windows aligned to the clock: start well
  // inside one, so all eleven orders fall in it.
  const intoWindow = Math.floor(Date.now() / 1000) % 600;
  if (intoWindow > 570) await new Promise((done) => setTimeout(done, (601 - intoWindow) * 1000));
  // Ten orders from Table 7 through the API: the demo's limit per table.
  for (let n = 0; n < 10; n++) {
    const placed = await server.api(`/tables/${server.tables["Table 7"].token}/orders`, {
      method: "POST",
      body: { lines: [{ item_id: "espresso", quantity: 1 }] },
    });
    assert.equal(placed.status, 201, `order ${n + 1} of 10 is taken`);
  }
  const page = await phonePage(browser, server);
  await page.goto(server.url + server.tables["Table 7"].path);
  await page.getByRole("button", { name: "Espresso" }).click();
  await page.locator("#item-sheet").getByRole("button", { name: /^Add ·/ }).click();
  await page.getByRole("button", { name: /View order/ }).click();
  const answers = [];
  page.on("response", (response) => { if (response.url().endsWith("/orders")) answers.push(response.status()); });
  await page.getByRole("button", { name: /Send order to the kitchen · / }).click();
  const error = page.locator("#cart-error");
  await error.filter({ hasText: "10 orders" }).waitFor({ timeout: 10000 });
  assert.match(await error.textContent(), /This table has already sent 10 orders in 10 minutes.*ask a member of staff/);
  assert.deepEqual(answers, [429], "refused once, not retried in a loop");
  assert.equal(await page.locator("#order-number").count(), 0, "no order page: nothing was placed");
  await page.screenshot({ path: process.env.TABLETAP_SCREENSHOT_DIR ? `${process.env.TABLETAP_SCREENSHOT_DIR}/rate-limit.png` : "/tmp/tabletap-rate-limit.png" });
});
