// The owner's staff page in Chromium against the real local server: the
// owner invites a cook and is shown the temporary password once (with a
// copy button); the cook signs in on the board with it; the owner makes
// them owner, then removes them after confirming, and the cook's open
// board is refused on its next request. The last owner trying to remove
// themselves gets the server's message in words. Screenshots of each step.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { LocalServer, addPerson, launchBrowser, screenshot, seriousA11yViolations, signedInPage, textOf, waitFor } from "../harness.js";

let server;
let browser;
let owner;

before(async () => {
  server = await LocalServer.start();
  browser = await launchBrowser();
  owner = await addPerson(server, "demo", "owner@demo.example", "owner");
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function signedIn(path, who, heading) {
  return signedInPage(browser, server, path, who, heading, { permissions: ["clipboard-read", "clipboard-write"] });
}

function row(page, name) {
  return page.locator("#staff-list li", { hasText: name });
}

test("an owner invites a cook, hands over the password, promotes and removes them; the last owner stays", async () => {
  const page = await signedIn("/owner/#staff", owner, "Trattoria Demo");
  await page.getByRole("heading", { name: "Staff", exact: true }).waitFor();
  await row(page, "owner@demo.example").waitFor();
  assert.match(await textOf(row(page, "owner@demo.example")), /\(you\).*Owner.*Active/);
  assert.match(await textOf(row(page, "staff@demo")), /Staff.*Active/);
  assert.deepEqual(await seriousA11yViolations(page), []);
  await screenshot(page, "owner-staff");

  // Invite: local mode shows the temporary password once, with a copy button.
  await page.getByLabel("Email address").fill("Cook@Demo.Example");
  await page.getByLabel("Role").selectOption("staff");
  await page.getByRole("button", { name: "Invite" }).click();
  const secret = page.getByLabel("Temporary password for cook@demo.example");
  await secret.waitFor();
  const password = await secret.inputValue();
  assert.ok(password.length >= 10, password);
  await page.getByRole("heading", { name: "Give cook@demo.example this password" }).waitFor();
  await page.getByRole("button", { name: "Copy" }).click();
  await page.getByText("Copied.").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), password);
  assert.match(await textOf(row(page, "cook@demo.example")), /Staff.*Has not signed in yet/);
  assert.deepEqual(await seriousA11yViolations(page), []);
  await screenshot(page, "owner-staff-invited");

  // The cook signs in on the board with it.
  const cook = await signedIn("/staff/", { username: "cook@demo.example", password }, "Trattoria Demo");
  await cook.getByRole("heading", { name: "New" }).first().waitFor();

  // Shown once: after a reload the password is gone, the cook is active.
  await page.reload();
  await row(page, "cook@demo.example").waitFor();
  assert.equal(await page.getByLabel("Temporary password for cook@demo.example").count(), 0);
  assert.match(await textOf(row(page, "cook@demo.example")), /Staff.*Active/);

  // Make owner.
  await page.getByRole("button", { name: "Make owner: cook@demo.example" }).click();
  await page.locator("#view-staff").getByText("cook@demo.example is now an owner").waitFor();
  assert.match(await textOf(row(page, "cook@demo.example")), /Owner/);

  // Remove, after confirming; "Keep" first changes nothing.
  await page.getByRole("button", { name: "Remove cook@demo.example" }).click();
  await page.getByText("Remove cook@demo.example from the restaurant?").waitFor();
  await screenshot(page, "owner-staff-confirm-remove");
  await page.getByRole("button", { name: "Keep" }).click();
  assert.equal(await row(page, "cook@demo.example").count(), 1);
  await page.getByRole("button", { name: "Remove cook@demo.example" }).click();
  await page.getByRole("button", { name: "Yes, remove cook@demo.example" }).click();
  await page.locator("#view-staff").getByText("cook@demo.example was removed from Trattoria Demo").waitFor();
  await waitFor(async () => (await row(page, "cook@demo.example").count()) === 0, "the cook's row to go");

  // The cook's open board is refused on its next request.
  const refused = await cook.evaluate(async () => {
    const session = JSON.parse(sessionStorage.getItem("tabletap.staff.session"));
    const response = await fetch("/api/restaurants/demo/staff/orders", { headers: { authorization: `Bearer ${session.token}` } });
    return { status: response.status, body: await response.json() };
  });
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  assert.equal(refused.body.code, "other_restaurant");

  // The last owner: the server's message, in words.
  await page.getByRole("button", { name: "Remove owner@demo.example" }).click();
  await page.getByText("Remove yourself?").waitFor();
  await page.getByRole("button", { name: "Yes, remove owner@demo.example" }).click();
  const message = page.locator(".notice.error-box");
  await message.waitFor();
  assert.match(await textOf(message), /owner@demo\.example is the restaurant's only owner\. Make someone else an owner first/);
  await screenshot(page, "owner-staff-last-owner");

  // A bad address: the API's message, and nothing added.
  await page.getByLabel("Email address").fill("not an address");
  await page.getByRole("button", { name: "Invite" }).click();
  await page.locator("#view-staff").getByText("is not an email address").waitFor();
  assert.equal(await page.locator("#staff-list li").count(), 2);

  // On a phone the rows stack their buttons under the name.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator("#staff-list").scrollIntoViewIfNeeded();
  await screenshot(page, "owner-staff-phone");

  assert.deepEqual(page.errors, []);
  assert.deepEqual(cook.errors, []);
});
