// A diner orders from a table link: options, a note, server totals, the
// ticket at the (file) printer, the status shown as printed. Also the
// accessibility check and the phone screenshots of every screen.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { LocalServer, Listener, launchBrowser, phonePage, printerText, screenshot, seriousA11yViolations, textOf, waitFor } from "../harness.js";

let server;
let browser;
let listener;
let listenerProblem;

before(async () => {
  server = await LocalServer.start();
  browser = await launchBrowser();
  try {
    listener = await Listener.start(server);
  } catch (error) {
    listenerProblem = error;
  }
});

after(async () => {
  await browser?.close();
  await listener?.stop();
  await server?.close();
});

/** Opens the Margherita sheet, picks Large + olives, writes a note, adds 1. */
async function addMargherita(page, note) {
  await page.getByRole("button", { name: "Margherita", exact: true }).click();
  const sheet = page.locator("#item-sheet");
  await sheet.getByRole("heading", { name: "Margherita" }).waitFor();
  await sheet.getByLabel("Large (40 cm)").check();
  await sheet.getByLabel("Taggiasca olives").check();
  await sheet.getByLabel(/Note for the kitchen/).fill(note);
  // 9.50 + 3.50 + 1.50, shown live as the options change.
  await sheet.getByRole("button", { name: "Add · 14,50 €" }).click();
  await sheet.waitFor({ state: "hidden" });
}

test("menu, item sheet, cart and confirmation have no serious accessibility violations (and are screenshotted)", async () => {
  const page = await phonePage(browser, server);
  await page.goto(server.url + server.tables["Table 1"].path);
  await page.getByRole("button", { name: "Margherita", exact: true }).waitFor();
  assert.equal(await page.title(), "Trattoria Demo · Table 1");
  await screenshot(page, "menu");
  assert.deepEqual(await seriousA11yViolations(page), [], "menu");

  await page.getByRole("button", { name: "Margherita", exact: true }).click();
  await page.locator("#item-sheet").getByLabel("Large (40 cm)").check();
  await page.locator("#item-sheet").getByLabel("Buffalo mozzarella").check();
  await page.locator("#item-sheet .sheet-body").evaluate((body) => body.scrollTo(0, 0));
  await screenshot(page, "item-sheet");
  assert.deepEqual(await seriousA11yViolations(page), [], "item sheet");
  // Tab and Shift+Tab stay inside the sheet.
  for (const key of [...Array(25).fill("Tab"), ...Array(5).fill("Shift+Tab")]) {
    await page.keyboard.press(key);
    assert.ok(await page.evaluate(() => !!document.activeElement.closest("#item-sheet")), `focus left the sheet after ${key}`);
  }
  // Escape closes the sheet and focus returns to the dish.
  await page.keyboard.press("Escape");
  await page.locator("#item-sheet").waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Margherita");

  await addMargherita(page, "well done");
  await page.getByRole("button", { name: "Espresso" }).click();
  await page.locator("#item-sheet").getByRole("button", { name: /^Add ·/ }).click();
  await page.getByRole("button", { name: /View order · 2 items/ }).click();
  await page.locator("#cart-totals").getByText("Total").waitFor();
  await screenshot(page, "cart");
  assert.deepEqual(await seriousA11yViolations(page), [], "cart");

  await page.getByRole("button", { name: /Send order to the kitchen/ }).click();
  await page.locator("#order-number").waitFor();
  await screenshot(page, "confirmation");
  assert.deepEqual(await seriousA11yViolations(page), [], "confirmation");
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.foreign, [], "the site requested nothing from other hosts");
});

test("a dine-in order with options and a note prints in the kitchen and shows as printed", async () => {
  const page = await phonePage(browser, server);
  await page.goto(server.url + server.tables["Table 3"].path);
  await addMargherita(page, "no basil please");
  await page.getByRole("button", { name: /View order · 1 item/ }).click();
  await page.getByLabel("Note for the whole order").fill("birthday table");
  // The server's price for the line and the total, not the page's own sum.
  await page.locator("#cart-totals").getByText("14,50 €").waitFor();
  assert.equal(await textOf(page.locator("#l0-price")), "14,50 €");
  await page.getByRole("button", { name: "Send order to the kitchen · 14,50 €" }).click();

  const number = await page.locator("#order-number").textContent();
  assert.match(number, /^A-\d{3}$/);
  await page.locator("#order-status").getByText("Received").waitFor();

  // The order link survives a reload.
  await page.reload();
  assert.equal(await page.locator("#order-number").textContent(), number);

  if (listenerProblem) throw listenerProblem;
  const ticket = await waitFor(async () => {
    const text = await printerText(server);
    return text.includes(number) && text.includes("no basil please") ? text : null;
  }, `the ticket of ${number} in ${server.printerFile}`, 30000).catch((error) => {
    throw new Error(`${error.message}\nlistener output:\n${listener.output}`);
  });
  assert.ok(ticket.includes("Margherita"), "item name on the ticket");
  assert.ok(ticket.includes("Large (40 cm)"), "chosen option on the ticket");
  assert.ok(ticket.includes("Taggiasca olives"), "chosen extra on the ticket");
  assert.ok(ticket.includes("birthday table"), "order note on the ticket");

  await page.locator('#order-status[data-status="PRINTED"]').waitFor({ timeout: 20000 });
  assert.equal(await page.locator("#order-status").textContent(), "Printed in the kitchen. Your order is being prepared.");
  assert.match(await textOf(page.locator('#order-steps li[aria-current="step"]')), /Printed in the kitchen/);
  await screenshot(page, "confirmation-printed");
  assert.deepEqual(page.errors, []);
});
