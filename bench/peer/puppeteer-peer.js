// The peer: the puppeteer-core loop a user would write to measure wasm
// streaming compilation. Per load: a new browser context and page, tracing
// with wasmlab's categories, goto wasmlab's harness, wait for its report,
// stop tracing, first-byte-to-compile from the trace.
//
// --variant blank (default): the page first opens the harness origin's
// pages/blank.html, as wasmlab does, and tracing starts there. --variant
// plain: newPage() (about:blank) then tracing then goto, the shortest loop;
// here the navigation swaps renderers inside the trace and Tracing.end then
// stalls ~5 s in most loads (Chromium 156 headless-shell, puppeteer-core
// 25.16: measured, see bench/README.md), so the bench uses the fair variant.
// usage: node puppeteer-peer.js --port P --manifest FILE --module NAME --loads N
//                               [--browser EXE] [--variant blank|plain]
// Output: one JSON line per load, then a summary line {"summary":...}.
"use strict";
const puppeteer = require("puppeteer-core");
const c = require("./common");

async function oneLoad(browser, url, modulePath, variant) {
  const t0 = process.hrtime.bigint();
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    let resolveReport;
    const reported = new Promise((r) => { resolveReport = r; });
    await page.exposeFunction("__wasmlabReport", (s) => resolveReport(JSON.parse(s)));
    if (variant === "blank") await page.goto(url.replace(/harness\.html.*$/, "blank.html"));
    await page.tracing.start({ categories: c.TRACE_CATEGORIES });
    await page.goto(url);
    const report = await Promise.race([
      reported,
      new Promise((_, rej) => setTimeout(() => rej(new Error("no report within 60 s")), 60000)),
    ]);
    const trace = JSON.parse(Buffer.from(await page.tracing.stop()).toString("utf8"));
    const events = Array.isArray(trace) ? trace : trace.traceEvents;
    const fbc = c.firstByteToCompileUs(events, modulePath);
    return { ok: report.ok === true && fbc !== null, first_byte_to_compile_us: fbc,
             wall_ms: Number(process.hrtime.bigint() - t0) / 1e6,
             error: report.ok ? (fbc === null ? "metric not in trace" : null) : report.error };
  } finally {
    await context.close();
  }
}

async function main() {
  const o = c.parseArgs(process.argv);
  const { url, modulePath } = c.harnessUrl(o.port, o.manifest, o.module);
  o.variant = o.variant || "blank";
  if (o.variant !== "blank" && o.variant !== "plain") throw new Error("--variant must be blank or plain");
  const t0 = process.hrtime.bigint();
  const browser = await puppeteer.launch({
    executablePath: o.browser, ignoreDefaultArgs: true, headless: true,
    args: [...c.BROWSER_FLAGS, "--remote-debugging-port=0", "about:blank"], pipe: false,
  });
  let ok = 0;
  try {
    for (let i = 0; i < o.loads; i++) {
      let r;
      try { r = await oneLoad(browser, url, modulePath, o.variant); }
      catch (e) { r = { ok: false, error: String(e.message || e) }; }
      if (r.ok) ok++;
      console.log(JSON.stringify({ tool: "puppeteer", variant: o.variant, module: o.module, load: i, ...r }));
    }
  } finally {
    await browser.close();
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ summary: { tool: "puppeteer", variant: o.variant, module: o.module, loads: o.loads,
                                          ok, seconds: secs, version: await versionOf(o.browser) } }));
  process.exit(ok === o.loads ? 0 : 3);
}

async function versionOf(exe) {
  return require("child_process").execFileSync(exe, ["--version"]).toString().trim();
}

main().catch((e) => { console.error(`puppeteer-peer: ${e.message || e}`); process.exit(1); });
