// wasi-log: the one logging wrapper of the WASI census. It wraps every
// wasi_snapshot_preview1 function a module imports, whatever shim supplies
// them, and records per call: seq, function, a short argument summary, the
// errno returned (what the wasm code sees), "trapped" (the shim threw; the
// exception's text is kept), "exit" (proc_exit), or "not-provided", and the
// time spent in the shim (µs, performance.now()).
//
// It never changes what the shim returns: the wrapper returns the shim's own
// return value (even undefined) and rethrows the shim's own exception.
//
// A function the shim lacks gets a stub, so the module still instantiates
// and every other call is still seen. The stub records "not-provided" and
// throws (an Error named WasiNotProvided), as a LinkError would have stopped
// the module, only later: at the first call instead of at instantiation.
// The outcome says which imports were stubbed (missing).
//
// Records are bounded (maxRecords, maxBytes of argument/output text); past
// the cap they are counted in `dropped` (and per function in `counts`,
// which is never capped). onBatch(records) is called with every `batch`
// records, before each probe line's fd_write, and by flush(): the page sends
// them over the CDP binding, Node prints them as lines.
//
// fd_write to fds 1 and 2 is also captured here, before the shim runs, so
// every runtime's output is read the same way (capped at stdoutCap bytes;
// stdoutBytes counts all of it). The text of each fd_write record (capped at
// 512 bytes) lets the collector attribute calls to the probe's steps.
//
// Plain script (sets globalThis.WasiLog) and CommonJS (module.exports), so
// the page loads it with <script> and Node with import/require.
"use strict";
(function (root) {
  const ERRNO_NAMES = [
    "ok", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport", "again",
    "already", "badf", "badmsg", "busy", "canceled", "child", "connaborted",
    "connrefused", "connreset", "deadlk", "destaddrreq", "dom", "dquot", "exist",
    "fault", "fbig", "hostunreach", "idrm", "ilseq", "inprogress", "intr", "inval",
    "io", "isconn", "isdir", "loop", "mfile", "mlink", "msgsize", "multihop",
    "nametoolong", "netdown", "netreset", "netunreach", "nfile", "nobufs", "nodev",
    "noent", "noexec", "nolck", "nolink", "nomem", "nomsg", "noprotoopt", "nospc",
    "nosys", "notconn", "notdir", "notempty", "notrecoverable", "notsock", "notsup",
    "notty", "nxio", "overflow", "ownerdead", "perm", "pipe", "proto",
    "protonosupport", "prototype", "range", "rofs", "spipe", "srch", "stale",
    "timedout", "txtbsy", "xdev", "notcapable",
  ];
  const errnoName = (n) => (n >= 0 && n < ERRNO_NAMES.length ? ERRNO_NAMES[n] : "errno-" + n);

  // Where a path_* function keeps its path: [ptr index, len index].
  const PATH_ARGS = {
    path_open: [2, 3], path_filestat_get: [2, 3], path_filestat_set_times: [2, 3],
    path_link: [2, 3], path_symlink: [0, 1],
  };

  class WasiNotProvided extends Error {
    constructor(fn) {
      super("wasmlab: WASI function " + fn + " is not provided by the shim");
      this.name = "WasiNotProvided";
    }
  }

  function create(opts) {
    const o = Object.assign({ maxRecords: 20000, maxBytes: 1 << 20, batch: 32,
                              stdoutCap: 64 << 10, textCap: 512, onBatch: null }, opts || {});
    const dec = new TextDecoder();
    const now = () => performance.now();
    let memory = null, seq = 0, bytes = 0;
    const state = { records: 0, dropped: 0, counts: {}, missing: [], stdout: "",
                    stdoutBytes: 0, stderr: "", stderrBytes: 0, exitCode: null,
                    trapped: null, notProvided: null };
    let pending = [];

    const mem8 = () => (memory ? new Uint8Array(memory.buffer) : null);
    const str = (ptr, len) => {
      const m = mem8();
      if (!m || ptr + len > m.length) return "?";
      return dec.decode(m.subarray(ptr, ptr + Math.min(len, 200)));
    };
    // The bytes an iovec list points at, as text (bounded), and their total.
    function iovText(iovs, n, cap) {
      const m = mem8();
      if (!m) return { text: "", len: 0 };
      const v = new DataView(memory.buffer);
      let len = 0, text = "";
      for (let i = 0; i < n && iovs + 8 * i + 8 <= m.length; i++) {
        const p = v.getUint32(iovs + 8 * i, true), l = v.getUint32(iovs + 8 * i + 4, true);
        len += l;
        if (text.length < cap && p + l <= m.length)
          text += dec.decode(m.subarray(p, p + Math.min(l, cap - text.length)));
      }
      return { text, len };
    }
    function summary(fn, a) {
      if (fn in PATH_ARGS || fn.startsWith("path_")) {
        const [pi, li] = PATH_ARGS[fn] || [1, 2];
        return (fn === "path_symlink" ? "fd=" + a[2] : "fd=" + a[0]) +
               ' path="' + str(a[pi], a[li]) + '"';
      }
      if (fn.startsWith("fd_") || fn.startsWith("sock_")) return "fd=" + a[0];
      if (fn.startsWith("clock_")) return "clock=" + a[0];
      if (fn === "poll_oneoff") return "nsubs=" + a[2];
      if (fn === "proc_exit") return "code=" + a[0];
      if (fn === "random_get") return "len=" + a[1];
      return "";
    }
    function push(rec) {
      state.counts[rec.fn] = (state.counts[rec.fn] || 0) + 1;
      const size = 64 + rec.args.length + (rec.text ? rec.text.length : 0) +
                   (rec.msg ? rec.msg.length : 0);
      if (state.records >= o.maxRecords || bytes + size > o.maxBytes) {
        state.dropped++;
        return;
      }
      state.records++;
      bytes += size;
      pending.push(rec);
      if (pending.length >= o.batch) flush();
    }
    function flush() {
      if (!pending.length) return;
      const out = pending;
      pending = [];
      if (o.onBatch) o.onBatch(out);
    }
    function captureWrite(fd, a, rec) {
      if (fd !== 1 && fd !== 2) return;
      const kept = fd === 1 ? state.stdout.length : state.stderr.length;
      const { text, len } = iovText(a[1], a[2], Math.max(o.textCap, o.stdoutCap - kept));
      rec.bytes = len;
      if (fd === 1) {
        state.stdoutBytes += len;
        if (state.stdout.length < o.stdoutCap) state.stdout += text.slice(0, o.stdoutCap - state.stdout.length);
      } else {
        state.stderrBytes += len;
        if (state.stderr.length < o.stdoutCap) state.stderr += text.slice(0, o.stdoutCap - state.stderr.length);
      }
      rec.text = text.slice(0, o.textCap);
    }
    function wrapOne(fn, impl) {
      return function (...a) {
        const rec = { seq: ++seq, fn, args: "", errno: null, result: null, us: 0 };
        try { rec.args = summary(fn, a); } catch (e) { rec.args = "?"; }
        if (fn === "fd_write") {
          captureWrite(a[0], a, rec);
          // A probe line ends a step: what came before it leaves now, so a
          // renderer that crashes later loses at most the current step.
          if (rec.text && /^wasi-(step|probe|fault) /m.test(rec.text)) flush();
        }
        if (!impl) {
          rec.result = "not-provided";
          push(rec);
          const e = new WasiNotProvided(fn);
          if (!state.notProvided) state.notProvided = e.message;   // a shim may wrap e
          throw e;
        }
        const t0 = now();
        let ret;
        try {
          ret = impl.apply(this, a);
        } catch (e) {
          rec.us = (now() - t0) * 1000;
          if (fn === "proc_exit") {
            rec.result = "exit";
            state.exitCode = Number(a[0]);
          } else {
            rec.result = "trapped";
            rec.msg = String(e && e.message ? e.message : e).slice(0, 300);
            if (!state.trapped) state.trapped = fn + ": " + rec.msg;
          }
          push(rec);
          throw e;
        }
        rec.us = (now() - t0) * 1000;
        // What wasm sees: an i32 (undefined becomes 0). The shim's value
        // itself is returned unchanged.
        const n = Number(ret) | 0;
        rec.errno = n;
        rec.result = fn === "proc_exit" ? "exit" : errnoName(n);
        if (fn === "proc_exit") state.exitCode = Number(a[0]);
        push(rec);
        return ret;
      };
    }
    // ns: the shim's wasi_snapshot_preview1 object. names: the functions the
    // module imports (WebAssembly.Module.imports). Returns the wrapped object.
    function wrap(ns, names) {
      const out = {};
      for (const name of names) {
        const f = ns && typeof ns[name] === "function" ? ns[name].bind(ns) : null;
        if (!f) state.missing.push(name);
        out[name] = wrapOne(name, f);
      }
      return out;
    }
    return {
      wrap, flush, state,
      setMemory(m) { memory = m; },
      // Everything but the records, for the final report.
      summary() {
        return { records: state.records, dropped: state.dropped, counts: state.counts,
                 missing: state.missing, stdout: state.stdout, stdout_bytes: state.stdoutBytes,
                 stderr: state.stderr, stderr_bytes: state.stderrBytes,
                 proc_exit_code: state.exitCode, first_trap: state.trapped };
      },
    };
  }

  // The wasi_snapshot_preview1 function names a module imports.
  function wasiImports(module) {
    return WebAssembly.Module.imports(module)
      .filter((i) => i.module === "wasi_snapshot_preview1" && i.kind === "function")
      .map((i) => i.name)
      .filter((n, k, all) => all.indexOf(n) === k);   // Go imports some twice
  }

  const api = { create, wasiImports, errnoName, WasiNotProvided };
  root.WasiLog = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
