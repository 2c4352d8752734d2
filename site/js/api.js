// The TableTap API: JSON in, JSON out, errors as {code, message, line?}.

import { sleep } from "./dom.js";

let base = "/api";

/** The API base URL comes from /config.json at run time (see app.js). */
export function setApiBase(url) {
  if (url) base = String(url).replace(/\/+$/, "");
}

/** The server answered with an error: `message` is for people, `code` for code. */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const fallback = status >= 500
      ? `The restaurant's server had a problem (HTTP ${status}). Please try again in a moment.`
      : `The request was refused (HTTP ${status}).`;
    super(body?.message || fallback);
    this.status = status;
    this.code = body?.code ?? "http_" + status;
    this.line = body?.line ?? null;
    this.retryAfter = Number(retryAfter) || 0;
  }
}

/** The request never got an answer (offline, Wi-Fi dropped, timeout). */
export class NetworkError extends Error {
  constructor() {
    super("No connection to the restaurant. Check your Wi-Fi or mobile data and try again.");
    this.code = "network";
  }
}

/** One request. Returns `{data, headers}`; throws ApiError or NetworkError. */
export async function request(path, { method = "GET", body, headers = {}, timeout = 15000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(base + path, {
      method,
      cache: "no-store",
      signal: controller.signal,
      headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new NetworkError();
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text().catch(() => "");
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: a proxy's error page */ }
  if (!response.ok) throw new ApiError(response.status, data, response.headers.get("retry-after"));
  return { data, headers: response.headers };
}

/** Errors worth retrying with the same request: no answer, or "try again later". */
export const isTransient = (error) => error instanceof NetworkError || (error instanceof ApiError && [502, 503, 504].includes(error.status));

/**
 * Retries `attempt()` on transient errors with growing pauses (0.5, 1, 2, 4 s,
 * or the server's Retry-After). Only safe for requests that are idempotent,
 * such as a POST carrying an Idempotency-Key.
 */
export async function withRetry(attempt, { tries = 5, onRetry } = {}) {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || n >= tries) throw error;
      const pause = Math.min(8000, Math.max(500 * 2 ** (n - 1), (error.retryAfter || 0) * 1000));
      onRetry?.(n, pause, error);
      await sleep(pause);
    }
  }
}

export const api = {
  table: (token) => request(`/tables/${encodeURIComponent(token)}`).then((r) => r.data),
  menu: (restaurant) => request(`/restaurants/${encodeURIComponent(restaurant)}/menu`).then((r) => r.data),
  quote: (restaurant, cart) => request(`/restaurants/${encodeURIComponent(restaurant)}/quote`, { method: "POST", body: cart }).then((r) => r.data),
  placeDineIn: (token, cart, key) => request(`/tables/${encodeURIComponent(token)}/orders`, { method: "POST", body: cart, headers: { "idempotency-key": key } }),
  order: (restaurant, id, accessToken) => request(`/restaurants/${encodeURIComponent(restaurant)}/orders/${encodeURIComponent(id)}`, { headers: { "x-order-token": accessToken } }).then((r) => r.data),
  pickupTimes: (restaurant) => request(`/restaurants/${encodeURIComponent(restaurant)}/pickup-times`).then((r) => r.data),
  placeTakeout: (restaurant, body, key) => request(`/restaurants/${encodeURIComponent(restaurant)}/takeout-orders`, { method: "POST", body, headers: { "idempotency-key": key } }),
  testPayment: (restaurant, id, accessToken) => request(`/restaurants/${encodeURIComponent(restaurant)}/orders/${encodeURIComponent(id)}/test-payment`, { method: "POST", body: {}, headers: { "x-order-token": accessToken } }).then((r) => r.data),
};
