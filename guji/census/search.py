"""Searching the register: one box over every text field, plus filters and sort.

SQLite: FTS5 over :func:`guji.text.fold.gram_tokens` (overlapping bigrams plus each run's
last character, with a one-character prefix index), so that a query of one character is a
prefix lookup, of two one bigram and of three or four a short phrase of bigrams — all cheap,
where single characters (十, 年, 刻) occur in most records. Filters and the unit user's
visibility are facet tokens of the same FTS5 row (:mod:`guji.census.search_index`), ANDed
inside FTS5; only the exact bounds of a year filter are tested on the record. Ranked by
bm25 with the title weighted highest. PostgreSQL: the GIN index over character
unigrams/bigrams (``search_grams @> ARRAY[...]``) narrows the candidates and ``LIKE`` on
the folded key confirms; the rank puts records whose title holds the query first (earlier
in the title, shorter title first). Both are insensitive to traditional/simplified and
full/half-width forms because the index and the query go through the same folding
(:mod:`guji.text.fold`).

Performance on a million records (``bench/search.py``) rests on these rules:

* **Count with a cap.** The number of matches is counted up to ``COUNT_CAP`` only
  (``SELECT count(*) FROM (… LIMIT cap+1)``): beyond it the page says "10000+"
  ("1000+" on PostgreSQL, which must read each counted row: ``PG_COUNT_CAP``).
* **Rank exactly only what is cheap to rank.** When at most ``RANK_ALL_LIMIT`` records
  match, every match is scored and sorted (bm25 on SQLite, title position on
  PostgreSQL). Above that (a one-character query such as 清 matches most of the register)
  the order is: the first ``WINDOW`` matches in record order with their title matches
  first, then every later match in record order. Only that window is examined for title
  matches, so the database stops after a page instead of scoring a million rows; it is
  a total order, so paging gives every match once.
* **Filters inside the index (SQLite).** No join to the record table unless a year bound
  must be checked exactly (the decade/century facets have already narrowed the candidates).
* **Fetch rows by id.** The page's ids are found first; the row data (with the
  institution code) is read for those ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, and_, bindparam, case, column, func, literal_column, not_, select, table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord
from guji.census.search_core import (
    BM25_WEIGHTS,
    COUNT_CAP,
    RANK_ALL_LIMIT,
    TEXT_COLUMNS,
    WINDOW,
    RecordRow,
    SearchFilters,
    SearchPage,
    facet_for,
    fts_word,
    query_year_tokens,
)
from guji.census.search_index import facet_grams
from guji.census.search_keys import query_grams
from guji.census.sorts import SORT_NAMES
from guji.census.store import visible_filter
from guji.errors import ValidationError
from guji.models.institution import Institution
from guji.services.context import ServiceContext
from guji.text.fold import fold

# BM25_WEIGHTS, COUNT_CAP, RANK_ALL_LIMIT and WINDOW are those of guji.census.search_core (the
# command line's search, which runs without SQLAlchemy); PostgreSQL's own settings follow.
# PostgreSQL reads and tests each match's row to count it (GIN has no index-only scans; FTS5
# counts on its doclists): 10,000 of them cost 50-110 ms on a million records, 1,000 cost 5-10.
PG_COUNT_CAP = 1_000
# PostgreSQL: memory for one search's bitmaps, so that they stay exact (4 MB, the server
# default, turns the bitmap of a common gram lossy and every row of its pages is tested again).
PG_WORK_MEM = "64MB"
_TEXT_COLSPEC = "{" + " ".join(TEXT_COLUMNS) + "}"
SORTS = {
    "rank": None,
    "census_number": CensusRecord.census_number,
    "title": CensusRecord.title_key,
    "year": CensusRecord.year_start,
    "updated": CensusRecord.updated_at,
}
assert tuple(SORTS) == SORT_NAMES


ROW_COLUMNS = (
    CensusRecord.id, CensusRecord.census_number, CensusRecord.call_number, CensusRecord.title,
    CensusRecord.author_statement, CensusRecord.edition_statement, CensusRecord.volumes, CensusRecord.extant,
    CensusRecord.state, Institution.region_code, Institution.unit_code, CensusRecord.grade,
    CensusRecord.damage_grade, CensusRecord.year_start, CensusRecord.version,
)


def _row(r: Any) -> RecordRow:
    return RecordRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], f"{r[9]}-{r[10]}", r[11], r[12], r[13],
                     r[14])


_FTS = table("census_fts", column("rowid"))
_GRAMS = postgresql.ARRAY(Text)


def _fts_phrase(word: str) -> str:
    """The FTS5 phrase of one typed word (:func:`guji.census.search_core.fts_word`)."""
    return fts_word(word)


def _fetch_ids(s: Session, stmt: Any) -> list[int]:
    """All ids a one-column SELECT returns, read on the driver's cursor in the session's transaction.

    The register table asks for up to a million ids at once; SQLAlchemy's result machinery
    costs several times the query itself there (1.7 s against 0.4 s on a million rows), so
    the compiled statement runs on the DBAPI cursor directly.
    """
    conn = s.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    procs = getattr(compiled, "_bind_processors", {})
    params = {k: (procs[k](v) if k in procs and v is not None else v) for k, v in params.items()}
    args: Any = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # the session's connection is checked out and live
    cur = dbapi.cursor()
    try:
        cur.execute(str(compiled), args)
        return [r[0] for r in cur.fetchall()]
    finally:
        cur.close()


@dataclass(frozen=True)
class _Filters:
    """The filters and the unit user's visibility, three ways."""

    conds: list[Any]  # as SQL on the record
    facets: list[str]  # as facet tokens every match holds
    any_of: list[str] | None  # year facets one of which every match holds (None: no year filter or too wide)
    confirm: list[Any]  # the SQL the facets only approximate (the exact year bounds)


