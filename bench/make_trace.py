#!/usr/bin/env python3
"""Writes a large Chrome JSON trace made of real recorded events, for the
ingest test: the fixtures' events (tests/fixtures/traces/*.json.gz) repeated
with timestamps shifted past the previous copy and ids made distinct (pids,
request ids, async/flow ids), until the file reaches SIZE_MB.
The first copy is the go/hello streaming load unchanged, so the extractor
finds the same module request and measures one real load.
usage: make_trace.py OUT.json SIZE_MB [FIXTURE_DIR]"""
import glob, gzip, json, os, sys

out, size_mb = sys.argv[1], float(sys.argv[2])
fixdir = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "traces")
files = sorted(glob.glob(os.path.join(fixdir, "*.json.gz")))
files.sort(key=lambda f: "go-hello-streaming" not in f)   # the measured load first
sources = []
for f in files:
    with gzip.open(f, "rt") as fh:
        t = json.load(fh)
    ev = t["traceEvents"] if isinstance(t, dict) else t
    ts = [e["ts"] for e in ev if e.get("ts")]
    sources.append((ev, min(ts), max(ts)))

target = int(size_mb * 1e6)
written, copy, shift = 0, 0, 0
with open(out, "w") as fh:
    fh.write('{"traceEvents":[\n')
    first = True
    while written < target:
        ev, lo, hi = sources[copy % len(sources)]
        batch = []
        for e in ev:
            e = dict(e)
            if copy:
                if e.get("ts"):
                    e["ts"] = e["ts"] - lo + shift
                if "pid" in e:
                    e["pid"] = e["pid"] + copy * 100000
                if "id" in e:
                    e["id"] = f"{e['id']}-{copy}"
                d = e.get("args", {}).get("data") if isinstance(e.get("args"), dict) else None
                if isinstance(d, dict) and "requestId" in d:
                    e["args"] = dict(e["args"], data=dict(d, requestId=f"{d['requestId']}.{copy}"))
            batch.append(e)
        text = json.dumps(batch, separators=(",", ":"))[1:-1]
        fh.write(("" if first else ",\n") + text)
        first = False
        written += len(text) + 2
        shift = (shift if copy else hi) + (hi - lo) + 1000
        copy += 1
    fh.write("\n]}\n")
print(json.dumps({"file": out, "bytes": os.path.getsize(out), "copies": copy}))
