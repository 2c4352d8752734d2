// The AWS bill of TableTap, from list prices and what one order costs in
// requests, function time, DynamoDB capacity, IoT messages and log bytes.
// Prints the arithmetic (docs/deploy.md, "What it costs") and exits 1 if a
// target is missed: at most $0.10 per 1,000 dine-in orders, and under $5 a
// month for one restaurant of 100 orders a day.
//
// Usage: node scripts/bench/bill.mjs
//
// The status page's reads are counted with the site's own polling schedule
// (site/js/polling.js), so a change there shows up here. Everything else is
// an input below, each saying whether it was measured (and how) or assumed.

import { readFileSync } from "node:fs";
import { pollInterval, POLL_FOR_MS } from "../../site/js/polling.js";

// ---- List prices: us-east-1, arm64 (the template's default), 2026-12 ----
const PRICE = {
  httpApiRequest: 1.0 / 1e6, // HTTP API, first 300 M a month
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334, // arm64 (x86_64: 0.0000166667)
  dynamoWru: 0.625 / 1e6, // on-demand write request unit
  dynamoRru: 0.125 / 1e6, // on-demand read request unit
  logsGb: 0.5, // CloudWatch Logs ingestion (standard class)
  iotMessage: 1.0 / 1e6, // per 5 KB message, publish or delivery
  iotConnectionMinute: 0.08 / 1e6,
  iotRule: 0.15 / 1e6, // a rule triggered
  iotRuleAction: 0.15 / 1e6, // its Lambda action
  schedulerInvocation: 1.0 / 1e6, // EventBridge Scheduler (14 M a month free, not counted)
  alarm: 0.1, // per standard alarm a month
  customMetricHour: 0.3 / 730, // per metric, for each hour it is published in
  xrayTrace: 5.0 / 1e6, // only with Tracing=Active (default PassThrough)
};

const MEMORY_GB = 128 / 1024;

// ---- One dine-in order, as the site makes it ----------------------------
// Assumed diner: opens the table link (table + menu), changes the cart 5
// times (one quote each, debounced), sends, and keeps the status page open
// and visible until served (worst case: a phone in a pocket reads nothing).
// Assumed kitchen: printed 5 s after sending, ready at 10 min, served at
// 15 min.
const ORDER_LIFE = [
  { status: "ACCEPTED", at: 0 },
  { status: "PRINTED", at: 5_000 },
  { status: "READY", at: 10 * 60_000 },
  { status: "COMPLETED", at: 15 * 60_000 },
];

/** Status reads of one order page with site/js/polling.js's schedule. */
export function statusReads(life = ORDER_LIFE) {
  let now = 0;
  let reads = 0;
  let seen = life[0];
  while (now < POLL_FOR_MS) {
    now += pollInterval(seen.status, now - seen.at);
    reads += 1;
    const current = [...life].reverse().find((step) => step.at <= now);
    if (current.status !== seen.status) seen = { status: current.status, at: now };
    if (["COMPLETED", "CANCELLED", "EXPIRED"].includes(seen.status)) break;
  }
  return reads;
}

// DynamoDB units: item sizes measured on DynamoDB Local after one order's
// life (functions/lambdas/tests/order_log_lines.rs prints them and fails if
// one outgrows the units counted here): order 1,220 bytes (2 WRU a write),
// tickets ~800, menu 947, everything else under 500 (1 WRU); every read is
// of items under 4 KB (0.5 RRU eventually consistent, 1 strongly).
// Function time per invocation, billed by the ms: see the figures of
// scripts/bench/cold-start.sh in docs/benchmarks.md (warm invocations of
// the release bootstraps against DynamoDB Local, where a DynamoDB call is
// slower than in the region). Log lines of ours per invocation and their
// size: measured on the log of one order's life
// (functions/lambdas/tests/order_log_lines.rs: 9 lines of 238 to 411
// bytes, metric lines included; the read routes log nothing on success).
// Lambda's START/END/REPORT lines (about 330 bytes) and the HTTP API's
// access log line (about 330 bytes with the template's format) are
// estimated from their formats.
const REQUESTS = [
  // name, count per order, ms, DynamoDB RRU, WRU, log lines of ours
  { name: "GET table", count: 1, ms: 12, rru: 1, wru: 0, lines: 0 },
  { name: "GET menu", count: 1, ms: 14, rru: 1.5, wru: 0, lines: 0 },
  { name: "POST quote", count: 5, ms: 14, rru: 1.5, wru: 0, lines: 0 },
  // one transaction (transactions bill double): the idempotency record,
  // two rate counters, the order number's counter and the order (1,220
  // bytes for the sample order: 2 WRU); table, menu and restaurant reads
  { name: "POST order", count: 1, ms: 30, rru: 3.5, wru: 2 * (1 + 2 + 1 + 2), lines: 2 },
  { name: "GET order (status)", count: statusReads(), ms: 10, rru: 0.5, wru: 0, lines: 0 },
];
// Behind the scenes, per order: the stream wakes dispatch once (reads the
// order and restaurant, records 2 tickets and a dispatch step, marks SENT),
// each ticket's print ack runs print-ack (marks the ticket, reads the
// order's tickets; the last one marks PRINTED), and staff bump ready and
// served on the board (act-on-order, 2 updates of a 2 KB item).
const WORKERS = [
  { name: "dispatch", count: 1, ms: 40, rru: 1.5, wru: 2 + 1 + 2, lines: 1 },
  { name: "print-ack", count: 2, ms: 15, rru: 1, wru: 1 + 1, lines: 3 },
  { name: "act-on-order", count: 2, ms: 15, rru: 1, wru: 2, lines: 1 },
];
const IOT_PER_ORDER = { messages: 2 * 2 + 2 * 2, rules: 2 }; // 2 tickets and 2 acks, each publish + delivery
const LOG_BYTES = { ours: 300, platform: 330, access: 330 };

