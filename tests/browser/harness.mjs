// Shared pieces of the browser tests: the real host on loopback, staff accounts via shimingctl,
// Debian chromium through playwright-core, checks, console-error watch, axe-core, screenshots.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

// --name value pairs; exits with 2 when a required one is missing.
export function parseArgs(required) {
  const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
    return acc;
  }, []));
  for (const k of required)
    if (!args[k]) { console.error("missing --" + k); process.exit(2); }
  return args;
}

export class Run {
  // args: host, ctl, plugins, config, out; name: the screenshot prefix folder.
  constructor(args, name) {
    this.args = args;
    const out = path.resolve(args.out);
    fs.mkdirSync(out, { recursive: true });
    this.work = fs.mkdtempSync(path.join(out, name + "-"));
    this.shots = path.join(out, "screenshots");
    fs.mkdirSync(this.shots, { recursive: true });
    this.db = "sqlite:" + path.join(this.work, "shiming.db");
    this.failures = 0;
    this.consoleErrors = [];
    this.browsers = [];
    this.cleanup = [];  // large scratch files removed at the end (e.g. generated camera clips)
    this.axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  }

  check(cond, what) {
    if (cond) console.log("ok   " + what);
    else { this.failures++; console.log("FAIL " + what); }
  }

  // Starts shiming-host on a free port; resolves to the base URL.
  async startHost(extra = []) {
    const logPath = path.join(this.work, "host.log");
    const log = fs.openSync(logPath, "w");
    this.host = spawn(this.args.host, ["--config", this.args.config, "--listen", "127.0.0.1:0", "--data-dir", this.work,
                                       "--plugin-dir", this.args.plugins, "--database", this.db, ...extra],
                      { stdio: ["ignore", log, log] });
    this.hostExited = null;
    this.host.on("exit", (code, sig) => { this.hostExited = code ?? sig; });
    for (let i = 0; i < 1200; i++) {
      const m = /"listening".*?"port":(\d+)/.exec(fs.readFileSync(logPath, "utf8"));
      if (m) return (this.base = "http://127.0.0.1:" + m[1]);
      if (this.hostExited !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("host did not start:\n" + fs.readFileSync(logPath, "utf8"));
  }

  // shimingctl against the test host's database and data directory (its keyring); returns stdout.
  ctl(args, input = "") {
    const r = spawnSync(this.args.ctl, ["--config", this.args.config, "--database", this.db, "--data-dir", this.work, ...args],
                        { input, encoding: "utf8" });
    if (r.status !== 0) throw new Error("shimingctl " + args.slice(0, 2).join(" ") + " failed: " + r.stdout + r.stderr);
    return r.stdout;
  }

  // extra: e.g. ["--enterprise", id] for an enterprise_hr account.
  addUser(name, province, role, password, extra = []) {
    this.ctl(["user", "add", name, "--province", province, "--role", role, ...extra], password + "\n");
  }

  async launch(extraArgs = []) {
    const b = await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage", ...extraArgs],
    });
    this.browsers.push(b);
    return b;
  }

  // A zh-CN phone-sized context. bypassCSP: axe-core is injected as an inline script; the pages
  // themselves run under their CSP.
  async context(browser, options = {}) {
    return browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true, locale: "zh-CN", ...options });
  }

  // Console errors and uncaught exceptions fail the run, except failed loads of URLs matching
  // `expected` (responses the test provokes or the page handles).
  watch(page, name, expected = []) {
    page.on("pageerror", (e) => this.consoleErrors.push(name + ": " + e.message));
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      const url = (m.location() && m.location().url) || "";
      if (m.text().startsWith("Failed to load resource") && expected.some((re) => re.test(url))) return;
      this.consoleErrors.push(name + ": " + m.text() + " " + url);
    });
  }

  // axe-core: no serious or critical violations.
  async axe(page, what) {
    await page.addScriptTag({ content: this.axeSource });
    const res = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    const bad = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    this.check(bad.length === 0, "axe: no serious violations on " + what +
               (bad.length ? " -- " + bad.map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")).join("; ") : ""));
  }

  // Full-page screenshots at 360 px and 1280 px; at 360 px nothing may stick out sideways.
  async shot(page, name) {
    const vp = page.viewportSize();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (vp.width === 360) this.check(overflow <= 0, name + " fits 360 px (overflow " + overflow + " px)");
    await page.screenshot({ path: path.join(this.shots, name + "-360.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(this.shots, name + "-1280.png"), fullPage: true });
    await page.setViewportSize(vp);
  }

  // Closes browsers, stops the host (SIGTERM, waits), prints the verdict and exits.
  async finish(error) {
    if (error) { this.failures++; console.log("FAIL " + (error.stack || error)); }
    else this.check(this.consoleErrors.length === 0,
                    "no console errors" + (this.consoleErrors.length ? ": " + this.consoleErrors.join(" | ") : ""));
    for (const b of this.browsers) await b.close().catch(() => {});
    for (const f of this.cleanup) fs.rmSync(f, { force: true });
    if (this.host) {
      if (this.hostExited === null) {
        const exited = new Promise((r) => this.host.on("exit", r));
        this.host.kill("SIGTERM");
        await exited;
      }
      this.check(this.hostExited === 0, "host stopped cleanly (exit " + this.hostExited + ")");
    }
    console.log(this.failures ? this.failures + " failure(s); host log: " + path.join(this.work, "host.log")
                              : "all passed; screenshots in " + this.shots);
    process.exit(this.failures ? 1 : 0);
  }
}

// A valid ID number (GB 11643 check character) from its first 17 digits.
export function withCheck(s17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s17[i]) * w[i];
  return s17 + "10X98765432"[sum % 11];
}

// A JPEG drawn by the page's own canvas (ID card stand-ins for channels whose pipeline reads no text).
export async function canvasJpeg(page, label, width = 856, height = 540) {
  return Buffer.from(await page.evaluate(([l, w, h]) => {
    const c = document.createElement("canvas");
    c.width = w; c.height = h;
    const g = c.getContext("2d");
    g.fillStyle = "#e8eef5"; g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = "#123"; g.font = "48px sans-serif"; g.fillText(l, 60, 120);
    return c.toDataURL("image/jpeg", 0.9).split(",")[1];
  }, [label, width, height]), "base64");
}
