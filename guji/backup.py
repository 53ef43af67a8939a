"""Backup and restore: a consistent online copy that any guji database can take back.

The backup is a logical dump (gzip-compressed JSON lines, one table after the
other in foreign-key order) read inside one read transaction, so it is a
consistent snapshot while other desktops keep working: SQLite's WAL gives a
reader a fixed snapshot, and on PostgreSQL the transaction runs at REPEATABLE
READ. Being logical, a backup made on SQLite restores into PostgreSQL and back.

Restore only goes into an empty database at the same schema revision, in one
transaction: either everything is in, or nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Table, func, insert, select, text

import guji.models  # noqa: F401 - registers every table
from guji import __version__
from guji.db.base import Base
from guji.db.engine import Database
from guji.db.migrate import check_schema, current_revision
from guji.errors import Conflict, ValidationError

FORMAT = "guji-backup"
FORMAT_VERSION = 1
BATCH = 2000

Progress = Callable[[float, str], None]


# Derived columns are not backed up: restore recomputes them (and they legitimately
# differ between SQLite and PostgreSQL, e.g. the search grams only PostgreSQL uses).
DERIVED_COLUMNS = {"census_record": {"search_grams"}}
# Tables the database fills itself while the others are restored: the audit chain's
# links are written by its trigger as the audit entries go in.
REBUILT_TABLES = {"audit_chain"}


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _columns(table: Table) -> list[Any]:
    skip = DERIVED_COLUMNS.get(table.name, set())
    return [c for c in table.columns if c.name not in skip]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$dec": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (key, raw), = value.items()
        if key == "$dt":
            return dt.datetime.fromisoformat(raw)
        if key == "$d":
            return dt.date.fromisoformat(raw)
        if key == "$dec":
            return decimal.Decimal(raw)
        if key == "$b64":
            return base64.b64decode(raw)
    return value


def _line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def backup(db: Database, out: str | Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Write a backup of every table to ``out`` (atomically); return row counts per table."""
    check_schema(db)
    out = Path(out)
    counts: dict[str, int] = {}
    tmp_fd, tmp_name = tempfile.mkstemp(prefix=".guji-backup-", dir=str(out.parent.resolve()))
    os.close(tmp_fd)
    try:
        with db.engine.connect() as conn:
            if not db.is_sqlite:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                tables = _tables()
                totals = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}
                grand = sum(totals.values()) or 1
                done = 0
                with gzip.open(tmp_name, "wb") as fh:
                    header = {
                        "format": FORMAT, "version": FORMAT_VERSION, "guji": __version__,
                        "schema": current_revision(db), "tables": [t.name for t in tables], "counts": totals,
                        "created": dt.datetime.now(dt.timezone.utc).isoformat(),
                    }
                    fh.write(_line(header))
                    for table in tables:
                        cols = _columns(table)
                        fh.write(_line({"table": table.name, "columns": [c.name for c in cols]}))
                        pk = list(table.primary_key.columns) or list(table.columns)
                        result = conn.execution_options(yield_per=BATCH).execute(select(*cols).order_by(*pk))
                        n = 0
                        for row in result:
                            fh.write(_line({"r": [_encode(v) for v in row]}))
                            n += 1
                            done += 1
                            if progress and done % BATCH == 0:
                                progress(done / grand, f"{table.name}: {n}")
                        counts[table.name] = n
                    fh.write(_line({"end": True, "counts": counts}))
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    if progress:
        progress(1.0, "done")
    return counts


def _read(fh: BinaryIO) -> Iterator[dict[str, Any]]:
    for raw in fh:
        yield json.loads(raw)


def restore(db: Database, src: str | Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Load a backup into an empty database at the same schema; all or nothing."""
    check_schema(db)
    src = Path(src)
    try:
        fh = gzip.open(src, "rb")
        lines = _read(fh)
        header = next(lines)
    except (OSError, EOFError, json.JSONDecodeError, StopIteration, UnicodeDecodeError) as exc:
        raise ValidationError(f"{src} is not a guji backup ({exc.__class__.__name__})", "file") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValidationError(f"{src} is not a guji backup", "file")
    if header.get("version") != FORMAT_VERSION:
        raise ValidationError(f"{src} has backup format {header.get('version')}, this guji reads {FORMAT_VERSION}", "file")
    if header.get("schema") != current_revision(db):
        raise Conflict(
            f"the backup has schema {header.get('schema')} but the database has {current_revision(db)}; "
            "restore with the guji version that made the backup, then upgrade"
        )
    tables = {t.name: t for t in _tables()}
    grand = sum(header.get("counts", {}).values()) or 1
    counts: dict[str, int] = {}
    try:
        with db.write_session() as s:
            for t in tables.values():
                if s.execute(select(func.count()).select_from(t)).scalar_one():
                    raise Conflict(f"restore needs an empty database, but {t.name} has rows in {db.name}")
            table: Table | None = None
            columns: list[str] = []
            batch: list[dict[str, Any]] = []
            done = 0

            def flush() -> None:
                if table is not None and batch:
                    s.execute(insert(table), batch)
                    batch.clear()

            ended = False
            for obj in lines:
                if "r" in obj:
                    if table is None:
                        raise ValidationError("backup rows before any table header", "file")
                    if table.name in REBUILT_TABLES:  # the database writes these itself
                        counts[table.name] += 1
                        done += 1
                        continue
                    batch.append(dict(zip(columns, (_decode(v) for v in obj["r"]))))
                    counts[table.name] += 1
                    done += 1
                    if len(batch) >= BATCH:
                        flush()
                        if progress:
                            progress(done / grand, f"{table.name}: {counts[table.name]}")
                elif "table" in obj:
                    flush()
                    if obj["table"] not in tables:
                        raise ValidationError(f"the backup has an unknown table {obj['table']!r}", "file")
                    table = tables[obj["table"]]
                    columns = obj["columns"]
                    unknown = set(columns) - {c.name for c in table.columns}
                    if unknown:
                        raise ValidationError(f"unknown columns in {table.name}: {sorted(unknown)}", "file")
                    counts[table.name] = 0
                elif obj.get("end"):
                    flush()
                    if obj.get("counts") != counts:
                        raise ValidationError("the backup is incomplete (row counts do not match)", "file")
                    ended = True
            if not ended:
                raise ValidationError(f"{src} is truncated: it has no end marker", "file")
            # The search index is derived data, not in the backup: rebuild it.
            from guji.census.service import reindex_all

            reindex_all(s)
            if not db.is_sqlite:
                # Explicit ids were inserted; move each serial sequence past them.
                for t in tables.values():
                    pk = list(t.primary_key.columns)
                    if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
                        s.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{t.name}', '{pk[0].name}'), "
                            f"COALESCE((SELECT MAX({pk[0].name}) FROM {t.name}), 0) + 1, false)"
                        ))
    except (EOFError, OSError, json.JSONDecodeError, gzip.BadGzipFile) as exc:
        raise ValidationError(f"{src} is damaged or truncated ({exc.__class__.__name__}); nothing was restored", "file") from None
    finally:
        fh.close()
    if progress:
        progress(1.0, "done")
    return counts


def dump_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in primary-key order (for comparing two databases in tests and checks)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for t in _tables():
            pk = list(t.primary_key.columns) or list(t.columns)
            out[t.name] = [tuple(r) for r in conn.execute(select(*_columns(t)).order_by(*pk))]
    return out
