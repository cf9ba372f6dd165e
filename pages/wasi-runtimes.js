// The WASI census's runtimes, one constructor each, and the one run
// function the page (wasi-census.js) and Node (wasi-node.mjs) share.
//
// Every runtime gets the same program: args [name, "--probe"], env
// WASMLAB=1, stdin "ping\n", and the same tree preopened as /sandbox
// (hello.txt = "hello from wasmlab\n", an empty sub/), except wasmlab's own
// minimal shim (pages/wasi.js), which has no filesystem at all: that is the
// finding for it, not an omission here.
//
//   wasmlab            pages/wasi.js (globalThis.makeWasi; page only)
//   browser_wasi_shim  @bjorn3/browser_wasi_shim (in-memory fs)
//   wasmer             @wasmer/wasi 1.x (wasmer-js compiled to wasm; MemFS)
//   node               node:wasi (libuv's uvwasi; Node only; a real folder)
//   none               no shim at all: the module is instantiated with no
//                      wasi_snapshot_preview1 object, which shows whether the
//                      browser itself supplies WASI (it does not: LinkError)
export const SANDBOX_FILE = "hello from wasmlab\n";
export const STDIN = "ping\n";
export const ENV = { WASMLAB: "1" };
export const RUNTIMES = ["wasmlab", "browser_wasi_shim", "wasmer", "node", "none"];

const enc = new TextEncoder();

// cfg: { name, args, env, stdin (Uint8Array), urls: { browser_wasi_shim,
// wasmer } (module URLs), sandboxDir (node only), stdoutFd (node only) }.
// Returns { importsFor(module) -> the shim's wasi_snapshot_preview1 object,
// start(instance) -> exit code }.
export async function makeRuntime(runtime, cfg) {
  if (runtime === "none") return { importsFor: () => null, start: (inst) => inst.exports._start() };
  if (runtime === "wasmlab") {
    if (typeof globalThis.makeWasi !== "function") throw new Error("pages/wasi.js is not loaded");
    const w = globalThis.makeWasi({ args: cfg.args, env: cfg.env, stdin: cfg.stdin,
                                    onWrite: () => {} });
    return { importsFor: (m) => w.importsFor(m).wasi_snapshot_preview1,
             start: (inst) => w.start(inst) };
  }
  if (runtime === "browser_wasi_shim") {
    const s = await import(cfg.urls.browser_wasi_shim);
    const tree = new Map([["hello.txt", new s.File(enc.encode(SANDBOX_FILE))],
                          ["sub", new s.Directory(new Map())]]);
    const fds = [new s.OpenFile(new s.File(cfg.stdin)),
                 new s.ConsoleStdout(() => {}), new s.ConsoleStdout(() => {}),
                 new s.PreopenDirectory("/sandbox", tree)];
    const envList = Object.entries(cfg.env).map(([k, v]) => k + "=" + v);
    const w = new s.WASI(cfg.args, envList, fds);
    return { importsFor: () => w.wasiImport, start: (inst) => w.start(inst) };
  }
  if (runtime === "wasmer") {
    // @wasmer/wasi 1.2.2 carries its own wasm (wasmer-js built for wasm32,
    // ~330 KB) as a base64 data: URL inside the ESM bundle, decoded by
    // init() with Node's Buffer.from: in a browser it fails with "Buffer is
    // not defined" unless the page supplies one (its README's examples use a
    // bundler's polyfill). This is the smallest such polyfill: base64 only.
    if (typeof globalThis.Buffer === "undefined")
      globalThis.Buffer = { from: (s, encoding) => {
        if (encoding !== "base64") throw new Error("wasmlab's Buffer shim: base64 only");
        return Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
      } };
    const m = await import(cfg.urls.wasmer);
    await m.init();
    const fs = new m.MemFS();
    fs.createDir("/sandbox");
    fs.createDir("/sandbox/sub");
    fs.open("/sandbox/hello.txt", { read: true, write: true, create: true }).writeString(SANDBOX_FILE);
    const w = new m.WASI({ args: cfg.args, env: cfg.env, preopens: { "/sandbox": "/sandbox" }, fs });
    w.setStdinBuffer(cfg.stdin);
    return {
      importsFor: (mod) => w.getImports(mod).wasi_snapshot_preview1,
      start: (inst) => { w.instantiate(inst, {}); return w.start(inst); },
    };
  }
  if (runtime === "node") {
    const { WASI } = await import("node:wasi");
    const w = new WASI({ version: "preview1", args: cfg.args, env: cfg.env,
                         preopens: { "/sandbox": cfg.sandboxDir }, stdin: cfg.stdinFd,
                         stdout: cfg.stdoutFd, stderr: cfg.stdoutFd, returnOnExit: true });
    return { importsFor: () => w.wasiImport, start: (inst) => w.start(inst) };
  }
  throw new Error("unknown runtime " + runtime);
}

// Runs one module under one runtime through the logging wrapper. send(msg)
// gets {type:"wasi-calls", records} batches and, last, {type:"done", ...}.
// Never throws: every failure is part of the done message.
export async function runCensus(WasiLog, runtime, bytes, cfg, send) {
  const done = { type: "done", runtime, ok: false, phase: "setup", exit_code: null,
                 trapped: false, not_provided: null, error: null, imports: [] };
  // batch 1: every record leaves as soon as its call returns, so a renderer
  // that crashes later (browser_wasi_shim + C's poll()) loses none of them;
  // the caps still bound the total.
  const log = WasiLog.create({ batch: cfg.batch || 1,
                               onBatch: (records) => send({ type: "wasi-calls", records }) });
  try {
    done.phase = "compile";
    const module = await WebAssembly.compile(bytes);
    done.imports = WasiLog.wasiImports(module);
    done.phase = "runtime";
    const rt = await makeRuntime(runtime, cfg);
    const ns = rt.importsFor(module);
    // "none": nothing at all, so the engine's own answer (a LinkError) shows
    const imports = ns === null ? {} : { wasi_snapshot_preview1: log.wrap(ns, done.imports) };
    done.phase = "instantiate";
    const instance = await WebAssembly.instantiate(module, imports);
    log.setMemory(instance.exports.memory);
    done.phase = "run";
    try {
      const code = rt.start(instance);
      done.exit_code = typeof code === "number" ? code : log.state.exitCode ?? 0;
    } catch (e) {
      if (log.state.exitCode !== null) {
        done.exit_code = log.state.exitCode;   // the shim's proc_exit threw past start()
      } else {
        done.trapped = true;
        // wasmer rethrows our stub's error wrapped in its own: the log knows
        if (e instanceof WasiLog.WasiNotProvided || log.state.notProvided)
          done.not_provided = log.state.notProvided || e.message;
        done.error = String(e && e.message ? e.message : e).slice(0, 500);
      }
    }
    done.phase = "done";
    done.ok = !done.trapped;
  } catch (e) {
    done.error = String(e && e.message ? e.message : e).slice(0, 500);
  }
  log.flush();
  Object.assign(done, log.summary());
  send(done);
  return done;
}
