// The census page: one module under one runtime, every WASI call through
// the logging wrapper, each batch of records and then the outcome sent to
// the collector over the CDP binding (Runtime.addBinding __wasmlabReport).
// The shims come from wasmlab's own origin (/vendor/..., mapped by the
// collector to the npm packages installed from pages/vendor's lockfile).
import { runCensus, STDIN, ENV } from "./wasi-runtimes.js";

const q = new URLSearchParams(location.search);
const send = (msg) => {
  if (typeof __wasmlabReport === "function") __wasmlabReport(JSON.stringify(msg));
};
const cfg = {
  args: [q.get("name") || "prog", q.get("arg") || "--probe"], env: ENV,
  stdin: new TextEncoder().encode(STDIN),
  urls: { browser_wasi_shim: "/vendor/browser_wasi_shim/index.js",
          wasmer: "/vendor/wasmer/Library.esm.min.js" },
};
(async () => {
  let bytes;
  try {
    bytes = new Uint8Array(await (await fetch(q.get("module"))).arrayBuffer());
  } catch (e) {
    send({ type: "done", ok: false, phase: "fetch", error: String(e) });
    return;
  }
  const done = await runCensus(globalThis.WasiLog, q.get("runtime"), bytes, cfg, send);
  document.getElementById("out").textContent = done.stdout || "";
})();
