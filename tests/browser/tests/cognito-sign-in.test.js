// The staff sign-in as it runs in AWS, against moto's Cognito (the site
// calls cognito-idp.<region>.amazonaws.com; the test forwards those calls to
// moto): a person invited by the owner signs in with the temporary password
// of the invitation, is asked for a password of their own, and is signed in
// with the groups of the pool. The board's API calls are not part of this
// test (the local server verifies its own tokens, not Cognito's).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { LocalServer, launchBrowser, screenshot } from "../harness.js";

const moto = process.env.TABLETAP_MOTO_ENDPOINT;
if (!moto && process.env.CI) throw new Error("TABLETAP_MOTO_ENDPOINT is not set: this test needs moto (scripts/test.sh starts it)");

let server;
let browser;
let pool;

async function cognito(action, body) {
  const response = await fetch(moto, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${action}`,
      authorization: "AWS4-HMAC-SHA256 Credential=local/20261208/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=local",
    },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  assert.ok(response.ok, `${action}: ${JSON.stringify(data)}`);
  return data;
}

before(async () => {
  if (!moto) return;
  // The stack's password policy (infra/template.yaml StaffUserPool).
  const { UserPool } = await cognito("CreateUserPool", {
    PoolName: `browser-${Date.now()}`,
    Policies: { PasswordPolicy: { MinimumLength: 10, RequireLowercase: false, RequireUppercase: false, RequireNumbers: false, RequireSymbols: false } },
  });
  const { UserPoolClient } = await cognito("CreateUserPoolClient", {
    UserPoolId: UserPool.Id, ClientName: "staff-board", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
  });
  await cognito("CreateGroup", { UserPoolId: UserPool.Id, GroupName: "demo:staff" });
  await cognito("AdminCreateUser", {
    UserPoolId: UserPool.Id, Username: "cook@demo.example", TemporaryPassword: "Temporary-123",
    UserAttributes: [{ Name: "email", Value: "cook@demo.example" }], MessageAction: "SUPPRESS",
  });
  await cognito("AdminAddUserToGroup", { UserPoolId: UserPool.Id, Username: "cook@demo.example", GroupName: "demo:staff" });
  pool = { id: UserPool.Id, client: UserPoolClient.ClientId };
  server = await LocalServer.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("an invited person chooses their own password at the first sign-in", { skip: !moto && "needs moto (TABLETAP_MOTO_ENDPOINT)" }, async () => {
  const context = await browser.newContext({ viewport: { width: 1180, height: 820 }, locale: "en-GB" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  // The site's config in AWS (written by scripts/deploy-site.sh).
  await page.route("**/config.json", (route) => route.fulfill({
    json: { apiBaseUrl: "/api", staffAuth: "cognito", cognitoRegion: "us-east-1", cognitoClientId: pool.client },
  }));
  const targets = [];
  const answers = {};
  await page.route("https://cognito-idp.us-east-1.amazonaws.com/**", async (route) => {
    const request = route.request();
    targets.push(request.headers()["x-amz-target"]);
    const answer = await fetch(moto, { method: "POST", headers: { "content-type": request.headers()["content-type"], "x-amz-target": request.headers()["x-amz-target"] }, body: request.postData() });
    const body = await answer.text();
    answers[request.headers()["x-amz-target"]] = JSON.parse(body);
    await route.fulfill({ status: answer.status, headers: { "content-type": "application/x-amz-json-1.1", "access-control-allow-origin": "*" }, body });
  });

  await page.goto(`${server.url}/staff/`);
  await page.getByLabel("Username").fill("cook@demo.example");
  await page.getByLabel("Password").fill("Temporary-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  const dialog = page.locator("#new-password-dialog");
  await dialog.getByRole("heading", { name: "Choose your password" }).waitFor();
  await dialog.getByLabel("New password").fill("short");
  await dialog.getByLabel("The same again").fill("short");
  await dialog.getByRole("button", { name: "Set password and sign in" }).click();
  await dialog.getByRole("alert").getByText("At least 10 characters, please.").waitFor();
  await dialog.getByLabel("New password").fill("tomato basil oregano");
  await dialog.getByLabel("The same again").fill("tomato basil oregano!");
  await dialog.getByRole("button", { name: "Set password and sign in" }).click();
  await dialog.getByRole("alert").getByText(/not the same/).waitFor();
  await screenshot(page, "staff-new-password");
  await dialog.getByLabel("The same again").fill("tomato basil oregano");
  // Signed in: the board asks for the restaurant's orders with the pool's
  // ID token, whose groups give the role.
  const boardCall = page.waitForRequest((r) => r.url().includes("/api/restaurants/demo/staff/orders"));
  await dialog.getByRole("button", { name: "Set password and sign in" }).click();
  const call = await boardCall;
  assert.deepEqual(targets, ["AWSCognitoIdentityProviderService.InitiateAuth", "AWSCognitoIdentityProviderService.RespondToAuthChallenge"]);
  const idToken = answers["AWSCognitoIdentityProviderService.RespondToAuthChallenge"].AuthenticationResult.IdToken;
  assert.equal(call.headers().authorization, `Bearer ${idToken}`);
  const claims = JSON.parse(Buffer.from(idToken.split(".")[1], "base64url").toString());
  assert.deepEqual(claims["cognito:groups"], ["demo:staff"]);
  assert.equal(claims["cognito:username"], "cook@demo.example");
  // The new password is theirs now: a plain sign-in, no challenge.
  const again = await fetch(moto, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: pool.client, AuthParameters: { USERNAME: "cook@demo.example", PASSWORD: "tomato basil oregano" } }),
  }).then((r) => r.json());
  assert.ok(again.AuthenticationResult?.IdToken, JSON.stringify(again));
  assert.deepEqual(errors, []);
});
