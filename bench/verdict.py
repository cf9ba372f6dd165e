#!/usr/bin/env python3
"""Throughput and time to a verdict (issue 12), from bench/throughput.sh's runs.

loads/s per tool = its loads / its process wall time (browser start included),
summed over every invocation of the run; ratios against the puppeteer peer
and the raw-CDP floor of the same run.

Time to a verdict, per wasmlab variant and module: the nightly asks "did B get
slower than A by 5%?". compare answers at 95% when the bootstrap CI of the
difference of medians (B - A) excludes 0 while the true difference is 5% of
the median, i.e. when the CI's half-width is below 5% of the median. From an
A/A split of the variant's own loads (even vs odd loads: the same version on
both sides, the noise of that loop), the half-width hw at n loads a side
shrinks as 1/sqrt(n), so the loads a side needed are n * (hw / (0.05 m))^2 and
the wall time is twice that times the variant's seconds per load. The CI at
equal wall time (60 s) says how much a change narrows it. Noisy loads
(load_host.noisy, other processes > 25% of the CPUs) are counted, and the
half-width is also given without them.
"""
import argparse, contextlib, json, math, random, sqlite3, statistics, sys, urllib.parse
from collections import defaultdict

TARGET = 0.05
BUDGET_S = 60.0


def median_diff_ci(a, b, resamples=2000, seed=1):
    rng = random.Random(seed)
    diffs = []
    for _ in range(resamples):
        ra = [a[rng.randrange(len(a))] for _ in a]
        rb = [b[rng.randrange(len(b))] for _ in b]
        diffs.append(statistics.median(rb) - statistics.median(ra))
    diffs.sort()
    return diffs[int(0.025 * resamples)], diffs[int(0.975 * resamples) - 1]


def open_ro(db):
    """The DB read-only: a missing one is an error, not a new empty file."""
    return sqlite3.connect(f"file:{urllib.parse.quote(db)}?mode=ro", uri=True)


def loads_of(db, module, skip_noisy=False):
    con = open_ro(db)
    has_host = con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'load_host'").fetchone()[0]
    q = ("SELECT l.first_byte_to_compile_us / 1000.0{} FROM loads l JOIN modules m ON m.id = l.module_id"
         "{} WHERE m.name = ? AND l.status = 'ok' AND l.first_byte_to_compile_us IS NOT NULL ORDER BY l.id")
    if has_host:
        rows = con.execute(q.format(", h.noisy, h.isolation", " LEFT JOIN load_host h ON h.load_id = l.id"),
                           (module,)).fetchall()
    else:
        rows = [(r[0], None, None) for r in con.execute(q.format("", ""), (module,)).fetchall()]
    con.close()
    if skip_noisy:
        rows = [r for r in rows if r[1] != 1]
    return rows


