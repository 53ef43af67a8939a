"""Registering and editing census records (普查登記): the user actions of census staff.

Every write is one transaction that also appends the audit rows and keeps the
search index in step. Census numbers: a unit's next serial is taken from
``census_serial`` (never lower than the highest serial the unit already holds,
so numbers issued elsewhere and imported are never re-minted, and a number is
never reused after a deletion); the UNIQUE constraint on ``census_number`` is
the last guard, and a clash with a concurrent writer is retried.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guji.census import search_index, vocab
from guji.census.bulk import BulkResult, BulkWriter, paused_gc, prepare
from guji.census.grading import suggest_grade
from guji.census.models import CensusRecord, ReviewState, SerialCounter
from guji.census.numbers import format_census_number, parse_census_number
from guji.census.record import Checked, RecordData, RecordView, check
from guji.census.store import (
    ENTITY,
    apply_data,
    record_data,
    snapshot,
)
from guji.db.base import utcnow
from guji.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from guji.jobs import Cancelled, check_cancel
from guji.messages import msg
from guji.models.institution import Institution
from guji.models.user import Role
from guji.services import audit, versions, visibility
from guji.services.context import Actor, Changes, ServiceContext
from guji.services.institutions import parse_institution_code
from guji.services.permissions import can_edit_records_of
from guji.text.fold import fold

SERIAL_RETRIES = 8


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the record's id and number, the warnings shown to staff, the change."""

    id: int
    census_number: str
    version: int
    warnings: list[FieldProblem] = field(default_factory=list)
    changes: Changes = field(default_factory=lambda: Changes(ENTITY))


# ------------------------------------------------------------------ reading a record

def view_of(rec: CensusRecord, session: Session) -> RecordView:
    inst = session.get(Institution, rec.institution_id)
    assert inst is not None
    children = tuple(
        (cid, num, title)
        for cid, num, title in session.execute(
            select(CensusRecord.id, CensusRecord.census_number, CensusRecord.title)
            .where(CensusRecord.parent_id == rec.id).order_by(CensusRecord.census_number)
        )
    )
    return RecordView(
        id=rec.id, data=record_data(rec, session), institution_id=rec.institution_id,
        institution_code=inst.code, institution_name=inst.name, state=rec.state, review_round=rec.review_round,
        version=rec.version, created_at=rec.created_at, updated_at=rec.updated_at, parent_id=rec.parent_id,
        bound_with_id=rec.bound_with_id, children=children,
    )


# ---------------------------------------------------------------------- the service

