// Starts the real parts for a browser test: `tabletap-local` on a free port
// with a temp data dir, the real kitchen listener on the config the server
// writes, and Debian's Chromium driven by playwright-core.
//
// Binaries come from TABLETAP_BIN_DIR (default
// `${CARGO_TARGET_DIR:-$HOME/.cache/tabletap/target}/debug`); build them with
// `cargo build -p tabletap-local -p tabletap-listener`. A missing binary,
// browser or service fails the test: nothing is skipped.

import { spawn, execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, readFile, rm, mkdir, access } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../..");
export const screenshotDir = path.join(repoRoot, "out", "screenshots");
const targetDir = process.env.CARGO_TARGET_DIR || path.join(homedir(), ".cache", "tabletap", "target");
export const binDir = process.env.TABLETAP_BIN_DIR || path.join(targetDir, "debug");
const chromiumPath = process.env.TABLETAP_CHROMIUM || "/usr/bin/chromium";
const run = promisify(execFile);

/** A phone: iPhone 12-14 sized viewport. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function exists(file) {
  try { await access(file); return true; } catch { return false; }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function requireBinary(name) {
  const file = path.join(binDir, name);
  if (!(await exists(file))) {
    throw new Error(`${file} is missing: build it with \`cargo build -p tabletap-local -p tabletap-listener\` or point TABLETAP_BIN_DIR at the folder holding it`);
  }
  return file;
}

/** Waits until `predicate()` is truthy, polling; fails with `what` after `timeout` ms. */
export async function waitFor(predicate, what, timeout = 15000, every = 100) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/** A running `tabletap-local serve` on its own data dir. */
export class LocalServer {
  /** `extraArgs` go to `serve`, e.g. the Stripe options. */
  static async start({ dataDir, extraArgs = [] } = {}) {
    const server = new LocalServer();
    server.dataDir = dataDir ?? (await mkdtemp(path.join(tmpdir(), "tabletap-browser-")));
    server.ownsDataDir = !dataDir;
    server.extraArgs = extraArgs;
    await server.spawn();
    return server;
  }

  async spawn() {
    const bin = await requireBinary("tabletap-local");
    // A restart keeps the port, so a page already open keeps talking to it.
    this.port ??= await freePort();
    // The embedded MQTT broker (the local IoT Core) gets its own free port too.
    this.mqttPort ??= await freePort();
    const port = this.port;
    this.stdout = "";
    this.stderr = "";
    this.child = spawn(bin, ["--data-dir", this.dataDir, "--addr", `127.0.0.1:${port}`, "--mqtt-addr", `127.0.0.1:${this.mqttPort}`, "--site-dir", path.join(repoRoot, "site"), ...this.extraArgs], {
      cwd: repoRoot,
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout.on("data", (chunk) => { this.stdout += chunk; });
    this.child.stderr.on("data", (chunk) => { this.stderr += chunk; });
    const exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.exited = exited;
    const line = await Promise.race([
      waitFor(() => this.stdout.match(/^TableTap is listening on (http:\/\/\S+)$/m), "the local server's listening line", 30000),
      exited.then((code) => { throw new Error(`tabletap-local exited with ${code} before listening:\n${this.stderr}`); }),
    ]);
    this.url = line[1];
    this.tables = {};
    for (const match of this.stdout.matchAll(/^\s+(.+?)\s+(http:\/\/\S+\/t\/([A-Za-z0-9_-]+))$/gm)) {
      this.tables[match[1].trim()] = { url: match[2], token: match[3], path: `/t/${match[3]}` };
    }
  }

  /** Stops the server (SIGTERM, graceful) and waits for it: the data file is then free. */
  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10000);
    await this.exited;
    clearTimeout(timer);
  }

  async restart() {
    await this.stop();
    await this.spawn();
  }

  /** Runs an owner command (`rotate-table`, `tables`) on the data dir; the server must be stopped. */
  async cli(...args) {
    const bin = await requireBinary("tabletap-local");
    const { stdout } = await run(bin, ["--data-dir", this.dataDir, ...args], { cwd: repoRoot });
    return stdout;
  }

