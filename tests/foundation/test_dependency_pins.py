"""SQLAlchemy stays inside the minor release whose internals the fast paths were written for.

guji/db/bulk.py (bulk INSERTs) and guji/census/search.py (ids straight off the DBAPI cursor)
compile statements themselves and read the compiled object's private parts:
``_bind_processors`` (each column's Python-side type conversion), ``positional`` and
``positiontup`` (the driver's parameter order) and ``insert_prefetch`` (columns with Python-side
defaults). SQLAlchemy may change those in any minor release, so setup.cfg pins the tested minor
range and these tests fail when the installed version leaves it or the internals change shape.

Before widening the pin in setup.cfg (and TESTED here): read SQLAlchemy's changelog for
``SQLCompiler``; run tests/census/test_bulk.py, tests/census/test_search.py and
tests/census/test_excel_import.py on SQLite and PostgreSQL (GUJI_TEST_PG_URL); check that dates,
JSON and Decimal columns still come back as they were written.
"""

from __future__ import annotations

import configparser
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import sqlalchemy
from sqlalchemy import JSON, Column, Date, Integer, MetaData, Numeric, String, Table, create_engine, insert
from sqlalchemy.orm import Session

from guji.db.bulk import compile_insert, insert_rows

# The minor release guji/db/bulk.py and guji/census/search.py were written and tested against.
TESTED = (2, 1)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_installed_sqlalchemy_is_the_tested_minor_release() -> None:
    installed = _version(sqlalchemy.__version__)
    assert installed[:2] == TESTED, (
        f"SQLAlchemy {sqlalchemy.__version__} is installed but guji/db/bulk.py and guji/census/search.py "
        f"use compiled-statement internals tested on {TESTED[0]}.{TESTED[1]}.x: see this file's docstring "
        "for what to re-check before moving the pin in setup.cfg"
    )


def test_setup_cfg_pins_the_tested_minor_release() -> None:
    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).resolve().parents[2] / "setup.cfg", encoding="utf-8")
    requirements = [line.strip() for line in cfg["options"]["install_requires"].splitlines()]
    (pin,) = [r for r in requirements if r.lower().startswith("sqlalchemy")]
    upper = re.search(r"<\s*([\d.]+)", pin)
    assert upper is not None, f"setup.cfg must cap SQLAlchemy below the next minor release: {pin}"
    assert _version(upper.group(1))[:2] == (TESTED[0], TESTED[1] + 1), pin
    lower = re.search(r">=\s*([\d.]+)", pin)
    assert lower is not None and _version(lower.group(1))[:2] == TESTED, pin


def _table() -> Table:
    return Table("pins", MetaData(),
                 Column("id", Integer, primary_key=True),
                 Column("name", String(20)),
                 Column("day", Date),
                 Column("weight", Numeric(6, 2)),
                 Column("extra", JSON))


def test_compiled_insert_internals_have_the_shape_bulk_relies_on() -> None:
    table = _table()
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    with Session(engine) as session:
        compiled = insert(table).compile(dialect=engine.dialect, column_keys=["name", "day", "extra"])
        assert isinstance(compiled._bind_processors, dict)
        assert callable(compiled._bind_processors["day"])  # SQLite stores dates as text
        assert compiled.positional and list(compiled.positiontup or ()) == ["name", "day", "extra"]
        assert list(getattr(compiled, "insert_prefetch", ())) == []
        ins = compile_insert(session, table, ["name", "day", "weight", "extra"])
        assert ins.positional and ins.names == ("name", "day", "weight", "extra")


def test_bulk_insert_round_trips_converted_types() -> None:
    table = _table()
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    with Session(engine) as session:
        rows = [("甲", dt.date(1644, 3, 19), Decimal("12.50"), {"k": [1, "乙"]}),
                ("丙", None, None, None)]
        assert insert_rows(session, table, ["name", "day", "weight", "extra"], rows) == 2
        got = session.execute(sqlalchemy.select(table.c.name, table.c.day, table.c.weight, table.c.extra)
                              .order_by(table.c.id)).all()
        session.commit()
    assert [tuple(r) for r in got] == rows
