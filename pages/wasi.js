// A minimal wasi_snapshot_preview1 for the harness. Chrome has no native WASI:
// a module built for wasm32-wasi runs only because the page supplies these
// imports. stdout/stderr are captured, stdin comes from a buffer, the clock is
// performance.now()-based, and anything else answers ENOSYS (52) so a module
// can tell what is missing. Every call is counted (the WASI census reads it).
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
  const view = () => new DataView(memory.buffer);
  const bytes = () => new Uint8Array(memory.buffer);

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
      let n = 0;
      for (const [ptr, len] of iovecs(iovs, iovsLen)) {
        onWrite(fd, bytes().slice(ptr, ptr + len));
        n += len;
      }
      view().setUint32(nwrittenPtr, n, true);
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
      v.setBigUint64(ptr + 8, 0xffffffffn, true);
      v.setBigUint64(ptr + 16, 0xffffffffn, true);
      return ERRNO.SUCCESS;
    },
    fd_prestat_get: () => ERRNO.BADF,  // no preopened directories
    fd_close: (fd) => (fd <= 2 ? ERRNO.SUCCESS : ERRNO.BADF),
    fd_seek: () => ERRNO.NOSYS,
    clock_time_get(id, precision, timePtr) {
      // realtime (0) from Date-based timeOrigin; the others monotonic.
      const ms = id === 0 ? performance.timeOrigin + performance.now() : performance.now();
      view().setBigUint64(timePtr, BigInt(Math.round(ms * 1e6)), true);
      return ERRNO.SUCCESS;
    },
    clock_res_get(id, resPtr) {
      view().setBigUint64(resPtr, 1000n, true);
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
      const f = impl[imp.name];
      wasi[imp.name] = (...a) => {
        calls[imp.name] = (calls[imp.name] || 0) + 1;
        return f ? f(...a) : ERRNO.NOSYS;
      };
    }
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

  return { importsFor, start, calls };
}
