// Staff pages: sign in, the live board, the 86 panel. Same runtime config
// (/config.json) as the diner site.

import { $ } from "../dom.js";
import { setApiBase } from "../api.js";
import { savedSession, signIn, signOut, restaurantOf, renew } from "./auth.js";
import { startBoard, stopBoard, updateSession, wireCancelDialog } from "./board.js";
import { showAvailability, wireSearch86 } from "./availability.js";

let config = {};
let session = null;
let restaurant = null;
let renewTimer = null;

async function loadConfig() {
  try {
    const response = await fetch("/config.json", { credentials: "same-origin" });
    if (response.ok) config = await response.json();
  } catch { /* defaults */ }
  setApiBase(config.apiBaseUrl || "/api");
}

function show(view) {
  for (const id of ["view-sign-in", "view-board", "view-86"]) $(id).hidden = id !== view;
  $("board-nav").hidden = view === "view-sign-in";
  for (const [tab, owner] of [["tab-board", "view-board"], ["tab-86", "view-86"]]) {
    if (view === owner) $(tab).setAttribute("aria-current", "page");
    else $(tab).removeAttribute("aria-current");
  }
}

function showSignIn(message = "") {
  stopBoard();
  clearTimeout(renewTimer);
  session = null;
  $("signed-in-as").textContent = "Staff";
  $("restaurant-name").textContent = "Orders board";
  $("sign-in-error").textContent = message;
  show("view-sign-in");
  $("username").focus();
}

function scheduleRenew() {
  clearTimeout(renewTimer);
  const wait = Math.max(10_000, Date.parse(session.expires_at) - Date.now() - 5 * 60_000);
  renewTimer = setTimeout(async () => {
    try {
      session = await renew(config, session);
      updateSession(session);
      scheduleRenew();
    } catch {
      showSignIn("Your sign-in ran out. Please sign in again.");
    }
  }, wait);
}

async function enter(newSession) {
  session = newSession;
  const r = restaurantOf(session);
  if (!r) {
    signOut();
    showSignIn("This account has no role in any restaurant. Ask the owner to add you.");
    return;
  }
  restaurant = r.id;
  $("signed-in-as").textContent = `${session.username ?? "Staff"} · ${r.owner ? "owner" : "staff"}`;
  show("view-board");
  scheduleRenew();
  await startBoard(session, restaurant, (message) => { signOut(); showSignIn(message); });
}

async function main() {
  await loadConfig();
  wireCancelDialog();
  wireSearch86();
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
  $("tab-board").addEventListener("click", () => show("view-board"));
  $("tab-86").addEventListener("click", async () => {
    show("view-86");
    await showAvailability(session, restaurant).catch((error) => { $("list-86").textContent = error.message; });
  });
  $("sign-out").addEventListener("click", () => { signOut(); showSignIn(); });
  const saved = savedSession();
  if (saved) await enter(saved);
  else showSignIn();
}

main();
