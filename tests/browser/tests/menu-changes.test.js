// What a diner sees when something is not orderable: a sold-out item, an
// item that sold out while it was in the cart, a revoked table link.
// Availability and tokens are changed with the owner CLI on the stopped
// server (the embedded store is one file, opened by one process at a time),
// then the server is started again on the same port.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { LocalServer, launchBrowser, phonePage, repoRoot, screenshot, seriousA11yViolations, textOf } from "../harness.js";

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

test("a sold-out item is shown but cannot be added, nor a sold-out option chosen", async () => {
  const page = await phonePage(browser, server);
  await page.goto(server.url + server.tables["Table 2"].path);
  const card = page.locator("#i-quattro-formaggi");
  await card.getByText("Sold out").waitFor();
  const open = card.getByRole("button", { name: "Quattro formaggi" });
  assert.equal(await open.getAttribute("aria-disabled"), "true");
  // A real tap (Playwright would otherwise refuse to click an aria-disabled button).
  await open.click({ force: true });
  await page.waitForTimeout(300);
  assert.equal(await page.locator("#item-sheet").isVisible(), false, "no item sheet for a sold-out item");
  assert.equal(await page.locator("#cart-bar").isVisible(), false, "nothing in the cart");

  // In an orderable pizza, the sold-out extra cannot be ticked.
  await page.getByRole("button", { name: "Margherita", exact: true }).click();
  assert.equal(await page.locator("#item-sheet").getByLabel(/Truffle cream/).isDisabled(), true);
  // Extras stop at their maximum of 3.
  const sheet = page.locator("#item-sheet");
  for (const extra of ["Buffalo mozzarella", "'Nduja", "Taggiasca olives"]) await sheet.getByLabel(extra).check();
  assert.equal(await sheet.getByLabel("Rocket").isDisabled(), true, "a fourth extra is refused");
  await sheet.getByText("That's the maximum of 3.", { exact: false }).waitFor();
  await sheet.getByLabel("Taggiasca olives").uncheck();
  assert.equal(await sheet.getByLabel("Rocket").isDisabled(), false);
  assert.deepEqual(page.errors, []);
});

test("search finds dishes whatever the accents, and says when nothing matches", async () => {
  const page = await phonePage(browser, server);
  await page.goto(server.url + server.tables["Table 2"].path);
  await page.getByLabel("Search the menu").fill("tiramisu");
  await page.getByRole("button", { name: "Tiramisù" }).waitFor();
  assert.equal(await page.locator("#menu .item:visible").count(), 1);
  assert.equal(await page.locator("#categories a:visible").count(), 1, "only the matching category stays in the bar");
  await page.getByLabel("Search the menu").fill("vegan");
  assert.ok(await page.locator("#menu .item:visible").count() >= 5, "dietary tags are searchable");
  await page.getByLabel("Search the menu").fill("zzz");
  await page.getByText("Nothing on the menu matches").waitFor();
  await page.getByLabel("Search the menu").fill("");
  assert.equal(await page.locator("#menu .item:visible").count(), 15);
});

test("an item sold out while in the cart is marked; removing it lets the rest be sent", async () => {
  const page = await phonePage(browser, server);
  await page.goto(server.url + server.tables["Table 4"].path);
  for (const dish of ["Tiramisù", "Panna cotta"]) {
    await page.getByRole("button", { name: dish }).click();
    await page.locator("#item-sheet").getByRole("button", { name: /^Add ·/ }).click();
  }
  await page.locator("#cart-bar").getByText("2 items").waitFor();

  // The owner marks the tiramisu sold out (re-import; table links are kept).
  await server.stop();
  const menu = await readFile(path.join(repoRoot, "functions/local/demo/trattoria.yaml"), "utf8");
  const changed = menu.replace("        name: Tiramisù\n", "        name: Tiramisù\n        available: false\n");
  assert.notEqual(changed, menu);
  const file = path.join(server.dataDir, "sold-out.yaml");
  await writeFile(file, changed);
  await server.cli("import", file);
  await server.restart();

  await page.getByRole("button", { name: /View order/ }).click();
  const line = page.locator(".cart-line.problem");
  await line.waitFor();
  assert.match(await textOf(line.locator(".line-problem")), /Tiramisù is sold out/);
  await screenshot(page, "cart-sold-out");
  assert.deepEqual(await seriousA11yViolations(page), [], "cart with a problem line");
  await page.getByRole("button", { name: /Send order/ }).click();
  await page.locator("#cart-error").getByText("marked line").waitFor();
  assert.equal(await page.locator("#order-number").count(), 0, "nothing was sent");

  await line.getByRole("button", { name: "Remove Tiramisù" }).click();
  await page.locator(".cart-line.problem").waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Send order to the kitchen · 6,90 €" }).click();
  await page.locator("#order-number").waitFor();
  // The menu shows it as sold out from now on.
  await page.getByRole("link", { name: "Order something else" }).click();
  await page.locator("#i-tiramisu").getByText("Sold out").waitFor();
  // The browser logs the refused quote (409) and requests made while the server was down.
  assert.deepEqual(page.errors.filter((e) => !e.startsWith("Failed to load resource")), []);
});

test("a revoked table link shows a page that says what to do", async () => {
  const page = await phonePage(browser, server);
  const old = server.tables["Table 7"];
  await page.goto(server.url + old.path);
  await page.getByRole("button", { name: "Negroni" }).click();
  await page.locator("#item-sheet").getByRole("button", { name: /^Add ·/ }).click();

  await server.stop();
  const rotated = await server.cli("rotate-table", "--table", "7");
  assert.match(rotated, /Table 7: http/);
  await server.restart();

  // Sending from the page that was already open...
  await page.getByRole("button", { name: /View order/ }).click();
  await page.getByRole("button", { name: /Send order/ }).click();
  await page.getByRole("heading", { name: "This QR code has been replaced" }).waitFor();

  // ...and opening the old link again.
  const fresh = await phonePage(browser, server);
  await fresh.goto(server.url + old.path);
  const heading = fresh.getByRole("heading", { name: "This QR code has been replaced" });
  await heading.waitFor();
  await fresh.getByText("Scan the QR code on your table again").waitFor();
  await fresh.getByText("ask a member of staff", { exact: false }).first().waitFor();
  await screenshot(fresh, "revoked");
  assert.deepEqual(await seriousA11yViolations(fresh), [], "revoked page");

  // A link that never existed gets its own words.
  await fresh.goto(`${server.url}/t/AAAAAAAAAAAAAAAAAAAAAA`);
  await fresh.getByRole("heading", { name: "This table link does not work" }).waitFor();
});
