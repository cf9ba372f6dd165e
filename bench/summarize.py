#!/usr/bin/env python3
"""Turns bench/run.sh's raw measurements (in its temp dir) into the results
JSON and the Markdown summary printed on stdout. Called by run.sh only."""
import argparse, json, math, os, platform, re, sqlite3, subprocess, statistics, urllib.parse

ap = argparse.ArgumentParser()
for a in ("--tmp", "--out", "--mode", "--modules", "--ingest-mb", "--browser"):
    ap.add_argument(a, required=True)
ap.add_argument("--loads", type=int, required=True)       # per invocation
ap.add_argument("--rounds", type=int, default=1)
ap.add_argument("--ingest-rounds", type=int, default=1)
ap.add_argument("--mem-n", type=int, required=True)
ap.add_argument("--keep-rules", default="")
ap.add_argument("--keep-loads", type=int, default=0)
ap.add_argument("--ingest-only", action="store_true")
o = ap.parse_args()
T = lambda *p: os.path.join(o.tmp, *p)
modules = o.modules.split()
TOOLS = ("wasmlab", "wasmlab-batched", "wasmlab-batched-proto", "puppeteer", "floor")
MATRIX_DB = {"wasmlab": "matrix.db", "wasmlab-batched": "matrix-batched.db",
             "wasmlab-batched-proto": "matrix-batched-proto.db"}


def jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def open_ro(path):
    """A DB read-only: a missing one (every invocation that writes it failed,
    e.g. a usage error) is an error, not a new empty file."""
    return sqlite3.connect(f"file:{urllib.parse.quote(path)}?mode=ro", uri=True)


def median_ci(v):
    """Median and its 95% CI from order statistics (distribution-free)."""
    v = sorted(v)
    n = len(v)
    if n == 0:
        return None, None, None
    half = 1.96 * math.sqrt(n) / 2
    lo = max(0, int(math.floor(n / 2 - half)))
    hi = min(n - 1, int(math.ceil(n / 2 + half)) - 1)
    return statistics.median(v), v[lo], v[max(lo, hi)]


def cpu_v(path):
    """User + system CPU seconds from /usr/bin/time -v (all threads)."""
    txt = open(path).read()
    return round(sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", txt).group(1))
                     for k in ("User", "System")), 2)


def time_v(path):
    """Elapsed seconds and peak RSS (KB) from /usr/bin/time -v."""
    txt = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", txt)
    secs = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", txt).group(1))
    return secs, rss


