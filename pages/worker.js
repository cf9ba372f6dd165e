// wasmlab worker (api worker-sync): fetches the module and compiles it with
// the synchronous new WebAssembly.Module(bytes), which the main thread allows
// only up to 8 MB but a worker allows for any size; posts the module back.
// Its marks (wasmlab:worker-*) land in the trace on this worker's thread.
"use strict";
onmessage = async (e) => {
  const mark = (name) => performance.mark("wasmlab:" + name);
  try {
    const r = await fetch(e.data.url);
    if (!r.ok) throw new Error("HTTP " + r.status + " for " + e.data.url);
    mark("worker-response");
    const bytes = await r.arrayBuffer();
    mark("worker-compile-start");
    const module = new WebAssembly.Module(bytes);
    mark("worker-compiled");
    postMessage({ ok: true, module });
  } catch (err) {
    postMessage({ ok: false, error: String(err && err.message ? err.message : err) });
  }
};
