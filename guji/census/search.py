"""Searching the register: one box over every text field, plus filters and sort.

SQLite: FTS5 phrase queries over one token per character (one- to four-character
queries are the common case, which a trigram index cannot serve), ranked by bm25
with the title weighted highest. PostgreSQL: the GIN index over character
unigrams/bigrams narrows the candidates and ``LIKE`` on the folded key confirms.
Both are insensitive to traditional/simplified and full/half-width forms because
the index and the query go through the same folding (:mod:`guji.text.fold`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord
from guji.census.search_keys import query_grams
from guji.census.service import visible_filter
from guji.errors import ValidationError
from guji.models.institution import Institution
from guji.services.context import ServiceContext
from guji.text.fold import fold, fts_query

# bm25 weights of the FTS5 columns: title, people, edition, ids, other.
BM25_WEIGHTS = (10.0, 4.0, 3.0, 6.0, 1.0)
COUNT_CAP = 10_000  # counts above this are shown as "10000+": exact counts of huge sets cost seconds
SORTS = {
    "rank": None,
    "census_number": CensusRecord.census_number,
    "title": CensusRecord.title_key,
    "year": CensusRecord.year_start,
    "updated": CensusRecord.updated_at,
}


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


@dataclass(frozen=True)
class SearchPage:
    total: int
    total_capped: bool  # True: there are at least ``total`` matches
    rows: list[RecordRow] = field(default_factory=list)


ROW_COLUMNS = (
    CensusRecord.id, CensusRecord.census_number, CensusRecord.call_number, CensusRecord.title,
    CensusRecord.author_statement, CensusRecord.edition_statement, CensusRecord.volumes, CensusRecord.extant,
    CensusRecord.state, Institution.region_code, Institution.unit_code, CensusRecord.grade,
    CensusRecord.damage_grade, CensusRecord.year_start,
)


def _row(r: Any) -> RecordRow:
    return RecordRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], f"{r[9]}-{r[10]}", r[11], r[12], r[13])


class SearchService:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    # --- building the query -----------------------------------------------------------------

    def _filters(self, s: Session, f: SearchFilters | None) -> list[Any]:
        conds: list[Any] = []
        vis = visible_filter(self.ctx.actor)
        if vis is not True:
            conds.append(vis)
        if f is None:
            return conds
        if f.dynasty:
            conds.append(CensusRecord.edition_dynasty == f.dynasty)
        if f.edition_type:
            conds.append(CensusRecord.edition_type == f.edition_type)
        if f.grade:
            conds.append(CensusRecord.grade == f.grade)
        if f.damage_grade:
            conds.append(CensusRecord.damage_grade == f.damage_grade)
        if f.state:
            conds.append(CensusRecord.state == f.state)
        if f.institution:
            from guji.services.institutions import parse_institution_code

            region, unit = parse_institution_code(f.institution)
            inst_id = s.scalar(select(Institution.id).where(Institution.region_code == region,
                                                            Institution.unit_code == unit))
            conds.append(CensusRecord.institution_id == (inst_id or -1))
        if f.year_from is not None:
            conds.append(func.coalesce(CensusRecord.year_end, CensusRecord.year_start) >= f.year_from)
        if f.year_to is not None:
            conds.append(CensusRecord.year_start <= f.year_to)
        if f.year_from is not None and f.year_to is not None and f.year_to < f.year_from:
            raise ValidationError("the end year is before the start year", "year_to")
        return conds

    def _match(self, s: Session, query: str) -> tuple[Any, Any] | None:
        """(condition, rank expression) for the text query, or None when the query is empty."""
        if s.get_bind().dialect.name == "sqlite":
            expr = fts_query(query)
            if not expr:
                return None
            w = ", ".join(str(x) for x in BM25_WEIGHTS)
            fts = (
                select(literal_column("rowid").label("rid"), literal_column(f"bm25(census_fts, {w})").label("score"))
                .select_from(text("census_fts"))
                .where(text("census_fts MATCH :q").bindparams(q=expr))
                .subquery("m")
            )
            return fts, fts.c.score
        terms = [fold(t) for t in query.split()]
        terms = [t for t in terms if t]
        if not terms:
            return None
        conds = []
        for t in terms:
            conds.append(CensusRecord.search_grams.contains(query_grams(t)))  # type: ignore[union-attr]
            conds.append(CensusRecord.search_key.contains(t, autoescape=True))
        # Rank: title matches first, then by position of the first term in the title.
        first = terms[0]
        title_part = func.split_part(CensusRecord.search_key, "|", 1)
        rank = func.strpos(title_part, first)
        return and_(*conds), rank

    def _base(self, s: Session, query: str, filters: SearchFilters | None) -> tuple[Select[Any], Any]:
        stmt = select(*ROW_COLUMNS).join(Institution, Institution.id == CensusRecord.institution_id)
        conds = self._filters(s, filters)
        rank: Any = None
        match = self._match(s, query) if query and query.strip() else None
        if query and query.strip() and match is None:
            # Only punctuation was typed: nothing can match.
            conds.append(CensusRecord.id == -1)
        elif match is not None:
            if s.get_bind().dialect.name == "sqlite":
                fts, score = match
                stmt = stmt.join(fts, fts.c.rid == CensusRecord.id)
                rank = score
            else:
                cond, pg_rank = match
                conds.append(cond)
                # strpos 0 (not in title) sorts after every title position.
                rank = func.nullif(pg_rank, 0)
        if conds:
            stmt = stmt.where(*conds)
        return stmt, rank

    def _order(self, stmt: Select[Any], rank: Any, sort: str, descending: bool) -> Select[Any]:
        if sort not in SORTS:
            raise ValidationError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}", "sort")
        col = SORTS[sort]
        if col is None:
            if rank is None:
                return stmt.order_by(CensusRecord.census_number)
            return stmt.order_by(rank.asc().nulls_last() if hasattr(rank, "asc") else rank, CensusRecord.id)
        return stmt.order_by(col.desc() if descending else col.asc(), CensusRecord.id)

    # --- user actions ------------------------------------------------------------------------

    def search(self, query: str = "", filters: SearchFilters | None = None, *, sort: str = "rank",
               descending: bool = False, limit: int = 50, offset: int = 0) -> SearchPage:
        """Matches best first (or in ``sort`` order), with the number of matches (capped at COUNT_CAP)."""
        with self.ctx.read() as s:
            stmt, rank = self._base(s, query, filters)
            rows = [_row(r) for r in s.execute(self._order(stmt, rank, sort, descending).limit(limit).offset(offset))]
            count_stmt = select(func.count()).select_from(
                stmt.with_only_columns(CensusRecord.id).limit(COUNT_CAP + 1).subquery())
            total = int(s.scalar(count_stmt) or 0)
            return SearchPage(min(total, COUNT_CAP), total > COUNT_CAP, rows)

    def ids(self, query: str = "", filters: SearchFilters | None = None, *, sort: str = "census_number",
            descending: bool = False) -> list[int]:
        """Every matching record id in order: the register table holds these and fetches rows by page."""
        with self.ctx.read() as s:
            stmt, rank = self._base(s, query, filters)
            stmt = self._order(stmt.with_only_columns(CensusRecord.id), rank, sort, descending)
            return list(s.scalars(stmt))

    def rows(self, ids: list[int]) -> list[RecordRow]:
        """The table rows of ``ids``, in the order given (records the user may not see are left out)."""
        if not ids:
            return []
        with self.ctx.read() as s:
            conds = [CensusRecord.id.in_(ids)]
            vis = visible_filter(self.ctx.actor)
            if vis is not True:
                conds.append(vis)
            stmt = select(*ROW_COLUMNS).join(Institution, Institution.id == CensusRecord.institution_id).where(*conds)
            found = {r[0]: _row(r) for r in s.execute(stmt)}
        return [found[i] for i in ids if i in found]