throughput = ratios = None
agreement = []
if not o.ingest_only:
    # Throughput: loads / process wall time (browser launch included, for all).
    timings = jsonl(T("timings.jsonl"))
    per_load = {"puppeteer": jsonl(T("peer.jsonl")), "floor": jsonl(T("floor.jsonl"))}
    throughput = {}
    for tool in TOOLS:
        rows = [t for t in timings if t["label"].split()[0] == tool]
        secs = sum(t["seconds"] for t in rows)
        if tool in MATRIX_DB:
            # a plain connect made a missing DB empty, and "no such table:
            # loads" then lost the whole run's summary
            db = None
            try:
                db = open_ro(T(MATRIX_DB[tool]))
                n = db.execute("SELECT count(*) FROM loads").fetchone()[0]
                ok = db.execute("SELECT count(*) FROM loads WHERE status = 'ok'").fetchone()[0]
                # a failed load's own words, kept (the run's DBs are temporary)
                failures = [f"{m} load {seq}: {st}: {err}" for m, seq, st, err in db.execute(
                    "SELECT m.name, l.seq, l.status, IFNULL(l.error, '') FROM loads l"
                    " JOIN modules m ON m.id = l.module_id WHERE l.status != 'ok' ORDER BY l.id")]
            except sqlite3.Error as e:
                n = ok = 0
                failures = [f"{MATRIX_DB[tool]}: {e}: no loads stored (see failed_invocations)"]
        else:
            loads = [l for l in per_load[tool] if "load" in l]
            n, ok = len(loads), sum(1 for l in loads if l.get("ok"))
            failures = [f"{l.get('module')} load {l.get('load')}: {l.get('error')}"
                        for l in loads if not l.get("ok")]
        # per module: its invocations' wall time and its loads (stored, or
        # reported by the peer), so a ratio can be read module by module
        per_module = {}
        for m in modules:
            msecs = sum(t["seconds"] for t in rows if t["label"].split()[1:2] == [m])
            if tool in MATRIX_DB:
                try:
                    mn = db.execute("SELECT count(*) FROM loads l JOIN modules m ON m.id = l.module_id"
                                    " WHERE m.name = ?", (m,)).fetchone()[0] if db else 0
                except sqlite3.Error:
                    mn = 0
            else:
                mn = sum(1 for l in per_load[tool] if "load" in l and l.get("module") == m)
            per_module[m] = {"loads": mn, "seconds": round(msecs, 3),
                             "loads_per_s": round(mn / msecs, 3) if msecs else None}
        throughput[tool] = {"loads": n, "loads_ok": ok, "seconds": round(secs, 3),
                            "loads_per_s": round(n / secs, 3) if secs else None,
                            "failed_invocations": sum(1 for t in rows if t["rc"] not in (0,)),
                            "failures": failures, "per_module": per_module}
    plain = [l for l in jsonl(T("plain.jsonl")) if "load" in l]
    plain_secs = sum(t["seconds"] for t in timings if t["label"].startswith("plain "))
    throughput["puppeteer_plain"] = {
        "loads": len(plain), "loads_ok": sum(1 for l in plain if l.get("ok")), "seconds": round(plain_secs, 3),
        "loads_per_s": round(len(plain) / plain_secs, 3) if plain_secs else None,
        "median_wall_ms": statistics.median([l["wall_ms"] for l in plain if "wall_ms" in l] or [0]),
        "note": "about:blank -> tracing -> goto: not compared; Tracing.end stalls when the renderer swaps"}
    lps = {t: throughput[t]["loads_per_s"] for t in TOOLS}
    ratios = {"wasmlab_over_puppeteer": round(lps["wasmlab"] / lps["puppeteer"], 3),
              "wasmlab_over_floor": round(lps["wasmlab"] / lps["floor"], 3),
              "batched_over_puppeteer": round(lps["wasmlab-batched"] / lps["puppeteer"], 3),
              "batched_over_floor": round(lps["wasmlab-batched"] / lps["floor"], 3),
              "batched_proto_over_puppeteer": round(lps["wasmlab-batched-proto"] / lps["puppeteer"], 3),
              "batched_proto_over_floor": round(lps["wasmlab-batched-proto"] / lps["floor"], 3),
              "puppeteer_over_floor": round(lps["puppeteer"] / lps["floor"], 3)}

    # Agreement: median first-byte-to-compile per tool and module, with CIs.
    agreement = []
    for m, (tool, dbfile) in ((m, td) for td in MATRIX_DB.items() for m in modules):
        try:
            w = [r[0] / 1000.0 for r in open_ro(T(dbfile)).execute(
                "SELECT l.first_byte_to_compile_us FROM loads l JOIN modules m ON m.id = l.module_id"
                " WHERE m.name = ? AND l.status = 'ok' AND l.first_byte_to_compile_us IS NOT NULL", (m,))]
        except sqlite3.Error:
            w = []   # no loads stored: the throughput row's failures say why
        p = [l["first_byte_to_compile_us"] / 1000.0 for l in per_load["puppeteer"]
             if l.get("module") == m and l.get("ok") and l.get("first_byte_to_compile_us") is not None]
        wm, wlo, whi = median_ci(w)
        pm, plo, phi = median_ci(p)
        agreement.append({
            "module": m, "tool": tool, "wasmlab": {"n": len(w), "median_ms": wm, "ci95_ms": [wlo, whi]},
            "puppeteer": {"n": len(p), "median_ms": pm, "ci95_ms": [plo, phi]},
            "difference_ms": None if wm is None or pm is None else round(wm - pm, 3),
            "cis_overlap": None if wm is None or pm is None else (wlo <= phi and plo <= whi)})


def stored_trace(db):
    """How import-trace stored the copy: encoding, compressed and raw bytes."""
    try:
        con = sqlite3.connect(db)
        r = con.execute("SELECT encoding, length(data), raw_bytes FROM load_traces").fetchone()
        con.close()
        return None if r is None else {"encoding": r[0], "bytes": r[1], "raw_bytes": r[2]}
    except sqlite3.Error:
        return None


