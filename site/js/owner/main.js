// The owner's back office: sign in (the same session as the board), then
// one page per task. Menu, tables and settings edit one document, the
// restaurant file (GET/PUT /restaurants/{id}/owner/restaurant): changes
// collect in the save bar and are saved together, with the version they
// started from, so a save never overwrites what someone else changed.

import { $, announce } from "../dom.js";
import { ApiError, NetworkError } from "../api.js";
import { savedSession, signOut, restaurantOf } from "../staff/auth.js";
import { loadConfig, wireSignInForm, keepRenewed } from "../staff/page.js";

const VIEWS = ["menu", "tables", "settings", "staff", "sales", "file"];
const MODULES = {
  menu: "./menu.js",
  tables: "./tables.js",
  settings: "./settings.js",
  staff: "./staff.js",
  sales: "./sales.js",
  file: "./file.js",
};

let config = {};
let apiBase = "/api";
let session = null;
let stopRenewing = () => {};
const mounted = new Map();

/** fetch() of an API path with the owner's token: the raw Response. */
async function api(path, options = {}) {
  const headers = { ...(options.headers || {}), authorization: `Bearer ${session.token}` };
  let response;
  try {
    response = await fetch(apiBase + path, { cache: "no-store", ...options, headers });
  } catch {
    throw new NetworkError();
  }
  if (response.status === 401) {
    signOut();
    showSignIn("Your sign-in ran out. Please sign in again.");
  }
  return response;
}

/** A JSON request: `{data, headers}`, or throws ApiError with the server's message. */
async function request(path, { method = "GET", body, headers = {}, raw } = {}) {
  const json = body !== undefined && raw === undefined;
  const response = await api(path, {
    method,
    headers: { accept: "application/json", ...(json ? { "content-type": "application/json" } : {}), ...headers },
    body: raw ?? (json ? JSON.stringify(body) : undefined),
  });
  const text = await response.text().catch(() => "");
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) throw new ApiError(response.status, data, response.headers.get("retry-after"));
  return { data, headers: response.headers };
}

/**
 * The restaurant file being edited: the saved copy, the working copy and
 * its version. Pages change the working copy with `edit`, and the save bar
 * appears; `save` sends it with If-Match.
 */
