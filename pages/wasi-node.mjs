// The WASI census in Node: runs one module under node:wasi (the reference
// outside the browser; the browser shims run here too, for checking) through
// the same logging wrapper and run function as the page, and prints the
// same messages the page sends over the CDP binding, one JSON object a line
// on stdout. The module's own stdout/stderr go to /dev/null: the wrapper
// captures them from fd_write, as in the page.
//
//   node wasi-node.mjs --runtime R --name NAME --wasm FILE [--vendor DIR] [--arg A]
//
// The /sandbox tree is made fresh in a temporary folder and removed after.
// wasmlab spawns this with a timeout (an endless loop is killed there).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const WasiLog = require(path.join(here, "wasi-log.js"));
const { runCensus, SANDBOX_FILE, STDIN, ENV } = await import(pathToFileURL(path.join(here, "wasi-runtimes.js")));

const opt = {};
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
if (!opt.runtime || !opt.name || !opt.wasm) {
  console.error("usage: wasi-node.mjs --runtime R --name NAME --wasm FILE [--vendor DIR]");
  process.exit(2);
}
const out = (msg) => fs.writeSync(1, JSON.stringify(msg) + "\n");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasmlab-wasi-"));
const sandbox = path.join(tmp, "sandbox");
fs.mkdirSync(path.join(sandbox, "sub"), { recursive: true });
fs.writeFileSync(path.join(sandbox, "hello.txt"), SANDBOX_FILE);
fs.writeFileSync(path.join(tmp, "stdin"), STDIN);
const vendor = opt.vendor || "";
const cfg = {
  args: [opt.name, opt.arg || "--probe"], env: ENV, stdin: new TextEncoder().encode(STDIN),
  sandboxDir: sandbox, stdinFd: fs.openSync(path.join(tmp, "stdin"), "r"),
  stdoutFd: fs.openSync("/dev/null", "w"),
  urls: {
    browser_wasi_shim: pathToFileURL(path.join(vendor, "@bjorn3/browser_wasi_shim/dist/index.js")).href,
    wasmer: pathToFileURL(path.join(vendor, "@wasmer/wasi/dist/Library.esm.min.js")).href,
  },
};
let done;
try {
  done = await runCensus(WasiLog, opt.runtime, fs.readFileSync(opt.wasm), cfg, out);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
out({ type: "node-version", version: process.version });
process.exitCode = 0;
void done;
