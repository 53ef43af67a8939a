"""The register's search index: what is written for a record, kept in step, and rebuilt.

SQLite keeps an FTS5 table ``census_fts`` (rowid = record id) with five text columns —
title, people, edition, ids, other, each as :func:`guji.text.fold.gram_tokens` — and a
``facets`` column: one token per filter value of the record (holding institution, review
state, edition dynasty, edition type, grade, damage grade, and the decades and centuries
its Gregorian dates span). Filters and the unit user's visibility then run inside FTS5 as
an AND of doclists (which skips through long lists) instead of joining every text match to
its record: on a million records ``清`` + dynasty 明 fell from 0.4–0.8 s to 20 ms.

PostgreSQL keeps the folded key (``search_key``) and its character grams (``search_grams``,
GIN-indexed) on the record row; the same facet tokens, marked with ``#`` (a gram is one or
two folded characters and never holds it), are elements of that array, so a filter is one
more element in the ``@>`` the GIN index answers, and GIN intersects the posting lists
instead of the records being read and tested: ``清`` + dynasty 明 fell from 7 s to 85 ms.

The index is derived data: :data:`INDEX_VERSIONS` names its format, ``search_index_state``
records the version a database holds, and :func:`ensure_current` (run after every schema
upgrade) rebuilds it with this code when they differ — so a change of tokenisation ships
without a data migration, and backups never carry it.

Who writes: the census service (register, update, delete), the bulk import, the XML import,
the review workflow and grading (state, grade and damage grade are facets: :func:`refresh_facets`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord
from guji.census.record import SCALAR_FIELDS, RecordData
from guji.census.search_core import TEXT_COLUMNS
from guji.census.search_keys import SearchText, search_text
from guji.census.store import load_children
from guji.jobs import Progress
from guji.text.fold import fold

# Bump when the text written for a record changes (tokens, columns, facets): every database
# is re-indexed on its next upgrade.
# Per database kind, so that a change to one's index does not re-index the other's databases.
INDEX_VERSIONS = {"sqlite": 2, "postgresql": 3}  # postgresql 3: facets in search_grams
INDEX_VERSION = max(INDEX_VERSIONS.values())  # of a database kind not listed


def index_version(conn: Connection) -> int:
    """The index format this code writes for the database of ``conn``."""
    return INDEX_VERSIONS.get(conn.dialect.name, INDEX_VERSION)
STATE_TABLE = "search_index_state"

# The query side (guji.census.search_core, free of SQLAlchemy for the command line) holds the
# text columns, the year filter tokens and the facet a filter looks for; the index writes the same.
FTS_COLUMNS = (*TEXT_COLUMNS, "facets")
CREATE_FTS = ("CREATE VIRTUAL TABLE census_fts USING fts5(title, people, edition, ids, other, facets, "
              "prefix='1', tokenize='unicode61 remove_diacritics 0')")
INSERT_FTS = "INSERT INTO census_fts(rowid, title, people, edition, ids, other, facets) VALUES (?, ?, ?, ?, ?, ?, ?)"



# ------------------------------------------------------------------------------ facets

def _hex(value: str) -> str:
    # Values are CJK labels and codes with underscores: as hex every facet is one ASCII
    # token for the unicode61 tokenizer, whatever the value holds.
    return value.encode("utf-8").hex()


def _num(n: int) -> str:
    return str(n) if n >= 0 else f"n{-n}"  # "-" would split the token


def year_tokens(year_start: int | None, year_end: int | None) -> list[str]:
    """Decade (``y157``) and century (``c15``) tokens of every decade and century the span touches."""
    if year_start is None:
        return []
    end = year_end if year_end is not None and year_end >= year_start else year_start
    out = [f"y{_num(d)}" for d in range(year_start // 10, end // 10 + 1)]
    out += [f"c{_num(c)}" for c in range(year_start // 100, end // 100 + 1)]
    return out


def facet_tokens(institution_id: int | None, state: str | None, dynasty: str | None, edition_type: str | None,
                 grade: str | None, damage_grade: str | None, year_start: int | None,
                 year_end: int | None) -> str:
    """The ``facets`` column of a record (see the module docstring)."""
    out = [f"i{institution_id}"] if institution_id is not None else []
    for prefix, value in (("s", state), ("d", dynasty), ("t", edition_type), ("g", grade), ("x", damage_grade)):
        if value:
            out.append(prefix + _hex(value))
    out += year_tokens(year_start, year_end)
    return " ".join(out)


FACET_MARK = "#"


def facet_grams(facets: str) -> list[str]:
    """The facet tokens as elements of PostgreSQL's ``search_grams``."""
    return [FACET_MARK + t for t in facets.split()]


def _record_facets(rec: CensusRecord) -> str:
    return facet_tokens(rec.institution_id, rec.state, rec.edition_dynasty, rec.edition_type, rec.grade,
                        rec.damage_grade, rec.year_start, rec.year_end)


# ------------------------------------------------------------------------ keeping in step

def _is_sqlite(session: Session | Connection) -> bool:
    bind = session.get_bind() if isinstance(session, Session) else session
    return bind.dialect.name == "sqlite"


