"""Bulk INSERTs without SQLAlchemy's per-row parameter work.

``session.execute(insert(table), list_of_dicts)`` compiles once but then builds, checks and
type-processes a parameter dict per row in Python; for a 100,000-row import into five tables
that was a quarter of the time. :func:`insert_rows` compiles the INSERT once, applies each
column's bind processor (dates, JSON, decimals — exactly the conversion SQLAlchemy would
apply) to plain tuples and hands them to the driver's ``executemany`` through
``Connection.exec_driver_sql``, so the statement still runs in the session's transaction,
database errors still arrive as ``sqlalchemy.exc`` exceptions, and engine events fire.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                *, batch: int = 5000) -> int:
    """INSERT ``rows`` (tuples in the order of ``columns``) into ``table``; return the row count.

    Every column with a Python-side default must be given (its default is not applied here):
    a missing one raises ``ValueError`` before anything is written.
    """
    conn = session.connection()
    dialect = conn.dialect
    cols = list(columns)
    compiled = insert(table).compile(dialect=dialect, column_keys=cols)
    missing = [c.key for c in getattr(compiled, "insert_prefetch", ()) if c.key not in cols]
    if missing:
        raise ValueError(f"insert_rows into {table.name}: give the columns with defaults too ({', '.join(missing)})")
    procs = compiled._bind_processors  # noqa: SLF001 - the compiled statement's own type processing
    sql = str(compiled)
    # Output order: the driver's positional order (SQLite's qmark), else the columns as given.
    names = list(compiled.positiontup or ()) if compiled.positional else cols
    order = [cols.index(name) for name in names]
    # Processors run on None too, as SQLAlchemy does (JSON turns None into 'null').
    convert = [(pos, procs[name]) for pos, name in enumerate(names) if name in procs]
    positional = compiled.positional
    n = 0
    chunk: list[Any] = []
    for row in rows:
        values = [row[i] for i in order]
        for pos, proc in convert:
            values[pos] = proc(values[pos])
        chunk.append(tuple(values) if positional else dict(zip(names, values)))
        if len(chunk) >= batch:
            conn.exec_driver_sql(sql, chunk)
            n += len(chunk)
            chunk = []
    if chunk:
        conn.exec_driver_sql(sql, chunk)
        n += len(chunk)
    return n
