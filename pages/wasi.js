// A minimal wasi_snapshot_preview1 for the harness. Chrome has no native WASI:
// a module built for wasm32-wasi runs only because the page supplies these
// imports. stdout/stderr are captured, stdin comes from a buffer, the clock is
// performance.now()-based, and anything else answers ENOSYS (52) so a module
// can tell what is missing. Every call is counted (the WASI census reads it).
//
// The hot calls (clock_time_get, fd_write's bookkeeping) allocate nothing on
// the JS heap: an earlier version made a DataView and a BigInt per clock
// read, and C's gc-churn (which times every malloc) then showed 65 V8
// scavenges that were the harness's, not the module's.
"use strict";

class WasiExit extends Error {
  constructor(code) { super("proc_exit(" + code + ")"); this.code = code; }
}

function makeWasi({ args = [], env = {}, stdin = new Uint8Array(0), onWrite }) {
  const ERRNO = { SUCCESS: 0, BADF: 8, INVAL: 28, NOSYS: 52 };
  const enc = new TextEncoder();
  let memory = null;
  let stdinPos = 0;
  const calls = {};
  const argv = args.map((a) => enc.encode(a + "\0"));
  const envv = Object.entries(env).map(([k, v]) => enc.encode(k + "=" + v + "\0"));
  // Views are cached and remade only when memory.grow detaches the buffer.
  let viewCache = null, bytesCache = null;
  const view = () => {
    if (!viewCache || viewCache.buffer !== memory.buffer) viewCache = new DataView(memory.buffer);
    return viewCache;
  };
  const bytes = () => {
    if (!bytesCache || bytesCache.buffer !== memory.buffer) bytesCache = new Uint8Array(memory.buffer);
    return bytesCache;
  };
  // A 64-bit little-endian integer from a double (exact below 2^53), no BigInt.
  const setU64 = (v, ptr, n) => {
    v.setUint32(ptr, n % 4294967296, true);
    v.setUint32(ptr + 4, Math.floor(n / 4294967296), true);
  };

  function putStrings(list, ptrsPtr, bufPtr) {
    const v = view(), b = bytes();
    for (const s of list) {
      v.setUint32(ptrsPtr, bufPtr, true);
      ptrsPtr += 4;
      b.set(s, bufPtr);
      bufPtr += s.length;
    }
    return ERRNO.SUCCESS;
  }
  function sizes(list, countPtr, sizePtr) {
    const v = view();
    v.setUint32(countPtr, list.length, true);
    v.setUint32(sizePtr, list.reduce((n, s) => n + s.length, 0), true);
    return ERRNO.SUCCESS;
  }
  function iovecs(ptr, len) {
    const v = view(), out = [];
    for (let i = 0; i < len; i++)
      out.push([v.getUint32(ptr + 8 * i, true), v.getUint32(ptr + 8 * i + 4, true)]);
    return out;
  }

  const impl = {
    args_get: (p, b) => putStrings(argv, p, b),
    args_sizes_get: (c, s) => sizes(argv, c, s),
    environ_get: (p, b) => putStrings(envv, p, b),
    environ_sizes_get: (c, s) => sizes(envv, c, s),
    fd_write(fd, iovs, iovsLen, nwrittenPtr) {
      if (fd !== 1 && fd !== 2) return ERRNO.BADF;
      const v = view();
      let n = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = v.getUint32(iovs + 8 * i, true), len = v.getUint32(iovs + 8 * i + 4, true);
        if (len) onWrite(fd, bytes().subarray(ptr, ptr + len));
        n += len;
      }
      v.setUint32(nwrittenPtr, n, true);
      return ERRNO.SUCCESS;
    },
    fd_read(fd, iovs, iovsLen, nreadPtr) {
      if (fd !== 0) return ERRNO.BADF;
      let n = 0;
      for (const [ptr, len] of iovecs(iovs, iovsLen)) {
        const chunk = stdin.subarray(stdinPos, stdinPos + len);
        bytes().set(chunk, ptr);
        stdinPos += chunk.length;
        n += chunk.length;
        if (chunk.length < len) break;
      }
      view().setUint32(nreadPtr, n, true);
      return ERRNO.SUCCESS;
    },
    fd_fdstat_get(fd, ptr) {
      if (fd > 2) return ERRNO.BADF;
      const v = view();
      v.setUint8(ptr, 2);              // filetype: character device
      v.setUint16(ptr + 2, 0, true);   // flags
      setU64(v, ptr + 8, 0xffffffff);
      setU64(v, ptr + 16, 0xffffffff);
      return ERRNO.SUCCESS;
    },
    fd_prestat_get: () => ERRNO.BADF,  // no preopened directories
    fd_close: (fd) => (fd <= 2 ? ERRNO.SUCCESS : ERRNO.BADF),
    fd_seek: () => ERRNO.NOSYS,
    clock_time_get(id, precision, timePtr) {
      // realtime (0) from Date-based timeOrigin; the others monotonic.
      // (realtime in ns exceeds 2^53: microsecond steps there, exact ns for
      // the monotonic clock, which is what timing code uses)
      const ms = id === 0 ? performance.timeOrigin + performance.now() : performance.now();
      setU64(view(), timePtr, id === 0 ? Math.round(ms * 1e3) * 1e3 : Math.round(ms * 1e6));
      return ERRNO.SUCCESS;
    },
    clock_res_get(id, resPtr) {
      // 5 µs: Chromium's performance.now() clamp in a cross-origin-isolated page
      setU64(view(), resPtr, self.crossOriginIsolated ? 5000 : 100000);
      return ERRNO.SUCCESS;
    },
    random_get(ptr, len) {
      for (let off = 0; off < len; off += 65536)
        crypto.getRandomValues(bytes().subarray(ptr + off, ptr + Math.min(len, off + 65536)));
      return ERRNO.SUCCESS;
    },
    sched_yield: () => ERRNO.SUCCESS,
    proc_exit(code) { throw new WasiExit(code); },
  };

  function importsFor(module) {
    const wasi = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module !== "wasi_snapshot_preview1" || imp.kind !== "function") continue;
      const f = impl[imp.name] || (() => ERRNO.NOSYS);
      const name = imp.name;
      calls[name] = 0;
      // Fixed arity (no WASI call takes more than 9): rest/spread would
      // allocate an array per call.
      wasi[name] = (a, b, c, d, e, g, h, i, j) => {
        calls[name]++;
        return f(a, b, c, d, e, g, h, i, j);
      };
    }
    return { wasi_snapshot_preview1: wasi };
  }

  // The imports without the module (instantiateStreaming has none yet):
  // every name WebAssembly asks for, counted like importsFor's.
  function importsAny() {
    const wasi = new Proxy({}, {
      get(target, name) {
        if (typeof name !== "string") return undefined;
        if (!(name in target)) {
          const f = impl[name] || (() => ERRNO.NOSYS);
          calls[name] = 0;
          target[name] = (a, b, c, d, e, g, h, i, j) => {
            calls[name]++;
            return f(a, b, c, d, e, g, h, i, j);
          };
        }
        return target[name];
      },
    });
    return { wasi_snapshot_preview1: wasi };
  }

  // Runs a command module (_start). Returns the exit code.
  function start(instance) {
    memory = instance.exports.memory;
    try {
      if (instance.exports._start) instance.exports._start();
      else if (instance.exports._initialize) instance.exports._initialize();
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      throw e;
    }
  }

  return { importsFor, importsAny, start, calls };
}