@dataclass(frozen=True)
class _Plan:
    """A query as the database will run it: filter conditions, folded terms, the FTS5 expression."""

    sqlite: bool
    conds: tuple[Any, ...]  # every filter as SQL (PostgreSQL, and queries without text)
    # "fts": SQLite FTS5 drives; "like": the records drive (PostgreSQL: GIN grams + LIKE).
    mode: str
    terms: tuple[str, ...]  # folded, one per whitespace-separated term; () when no text was typed
    expr: str  # FTS5 MATCH expression of the text (SQLite)
    nothing: bool  # text was typed but nothing searchable was left (only punctuation)
    facets: tuple[str, ...] = ()  # FTS5 facet expressions of the filters (SQLite)
    confirm: tuple[Any, ...] = ()  # SQL conditions the facets only approximate (year bounds)


class SearchService:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    # --- building the query -----------------------------------------------------------------

    def _filters(self, s: Session, f: SearchFilters | None) -> _Filters:
        conds: list[Any] = []
        facets: list[str] = []
        confirm: list[Any] = []
        vis = visible_filter(self.ctx.actor)
        if vis is not True:
            conds.append(vis)
            facets.append(facet_for("institution", self.ctx.actor.institution_id or 0))
        if f is None:
            return _Filters(conds, facets, None, confirm)
        if f.year_from is not None and f.year_to is not None and f.year_to < f.year_from:
            raise ValidationError("the end year is before the start year", "year_to")
        for kind, col in (("dynasty", CensusRecord.edition_dynasty), ("edition_type", CensusRecord.edition_type),
                             ("grade", CensusRecord.grade), ("damage_grade", CensusRecord.damage_grade),
                             ("state", CensusRecord.state)):
            value = getattr(f, kind)
            if value:
                conds.append(col == value)
                facets.append(facet_for(kind, value))
        if f.institution:
            from guji.services.institutions import parse_institution_code

            region, unit = parse_institution_code(f.institution)
            inst_id = s.scalar(select(Institution.id).where(Institution.region_code == region,
                                                            Institution.unit_code == unit))
            conds.append(CensusRecord.institution_id == (inst_id or -1))
            facets.append(facet_for("institution", inst_id or 0))
        years: list[Any] = []
        any_of: list[str] | None = None
        if f.year_from is not None:
            years.append(func.coalesce(CensusRecord.year_end, CensusRecord.year_start) >= f.year_from)
        if f.year_to is not None:
            years.append(CensusRecord.year_start <= f.year_to)
        if years:
            conds += years
            confirm += years
            any_of = query_year_tokens(f.year_from, f.year_to)
        return _Filters(conds, facets, any_of, confirm)

    def _plan(self, s: Session, query: str, filters: SearchFilters | None) -> _Plan:
        flt = self._filters(s, filters)
        sqlite = s.get_bind().dialect.name == "sqlite"
        query = query or ""
        words = query.split()
        terms = tuple(t for t in (fold(w) for w in words) if t)
        expr = " ".join(p for p in (_fts_phrase(w) for w in words) if p) if terms else ""
        nothing = bool(query.strip()) and not terms
        if sqlite:
            facets = list(flt.facets)
            if flt.any_of:
                facets.append("(" + " OR ".join(flt.any_of) + ")")
            return _Plan(True, tuple(flt.conds), "fts", terms, expr, nothing, tuple(facets), tuple(flt.confirm))
        return _Plan(False, tuple(self._pg_conds(flt, terms)), "like", terms, expr, nothing)

    @staticmethod
    def _pg_conds(flt: _Filters, terms: tuple[str, ...]) -> list[Any]:
        """PostgreSQL: the query's grams and the filters' facets as ONE ``@>`` on the GIN-indexed
        ``search_grams`` (GIN intersects the posting lists, skipping through the long ones), the
        year facets as an ``&&``; ``LIKE`` on the folded key only for terms of three or more
        characters (for one or two, holding the gram is holding the substring), and the exact
        year bounds."""
        need = sorted({g for t in terms for g in query_grams(t)} | set(facet_grams(" ".join(flt.facets))))
        conds: list[Any] = []
        if need:
            conds.append(CensusRecord.search_grams.op("@>")(bindparam("grams", need, type_=_GRAMS)))
        if flt.any_of is not None:
            conds.append(CensusRecord.search_grams.op("&&")(
                bindparam("years", facet_grams(" ".join(flt.any_of)), type_=_GRAMS)))
        conds += [CensusRecord.search_key.contains(t, autoescape=True) for t in terms if len(t) > 2]
        return conds + list(flt.confirm)

    # SQLite ------------------------------------------------------------------------------

    @staticmethod
    def _fts_expr(plan: _Plan, tier: str | None) -> str:
        """The MATCH expression of all matches, of those matching in the title, or of the rest;
        text in the text columns only (a call number like c18 must not meet a facet token)."""
        in_text = f"{_TEXT_COLSPEC} : ({plan.expr})"
        if tier == "title":
            out = f"{{title}} : ({plan.expr})"
        elif tier == "rest":
            out = f"({in_text}) NOT ({{title}} : ({plan.expr}))"
        else:
            out = in_text
        if plan.facets:
            out = f"({out}) AND {{facets}} : ({' AND '.join(plan.facets)})"
        return out

    def _fts_select(self, plan: _Plan, tier: str | None = None, *, score: bool = False) -> Any:
        cols = [_FTS.c.rowid.label("id")]
        if score:
            w = ", ".join(str(x) for x in BM25_WEIGHTS)
            cols.append(literal_column(f"bm25(census_fts, {w})").label("score"))
        src: Any = _FTS
        if plan.confirm:
            # Only the record's own columns are tested: no join to institution here.
            src = _FTS.join(CensusRecord.__table__, CensusRecord.__table__.c.id == _FTS.c.rowid)
        stmt = (select(*cols).select_from(src)
                .where(text("census_fts MATCH :q").bindparams(q=self._fts_expr(plan, tier))))
        if plan.confirm:
            stmt = stmt.where(*plan.confirm)
        return stmt

    # grams and LIKE on the folded key (PostgreSQL) -------------------------------------------

    @staticmethod
    def _like_title(plan: _Plan) -> tuple[Any, Any, Any]:
        """(title text, "every term is in it", position of the first term) for ranking (PostgreSQL:
        SQLite ranks inside FTS5)."""
        title_part = func.split_part(CensusRecord.search_key, "|", 1)  # the title group of the key
        pos = func.strpos(title_part, plan.terms[0])
        return title_part, and_(*[title_part.contains(t, autoescape=True) for t in plan.terms]), pos

    def _like_select(self, plan: _Plan, tier: str | None = None) -> Any:
        conds: list[Any] = list(plan.conds)  # PostgreSQL: the grams, facets and LIKEs of _pg_conds
        if tier is not None:
            _, in_title, _ = self._like_title(plan)
            conds.append(in_title if tier == "title" else not_(in_title))
        return select(CensusRecord.id.label("id")).where(*conds)

    # both --------------------------------------------------------------------------------------

    def _matches(self, plan: _Plan, tier: str | None = None) -> Any:
        """SELECT id of the matching records (all, or one tier), unordered."""
        if not plan.terms:
            return select(CensusRecord.id.label("id")).where(*plan.conds)
        return self._fts_select(plan, tier) if plan.mode == "fts" else self._like_select(plan, tier)

    def _in_record_order(self, plan: _Plan, tier: str | None) -> Any:
        stmt = self._matches(plan, tier)
        return stmt.order_by(_FTS.c.rowid if plan.mode == "fts" and plan.terms else CensusRecord.id)

    def _ranked(self, plan: _Plan) -> Any:
        """Every match, best first (only used when there are at most RANK_ALL_LIMIT of them)."""
        if plan.mode == "fts":
            sub = self._fts_select(plan, score=True).subquery("m")
            return select(sub.c.id).order_by(sub.c.score, sub.c.id)
        title_part, in_title, pos = self._like_title(plan)
        return self._like_select(plan).order_by(
            case((in_title, 0), else_=1), pos, func.length(title_part), CensusRecord.id)

    def _sorted(self, plan: _Plan, sort: str, descending: bool) -> Any:
        """Every match in the order of a column."""
        column = SORTS[sort]  # None for "rank": by census number here
        col = CensusRecord.census_number if column is None else column
        order: tuple[Any, ...] = (col.desc() if descending else col.asc(),)
        if col is not CensusRecord.census_number:  # unique: a tie-break would only cost (a sort pass)
            order += (CensusRecord.id,)
        if not plan.terms:
            return select(CensusRecord.id).where(*plan.conds).order_by(*order)
        if plan.mode == "fts":
            src = _FTS.join(CensusRecord.__table__, CensusRecord.__table__.c.id == _FTS.c.rowid)
            return (select(CensusRecord.id).select_from(src)
                    .where(text("census_fts MATCH :q").bindparams(q=self._fts_expr(plan, None)), *plan.confirm)
                    .order_by(*order))
        return self._like_select(plan).order_by(*order)

    def _count(self, s: Session, stmt: Any, cap: int) -> int:
        return int(s.scalar(select(func.count()).select_from(stmt.limit(cap + 1).subquery())) or 0)

    @staticmethod
    def _cap(plan: _Plan) -> int:
        return COUNT_CAP if plan.sqlite else min(COUNT_CAP, PG_COUNT_CAP)

    @staticmethod
    def _begin(s: Session) -> None:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text(f"SET LOCAL work_mem = '{PG_WORK_MEM}'"))

    def _page_ids(self, s: Session, plan: _Plan, sort: str, descending: bool, limit: int | None,
                  offset: int) -> tuple[list[int], int]:
        """The ids of one page (``limit`` None: all) in order, and the capped number of matches."""
        if plan.nothing:
            return [], 0
        total = self._count(s, self._matches(plan), max(self._cap(plan), RANK_ALL_LIMIT))
        if sort != "rank" or not plan.terms:
            return self._run(s, self._sorted(plan, sort, descending), limit, offset), total
        if total <= RANK_ALL_LIMIT:
            return self._run(s, self._ranked(plan), limit, offset), total
        return self._window_ids(s, plan, limit, offset), total

    def _window_ids(self, s: Session, plan: _Plan, limit: int | None, offset: int) -> list[int]:
        """Huge match set: the first WINDOW matches (record order) with their title matches
        first, then every later match in record order.

        Ranking a huge set, or reading "title matches only" in record order, costs a pass over
        every match (a whole-table scan on PostgreSQL, whole doclists in FTS5) when the
        characters seldom occur in titles (撰, 刻本); the title-first order is therefore taken
        over a bounded window. It is a total order, so paging gives every match once.
        """
        if plan.mode == "fts":
            window_ids = self._run(s, self._in_record_order(plan, None), WINDOW, 0)
            titled: set[int] = set()
            if window_ids:
                # FTS5 takes the rowid bound as a range on its doclists: the title pass stops
                # at the end of the window.
                titled = set(s.scalars(self._fts_select(plan, "title").where(_FTS.c.rowid <= window_ids[-1])))
            head = [i for i in window_ids if i in titled] + [i for i in window_ids if i not in titled]
            last = window_ids[-1] if window_ids else 0
            rest = self._in_record_order(plan, None).where(_FTS.c.rowid > last)
        else:
            _, in_title, _ = self._like_title(plan)
            base = self._like_select(plan)
            window = s.execute(base.add_columns(case((in_title, 0), else_=1).label("t"))
                               .order_by(CensusRecord.id).limit(WINDOW)).all()
            head = [r[0] for r in sorted(window, key=lambda r: (r[1], r[0]))]
            last = window[-1][0] if window else 0
            rest = base.where(CensusRecord.id > last).order_by(CensusRecord.id)
        end = None if limit is None else offset + limit
        ids = head[offset:end]
        if len(head) < WINDOW or (limit is not None and len(ids) >= limit):
            return ids
        need = None if limit is None else limit - len(ids)
        return ids + self._run(s, rest, need, max(0, offset - len(head)))

    @staticmethod
    def _run(s: Session, stmt: Any, limit: int | None, offset: int) -> list[int]:
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        if limit is not None:
            return list(s.scalars(stmt))
        return _fetch_ids(s, stmt)

    @staticmethod
    def _rows(s: Session, ids: list[int], conds: list[Any]) -> list[RecordRow]:
        found: dict[int, RecordRow] = {}
        for i in range(0, len(ids), 500):  # keep the IN list short for both databases
            chunk = ids[i: i + 500]
            stmt = (select(*ROW_COLUMNS).join(Institution, Institution.id == CensusRecord.institution_id)
                    .where(CensusRecord.id.in_(chunk), *conds))
            found.update((r[0], _row(r)) for r in s.execute(stmt))
        return [found[i] for i in ids if i in found]

    @staticmethod
    def _check_sort(sort: str, limit: int | None, offset: int) -> None:
        if sort not in SORTS:
            raise ValidationError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}", "sort")
        if limit is not None and limit < 0:
            raise ValidationError("the page size must not be negative", "limit")
        if offset < 0:
            raise ValidationError("the offset must not be negative", "offset")

    # --- user actions ------------------------------------------------------------------------

    def search(self, query: str = "", filters: SearchFilters | None = None, *, sort: str = "rank",
               descending: bool = False, limit: int = 50, offset: int = 0) -> SearchPage:
        """One page of matches, best first (or in ``sort`` order), with the number of matches.

        ``query``: whitespace-separated terms, each matched as a substring of any text
        field after folding (traditional = simplified, full = half width, punctuation
        ignored); every term must match. Nothing the user types is interpreted as query
        syntax. ``total`` is exact up to ``COUNT_CAP`` (``PG_COUNT_CAP`` on PostgreSQL); above it
        ``total_capped`` is True.
        With ``sort="rank"`` records whose title matches come before those matching
        elsewhere (exact relevance order when at most ``RANK_ALL_LIMIT`` records match).
        Raises :class:`ValidationError` for an unknown sort, a negative limit or offset,
        or an end year before the start year.
        """
        self._check_sort(sort, limit, offset)
        with self.ctx.read() as s:
            self._begin(s)
            plan = self._plan(s, query, filters)
            ids, total = self._page_ids(s, plan, sort, descending, limit, offset)
            rows = self._rows(s, ids, [])
            cap = self._cap(plan)
            return SearchPage(min(total, cap), total > cap, rows)

    def ids(self, query: str = "", filters: SearchFilters | None = None, *, sort: str = "census_number",
            descending: bool = False) -> list[int]:
        """Every matching record id in order: the register table holds these and fetches rows by page.

        Same matching and errors as :meth:`search`; the order is that of :meth:`search` with
        the same ``sort`` (so page N of one equals slice N of the other).
        """
        self._check_sort(sort, None, 0)
        with self.ctx.read() as s:
            self._begin(s)
            plan = self._plan(s, query, filters)
            return self._page_ids(s, plan, sort, descending, None, 0)[0]

    def rows(self, ids: list[int]) -> list[RecordRow]:
        """The table rows of ``ids``, in the order given (records the user may not see are left out)."""
        if not ids:
            return []
        with self.ctx.read() as s:
            vis = visible_filter(self.ctx.actor)
            return self._rows(s, list(ids), [] if vis is True else [vis])
