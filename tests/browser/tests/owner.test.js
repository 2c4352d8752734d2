// The owner's back office in Chromium against the real local server: an
// owner signs in, changes a price and adds an item with a required option;
// the diner site shows both at once (no restart), the server's quote uses
// the new price, and an order placed before the change keeps its old
// price. Then a table's code is rotated on the tables page: the old link
// is refused at once and the QR sheet downloads. Screenshots of each page.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { LocalServer, addPerson, launchBrowser, phonePage, screenshot, seriousA11yViolations, signedInPage, textOf } from "../harness.js";

let server;
let browser;
let owner;

before(async () => {
  server = await LocalServer.start();
  browser = await launchBrowser();
  // Added while the server runs (it rereads the staff file).
  owner = await addPerson(server, "demo", "owner@demo.example", "owner");
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function ownerPage(hash = "menu") {
  return signedInPage(browser, server, `/owner/#${hash}`, owner, "Trattoria Demo", { downloads: true });
}

test("an owner changes a price and adds an item with a required option; diners see both at once, old orders keep their price", async () => {
  // An order placed before the change: one Espresso at 2.40.
  const before = await server.api(`/tables/${server.tables["Table 3"].token}/orders`, {
    method: "POST",
    headers: { "idempotency-key": "owner-test-before" },
    body: { lines: [{ item_id: "espresso", quantity: 1 }] },
  });
  assert.equal(before.status, 201, JSON.stringify(before.body));
  assert.equal(before.body.totals.total, 240);

  const page = await ownerPage("menu");
  await page.getByRole("heading", { name: "Menu" }).waitFor();
  assert.deepEqual(await seriousA11yViolations(page), []);
  await screenshot(page, "owner-menu");

  // Espresso: 2.40 -> 2.80.
  await page.getByRole("button", { name: "Edit Espresso" }).click();
  const dialog = page.locator("#item-dialog");
  await dialog.getByLabel(/^Price/).fill("2.80");
  await dialog.getByRole("button", { name: "Done" }).click();
  await page.getByText("You have unsaved changes").waitFor();

  // A new dessert with a required choice of sauce.
  await page.getByRole("button", { name: "Add an item to Dolci" }).click();
  await dialog.getByLabel("Name", { exact: true }).fill("Affogato");
  await dialog.getByLabel(/^Price/).fill("5.20");
  await dialog.getByLabel("Description").fill("Vanilla ice cream drowned in espresso.");
  await dialog.getByLabel("milk", { exact: true }).check();
  await dialog.getByRole("button", { name: "Add option group" }).click();
  await dialog.getByLabel("Option group name").fill("Liqueur");
  await dialog.getByLabel("Fewest choices").fill("1");
  await dialog.getByLabel("Most choices").fill("1");
  await dialog.getByRole("button", { name: "Add option", exact: true }).click();
  await dialog.getByLabel("Option name").nth(0).fill("None");
  await dialog.getByRole("button", { name: "Add option", exact: true }).click();
  await dialog.getByLabel("Option name").nth(1).fill("Amaretto");
  await dialog.getByLabel(/Extra price of/).nth(1).fill("1.50");
  // A photo from the phone (a tiny PNG here): uploaded, its address filled in.
  const PNG_1PX = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  await dialog.getByLabel("Upload a photo").setInputFiles({ name: "affogato.png", mimeType: "image/png", buffer: PNG_1PX });
  await dialog.getByText(/^Uploaded \(/).waitFor();
  const photoUrl = await dialog.getByLabel("Photo address").inputValue();
  assert.match(photoUrl, /^\/photos\/demo\/[0-9a-f]{32}\.png$/);
  await screenshot(page, "owner-item-dialog");
  await dialog.getByRole("button", { name: "Done" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.locator("#view-menu").getByText(/^Saved: /).waitFor();
  await page.getByText("You have unsaved changes").waitFor({ state: "hidden" });

  // The diner's page, loaded after the save, with no restart in between.
  const diner = await phonePage(browser, server);
  await diner.goto(server.url + server.tables["Table 4"].path);
  await diner.locator("#i-espresso").getByText("2,80 €").waitFor();
  const thumb = diner.locator("#i-affogato img");
  assert.equal(await thumb.getAttribute("src"), photoUrl);
  await thumb.scrollIntoViewIfNeeded();
  await diner.waitForFunction(() => document.querySelector("#i-affogato img")?.naturalWidth > 0);
  await diner.getByRole("button", { name: "Affogato", exact: true }).click();
  const sheet = diner.locator("#item-sheet");
  await sheet.getByText("Liqueur").waitFor();
  await sheet.getByLabel(/Amaretto/).check();
  await sheet.getByRole("button", { name: "Add · 6,70 €" }).click();
  await diner.getByRole("button", { name: "Espresso", exact: true }).click();
  await sheet.getByRole("button", { name: "Add · 2,80 €" }).click();
  await diner.getByRole("button", { name: /View order · 2 items/ }).click();
  // The total is the server's quote: 6.70 + 2.80.
  await diner.locator("#cart-totals").getByText("9,50 €").waitFor();
  assert.deepEqual(diner.errors, []);

  // The server's own quote, asked directly, agrees.
  const quote = await server.api("/restaurants/demo/quote", {
    method: "POST",
    body: { lines: [{ item_id: "espresso", quantity: 1 }] },
  });
  assert.equal(quote.status, 200);
  assert.equal(quote.body.totals.total, 280);

  // The order from before the change still says 2.40.
  const old = await server.api(`/restaurants/demo/orders/${before.body.id}`, {
    headers: { "x-order-token": before.body.access_token },
  });
  assert.equal(old.status, 200, JSON.stringify(old.body));
  assert.equal(old.body.totals.total, 240);
  assert.equal(old.body.lines[0].unit_price, 240);
  assert.deepEqual(page.errors, []);
});

test("the settings page saves the restaurant's name, and a stale save is refused instead of overwriting", async () => {
  const page = await ownerPage("settings");
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  await screenshot(page, "owner-settings");
  // Another tab saves first (the same owner, through the API).
  const other = await ownerPage("settings");
  await other.locator("#setting-name").fill("Trattoria Demo & Bar");
  await other.locator("#setting-name").press("Tab");
  await other.getByRole("button", { name: "Save changes" }).click();
  await other.getByRole("heading", { name: "Trattoria Demo & Bar" }).waitFor();
  // This tab still has the old version: its save changes nothing.
  await page.getByLabel("Orders per table").fill("12");
  await page.getByLabel("Orders per table").press("Tab");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText(/changed since you opened it/).waitFor();
  await page.getByRole("button", { name: "Reload" }).click();
  await page.getByRole("heading", { name: "Trattoria Demo & Bar" }).waitFor();
  assert.equal(await page.locator("#setting-name").inputValue(), "Trattoria Demo & Bar");
  assert.deepEqual([...page.errors, ...other.errors], []);
});

test("rotating a table's code on the tables page refuses the old link at once, and the QR sheet downloads", async () => {
  const page = await ownerPage("tables");
  await page.getByRole("heading", { name: "Tables & QR codes" }).waitFor();
  const card = page.locator('[data-table="5"]');
  await card.locator("img.qr").and(page.locator("img[src^='blob:']")).waitFor();
  await screenshot(page, "owner-tables");
  const oldLink = await textOf(card.locator(".link-text"));
  assert.equal(oldLink, server.tables["Table 5"].url);

  page.once("dialog", (d) => d.accept());
  await card.getByRole("button", { name: "New code for Table 5" }).click();
  await page.locator("#view-tables").getByText(/Table 5 has a new code/).waitFor();
  const newLink = await textOf(card.locator(".link-text"));
  assert.notEqual(newLink, oldLink);

  const token = (link) => link.split("/t/")[1];
  const refused = await server.api(`/tables/${token(oldLink)}`);
  assert.equal(refused.status, 410);
  assert.equal(refused.body.code, "table_revoked");
  const served = await server.api(`/tables/${token(newLink)}`);
  assert.equal(served.status, 200);
  assert.equal(served.body.table.label, "Table 5");

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download QR sheet (PDF)" }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), "demo-tables.pdf");
  const stream = await file.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).subarray(0, 5).toString(), "%PDF-");
  assert.deepEqual(page.errors, []);
});