function costOf(rows, { api }) {
  let total = { requests: 0, compute: 0, dynamo: 0, logs: 0, api: 0 };
  for (const r of rows) {
    const n = r.count;
    total.requests += n * PRICE.lambdaRequest;
    total.compute += n * (Math.ceil(r.ms) / 1000) * MEMORY_GB * PRICE.lambdaGbSecond;
    total.dynamo += n * (r.rru * PRICE.dynamoRru + r.wru * PRICE.dynamoWru);
    const bytes = n * (r.lines * LOG_BYTES.ours + LOG_BYTES.platform + (api ? LOG_BYTES.access : 0));
    total.logs += (bytes / 1e9) * PRICE.logsGb;
    if (api) total.api += n * PRICE.httpApiRequest;
  }
  return total;
}

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

const front = costOf(REQUESTS, { api: true });
const back = costOf(WORKERS, { api: false });
const iot = IOT_PER_ORDER.messages * PRICE.iotMessage + IOT_PER_ORDER.rules * (PRICE.iotRule + PRICE.iotRuleAction);
const perOrder = sum(front) + sum(back) + iot;
const per1000 = perOrder * 1000;

// ---- A month of one restaurant: 100 orders a day -------------------------
const DAYS = 30;
const orders = 100 * DAYS;
// The board at the pass: open 12 h a day, one changes poll every 1.5 s
// (measured idle poll: one empty Query of the changes index and one of the
// delivery alerts, 0.5 RRU each as AWS bills a Query).
const boardPolls = (12 * 3600 / 1.5) * DAYS;
const board = costOf([{ name: "board poll", count: boardPolls, ms: 8, rru: 1, wru: 0, lines: 0 }], { api: true });
// redeliver-tickets, once a minute all month: 4 Queries of an empty index
// slice when idle.
const sweeps = 60 * 24 * DAYS;
const redeliver = costOf([{ name: "redeliver", count: sweeps, ms: 20, rru: 2, wru: 0, lines: 1 }], { api: false });
redeliver.scheduler = sweeps * PRICE.schedulerInvocation;
// One kitchen PC connected all month.
const kitchenPc = 60 * 24 * DAYS * PRICE.iotConnectionMinute;
// Fixed: the template's alarms (counted in infra/template.yaml) and the
// custom metrics, billed per hour a metric is published in. Published in
// the 12 service hours of a day: OrdersPlaced (Channel=dine_in),
// TicketsPrinted, OrderToPrinted and the dispatch failures' metric filter
// (it reports 0 whenever dispatch logs). Rare (refusals, overdue tickets,
// takeout's webhook outcomes) are counted at 1 hour a day each.
const template = readFileSync(new URL("../../infra/template.yaml", import.meta.url), "utf8");
const ALARMS = template.match(/Type: AWS::CloudWatch::Alarm\b/g).length;
const METRIC_HOURS = [12, 12, 12, 12, 1, 1, 1, 1].reduce((a, h) => a + h * DAYS, 0);
const fixed = ALARMS * PRICE.alarm + METRIC_HOURS * PRICE.customMetricHour;
const month = orders * perOrder + sum(board) + sum(redeliver) + kitchenPc + fixed;

// X-Ray if someone turns Tracing=Active: nearly every invocation is traced
// at this volume (Lambda samples 1 a second, then 5 %).
const tracedInvocations = orders * (REQUESTS.concat(WORKERS).reduce((a, r) => a + r.count, 0)) + boardPolls + sweeps;
const xray = tracedInvocations * PRICE.xrayTrace;

const usd = (x) => `$${x.toFixed(x < 0.01 ? 5 : x < 1 ? 4 : 2)}`;
console.log("Per dine-in order");
for (const r of REQUESTS.concat(WORKERS)) console.log(`  ${r.name.padEnd(20)} x${String(r.count).padStart(3)}  ${r.ms} ms, ${r.rru} RRU, ${r.wru} WRU`);
console.log(`  status reads come from site/js/polling.js: ${statusReads()} for the order life above`);
console.log("Per 1,000 dine-in orders");
for (const [k, v] of Object.entries(front)) console.log(`  front ${k.padEnd(10)} ${usd(v * 1000)}`);
for (const [k, v] of Object.entries(back)) console.log(`  back  ${k.padEnd(10)} ${usd(v * 1000)}`);
console.log(`  iot              ${usd(iot * 1000)}`);
console.log(`  TOTAL            ${usd(per1000)}   (target: at most $0.10)`);
console.log("A month of one restaurant, 100 orders a day");
console.log(`  ${orders} orders         ${usd(orders * perOrder)}`);
console.log(`  board polling    ${usd(sum(board))}  (${boardPolls} polls: API ${usd(board.api)}, logs ${usd(board.logs)}, DynamoDB ${usd(board.dynamo)})`);
console.log(`  redelivery sweep ${usd(sum(redeliver))}  (${sweeps} runs)`);
console.log(`  kitchen PC       ${usd(kitchenPc)}  (IoT connection minutes)`);
console.log(`  alarms, metrics  ${usd(fixed)}  (${ALARMS} alarms, ${METRIC_HOURS} metric-hours; per deployment)`);
console.log(`  TOTAL            ${usd(month)}   (target: under $5)`);
console.log(`  with Tracing=Active add ${usd(xray)} of X-Ray`);

let failed = false;
if (per1000 > 0.1) { console.error(`bill: ${usd(per1000)} per 1,000 dine-in orders is over $0.10`); failed = true; }
if (month >= 5) { console.error(`bill: ${usd(month)} a month is not under $5`); failed = true; }
process.exit(failed ? 1 : 0);
