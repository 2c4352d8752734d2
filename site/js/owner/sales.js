// The owner's sales: a range of business days, its totals, gross by day and
// by hour of the day as bar charts (each with its figures as a table too),
// the items sold, what was not counted, and a CSV file per grouping.
//
// Every figure comes from the server in minor units
// (GET /restaurants/{id}/owner/sales); this page only formats them, and the
// CSV files are the same report, so what the page shows and what the files
// add up to are the same sums.

import { h, fill, announce } from "../dom.js";
import { moneyFormatter } from "../format.js";

/** The longest range the server reports on (core::sales::MAX_RANGE_DAYS). */
export const MAX_DAYS = 92;

const SVG = "http://www.w3.org/2000/svg";
const CHART_HEIGHT = 210;

// ------------------------------------------------------------- dates --
// Business days are "YYYY-MM-DD" strings; arithmetic runs in UTC so that
// no time zone moves a day.

const toDate = (day) => new Date(`${day}T00:00:00Z`);
const iso = (date) => date.toISOString().slice(0, 10);

export function addDays(day, n) {
  const date = toDate(day);
  date.setUTCDate(date.getUTCDate() + n);
  return iso(date);
}

/** Days from `from` to `to`, both included. */
export const daysIn = (from, to) => Math.round((toDate(to) - toDate(from)) / 86_400_000) + 1;

/** The quick ranges, all ending on the restaurant's current business day. */
export function presetRange(preset, today) {
  switch (preset) {
    case "week": return { from: addDays(today, -6), to: today };
    case "month": return { from: `${today.slice(0, 8)}01`, to: today };
    default: return { from: today, to: today };
  }
}

// ----------------------------------------------------------- wording --

const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * "Not counted: 2 cancelled orders (€23.00), 1 unpaid order (€9.50)." —
 * what the figures leave out, with what it came to.
 */
export function exclusionSentence(excluded, money) {
  const parts = [];
  const { cancelled, unpaid, awaiting_approval: waiting, other_currency: other } = excluded;
  if (cancelled.orders) parts.push(`${count(cancelled.orders, "cancelled order", "cancelled orders")} (${money(cancelled.gross)})`);
  if (unpaid.orders) parts.push(`${count(unpaid.orders, "unpaid order", "unpaid orders")} (${money(unpaid.gross)})`);
  if (waiting.orders) parts.push(`${count(waiting.orders, "order", "orders")} still awaiting approval (${money(waiting.gross)})`);
  if (other?.orders) parts.push(`${count(other.orders, "order", "orders")} in another currency`);
  return parts.length
    ? `Not counted: ${parts.join(", ")}.`
    : "Not counted: nothing. No order of these days was cancelled, left unpaid or left waiting for approval.";
}

/**
 * Formatters for one report. Money and counts follow the restaurant's
 * locale; dates and hours are written in the page's language (English)
 * with the conventions of the restaurant's region ("Tue 1 Dec", "18:00"
 * for a restaurant in Germany).
 */