  async api(pathname, options = {}) {
    const response = await fetch(`${this.url}/api${pathname}`, {
      ...options,
      headers: { "content-type": "application/json", ...(options.headers ?? {}) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  }

  get kitchenDir() { return path.join(this.dataDir, "kitchen"); }
  get printerFile() { return path.join(this.kitchenDir, "printer.escpos"); }

  async close() {
    await this.stop();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * The real kitchen listener on the config `tabletap-local serve` wrote to
 * `<data-dir>/kitchen/listener.toml` (mutual TLS to the embedded broker,
 * printing to `<data-dir>/kitchen/printer.escpos`).
 */
export class Listener {
  static async start(server) {
    const config = path.join(server.kitchenDir, "listener.toml");
    if (!(await exists(config))) {
      throw new Error(`${config} is missing: this tabletap-local does not write a kitchen listener config yet (the dispatcher and embedded MQTT broker must be in the local server for tickets to print)`);
    }
    const bin = await requireBinary("tabletap-listener");
    const listener = new Listener();
    listener.output = "";
    listener.child = spawn(bin, ["--config", config, "run"], { cwd: server.dataDir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "info" } });
    listener.child.stdout.on("data", (c) => { listener.output += c; });
    listener.child.stderr.on("data", (c) => { listener.output += c; });
    listener.exited = new Promise((resolve) => listener.child.once("exit", resolve));
    return listener;
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * localstripe (a fake Stripe API, PyPI) for the Stripe payment path: the one
 * TABLETAP_LOCALSTRIPE_URL names (scripts/test.sh starts one), else one
 * started here with scripts/lib/localstripe.sh. Returns {url, stop()}.
 */
export async function localStripe() {
  if (process.env.TABLETAP_LOCALSTRIPE_URL) return { url: process.env.TABLETAP_LOCALSTRIPE_URL, stop: async () => {} };
  const runDir = await mkdtemp(path.join(tmpdir(), "tabletap-localstripe-"));
  const script = path.join(repoRoot, "scripts", "lib", "localstripe.sh");
  const env = { ...process.env, TABLETAP_LOCALSTRIPE_RUN_DIR: runDir };
  let stdout;
  try {
    ({ stdout } = await run(script, ["start"], { env, cwd: repoRoot }));
  } catch (error) {
    throw new Error(`localstripe could not be started with ${script} (the Stripe payment test needs it): ${error.stderr || error.message}`);
  }
  return {
    url: stdout.trim().split("\n").at(-1),
    stop: async () => { await run(script, ["stop"], { env, cwd: repoRoot }).catch(() => {}); await rm(runDir, { recursive: true, force: true }); },
  };
}

/** What the kitchen printer received so far (ESC/POS bytes as latin1 text). */
export async function printerText(server) {
  try { return (await readFile(server.printerFile)).toString("latin1"); } catch { return ""; }
}

export async function launchBrowser() {
  if (!(await exists(chromiumPath))) {
    throw new Error(`${chromiumPath} is missing: install Debian's chromium (\`apt-get install -y chromium\`; scripts/lib/browser-tests.sh does this)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
}

/**
 * A phone-sized page. Any request to another host fails the test (the site
 * must not reach the internet by itself), and page errors are collected.
 */
export async function phonePage(browser, server) {
  const context = await browser.newContext({ ...PHONE, locale: "en-GB" });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(String(error)));
  page.on("console", (message) => { if (message.type() === "error") page.errors.push(message.text()); });
  page.foreign = [];
  const own = new URL(server.url).host;
  await context.route((url) => url.host !== own, (route) => { page.foreign.push(route.request().url()); return route.abort("blockedbyclient"); });
  return page;
}

export const LAPTOP = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 };

/** Runs `staff add` on the server's data folder (it need not stop); returns the login. */
export async function addPerson(server, restaurant, username, role) {
  const out = await server.cli("staff", "add", "--restaurant", restaurant, "--username", username, "--role", role);
  const password = out.match(/^password: (\S+)$/m);
  if (!password) throw new Error(`staff add printed no password:\n${out}`);
  return { username, password: password[1] };
}

/**
 * A laptop-sized page at `path` (the board or the back office) signed in
 * as `who`, once `heading` shows. `page.errors` collects page errors.
 */
export async function signedInPage(browser, server, path, who, heading, { permissions = [], downloads = false } = {}) {
  const context = await browser.newContext({ ...LAPTOP, locale: "en-GB", acceptDownloads: downloads });
  if (permissions.length) await context.grantPermissions(permissions, { origin: server.url });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(String(error)));
  await page.goto(`${server.url}${path}`);
  await page.getByLabel("Username").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: heading }).first().waitFor();
  return page;
}

let axeSource;
/** Runs axe-core on the page; returns the serious and critical violations. */
export async function seriousA11yViolations(page, include) {
  axeSource ??= await readFile(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
  // evaluate() runs outside the page's CSP, which forbids inline scripts.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async (selector) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(selector ? document.querySelector(selector) : document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  }, include ?? null);
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** An element's text with non-breaking spaces (Intl puts one before "€") made plain. */
export async function textOf(locator) {
  return (await locator.textContent()).replace(/\u00a0|\u202f/g, " ").trim();
}

export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  // Finished animations: a sheet is shown where it comes to rest.
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), animations: "disabled" });
}
