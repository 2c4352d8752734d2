// What the page is about: shared by the modules, filled in by app.js.

import { moneyFormatter } from "./format.js";

export const ctx = {
  /** /config.json: {apiBaseUrl, stripePublishableKey, paymentProvider, mode}. */
  config: {},
  /** "dine_in" (a table link) or "takeout". */
  kind: "dine_in",
  /** The table link's secret token (dine-in only). */
  token: null,
  table: null,
  restaurant: null,
  categories: [],
  itemsById: new Map(),
  /** Formats integer minor units in the restaurant's currency and locale. */
  money: (minor) => String(minor),
  /** The path this page was opened on, used to come back after an order. */
  home: "/",
};

/** Stores the menu and derives what the views look up. */
export function setMenu(menu) {
  ctx.restaurant = menu.restaurant;
  ctx.categories = menu.categories;
  ctx.itemsById = new Map(menu.categories.flatMap((c) => c.items.map((item) => [item.id, item])));
  ctx.money = moneyFormatter(menu.restaurant.locale, menu.restaurant.currency);
}

/** Restaurant-written text keeps the restaurant's language for screen readers. */
export const contentLang = () => ctx.restaurant?.locale || undefined;
