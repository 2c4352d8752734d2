// Staff pages: sign in, the live board, the 86 panel. Same runtime config
// (/config.json) as the diner site.

import { $ } from "../dom.js";
import { savedSession, signOut, restaurantOf } from "./auth.js";
import { loadConfig, wireSignInForm, keepRenewed } from "./page.js";
import { startBoard, stopBoard, updateSession, wireCancelDialog } from "./board.js";
import { showAvailability, wireSearch86 } from "./availability.js";

let config = {};
let session = null;
let restaurant = null;
let stopRenewing = () => {};

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
  stopRenewing();
  session = null;
  $("signed-in-as").textContent = "Staff";
  $("restaurant-name").textContent = "Orders board";
  $("sign-in-error").textContent = message;
  show("view-sign-in");
  $("username").focus();
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
  stopRenewing = keepRenewed(config, session, (renewed) => { session = renewed; updateSession(renewed); },
    () => showSignIn("Your sign-in ran out. Please sign in again."));
  await startBoard(session, restaurant, (message) => { signOut(); showSignIn(message); });
}

async function main() {
  config = await loadConfig();
  wireCancelDialog();
  wireSearch86();
  wireSignInForm(config, enter);
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
