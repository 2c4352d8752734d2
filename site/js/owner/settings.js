// Restaurant settings: name, currency, locale, time zone, tax, opening
// hours, takeout and pickup times, approval before the kitchen, order
// limits. Part of the restaurant file: saved with the save bar.

import { h, fill } from "../dom.js";

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const cap = (s) => s[0].toUpperCase() + s.slice(1);

export async function mount(container, ctx) {
  const { doc } = ctx;
  const body = h("div");
  container.append(
    h("h2", { textContent: "Settings" }),
    h("p", { className: "lead", textContent: "How the restaurant sells. Saved with the other changes; the diner site uses them at once." }),
    body,
  );
  const set = (fn) => (event) => doc.edit((f) => fn(f.restaurant, event.target));
  const text = (label, value, fn, extra = {}) => h("label", { className: "field" }, label,
    h("input", { value: value ?? "", ...extra, on: { change: set(fn) } }));
  const number = (label, value, fn, extra = {}) => text(label, value, (r, t) => fn(r, Number(t.value)), { type: "number", ...extra });
  const check = (label, value, fn) => h("label", { className: "checks" },
    h("input", { type: "checkbox", checked: Boolean(value), on: { change: set((r, t) => fn(r, t.checked)) } }), label);

  const render = () => {
    const r = doc.file.restaurant;
    const takeout = r.takeout ?? {};
    const limits = r.order_limits ?? {};
    const hours = takeout.opening_hours ?? {};
    fill(body,
      h("section", { className: "panel" }, h("h3", { textContent: "The restaurant" }),
        h("div", { className: "fields" },
          text("Name", r.name, (r, t) => { r.name = t.value.trim(); }, { id: "setting-name", maxLength: 100 }),
          text("Currency (ISO code)", r.currency, (r, t) => { r.currency = t.value.trim().toUpperCase(); }, { maxLength: 3, pattern: "[A-Za-z]{3}" }),
          text("Locale", r.locale, (r, t) => { r.locale = t.value.trim(); }, { placeholder: "de-DE" }),
          text("Time zone", r.time_zone, (r, t) => { r.time_zone = t.value.trim(); }, { placeholder: "Europe/Berlin" }),
          number("The day turns over at (hour)", r.day_starts_at_hour ?? 4, (r, v) => { r.day_starts_at_hour = v; }, { min: 0, max: 23 }))),
      h("section", { className: "panel" }, h("h3", { textContent: "Tax" }),
        h("div", { className: "fields" },
          h("label", { className: "field" }, "Prices on the menu",
            h("select", { on: { change: set((r, t) => { r.tax_mode = t.value; }) } },
              h("option", { value: "inclusive", textContent: "include tax (Europe)", selected: r.tax_mode === "inclusive" }),
              h("option", { value: "exclusive", textContent: "exclude tax, added at checkout (US)", selected: r.tax_mode === "exclusive" }))),
          text("Default tax rate (%)", r.default_tax_rate, (r, t) => { r.default_tax_rate = t.value.trim().replace(",", "."); }, { inputMode: "decimal" })),
        h("p", { className: "muted small", textContent: "Each item can have its own rate (Menu → Edit)." })),
      h("section", { className: "panel" }, h("h3", { textContent: "Dine-in" }),
        check("Staff approve each table order before the kitchen sees it", r.dine_in_requires_approval, (r, v) => { r.dine_in_requires_approval = v; }),
        h("div", { className: "fields" },
          number("Orders per table", limits.per_table?.orders ?? 10, (r, v) => { r.order_limits = { ...limits, per_table: { ...(limits.per_table ?? { minutes: 10 }), orders: v } }; }, { min: 0 }),
          number("… in minutes", limits.per_table?.minutes ?? 10, (r, v) => { r.order_limits = { ...limits, per_table: { ...(limits.per_table ?? { orders: 10 }), minutes: v } }; }, { min: 1 }),
          number("Orders per restaurant", limits.per_restaurant?.orders ?? 60, (r, v) => { r.order_limits = { ...limits, per_restaurant: { ...(limits.per_restaurant ?? { minutes: 1 }), orders: v } }; }, { min: 0 }),
          number("… in minutes", limits.per_restaurant?.minutes ?? 1, (r, v) => { r.order_limits = { ...limits, per_restaurant: { ...(limits.per_restaurant ?? { orders: 60 }), minutes: v } }; }, { min: 1 })),
        h("p", { className: "muted small", textContent: "Past a limit the site asks the diner to wait; 0 turns a limit off." })),
      h("section", { className: "panel" }, h("h3", { textContent: "Takeout" }),
        check("Takeout orders, paid online", takeout.enabled, (r, v) => { r.takeout = { ...takeout, enabled: v }; }),
        h("div", { className: "fields" },
          number("Earliest pickup (minutes from now)", takeout.lead_minutes ?? 20, (r, v) => { r.takeout = { ...takeout, lead_minutes: v }; }, { min: 0 }),
          number("Pickup times every (minutes)", takeout.slot_minutes ?? 15, (r, v) => { r.takeout = { ...takeout, slot_minutes: v }; }, { min: 5 }),
          number("Days ahead", takeout.days_ahead ?? 0, (r, v) => { r.takeout = { ...takeout, days_ahead: v }; }, { min: 0 })),
        h("p", { className: "muted small", textContent: "Opening hours for pickup, e.g. 11:30-14:30, 17:30-23:00. Empty: closed that day." }),
        h("div", { className: "hours" }, DAYS.map((day) => [
          h("span", { textContent: cap(day) }),
          h("input", { value: (hours[day] ?? []).join(", "), attrs: { "aria-label": `Opening hours on ${day}` },
            on: { change: set((r, t) => {
              const periods = t.value.split(",").map((p) => p.trim()).filter(Boolean);
              r.takeout = { ...takeout, opening_hours: { ...hours, [day]: periods } };
            }) } })]))),
    );
  };
  doc.subscribe(render);
  render();
}