function documentStore(restaurantId) {
  const listeners = new Set();
  const doc = {
    saved: null,
    file: null,
    version: null,
    dirty: false,
    subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    changed() { for (const fn of listeners) fn(doc); renderSaveBar(doc); },
    async reload() {
      const { data, headers } = await request(`/restaurants/${restaurantId}/owner/restaurant`);
      doc.saved = data;
      doc.file = structuredClone(data);
      doc.version = (headers.get("etag") || "").replace(/^W\//, "").replace(/"/g, "") || null;
      doc.dirty = false;
      doc.error = "";
      doc.changed();
      return doc;
    },
    /** Applies `fn` to the working copy (which it may change in place). */
    edit(fn) {
      fn(doc.file);
      doc.dirty = JSON.stringify(doc.file) !== JSON.stringify(doc.saved);
      doc.error = "";
      doc.changed();
    },
    discard() {
      doc.file = structuredClone(doc.saved);
      doc.dirty = false;
      doc.error = "";
      doc.changed();
    },
    async save() {
      const headers = doc.version ? { "if-match": `"${doc.version}"` } : {};
      try {
        const { data } = await request(`/restaurants/${restaurantId}/owner/restaurant`, { method: "PUT", body: doc.file, headers });
        await doc.reload();
        doc.notice = data.message;
        announce(data.message);
        doc.changed();
        return data;
      } catch (error) {
        doc.error = error.message;
        doc.errorCode = error.code;
        doc.changed();
        throw error;
      }
    },
  };
  return doc;
}

function renderSaveBar(doc) {
  const bar = $("save-bar");
  const show = doc.dirty || Boolean(doc.error);
  bar.hidden = !show;
  bar.classList.toggle("is-error", Boolean(doc.error));
  $("save-state").textContent = doc.error
    ? doc.error
    : "You have unsaved changes. Diners see them once you save.";
  $("save").textContent = doc.errorCode === "edited_elsewhere" ? "Reload" : "Save changes";
  $("save").hidden = !doc.dirty && doc.errorCode !== "edited_elsewhere";
}

let ctx = null;

function show(view) {
  $("view-sign-in").hidden = view !== "sign-in";
  for (const name of VIEWS) $(`view-${name}`).hidden = name !== view;
  $("owner-nav").hidden = view === "sign-in";
  for (const tab of document.querySelectorAll("#owner-nav [data-view]")) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
}

async function open(view) {
  if (!VIEWS.includes(view)) view = "menu";
  show(view);
  if (location.hash !== `#${view}`) history.replaceState(null, "", `#${view}`);
  if (mounted.has(view)) return;
  const container = $(`view-${view}`);
  mounted.set(view, true);
  try {
    const module = await import(MODULES[view]);
    await module.mount(container, ctx);
  } catch (error) {
    mounted.delete(view);
    container.textContent = `This page could not be loaded: ${error.message}`;
  }
}

function showSignIn(message = "") {
  stopRenewing();
  session = null;
  ctx = null;
  mounted.clear();
  for (const name of VIEWS) $(`view-${name}`).replaceChildren();
  $("save-bar").hidden = true;
  $("signed-in-as").textContent = "Owner";
  $("restaurant-name").textContent = "Back office";
  $("sign-in-error").textContent = message;
  show("sign-in");
  $("username").focus();
}

async function enter(newSession) {
  session = newSession;
  const r = restaurantOf(session);
  if (!r || !r.owner) {
    signOut();
    showSignIn(r ? "This account is staff, not an owner. The orders board is at /staff/." : "This account has no role in any restaurant.");
    return;
  }
  stopRenewing = keepRenewed(config, session, (renewed) => { session = renewed; },
    () => showSignIn("Your sign-in ran out. Please sign in again."));
  const doc = documentStore(r.id);
  ctx = {
    restaurantId: r.id,
    username: session.username,
    mode: config.staffAuth === "cognito" ? "cognito" : "local",
    api,
    request,
    doc,
    restaurant: null,
  };
  try {
    await doc.reload();
  } catch (error) {
    showSignIn(error.message);
    return;
  }
  const settings = doc.file.restaurant;
  ctx.restaurant = { name: settings.name, currency: settings.currency, locale: settings.locale, time_zone: settings.time_zone };
  doc.subscribe(() => {
    const s = doc.saved.restaurant;
    Object.assign(ctx.restaurant, { name: s.name, currency: s.currency, locale: s.locale, time_zone: s.time_zone });
    $("restaurant-name").textContent = s.name;
  });
  $("restaurant-name").textContent = settings.name;
  $("signed-in-as").textContent = `${session.username ?? "Owner"} · owner`;
  await open(location.hash.slice(1));
}

async function main() {
  config = await loadConfig();
  apiBase = String(config.apiBaseUrl || "/api").replace(/\/+$/, "");
  wireSignInForm(config, enter);
  for (const tab of document.querySelectorAll("#owner-nav [data-view]")) {
    tab.addEventListener("click", () => open(tab.dataset.view));
  }
  $("save").addEventListener("click", async () => {
    const button = $("save");
    button.disabled = true;
    try {
      if (ctx.doc.errorCode === "edited_elsewhere") await ctx.doc.reload();
      else await ctx.doc.save();
    } catch { /* shown in the bar */ } finally {
      button.disabled = false;
    }
  });
  $("discard").addEventListener("click", () => ctx.doc.discard());
  $("sign-out").addEventListener("click", () => { signOut(); showSignIn(); });
  window.addEventListener("beforeunload", (event) => { if (ctx?.doc.dirty) event.preventDefault(); });
  const saved = savedSession();
  if (saved) await enter(saved);
  else showSignIn();
}

main();
