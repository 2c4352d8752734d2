// Tiny DOM helpers: enough to build views without a framework.

/** Element by id. */
export const $ = (id) => document.getElementById(id);

/**
 * Builds an element. `props` are set as properties, except `attrs` (set as
 * attributes, for aria-*), `dataset` (data-*) and `on` (event listeners).
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === "attrs") for (const [name, v] of Object.entries(value)) { if (v != null && v !== false) node.setAttribute(name, v === true ? "" : String(v)); }
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "on") for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else node[key] = value;
  }
  for (const child of children.flat()) if (child != null && child !== false) node.append(child);
  return node;
}

/** Replaces a node's children, skipping null/false (conditional parts). */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return node;
}

/** Says `text` to screen readers through the page's polite live region. */
export function announce(text) {
  const region = $("announcer");
  region.textContent = "";
  // A fresh text node after a tick makes screen readers repeat the same words.
  setTimeout(() => { region.textContent = text; }, 50);
}

/** Shows one `.view` section, hides the others, and moves focus to its heading. */
export function showView(id, { focus = true } = {}) {
  for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== id;
  $("menu-tools").hidden = id !== "view-menu";
  // The cart bar belongs to the menu; other views have their own actions.
  $("cart-bar").classList.toggle("off", id !== "view-menu");
  $("status-line").textContent = "";
  if (focus) {
    const heading = $(id).querySelector("h2, h1");
    if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
    window.scrollTo({ top: 0 });
  }
}

const FOCUSABLE = "button, [href], input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";

/**
 * Keeps Tab inside a modal sheet. The native modal dialog already makes the
 * page behind inert and closes on Escape, but lets Tab wander out to the
 * browser's own controls; wrapping at the ends keeps keyboard users in it.
 */
function trapFocus(event) {
  if (event.key !== "Tab") return;
  const dialog = event.currentTarget;
  const items = [...dialog.querySelectorAll(FOCUSABLE)].filter((el) => !el.disabled && el.getClientRects().length);
  if (!items.length) return;
  const first = items[0];
  const last = items.at(-1);
  if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement) || document.activeElement.tabIndex < 0)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

/** Opens a modal dialog as a sheet (focus kept inside, Escape closes). */
export function openSheet(dialog) {
  if (!dialog.dataset.trapped) {
    dialog.addEventListener("keydown", trapFocus);
    dialog.dataset.trapped = "1";
  }
  if (!dialog.open) dialog.showModal();
  document.documentElement.classList.add("sheet-open");
  dialog.addEventListener("close", () => document.documentElement.classList.remove("sheet-open"), { once: true });
}

/** A promise that waits `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
