// The raw-CDP floor: what the browser itself costs per load, with no
// tracing and no library. Per load: a new browser context and tab (about:blank),
// attach, the report binding, navigate to wasmlab's harness, wait for the
// report, dispose the context.
// --variant reuse: one context and tab for every load, as wasmlab's loop
// does (collector/measure/load.c, reuse_page): per load, navigate the tab to
// the blank page of a new origin (http://l<N>.localhost:P, a new renderer),
// wait for its load event, then to the harness on that origin. Unlike
// wasmlab it does not wait for the previous renderer to exit: a floor.
// --variant traced: the floor of any tool that must deliver the trace wasmlab
// stores. One context and tab, one tracing session for every load (wasmlab's
// categories and buffer), and per load, as wasmlab --batch does
// (collector/measure/load.c, reuse_page and run_page): navigate the tab to
// the harness on a new origin, held (hold=1: it loads its scripts and says
// ready), then release it and wait for its report. At the end the context
// goes, its renderer exits, and the whole trace is exported (Tracing.end,
// IO.read to the end) and dropped. --trace-format proto exports Chrome's
// protobuf trace instead: Chrome then skips its JSON conversion, as it
// would for a collector that decoded Perfetto's format.
// usage: node cdp-floor.js --port P --manifest FILE --module NAME --loads N [--browser EXE]
//                          [--variant new-tab|reuse|traced] [--trace-format json|proto]
// Output: one JSON line per load, then {"summary":...}.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const WebSocket = require("ws");
const c = require("./common");

function launch(exe) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "wasmlab-floor-"));
  const child = spawn(exe, [...c.BROWSER_FLAGS, "--remote-debugging-address=127.0.0.1",
                            "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"],
                      { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
      const m = /DevTools listening on (ws:\S+)/.exec(err);
      if (m) { child.stderr.removeAllListeners("data"); child.stderr.resume(); resolve({ child, profile, ws: m[1] }); }
    });
    child.once("exit", (code) => reject(new Error(`browser exited (${code}): ${err.slice(-300)}`)));
  });
}

class Cdp {
  constructor(ws) {
    this.ws = ws; this.next = 1; this.pending = new Map(); this.listeners = [];
    ws.on("message", (data) => {
      const msg = JSON.parse(data);
      if (msg.id && this.pending.has(msg.id)) {
        const { resolve, reject } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) reject(new Error(msg.error.message)); else resolve(msg.result);
      } else if (msg.method) {
        for (const l of this.listeners.slice()) l(msg);
      }
    });
  }
  send(method, params = {}, sessionId) {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  waitFor(pred, ms) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { done(); reject(new Error(`no event within ${ms} ms`)); }, ms);
      const l = (msg) => { if (pred(msg)) { done(); resolve(msg); } };
      const done = () => { clearTimeout(timer); this.listeners = this.listeners.filter((x) => x !== l); };
      this.listeners.push(l);
    });
  }
}

// The harness's next message on the tab's session: "ready" (held, loaded
// ahead) or its report.
function harnessMessage(cdp, sessionId, ready) {
  return cdp.waitFor((m) => m.sessionId === sessionId && m.method === "Runtime.bindingCalled" &&
                            m.params.name === "__wasmlabReport" &&
                            (JSON.parse(m.params.payload).type === "ready") === ready, 60000);
}

// A load's line, from its report and its start.
async function loadResult(reported, t0) {
  const report = JSON.parse((await reported).params.payload);
  return { ok: report.ok === true, wall_ms: Number(process.hrtime.bigint() - t0) / 1e6,
           error: report.ok ? null : report.error };
}

// The harness URL on the n-th new origin (http://l<n>.localhost:P).
function onOrigin(url, n) {
  return url.replace("//127.0.0.1:", `//l${n}.localhost:`);
}

async function oneLoad(cdp, url) {
  const t0 = process.hrtime.bigint();
  const { browserContextId } = await cdp.send("Target.createBrowserContext", { disposeOnDetach: true });
  try {
    const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank", browserContextId });
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
    await cdp.send("Runtime.addBinding", { name: "__wasmlabReport" }, sessionId);
    await cdp.send("Runtime.enable", {}, sessionId);
    const reported = harnessMessage(cdp, sessionId, false);
    await cdp.send("Page.navigate", { url }, sessionId);
    return await loadResult(reported, t0);
  } finally {
    await cdp.send("Target.disposeBrowserContext", { browserContextId });
  }
}

// --variant reuse: the tab, its context and session, opened once.
async function openTab(cdp) {
  const { browserContextId } = await cdp.send("Target.createBrowserContext", { disposeOnDetach: true });
  const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank", browserContextId });
  const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
  await cdp.send("Runtime.addBinding", { name: "__wasmlabReport" }, sessionId);
  await cdp.send("Runtime.enable", {}, sessionId);
  await cdp.send("Page.enable", {}, sessionId);
  return { sessionId, browserContextId };
}

