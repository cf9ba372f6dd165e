// wasmlab harness: compiles one module, optionally runs it, and reports.
//
// Query string (set by the collector):
//   module   URL of the .wasm (same origin)
//   api      streaming (WebAssembly.compileStreaming) | buffered (fetch,
//            arrayBuffer, WebAssembly.compile) | instantiate-streaming
//            (WebAssembly.instantiateStreaming: compile and instantiate in
//            one; the runtime's imports are given up front) | worker-sync (a
//            dedicated Worker, worker.js, fetches the bytes and compiles them
//            with synchronous new WebAssembly.Module, then posts the module)
//   runtime  wasi | gojs | none (compile only: for outside modules)
//   stdin    optional URL whose bytes are the program's stdin
//   args     optional JSON array of program arguments
//   execjs   URL of Go's wasm_exec.js (runtime=gojs)
//   jschurn  optional: after the module, churn the JS heap with this many MB
//            of live small objects (jsrounds rounds, default 20): a workload
//            whose garbage V8 collects, for GC comparisons
//   hold     optional: loaded ahead of its window. The page reports
//            {"type":"ready"} and does nothing more until the collector calls
//            __wasmlabGo() (Runtime.evaluate), once the previous load's
//            renderer has gone: the page's own loading stays out of the
//            measured window (so do the program's stdin and Go's
//            wasm_exec.js, fetched first), and nothing of the load starts
//            before it.
//
// Marks are performance.mark()s named "wasmlab:*": they land in the trace
// (blink.user_timing) on the trace clock, and their performance.now() values
// are sent too, so the page's own view can be checked against the trace.
// Moments marked: start, compile-start, response, compiled (the API's promise
// resolved: for instantiate-streaming that includes instantiation),
// instantiated (an instance exists), run-start, first-output (the program's
// first write to stdout/stderr: start-up ends there), first-export-returned
// (the first export call, _start or Go's run, returned), run-end, done.
// The report goes to the collector through the CDP binding __wasmlabReport
// (Runtime.addBinding): pushed, never polled.
"use strict";

