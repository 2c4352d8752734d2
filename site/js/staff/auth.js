// Staff sign-in. Locally the server signs staff in (POST /api/staff/sign-in);
// in AWS the site asks Cognito (USER_PASSWORD_AUTH) with the app client of
// the stack, named in /config.json. Either way the board holds one token,
// in this tab's sessionStorage only, and sends it as a bearer token.

import { request } from "../api.js";

const KEY = "tabletap.staff.session";

export function savedSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (session && Date.parse(session.expires_at) > Date.now() + 30_000) return session;
  } catch { /* unreadable: sign in again */ }
  return null;
}

function save(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

/** The restaurant a session may act for, and whether as owner. */
export function restaurantOf(session) {
  const roles = (session.roles || []).map((g) => g.split(":")).filter((p) => p.length === 2);
  const first = roles[0];
  return first ? { id: first[0], owner: roles.some(([r, role]) => r === first[0] && role === "owner") } : null;
}

function decodePayload(token) {
  const part = token.split(".")[1] || "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(json);
}

async function cognitoCall(config, action, body) {
  const response = await fetch(`https://cognito-idp.${config.cognitoRegion}.amazonaws.com/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${action}` },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || "Sign-in failed.");
  return data;
}

async function cognito(config, body) {
  return (await cognitoCall(config, "InitiateAuth", body)).AuthenticationResult;
}

function fromCognito(result, refreshToken) {
  const claims = decodePayload(result.IdToken);
  return save({
    token: result.IdToken,
    refresh: refreshToken ?? result.RefreshToken,
    expires_at: new Date(claims.exp * 1000).toISOString(),
    roles: claims["cognito:groups"] || [],
    username: claims.email || claims["cognito:username"],
  });
}

/**
 * Signs in. `chooseNewPassword` is asked for a password of the person's
 * own when Cognito wants one (the first sign-in with the temporary
 * password of the invitation email): an async function returning it.
 */
export async function signIn(config, username, password, chooseNewPassword = newPasswordDialog) {
  if (config.staffAuth === "cognito") {
    const first = await cognitoCall(config, "InitiateAuth", { AuthFlow: "USER_PASSWORD_AUTH", ClientId: config.cognitoClientId, AuthParameters: { USERNAME: username, PASSWORD: password } });
    if (first.AuthenticationResult) return fromCognito(first.AuthenticationResult);
    if (first.ChallengeName !== "NEW_PASSWORD_REQUIRED") throw new Error("This account cannot sign in here yet; ask the owner.");
    const newPassword = await chooseNewPassword();
    const answer = await cognitoCall(config, "RespondToAuthChallenge", {
      ClientId: config.cognitoClientId,
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: first.Session,
      ChallengeResponses: { USERNAME: first.ChallengeParameters?.USER_ID_FOR_SRP ?? username, NEW_PASSWORD: newPassword },
    });
    if (!answer.AuthenticationResult) throw new Error("The new password was not accepted. Sign in again.");
    return fromCognito(answer.AuthenticationResult);
  }
  const { data } = await request("/staff/sign-in", { method: "POST", body: { username, password } });
  return save({ ...data, username });
}

/** A fresh token before this one runs out (the board stays open all evening). */
export async function renew(config, session) {
  if (config.staffAuth === "cognito") {
    const result = await cognito(config, { AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: config.cognitoClientId, AuthParameters: { REFRESH_TOKEN: session.refresh } });
    return fromCognito(result, session.refresh);
  }
  const { data } = await request("/staff/refresh", { method: "POST", body: {}, headers: { authorization: `Bearer ${session.token}` } });
  return save({ ...data, username: session.username });
}

/**
 * Asks for a password of the person's own (Cognito's first sign-in): a
 * modal with the pool's rules, typed twice. Rejects if dismissed.
 */
export function newPasswordDialog() {
  return new Promise((resolve, reject) => {
    const dialog = document.createElement("dialog");
    dialog.className = "sheet";
    dialog.id = "new-password-dialog";
    dialog.setAttribute("aria-labelledby", "new-password-title");
    dialog.innerHTML = `
      <form method="dialog" class="sheet-body" novalidate>
        <h2 id="new-password-title">Choose your password</h2>
        <p>This is your first sign-in. Choose a password of your own, at least 10 characters (a few words make a good one).</p>
        <label class="field">New password <input type="password" name="first" autocomplete="new-password" required minlength="10"></label>
        <label class="field">The same again <input type="password" name="second" autocomplete="new-password" required minlength="10"></label>
        <p class="error" role="alert"></p>
        <div class="actions"><button type="button" value="cancel">Cancel</button><button type="submit" class="primary">Set password and sign in</button></div>
      </form>`;
    document.body.append(dialog);
    const form = dialog.querySelector("form");
    const error = dialog.querySelector(".error");
    const done = (fn) => { dialog.close(); dialog.remove(); fn(); };
    dialog.querySelector("button[value=cancel]").addEventListener("click", () => done(() => reject(new Error("Sign-in cancelled: you need a password of your own first."))));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const first = form.elements.first.value;
      // The stack's pool asks for 10 characters (infra/template.yaml).
      if (first.length < 10) {
        error.textContent = "At least 10 characters, please.";
        return;
      }
      if (first !== form.elements.second.value) {
        error.textContent = "The two passwords are not the same.";
        return;
      }
      done(() => resolve(first));
    });
    dialog.showModal();
    form.elements.first.focus();
  });
}
