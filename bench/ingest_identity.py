#!/usr/bin/env python3
"""Checks that two wasmlab builds import a trace into the same DB rows
(issue 12: the ingest rewrite must not change what is stored).

usage: ingest_identity.py OLD_WASMLAB NEW_WASMLAB TRACE.json[.gz] [import-trace options]

Imports TRACE with each build into a fresh DB, then compares every table row
by row, leaving out only what differs by design between two imports: ids are
compared as they are (both DBs are fresh), the run's uuid/times/command line/
host/version, the load's started_at, and the stored trace's encoding and
compressed bytes; for the stored trace the JSON that `wasmlab export trace`
gives back is compared instead (both builds read both DBs' traces). Prints
one line per table and exits 1 on any difference."""
import hashlib, os, sqlite3, subprocess, sys, tempfile

VOLATILE = {
    "runs": {"uuid", "started_at", "finished_at", "command_line", "host", "wasmlab_version",
             "version"},
    "loads": {"started_at"},
    "load_traces": {"encoding", "data"},
    "schema_version": None,
}


def rows(db, table):
    con = sqlite3.connect(db)
    cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
    skip = VOLATILE.get(table, set())
    if skip is None:
        return cols, []
    keep = [c for c in cols if c not in skip]
    sel = ", ".join(f'"{c}"' for c in keep)
    out = sorted(con.execute(f"SELECT {sel} FROM {table}").fetchall(), key=repr)
    con.close()
    return keep, out


def export_sha(exe, db, load_id):
    r = subprocess.run([exe, "export", "trace", "--db", db, "--load", str(load_id)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return hashlib.sha256(r.stdout).hexdigest(), len(r.stdout)


def main():
    old, new, trace, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    tmp = tempfile.mkdtemp(prefix="wasmlab-identity.")
    dbs = {}
    for tag, exe in (("old", old), ("new", new)):
        db = os.path.join(tmp, f"{tag}.db")
        r = subprocess.run([exe, "import-trace", trace, "--db", db, "-q"] + extra,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        print(f"{tag}: import-trace exit {r.returncode}, load {r.stdout.strip()}")
        dbs[tag] = db
    con = sqlite3.connect(dbs["old"])
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    con.close()
    bad = 0
    for t in tables:
        co, ro = rows(dbs["old"], t)
        cn, rn = rows(dbs["new"], t)
        same = co == cn and ro == rn
        print(f"{t}: {len(ro)} rows {'same' if same else 'DIFFERENT'}")
        if not same:
            bad += 1
            for a, b in zip(ro, rn):
                if a != b:
                    print("  old:", str(a)[:300]); print("  new:", str(b)[:300]); break
    con = sqlite3.connect(dbs["new"])
    ids = [r[0] for r in con.execute("SELECT load_id FROM load_traces")]
    encs = [r[0] for r in con.execute("SELECT encoding FROM load_traces")]
    con.close()
    for lid in ids:
        # each build reads each DB's stored trace back: all four must agree
        shas = {(e, d): export_sha(e, dbs[d], lid) for e in (old, new) for d in ("old", "new")
                if not (e == old and d == "new")}   # the old build knows no zstd
        ok = len(set(shas.values())) == 1
        src = hashlib.sha256(subprocess.run(["gzip", "-dcf", trace], stdout=subprocess.PIPE,
                                            check=True).stdout).hexdigest()
        ok = ok and next(iter(shas.values()))[0] == src
        print(f"stored trace of load {lid} ({', '.join(encs)}): exported JSON "
              f"{'equals the input' if ok else 'DIFFERS'}")
        bad += not ok
    print("IDENTICAL" if bad == 0 else f"{bad} DIFFERENCES")
    sys.exit(1 if bad else 0)


main()
