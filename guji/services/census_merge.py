"""Merging a census XML document into the register: the data side of a census XML import.

The file is read and checked by :mod:`export.census_xml_import` (safe parsing, the schema,
part by part); each record it hands over is merged here inside one write transaction, with
the rules of that module's description: per census number *new*, *updated*, *unchanged*,
*kept local* or *conflict*; review is law (a locked record is never changed by a file, save
the centre's own decision on the way back); a review state beyond ``submitted`` stands only
when the package's signer may give it (:class:`Trust`). Every created or changed record gets
an audit row, and one more notes the import. Reached through the exports service
(``app.exports.import_census_xml``) and the exchange packages.
"""

from __future__ import annotations

import os
import threading
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import IO, Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from export.census_xml import content_hash
from export.census_xml_import import ImportReport, IncomingRecord, InvalidExchangeFile, read_document
from guji.census import search_index
from guji.census.models import CensusRecord, ReviewState
from guji.census.numbers import parse_census_number
from guji.census.record import RecordData, check
from guji.census.store import ENTITY, apply_data, record_data, snapshot
from guji.errors import FieldProblem, PermissionDenied, ValidationError
from guji.jobs import Progress, check_cancel
from guji.messages import Message, msg
from guji.models.institution import Institution
from guji.models.user import Role
from guji.services import audit
from guji.services.institutions import FIELDS as INSTITUTION_FIELDS

__all__ = ["CENTRE_DECISIONS", "LOCKED_STATES", "Trust", "import_census_xml", "merge_census_xml"]

MAX_PROBLEMS = 200  # problems listed in one error before "…and N more"

LOCKED_STATES = frozenset({ReviewState.UNIT_APPROVED.value, ReviewState.CENTRE_APPROVED.value})
# The review decisions the centre sends back that a locked record accepts (fields unchanged).
CENTRE_DECISIONS = frozenset({
    (ReviewState.UNIT_APPROVED.value, ReviewState.CENTRE_APPROVED.value),
    (ReviewState.UNIT_APPROVED.value, ReviewState.RETURNED.value),
    (ReviewState.CENTRE_APPROVED.value, ReviewState.RETURNED.value),
})


@dataclass(frozen=True)
class Trust:
    """Who vouches for the review states of a file: the institution whose registered key signed
    the exchange package it came in (``signer_code``), and whether that is the provincial centre."""

    signer_code: str
    centre: bool

    def grants(self, state: str, holder_code: str) -> bool:
        """Whether this signer may give ``state`` to a record held by ``holder_code``."""
        if state == ReviewState.UNIT_APPROVED.value:
            return self.centre or self.signer_code == holder_code
        if state == ReviewState.CENTRE_APPROVED.value:
            return self.centre
        return True


class _Rollback(Exception):
    """Raised inside the transaction of a dry run so that nothing is committed."""


def import_census_xml(app: Any, source: str | os.PathLike[str] | IO[bytes], *, dry_run: bool = False,
                      theirs: bool = False, progress: Progress | None = None,
                      cancel: threading.Event | None = None) -> ImportReport:
    """Validate ``source`` (a path or a binary file object) and merge its records into the register.

    A centre administrator (role admin) may import records of any institution and creates the
    holding institutions the database does not know yet; census staff only records of their own
    institution (their imported records keep, or start in, the local review state). Every
    created or changed record gets an audit row; one more row notes the import.

    Returns an :class:`ImportReport`. Raises :class:`UnsafeXml` for a DTD/DOCTYPE,
    :class:`InvalidExchangeFile` for malformed or schema-invalid XML, :class:`ValidationError`
    listing every record that fails the register's checks, :class:`PermissionDenied`,
    :class:`guji.jobs.Cancelled` — and in every such case nothing was written.
    """
    actor = app.actor
    if not actor.has(Role.ADMIN, Role.CENSUS):
        raise PermissionDenied(f"{actor.login} may not import records: needs the role 著录员 (census) or "
                               "中心管理员 (admin)")
    report = ImportReport(dry_run=dry_run)
    name = str(source) if isinstance(source, (str, os.PathLike)) else getattr(source, "name", "the file")
    # A plain file is signed by nobody: no approval in it stands by the file alone.
    fh: IO[bytes]
    with ExitStack() as opened:  # closes the file opened here, never the caller's
        if isinstance(source, (str, os.PathLike)):
            try:
                fh = opened.enter_context(open(source, "rb"))
            except OSError as exc:
                raise InvalidExchangeFile(f"cannot read {name}: {exc.strerror or exc}") from None
        else:
            fh = source
        try:
            with app.ctx.write() as s:
                merge_census_xml(app, s, fh, name, report, theirs=theirs, progress=progress, cancel=cancel)
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
    return report