async function reuseLoad(cdp, sessionId, url, n) {
  const t0 = process.hrtime.bigint();
  const here = onOrigin(url, n);
  const loaded = cdp.waitFor((m) => m.sessionId === sessionId && m.method === "Page.loadEventFired", 15000);
  await cdp.send("Page.navigate", { url: here.replace(/\/pages\/.*$/, "/pages/blank.html") }, sessionId);
  await loaded;
  const reported = harnessMessage(cdp, sessionId, false);
  await cdp.send("Page.navigate", { url: here }, sessionId);
  return loadResult(reported, t0);
}

// --variant traced: the session is the tab's (openTab); wasmlab's
// tracing_params (collector/measure/load.c).
async function startTracing(cdp, format) {
  await cdp.send("Tracing.start", {
    traceConfig: { recordMode: "recordUntilFull", traceBufferSizeInKb: 256 * 1024,
                   includedCategories: c.TRACE_CATEGORIES },
    transferMode: "ReturnAsStream", streamFormat: format, streamCompression: "none" });
}

async function heldLoad(cdp, sessionId, url, n) {
  const t0 = process.hrtime.bigint();
  const ready = harnessMessage(cdp, sessionId, true);
  await cdp.send("Page.navigate", { url: onOrigin(url, n) + "&hold=1" }, sessionId);
  await ready;
  const reported = harnessMessage(cdp, sessionId, false);
  await cdp.send("Runtime.evaluate", { expression: "__wasmlabGo()" }, sessionId);
  return loadResult(reported, t0);
}

async function rendererCount(cdp) {
  const { processInfo } = await cdp.send("SystemInfo.getProcessInfo");
  return processInfo.filter((p) => p.type === "renderer").length;
}

// The tab's context goes and one renderer exits before Tracing.end, as
// wasmlab's load_flush waits (a renderer exiting during the flush can hold
// it for seconds); then the whole trace is read and dropped.
async function exportTrace(cdp, contextId) {
  const before = await rendererCount(cdp);
  await cdp.send("Target.disposeBrowserContext", { browserContextId: contextId });
  for (let i = 0; i < 300 && (await rendererCount(cdp)) >= before; i++)
    await new Promise((r) => setTimeout(r, 10));
  const complete = cdp.waitFor((m) => m.method === "Tracing.tracingComplete", 60000);
  await cdp.send("Tracing.end");
  const { params } = await complete;
  let bytes = 0;
  for (;;) {
    const r = await cdp.send("IO.read", { handle: params.stream, size: 1 << 20 });
    bytes += r.base64Encoded ? Math.floor(r.data.length * 3 / 4) : Buffer.byteLength(r.data);
    if (r.eof) break;
  }
  await cdp.send("IO.close", { handle: params.stream });
  return bytes;
}

async function main() {
  const o = c.parseArgs(process.argv);
  o.variant = o.variant || "new-tab";
  o["trace-format"] = o["trace-format"] || "json";
  if (!["new-tab", "reuse", "traced"].includes(o.variant))
    throw new Error("--variant must be new-tab, reuse or traced");
  if (o["trace-format"] !== "json" && o["trace-format"] !== "proto")
    throw new Error("--trace-format must be json or proto");
  const { url } = c.harnessUrl(o.port, o.manifest, o.module);
  const t0 = process.hrtime.bigint();
  const b = await launch(o.browser);
  const ws = new WebSocket(b.ws, { perMessageDeflate: false, maxPayload: 256 << 20 });
  await new Promise((r, j) => { ws.once("open", r); ws.once("error", j); });
  const cdp = new Cdp(ws);
  let ok = 0, traceBytes = null;
  try {
    const tab = o.variant !== "new-tab" ? await openTab(cdp) : null;
    if (o.variant === "traced")
      await startTracing(cdp, o["trace-format"]);
    for (let i = 0; i < o.loads; i++) {
      let r;
      try {
        r = o.variant === "traced" ? await heldLoad(cdp, tab.sessionId, url, i)
          : tab ? await reuseLoad(cdp, tab.sessionId, url, i) : await oneLoad(cdp, url);
      } catch (e) { r = { ok: false, error: String(e.message || e) }; }
      if (r.ok) ok++;
      console.log(JSON.stringify({ tool: "floor", variant: o.variant, module: o.module, load: i, ...r }));
    }
    if (o.variant === "traced")
      traceBytes = await exportTrace(cdp, tab.browserContextId);
  } finally {
    try { await Promise.race([cdp.send("Browser.close"), new Promise((r) => setTimeout(r, 3000))]); } catch {}
    ws.close();
    // The profile goes only once the browser has exited (it writes until then).
    const exited = new Promise((r) => b.child.exitCode !== null ? r() : b.child.once("exit", r));
    b.child.kill("SIGTERM");
    await exited;
    fs.rmSync(b.profile, { recursive: true, force: true, maxRetries: 3 });
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ summary: { tool: "floor", variant: o.variant, module: o.module, loads: o.loads,
                                          ok, seconds: secs,
                                          ...(traceBytes !== null ? { trace_format: o["trace-format"],
                                                                      trace_bytes: traceBytes } : {}) } }));
  // a traced floor that exported nothing measured no tracing at all
  process.exit(ok === o.loads && traceBytes !== 0 ? 0 : 3);
}

main().catch((e) => { console.error(`cdp-floor: ${e.message || e}`); process.exit(1); });
