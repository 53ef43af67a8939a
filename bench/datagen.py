#!/usr/bin/env python3
"""Bulk-load generated census records straight into a database, for the benchmarks.

    python bench/datagen.py --db /tmp/census-1m.sqlite3 --records 1000000
    python bench/datagen.py --db postgresql://guji@127.0.0.1:5432/bench --records 1000000

The schema comes from the migrations and the institutions and users from the
services; the records themselves are written around the services (this is a
benchmark loader, not the program): rows from :func:`guji.census.demo_records.generate`
with the same search text the service writes (:func:`guji.census.search_keys.search_text`),
inserted with ``executemany`` (SQLite, plus the FTS5 rows and an FTS5 ``optimize``)
or ``COPY`` (PostgreSQL, with the GIN index over ``search_grams`` built after the load).
Rows are generated on worker processes, in chunks with their own seed, and written by
the main process.

Used by ``bench/search.py``; :func:`load` is the API.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guji.app import Guji
from guji.census.demo_records import generate
from guji.census.models import CensusRecord, RecordAnnotation, RecordAuthor, RecordSeal
from guji.census.record import RecordData
from guji.census.search_index import INSERT_FTS, facet_grams, facet_tokens, fts_text
from guji.census.search_keys import search_text
from guji.db import migrate
from guji.db.engine import Database
from guji.services import auth
from guji.text.fold import fold

ADMIN = ("bench", "bench-pass-1")
STAFF_PASSWORD = "bench-pass-1"
CENTRE = ("遼寧省古籍保護中心（基準）", "210000", "0001")
# Holding institutions: the first holds most books, as a provincial library does.
UNITS = [
    ("遼寧省圖書館（基準）", "210000", "0101", 30),
    ("大連圖書館（基準）", "210000", "0201", 15),
    ("瀋陽市圖書館（基準）", "210000", "0301", 10),
    ("遼寧大學圖書館（基準）", "210000", "0401", 8),
    ("錦州市圖書館（基準）", "210000", "0501", 5),
    ("吉林省圖書館（基準）", "220000", "0101", 20),
    ("吉林大學圖書館（基準）", "220000", "0201", 8),
    ("長春市圖書館（基準）", "220000", "0301", 4),
]
STATES = (("centre_approved", 55), ("unit_approved", 10), ("submitted", 8), ("returned", 4), ("draft", 23))
CHUNK = 10_000
MAX_CHILD = 16  # child-row ids are record_id * MAX_CHILD + seq

REC_COLS = [c.name for c in CensusRecord.__table__.columns]
AUTHOR_COLS = [c.name for c in RecordAuthor.__table__.columns]
SEAL_COLS = [c.name for c in RecordSeal.__table__.columns]
ANNOT_COLS = [c.name for c in RecordAnnotation.__table__.columns]
FTS_COLS = ["rowid", "title", "people", "edition", "ids", "other"]


@dataclass
class Chunk:
    records: list[tuple[Any, ...]]
    authors: list[tuple[Any, ...]]
    seals: list[tuple[Any, ...]]
    annotations: list[tuple[Any, ...]]
    fts: list[tuple[Any, ...]]


@dataclass(frozen=True)
class _Job:
    index: int
    count: int
    seed: int
    dialect: str
    institutions: tuple[tuple[str, int, int], ...]  # (code, id, weight)
    created_by: int


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(v, bool):
        return int(v)
    return v


def build_chunk(job: _Job) -> Chunk:
    """The rows of one chunk of records (runs on a worker process)."""
    import random

    rng = random.Random(job.seed * 7919 + job.index)
    inst_ids = {code: iid for code, iid, _ in job.institutions}
    base_id = job.index * CHUNK
    sqlite = job.dialect == "sqlite"
    states = [s for s, _ in STATES]
    weights = [w for _, w in STATES]
    t0 = datetime(2017, 1, 1, tzinfo=UTC)
    out = Chunk([], [], [], [], [])
    codes = [code for code, _, _ in job.institutions]
    code_weights = [w for _, _, w in job.institutions]
    serials = dict.fromkeys(codes, job.index * CHUNK)  # unique across chunks: each chunk has its own block
    for i, d in enumerate(generate(job.count, job.seed * 100_003 + job.index, codes[:1])):
        rec_id = base_id + i + 1
        code = rng.choices(codes, code_weights)[0]
        serials[code] += 1
        serial = serials[code]
        region, unit = code.split("-")
        d.census_number = f"{region}-{unit}-{serial:07d}"
        st = search_text(d)
        state = rng.choices(states, weights)[0]
        when = t0 + timedelta(seconds=rng.randint(0, 9 * 365 * 86400))
        facets = facet_tokens(inst_ids[f"{region}-{unit}"], state, d.edition_dynasty, d.edition_type, d.grade,
                              d.damage_grade, d.year_start, d.year_end)
        values = record_values(d, st.key, st.grams + facet_grams(facets) if not sqlite else None)
        values.update(
            id=rec_id, institution_id=inst_ids[f"{region}-{unit}"], serial=serial, state=state,
            review_round=0 if state == "draft" else 1, created_by=job.created_by, created_at=when,
            updated_at=when, version=1, parent_id=None, bound_with_id=None, exchange_hash=None,
        )
        row = tuple(values[c] for c in REC_COLS)
        out.records.append(tuple(_sqlite_value(v) for v in row) if sqlite else row)
        for seq, a in enumerate(d.authors):
            out.authors.append((rec_id * MAX_CHILD + seq, rec_id, seq, a.dynasty, a.name, a.mode))
        for seq, s in enumerate(d.seals[:MAX_CHILD]):
            out.seals.append((rec_id * MAX_CHILD + seq, rec_id, seq, s.text, s.owner, s.position))
        for seq, an in enumerate(d.annotations[:MAX_CHILD]):
            out.annotations.append((rec_id * MAX_CHILD + seq, rec_id, seq, an.person, an.kind, an.description))
        if sqlite:
            out.fts.append((rec_id, *fts_text(st), facets))
    return out


def record_values(d: RecordData, key: str, grams: list[str] | None) -> dict[str, Any]:
    """Column values of a record row from its data, as the service writes them."""
    from guji.census.record import SCALAR_FIELDS

    v: dict[str, Any] = {name: getattr(d, name) for name in SCALAR_FIELDS}
    v["search_key"] = key
    v["search_grams"] = grams
    v["title_key"] = fold(d.title or "")[:400]
    v["edition_key"] = fold(d.edition_statement or "")[:400]
    return v


# ------------------------------------------------------------------------------ set-up

def prepare(url: str) -> tuple[Database, Guji, list[tuple[str, int, int]]]:
    """A fresh schema with the benchmark institutions and users; returns (db, admin app, institutions)."""
    db = Database.open(url, create=True)
    migrate.upgrade(db)
    actor = auth.bootstrap_admin(db, *ADMIN, "基準管理員")
    app = Guji(db, actor)
    app.institutions.add_institution(CENTRE[0], CENTRE[1], CENTRE[2], is_centre=True)
    insts = []
    for name, region, unit, weight in UNITS:
        info = app.institutions.add_institution(name, region, unit)
        insts.append((info.code, info.id, weight))
    # One census clerk of the first unit and a centre reviewer, to time what each sees.
    app.users.add_user("bench.unit", STAFF_PASSWORD, ["census"], institution=insts[0][0])
    app.users.add_user("bench.centre", STAFF_PASSWORD, ["reviewer"], institution=f"{CENTRE[1]}-{CENTRE[2]}")
    return db, app, insts


def _jobs(count: int, seed: int, dialect: str, insts: list[tuple[str, int, int]], admin_id: int) -> Iterator[_Job]:
    for index, start in enumerate(range(0, count, CHUNK)):
        yield _Job(index, min(CHUNK, count - start), seed, dialect, tuple(insts), admin_id)


def load(url: str, count: int, *, seed: int = 1, workers: int | None = None,
         progress: Callable[[str], None] = print) -> dict[str, float]:
    """Create a database at ``url`` (an SQLite file path or a PostgreSQL URL; it must be empty)
    with ``count`` generated records. Returns timings in seconds."""
    t0 = time.perf_counter()
    db, app, insts = prepare(url)
    dialect = "sqlite" if db.is_sqlite else "postgresql"
    admin_id = app.actor.user_id or 1
    timings: dict[str, float] = {}
    workers = workers or max(1, (os.cpu_count() or 2))
    jobs = list(_jobs(count, seed, dialect, insts, admin_id))
    writer = _SqliteWriter(db) if dialect == "sqlite" else _PgWriter(db)
    done = 0
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool:
        for chunk in pool.imap(build_chunk, jobs):
            writer.write(chunk)
            done += len(chunk.records)
            if done % 100_000 == 0 or done == count:
                progress(f"  {done:>9,} records  {time.perf_counter() - t0:6.1f} s")
    timings["rows"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    writer.finish(insts)
    timings["index"] = time.perf_counter() - t1
    timings["total"] = time.perf_counter() - t0
    db.dispose()
    return timings


class _SqliteWriter:
    def __init__(self, db: Database):
        import sqlite3

        self.con = sqlite3.connect(db.url.database, isolation_level=None)
        self.con.execute("PRAGMA journal_mode = WAL")
        self.con.execute("PRAGMA synchronous = OFF")
        self.con.execute("PRAGMA cache_size = -1000000")  # 1 GB: the indexes are built in memory
        self.con.execute("PRAGMA foreign_keys = OFF")
        # Bigger FTS5 leaf pages and no automatic merging while loading; one optimize at the end.
        self.con.execute("INSERT INTO census_fts(census_fts, rank) VALUES('automerge', 0)")
        self.con.execute("INSERT INTO census_fts(census_fts, rank) VALUES('crisismerge', 64)")

    def write(self, c: Chunk) -> None:
        con = self.con
        con.execute("BEGIN")
        con.executemany(f"INSERT INTO census_record ({', '.join(REC_COLS)}) VALUES ({', '.join('?' * len(REC_COLS))})",
                        c.records)
        for table, cols, rows in (("record_author", AUTHOR_COLS, c.authors), ("record_seal", SEAL_COLS, c.seals),
                                  ("record_annotation", ANNOT_COLS, c.annotations)):
            if rows:
                con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                rows)
        con.executemany(INSERT_FTS, c.fts)
        con.execute("COMMIT")

    def finish(self, insts: list[tuple[str, int, int]]) -> None:
        con = self.con
        con.execute("BEGIN")
        con.execute("INSERT INTO census_serial (institution_id, last_serial) "
                    "SELECT institution_id, max(serial) FROM census_record GROUP BY institution_id")
        con.execute("COMMIT")
        con.execute("INSERT INTO census_fts(census_fts) VALUES('optimize')")
        con.execute("INSERT INTO census_fts(census_fts, rank) VALUES('automerge', 4)")
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()


class _PgWriter:
    def __init__(self, db: Database):
        raw = db.engine.raw_connection()
        self.raw = raw
        self.con = raw.driver_connection  # psycopg 3
        with self.con.cursor() as cur:
            # Building the GIN index once after the load is far quicker than maintaining it row by row.
            cur.execute("DROP INDEX IF EXISTS ix_census_record_search_grams")
        self.con.commit()

    def _copy(self, table: str, cols: list[str], rows: list[tuple[Any, ...]]) -> None:
        with self.con.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
            for r in rows:
                cp.write_row(r)

    def write(self, c: Chunk) -> None:
        self._copy("census_record", REC_COLS, c.records)
        self._copy("record_author", AUTHOR_COLS, c.authors)
        self._copy("record_seal", SEAL_COLS, c.seals)
        self._copy("record_annotation", ANNOT_COLS, c.annotations)
        self.con.commit()

    def finish(self, insts: list[tuple[str, int, int]]) -> None:
        cur = self.con.cursor()
        cur.execute("INSERT INTO census_serial (institution_id, last_serial) "
                    "SELECT institution_id, max(serial) FROM census_record GROUP BY institution_id")
        for table in ("census_record", "record_author", "record_seal", "record_annotation"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))")
        self.con.commit()
        cur.execute("SET maintenance_work_mem = '2GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        cur.execute("CREATE INDEX ix_census_record_search_grams ON census_record USING gin (search_grams)")
        self.con.commit()
        self.con.autocommit = True
        cur.execute("VACUUM ANALYZE census_record")
        cur.execute("ANALYZE record_author")
        cur.execute("ANALYZE record_seal")
        self.con.autocommit = False
        cur.close()
        self.raw.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="SQLite file (must not exist) or PostgreSQL URL (empty database)")
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=None)
    args = p.parse_args(argv)
    if "://" not in args.db and Path(args.db).exists():
        p.error(f"{args.db} exists; give a new file")
    t = load(args.db, args.records, seed=args.seed, workers=args.workers)
    print(f"loaded {args.records:,} records: rows {t['rows']:.1f} s, indexes {t['index']:.1f} s, "
          f"total {t['total']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
