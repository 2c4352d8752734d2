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

async function cognito(config, body) {
  const response = await fetch(`https://cognito-idp.${config.cognitoRegion}.amazonaws.com/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || "Sign-in failed.");
  return data.AuthenticationResult;
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

export async function signIn(config, username, password) {
  if (config.staffAuth === "cognito") {
    const result = await cognito(config, { AuthFlow: "USER_PASSWORD_AUTH", ClientId: config.cognitoClientId, AuthParameters: { USERNAME: username, PASSWORD: password } });
    if (!result) throw new Error("This account must set a new password first (see the invitation email).");
    return fromCognito(result);
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
