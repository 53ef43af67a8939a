#!/usr/bin/env python3
"""Benchmark: eight desks editing one PostgreSQL database at once.

    python bench/concurrency.py [--processes 8] [--seconds 30] [--pg-url URL] [--sqlite]

Each desk is a process signed in as a unit's census clerk, two reviewers and a restorer,
doing at random what they do to the same few rows (tests/stress.py): census edits with
the version they loaded, stock receipts and withdrawals, check-outs and check-ins, plan
saves, review and acceptance races. Prints commits per second, the saves refused
(stale versions, states already changed: the conflicts), the save latency (p50, p95)
and the number of inconsistencies found afterwards (silently lost changes, stock not
equal to its ledger, books out twice, states that disagree), which must be 0.

Targets: 0 inconsistencies; p95 save latency < 100 ms with 8 desks.
Without --pg-url a throw-away cluster is started (tests/pg_cluster.py) and stopped.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import pg_cluster, stress  # noqa: E402


def _pg_database(server: str) -> str:
    from sqlalchemy import create_engine, text

    name = "bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    admin.dispose()
    return server.rpartition("/")[0] + "/" + name


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--processes", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--pg-url", help="a PostgreSQL server URL (a new database is made on it)")
    ap.add_argument("--sqlite", action="store_true", help="run on an SQLite file instead")
    args = ap.parse_args()
    os.environ.setdefault("GUJI_ARGON2_PROFILE", "test")
    cluster = None
    if args.sqlite:
        url = str(Path(tempfile.mkdtemp(prefix="guji-bench-")) / "desks.sqlite3")
        kind = "SQLite"
    else:
        server = args.pg_url or os.environ.get("GUJI_TEST_PG_URL")
        if not server:
            cluster = tempfile.mkdtemp(prefix="guji-bench-pg-")
            server = pg_cluster.start(cluster)
        url = _pg_database(server)
        kind = "PostgreSQL"
    try:
        setup = stress.prepare(url)
        result = stress.run(url, setup, processes=args.processes, seconds=args.seconds)
        problems = stress.check(url, setup, result)
    finally:
        if cluster:
            pg_cluster.stop(cluster)
    ok = sum((d.ok for d in result.desks), start=Counter())
    refused = sum((d.refused for d in result.desks), start=Counter())
    print(f"{kind}, {args.processes} desks, {result.seconds:.1f} s")
    print(f"commits: {result.commits} ({result.commits / result.seconds:.1f}/s); refused (conflicts): "
          f"{result.refused}")
    for op in stress.OPS:
        print(f"  {op:<11} ok {ok[op]:>6}  refused {refused[op]:>6}")
    print(f"save latency: p50 {result.latency_p(0.5) * 1000:.1f} ms, p95 {result.latency_p(0.95) * 1000:.1f} ms "
          f"(target p95 < 100 ms)")
    print(f"inconsistencies found afterwards: {len(problems)}")
    for p in problems[:20]:
        print("  " + p.splitlines()[0])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
