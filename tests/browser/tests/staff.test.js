// The staff board in Chromium against the real local server and the real
// kitchen listener: sign in, a diner's table order appears within 3 s,
// ready (the diner's page follows), complete, reprint (a REPRINT ticket at
// the printer), 86 (the diner cannot add it; an order that still sends it is
// refused with a clear 4xx), and a restaurant that approves orders first.
// Screenshots of the board on a tablet and a phone and of the 86 panel.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { LocalServer, Listener, launchBrowser, phonePage, printerText, repoRoot, screenshot, seriousA11yViolations, waitFor } from "../harness.js";

const TABLET = { viewport: { width: 1180, height: 820 }, deviceScaleFactor: 1, hasTouch: true };
const PHONE_BOARD = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let server;
let browser;
let listener;

before(async () => {
  server = await LocalServer.start();
  browser = await launchBrowser();
  listener = await Listener.start(server);
  await waitFor(() => listener.output.includes("subscribed"), "the listener's subscription", 20000);
});

after(async () => {
  await browser?.close();
  await listener?.stop();
  await server?.close();
});

function demoLogin(srv) {
  const match = srv.stdout.match(/demo staff login: (\S+) \/ (\S+);/);
  assert.ok(match, `the server prints a demo staff login:\n${srv.stdout}`);
  return { username: match[1], password: match[2] };
}

async function boardPage(srv, device) {
  const context = await browser.newContext({ ...device, locale: "en-GB" });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(String(error)));
  await page.goto(`${srv.url}/staff/`);
  const { username, password } = demoLogin(srv);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: /^New/ }).waitFor();
  await page.getByText(/Updated \d+ s ago/).waitFor();
  return page;
}

/** A diner at `table` orders an Espresso (no options) and sends it. */
async function dinerOrders(srv, table, item = "Espresso") {
  const page = await phonePage(browser, srv);
  await page.goto(srv.url + srv.tables[table].path);
  await page.getByRole("button", { name: item, exact: true }).click();
  await page.locator("#item-sheet").getByRole("button", { name: /^Add ·/ }).click();
  await page.getByRole("button", { name: /View order · 1 item/ }).click();
  await page.getByRole("button", { name: /Send order to the kitchen/ }).click();
  const number = (await page.locator("#order-number").textContent()).trim();
  return { page, number };
}

test("sign-in page and board have no serious accessibility violations", async () => {
  const context = await browser.newContext({ ...TABLET, locale: "en-GB" });
  const page = await context.newPage();
  await page.goto(`${server.url}/staff/`);
  await page.getByLabel("Username").waitFor();
  assert.deepEqual(await seriousA11yViolations(page), [], "sign-in");
  await page.getByLabel("Username").fill("staff@demo");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("That username and password do not match").waitFor();
  const board = await boardPage(server, TABLET);
  assert.deepEqual(await seriousA11yViolations(board), [], "empty board");
  await context.close();
});

test("a table order appears on the board within 3 s, is bumped to ready and completed, and reprints", async () => {
  const board = await boardPage(server, TABLET);
  const { page: diner, number } = await dinerOrders(server, "Table 3");
  const placedAt = Date.now();
  const card = board.locator(".ticket", { hasText: number });
  await card.waitFor({ timeout: 3000 });
  const seenAfter = Date.now() - placedAt;
  assert.ok(seenAfter <= 3000, `on the board after ${seenAfter} ms`);
  assert.ok(await board.evaluate(() => !!document.body.dataset.lastBeep), "a sound was played");
  await card.getByText("Table 3").waitFor();
  await card.getByText("1 × Espresso").waitFor();

  // The listener prints it; the ticket shows printed, in the kitchen column.
  await board.locator("#col-kitchen .ticket", { hasText: number }).getByText(/bar: printed/).waitFor({ timeout: 15000 });
  await screenshot(board, "staff-board-tablet");

  // Reprint: a REPRINT ticket at the printer file.
  const reprintsBefore = (await printerText(server)).split("REPRINT").length;
  await card.getByRole("button", { name: `Reprint ${number}` }).click();
  await waitFor(async () => (await printerText(server)).split("REPRINT").length > reprintsBefore, "a REPRINT ticket at the printer", 15000);

  // One tap: ready. The diner's page follows.
  await card.getByRole("button", { name: `Ready ${number}` }).click();
  await board.locator("#col-ready .ticket", { hasText: number }).waitFor();
  await diner.locator('#order-status[data-status="READY"]').waitFor({ timeout: 15000 });
  assert.match(await diner.locator("#order-status").textContent(), /^Ready/);

  // Served: off the board; the diner's page says completed.
  await board.locator("#col-ready .ticket", { hasText: number }).getByRole("button", { name: `Served ${number}` }).click();
  await board.locator(".ticket", { hasText: number }).waitFor({ state: "detached" });
  await diner.locator('#order-status[data-status="COMPLETED"]').waitFor({ timeout: 20000 });
  assert.deepEqual(board.errors, []);
  assert.deepEqual(diner.errors, []);
});

