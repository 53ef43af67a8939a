#!/usr/bin/env python3
"""Census XML export at scale: time and peak memory for 100,000 and 1,000,000 records.

    .venv/bin/python bench/export_xml.py                   # 100k and 1M, SQLite, databases under /tmp
    .venv/bin/python bench/export_xml.py --sizes 10000 100000 --dir /data/bench

Each database is bulk-loaded once with ``bench/datagen.py`` (generated records from
``guji.census.demo_records``; kept between runs), then exported by the census XML export
(``app.exports.export("census_xml", …)``) in a fresh subprocess per size, so the peak resident set
(``VmHWM`` from /proc/self/status, else ``ru_maxrss``) belongs to that export alone. The output is
also checked against the XSD by a streaming validating parse.
Targets: 1,000,000 records in ≤ 120 s, peak memory < 400 MB, flat as the count grows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    """Peak resident set of this process in MB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(db_path: str, out: str, validate: bool) -> None:
    """Runs in the subprocess: sign in, export, validate, print one JSON line of figures."""
    from bench.datagen import ADMIN
    from guji.app import Guji
    from guji.db import migrate
    from guji.db.engine import Database

    db = Database.open(db_path)
    migrate.upgrade(db)  # a database loaded before a newer migration landed
    app = Guji.sign_in(db, *ADMIN)
    base_rss = peak_rss_mb()
    t0 = time.perf_counter()
    c0 = time.process_time()
    n = app.exports.export("census_xml", out).count
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    export_rss = peak_rss_mb()
    figures = {"records": n, "seconds": round(elapsed, 1), "cpu_seconds": round(cpu, 1),
               "load": os.getloadavg()[0], "peak_rss_mb": round(export_rss, 1),
               "rss_before_mb": round(base_rss, 1), "bytes": os.path.getsize(out)}
    if validate:
        from lxml import etree

        from export.census_exchange import schema

        t1 = time.perf_counter()
        count = 0
        for _, el in etree.iterparse(out, events=("end",), tag="{urn:guji:census:1.0}record", schema=schema(),
                                     resolve_entities=False, no_network=True, load_dtd=False):
            count += 1
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
        figures["valid"] = count == n
        figures["validate_seconds"] = round(time.perf_counter() - t1, 1)
    print(json.dumps(figures))


def ensure_db(path: Path, count: int) -> None:
    if path.exists():
        return
    from bench.datagen import load  # the shared bulk loader (bench/datagen.py)

    print(f"loading {count:,} records into {path} …", flush=True)
    t = load(str(path), count, progress=lambda m: None)
    print(f"  loaded in {t['total']:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--dir", default="/tmp/guji-bench", help="where the databases and XML files go")
    p.add_argument("--no-validate", action="store_true", help="skip the XSD check of the output")
    p.add_argument("--child", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], not args.no_validate)
        return 0
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        db = d / f"census-{size}.sqlite3"
        ensure_db(db, size)
        out = d / f"census-{size}.xml"
        cmd = [sys.executable, __file__, "--child", str(db), str(out)] + (["--no-validate"] if args.no_validate
                                                                          else [])
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if res.returncode != 0:
            print(res.stderr, file=sys.stderr)
            return 1
        fig = json.loads(res.stdout.strip().splitlines()[-1])
        rows.append(fig)
        rate = fig["records"] / fig["seconds"] if fig["seconds"] else 0
        print(f"{fig['records']:>10,} records  {fig['seconds']:7.1f} s wall, {fig['cpu_seconds']:.1f} s CPU "
              f"(load {fig['load']:.1f})  ({rate:,.0f}/s)  peak RSS "
              f"{fig['peak_rss_mb']:6.1f} MB (after sign-in {fig['rss_before_mb']:.1f} MB)  "
              f"{fig['bytes'] / 1e6:8.1f} MB of XML"
              + (f"  XSD-valid: {fig['valid']} ({fig['validate_seconds']} s)" if "valid" in fig else ""), flush=True)
        out.unlink()
    big = [r for r in rows if r["records"] >= 1_000_000]
    for r in big:
        ok = r["seconds"] <= 120 and r["peak_rss_mb"] < 400
        print(f"target 1M ≤ 120 s and < 400 MB: {'met' if ok else 'NOT met'} (wall clock; "
              f"CPU time {r['cpu_seconds']} s — on a shared machine the wall clock includes waiting for a CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
