// Shared by the peers: the browser flags, the harness URL and the metric,
// each copied from the wasmlab source that defines it (so both tools load the
// same page the same way and measure the same interval).
"use strict";
const fs = require("fs");
const path = require("path");

// cdp/browser.c's launch flags (the debugging port/address are the launcher's).
const BROWSER_FLAGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--no-default-browser-check", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-extensions",
  "--disable-breakpad", "--disable-quic", "--mute-audio",
  "--disable-features=SpareRendererForSitePerProcess,BackForwardCache",
];

// collector/measure/load.c's load_trace_categories.
const TRACE_CATEGORIES = [
  "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.wasm",
  "disabled-by-default-v8.wasm.detailed", "v8", "disabled-by-default-v8.gc",
  "blink.user_timing",
];

const DEFAULT_BROWSER = "/usr/lib/chromium/chromium-headless-shell";

// Command line: --port P --manifest FILE --module NAME --loads N [--browser EXE]
function parseArgs(argv) {
  const o = { browser: DEFAULT_BROWSER, loads: 3 };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, ""), v = argv[i + 1];
    if (v === undefined) throw new Error(`option --${k} needs a value`);
    o[k] = k === "loads" || k === "port" ? Number(v) : v;
  }
  for (const need of ["port", "manifest", "module"])
    if (!o[need]) throw new Error(`--${need} is required`);
  if (!(o.loads >= 1)) throw new Error("--loads must be >= 1");
  return o;
}

// The harness URL exactly as collector/measure/load.c's harness_url builds it.
function harnessUrl(port, manifestPath, moduleName) {
  const mf = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const m = mf.modules.find((x) => x.name === moduleName);
  if (!m) throw new Error(`module ${moduleName} is not in ${manifestPath}`);
  const modulePath = "/modules/" + m.file;
  const q = new URLSearchParams();
  q.set("module", modulePath);
  q.set("api", "streaming");
  const runtime = m.runtime === "gojs" || m.runtime === "wasi" ? m.runtime : "none";
  q.set("runtime", runtime);
  if (runtime === "gojs") q.set("execjs", "/modules/wasm_exec.js");
  if (m.stdin) q.set("stdin", "/modules/" + m.stdin);
  if (m.args && m.args.length) q.set("args", JSON.stringify(m.args));
  return { url: `http://127.0.0.1:${port}/pages/harness.html?${q}`, modulePath };
}

// first_byte_to_compile_us as collector/trace/extract.h defines it:
// ResourceReceiveResponse of the module request (the earliest
// ResourceSendRequest whose URL path equals the module path) to
// wasm.OnCompilationSucceeded, else wasm.FinishAsyncCompile, the first on
// the renderer at or after the harness's "wasmlab:compile-start" mark.
// Returns null when the trace lacks a piece.
function firstByteToCompileUs(events, modulePath) {
  let send = null;
  for (const e of events) {
    if (e.name !== "ResourceSendRequest") continue;
    const d = e.args && e.args.data;
    if (!d || !d.url) continue;
    let p;
    try { p = new URL(d.url).pathname; } catch { continue; }
    if (p === modulePath && (!send || e.ts < send.ts)) send = { ts: e.ts, id: d.requestId };
  }
  if (!send) return null;
  let firstByte = null, markTs = null, markPid = null;
  for (const e of events) {
    if (e.name === "ResourceReceiveResponse" && e.args && e.args.data &&
        e.args.data.requestId === send.id && (firstByte === null || e.ts < firstByte))
      firstByte = e.ts;
    if (e.name === "wasmlab:compile-start" && (markTs === null || e.ts < markTs)) {
      markTs = e.ts; markPid = e.pid;
    }
  }
  if (firstByte === null || markTs === null) return null;
  const firstOf = (name) => {
    let t = null;
    for (const e of events)
      if (e.name === name && e.pid === markPid && e.ts >= markTs && (t === null || e.ts < t)) t = e.ts;
    return t;
  };
  let done = firstOf("wasm.OnCompilationSucceeded");
  if (done === null) done = firstOf("wasm.FinishAsyncCompile");
  return done === null ? null : Math.round(done - firstByte);
}

module.exports = { BROWSER_FLAGS, TRACE_CATEGORIES, DEFAULT_BROWSER, parseArgs, harnessUrl,
                   firstByteToCompileUs, path };
