// What the staff board and the owner's back office share around sign-in:
// the runtime config, the sign-in form and keeping the session renewed.

import { $ } from "../dom.js";
import { setApiBase } from "../api.js";
import { signIn, renew } from "./auth.js";

/** /config.json (the same as the diner site's); sets the API base. */
export async function loadConfig() {
  let config = {};
  try {
    const response = await fetch("/config.json", { credentials: "same-origin" });
    if (response.ok) config = await response.json();
  } catch { /* defaults */ }
  setApiBase(config.apiBaseUrl || "/api");
  return config;
}

/** The page's #sign-in-form: signs in and hands the session to `enter`. */
export function wireSignInForm(config, enter) {
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    const button = event.submitter ?? event.target.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await enter(await signIn(config, $("username").value.trim(), $("password").value));
      $("password").value = "";
    } catch (error) {
      $("sign-in-error").textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
}

/**
 * Renews the session five minutes before it runs out, again and again (a
 * board stays open all evening): `renewed(session)` after each renewal,
 * `lost()` when one fails. Returns a function that stops it.
 */
export function keepRenewed(config, session, renewed, lost) {
  let timer = null;
  const schedule = (current) => {
    const wait = Math.max(10_000, Date.parse(current.expires_at) - Date.now() - 5 * 60_000);
    timer = setTimeout(async () => {
      let next;
      try {
        next = await renew(config, current);
      } catch {
        lost();
        return;
      }
      renewed(next);
      schedule(next);
    }, wait);
  };
  schedule(session);
  return () => clearTimeout(timer);
}
