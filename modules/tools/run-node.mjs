// Runs one module from manifest.json under Node.js, the way the page harness
// runs it in Chromium: the reference implementation of the I/O contract in
// modules/README.md, used by tests/e2e/modules_run.sh.
//
//   node --no-warnings run-node.mjs [--stdin FILE] [--preopen DIR] [--env K=V]...
//        <manifest.json> <name> [-- args...]
//
// argv[0] is the module name; the other arguments are the manifest's "args",
// or the ones after "--". fd 0 reads the manifest's "stdin" file (relative to
// the manifest), or FILE, or nothing (EOF). stdout/stderr are the module's.
// The exit code is the module's (proc_exit / os.Exit / return from main).
// Environment: empty, or the --env pairs. No preopened directories, or with
// --preopen the host folder DIR as the guest path /sandbox (the WASI census
// protocol's tree; runtime "wasi" only). --log-calls (runtime "wasi"): after
// each WASI call returns, one line "wasi-call <function> <errno number>" on
// stdout ("threw" when it threw: proc_exit, a trap), in order with the
// module's own stdout, so every call can be attributed to the probe line
// after it (docs/proposals/wasi-probes.md).
//
// runtime "wasi":  wasi_snapshot_preview1 from node:wasi.
// runtime "gojs":  wasm_exec.js from the manifest's folder, with globalThis.fs
//                  set to Node's fs (so Go's stdout/stderr are real fds) and
//                  fd 0 redirected to the stdin file. A browser page must do
//                  the equivalent: wasm_exec.js's own fs stub has no read().
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { WASI } from 'node:wasi';

function usage(msg) {
  if (msg) console.error(`run-node: ${msg}`);
  console.error('usage: run-node.mjs [--stdin FILE] [--preopen DIR] [--env K=V]... '
    + '<manifest.json> <name> [-- args...]');
  process.exit(2);
}

let argv = process.argv.slice(2);
let stdinOverride = null;
let preopen = null;
let logCalls = false;
const env = {};
while (['--stdin', '--preopen', '--env', '--log-calls'].includes(argv[0])) {
  if (argv[0] === '--log-calls') {
    logCalls = true;
    argv = argv.slice(1);
    continue;
  }
  const [opt, value] = argv;
  if (argv.length < 2) usage(`${opt} needs a value`);
  if (opt === '--stdin') stdinOverride = value;
  else if (opt === '--preopen') {
    if (!fs.statSync(value, { throwIfNoEntry: false })?.isDirectory()) usage(`--preopen ${value}: not a folder`);
    preopen = path.resolve(value);
  } else {
    const eq = value.indexOf('=');
    if (eq <= 0) usage(`--env ${value}: must be NAME=VALUE`);
    env[value.slice(0, eq)] = value.slice(eq + 1);
  }
  argv = argv.slice(2);
}
const [manifestPath, name, ...rest] = argv;
if (!manifestPath || !name) usage();
if (rest.length > 0 && rest[0] !== '--') usage(`unexpected ${rest[0]}`);

const dir = path.dirname(path.resolve(manifestPath));
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
if (manifest.version !== 1) usage(`manifest version ${manifest.version}, expected 1`);
const mod = manifest.modules.find((m) => m.name === name);
if (!mod) usage(`no module named ${name} in ${manifestPath}`);

const args = rest.length > 0 ? rest.slice(1) : mod.args;
const stdinPath = stdinOverride ?? (mod.stdin === null ? '/dev/null' : path.join(dir, mod.stdin));
const stdinFd = fs.openSync(stdinPath, 'r');
const bytes = fs.readFileSync(path.join(dir, mod.file));

if (mod.runtime === 'wasi') {
  const wasi = new WASI({
    version: 'preview1', args: [mod.name, ...args], env,
    preopens: preopen ? { '/sandbox': preopen } : {},
    stdin: stdinFd, stdout: 1, stderr: 2, returnOnExit: true,
  });
  const module = await WebAssembly.compile(bytes);
  const imports = wasi.getImportObject();
  if (logCalls) {
    const w = { ...imports.wasi_snapshot_preview1 };
    for (const [fn, f] of Object.entries(w)) {
      w[fn] = (...a) => {
        let r;
        try {
          r = f(...a);
        } catch (e) {
          fs.writeSync(1, `wasi-call ${fn} threw\n`);
          throw e;
        }
        fs.writeSync(1, `wasi-call ${fn} ${r}\n`);
        return r;
      };
    }
    imports.wasi_snapshot_preview1 = w;
  }
  const instance = await WebAssembly.instantiate(module, imports);
  process.exitCode = wasi.start(instance);
} else if (mod.runtime === 'gojs') {
  const stdinFs = Object.create(fs);
  stdinFs.read = (fd, ...a) => fs.read(fd === 0 ? stdinFd : fd, ...a);
  stdinFs.fstat = (fd, ...a) => fs.fstat(fd === 0 ? stdinFd : fd, ...a);
  globalThis.fs = stdinFs;
  createRequire(import.meta.url)(path.join(dir, 'wasm_exec.js'));
  const go = new globalThis.Go();
  go.argv = [mod.name, ...args];
  go.env = env;
  let code = 0;
  go.exit = (c) => { code = c; };
  const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
  await go.run(instance);
  process.exitCode = code;
} else {
  usage(`module ${name}: unknown runtime ${mod.runtime}`);
}