function formatters(locale, currency) {
  const valid = (tag) => { try { new Intl.NumberFormat(tag); return Intl.getCanonicalLocales(tag)[0]; } catch { return null; } };
  const safeLocale = valid(locale) ?? "en";
  const region = (() => { try { return new Intl.Locale(safeLocale).maximize().region; } catch { return null; } })();
  const words = (region && valid(`en-${region}`)) || "en";
  const money = moneyFormatter(safeLocale, currency);
  const digits = new Intl.NumberFormat(safeLocale, { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  const scale = 10 ** digits;
  const whole = new Intl.NumberFormat(safeLocale, { style: "currency", currency, minimumFractionDigits: 0, maximumFractionDigits: 0 });
  const date = (options) => {
    const format = new Intl.DateTimeFormat(words, { timeZone: "UTC", ...options });
    return (day) => format.format(toDate(day));
  };
  const hourFormat = new Intl.DateTimeFormat(words, { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  const hour = (n) => hourFormat.format(new Date(Date.UTC(2000, 0, 1, n)));
  const rangeFormat = new Intl.DateTimeFormat(words, { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" });
  return {
    money,
    /** An axis tick: whole units where the step is whole. */
    tick: (minor, step) => (step % scale === 0 ? whole.format(minor / scale) : money(minor)),
    number: new Intl.NumberFormat(safeLocale).format,
    longDay: date({ weekday: "long", day: "numeric", month: "long" }),
    day: date({ weekday: "short", day: "numeric", month: "short" }),
    shortDay: date({ weekday: "short", day: "numeric" }),
    monthDay: date({ day: "numeric", month: "short" }),
    range: (from, to) => (from === to ? rangeFormat.format(toDate(from)) : rangeFormat.formatRange(toDate(from), toDate(to))),
    hour,
    hourSpan: (n) => `${hour(n)}–${hour((n + 1) % 24)}`,
  };
}

// ------------------------------------------------------------ charts --

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

/**
 * Axis ticks for values up to `max` (minor units): a round step (1, 2, 2.5
 * or 5 times a power of ten) giving about four intervals, up to the first
 * tick at or above `max`.
 */
export function axisTicks(max) {
  if (max <= 0) return [0];
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let value = 0; value < max + step; value += step) ticks.push(Math.round(value));
  return ticks;
}

let chartIds = 0;

/**
 * A bar chart as inline SVG: one bar per entry, a title and a description
 * for screen readers (the figures are in the table beside it too), and a
 * tooltip on every bar.
 */
function barChart({ width, title, summary, bars, format, labelWidth }) {
  const id = `sales-chart-${++chartIds}`;
  const left = 64;
  const right = 8;
  const top = 12;
  const bottom = 28;
  const plotW = Math.max(40, width - left - right);
  const plotH = CHART_HEIGHT - top - bottom;
  const ticks = axisTicks(Math.max(0, ...bars.map((b) => b.value)));
  const max = ticks.at(-1);
  const step = plotW / bars.length;
  const barW = Math.max(2, Math.min(48, step * 0.72));
  const every = Math.max(1, Math.ceil(labelWidth / step));
  const y = (value) => top + plotH - (max ? (value / max) * plotH : 0);

  const chart = svg("svg", {
    class: "sales-chart-svg",
    width,
    height: CHART_HEIGHT,
    viewBox: `0 0 ${width} ${CHART_HEIGHT}`,
    role: "img",
    "aria-labelledby": `${id}-title ${id}-desc`,
  }, svg("title", { id: `${id}-title` }, title), svg("desc", { id: `${id}-desc` }, summary));

  for (const value of ticks) {
    chart.append(
      svg("line", { class: "sales-grid", x1: left, x2: left + plotW, y1: y(value), y2: y(value) }),
      svg("text", { class: "sales-tick", x: left - 6, y: y(value) + 4, "text-anchor": "end" }, format(value, ticks[1] ?? 1)),
    );
  }
  bars.forEach((bar, i) => {
    const x = left + i * step + (step - barW) / 2;
    if (bar.value > 0) {
      chart.append(svg("rect", {
        class: "sales-bar",
        x, y: y(bar.value), width: barW, height: Math.max(1, y(0) - y(bar.value)), rx: Math.min(3, barW / 3),
      }, svg("title", {}, bar.detail)));
    }
    if (i % every === 0) {
      chart.append(svg("text", { class: "sales-label", x: left + i * step + step / 2, y: CHART_HEIGHT - 9, "text-anchor": "middle" }, bar.label));
    }
  });
  return chart;
}

/** A chart that redraws itself at its box's width. */
function responsiveChart(options) {
  const box = h("div", { className: "sales-chart" });
  let width = 0;
  const draw = () => {
    const next = Math.floor(box.clientWidth);
    if (!next || next === width) return;
    width = next;
    fill(box, barChart({ ...options, width }));
  };
  const observer = new ResizeObserver(() => requestAnimationFrame(draw));
  observer.observe(box);
  box.stop = () => observer.disconnect();
  return box;
}

// ------------------------------------------------------------ tables --

/** A number cell; its column's name rides along for the narrow layout. */
const cell = (label, text) => h("td", { className: "num", textContent: text, dataset: { label } });

function figuresTable({ caption, first, rows, total, f }) {
  const cells = (r) => [
    cell("Orders", f.number(r.orders)),
    cell("Net", f.money(r.net)),
    cell("Tax", f.money(r.tax)),
    cell("Gross", f.money(r.gross)),
  ];
  return h("div", { className: "sales-table-wrap" },
    h("table", { className: "sales-table" },
      h("caption", { className: "visually-hidden", textContent: caption }),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col", textContent: first }),
        ...["Orders", "Net", "Tax", "Gross"].map((t) => h("th", { scope: "col", className: "num", textContent: t })))),
      h("tbody", {}, rows.map((r) => h("tr", { className: r.orders ? "" : "is-empty" }, h("th", { scope: "row", textContent: r.label }), ...cells(r)))),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row", textContent: "Total" }), ...cells(total)))));
}

function itemsTable(report, f) {
  if (!report.by_item.length) return h("p", { className: "muted", textContent: "No items sold on these days." });
  const quantity = report.by_item.reduce((sum, item) => sum + item.quantity, 0);
  const money = (label, v) => cell(label, f.money(v));
  return h("div", { className: "sales-table-wrap" },
    h("table", { className: "sales-table", id: "sales-items" },
      h("caption", { className: "visually-hidden", textContent: "Items sold, best seller first" }),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col", textContent: "Item" }),
        ...["Sold", "Net", "Tax", "Gross"].map((t) => h("th", { scope: "col", className: "num", textContent: t })))),
      h("tbody", {}, report.by_item.map((item) => h("tr", {},
        h("th", { scope: "row", textContent: item.name }),
        cell("Sold", f.number(item.quantity)),
        money("Net", item.net), money("Tax", item.tax), money("Gross", item.gross)))),
      h("tfoot", {}, h("tr", {},
        h("th", { scope: "row", textContent: "Total" }),
        cell("Sold", f.number(quantity)),
        money("Net", report.totals.net), money("Tax", report.totals.tax), money("Gross", report.totals.gross)))));
}

// ------------------------------------------------------------- page --

export async function mount(container, ctx) {
  const base = `/restaurants/${encodeURIComponent(ctx.restaurantId)}/owner/sales`;
  let today = null;
  let report = null;
  let preset = "today";
  let sequence = 0;
  let charts = [];

  const fromInput = h("input", { type: "date", id: "sales-from", name: "from", required: true });
  const toInput = h("input", { type: "date", id: "sales-to", name: "to", required: true });
  const formError = h("p", { className: "error", id: "sales-form-error", attrs: { role: "alert" } });
  const presetButtons = [["today", "Today"], ["week", "Last 7 days"], ["month", "This month"]].map(([name, label]) =>
    h("button", { type: "button", className: "sales-preset", textContent: label, dataset: { preset: name }, attrs: { "aria-pressed": "false" },
      on: { click: () => choosePreset(name) } }));
  const showButton = h("button", { type: "submit", className: "primary", textContent: "Show" });
  const form = h("form", { className: "panel sales-range", attrs: { "aria-label": "Date range" }, novalidate: true, on: { submit: (e) => { e.preventDefault(); showInputs(); } } },
    h("div", { className: "sales-presets", attrs: { role: "group", "aria-label": "Quick ranges" } }, presetButtons),
    h("div", { className: "sales-dates" },
      h("label", { className: "field" }, "From", fromInput),
      h("label", { className: "field" }, "To", toInput),
      showButton),
    formError);
  const status = h("p", { className: "sales-status muted", attrs: { role: "status" } });
  const results = h("div", { className: "sales-results", attrs: { "aria-live": "off" } });

  container.append(
    h("h2", { textContent: "Sales" }),
    h("p", { className: "lead", textContent: "The orders accepted for the kitchen, by business day. Cancelled and unpaid orders are not counted; the line under the totals says what was left out." }),
    form,
    status,
    results,
  );

  function markPreset() {
    for (const button of presetButtons) button.setAttribute("aria-pressed", String(button.dataset.preset === preset));
  }

  function choosePreset(name) {
    if (!today) return;
    preset = name;
    const range = presetRange(name, today);
    fromInput.value = range.from;
    toInput.value = range.to;
    load(range);
  }

  function showInputs() {
    formError.textContent = "";
    const from = fromInput.value;
    const to = toInput.value;
    if (!from || !to) { formError.textContent = "Choose a first and a last day."; return; }
    if (to < from) { formError.textContent = "The last day is before the first day."; return; }
    if (daysIn(from, to) > MAX_DAYS) { formError.textContent = `Choose at most ${MAX_DAYS} days at a time.`; return; }
    preset = ["today", "week", "month"].find((p) => today && JSON.stringify(presetRange(p, today)) === JSON.stringify({ from, to })) ?? null;
    load({ from, to });
  }

  async function readError(response) {
    const body = await response.json().catch(() => null);
    return body?.message || `The sales could not be loaded (HTTP ${response.status}).`;
  }

  async function load(range) {
    const mine = ++sequence;
    markPreset();
    results.setAttribute("aria-busy", "true");
    showButton.disabled = true;
    status.textContent = "Loading the sales…";
    const query = range ? `?from=${range.from}&to=${range.to}` : "";
    try {
      const response = await ctx.api(`${base}${query}`, { headers: { accept: "application/json" } });
      if (mine !== sequence) return;
      if (!response.ok) throw new Error(await readError(response));
      report = await response.json();
      if (mine !== sequence) return;
      if (!today) {
        // The server's default range is the restaurant's business day now.
        today = report.to;
        fromInput.max = toInput.max = today;
      }
      fromInput.value = report.from;
      toInput.value = report.to;
      render();
      const f = formatters(ctx.restaurant?.locale, report.currency);
      status.textContent = "";
      announce(`Sales of ${f.range(report.from, report.to)}: ${f.money(report.totals.gross)} from ${count(report.totals.orders, "order", "orders")}.`);
    } catch (error) {
      if (mine !== sequence) return;
      status.textContent = "";
      formError.textContent = error.message;
    } finally {
      if (mine === sequence) {
        results.removeAttribute("aria-busy");
        showButton.disabled = false;
      }
    }
  }

  async function download(group, button) {
    const { from, to } = report;
    const note = button.parentElement.querySelector(".sales-download-note");
    button.disabled = true;
    note.textContent = "";
    try {
      const response = await ctx.api(`${base}?from=${from}&to=${to}&format=csv&group=${group}`, { headers: { accept: "text/csv" } });
      if (!response.ok) throw new Error(await readError(response));
      const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
      const fileName = named ? named[1] : `sales-${ctx.restaurantId}-${from}-to-${to}-by-${group}.csv`;
      const url = URL.createObjectURL(await response.blob());
      const link = h("a", { href: url, download: fileName, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      note.textContent = `Downloaded ${fileName}.`;
    } catch (error) {
      note.textContent = error.message;
      note.classList.add("error");
    } finally {
      button.disabled = false;
    }
  }

  function downloadButton(group, label) {
    const button = h("button", { type: "button", className: "sales-download", textContent: `Download CSV (${label})`,
      dataset: { group }, on: { click: () => download(group, button) } });
    return h("div", { className: "sales-download-row" }, button, h("p", { className: "sales-download-note small muted", attrs: { role: "status" } }));
  }

  function render() {
    for (const chart of charts) chart.stop();
    charts = [];
    const f = formatters(ctx.restaurant?.locale, report.currency);
    const { totals } = report;
    const days = report.by_day.length;
    const nothing = totals.orders === 0;

    const tile = (label, value, extra = "") => h("div", { className: `sales-tile ${extra}` },
      h("dt", { textContent: label }), h("dd", { textContent: value }));
    const totalsBox = h("dl", { className: "sales-totals", id: "sales-totals" },
      tile("Gross", f.money(totals.gross), "is-main"),
      tile("Net", f.money(totals.net)),
      tile("Tax", f.money(totals.tax)),
      tile("Orders", f.number(totals.orders)));

    const dayBars = report.by_day.map((d) => ({
      label: days <= 14 ? f.shortDay(d.day) : f.monthDay(d.day),
      value: d.gross,
      detail: `${f.day(d.day)}: ${f.money(d.gross)}, ${count(d.orders, "order", "orders")}`,
    }));
    const best = report.by_day.reduce((a, b) => (b.gross > a.gross ? b : a), report.by_day[0]);
    const dayChart = nothing ? null : responsiveChart({
      title: `Gross by day, ${f.range(report.from, report.to)}`,
      summary: `${count(days, "day", "days")}, ${f.money(totals.gross)} in all; the best day was ${f.longDay(best.day)} with ${f.money(best.gross)}. The figures are in the table below the chart.`,
      bars: dayBars,
      format: f.tick,
      labelWidth: days <= 14 ? 52 : 48,
    });
    const busiest = report.by_hour.reduce((a, b) => (b.gross > a.gross ? b : a), report.by_hour[0]);
    const hourChart = nothing ? null : responsiveChart({
      title: `Gross by hour of the day, ${f.range(report.from, report.to)}`,
      summary: `Local time in ${report.time_zone} when the orders were placed; the busiest hour was ${f.hourSpan(busiest.hour)} with ${f.money(busiest.gross)}. The figures are in the table below the chart.`,
      bars: report.by_hour.map((hr) => ({
        label: f.hour(hr.hour),
        value: hr.gross,
        detail: `${f.hourSpan(hr.hour)}: ${f.money(hr.gross)}, ${count(hr.orders, "order", "orders")}`,
      })),
      format: f.tick,
      labelWidth: 44,
    });
    charts = [dayChart, hourChart].filter(Boolean);

    const asTable = (summary, table) => h("details", { className: "sales-figures" }, h("summary", { textContent: summary }), table);
    const noSales = () => h("p", { className: "sales-empty muted", textContent: "No sales on these days." });

    fill(results,
      h("section", { className: "panel sales-summary", attrs: { "aria-labelledby": "sales-summary-title" } },
        h("h3", { id: "sales-summary-title", textContent: f.range(report.from, report.to) }),
        totalsBox,
        h("p", { className: "sales-excluded", id: "sales-excluded", textContent: exclusionSentence(report.excluded, f.money) }),
        h("p", { className: "small muted", textContent: "Gross is the orders' total with tax; net is gross minus tax. The CSV files hold the same figures." })),
      h("section", { className: "panel", attrs: { "aria-labelledby": "sales-by-day-title" } },
        h("h3", { id: "sales-by-day-title", textContent: "By day" }),
        dayChart ?? noSales(),
        asTable("The days as a table", figuresTable({
          caption: "Sales by business day", first: "Day", f, total: totals,
          rows: report.by_day.map((d) => ({ ...d, label: f.day(d.day) })),
        })),
        downloadButton("day", "by day")),
      h("section", { className: "panel", attrs: { "aria-labelledby": "sales-by-hour-title" } },
        h("h3", { id: "sales-by-hour-title", textContent: "By hour of the day" }),
        h("p", { className: "small muted", textContent: `When the orders were placed, local time (${report.time_zone}), all days of the range together.` }),
        hourChart ?? noSales(),
        asTable("The hours as a table", figuresTable({
          caption: "Sales by hour of the day", first: "Hour", f, total: totals,
          rows: report.by_hour.map((hr) => ({ ...hr, label: f.hourSpan(hr.hour) })),
        })),
        downloadButton("hour", "by hour")),
      h("section", { className: "panel", attrs: { "aria-labelledby": "sales-by-item-title" } },
        h("h3", { id: "sales-by-item-title", textContent: "By item" }),
        h("p", { className: "small muted", textContent: "Options are included in their item's amounts. An item's tax is its share of its orders' tax, so the items add up to the totals exactly." }),
        itemsTable(report, f),
        downloadButton("item", "by item")));
  }

  await load(null);
}