class CensusService:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    # --- institutions -------------------------------------------------------------

    def _holding_institution(self, session: Session, code: str | None) -> Institution:
        if code is None:
            if self.actor.institution_id is None:
                raise ValidationError("say which institution holds the book", "institution")
            inst = session.get(Institution, self.actor.institution_id)
        else:
            region, unit = parse_institution_code(code)
            inst = session.scalar(
                select(Institution).where(Institution.region_code == region, Institution.unit_code == unit))
        if inst is None:
            raise NotFound(f"no institution with the code {code}")
        return inst

    def _require_visible(self, institution_id: int) -> None:
        if not visibility.may_see(self.actor, institution_id):
            raise PermissionDenied(msg("perm.other_institution", login=self.actor.login))

    def _require_edit(self, institution_id: int, action: str) -> None:
        if not can_edit_records_of(self.actor, institution_id):
            if not self.actor.has(Role.CENSUS, Role.ADMIN):
                raise PermissionDenied(f"{self.actor.login} may not {action}: needs the role 著录员 (census)")
            raise PermissionDenied(f"{self.actor.login} may not {action}: the record belongs to another institution")

    # --- checking -------------------------------------------------------------------

    def check_record(self, data: RecordData, *, institution: str | None = None,
                     record_id: int | None = None) -> Checked:
        """Validate without saving (the editor calls this as staff type): errors, warnings, derived items.

        Also warns about likely duplicates (same folded title and edition in the same institution)
        and refuses a census number another record has. Only for an institution the actor may see
        (the warnings name its records).
        """
        with self.ctx.read() as s:
            inst = self._holding_institution(s, institution)
            self._require_visible(inst.id)
            checked = check(data, region_code=inst.region_code, unit_code=inst.unit_code)
            self._check_against_database(s, checked, inst, record_id)
            return checked

    def _check_against_database(self, s: Session, checked: Checked, inst: Institution, record_id: int | None) -> None:
        d = checked.data
        if d.census_number:
            other = s.scalar(select(CensusRecord.id).where(CensusRecord.census_number == d.census_number))
            if other is not None and other != record_id:
                checked.errors.append(FieldProblem("census_number", f"{d.census_number} is already registered",
                                                   d.census_number))
        if d.title and d.edition_statement:
            tk, ek = fold(d.title)[:400], fold(d.edition_statement)[:400]
            dups = s.execute(
                select(CensusRecord.census_number).where(
                    CensusRecord.institution_id == inst.id, CensusRecord.title_key == tk,
                    CensusRecord.edition_key == ek, CensusRecord.id != (record_id or -1),
                ).limit(3)
            ).scalars().all()
            if dups:
                checked.warnings.append(FieldProblem(
                    "title", "likely duplicate of " + ", ".join(dups) + " (same title and edition)"))

    # --- serials --------------------------------------------------------------------

    def _next_serial(self, s: Session, inst: Institution) -> int:
        """Reserve the unit's next serial inside the caller's transaction.

        SQLite write transactions are serialised by BEGIN IMMEDIATE; on PostgreSQL
        the counter row is locked FOR UPDATE, so two desktops never take the same
        serial. The counter never goes below the highest serial the unit holds.
        """
        dialect = s.get_bind().dialect.name
        if dialect == "postgresql":
            s.execute(pg_insert(SerialCounter).values(institution_id=inst.id, last_serial=0)
                      .on_conflict_do_nothing(index_elements=["institution_id"]))
            counter = s.scalar(select(SerialCounter).where(SerialCounter.institution_id == inst.id).with_for_update())
        else:
            counter = s.get(SerialCounter, inst.id)
            if counter is None:
                counter = SerialCounter(institution_id=inst.id, last_serial=0)
                s.add(counter)
        assert counter is not None
        held = s.scalar(select(func.max(CensusRecord.serial)).where(CensusRecord.institution_id == inst.id)) or 0
        counter.last_serial = max(counter.last_serial, held) + 1
        if counter.last_serial > 9_999_999:
            raise Conflict(f"{inst.code} has used every serial number")
        s.flush()
        return counter.last_serial

    def next_census_number(self, institution: str | None = None) -> str:
        """The number the next registration would get (a preview: it is only taken on save), for an
        institution the actor may see."""
        with self.ctx.read() as s:
            inst = self._holding_institution(s, institution)
            self._require_visible(inst.id)
            counter = s.get(SerialCounter, inst.id)
            held = s.scalar(select(func.max(CensusRecord.serial)).where(CensusRecord.institution_id == inst.id)) or 0
            return format_census_number(inst.region_code, inst.unit_code, max(counter.last_serial if counter else 0,
                                                                              held) + 1)

    # --- user actions ---------------------------------------------------------------------

    def register_book(self, data: RecordData, *, institution: str | None = None) -> SaveResult:
        """Register a new record as a draft. Errors raise :class:`ValidationError` and nothing is written.

        Without a census number the unit's next serial is assigned; a number issued
        elsewhere is kept as given (it must carry the holding institution's codes).
        """
        for attempt in range(SERIAL_RETRIES):
            try:
                return self._register(data, institution)
            except IntegrityError as exc:
                if data.census_number is not None or "census_number" not in str(exc.orig):
                    if data.census_number is not None:
                        raise ValidationError(FieldProblem(
                            "census_number", f"{data.census_number} is already registered", data.census_number)
                        ) from None
                    raise
                time.sleep(0.01 * (attempt + 1))  # another desktop took the serial: take the next
        raise Conflict("could not assign a census number: too many concurrent registrations, try again")

    def _register(self, data: RecordData, institution: str | None) -> SaveResult:
        with self.ctx.write() as s:
            inst = self._holding_institution(s, institution)
            self._require_edit(inst.id, "register records")
            checked = check(data, region_code=inst.region_code, unit_code=inst.unit_code)
            self._check_against_database(s, checked, inst, None)
            if checked.errors:
                raise ValidationError(checked.errors)
            d = checked.data
            if d.census_number:
                serial = int(parse_census_number(d.census_number).serial)
            else:
                serial = self._next_serial(s, inst)
                d.census_number = format_census_number(inst.region_code, inst.unit_code, serial)
            rec = CensusRecord(census_number=d.census_number, serial=serial, institution_id=inst.id,
                               state=ReviewState.DRAFT.value, review_round=0, created_by=self.actor.user_id)
            apply_data(s, rec, d)
            s.add(rec)
            s.flush()
            search_index.write(s, rec, d)
            s.flush()
            audit.record_create(s, self.actor, ENTITY, rec.id, snapshot(rec, s))
            return SaveResult(rec.id, rec.census_number, rec.version, checked.warnings,
                              Changes.of(ENTITY, [rec.id], created=True))

    def update_record(self, record_id: int, data: RecordData, *, expected_version: int | None = None) -> SaveResult:
        """Save edits to a draft or returned record of the user's institution.

        ``expected_version`` is the version the editor loaded: if someone saved in the
        meantime the save is refused (:class:`Conflict`) instead of overwriting their work.
        """
        with self.ctx.write() as s:
            rec = self._get(s, record_id, for_update=True)
            self._require_edit(rec.institution_id, "edit this record")
            versions.check(s, rec, expected_version, entity=ENTITY, what=rec.census_number)
            if not ReviewState(rec.state).editable:
                raise Conflict(f"{rec.census_number} is {ReviewState(rec.state).label_zh} and locked; "
                               "a reviewer must return or reopen it first")
            inst = s.get(Institution, rec.institution_id)
            assert inst is not None
            if data.census_number is None:
                data.census_number = rec.census_number
            checked = check(data, region_code=inst.region_code, unit_code=inst.unit_code)
            self._check_against_database(s, checked, inst, rec.id)
            if checked.errors:
                raise ValidationError(checked.errors)
            d = checked.data
            assert d.census_number is not None  # filled in from the record above when not given
            before = snapshot(rec, s)
            if d.census_number != rec.census_number:
                rec.census_number = d.census_number  # correcting a mistyped imported number
                rec.serial = int(parse_census_number(d.census_number).serial)
            apply_data(s, rec, d)
            search_index.write(s, rec, d)
            # The record row is written on every save, so that its version moves even when only
            # its children (authors, seals, annotations) changed.
            rec.updated_at = utcnow()
            s.flush()
            after = snapshot(rec, s)
            audit.record_update(s, self.actor, ENTITY, rec.id, before, after)
            return SaveResult(rec.id, rec.census_number, rec.version, checked.warnings,
                              Changes.of(ENTITY, [rec.id]))

    def delete_record(self, record_id: int, *, expected_version: int | None = None) -> Changes:
        """Delete a draft that was never submitted. Its number is not reused."""
        with self.ctx.write() as s:
            rec = self._get(s, record_id, for_update=True)
            versions.check(s, rec, expected_version, entity=ENTITY, what=rec.census_number, merge=False)
            self._require_edit(rec.institution_id, "delete this record")
            if rec.state != ReviewState.DRAFT.value or rec.review_round > 0:
                raise Conflict(f"{rec.census_number} has been through review and cannot be deleted")
            if s.scalar(select(func.count()).where(CensusRecord.parent_id == rec.id)):
                raise Conflict(f"{rec.census_number} has 子目 records; unlink them first")
            before = snapshot(rec, s)
            search_index.remove(s, rec.id)
            s.delete(rec)
            audit.record(s, self.actor, "delete", ENTITY, record_id, {k: [v, None] for k, v in before.items()
                                                                      if v not in (None, [], "")})
            return Changes.of(ENTITY, [record_id], deleted=True)

    def confirm_grade(self, record_id: int, grade: str | None, *, note: str | None = None,
                      expected_version: int | None = None) -> Changes:
        """Staff confirm (or clear) the 定級 grade; a suggestion is never stored as confirmed by itself."""
        entry = vocab.entry("grade", grade) if grade is not None else None
        if grade is not None and entry is None:
            raise ValidationError(FieldProblem("grade", f"{grade!r} is not a grade", grade))
        code = entry.code if entry is not None else None
        with self.ctx.write() as s:
            rec = self._get(s, record_id, for_update=True)
            self._require_edit(rec.institution_id, "confirm the grade")
            versions.check(s, rec, expected_version, entity=ENTITY, what=rec.census_number, merge=False)
            if not ReviewState(rec.state).editable:
                raise Conflict(f"{rec.census_number} is locked")
            before = {"grade": rec.grade}
            rec.grade = code
            search_index.refresh_facets(s, rec)
            audit.record_update(s, self.actor, ENTITY, rec.id, before, {"grade": code}, action="confirm_grade",
                                note=note)
            return Changes.of(ENTITY, [rec.id])

    def suggest_grade(self, record_id: int) -> Any:
        """The grading standard's suggestion for a record (shown to staff, who confirm)."""
        view = self.get_record(record_id)
        d = view.data
        rng = None
        if d.year_start is not None:
            rng = (d.year_start, d.year_end if d.year_end is not None else d.year_start)
        return suggest_grade(gregorian=rng, edition_type=d.edition_type)

    def set_damage_grade(self, session: Session, record_id: int, grade: str | None, *, note: str) -> None:
        """Record a damage grade confirmed by a restorer (called by the restoration service in its transaction).

        The damage grade is a conservation fact, not a cataloguing one, so it may change on a
        locked (approved) record; the change is audited with the restoration job as its note.
        """
        entry = vocab.entry("damage_grade", grade) if grade is not None else None
        if grade is not None and entry is None:
            raise ValidationError(FieldProblem("damage_grade", f"{grade!r} is not a damage grade", grade))
        code = entry.code if entry is not None else None
        # The restoration service has checked who may do this; the restorer may work in another
        # institution's workshop and not see the record's other data.
        rec = session.get(CensusRecord, record_id, with_for_update=True, populate_existing=True)
        if rec is None:
            raise NotFound(f"no census record with id {record_id}")
        before = {"damage_grade": rec.damage_grade}
        rec.damage_grade = code
        search_index.refresh_facets(session, rec)
        audit.record_update(session, self.actor, ENTITY, rec.id, before, {"damage_grade": code},
                            action="damage_grade", note=note)

    # --- reading --------------------------------------------------------------------------

    def _get(self, s: Session, record_id: int, *, for_update: bool = False) -> CensusRecord:
        rec = s.get(CensusRecord, record_id, with_for_update=for_update or None, populate_existing=for_update)
        if rec is None:
            raise NotFound(f"no census record with id {record_id}")
        if not visibility.may_see(self.actor, rec.institution_id):
            raise PermissionDenied(f"{self.actor.login} may not see records of another institution")
        return rec

    def get_record(self, record_id: int) -> RecordView:
        with self.ctx.read() as s:
            return view_of(self._get(s, record_id), s)

    def find_by_number(self, census_number: str) -> RecordView:
        number = str(parse_census_number(census_number))
        with self.ctx.read() as s:
            rid = s.scalar(select(CensusRecord.id).where(CensusRecord.census_number == number))
            if rid is None:
                raise NotFound(f"no record with the census number {number}")
            return view_of(self._get(s, rid), s)

    def history(self, record_id: int) -> list[audit.AuditRow]:
        self.get_record(record_id)  # visibility check
        return audit.AuditService(self.ctx).history(ENTITY, record_id)

    def rebuild_search_index(self) -> int:
        """Recompute every record's search key (after an upgrade of the folding rules)."""
        if not self.actor.has(Role.ADMIN):
            raise PermissionDenied("only administrators rebuild the search index")
        with self.ctx.write() as s:
            return reindex_all(s)

    # --- bulk registration (Excel and other imports) ---------------------------------------

    def import_target(self, institution: str | None) -> tuple[int, str, str]:
        """(id, region code, unit code) of the institution a bulk registration would write into;
        raises :class:`PermissionDenied`/:class:`NotFound` when the actor may not import there."""
        with self.ctx.read() as s:
            inst = self._holding_institution(s, institution)
            self._require_edit(inst.id, "import records")
            return inst.id, inst.region_code, inst.unit_code

    def register_many(self, rows: list[tuple[int, RecordData]], *, institution: str | None,
                      update_existing: bool = True, progress: Any = None, cancel: Any = None,
                      dry_run: bool = False, all_or_nothing: bool = True, note: str | None = None) -> Any:
        """Register (or update) many records of one institution in ONE transaction.

        ``rows`` pairs a caller's key (the spreadsheet row number) with the data; problems
        come back under that key. Every row is validated with the same :func:`check` as
        :meth:`register_book`, then matched by census number: a new number is created, a
        stored record with equal data is skipped, a changed one is updated when
        ``update_existing`` and it is a draft or returned record (a locked one is an error).
        Rows without a number get the unit's next serials (after the highest number the unit
        holds or the rows give). One audit row per created/updated record is written in the
        same transaction, and the search index is kept in step.

        ``all_or_nothing`` (default): any error means nothing is written. Otherwise the
        rows with errors are left out and the rest written. ``dry_run`` does everything
        but write. ``progress(fraction, message)`` is called now and then; when ``cancel``
        (a ``threading.Event``) is set the call returns with ``cancelled`` and nothing
        written. With an empty ``rows`` this only checks that the actor may import into
        ``institution`` (raises :class:`PermissionDenied`/:class:`NotFound` otherwise).
        Returns a :class:`guji.census.bulk.BulkResult`.
        """
        if not rows:
            self.import_target(institution)
            return BulkResult(dry_run=dry_run)
        sqlite = self.ctx.db.is_sqlite
        total = len(rows)

        def batches() -> Any:
            for start in range(0, total, 2000):
                if progress is not None:
                    progress(0.9 * start / total, f"checking {start}/{total}")
                yield [prepare(key, d, sqlite=sqlite) for key, d in rows[start:start + 2000]]

        with paused_gc():
            return self.register_stream(batches(), institution=institution, update_existing=update_existing,
                                        progress=progress, cancel=cancel, dry_run=dry_run,
                                        all_or_nothing=all_or_nothing, note=note)

    def register_stream(self, batches: Any, *, institution: str | None, update_existing: bool = True,
                        progress: Any = None, cancel: Any = None, dry_run: bool = False,
                        all_or_nothing: bool = True, note: str | None = None) -> Any:
        """:meth:`register_many` over batches of rows already validated by
        :func:`guji.census.bulk.prepare` (an iterable of lists, consumed inside the transaction,
        so that reading and validating — on worker processes, for the Excel import — overlap
        with writing). Same rules, result and errors as :meth:`register_many`; a batch may
        hold rows the caller could not read (:func:`guji.census.bulk.failed`), which count as
        errors. ``progress`` is called for the end of the work (0.9–1.0); the caller reports
        the reading.
        """
        started = time.perf_counter()
        inst_id, region, unit = self.import_target(institution)

        def report(fraction: float, message: str) -> None:
            if progress is not None:
                progress(min(1.0, max(0.0, fraction)), message)

        class _Rollback(Exception):
            pass

        outcome: list[Any] = []
        try:
            with (self.ctx.read() if dry_run else self.ctx.write()) as s:
                w = BulkWriter(s, self.actor, inst_id, region, unit, write=not dry_run,
                               update_existing=update_existing, all_or_nothing=all_or_nothing, note=note)
                for batch in batches:
                    check_cancel(cancel)  # raising inside the transaction rolls it back
                    w.add(batch)
                check_cancel(cancel)
                w.finish(report)
                written = not dry_run and not w.blocked
                outcome.append(w.result(written=written, dry_run=dry_run, elapsed=time.perf_counter() - started))
                if not written and not dry_run:
                    raise _Rollback  # errors in an all-or-nothing registration: undo what went in
            return outcome[0]
        except _Rollback:
            return outcome[0]
        except Cancelled:
            return BulkResult(dry_run=dry_run, cancelled=True)
        except IntegrityError as exc:
            if "census_number" in str(exc.orig):
                raise Conflict("another user registered one of these census numbers at the same moment; "
                               "nothing was written, import again") from None
            raise


def reindex_all(session: Session) -> int:
    """Rebuild the search index of every record in the caller's transaction; return the count.

    Used after a restore: the index (SQLite's FTS5 table, PostgreSQL's search grams) is
    derived data and not part of a backup (see :func:`guji.census.search_index.rebuild`).
    """
    return search_index.rebuild(session.connection())
