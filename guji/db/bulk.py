"""Bulk INSERTs without SQLAlchemy's per-row parameter work.

``session.execute(insert(table), list_of_dicts)`` compiles once but then builds, checks and
type-processes a parameter dict per row in Python; for a 100,000-row import into five tables
that was a quarter of the time. Here the INSERT is compiled once, each column's bind processor
(dates, JSON, decimals — exactly the conversion SQLAlchemy would apply) runs over plain tuples,
and the driver's ``executemany`` does the rest, in the session's transaction.

(Running the statements on a helper thread while the caller prepares the next batch was
tried: the ``sqlite3`` module releases the GIL inside each step but takes it back per row, and
against a busy Python thread that costs more than it overlaps — 15 % slower. Parallel work
belongs in processes: see guji.census.excel.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Insert:
    """One compiled INSERT: its SQL, the column order the driver wants, the bind processors."""

    table: str
    sql: str
    order: tuple[int, ...]  # output position → index in the caller's tuple
    convert: tuple[tuple[int, Any], ...]  # (output position, processor)
    positional: bool
    names: tuple[str, ...]

    def shape(self, rows: Iterable[Sequence[Any]]) -> list[Any]:
        """Driver parameters of ``rows`` (tuples in the caller's column order)."""
        order, convert = self.order, self.convert
        if self.positional and not convert and order == tuple(range(len(order))):
            return rows if isinstance(rows, list) else list(rows)  # nothing to convert or reorder
        out: list[Any] = []
        for row in rows:
            values = [row[i] for i in order]
            for pos, proc in convert:
                values[pos] = proc(values[pos])  # on None too, as SQLAlchemy does (JSON: 'null')
            out.append(tuple(values) if self.positional else dict(zip(self.names, values, strict=True)))
        return out

    def bound(self, name: str, value: Any) -> Any:
        """``value`` as the driver gets it for column ``name`` (to convert a constant once and
        hand it to an Insert compiled with that column ``raw``)."""
        for pos, proc in self.convert:
            if self.names[pos] == name:
                return proc(value)
        return value


def compile_insert(session: Session, table: Table, columns: Sequence[str], *, raw: Sequence[str] = ()) -> Insert:
    """Compile ``INSERT INTO table (columns)`` for the session's database.

    Every column with a Python-side default must be given (its default is not applied here):
    a missing one raises ``ValueError`` before anything is written. Columns in ``raw`` take
    the caller's values as the driver's (a JSON column given JSON text, say).
    """
    dialect = session.get_bind().dialect
    cols = list(columns)
    compiled = insert(table).compile(dialect=dialect, column_keys=cols)
    missing = [c.key for c in getattr(compiled, "insert_prefetch", ()) if c.key not in cols]
    if missing:
        raise ValueError(f"bulk insert into {table.name}: give the columns with defaults too ({', '.join(missing)})")
    # Private, hence the pinned SQLAlchemy minor release (tests/foundation/test_dependency_pins.py).
    procs = compiled._bind_processors  # the compiled statement's own type processing
    # Output order: the driver's positional order (SQLite's qmark), else the columns as given.
    names = list(compiled.positiontup or ()) if compiled.positional else cols
    return Insert(table.name, str(compiled), tuple(cols.index(n) for n in names),
                  tuple((pos, procs[n]) for pos, n in enumerate(names) if n in procs and n not in raw),
                  bool(compiled.positional),
                  tuple(names))


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                *, batch: int = 5000) -> int:
    """INSERT ``rows`` (tuples in the order of ``columns``) into ``table`` now; return the row count."""
    ins = compile_insert(session, table, columns)
    conn = session.connection()
    n = 0
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            conn.exec_driver_sql(ins.sql, ins.shape(chunk))
            n += len(chunk)
            chunk = []
    if chunk:
        conn.exec_driver_sql(ins.sql, ins.shape(chunk))
        n += len(chunk)
    return n
