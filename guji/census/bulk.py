"""Bulk registration: the validation and streaming writes behind :meth:`CensusService.register_many`
and :meth:`CensusService.register_stream`.

A bulk registration has two halves:

- :func:`prepare` validates one row with the same :func:`~guji.census.record.check` as
  :meth:`~CensusService.register_book` and turns the checked record into the plain tuples it
  will be written as (record row, authors, seals, annotations, search text, audit changes).
  It touches no database, so the Excel import runs it on worker processes while the main
  process reads the file and writes.
- :class:`BulkWriter` consumes prepared rows batch by batch **inside one transaction**:
  it matches them against the database (create / update / skip / conflict / error), and
  inserts new records with executemany-style INSERTs as it goes. All-or-nothing is the
  transaction: after the first error nothing more is inserted, planning goes on so that the
  report lists every problem, and the caller rolls back. What needs the whole input waits
  for :meth:`BulkWriter.finish`: rows without a census number (their serials start after
  the highest number of the file), rows linked (叢書/子目, 合訂) to a record the input has not
  reached yet, updates (the one-record path, exact audit diff) and the links themselves.

Matching, so that importing the same input twice changes nothing the second time:

- a row with a census number is that record;
- a row without one is the record of the institution with the same call number (索書號), if
  exactly one such record was there before; several is an error (the row must say which), and a
  call number given to more than one row of the input leaves its rows without a number unmatched
  (an error: they could not be told apart at the next import);
- a matched record with the same content is skipped, a changed draft or returned record is
  updated, a changed locked one (submitted, approved) is a conflict: never written.

Rows that would create a record with the same folded title and edition as a record of the
institution, or as another new row of the input, are likely duplicates: errors, unless the
caller allows duplicates (:func:`bulk_options`), when they are warnings as in the editor.

Serials: on SQLite the write transaction (BEGIN IMMEDIATE) serialises writers; on PostgreSQL
the writer locks the unit's serial counter first, so two imports into one unit queue instead
of taking the same serials.

Each created record gets its own "create" audit row with the content ``audit.record_create``
would write. Only this module's service methods call it.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, aliased

from guji.census import search_index
from guji.census.models import CensusRecord, RecordAnnotation, RecordAuthor, RecordSeal, ReviewState, SerialCounter
from guji.census.numbers import format_census_number, parse_census_number
from guji.census.record import SCALAR_FIELDS, AnnotationData, AuthorData, RecordData, SealData, check
from guji.census.search_index import INSERT_FTS, facet_grams, facet_tokens, fts_text
from guji.census.search_keys import SearchText, folded, search_text
from guji.census.store import ENTITY, apply_data, load_children, snapshot
from guji.db.base import Base, utcnow
from guji.db.bulk import Insert, compile_insert
from guji.errors import Conflict, FieldProblem
from guji.messages import language, msg
from guji.models.audit import AuditEntry
from guji.services import audit
from guji.services.context import Actor, Changes

Report = Callable[[float, str], None]
_NUMBER_AT = SCALAR_FIELDS.index("census_number")
_CALL_AT = SCALAR_FIELDS.index("call_number")


@dataclass(frozen=True)
class BulkOptions:
    """How a bulk registration treats likely duplicates (see the module docstring)."""

    allow_duplicates: bool = False


_OPTIONS: ContextVar[BulkOptions] = ContextVar("guji_bulk_options", default=BulkOptions())  # noqa: B039 - a frozen dataclass


@contextmanager
def bulk_options(*, allow_duplicates: bool = False) -> Iterator[None]:
    """Options for the bulk registrations started inside the block (in this thread or task).

    The service's ``register_many``/``register_stream`` take no such argument; a caller that
    allows duplicates (the Excel import's ``allow_duplicates``) says so around its call.
    """
    token = _OPTIONS.set(BulkOptions(allow_duplicates=allow_duplicates))
    try:
        yield
    finally:
        _OPTIONS.reset(token)


@dataclass(frozen=True)
class BulkResult:
    """What a bulk registration did (or, with ``written`` False, would do).

    ``errors``/``warnings`` pair the caller's row key with a :class:`FieldProblem`;
    ``outcome`` maps each key to ``created``, ``updated``, ``skipped``, ``conflict`` (a change
    to a locked record, also in ``errors``) or ``error``; ``numbers`` maps each planned row to
    its census number (given, matched or assigned — a preview when nothing was written), and
    ``row_numbers`` every row whose number is known, rows in error included. ``matched`` maps
    the rows matched by their call number to it; ``assigned`` holds the rows given a new
    serial. Counts are of the rows planned (without the rows in error).
    """

    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[tuple[int, FieldProblem]] = field(default_factory=list)
    warnings: list[tuple[int, FieldProblem]] = field(default_factory=list)
    outcome: dict[int, str] = field(default_factory=dict)
    numbers: dict[int, str] = field(default_factory=dict)
    row_numbers: dict[int, str] = field(default_factory=dict)
    matched: dict[int, str] = field(default_factory=dict)
    assigned: frozenset[int] = frozenset()
    written: bool = False
    dry_run: bool = False
    cancelled: bool = False
    elapsed_s: float = 0.0
    changes: Changes = field(default_factory=lambda: Changes(ENTITY))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk job builds hundreds of thousands of objects.

    Each full collection walks every live object, and a 100,000-row import triggers dozens of
    them: profiling showed a third of the write time in collections that free nothing (the
    objects are all still in use). Reference counting still frees everything that is not in
    a cycle; the previous state is restored afterwards (nested use is fine).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def chunks(items: list[Any], size: int = 900) -> Iterator[list[Any]]:
    """Slices small enough for an ``IN (…)`` list on both databases."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def comparable(d: RecordData) -> dict[str, Any]:
    """The record as the service's ``snapshot`` gives it (JSON values), without the census number.

    Built field by field rather than with ``dataclasses.asdict``, which deep-copies.
    """
    out: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        if name != "census_number":
            v = getattr(d, name)
            out[name] = str(v) if isinstance(v, Decimal) else v
    out["authors"] = [{"name": a.name, "dynasty": a.dynasty, "mode": a.mode} for a in d.authors]
    out["seals"] = [{"text": x.text, "owner": x.owner, "position": x.position} for x in d.seals]
    out["annotations"] = [{"person": a.person, "kind": a.kind, "description": a.description}
                          for a in d.annotations]
    out["parent_census_number"] = d.parent_census_number
    out["bound_with_census_number"] = d.bound_with_census_number
    return out


def digest(d: RecordData) -> str:
    """A short hash of :func:`comparable`: equal for a stored record and an unchanged row."""
    text = json.dumps(comparable(d), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


_scalars = attrgetter(*SCALAR_FIELDS)  # the scalar fields of a RecordData as a tuple, in C


def created_changes(d: RecordData, scalars: tuple[Any, ...] | None = None) -> dict[str, Any]:
    """The ``changes`` of a record's "create" audit row: ``{field: [None, value]}`` for every
    stated field (what :func:`comparable` gives, census number included), in one pass
    (``scalars``: :data:`_scalars` of ``d``, when the caller has them)."""
    out: dict[str, Any] = {}
    for name, v in zip(SCALAR_FIELDS, scalars if scalars is not None else _scalars(d), strict=True):
        if v is not None:
            out[name] = [None, str(v) if isinstance(v, Decimal) else v]
    out["authors"] = [None, [{"name": a.name, "dynasty": a.dynasty, "mode": a.mode} for a in d.authors]]
    out["seals"] = [None, [{"text": x.text, "owner": x.owner, "position": x.position} for x in d.seals]]
    out["annotations"] = [None, [{"person": a.person, "kind": a.kind, "description": a.description}
                                 for a in d.annotations]]
    if d.parent_census_number is not None:
        out["parent_census_number"] = [None, d.parent_census_number]
    if d.bound_with_census_number is not None:
        out["bound_with_census_number"] = [None, d.bound_with_census_number]
    return out


_quote = json.encoder.encode_basestring_ascii  # json.dumps of a str, in C
_PREFIXES = tuple(f'"{name}": [null, ' for name in SCALAR_FIELDS)


def _json(v: Any) -> str:
    """``json.dumps(v)`` of an item's value (``str`` of a Decimal, as :func:`created_changes`)."""
    t = type(v)
    if t is str:
        return _quote(v)
    if v is None:
        return "null"
    if t is int:
        return int.__repr__(v)
    if t is bool:
        return "true" if v else "false"
    if t is Decimal:
        return _quote(str(v))
    return json.dumps(v)


def created_changes_json(d: RecordData, scalars: tuple[Any, ...]) -> str:
    """``json.dumps(created_changes(d, scalars))``, built directly: the same text at a fraction of the
    cost (one for each created record). ``tests/census/test_import_shortcuts.py`` compares the two."""
    parts = [prefix + (_quote(v) if type(v) is str else _json(v)) + "]"
             for prefix, v in zip(_PREFIXES, scalars, strict=True) if v is not None]
    parts.append('"authors": [null, [' + ", ".join(
        f'{{"name": {_json(a.name)}, "dynasty": {_json(a.dynasty)}, "mode": {_json(a.mode)}}}'
        for a in d.authors) + "]]")
    parts.append('"seals": [null, [' + ", ".join(
        f'{{"text": {_json(x.text)}, "owner": {_json(x.owner)}, "position": {_json(x.position)}}}'
        for x in d.seals) + "]]")
    parts.append('"annotations": [null, [' + ", ".join(
        f'{{"person": {_json(a.person)}, "kind": {_json(a.kind)}, "description": {_json(a.description)}}}'
        for a in d.annotations) + "]]")
    if d.parent_census_number is not None:
        parts.append('"parent_census_number": [null, ' + _json(d.parent_census_number) + "]")
    if d.bound_with_census_number is not None:
        parts.append('"bound_with_census_number": [null, ' + _json(d.bound_with_census_number) + "]")
    return "{" + ", ".join(parts) + "}"


# ------------------------------------------------------------------------------ preparing

class Prepared(NamedTuple):
    """One row, validated and ready to write (plain tuples: cheap to send between processes).

    ``errors`` non-empty: the row is in error and nothing else is set. ``number`` None: the
    unit's next serial is assigned at the end (search text and audit changes wait for it).
    """

    key: int
    errors: tuple[FieldProblem, ...]
    warnings: tuple[FieldProblem, ...]
    number: str | None = None
    record: tuple[Any, ...] = ()  # SCALAR_FIELDS values
    authors: tuple[tuple[Any, ...], ...] = ()
    seals: tuple[tuple[Any, ...], ...] = ()
    notes: tuple[tuple[Any, ...], ...] = ()
    parent: str | None = None
    bound: str | None = None
    title_key: str = ""
    edition_key: str = ""
    search_key: str = ""
    fts: tuple[str, ...] = ()  # SQLite: the five text columns
    facets: str = ""  # the facet tokens but the institution's (the writer adds it)
    grams: list[str] | None = None  # PostgreSQL: the text grams and the facets but the institution's
    changes: str = ""  # the create audit row's changes, as JSON

    def data(self) -> RecordData:
        """The checked record again (for updates and rows numbered at the end)."""
        return RecordData(**dict(zip(SCALAR_FIELDS, self.record, strict=True)),
                          authors=[AuthorData(*a) for a in self.authors], seals=[SealData(*s) for s in self.seals],
                          annotations=[AnnotationData(*a) for a in self.notes], parent_census_number=self.parent,
                          bound_with_census_number=self.bound)


def failed(key: int, problems: Iterable[FieldProblem]) -> Prepared:
    """A row the caller could not even read (it blocks an all-or-nothing registration)."""
    return Prepared(key, tuple(problems), ())


def prepare(key: int, d: RecordData, *, sqlite: bool) -> Prepared:
    """Validate one row (:func:`check`) and build what it is written as. No database involved.

    Rules that need the database or the whole input (the number belongs to the holding
    institution, duplicates, links to other records) are the writer's.
    """
    checked = check(d)
    if checked.errors:
        return Prepared(key, tuple(_without_echo(checked.errors)), tuple(checked.warnings))
    d = checked.data
    links: list[str | None] = []
    for name in ("parent_census_number", "bound_with_census_number"):
        num = getattr(d, name)
        if num:
            try:
                num = str(parse_census_number(num))
            except ValueError as exc:
                return Prepared(key, (FieldProblem(name, str(exc), num),), tuple(checked.warnings))
            if num == d.census_number:
                return Prepared(key, (FieldProblem(name, "a record cannot be linked to itself", num),),
                                tuple(checked.warnings))
            setattr(d, name, num)
        links.append(num)
    record = _scalars(d)
    st = search_text(d)
    facets = _draft_facets(d.edition_dynasty, d.edition_type, d.grade, d.damage_grade, d.year_start, d.year_end)
    return Prepared(
        key, (), tuple(checked.warnings), d.census_number, record,
        tuple((a.name, a.dynasty, a.mode) for a in d.authors), tuple((x.text, x.owner, x.position) for x in d.seals),
        tuple((a.person, a.kind, a.description) for a in d.annotations), links[0], links[1],
        folded(d.title or "")[:400], folded(d.edition_statement or "")[:400],
        search_key=st.key, fts=fts_text(st) if sqlite else (), facets=facets,
        grams=None if sqlite else st.grams + facet_grams(facets), changes=created_changes_json(d, record))


_DRAFT = ReviewState.DRAFT.value


@lru_cache(maxsize=4096)  # a pure function of a few short values that registers repeat (dynasty, type, years…)
def _draft_facets(dynasty: str | None, edition_type: str | None, grade: str | None, damage_grade: str | None,
                  year_start: int | None, year_end: int | None) -> str:
    """The facet tokens of a new (draft) record but the institution's."""
    return facet_tokens(None, _DRAFT, dynasty, edition_type, grade, damage_grade, year_start, year_end)


def numbered(p: Prepared, number: str) -> Prepared:
    """A row prepared without a census number, given the serial assigned at the end.

    Only what the number enters changes (the record's number, the identifiers in the search
    text and key, the audit changes); tests check the result equals preparing the row with
    the number from the start.
    """
    record = list(p.record)
    record[_NUMBER_AT] = number
    parts = number.split("-")
    serial = parts[-1].lstrip("0")
    ids = " ".join(parts + ([serial] if serial else []))
    fts = p.fts
    if fts:
        fts = (*fts[:3], f"{ids} {fts[3]}" if fts[3] else ids, *fts[4:])
    groups = p.search_key.split("|")
    groups[3] = number.replace("-", "") + groups[3]
    key = "|".join(groups)
    grams = p.grams
    if grams is not None:
        grams = SearchText("", "", "", "", "", key).grams + facet_grams(p.facets)
    return p._replace(number=number, record=tuple(record), fts=fts, search_key=key, grams=grams,
                      changes='{"census_number": [null, ' + json.dumps(number) + "], " + p.changes[1:])


def _without_echo(problems: list[FieldProblem]) -> list[FieldProblem]:
    """Drop "is required" when the same field already has a clearer error (``abc`` is not a number)."""
    named = {p.field for p in problems if p.message != "is required"}
    return [p for p in problems if not (p.message == "is required" and p.field in named)]


# -------------------------------------------------------------------------------- writing

# The columns of a created record, in the order BulkWriter builds its tuples.
_RECORD_COLUMNS: tuple[str, ...] = (
    *SCALAR_FIELDS, "institution_id", "state", "review_round", "created_by", "created_at", "updated_at", "version",
    "parent_id", "bound_with_id", "exchange_hash", "serial", "search_key", "title_key", "edition_key", "search_grams")


def _table(model: type[Base]) -> Table:
    """The table of a mapped class (SQLAlchemy types it as any FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class BulkWriter:
    """Consumes prepared rows in one transaction (see the module docstring).

    ``write`` False (a dry run, or a caller that already knows nothing may be written) plans
    only. After :meth:`finish`, ``written`` says whether the caller should commit.
    """

    def __init__(self, s: Session, actor: Actor, inst_id: int, region: str, unit: str, *, write: bool,
                 update_existing: bool, all_or_nothing: bool, note: str | None,
                 allow_duplicates: bool | None = None) -> None:
        self.s, self.actor, self.inst_id, self.region, self.unit = s, actor, inst_id, region, unit
        self.write, self.update_existing, self.all_or_nothing, self.note = write, update_existing, all_or_nothing, note
        self.allow_duplicates = _OPTIONS.get().allow_duplicates if allow_duplicates is None else allow_duplicates
        self.sqlite = s.get_bind().dialect.name == "sqlite"
        if write and not self.sqlite:
            # Before anything is read: a second import into this unit waits here until the first
            # commits, and then sees its records and serials (READ COMMITTED reads per statement).
            self._lock_counter()
        self.errors: list[tuple[int, FieldProblem]] = []
        self.warnings: list[tuple[int, FieldProblem]] = []
        self.outcome: dict[int, str] = {}
        self.numbers: dict[int, str] = {}
        self.first_row: dict[str, int] = {}  # census number → the key of the row that gave it
        self.row_numbers: dict[int, str] = {}  # row key → census number (given, matched or assigned)
        self.matched: dict[int, str] = {}  # row key → the call number it was matched by
        self.assigned: set[int] = set()
        self.call_first: dict[str, int] = {}  # call number → the first row with it …
        self.call_again: dict[str, int] = {}  # … and a second one, when there is one
        self.new_keys: dict[tuple[str, str], int] = {}  # (title key, edition key) of a new row → its key
        self.ids: dict[str, int] = {}  # census number → record id, for the rows written or matched
        self.created_ids: list[int] = []
        self.updated_ids: list[int] = []
        self.created = self.updated = self.skipped = 0
        self.unnumbered: list[Prepared] = []
        self.waiting: list[Prepared] = []  # linked to a number not seen yet
        self.updates: list[tuple[Prepared, int]] = []
        self.links: list[tuple[int, str | None, str | None]] = []  # record id, parent, bound with
        self.max_given = 0
        self.now = utcnow()
        table = _table(CensusRecord)
        # Records up to this id were there before: duplicate warnings look only at them. On SQLite
        # the write lock (BEGIN IMMEDIATE) is held throughout, so the ids after it are ours and
        # are given explicitly (INSERT … RETURNING in parameter order would go row by row).
        self.id_floor = s.scalar(select(func.max(table.c.id))) or 0
        self._next_id = self.id_floor + 1
        counter = s.get(SerialCounter, inst_id)
        held = s.scalar(select(func.max(CensusRecord.serial)).where(CensusRecord.institution_id == inst_id)) or 0
        self.serial_floor = max(counter.last_serial if counter else 0, held)
        child = ("record_id", "seq")
        columns = ("id", *_RECORD_COLUMNS) if self.sqlite else _RECORD_COLUMNS
        # Values the same on every row are converted for the driver once (raw columns below).
        plain = compile_insert(s, table, columns)
        raw = ("created_at", "updated_at", "search_grams") if self.sqlite else ("created_at", "updated_at")
        self.ins_record = compile_insert(s, table, columns, raw=raw)
        now = plain.bound("created_at", self.now)
        self.no_grams = plain.bound("search_grams", None) if self.sqlite else None
        self.ins_author = compile_insert(s, _table(RecordAuthor), (*child, "name", "dynasty", "mode"))
        self.ins_seal = compile_insert(s, _table(RecordSeal), (*child, "text", "owner", "position"))
        self.ins_note = compile_insert(s, _table(RecordAnnotation), (*child, "person", "kind", "description"))
        # The changes arrive serialised already (by prepare, perhaps on a worker): no JSON processor.
        self.ins_audit = compile_insert(s, _table(AuditEntry), (
            "at", "user_id", "login", "institution_id", "action", "entity", "entity_id", "changes", "note"),
            raw=("at", "changes"))
        self.at = now
        self.ins_fts = Insert("census_fts", INSERT_FTS, tuple(range(7)), (), True, ())
        self.fixed = (inst_id, ReviewState.DRAFT.value, 0, actor.user_id, now, now, 1, None, None, None)

    @property
    def blocked(self) -> bool:
        """True once nothing more may be written (an error in an all-or-nothing registration)."""
        return bool(self.errors) and self.all_or_nothing

    def _error(self, key: int, problem: FieldProblem, outcome: str = "error") -> None:
        self.errors.append((key, problem))
        if self.outcome.get(key) != "conflict":
            self.outcome[key] = outcome

    # --- one batch ------------------------------------------------------------------------------

    def add(self, batch: list[Prepared]) -> None:
        """Plan (and, while nothing blocks, write) a batch of prepared rows, in input order."""
        good: list[Prepared] = []
        calls = sorted({p.record[_CALL_AT] for p in batch if not p.errors and p.number is None and p.record[_CALL_AT]})
        by_call = self._records_by_call_number(calls) if calls else {}
        for p in batch:
            self.warnings.extend((p.key, w) for w in p.warnings)
            if p.errors:
                for e in p.errors:
                    self._error(p.key, e)
                continue
            call = p.record[_CALL_AT]
            if call:
                first = self.call_first.setdefault(call, p.key)
                if first != p.key:
                    self.call_again.setdefault(call, p.key)
                if p.number is None and call in by_call:
                    hits = by_call[call]
                    if len(hits) > 1:
                        self._error(p.key, FieldProblem("call_number", msg(
                            "census.import.call_number_ambiguous", call_number=call,
                            numbers="、".join(hits[:5]) + ("…" if len(hits) > 5 else "")), call))
                        continue
                    if hits[0] in self.first_row:  # another row of the input is that record already
                        self._error(p.key, FieldProblem("call_number", msg(
                            "census.import.call_number_repeated", call_number=call, row=self.first_row[hits[0]]),
                            call))
                        continue
                    p = numbered(p, hits[0])
                    self.matched[p.key] = call
            if p.number is not None:
                self.row_numbers[p.key] = p.number
                if p.number in self.first_row:
                    self._error(p.key, FieldProblem("census_number", f"{p.number} appears twice in the import "
                                                    f"(first in row {self.first_row[p.number]})", p.number))
                    continue
                if p.number[:6] != self.region or p.number[7:11] != self.unit:
                    self._error(p.key, FieldProblem(
                        "census_number", f"{p.number} belongs to {p.number[:11]}, not to the holding institution "
                        f"{self.region}-{self.unit}", p.number))
                    continue
                self.first_row[p.number] = p.key
                self.max_given = max(self.max_given, int(p.number[-7:]))
            good.append(p)
        if not good:
            return
        given = [p.number for p in good if p.number is not None]
        existing: dict[str, tuple[int, int, str]] = {}
        for chunk in chunks(given):
            for rid, num, iid, state in self.s.execute(
                    select(CensusRecord.id, CensusRecord.census_number, CensusRecord.institution_id,
                           CensusRecord.state).where(CensusRecord.census_number.in_(chunk))):
                existing[num] = (rid, iid, state)
        same = [v[0] for v in existing.values() if v[1] == self.inst_id]
        stored = _stored_digests(self.s, same) if same else {}
        known = self._known_targets(good)
        creates: list[Prepared] = []
        for p in good:
            if p.number is not None and p.number in existing:
                self._match(p, *existing[p.number], stored)
                continue
            if not all(t is None or t in known or t in self.ids for t in (p.parent, p.bound)):
                self.waiting.append(p)  # its 叢書/合訂 record comes later in the input (or nowhere)
                continue
            if p.number is None:
                self.unnumbered.append(p)  # numbered (and checked for duplicates) at the end
                continue
            creates.append(p)
        self._create(self._unique(creates))

    def _records_by_call_number(self, calls: list[str]) -> dict[str, list[str]]:
        """Call number → the census numbers of the institution's records (there before) with it."""
        out: dict[str, list[str]] = {}
        for chunk in chunks(calls):
            for call, num in self.s.execute(
                    select(CensusRecord.call_number, CensusRecord.census_number)
                    .where(CensusRecord.institution_id == self.inst_id, CensusRecord.call_number.in_(chunk),
                           CensusRecord.id <= self.id_floor)):
                assert call is not None  # matched by the in-list
                out.setdefault(call, []).append(num)
        for nums in out.values():
            nums.sort()
        return out

    def _known_targets(self, batch: list[Prepared]) -> set[str]:
        wanted = sorted({t for p in batch for t in (p.parent, p.bound) if t and t not in self.ids})
        known: set[str] = set()
        for chunk in chunks(wanted):
            for rid, num in self.s.execute(select(CensusRecord.id, CensusRecord.census_number)
                                           .where(CensusRecord.census_number.in_(chunk))):
                known.add(num)
                self.ids.setdefault(num, rid)
        return known

    def _match(self, p: Prepared, rid: int, iid: int, state: str, stored: dict[int, str]) -> None:
        number = p.number or ""
        if iid != self.inst_id:
            self._error(p.key, FieldProblem("census_number", f"{number} is registered to another institution", number))
        elif stored.get(rid) == digest(p.data()):
            self.skipped += 1
            self.outcome[p.key] = "skipped"
            self.numbers[p.key] = number
            self.ids[number] = rid
        elif not self.update_existing:
            self._error(p.key, FieldProblem("census_number", f"{number} is already registered", number))
        elif not ReviewState(state).editable:
            label = state if language() == "en" else ReviewState(state).label_zh
            self._error(p.key, FieldProblem("census_number", msg("census.import.locked", number=number, state=label),
                                            number), "conflict")
        else:
            self.updates.append((p, rid))
            self.numbers[p.key] = number
            self.ids[number] = rid

    def _unique(self, rows: list[Prepared]) -> list[Prepared]:
        """The rows that may be created: a likely duplicate (same folded title and edition as a record
        of this institution that was there before, or as another new row) is an error, or with
        ``allow_duplicates`` a warning as in the editor."""
        if not rows:
            return rows
        stored: dict[tuple[str, str], str] = {}
        for chunk in chunks(sorted({p.title_key for p in rows})):
            for tk, ek, num in self.s.execute(
                    select(CensusRecord.title_key, CensusRecord.edition_key, func.min(CensusRecord.census_number))
                    .where(CensusRecord.institution_id == self.inst_id, CensusRecord.title_key.in_(chunk),
                           CensusRecord.id <= self.id_floor)
                    .group_by(CensusRecord.title_key, CensusRecord.edition_key)):
                stored[(tk, ek)] = num
        allow = self.allow_duplicates
        kept: list[Prepared] = []
        for p in rows:
            k = (p.title_key, p.edition_key)
            first = self.new_keys.setdefault(k, p.key)
            if k in stored:
                problem = FieldProblem("title", msg("census.import.duplicate_warning" if allow else
                                                    "census.import.duplicate_of", number=stored[k]))
            elif first != p.key:
                problem = FieldProblem("title", msg("census.import.duplicate_in_file_warning" if allow else
                                                    "census.import.duplicate_in_file", row=first))
            else:
                kept.append(p)
                continue
            if allow:
                self.warnings.append((p.key, problem))
                kept.append(p)
            else:
                self._error(p.key, problem)
        return kept

    def _create(self, rows: list[Prepared]) -> None:
        """Insert new records (numbers known, search text and audit changes built)."""
        if not rows:
            return
        for p in rows:
            self.created += 1
            self.outcome[p.key] = "created"
            self.numbers[p.key] = p.number or ""
        if not self.write or self.blocked:
            for p in rows:  # planned only: links still resolve against them
                self.ids.setdefault(p.number or "", 0)
            return
        s, table = self.s, _table(CensusRecord)
        no_grams = self.no_grams
        inst_gram = facet_grams(f"i{self.inst_id}")
        recs = [(*p.record, *self.fixed, int((p.number or "")[-7:]), p.search_key, p.title_key, p.edition_key,
                 no_grams if p.grams is None else p.grams + inst_gram) for p in rows]
        if self.sqlite:
            ids = list(range(self._next_id, self._next_id + len(rows)))
            self._next_id += len(rows)
            self._run(self.ins_record, [(rid, *r) for rid, r in zip(ids, recs, strict=True)])
        else:
            ids = list(s.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                 [dict(zip(_RECORD_COLUMNS, r, strict=True)) for r in recs]).scalars())
        self.created_ids.extend(ids)
        authors: list[tuple[Any, ...]] = []
        seals: list[tuple[Any, ...]] = []
        notes: list[tuple[Any, ...]] = []
        fts: list[tuple[Any, ...]] = []
        audits: list[tuple[Any, ...]] = []
        inst = f"i{self.inst_id} "
        a = self.actor
        for rid, p in zip(ids, rows, strict=True):
            self.ids[p.number or ""] = rid
            if p.authors:
                authors.extend((rid, i, *x) for i, x in enumerate(p.authors))
            if p.seals:
                seals.extend((rid, i, *x) for i, x in enumerate(p.seals))
            if p.notes:
                notes.extend((rid, i, *x) for i, x in enumerate(p.notes))
            if self.sqlite:
                fts.append((rid, *p.fts, inst + p.facets))
            audits.append((self.at, a.user_id, a.login, a.institution_id, "create", ENTITY, str(rid), p.changes,
                           self.note))
            if p.parent or p.bound:
                self.links.append((rid, p.parent, p.bound))
        self._run(self.ins_author, authors)
        self._run(self.ins_seal, seals)
        self._run(self.ins_note, notes)
        self._run(self.ins_fts, fts)
        self._run(self.ins_audit, audits)

    def _run(self, ins: Insert, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.s.connection().exec_driver_sql(ins.sql, ins.shape(rows))

    # --- the end --------------------------------------------------------------------------------

    def finish(self, report: Report) -> None:
        """Everything that needed the whole input: waiting links, serials, updates, links."""
        # Rows linked to records that came later: write them once their targets are known.
        progress = True
        while self.waiting and progress:
            progress = False
            rest: list[Prepared] = []
            self._known_targets(self.waiting)
            for p in self.waiting:
                if all(t is None or t in self.ids for t in (p.parent, p.bound)):
                    progress = True
                    if p.number is None:
                        self.unnumbered.append(p)
                    else:
                        self._create(self._unique([p]))
                else:
                    rest.append(p)
            self.waiting = rest
        for p in self.waiting:
            name, num = ("parent_census_number", p.parent) if p.parent and p.parent not in self.ids else \
                ("bound_with_census_number", p.bound)
            self._error(p.key, FieldProblem(name, f"no record with the census number {num}", num))
        self.waiting = []

        # Rows without a number stay new: their call number must tell them apart at the next import,
        # and they must not duplicate another record.
        if self.unnumbered:
            rows: list[Prepared] = []
            for p in self.unnumbered:
                call = p.record[_CALL_AT]
                other = self.call_first.get(call) if call else None
                if other == p.key:
                    other = self.call_again.get(call)
                if other is not None:
                    problem = FieldProblem("call_number", msg("census.import.call_number_repeated",
                                                              call_number=call, row=other), call)
                    if not self.allow_duplicates:
                        self._error(p.key, problem)
                        continue
                    self.warnings.append((p.key, problem))
                rows.append(p)
            self.unnumbered = self._unique(rows)

        # Serials for the rows without a number: after every number the unit holds or the input gave.
        if self.unnumbered:
            report(0.92, f"numbering {len(self.unnumbered)} records")
            first = max(self.serial_floor, self.max_given) + 1
            if first + len(self.unnumbered) - 1 > 9_999_999:
                raise Conflict(f"{self.region}-{self.unit} has not enough serial numbers left for this import")
            if self.write and not self.blocked:
                self._reserve_serials(first - 1 + len(self.unnumbered))
            done = [numbered(p, format_census_number(self.region, self.unit, first + i))
                    for i, p in enumerate(self.unnumbered)]
            self.unnumbered = []
            for p in done:
                self.row_numbers[p.key] = p.number or ""
                self.assigned.add(p.key)
            self._create(done)

        if not self.write or self.blocked:
            return
        # Links (叢書/子目, 合訂): every record of the input exists now.
        if self.links:
            table = _table(CensusRecord)
            self.s.execute(update(table).where(table.c.id == bindparam("rid")).values(
                parent_id=bindparam("pid"), bound_with_id=bindparam("bid")),
                [{"rid": rid, "pid": self.ids.get(parent or ""), "bid": self.ids.get(bound or "")}
                 for rid, parent, bound in self.links])
        # Updates take the one-record path of update_record (their diff must be exact).
        for p, rid in self.updates:
            rec = self.s.get(CensusRecord, rid)
            assert rec is not None
            d = p.data()
            before = snapshot(rec, self.s)
            apply_data(self.s, rec, d)
            search_index.write(self.s, rec, d)
            self.s.flush()
            audit.record_update(self.s, self.actor, ENTITY, rec.id, before, snapshot(rec, self.s), note=self.note)
            self.updated_ids.append(rid)
        report(1.0, "written")

    def _lock_counter(self) -> SerialCounter:
        """PostgreSQL: the unit's serial counter row, locked until the transaction ends (made if missing)."""
        s = self.s
        s.execute(pg_insert(SerialCounter).values(institution_id=self.inst_id, last_serial=0)
                  .on_conflict_do_nothing(index_elements=["institution_id"]))
        counter = s.scalar(select(SerialCounter).where(SerialCounter.institution_id == self.inst_id)
                           .with_for_update())
        assert counter is not None
        return counter

    def _reserve_serials(self, last: int) -> None:
        """Move the unit's serial counter past the serials taken (the counter row is locked on
        PostgreSQL; SQLite write transactions are serialised by BEGIN IMMEDIATE)."""
        s = self.s
        if not self.sqlite:
            counter: SerialCounter | None = self._lock_counter()
        else:
            counter = s.get(SerialCounter, self.inst_id)
            if counter is None:
                counter = SerialCounter(institution_id=self.inst_id, last_serial=0)
                s.add(counter)
        assert counter is not None
        if counter.last_serial > self.serial_floor:  # another writer took serials since we looked
            raise Conflict("another user registered records of this unit at the same moment; "
                           "nothing was written, import again")
        counter.last_serial = last
        s.flush()

    def result(self, *, written: bool, dry_run: bool, elapsed: float) -> BulkResult:
        self.updated = len(self.updates)
        for p, _ in self.updates:
            self.outcome[p.key] = "updated"
        bad = {k for k, _ in self.errors}
        ids = self.created_ids + self.updated_ids
        return BulkResult(
            created=sum(1 for k, v in self.outcome.items() if v == "created" and k not in bad),
            updated=sum(1 for k, v in self.outcome.items() if v == "updated" and k not in bad),
            skipped=sum(1 for k, v in self.outcome.items() if v == "skipped" and k not in bad),
            errors=sorted(self.errors, key=lambda e: e[0]), warnings=sorted(self.warnings, key=lambda e: e[0]),
            outcome=self.outcome, numbers={k: v for k, v in self.numbers.items() if k not in bad}, written=written,
            row_numbers=dict(self.row_numbers), matched=dict(self.matched), assigned=frozenset(self.assigned),
            dry_run=dry_run, elapsed_s=elapsed,
            changes=Changes.of(ENTITY, ids if written else [], created=bool(self.created_ids)),
        )


def _stored_digests(s: Session, ids: list[int]) -> dict[int, str]:
    """:func:`digest` of stored records, read with plain queries (one per table per 900 ids)."""
    parent, bound = aliased(CensusRecord), aliased(CensusRecord)
    cols = [getattr(CensusRecord, name) for name in SCALAR_FIELDS]
    out: dict[int, str] = {}
    n = len(SCALAR_FIELDS)
    for chunk in chunks(ids):
        authors, seals, notes = load_children(s, chunk)
        rows = s.execute(
            select(CensusRecord.id, *cols, parent.census_number, bound.census_number)
            .outerjoin(parent, parent.id == CensusRecord.parent_id)
            .outerjoin(bound, bound.id == CensusRecord.bound_with_id)
            .where(CensusRecord.id.in_(chunk)))
        for row in rows:
            rid = row[0]
            d = RecordData(**dict(zip(SCALAR_FIELDS, row[1:1 + n], strict=True)), authors=authors.get(rid, []),
                           seals=seals.get(rid, []), annotations=notes.get(rid, []),
                           parent_census_number=row[1 + n], bound_with_census_number=row[2 + n])
            out[rid] = digest(d)
    return out
