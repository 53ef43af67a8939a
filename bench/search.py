#!/usr/bin/env python3
"""Benchmark: searching the census register on 1,000,000 records, SQLite and PostgreSQL.

    python bench/search.py [--records 1000000] [--sqlite /tmp/census-1m.sqlite3] [--no-pg] [--queries 300]

1. Builds (once; reused when the file holds N records) an SQLite database with
   ``bench/datagen.py``, and a PostgreSQL one in a throw-away cluster
   (``tests/pg_cluster.py``, stopped at the end; ``--pg-url`` to use a server of yours).
2. Draws a query mix from the data: one- to four-character substrings of titles,
   authors, editions, seals and notes — common and rare characters, half of them
   typed in simplified form — plus census numbers, call numbers and queries with
   filters (dynasty, grade, edition type, institution, state, years).
3. Times ``app.search.search(q)`` (ranking + capped count + first page of 50, a
   fresh read transaction each, as the GUI does) as the centre (sees everything)
   and as a unit's census clerk, and a plain ``LIKE '%q%'`` scan of the folded key
   (count + first page) as the baseline; prints p50/p95/max and the ratio.
4. Times ``app.search.ids("")`` and ``ids(q)`` (the register table holds these ids).

Targets on SQLite: search median < 20 ms, p95 < 100 ms; ids("") < 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import datagen  # noqa: E402
from sqlalchemy import text  # noqa: E402

from guji.app import Guji  # noqa: E402
from guji.census.search import SearchFilters  # noqa: E402
from guji.db.engine import Database  # noqa: E402
from guji.text.fold import fold, t2s_chars  # noqa: E402

PAGE = 50


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def count_records(url: str) -> int:
    try:
        db = Database.open(url)
    except Exception:  # noqa: BLE001 - no database yet
        return -1
    try:
        with db.read_session() as s:
            return int(s.execute(text("SELECT count(*) FROM census_record")).scalar() or 0)
    except Exception:  # noqa: BLE001
        return -1
    finally:
        db.dispose()


def ensure(url: str, n: int, *, fresh: Callable[[], None] | None = None) -> None:
    have = count_records(url)
    if have == n:
        print(f"  reusing {url} ({n:,} records); bringing its schema to head")
        from guji.db import migrate

        db = Database.open(url)
        migrate.upgrade(db)
        db.dispose()
        return
    if fresh is not None:
        fresh()
    print(f"  loading {n:,} records into {url} …")
    t = datagen.load(url, n, progress=lambda m: print(m, flush=True))
    print(f"  loaded: rows {t['rows']:.0f} s, indexes {t['index']:.0f} s, total {t['total']:.0f} s")


# ------------------------------------------------------------------------ the query mix

def query_mix(db: Database, n: int, seed: int = 7) -> list[tuple[str, str, SearchFilters | None]]:
    """(kind, query, filters) drawn from a sample of the stored records."""
    rng = random.Random(seed)
    with db.read_session() as s:
        total = int(s.execute(text("SELECT max(id) FROM census_record")).scalar() or 0)
        ids = sorted(rng.sample(range(1, total + 1), min(2000, total)))
        rows = s.execute(text(
            "SELECT id, title, author_statement, edition_statement, notes, census_number, call_number "
            "FROM census_record WHERE id IN (" + ",".join(map(str, ids)) + ")")).all()
        seal_texts = [r[0] for r in s.execute(text(
            "SELECT text FROM record_seal WHERE record_id IN (" + ",".join(map(str, ids[:500])) + ")"))]
    texts = [t for r in rows for t in r[1:5] if t] + seal_texts
    freq: Counter[str] = Counter(ch for t in texts for ch in t if _is_cjk(ch))
    common = [c for c, _ in freq.most_common(60)]
    rare = [c for c, k in freq.items() if k <= 2]
    out: list[tuple[str, str, SearchFilters | None]] = []

    def substring(length: int) -> str | None:
        for _ in range(50):
            t = rng.choice(texts)
            runs = "".join(ch if _is_cjk(ch) else " " for ch in t).split()
            runs = [r for r in runs if len(r) >= length]
            if runs:
                r = rng.choice(runs)
                i = rng.randrange(len(r) - length + 1)
                return r[i: i + length]
        return None

    while len(out) < n:
        k = rng.random()
        if k < 0.15:
            q, kind = rng.choice(common), "1 common"
        elif k < 0.25:
            q, kind = rng.choice(rare), "1 rare"
        elif k < 0.45:
            q, kind = substring(2), "2 chars"
        elif k < 0.60:
            q, kind = substring(3), "3 chars"
        elif k < 0.72:
            q, kind = substring(4), "4 chars"
        elif k < 0.77:
            q, kind = rng.choice(rows)[5], "census no."
            if rng.random() < 0.5:
                q = str(int(q.split("-")[-1]))  # the serial as staff read it off a label
                kind = "serial"
        elif k < 0.80:
            q, kind = rng.choice(rows)[6] or "善", "call no."
        else:
            q, kind = substring(rng.choice((1, 2, 2, 3))), "filtered"
        if not q:
            continue
        if kind not in ("census no.", "serial", "call no.") and rng.random() < 0.5:
            q = t2s_chars(q)  # typed in simplified characters
        filters = None
        if kind == "filtered":
            filters = rng.choice([
                SearchFilters(dynasty="明"), SearchFilters(grade="4"), SearchFilters(edition_type="刻本"),
                SearchFilters(institution="210000-0101"), SearchFilters(state="centre_approved"),
                SearchFilters(year_from=1573, year_to=1620), SearchFilters(dynasty="清", grade="3C"),
                SearchFilters(damage_grade="techan"), SearchFilters(edition_type="活字本"),
            ])
        out.append((kind, q, filters))
    return out


# ------------------------------------------------------------------------------- timing

def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    r = fn()
    return (time.perf_counter() - t) * 1000, r


def baseline(db: Database, q: str) -> None:
    """The naive search: LIKE '%q%' on the folded key, count and first page."""
    key = fold(q)
    pat = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with db.read_session() as s:
        s.execute(text("SELECT count(*) FROM census_record WHERE search_key LIKE :p ESCAPE '\\'"), {"p": pat}).scalar()
        s.execute(text("SELECT id, census_number, title FROM census_record WHERE search_key LIKE :p ESCAPE '\\' "
                       "ORDER BY census_number LIMIT 50"), {"p": pat}).all()


def run(label: str, url: str, mix: list[tuple[str, str, SearchFilters | None]], *, base_n: int) -> dict[str, float]:
    db = Database.open(url)
    centre = Guji.sign_in(db, "bench.centre", datagen.STAFF_PASSWORD)
    unit = Guji.sign_in(db, "bench.unit", datagen.STAFF_PASSWORD)
    for _k, q, f in mix[:20]:  # warm the caches a little, as a desktop that has been open a while
        centre.search.search(q, f, limit=PAGE)
    results: dict[str, float] = {}
    print(f"\n== {label}: {len(mix)} queries, first page of {PAGE} + capped count")
    by_kind: dict[str, list[float]] = {}
    all_ms: list[float] = []
    worst: list[tuple[float, str, str]] = []
    for kind, q, f in mix:
        ms, page = timed(lambda q=q, f=f: centre.search.search(q, f, limit=PAGE))
        by_kind.setdefault(kind, []).append(ms)
        all_ms.append(ms)
        worst.append((ms, q, f"{kind} {f or ''} total={page.total}{'+' if page.total_capped else ''}"))
    print(f"  {'kind':<12}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind in sorted(by_kind):
        v = by_kind[kind]
        print(f"  {kind:<12}{len(v):>5}{pct(v, 50):>9.1f}{pct(v, 95):>9.1f}{max(v):>9.1f}")
    print(f"  {'ALL centre':<12}{len(all_ms):>5}{pct(all_ms, 50):>9.1f}{pct(all_ms, 95):>9.1f}{max(all_ms):>9.1f}")
    results["p50"], results["p95"] = pct(all_ms, 50), pct(all_ms, 95)
    unit_ms = [timed(lambda q=q, f=f: unit.search.search(q, f, limit=PAGE))[0] for _k, q, f in mix]
    print(f"  {'ALL unit':<12}{len(unit_ms):>5}{pct(unit_ms, 50):>9.1f}{pct(unit_ms, 95):>9.1f}{max(unit_ms):>9.1f}")
    results["unit_p50"], results["unit_p95"] = pct(unit_ms, 50), pct(unit_ms, 95)
    print("  slowest:", "; ".join(f"{q!r} {ms:.0f} ms ({d})" for ms, q, d in sorted(worst, reverse=True)[:5]))

    sample = [m for m in mix if m[2] is None][:base_n]
    base_ms = [timed(lambda q=q: baseline(db, q))[0] for _k, q, _f in sample]
    ours = [timed(lambda q=q: centre.search.search(q, None, limit=PAGE))[0] for _k, q, _f in sample]
    results["like_p50"] = pct(base_ms, 50)
    print(f"  LIKE '%q%' baseline on {len(sample)} queries: p50 {pct(base_ms, 50):.0f} ms, "
          f"p95 {pct(base_ms, 95):.0f} ms"
          f"  → search is {pct(base_ms, 50) / max(pct(ours, 50), 0.001):.0f}× faster at the median")

    ms, ids = timed(lambda: centre.search.ids(""))
    print(f"  ids('') centre: {ms:.0f} ms for {len(ids):,} ids")
    results["ids_all"] = ms
    ms, ids = timed(lambda: unit.search.ids(""))
    print(f"  ids('') unit:   {ms:.0f} ms for {len(ids):,} ids")
    results["ids_unit"] = ms
    for q in ("清", "刻本", "萬曆", "金華府志", "汲古閣", "黃丕烈"):
        ms, ids = timed(lambda q=q: centre.search.ids(q))
        ms2, _ = timed(lambda q=q: centre.search.ids(q, sort="rank"))
        print(f"  ids({q!r}): {ms:.0f} ms by census number, {ms2:.0f} ms by rank, {len(ids):,} ids")
    db.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--sqlite", default=None, help="SQLite file (default /tmp/census-<N>.sqlite3)")
    p.add_argument("--pg-url", default=None, help="an empty PostgreSQL database (default: a throw-away cluster)")
    p.add_argument("--no-pg", action="store_true")
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--baseline", type=int, default=30, help="queries to time the LIKE scan on (it is slow)")
    p.add_argument("--keep-pg", default=None, help="keep the throw-away cluster in this folder (reused next time)")
    args = p.parse_args(argv)
    n = args.records
    summary: dict[str, dict[str, float]] = {}
    mix = None
    if not args.no_sqlite:
        path = args.sqlite or f"/tmp/census-{n}.sqlite3"

        def fresh() -> None:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)

        ensure(path, n, fresh=fresh)
        mix = query_mix(Database.open(path), args.queries)
        summary["SQLite"] = run("SQLite", path, mix, base_n=args.baseline)
    if not args.no_pg:
        from tests import pg_cluster

        base = None
        url = args.pg_url
        if url is None:
            base = args.keep_pg or tempfile.mkdtemp(prefix="guji-bench-pg-")
            if args.keep_pg and (Path(base) / "port").exists():
                port = (Path(base) / "port").read_text().strip()
                url = f"postgresql://guji@127.0.0.1:{port}/postgres"
                try:
                    Database.open(url).dispose()
                except Exception:  # noqa: BLE001 - not running: start it
                    url = pg_cluster.start(base)
            else:
                url = pg_cluster.start(base)
            url = url.rsplit("/", 1)[0] + "/bench"
            _create_db(url)
        try:
            ensure(url, n)
            if mix is None:
                mix = query_mix(Database.open(url), args.queries)
            summary["PostgreSQL"] = run("PostgreSQL", url, mix, base_n=args.baseline)
        finally:
            if base and not args.keep_pg:
                pg_cluster.stop(base)
                shutil.rmtree(base, ignore_errors=True)
    print("\n== summary (ms)")
    for name, r in summary.items():
        print(f"  {name:<11} search p50 {r['p50']:.1f}  p95 {r['p95']:.1f}  (unit user p50 {r['unit_p50']:.1f} "
              f"p95 {r['unit_p95']:.1f});  LIKE p50 {r['like_p50']:.0f};  ids('') {r['ids_all']:.0f} "
              f"(unit {r['ids_unit']:.0f})")
    return 0


def _create_db(url: str) -> None:
    from sqlalchemy import create_engine

    server, _, name = url.rpartition("/")
    eng = create_engine(server.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                        isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            c.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    eng.dispose()


if __name__ == "__main__":
    sys.exit(main())