def ingest_tool(tool, mb, nbytes):
    """One tool's ingest rounds on one trace: median wall and CPU seconds,
    max peak RSS; ok only when every round exited 0."""
    rounds = [r for r in range(1, o.ingest_rounds + 1) if os.path.exists(T(f"{tool}-{mb}-{r}.time"))]
    rcs = [int(open(T(f"{tool}-{mb}-{r}.rc")).read()) for r in rounds]
    ok = bool(rounds) and all(rc == 0 for rc in rcs)
    if not ok:
        return {"ok": False, "exit": max(rcs) if rcs else None, "rounds": len(rounds),
                "seconds": None, "cpu_seconds": None, "peak_rss_kb": None, "mb_per_s": None}
    walls = [time_v(T(f"{tool}-{mb}-{r}.time"))[0] for r in rounds]
    secs = statistics.median(walls)
    return {"ok": True, "exit": 0, "rounds": len(rounds), "seconds": round(secs, 3),
            "seconds_each": walls,
            "cpu_seconds": round(statistics.median(cpu_v(T(f"{tool}-{mb}-{r}.time")) for r in rounds), 2),
            "peak_rss_kb": max(time_v(T(f"{tool}-{mb}-{r}.time"))[1] for r in rounds),
            "mb_per_s": round(nbytes / 1e6 / secs, 1)}


# Each tool ran ingest_rounds times on each trace, in turn (import, Node,
# YAJL): medians, as one run on this VM can land in a slow moment.
ingest = []
for mb in o.ingest_mb.split():
    made = json.load(open(T(f"make-{mb}.json")))
    imp = ingest_tool("ingest", mb, made["bytes"])
    node = ingest_tool("node", mb, made["bytes"])
    yajl = ingest_tool("yajl", mb, made["bytes"])
    mbs = imp["mb_per_s"] or 0.0
    ingest.append({"target_mb": float(mb), "bytes": made["bytes"], "rounds": imp["rounds"],
                   "seconds": imp["seconds"], "seconds_each": imp.get("seconds_each"),
                   "mb_per_s": mbs, "peak_rss_kb": imp["peak_rss_kb"] or 0,
                   "cpu_seconds": imp["cpu_seconds"], "exit": imp["exit"],
                   "stored_trace": stored_trace(T(f"ingest-{mb}.db")),
                   "node_json_parse": node,
                   "over_node": round(mbs / node["mb_per_s"], 2) if node["mb_per_s"] else None,
                   "yajl_parse_alone": yajl,
                   "over_yajl": round(mbs / yajl["mb_per_s"], 2) if yajl["mb_per_s"] else None,
                   # issue 12's target (200 MB/s) at the speed of its own
                   # yardstick here: YAJL alone ran 296 MB/s on its machine
                   "target_scaled_mb_per_s": round(200 * yajl["mb_per_s"] / 296, 1)
                                             if yajl["mb_per_s"] else None})


def empty_size(db):
    """The DB's size with every row deleted and VACUUMed: its fixed cost."""
    import shutil, tempfile
    d = tempfile.mkdtemp()
    c = os.path.join(d, "e.db")
    shutil.copy(db, c)
    con = sqlite3.connect(c)
    for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"
                            " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'").fetchall():
        con.execute(f'DELETE FROM "{t}"')
    con.commit()
    con.execute("VACUUM")
    con.close()
    n = os.path.getsize(c)
    shutil.rmtree(d)
    return n


retention = []
for rule in o.keep_rules.split():
    db = T(f"keep-{rule.replace(':', '-')}.db")
    if not os.path.exists(db):
        continue
    con = sqlite3.connect(db)
    loads = con.execute("SELECT count(*) FROM loads").fetchone()[0]
    traces = con.execute("SELECT count(*), coalesce(sum(length(data)), 0) FROM load_traces").fetchone()
    con.close()
    size = os.path.getsize(db)
    base = empty_size(db)
    retention.append({"rule": rule, "loads": loads, "traces_kept": traces[0],
                      "trace_bytes": traces[1], "db_bytes": size, "empty_db_bytes": base,
                      "bytes_per_load": round((size - base) / loads) if loads else None,
                      "exit": int(open(T(f"keep-{rule.replace(':', '-')}.rc")).read())})