test("cancel with a reason; the board shows a banner when the server is away", async () => {
  const board = await boardPage(server, PHONE_BOARD);
  const { page: diner, number } = await dinerOrders(server, "Table 4");
  const card = board.locator(".ticket", { hasText: number });
  await card.waitFor({ timeout: 3000 });
  await screenshot(board, "staff-board-phone");
  assert.deepEqual(await seriousA11yViolations(board), [], "board on a phone");
  await card.getByRole("button", { name: `Cancel ${number}` }).click();
  await board.getByLabel(/Reason/).fill("Guest left");
  await board.getByRole("button", { name: "Cancel order", exact: true }).click();
  await card.waitFor({ state: "detached" });
  await diner.locator('#order-status[data-status="CANCELLED"]').waitFor({ timeout: 20000 });
  assert.match(await diner.locator("#order-status").textContent(), /Guest left/);

  // The network goes: a banner, never a silently empty board.
  await board.context().setOffline(true);
  await board.getByRole("alert").filter({ hasText: "Cannot reach the server" }).waitFor({ timeout: 10000 });
  await board.context().setOffline(false);
  await board.locator("#offline-banner").waitFor({ state: "hidden", timeout: 10000 });
});

test("an item switched to sold out in the 86 panel cannot be added, and an order that still sends it gets a clear 4xx", async () => {
  const board = await boardPage(server, TABLET);
  await board.getByRole("button", { name: "86 / sold out" }).click();
  const toggle = board.getByRole("switch", { name: "Espresso available" });
  await toggle.waitFor();
  const all = await board.locator(".row-86").count();
  await board.getByLabel("Search items and options").fill("espresso");
  const shown = await board.locator(".row-86:visible").allTextContents();
  assert.ok(shown.length >= 1 && shown.length < all, `search narrows the list (${shown.length} of ${all})`);
  assert.ok(shown.every((t) => /espresso/i.test(t)), `only matches: ${shown}`);
  await toggle.click();
  await board.locator('[role="switch"][aria-label="Espresso available"][aria-checked="false"]').waitFor();
  await screenshot(board, "staff-86-panel");
  assert.deepEqual(await seriousA11yViolations(board), [], "86 panel");

  const diner = await phonePage(browser, server);
  await diner.goto(server.url + server.tables["Table 2"].path);
  const card = diner.locator("#i-espresso");
  await card.getByText("Sold out").waitFor();
  assert.equal(await card.getByRole("button", { name: "Espresso" }).getAttribute("aria-disabled"), "true");

  // A client that still sends it (a cart from before the 86): refused, with a reason.
  const token = server.tables["Table 2"].token;
  const refused = await server.api(`/tables/${token}/orders`, { method: "POST", body: { lines: [{ item_id: "espresso", quantity: 1, options: [] }] } });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, "item_unavailable");
  assert.match(refused.body.message, /Espresso/);

  await board.getByRole("switch", { name: "Espresso available" }).click();
  await board.locator('[role="switch"][aria-label="Espresso available"][aria-checked="true"]').waitFor();
});

test("with approval on, an order waits, does not print, is approved on the board and prints once", async () => {
  const srv = await LocalServer.start();
  try {
    await srv.stop();
    const demo = (await readFile(path.join(repoRoot, "functions/local/demo/trattoria.yaml"), "utf8")).replace("dine_in_requires_approval: false", "dine_in_requires_approval: true");
    const file = path.join(srv.dataDir, "approval.yaml");
    await writeFile(file, demo);
    await srv.cli("import", file);
    await srv.restart();
    const kitchen = await Listener.start(srv);
    try {
      await waitFor(() => kitchen.output.includes("subscribed"), "the listener's subscription", 20000);
      const board = await boardPage(srv, TABLET);
      const { page: diner, number } = await dinerOrders(srv, "Table 5");
      const card = board.locator("#col-new .ticket", { hasText: number });
      await card.waitFor({ timeout: 3000 });
      await card.getByText("Waiting for approval").waitFor();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.ok(!(await printerText(srv)).includes(number), "nothing printed before approval");
      await card.getByRole("button", { name: `Approve ${number}` }).click();
      await waitFor(async () => (await printerText(srv)).includes(number), `the ticket of ${number}`, 15000);
      await diner.locator('#order-status[data-status="PRINTED"]').waitFor({ timeout: 20000 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const text = await printerText(srv);
      assert.equal(text.split(number).length - 1, 1, "printed once");
    } finally {
      await kitchen.stop();
    }
  } finally {
    await srv.close();
  }
});

test("with no kitchen listener the board raises a delivery alert; once the listener starts the ticket prints once and the alert clears", async () => {
  // Alerts after 3 s instead of 2 min, so the test sees one.
  const srv = await LocalServer.start({ extraArgs: ["--delivery-alert-after", "3"] });
  let kitchen;
  try {
    const board = await boardPage(srv, TABLET);
    const { page: diner, number } = await dinerOrders(srv, "Table 3");
    const banner = board.locator("#delivery-alerts");
    await banner.getByText(`${number}: the bar ticket has not printed`).waitFor({ timeout: 20000 });
    await banner.getByRole("heading", { name: "1 kitchen ticket not printed" }).waitFor();
    await banner.getByText(/Check the kitchen printer/).waitFor();
    await screenshot(board, "staff-board-delivery-alert-tablet");
    assert.ok(!(await printerText(srv)).includes(number), "nothing printed without a listener");

    // The kitchen PC comes back: the redelivery sweep sends the same ticket.
    kitchen = await Listener.start(srv);
    await waitFor(async () => (await printerText(srv)).includes(number), `the ticket of ${number}`, 40000);
    await diner.locator('#order-status[data-status="PRINTED"]').waitFor({ timeout: 20000 });
    await banner.waitFor({ state: "hidden", timeout: 10000 });
    // More redelivery rounds would have passed by now: still one print.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const text = await printerText(srv);
    assert.equal(text.split(number).length - 1, 1, "printed once");
    assert.deepEqual(board.errors, []);
  } finally {
    await kitchen?.stop();
    await srv.close();
  }
});