(async () => {
  const q = new URLSearchParams(location.search);
  const report = { type: "done", ok: false, phase: "setup", marks: {}, stdout: "",
                   stderr: "", exit_code: null, error: null, long_tasks: [],
                   time_origin: performance.timeOrigin,
                   cross_origin_isolated: self.crossOriginIsolated === true };
  // Main-thread tasks over 50 ms, as the page sees them.
  const takeLongTasks = (list) => {
    for (const e of list.getEntries ? list.getEntries() : list)
      report.long_tasks.push({ start_ms: e.startTime, dur_ms: e.duration, name: e.name });
  };
  let longTaskObserver = null;
  try {
    longTaskObserver = new PerformanceObserver(takeLongTasks);
    longTaskObserver.observe({ type: "longtask", buffered: true });
  } catch (e) { /* no longtask support: the list stays empty */ }
  const mark = (name) => {
    const full = "wasmlab:" + name;
    performance.mark(full);
    report.marks[full] = performance.now();
  };
  const send = (obj) => {
    if (typeof __wasmlabReport === "function") __wasmlabReport(JSON.stringify(obj));
  };
  const dec = new TextDecoder();
  const OUTPUT_LIMIT = 1 << 20;   // keep the report bounded
  let wroteOnce = false;
  const onWrite = (fd, buf) => {
    if (!wroteOnce) { wroteOnce = true; mark("first-output"); }
    const key = fd === 2 ? "stderr" : "stdout";
    if (report[key].length < OUTPUT_LIMIT) report[key] += dec.decode(buf);
  };

  // The program's stdin and Go's wasm_exec.js come before the window (held:
  // before "ready"): the window holds the module's own work only. A failure
  // here is reported from inside the window, as any other.
  const runtime = q.get("runtime") || "none";
  let stdin = new Uint8Array(0);
  let prepareError = null;
  try {
    if (q.get("stdin")) {
      report.phase = "stdin";
      stdin = new Uint8Array(await (await fetch(q.get("stdin"))).arrayBuffer());
    }
    if (runtime === "gojs") {
      report.phase = "wasm_exec.js";
      installGoFs(stdin, onWrite);
      await loadScript(q.get("execjs"));
    }
  } catch (e) {
    prepareError = e;
  }

  if (q.get("hold"))
    await new Promise((go) => { globalThis.__wasmlabGo = go; send({ type: "ready" }); });

  mark("start");
  try {
    if (prepareError) throw prepareError;
    const url = q.get("module");
    const api = q.get("api") || "streaming";
    const args = JSON.parse(q.get("args") || "[]");

    // The runtime exists before the compile: instantiate-streaming needs its
    // imports up front.
    const wasi = runtime === "wasi" ? makeWasi({ args: ["prog", ...args], stdin, onWrite }) : null;
    let go = null;
    if (runtime === "gojs") {
      go = new Go();
      go.argv = ["prog", ...args];
      // GODEBUG is read once, at start-up: go/gc-churn --gctrace asks for
      // Go's per-cycle trace on stderr (modules/go/gc-churn/main.go).
      go.env = args.includes("--gctrace") ? { GODEBUG: "gctrace=1" } : {};
      go.exit = (code) => { report.exit_code = code; };
    }
    const imports = wasi ? wasi.importsAny() : go ? go.importObject : stubImports();

    report.phase = "compile";
    let module, instance = null;
    if (api === "streaming") {
      mark("compile-start");
      const response = fetch(url).then((r) => { mark("response"); return r; });
      module = await WebAssembly.compileStreaming(response);
    } else if (api === "buffered") {
      const r = await fetch(url);
      mark("response");
      const buf = await r.arrayBuffer();
      mark("compile-start");
      module = await WebAssembly.compile(buf);
    } else if (api === "instantiate-streaming") {
      mark("compile-start");
      const response = fetch(url).then((r) => { mark("response"); return r; });
      ({ module, instance } = await WebAssembly.instantiateStreaming(response, imports));
    } else if (api === "worker-sync") {
      mark("compile-start");
      module = await compileInWorker(url);
    } else {
      throw new Error("unknown api " + api);
    }
    mark("compiled");
    if (instance) mark("instantiated");
    // Kept reachable after the report, as a real page keeps its module: V8
    // serializes a module for the code cache ~2 s after its last tier-up,
    // and a module collected before then is never cached (code-cache.md).
    globalThis.wasmlabKeep = { module };

    if (runtime === "wasi" || runtime === "gojs") {
      report.phase = "instantiate";
      if (!instance) {
        instance = await WebAssembly.instantiate(module, imports);
        mark("instantiated");
      }
      mark("run-start");
      report.phase = "run";
      // first-export-returned: the module's first export call is back in JS
      // (C: _start, inside wasi.start; Go: run, which go.run calls before its
      // first await). Lazy compiles and tier-up of that call land before it.
      if (wasi) {
        report.exit_code = wasi.start(instance);
        mark("first-export-returned");
        report.wasi_calls = wasi.calls;
      } else {
        const running = go.run(instance);
        mark("first-export-returned");
        await running;
        if (report.exit_code === null) report.exit_code = 0;
      }
      mark("run-end");
    }
    if (q.get("jschurn")) {
      report.phase = "jschurn";
      mark("jschurn-start");
      report.jschurn_checksum = churnJsHeap(Number(q.get("jschurn")), Number(q.get("jsrounds") || 20));
      mark("jschurn-end");
    }
    report.phase = "done";
    report.ok = report.exit_code === null || report.exit_code === 0;
    if (!report.ok) report.error = "exit code " + report.exit_code;
  } catch (e) {
    report.error = String(e && e.message ? e.message : e);
  }
  // Let a long task that just ended be delivered before reporting.
  await new Promise((r) => setTimeout(r, 0));
  if (longTaskObserver) {
    takeLongTasks(longTaskObserver.takeRecords());
    longTaskObserver.disconnect();
  }
  mark("done");
  // Shown only to a person (wasmlab serve): the first text a new renderer
  // lays out costs it ~25 ms of CPU (fonts), measured here, which the next
  // load's renderer start would share the two cores with.
  if (typeof __wasmlabReport !== "function")
    document.getElementById("out").textContent = report.stdout;
  send(report);

  // Keeps about liveMb of small objects alive while replacing
  // a tenth of them each round: young garbage and old-generation churn.
  function churnJsHeap(liveMb, rounds) {
    const perNode = 64, count = Math.max(1, Math.floor(liveMb * 1048576 / perNode));
    const live = new Array(count);
    let sum = 0;
    for (let i = 0; i < count; i++) live[i] = { next: null, v: i, pad: [i, i] };
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < count / 10; k++) {
        const i = (r * 7919 + k * 104729) % count;
        live[i] = { next: null, v: r + k, pad: [r, k] };  // no chains: live stays ~liveMb
      }
      sum = (sum + live[r % count].v) | 0;
    }
    return sum;
  }

  // Compile-only modules under instantiate-streaming: every function import
  // is a stub that throws if called; other import kinds fail to link.
  function stubImports() {
    const fn = () => { throw new Error("wasmlab: compile-only module called an import"); };
    return new Proxy({}, { get: () => new Proxy({}, { get: () => fn }) });
  }

  // worker.js fetches and compiles synchronously off the main thread (no
  // 8 MB limit there) and posts the module back (same agent cluster).
  function compileInWorker(src) {
    return new Promise((resolve, reject) => {
      const w = new Worker("worker.js");
      w.onmessage = (e) => {
        w.terminate();
        if (e.data.ok) resolve(e.data.module); else reject(new Error(e.data.error));
      };
      w.onerror = (e) => { w.terminate(); reject(new Error("worker: " + e.message)); };
      w.postMessage({ url: new URL(src, location.href).href });
    });
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error("cannot load " + src));
      document.head.appendChild(s);
    });
  }

  // Go's wasm_exec.js uses globalThis.fs when it exists: give it stdout and
  // stderr capture and an in-memory stdin; everything else is ENOSYS.
  function installGoFs(stdinBytes, write) {
    const enosys = () => Object.assign(new Error("not implemented"), { code: "ENOSYS" });
    let pos = 0;
    const fs = {
      constants: { O_WRONLY: -1, O_RDWR: -1, O_CREAT: -1, O_TRUNC: -1, O_APPEND: -1, O_EXCL: -1 },
      writeSync(fd, buf) { write(fd, buf); return buf.length; },
      write(fd, buf, offset, length, position, cb) {
        if (position !== null) { cb(enosys()); return; }
        write(fd, buf.subarray(offset, offset + length));
        cb(null, length);
      },
      read(fd, buf, offset, length, position, cb) {
        if (fd !== 0 || position !== null) { cb(enosys()); return; }
        const chunk = stdinBytes.subarray(pos, pos + length);
        buf.set(chunk, offset);
        pos += chunk.length;
        cb(null, chunk.length);
      },
      fsync(fd, cb) { cb(null); },
    };
    for (const name of ["chmod", "chown", "close", "fchmod", "fchown", "fstat", "ftruncate",
                        "lchown", "link", "lstat", "mkdir", "open", "readdir", "readlink",
                        "rename", "rmdir", "stat", "symlink", "truncate", "unlink", "utimes"])
      fs[name] = (...a) => a[a.length - 1](enosys());
    globalThis.fs = fs;
  }
})();