memory = big = small = None
if not o.ingest_only:
    mem = {}
    for n in (o.mem_n // 10, o.mem_n):
        secs = float(open(T(f"mem-{n}.secs")).read())
        rss = int(open(T(f"mem-{n}.rss")).read())
        dbsize = os.path.getsize(T(f"mem-{n}.db")) if os.path.exists(T(f"mem-{n}.db")) else None
        mem[n] = {"loads": n, "seconds": secs, "peak_rss_kb": rss, "db_bytes": dbsize,
                  "db_bytes_per_load": round(dbsize / n) if dbsize else None,
                  "exit": int(open(T(f"mem-{n}.rc")).read())}
    small, big = mem[o.mem_n // 10], mem[o.mem_n]
    heavy = {"module": open(T("mem-heavy.module")).read().strip(), "loads": o.mem_n // 10,
             "trace_format": "proto", "seconds": float(open(T("mem-heavy.secs")).read()),
             "peak_rss_kb": int(open(T("mem-heavy.rss")).read()),
             "exit": int(open(T("mem-heavy.rc")).read())}
    memory = {"runs": list(mem.values()),
              "rss_growth_ratio": round(big["peak_rss_kb"] / small["peak_rss_kb"], 3),
              # flat: 10x the loads costs at most a quarter more peak RSS
              # (no verdict from a run that failed: its RSS is not a run's)
              "flat": big["peak_rss_kb"] <= 1.25 * small["peak_rss_kb"]
              if small["exit"] == 0 and big["exit"] == 0 else None,
              "heaviest_module": heavy}


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return None


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None)
machine = {"host": platform.node(), "cores": os.cpu_count(), "cpu_model": cpu,
           "kernel": platform.release(), "chromium": sh(o.browser, "--version"),
           "node": sh("node", "--version"), "load_avg_at_end": os.getloadavg(),
           "wasmlab_commit": sh("git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse", "--short", "HEAD")}
res = {"mode": o.mode, "modules": modules, "loads_per_module": o.loads * o.rounds,
       "loads_per_invocation": o.loads, "rounds": o.rounds, "ingest_rounds": o.ingest_rounds,
       "machine": machine,
       "throughput": throughput, "ratios": ratios, "agreement": agreement, "ingest": ingest,
       "memory": memory, "db_growth": {"bytes_per_load": big["db_bytes_per_load"] if big else None,
                                       "loads": o.mem_n, "per_retention_rule": retention}}
os.makedirs(os.path.dirname(os.path.abspath(o.out)), exist_ok=True)
with open(o.out, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")

f3 = lambda x: "-" if x is None else f"{x:.3f}"
print(f"### wasmlab bench ({o.mode}): {machine['cores']} cores, {cpu}, {machine['chromium']}\n")
if not o.ingest_only:
    print("| tool | loads | ok | loads/s |\n|---|---|---|---|")
    for t in TOOLS:
        th = throughput[t]
        print(f"| {t} | {th['loads']} | {th['loads_ok']} | {f3(th['loads_per_s'])} |")
    pp = throughput["puppeteer_plain"]
    print(f"| (puppeteer, plain loop: c/hello only, not compared) | {pp['loads']} | {pp['loads_ok']} | {f3(pp['loads_per_s'])} |")
    print(f"\nwasmlab/puppeteer {ratios['wasmlab_over_puppeteer']:.2f}x, "
          f"wasmlab/floor {ratios['wasmlab_over_floor']:.2f}x, "
          f"wasmlab --batch/puppeteer {ratios['batched_over_puppeteer']:.2f}x, "
          f"wasmlab --batch/floor {ratios['batched_over_floor']:.2f}x, "
          f"wasmlab --batch --trace-format proto/puppeteer {ratios['batched_proto_over_puppeteer']:.2f}x, "
          f"/floor {ratios['batched_proto_over_floor']:.2f}x, "
          f"puppeteer/floor {ratios['puppeteer_over_floor']:.2f}x\n")
    print("| module | " + " | ".join(f"{t} loads/s" for t in TOOLS) + " | batched-proto / puppeteer |")
    print("|---|" + "---|" * (len(TOOLS) + 1))
    for m in modules:
        pm = {t: throughput[t]["per_module"][m]["loads_per_s"] for t in TOOLS}
        r = pm["wasmlab-batched-proto"] / pm["puppeteer"] if pm["wasmlab-batched-proto"] and pm["puppeteer"] else None
        print(f"| {m} | " + " | ".join(f3(pm[t]) for t in TOOLS) + f" | {'-' if r is None else f'{r:.2f}x'} |")
    print()
    for t in TOOLS:
        for f in throughput[t]["failures"]:
            print(f"failed ({t}): {f}")
    print("| module | wasmlab | wasmlab median ms [95% CI] | puppeteer median ms [95% CI] | difference ms | CIs overlap |")
    print("|---|---|---|---|---|---|")
    for a in agreement:
        w, p = a["wasmlab"], a["puppeteer"]
        print(f"| {a['module']} | {a['tool']} | {f3(w['median_ms'])} [{f3(w['ci95_ms'][0])}, {f3(w['ci95_ms'][1])}] (n={w['n']}) "
              f"| {f3(p['median_ms'])} [{f3(p['ci95_ms'][0])}, {f3(p['ci95_ms'][1])}] (n={p['n']}) "
              f"| {f3(a['difference_ms'])} | {a['cis_overlap']} |")
# MB per CPU-second (user + system, all threads): on a shared machine the
# wall figure says more about the neighbours than about the program.
print("\n| ingest trace | import-trace MB/s (wall) | MB per CPU-s | peak RSS MB | stored as "
      "| Node JSON.parse MB/s (wall) | MB per CPU-s | its peak RSS MB | import / Node (wall) | (CPU) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for i in ingest:
    n, st = i["node_json_parse"], i["stored_trace"]
    mb = i["bytes"] / 1e6
    stored = f"{st['encoding']}, {st['bytes'] / 1e6:.1f} MB" if st else "-"
    nrss = f"{n['peak_rss_kb'] / 1024:.0f}" if n["ok"] and n["peak_rss_kb"] else "-"
    icpu = mb / i["cpu_seconds"] if i["cpu_seconds"] else None
    ncpu = mb / n["cpu_seconds"] if n["ok"] and n["cpu_seconds"] else None
    i["mb_per_cpu_s"], n["mb_per_cpu_s"] = icpu and round(icpu, 1), ncpu and round(ncpu, 1)
    print(f"| {mb:.0f} MB | {i['mb_per_s']} | {f'{icpu:.1f}' if icpu else '-'} "
          f"| {i['peak_rss_kb'] / 1024:.1f} | {stored} "
          f"| {n['mb_per_s'] if n['ok'] else 'failed'} | {f'{ncpu:.1f}' if ncpu else '-'} | {nrss} "
          f"| {str(i['over_node']) + 'x' if i['over_node'] else '-'} "
          f"| {f'{icpu / ncpu:.2f}x' if icpu and ncpu else '-'} |")
# The yardstick: its 200 MB/s target was set where YAJL's event
# parser alone ran 296 MB/s; scaled by YAJL's speed here, in the same run.
print("\n| ingest trace | import-trace MB/s | YAJL parse alone MB/s | import / YAJL "
      "| target scaled to this machine (200 x YAJL / 296) | met |")
print("|---|---|---|---|---|---|")
for i in ingest:
    y = i["yajl_parse_alone"]
    t = i["target_scaled_mb_per_s"]
    print(f"| {i['bytes'] / 1e6:.0f} MB | {i['mb_per_s']} | {y['mb_per_s'] if y['ok'] else 'failed'} "
          f"| {str(i['over_yajl']) + 'x' if i['over_yajl'] else '-'} | {t if t else '-'} "
          f"| {('yes' if i['mb_per_s'] >= t else 'no') if t else '-'} |")
if not o.ingest_only:
    print(f"\nwasmlab peak RSS: {small['peak_rss_kb'] / 1024:.1f} MB over {small['loads']} loads, "
          f"{big['peak_rss_kb'] / 1024:.1f} MB over {big['loads']} loads (x{memory['rss_growth_ratio']}, "
          f"{ {True: 'flat', False: 'NOT flat', None: 'a run failed: no verdict'}[memory['flat']] }); "
          f"DB growth {big['db_bytes_per_load']} bytes/load")
    h = memory["heaviest_module"]
    print(f"wasmlab peak RSS, {h['module']} (proto): {h['peak_rss_kb'] / 1024:.1f} MB over "
          f"{h['loads']} loads{'' if h['exit'] == 0 else ' (the run FAILED)'}")
if retention:
    print("\n| --keep-traces | loads | traces kept | DB bytes per load |\n|---|---|---|---|")
    for r in retention:
        print(f"| {r['rule']} | {r['loads']} | {r['traces_kept']} | {r['bytes_per_load']} |")