def merge_census_xml(app: Any, s: Session, fh: IO[bytes], name: str, report: ImportReport, *,
                     theirs: bool = False, trust: Trust | None = None, progress: Progress | None = None,
                     cancel: threading.Event | None = None, audit_row: bool = True,
                     only_holder: str | None = None) -> list[int]:
    """Merge one census XML document into the register inside the caller's write transaction ``s``.

    The exchange package calls this with the :class:`Trust` of its verified signer and its own
    audit row (``audit_row=False``); any error propagates and the caller's transaction rolls
    back. With ``only_holder`` (an institution code), a record of any other holder refuses the
    whole document (PermissionDenied): a unit's signed package carries its own records only.
    Returns the ids of the records created or changed.
    """
    merger = _Merger(app, s, report, theirs=theirs, trust=trust, progress=progress, cancel=cancel,
                     audit_row=audit_row)
    merger.only_holder = only_holder
    merger.run(fh, name)
    merger._finish(name)
    return merger.touched


class _Merger:
    def __init__(self, app: Any, s: Session, report: ImportReport, *, theirs: bool, progress: Progress | None,
                 cancel: threading.Event | None, trust: Trust | None = None, audit_row: bool = True):
        self.app = app
        self.trust = trust
        self.audit_row = audit_row
        self.only_holder: str | None = None
        self.touched: list[int] = []
        self.actor = app.actor
        self.admin = app.actor.has(Role.ADMIN)
        self.s = s
        self.report = report
        self.theirs = theirs
        self.progress = progress
        self.cancel = cancel
        self.problems: list[FieldProblem] = []
        self.extra_problems = 0
        self.insts: dict[str, Institution] = {}  # code → row (known or created)
        self.unknown: set[str] = set()  # codes in the file this user may not create
        self.codes_by_id: dict[int, str] = {}
        self.seen: set[str] = set()
        self.links: list[tuple[int, str, str | None, str | None]] = []  # id, number, parent, bound-with
        self.total = 0

    def problem(self, where: str, message: str, value: object = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(FieldProblem(where, message, value))
        else:
            self.extra_problems += 1

    # --- reading ------------------------------------------------------------------

    def run(self, fh: IO[bytes], name: str) -> None:
        read_document(fh, name, header=self._header, institutions=self._institutions, record=self._record)

    def _header(self, total: int, chain_head: str | None) -> None:
        self.total = total
        self.report.audit_chain_head = chain_head

    def _finish(self, name: str) -> None:
        self._links()
        if self.problems:
            if self.extra_problems:
                self.problems.append(FieldProblem("", f"…and {self.extra_problems} more problems"))
            raise ValidationError(self.problems)
        if self.progress is not None:
            self.progress(1.0, f"{self.report.records} records read")
        if self.audit_row:
            audit.record(self.s, self.actor, "import", "census_xml", "-", self.report.summary(),
                         note=f"census XML import of {os.path.basename(name)}" + (" (theirs)" if self.theirs else ""))

    # --- institutions ---------------------------------------------------------------

    def _institutions(self, items: list[tuple[Any, ...]]) -> None:
        from guji.services.institutions import _validated

        known = {i.code: i for i in self.s.scalars(select(Institution))}
        self.codes_by_id = {i.id: c for c, i in known.items()}
        names = {i.name: i for i in known.values()}
        for code, region, unit, is_centre, iname, line in items:
            if code != f"{region}-{unit}":
                self.problem("institution", f"line {line}: code {code} does not match regionCode {region} "
                                            f"and unitCode {unit}", code)
                continue
            if code in self.insts or code in self.unknown:
                self.problem("institution", f"line {line}: institution {code} is listed twice", code)
                continue
            inst = known.get(code)
            if inst is not None:
                if inst.name != iname:
                    self.report.warnings.append(f"institution {code} is {inst.name!r} here and {iname!r} in the "
                                                "file; the name here is kept")
                self.insts[code] = inst
                continue
            if not self.admin:
                self.unknown.add(code)
                continue
            try:
                iname, region, unit = _validated(iname or "", region, unit)
            except ValidationError as exc:
                self.problem("institution", f"line {line}: {exc}", code)
                continue
            if iname in names:
                self.problem("institution", f"line {line}: {iname!r} is already the name of "
                                            f"{names[iname].code}, not of {code}", code)
                continue
            inst = Institution(name=iname, region_code=region, unit_code=unit, is_centre=is_centre)
            self.s.add(inst)
            self.s.flush()
            audit.record(self.s, self.actor, "create", "institution", inst.id,
                         {k: [None, v] for k, v in audit.snapshot(inst, INSTITUTION_FIELDS).items()},
                         note="census XML import")
            self.insts[code] = names[iname] = inst
            self.codes_by_id[inst.id] = code
            self.report.institutions_created.append(code)

    # --- records ----------------------------------------------------------------------

    def _record(self, inc: IncomingRecord) -> None:
        check_cancel(self.cancel)
        self.report.records += 1
        number = inc.data.census_number or ""
        if self.progress is not None and self.report.records % 500 == 0:
            frac = self.report.records / self.total if self.total else 0.0
            self.progress(min(frac, 1.0), f"{self.report.records} / {self.total or '?'}")
        if number in self.seen:
            self.problem(number, f"line {inc.line}: the census number is given twice in the file")
            return
        self.seen.add(number)
        if self.only_holder is not None and inc.institution_code != self.only_holder:
            raise PermissionDenied(msg("exchange.package.foreign_record", number=number, holder=inc.institution_code,
                                       signer=self.trust.signer_code if self.trust else self.only_holder))
        inst = self.insts.get(inc.institution_code)
        if inst is None:
            if inc.institution_code in self.unknown:
                raise PermissionDenied(
                    f"{self.actor.login} may not import {number}: its institution {inc.institution_code} is not "
                    "known here and only a centre administrator may create institutions; nothing was written")
            self.problem(number, f"line {inc.line}: holding institution {inc.institution_code} is not listed "
                                 "in <institutions>")
            return
        if not self.admin and (inst.id != self.actor.institution_id or not self.actor.has(Role.CENSUS)):
            raise PermissionDenied(f"{self.actor.login} may not import {number}: it belongs to {inst.name} "
                                   f"({inst.code}), not to your institution; nothing was written")

        checked = check(inc.data, region_code=inst.region_code, unit_code=inst.unit_code)
        if checked.errors:
            for p in checked.errors:
                self.problem(f"{number} {p.field}", p.message, p.value)
            return
        d = checked.data
        existing = self.s.scalar(select(CensusRecord).where(CensusRecord.census_number == d.census_number))
        state, held = self._state(inc.state, inst.code, existing)
        incoming = content_hash(d, inst.code, state)
        if existing is None:
            self._create(d, inst, state, incoming)
            self.report.new.append(d.census_number or "")
            if held:
                self.report.held.append((number, inc.state, state))
            return
        local_code = self.codes_by_id.get(existing.institution_id) or self._code_of(existing.institution_id)
        local = content_hash(record_data(existing, self.s), local_code, existing.state)
        base = existing.exchange_hash
        if incoming == local:
            if base != local:
                self._set_hash(existing.id, local)
            self.report.unchanged.append(number)
            return
        if base is not None and incoming == base:
            self.report.kept_local.append(number)  # changed only here since the last exchange
            return
        differences = self._differences(existing, d, state)
        why: Message | None
        if existing.state in LOCKED_STATES:
            if not self._centre_decision(existing.state, state, differences):
                # Review is law: nothing in a file changes an approved record, --theirs or not.
                self._conflict(number, msg("exchange.conflict.locked", number=number,
                                           state=ReviewState(existing.state).label_zh), differences)
                return
            why = None
        elif base is not None and local == base:
            why = None
        elif base is None:
            why = msg("exchange.conflict.never_exchanged", number=number)
        else:
            why = msg("exchange.conflict.both_sides", number=number)
        if why is None and not self.admin and not ReviewState(existing.state).editable:
            why = msg("exchange.conflict.under_review", number=number,
                      state=ReviewState(existing.state).label_zh)
        if why is not None:
            if not self.theirs or (not self.admin and not ReviewState(existing.state).editable):
                self._conflict(number, why, differences)
                return
            self.report.taken_theirs.append(number)
        else:
            self.report.updated.append(number)
        if held:
            self.report.held.append((number, inc.state, state))
        self._update(existing, d, state, incoming, theirs=why is not None)

    def _state(self, claimed: str, holder_code: str, existing: CensusRecord | None) -> tuple[str, bool]:
        """The review state the record takes here, and whether the file's claim was held back.

        Census staff cannot move a record through review by importing it: their records keep
        the state here (new ones start as drafts). For an administrator's import, draft,
        returned and submitted stand as the file says; an approval stands only if the signer of
        the package may give it (:class:`Trust`), or if the record here already has it (the file
        repeats, it does not promote); otherwise the record arrives as submitted.
        """
        if not self.admin:
            return (existing.state if existing is not None else ReviewState.DRAFT.value), False
        if claimed not in LOCKED_STATES:
            return claimed, False
        if self.trust is not None and self.trust.grants(claimed, holder_code):
            return claimed, False
        if existing is not None and existing.state == claimed:
            return claimed, False
        return ReviewState.SUBMITTED.value, True

    def _centre_decision(self, here: str, there: str, differences: dict[str, list[Any]]) -> bool:
        """Whether the change to a locked record is the centre's review decision sent back to the unit:
        signed by the centre, only the state differs, and it is a step the centre may take."""
        return (self.trust is not None and self.trust.centre and set(differences) == {"state"}
                and (here, there) in CENTRE_DECISIONS)

    def _differences(self, rec: CensusRecord, d: RecordData, state: str) -> dict[str, list[Any]]:
        """``{field: [here, there]}`` for every field (and the review state) the file would change."""
        before = snapshot(rec, self.s)
        before["state"] = rec.state
        after = _snap(d)
        after["state"] = state
        return audit.diff(before, after)

    def _conflict(self, number: str, why: str, differences: dict[str, list[Any]]) -> None:
        self.report.conflicts.append((number, why))
        self.report.differences[number] = differences

    def _code_of(self, institution_id: int) -> str:
        inst = self.s.get(Institution, institution_id)
        assert inst is not None
        self.codes_by_id[institution_id] = inst.code
        return inst.code

    def _set_hash(self, record_id: int, h: str) -> None:
        t = CensusRecord.__table__
        assert isinstance(t, Table)  # a mapped class's table (typed as any FromClause)
        self.s.execute(update(t).where(t.c.id == record_id).values(exchange_hash=h, updated_at=t.c.updated_at))

    def _create(self, d: RecordData, inst: Institution, state: str, h: str) -> None:
        number = d.census_number or ""
        rec = CensusRecord(census_number=number, serial=int(parse_census_number(number).serial),
                           institution_id=inst.id, state=state, review_round=0, created_by=self.actor.user_id,
                           exchange_hash=h)
        apply_data(self.s, rec, replace(d, parent_census_number=None, bound_with_census_number=None))
        self.s.add(rec)
        self.s.flush()
        search_index.write(self.s, rec, d)
        after = _snap(d)
        after["state"] = state
        audit.record(self.s, self.actor, "create", ENTITY, rec.id, {k: [None, v] for k, v in after.items()
                                                                    if v is not None},
                     note="census XML import")
        self.touched.append(rec.id)
        self._queue_links(rec.id, d)

    def _update(self, rec: CensusRecord, d: RecordData, state: str, h: str, *, theirs: bool) -> None:
        before = snapshot(rec, self.s)
        before["state"] = rec.state
        apply_data(self.s, rec, replace(d, parent_census_number=None, bound_with_census_number=None))
        rec.state = state
        rec.exchange_hash = h
        search_index.write(self.s, rec, d)
        after = _snap(d)
        after["state"] = state
        audit.record_update(self.s, self.actor, ENTITY, rec.id, before, after,
                            note="census XML import" + (" (conflict: theirs taken)" if theirs else ""))
        self.touched.append(rec.id)
        self._queue_links(rec.id, d)

    def _queue_links(self, rid: int, d: RecordData) -> None:
        if d.parent_census_number or d.bound_with_census_number:
            self.links.append((rid, d.census_number or "", d.parent_census_number, d.bound_with_census_number))

    def _links(self) -> None:
        """Set 叢書/合訂 links once every record of the file exists (a 子目 may come before its 叢書)."""
        self.s.flush()
        for rid, number, parent, bound in self.links:
            ids: list[int | None] = []
            for target, what in ((parent, "parent"), (bound, "boundWith")):
                if target is None:
                    ids.append(None)
                    continue
                tid = self.s.scalar(select(CensusRecord.id).where(CensusRecord.census_number == target))
                if tid is None:
                    self.problem(f"{number} {what}", f"no record with the census number {target}", target)
                elif tid == rid:
                    self.problem(f"{number} {what}", "a record cannot be linked to itself", target)
                ids.append(tid)
            t = CensusRecord.__table__
            assert isinstance(t, Table)
            self.s.execute(update(t).where(t.c.id == rid).values(parent_id=ids[0], bound_with_id=ids[1],
                                                                 updated_at=t.c.updated_at))


def _snap(d: RecordData) -> dict[str, Any]:
    out = d.to_dict()
    out.pop("free_text", None)
    return {k: audit.jsonable(v) for k, v in out.items()}
