// How often the order page reads its order's status. Pure (no DOM), so
// scripts/bench/bill.mjs counts the reads of an order's life with this very
// schedule when it computes the AWS bill.
//
// Each read is a billed request (API Gateway, Lambda, DynamoDB, logs), so
// the page polls fast only while the next change comes within seconds:
// every 2 s until the kitchen printed (then 10 s if that takes over 2 min),
// every 10 s for a minute after each change in the kitchen (a quick
// "ready" or "served"), then every minute (a diner learns "ready" at most
// a minute late; each read saved is a request not billed). A hidden page
// reads nothing (and reads once when shown again); after 3 h the page
// stops and says how to refresh.

const IN_THE_KITCHEN = new Set(["PRINTED", "READY", "COMPLETED"]);

/** Polling stops this long after the page started following the order. */
export const POLL_FOR_MS = 3 * 3600_000;

/** Milliseconds until the next read, `sinceChangeMs` after the last status change. */
export function pollInterval(status, sinceChangeMs, failures = 0) {
  const base = IN_THE_KITCHEN.has(status)
    ? (sinceChangeMs < 60_000 ? 10_000 : 60_000)
    : (sinceChangeMs < 120_000 ? 2000 : 10_000);
  return Math.min(60_000, base * 2 ** Math.min(failures, 4));
}