def write(session: Session, rec: CensusRecord, data: RecordData) -> None:
    """Index a record after it was created or changed (keys on the row; the FTS5 row on SQLite)."""
    st = search_text(data)
    rec.search_key = st.key
    rec.title_key = fold(data.title or "")[:400]
    rec.edition_key = fold(data.edition_statement or "")[:400]
    if _is_sqlite(session):
        rec.search_grams = None
        session.flush()
        session.execute(text("DELETE FROM census_fts WHERE rowid = :id"), {"id": rec.id})
        session.connection().exec_driver_sql(INSERT_FTS, (rec.id, *fts_text(st), _record_facets(rec)))
    else:
        session.flush()  # column defaults (the review state) are facets
        rec.search_grams = st.grams + facet_grams(_record_facets(rec))


def refresh_facets(session: Session, rec: CensusRecord) -> None:
    """Bring the facets of a record in step after its state, grade or damage grade changed."""
    session.flush()
    if not _is_sqlite(session):
        rec.search_grams = ([g for g in rec.search_grams or () if not g.startswith(FACET_MARK)]
                            + facet_grams(_record_facets(rec)))
        return
    session.execute(text("UPDATE census_fts SET facets = :f WHERE rowid = :id"),
                    {"f": _record_facets(rec), "id": rec.id})


def remove(session: Session, record_id: int) -> None:
    """Take a deleted record out of the index."""
    if _is_sqlite(session):
        session.execute(text("DELETE FROM census_fts WHERE rowid = :id"), {"id": record_id})


def fts_text(st: SearchText) -> tuple[str, str, str, str, str]:
    """The five text columns of a record's FTS5 row."""
    return st.title, st.people, st.edition, st.ids, st.other


# ----------------------------------------------------------------------------- rebuilding

def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def rebuild(conn: Connection, *, progress: Progress | None = None) -> int:
    """Re-index every record from its stored data in the caller's transaction; return the count.

    Used after a restore (the index is not part of a backup) and by :func:`ensure_current`.
    Plain Core statements: no ORM objects, and ``updated_at``/``version`` stay as they are,
    because re-indexing does not change a record.
    """
    sqlite = conn.dialect.name == "sqlite"
    t = CensusRecord.__table__
    assert isinstance(t, Table)  # a mapped class's table (typed as any FromClause)
    if sqlite:
        conn.exec_driver_sql("DELETE FROM census_fts")
    ids = [r[0] for r in conn.execute(select(t.c.id).order_by(t.c.id))]
    cols = [t.c[name] for name in SCALAR_FIELDS]
    facet_cols = [t.c.institution_id, t.c.state]
    n = len(SCALAR_FIELDS)
    done = 0
    for chunk in _chunks(ids):
        authors, seals, notes = load_children(conn, chunk)
        keys: list[dict[str, Any]] = []
        fts: list[tuple[Any, ...]] = []
        for row in conn.execute(select(t.c.id, *cols, *facet_cols).where(t.c.id.in_(chunk))):
            rid = row[0]
            d = RecordData(**dict(zip(SCALAR_FIELDS, row[1:1 + n], strict=True)), authors=authors.get(rid, []),
                           seals=seals.get(rid, []), annotations=notes.get(rid, []))
            st = search_text(d)
            inst, state = row[1 + n], row[2 + n]
            facets = facet_tokens(inst, state, d.edition_dynasty, d.edition_type, d.grade, d.damage_grade,
                                  d.year_start, d.year_end)
            keys.append({"rid": rid, "k": st.key, "tk": fold(d.title or "")[:400],
                         "ek": fold(d.edition_statement or "")[:400],
                         "g": None if sqlite else st.grams + facet_grams(facets)})
            if sqlite:
                fts.append((rid, *fts_text(st), facets))
        if keys:
            conn.execute(update(t).where(t.c.id == bindparam("rid")).values(
                search_key=bindparam("k"), title_key=bindparam("tk"), edition_key=bindparam("ek"),
                search_grams=bindparam("g"), updated_at=t.c.updated_at), keys)
        if fts:
            conn.exec_driver_sql(INSERT_FTS, fts)
        done += len(chunk)
        if progress is not None:
            progress(done / max(1, len(ids)), f"search index: {done}/{len(ids)}")
    _set_version(conn)
    return done


def _set_version(conn: Connection) -> None:
    conn.execute(text(f"DELETE FROM {STATE_TABLE} WHERE name = 'census'"))
    conn.execute(text(f"INSERT INTO {STATE_TABLE} (name, version) VALUES ('census', :v)"), {"v": index_version(conn)})


def stored_version(conn: Connection) -> int | None:
    """The index format a database holds (None: never built, or built before versions were kept)."""
    return conn.execute(text(f"SELECT version FROM {STATE_TABLE} WHERE name = 'census'")).scalar()


def ensure_current(conn: Connection, *, progress: Progress | None = None) -> bool:
    """Rebuild the index when the database holds another format than :func:`index_version`;
    True when it did. Called by :func:`guji.db.migrate.upgrade` after the migrations ran."""
    if stored_version(conn) == index_version(conn):
        return False
    rebuild(conn, progress=progress)
    return True