def verdict(values, secs_per_load):
    a, b = values[0::2], values[1::2]
    if len(a) < 3 or len(b) < 3:
        return None
    lo, hi = median_diff_ci(a, b)
    hw = (hi - lo) / 2
    m = statistics.median(values)
    n_side = min(len(a), len(b))
    need = n_side * (hw / (TARGET * m)) ** 2 if m > 0 else float("nan")
    n_budget = BUDGET_S / (2 * secs_per_load)
    return {"median_ms": round(m, 3), "loads_a_side": n_side, "ci_half_width_ms": round(hw, 3),
            "ci_half_width_pct": round(100 * hw / m, 1),
            "loads_a_side_needed": math.ceil(need), "seconds_per_load": round(secs_per_load, 3),
            "seconds_to_verdict": round(2 * need * secs_per_load, 1),
            "ci_half_width_pct_at_60s": round(100 * hw * math.sqrt(n_side / n_budget) / m, 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timings", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--host", default="")
    ap.add_argument("dbs", nargs="*", help="NAME=FILE of each wasmlab variant")
    o = ap.parse_args()
    t = [json.loads(l) for l in open(o.timings)]
    loads, secs, fails = defaultdict(int), defaultdict(float), defaultdict(int)
    per_mod = defaultdict(lambda: [0, 0.0])
    for r in t:
        fails[r["tool"]] += r["rc"] != 0
        # An invocation that did not complete (a usage error, a dead browser)
        # ran fewer loads than asked, or none: it counts as failed, not in
        # the rates. wasmlab's 3 is "completed, some loads failed (stored)".
        if r["rc"] not in (0, 3):
            continue
        loads[r["tool"]] += r["loads"]
        secs[r["tool"]] += r["seconds"]
        per_mod[(r["tool"], r["module"])][0] += r["loads"]
        per_mod[(r["tool"], r["module"])][1] += r["seconds"]
    rate = {k: loads[k] / secs[k] for k in loads if secs[k] > 0}
    res = {"host": o.host, "throughput": {k: {"loads": loads[k], "seconds": round(secs[k], 1),
                                              "loads_per_s": round(rate[k], 3) if k in rate else None,
                                              "failed_invocations": fails[k]} for k in fails},
           "verdict": {}}
    for k in rate:
        for ref in ("puppeteer", "floor"):
            if ref in rate and k != ref:
                res["throughput"][k]["vs_" + ref] = round(rate[k] / rate[ref], 2)
    # per module too: one module can hold the whole ratio down
    res["per_module"] = {}
    for (tool, mod), (n, sec) in sorted(per_mod.items()):
        if sec <= 0:
            continue
        row = {"loads": n, "seconds": round(sec, 1), "loads_per_s": round(n / sec, 3)}
        ref = per_mod.get(("puppeteer", mod))
        if ref and ref[1] > 0 and tool != "puppeteer":
            row["vs_puppeteer"] = round((n / sec) / (ref[0] / ref[1]), 2)
        res["per_module"][f"{tool} {mod}"] = row
    for spec in o.dbs:
        name, db = spec.split("=", 1)
        try:
            with contextlib.closing(open_ro(db)) as con:
                con.execute("SELECT 1 FROM loads LIMIT 1")
        except sqlite3.Error as e:
            print(f"verdict.py: {name}: {db}: {e}: no verdict (did its runs fail?)", file=sys.stderr)
            continue
        for mod in sorted({m for (tool, m) in per_mod if tool == name}):
            n, s = per_mod[(name, mod)]
            rows = loads_of(db, mod)
            v = verdict([r[0] for r in rows], s / n)
            if v is None:
                continue
            v["noisy_loads"] = sum(1 for r in rows if r[1] == 1)
            v["not_isolated_loads"] = sum(1 for r in rows if r[2] not in (None, "isolated"))
            quiet = verdict([r[0] for r in loads_of(db, mod, skip_noisy=True)], s / n)
            v["ci_half_width_pct_without_noisy"] = quiet["ci_half_width_pct"] if quiet else None
            con = sqlite3.connect(db)
            walls = [r[0] for r in con.execute(
                "SELECT l.wall_ms FROM loads l JOIN modules m ON m.id = l.module_id WHERE m.name = ?"
                " ORDER BY l.id", (mod,))]
            con.close()
            v["load_wall_ms_median"] = round(statistics.median(walls), 1) if walls else None
            # a Tracing.start held for Chrome's 10 s timeout (load.c's settle comment)
            v["loads_over_10s"] = sum(1 for w in walls if w >= 10000)
            res["verdict"][f"{name} {mod}"] = v
    json.dump(res, open(o.out, "w"), indent=2)
    print(f"Host: {o.host}\n")
    print("| tool | loads | loads/s | vs puppeteer | vs floor | failed invocations |\n|---|---|---|---|---|---|")
    for k, r in res["throughput"].items():
        print(f"| {k} | {r['loads']} | {r['loads_per_s'] or '-'} | {r.get('vs_puppeteer', '-')}"
              f" | {r.get('vs_floor', '-')} | {r['failed_invocations']} |")
    print("\n| tool module | loads | loads/s | vs puppeteer |\n|---|---|---|---|")
    for k, r in res["per_module"].items():
        print(f"| {k} | {r['loads']} | {r['loads_per_s']} | {r.get('vs_puppeteer', '-')} |")
    print("\n| variant module | median ms | CI half-width (A/A) | s/load | loads a side for 5% | time to verdict s"
          " | CI at 60 s | noisy loads | CI without noisy | load wall ms (median) | loads > 10 s |"
          "\n|---|---|---|---|---|---|---|---|---|---|---|")
    for k, v in res["verdict"].items():
        print(f"| {k} | {v['median_ms']} | {v['ci_half_width_pct']}% (n={v['loads_a_side']}) | {v['seconds_per_load']}"
              f" | {v['loads_a_side_needed']} | {v['seconds_to_verdict']} | {v['ci_half_width_pct_at_60s']}%"
              f" | {v['noisy_loads']} | {v['ci_half_width_pct_without_noisy']}% | {v['load_wall_ms_median']}"
              f" | {v['loads_over_10s']} |")


if __name__ == "__main__":
    sys.exit(main())
