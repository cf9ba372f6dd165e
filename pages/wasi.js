// A minimal wasi_snapshot_preview1 for the harness. Chrome has no native WASI:
// a module built for wasm32-wasi runs only because the page supplies these
// imports. stdout/stderr are captured, stdin comes from a buffer, the clock is
// performance.now()-based, poll_oneoff waits on that clock, and anything else
// (the filesystem, sockets) answers ENOSYS (52) so a module can tell what is
// missing. Every call is counted (the WASI census reads it).
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

  const clockMs = (id) => (id === 0 ? performance.timeOrigin + performance.now() : performance.now());
  const getU64 = (v, ptr) => v.getUint32(ptr, true) + v.getUint32(ptr + 4, true) * 4294967296;

  // A page cannot block: Atomics.wait where it is allowed (a worker of a
  // cross-origin-isolated page), else a busy wait on the clock (a page's
  // main thread refuses Atomics.wait, and trying there cost the first 1 ms
  // wait 2.8-5.2 ms against 1.5-1.9 without, measured in the census), which
  // is what blocking means to the module: nothing else of its runs meanwhile.
  let waitCell;
  function sleepMs(ms) {
    if (waitCell === undefined)
      waitCell = typeof WorkerGlobalScope === "function" && typeof SharedArrayBuffer === "function"
        ? new Int32Array(new SharedArrayBuffer(4)) : null;
    if (waitCell) {
      try { Atomics.wait(waitCell, 0, 0, ms); return; } catch (e) { waitCell = null; }
    }
    for (const end = performance.now() + ms; performance.now() < end;) { /* spin */ }
  }

  // poll_oneoff: stdin, stdout and stderr are always ready (an fd event at
  // once, with the bytes stdin has left); other fds get an event with BADF.
  // With no fd event, it sleeps until the earliest clock and reports every
  // clock due by then. Go's wasip1 scheduler calls it when idle (timers,
  // time.Sleep): ENOSYS there is "fatal error: poll_oneoff failed".
  // Layouts (wasi_snapshot_preview1): subscription 48 bytes (userdata @0,
  // tag @8, clock id @16, timeout @24, precision @32, flags @40, or fd @16);
  // event 32 bytes (userdata @0, errno @8, type @10, nbytes @16).
  function pollOneoff(inPtr, outPtr, nsubs, neventsPtr) {
    if (nsubs === 0) return ERRNO.INVAL;
    const v = view();
    let nevents = 0;
    const clocks = [];
    const event = (sub, errno, type, nbytes) => {
      const e = outPtr + 32 * nevents++;
      v.setUint32(e, v.getUint32(sub, true), true);
      v.setUint32(e + 4, v.getUint32(sub + 4, true), true);
      v.setUint16(e + 8, errno, true);
      v.setUint8(e + 10, type);
      setU64(v, e + 16, nbytes);
      v.setUint16(e + 24, 0, true);
    };
    for (let i = 0; i < nsubs; i++) {
      const sub = inPtr + 48 * i, type = v.getUint8(sub + 8);
      if (type === 0) {
        const id = v.getUint32(sub + 16, true);
        if (id > 3) { event(sub, ERRNO.INVAL, 0, 0); continue; }
        const ms = getU64(v, sub + 24) / 1e6;
        const absolute = v.getUint16(sub + 40, true) & 1;
        clocks.push([sub, absolute ? ms - clockMs(id) : ms]);
      } else if (type === 1 || type === 2) {
        const fd = v.getUint32(sub + 16, true);
        if (type === 1 && fd === 0) event(sub, ERRNO.SUCCESS, 1, stdin.length - stdinPos);
        else if (type === 2 && (fd === 1 || fd === 2)) event(sub, ERRNO.SUCCESS, 2, 65536);
        else event(sub, ERRNO.BADF, type, 0);
      } else {
        return ERRNO.INVAL;
      }
    }
    if (clocks.length) {
      const soonest = Math.min(...clocks.map((c) => c[1]));
      const due = nevents ? 0 : Math.max(soonest, 0);
      if (due > 0) sleepMs(due);
      for (const [sub, ms] of clocks)
        if (ms <= due) event(sub, ERRNO.SUCCESS, 0, 0);
    }
    v.setUint32(neventsPtr, nevents, true);
    return ERRNO.SUCCESS;
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
      const ms = clockMs(id);
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
    poll_oneoff: pollOneoff,
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
