"""The register search on SQLite as plain SQL over a DB-API connection (no SQLAlchemy).

``guji census search`` answers through this module: importing SQLAlchemy and mapping the
models costs about a second of CPU on a slow desk, several times the search itself. The
queries are those :class:`guji.census.search.SearchService` builds on SQLite (FTS5 with
facet tokens, bm25 ranking, the window for huge match sets; see that module's docstring),
written out as SQL text; ``tests/census/test_search_startup.py`` checks that both give the
same pages for many queries, filters, sorts and users.

The shapes of a search (filters, rows, pages) and its tuning constants are defined here and
re-exported by :mod:`guji.census.search`, so both paths share them. So are the facet tokens a
filter looks for, which :mod:`guji.census.search_index` writes (a test compares the two).

Only what the search itself decides is here. Visibility comes in as ``sees_all`` and
``institution_id`` (the rule of :mod:`guji.services.visibility`, applied by the caller that
signed the person in); input the search would refuse (a negative page size, years the wrong
way round, a malformed institution code) raises :class:`Unsupported`, and the caller asks
:class:`~guji.census.search.SearchService`, which gives the error in its own words.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from guji.text.fold import fold, fts_phrase

# bm25 weights of the FTS5 columns: title, people, edition, ids, other, facets.
BM25_WEIGHTS = (10.0, 4.0, 3.0, 6.0, 1.0, 0.0)
COUNT_CAP = 10_000  # counts above this are shown as "10000+": exact counts of huge sets cost seconds
# Rank every match (bm25 / title position) only when there are at most this many; above it
# the tiered order (title matches first, then the rest, each in record order) is used.
RANK_ALL_LIMIT = 1_000
# Huge match sets: title matches first within the first WINDOW matches (record order); the window
# bounds the title pass (its cost grows with the span of record ids the window covers).
WINDOW = 500

# The FTS5 text columns of census_fts (guji.census.search_index writes them in this order).
TEXT_COLUMNS = ("title", "people", "edition", "ids", "other")
_TEXT_COLSPEC = "{" + " ".join(TEXT_COLUMNS) + "}"
# Sort name → column of census_record (guji.census.sorts.SORT_NAMES; rank sorts by number
# when there is no text to rank by).
SORT_COLUMNS = {"rank": "census_number", "census_number": "census_number", "title": "title_key",
                "year": "year_start", "updated": "updated_at"}
# Filter → (column of census_record, facet prefix) (the prefixes guji.census.search_index.facet_tokens writes).
FILTER_COLUMNS = {"dynasty": ("edition_dynasty", "d"), "edition_type": ("edition_type", "t"),
                  "grade": ("grade", "g"), "damage_grade": ("damage_grade", "x"), "state": ("state", "s")}
# Year facets (guji.census.search_index): a filter wider than MAX_YEAR_TOKENS tokens is left to SQL.
MAX_YEAR_TOKENS = 40
YEAR_FLOOR, YEAR_CEILING = -1100, 2100


class Unsupported(Exception):
    """This module does not answer the request; the search service does (and says what is wrong)."""


@dataclass
class SearchFilters:
    """Filters beside the search box; None means no filter."""

    dynasty: str | None = None
    edition_type: str | None = None
    grade: str | None = None
    damage_grade: str | None = None
    institution: str | None = None  # code 210000-0101
    state: str | None = None
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class RecordRow:
    """One line of the register table and of search results."""

    id: int
    census_number: str
    call_number: str | None
    title: str
    author_statement: str | None
    edition_statement: str | None
    volumes: int | None
    extant: str | None
    state: str
    institution_code: str
    grade: str | None
    damage_grade: str | None
    year_start: int | None
    version: int = 0  # the version shown, for review actions started from the table


@dataclass(frozen=True)
class SearchPage:
    total: int
    total_capped: bool  # True: there are at least ``total`` matches
    rows: list[RecordRow] = field(default_factory=list)


# --- facet tokens (the same as guji.census.search_index writes) ----------------------------------

def _num(n: int) -> str:
    return str(n) if n >= 0 else f"n{-n}"  # "-" would split the token


def facet_for(kind: str, value: str | int) -> str:
    """The facet token a filter looks for: kind is one of institution, state, dynasty,
    edition_type, grade, damage_grade."""
    if kind == "institution":
        return f"i{int(value)}"
    return FILTER_COLUMNS[kind][1] + str(value).encode("utf-8").hex()


def query_year_tokens(year_from: int | None, year_to: int | None) -> list[str] | None:
    """Tokens one of which every record overlapping [year_from, year_to] holds (a superset:
    the exact years are still tested on the record); None when the range is too wide."""
    lo = YEAR_FLOOR if year_from is None else year_from
    hi = YEAR_CEILING if year_to is None else year_to
    if hi < lo:
        return []
    out: list[str] = []
    for c in range(lo // 100, hi // 100 + 1):
        if lo <= c * 100 and c * 100 + 99 <= hi:
            out.append(f"c{_num(c)}")  # the whole century is inside the range
        else:
            out.extend(f"y{_num(d)}" for d in range(max(lo, c * 100) // 10, min(hi, c * 100 + 99) // 10 + 1))
        if len(out) > MAX_YEAR_TOKENS:
            return None
    return out


_CENSUS_NUMBER = re.compile(r"\d{6}[-‐－—]\d{4}(?:[-‐－—]\d{1,7})?")


def fts_word(word: str) -> str:
    """The FTS5 phrase of one typed word (see :func:`guji.text.fold.fts_phrase`).

    A census number (or its ``PPPPPP-UUUU`` prefix) becomes the phrase of its parts, which
    the index holds as separate tokens (``"210000 0101 0010283"``): folding alone would run
    the digits together into one token that is not in the index.
    """
    w = unicodedata.normalize("NFKC", word)
    if _CENSUS_NUMBER.fullmatch(w):
        return '"' + " ".join(re.split(r"[-‐－—]", w)) + '"'
    return fts_phrase(word) or ""


# --- the query -------------------------------------------------------------------------------

class _Sql:
    """A piece of SQL with its ``?`` parameters."""

    __slots__ = ("params", "sql")

    def __init__(self, sql: str, params: tuple[Any, ...] = ()):
        self.sql = sql
        self.params = params


def _and(conds: list[_Sql]) -> _Sql:
    return _Sql(" AND ".join(c.sql for c in conds), tuple(p for c in conds for p in c.params))


def _institution_code(code: str) -> tuple[str, str]:
    """(region, unit) of an institution code (guji.services.institutions.parse_institution_code)."""
    from guji.census.numbers import CensusNumberError, validate_region_code, validate_unit_code

    parts = (code or "").strip().replace("－", "-").split("-")
    if len(parts) != 2:
        raise Unsupported("malformed institution code")
    try:
        return validate_region_code(parts[0]), validate_unit_code(parts[1])
    except CensusNumberError:
        raise Unsupported("malformed institution code") from None


class SqliteSearch:
    """One search on one SQLite connection, for a person who sees every institution
    (``sees_all``) or only ``institution_id``'s records."""

    def __init__(self, conn: sqlite3.Connection, *, sees_all: bool, institution_id: int | None):
        self.conn = conn
        self.sees_all = sees_all
        self.institution_id = institution_id

    @staticmethod
    def check(filters: SearchFilters | None, *, sort: str, limit: int, offset: int) -> None:
        """:class:`Unsupported` for what the search service refuses (before anyone signs in)."""
        if sort not in SORT_COLUMNS or limit < 0 or offset < 0:
            raise Unsupported("bad sort or page")
        if filters is not None:
            if filters.year_from is not None and filters.year_to is not None and filters.year_to < filters.year_from:
                raise Unsupported("the end year is before the start year")
            if filters.institution:
                _institution_code(filters.institution)

    # building the plan ------------------------------------------------------------------------

    def _plan(self, query: str, f: SearchFilters | None) -> None:
        conds: list[_Sql] = []  # every filter as SQL on census_record (queries without text)
        facets: list[str] = []  # the same as facet tokens (inside FTS5)
        confirm: list[_Sql] = []  # what the facets only approximate (the exact year bounds)
        if not self.sees_all:
            own = self.institution_id if self.institution_id is not None else -1
            conds.append(_Sql("census_record.institution_id = ?", (own,)))
            facets.append(facet_for("institution", self.institution_id or 0))
        any_of: list[str] | None = None
        if f is not None:
            for kind, (col, _prefix) in FILTER_COLUMNS.items():
                value = getattr(f, kind)
                if value:
                    conds.append(_Sql(f"census_record.{col} = ?", (value,)))
                    facets.append(facet_for(kind, value))
            if f.institution:
                inst_id = self._institution_id(f.institution)
                conds.append(_Sql("census_record.institution_id = ?", (inst_id or -1,)))
                facets.append(facet_for("institution", inst_id or 0))
            years: list[_Sql] = []
            if f.year_from is not None:
                years.append(_Sql("coalesce(census_record.year_end, census_record.year_start) >= ?", (f.year_from,)))
            if f.year_to is not None:
                years.append(_Sql("census_record.year_start <= ?", (f.year_to,)))
            if years:
                conds += years
                confirm += years
                any_of = query_year_tokens(f.year_from, f.year_to)
        query = query or ""
        words = query.split()
        self.terms = tuple(t for t in (fold(w) for w in words) if t)
        self.expr = " ".join(p for p in (fts_word(w) for w in words) if p) if self.terms else ""
        self.nothing = bool(query.strip()) and not self.terms
        if any_of:
            facets.append("(" + " OR ".join(any_of) + ")")
        self.conds, self.facets, self.confirm = conds, facets, confirm

    def _institution_id(self, code: str) -> int | None:
        region, unit = _institution_code(code)
        row = self.conn.execute("SELECT institution.id FROM institution WHERE institution.region_code = ? "
                                "AND institution.unit_code = ?", (region, unit)).fetchone()
        return row[0] if row else None

    # the statements ---------------------------------------------------------------------------

    def _fts_expr(self, tier: str | None) -> str:
        """The MATCH expression of all matches, of those matching in the title, or of the rest;
        text in the text columns only (a call number like c18 must not meet a facet token)."""
        in_text = f"{_TEXT_COLSPEC} : ({self.expr})"
        if tier == "title":
            out = f"{{title}} : ({self.expr})"
        elif tier == "rest":
            out = f"({in_text}) NOT ({{title}} : ({self.expr}))"
        else:
            out = in_text
        if self.facets:
            out = f"({out}) AND {{facets}} : ({' AND '.join(self.facets)})"
        return out

    def _fts_select(self, tier: str | None = None, *, score: bool = False, extra: str = "",
                    extra_params: tuple[Any, ...] = ()) -> _Sql:
        cols = "census_fts.rowid AS id"
        if score:
            cols += f", bm25(census_fts, {', '.join(str(x) for x in BM25_WEIGHTS)}) AS score"
        src = "census_fts"
        if self.confirm:
            # Only the record's own columns are tested: no join to institution here.
            src += " JOIN census_record ON census_record.id = census_fts.rowid"
        where = _and([_Sql("census_fts MATCH ?", (self._fts_expr(tier),)), *self.confirm,
                      *([_Sql(extra, extra_params)] if extra else [])])
        return _Sql(f"SELECT {cols} FROM {src} WHERE {where.sql}", where.params)

    def _where(self, conds: list[_Sql]) -> _Sql:
        if not conds:
            return _Sql("")
        w = _and(conds)
        return _Sql(" WHERE " + w.sql, w.params)

    def _matches(self) -> _Sql:
        """SELECT id of every matching record, unordered."""
        if not self.terms:
            w = self._where(self.conds)
            return _Sql("SELECT census_record.id AS id FROM census_record" + w.sql, w.params)
        return self._fts_select()

    def _sorted(self, sort: str, descending: bool) -> _Sql:
        col = "census_record." + SORT_COLUMNS[sort]
        order = f"{col} DESC" if descending else f"{col} ASC"
        if SORT_COLUMNS[sort] != "census_number":  # unique: a tie-break would only cost (a sort pass)
            order += ", census_record.id"
        if not self.terms:
            w = self._where(self.conds)
            return _Sql(f"SELECT census_record.id FROM census_record{w.sql} ORDER BY {order}", w.params)
        w = self._where([_Sql("census_fts MATCH ?", (self._fts_expr(None),)), *self.confirm])
        return _Sql("SELECT census_record.id FROM census_fts JOIN census_record ON census_record.id = "
                    f"census_fts.rowid{w.sql} ORDER BY {order}", w.params)

    def _ranked(self) -> _Sql:
        """Every match, best first (only used when there are at most RANK_ALL_LIMIT of them)."""
        sub = self._fts_select(score=True)
        return _Sql(f"SELECT m.id FROM ({sub.sql}) AS m ORDER BY m.score, m.id", sub.params)

    def _ids(self, stmt: _Sql, limit: int | None, offset: int) -> list[int]:
        sql, params = stmt.sql, stmt.params
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += (-1 if limit is None else limit, offset)
        return [r[0] for r in self.conn.execute(sql, params)]

    def _count(self, stmt: _Sql, cap: int) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM ({stmt.sql} LIMIT ?)", stmt.params + (cap + 1,)).fetchone()
        return int(row[0] or 0)

    def _window_ids(self, limit: int | None, offset: int) -> list[int]:
        """Huge match set: the first WINDOW matches (record order) with their title matches
        first, then every later match in record order (SearchService._window_ids)."""
        in_order = self._fts_select()
        window_ids = self._ids(_Sql(in_order.sql + " ORDER BY census_fts.rowid", in_order.params), WINDOW, 0)
        titled: set[int] = set()
        if window_ids:
            stmt = self._fts_select("title", extra="census_fts.rowid <= ?", extra_params=(window_ids[-1],))
            titled = {r[0] for r in self.conn.execute(stmt.sql, stmt.params)}
        head = [i for i in window_ids if i in titled] + [i for i in window_ids if i not in titled]
        last = window_ids[-1] if window_ids else 0
        end = None if limit is None else offset + limit
        ids = head[offset:end]
        if len(head) < WINDOW or (limit is not None and len(ids) >= limit):
            return ids
        need = None if limit is None else limit - len(ids)
        rest = self._fts_select(extra="census_fts.rowid > ?", extra_params=(last,))
        return ids + self._ids(_Sql(rest.sql + " ORDER BY census_fts.rowid", rest.params), need,
                               max(0, offset - len(head)))

    def _rows(self, ids: list[int]) -> list[RecordRow]:
        found: dict[int, RecordRow] = {}
        for i in range(0, len(ids), 500):  # keep the IN list short
            chunk = ids[i: i + 500]
            sql = ("SELECT census_record.id, census_record.census_number, census_record.call_number, "
                   "census_record.title, census_record.author_statement, census_record.edition_statement, "
                   "census_record.volumes, census_record.extant, census_record.state, institution.region_code, "
                   "institution.unit_code, census_record.grade, census_record.damage_grade, "
                   "census_record.year_start, census_record.version FROM census_record JOIN institution ON "
                   "institution.id = census_record.institution_id WHERE census_record.id IN "
                   f"({', '.join('?' * len(chunk))})")
            for r in self.conn.execute(sql, chunk):
                found[r[0]] = RecordRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], f"{r[9]}-{r[10]}",
                                        r[11], r[12], r[13], r[14])
        return [found[i] for i in ids if i in found]

    # the search -------------------------------------------------------------------------------

    def search(self, query: str = "", filters: SearchFilters | None = None, *, sort: str = "rank",
               descending: bool = False, limit: int = 50, offset: int = 0) -> SearchPage:
        """One page of matches, as :meth:`guji.census.search.SearchService.search` gives it.

        Runs in one read transaction of its own (the connection must be in autocommit mode,
        as guji's connections are: ``isolation_level = None``)."""
        self.check(filters, sort=sort, limit=limit, offset=offset)
        self.conn.execute("BEGIN")
        try:
            self._plan(query, filters)
            if self.nothing:
                ids, total = [], 0
            else:
                total = self._count(self._matches(), max(COUNT_CAP, RANK_ALL_LIMIT))
                if sort != "rank" or not self.terms:
                    ids = self._ids(self._sorted(sort, descending), limit, offset)
                elif total <= RANK_ALL_LIMIT:
                    ids = self._ids(self._ranked(), limit, offset)
                else:
                    ids = self._window_ids(limit, offset)
            rows = self._rows(ids)
        finally:
            self.conn.execute("ROLLBACK")
        return SearchPage(min(total, COUNT_CAP), total > COUNT_CAP, rows)


__all__ = ["COUNT_CAP", "RANK_ALL_LIMIT", "WINDOW", "RecordRow", "SearchFilters", "SearchPage", "SqliteSearch",
           "Unsupported", "facet_for", "fts_word", "query_year_tokens"]
