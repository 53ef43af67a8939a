"""The one door through which records leave the database as files, and come back as census XML.

Every export format (:data:`export.registry.EXPORTERS`) goes through :meth:`ExportService.export`:

1. the selection is checked (a known review state, a well-formed institution code) and the
   records are read through the visibility rule (:mod:`guji.services.visibility`): unit staff
   get their unit's records, the centre and the administrators every institution's;
2. the rows become plain data (:class:`export.registry.ExportRecord`), with the records' image
   files for the formats that print them, and the renderer writes its format from that alone;
3. the file is written whole or not at all (:func:`guji.jobs.atomic_write`): a cancelled or
   failed export leaves nothing under the final name;
4. the state the export changes — census XML's "sent" marks, each record's ``exchange_hash`` —
   is written with its audit entry in one transaction, only once the file is in place.

Census XML imports (:meth:`ExportService.import_census_xml`) and backups
(:meth:`ExportService.backup`, administrators only, audited) come through here as well.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Table, and_, bindparam, exists, func, or_, select, text, true, update
from sqlalchemy.orm import Session, aliased

from export.registry import EXPORTERS, STATES, ExportData, Exporter, ExportFilters, ExportRecord, ExportResult, by_key
from guji.census.models import CensusRecord, ReviewRound
from guji.census.record import SCALAR_FIELDS, RecordData
from guji.census.store import load_children, record_data, visible_filter
from guji.errors import FieldProblem, NotFound, ValidationError
from guji.jobs import Progress, atomic_write, check_cancel
from guji.messages import msg
from guji.models.institution import Institution
from guji.services import audit
from guji.services.context import ServiceContext

if TYPE_CHECKING:
    from export.census_xml_import import ImportReport
    from guji.app import Guji
    from guji.backup import BackupReport

__all__ = ["ExportService", "apply_marks", "changed_since", "marked_ids", "write_stream"]

BATCH = 2000  # rows per read of the streaming formats
LOAD_BATCH = 250  # records per read of the others (each with its 子目)


class ExportService:
    """Exports, census XML imports and backups of the signed-in person (``app.exports``)."""

    def __init__(self, app: Guji):
        self.app = app
        self.ctx: ServiceContext = app.ctx

    @property
    def actor(self) -> Any:
        return self.ctx.actor

    # ------------------------------------------------------------------ formats

    def formats(self) -> tuple[Exporter, ...]:
        """Every export format, in the order the command line and the desktop list them."""
        return EXPORTERS

    # ------------------------------------------------------------------ exporting

    def export(self, key: str, out: str | os.PathLike[str] | IO[bytes], *, filters: ExportFilters | None = None,
               record: int | str | None = None, options: Mapping[str, Any] | None = None,
               progress: Progress | None = None, cancel: threading.Event | None = None) -> ExportResult:
        """Export in the format ``key`` to ``out`` (a path, or an open binary file).

        ``filters`` select the records (default: every record the person may see); a format
        about one record (``iiif``) takes ``record`` (id or census number) instead. ``options``
        are the format's (:attr:`Exporter.options`; defaults filled in; ``images`` may map
        census numbers to image files). Raises :class:`ValidationError` for an unknown state,
        a malformed institution code, a bad option or an output folder that does not exist,
        :class:`NotFound` for an unknown institution or record, :class:`guji.jobs.Cancelled`
        when ``cancel`` is set; nothing is written (nor marked) in any of these cases.
        """
        try:
            exporter = by_key(key)
        except KeyError as exc:
            raise ValidationError(FieldProblem("format", str(exc.args[0]), key)) from None
        opts = self._options(exporter, options)
        filters = filters or ExportFilters()
        _check_filters(filters)
        target = self._target(out)
        if exporter.key == "census_xml":
            return self._census_xml(out, filters, opts, progress, cancel)
        if exporter.stream:
            with self.ctx.read() as s:
                where, total = self._where(s, filters)
                codes, names = _institutions(s)
                data = ExportData(_stream(s, where, codes, names, cancel), total, opts)
                return self._write(exporter, data, out, target, progress, cancel)
        share = exporter.read_share
        if exporter.selection == "record":
            if record is None:
                raise ValidationError(FieldProblem("record", "name the record (census number or id)"))
            ids = [self._resolve(record)]
        else:
            ids = self._ids(filters)
        if progress:
            progress(0.0, f"reading {len(ids)} records")
        records = list(self._load(ids, children=exporter.children, progress=_scaled(progress, 0.0, share),
                                  cancel=cancel))
        if exporter.selection == "record" and not records:
            raise NotFound(f"no record {record}")
        images = self._images(records, opts) if exporter.images else {}
        data = ExportData(records, len(records), opts, images)
        return self._write(exporter, data, out, target, _scaled(progress, share, 1.0), cancel)

    def _write(self, exporter: Exporter, data: ExportData, out: str | os.PathLike[str] | IO[bytes],
               target: Path | None, progress: Progress | None, cancel: threading.Event | None) -> ExportResult:
        if target is None:
            assert not isinstance(out, (str, os.PathLike))  # _target gives None for an open file only
            result = exporter.render(data, out, progress, cancel)
            result = replace(result, path=getattr(out, "name", "") or "")
        else:
            with atomic_write(target) as fh:
                result = exporter.render(data, fh, progress, cancel)
                check_cancel(cancel)
            result = replace(result, path=str(out))
        # Who took which records out of the database, and where to: every file export is in the log.
        with self.ctx.write() as s:
            audit.record(s, self.actor, "export", exporter.key, result.subject or "-",
                         {"records": result.count}, note=f"{exporter.key} → {Path(result.path).name or '-'}"[:200])
        return result

    @staticmethod
    def _options(exporter: Exporter, given: Mapping[str, Any] | None) -> dict[str, Any]:
        opts = dict(given or {})
        for o in exporter.options:
            value = opts.get(o.name)
            if value is None:
                if o.required:
                    raise ValidationError(FieldProblem(o.name, f"{o.name} is required for {exporter.key}"))
                opts[o.name] = o.default
                continue
            if o.kind == "int":
                value = int(value)
                if (o.minimum is not None and value < o.minimum) or (o.maximum is not None and value > o.maximum):
                    lo = "" if o.minimum is None else o.minimum
                    hi = "" if o.maximum is None else o.maximum
                    raise ValidationError(FieldProblem(o.name, f"{o.name} must be {lo}–{hi}", value))
                opts[o.name] = value
        if exporter.key == "iiif":
            from export.iiif import check_base

            check_base(opts["base_url"])
        if exporter.key == "labels":
            from export.labels import LabelSheet, check_start

            sheet = opts.get("sheet") or LabelSheet()
            sheet.check()
            check_start(int(opts["start"]), sheet)
        return opts

    @staticmethod
    def _target(out: str | os.PathLike[str] | IO[bytes]) -> Path | None:
        """The output path (its folder must exist), None for an open file."""
        if not isinstance(out, (str, os.PathLike)):
            return None
        target = Path(out)
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise ValidationError(FieldProblem("out", f"the folder {folder} does not exist", str(out)))
        return target

    # ------------------------------------------------------------------ which records

    def _ids(self, filters: ExportFilters) -> list[int]:
        """Ids of the records to export, in census-number order (or the order of ``filters.ids``)."""
        from guji.census.search import SearchFilters

        ids = self.app.search.ids(filters.query or "", SearchFilters(institution=filters.institution,
                                                                     state=filters.state, grade=filters.grade),
                                  sort="census_number")
        if filters.ids is not None:
            allowed = set(ids)
            ids = [i for i in filters.ids if i in allowed]
        return ids

    def _where(self, s: Session, filters: ExportFilters, since: dt.datetime | None = None) -> tuple[Any, int]:
        """The SQL condition of a selection without search (streaming formats) and its count."""
        cond: Any = visible_filter(self.actor)
        cond = true() if cond is True else cond
        if filters.institution is not None:
            inst_id = _institution_id(s, filters.institution)
            cond = and_(cond, CensusRecord.institution_id == inst_id)
        if filters.state is not None:
            cond = and_(cond, CensusRecord.state == filters.state)
        if filters.grade is not None:
            cond = and_(cond, CensusRecord.grade == filters.grade)
        if filters.ids is not None:
            cond = and_(cond, CensusRecord.id.in_(filters.ids))
        if filters.query:
            cond = and_(cond, CensusRecord.id.in_(self._ids(ExportFilters(query=filters.query))))
        if since is not None:
            cond = and_(cond, changed_since(since))
        total = s.scalar(select(func.count()).select_from(CensusRecord).where(cond)) or 0
        return cond, total

    def _resolve(self, record: int | str) -> int:
        """A record id from an id or a census number (visibility checked by the census service)."""
        from guji.census.numbers import CensusNumberError, parse_census_number

        if isinstance(record, int) or (isinstance(record, str) and record.isdigit()):
            return self.app.census.get_record(int(record)).id
        try:
            parse_census_number(str(record))
        except CensusNumberError as exc:
            raise ValidationError(FieldProblem("record", f"{record!r} is neither a record id nor a census number: "
                                                         f"{exc}", record)) from None
        return self.app.census.find_by_number(str(record)).id

    def _load(self, ids: list[int], *, children: bool = False, progress: Progress | None = None,
              cancel: threading.Event | None = None) -> Iterator[ExportRecord]:
        """The records ``ids`` in that order, read in batches (ones the person may not see are skipped)."""
        vis = visible_filter(self.actor)
        total = max(len(ids), 1)
        for start in range(0, len(ids), LOAD_BATCH):
            check_cancel(cancel)
            chunk = ids[start:start + LOAD_BATCH]
            with self.ctx.read() as s:
                stmt = select(CensusRecord).where(CensusRecord.id.in_(chunk))
                if vis is not True:
                    stmt = stmt.where(vis)
                recs = {r.id: r for r in s.scalars(stmt)}
                insts = {i.id: i for i in s.scalars(select(Institution))}
                kids: dict[int, list[tuple[str, str]]] = {}
                if children:
                    for pid, num, title in s.execute(
                            select(CensusRecord.parent_id, CensusRecord.census_number, CensusRecord.title)
                            .where(CensusRecord.parent_id.in_(chunk)).order_by(CensusRecord.census_number)):
                        if pid is not None:  # always, by the condition; said for the type checker
                            kids.setdefault(pid, []).append((num, title))
                out = []
                for rid in chunk:
                    rec = recs.get(rid)
                    if rec is None:
                        continue
                    inst = insts[rec.institution_id]
                    out.append(ExportRecord(rec.id, record_data(rec, s), inst.code, inst.name, rec.state,
                                            rec.updated_at, tuple(kids.get(rid, ()))))
            yield from out
            if progress is not None:
                done = min(start + LOAD_BATCH, len(ids))
                progress(done / total, f"{done} / {len(ids)}")

    def _images(self, records: list[ExportRecord], opts: Mapping[str, Any]) -> dict[str, list[Path]]:
        """Each record's image files, 書影 first: those the person named (``images``, ``images_dir``),
        else the images attached to the record in the image store."""
        from export.catalogue import pick_images

        out: dict[str, list[Path]] = {}
        for rec in records:
            found = pick_images(rec.census_number, images=opts.get("images"), images_dir=opts.get("images_dir"))
            if found is None:
                found = self._stored_images(rec.id)
            if found:
                out[rec.census_number] = found
        return out

    def _stored_images(self, record_id: int) -> list[Path]:
        attached = sorted(self.app.images.images_of_record(record_id), key=lambda a: (a.role != "書影", a.seq))
        return [Path(a.image.path) for a in attached if getattr(a.image, "path", None)]

    # ------------------------------------------------------------------ census XML

    def _census_xml(self, out: str | os.PathLike[str] | IO[bytes], filters: ExportFilters, opts: Mapping[str, Any],
                    progress: Progress | None, cancel: threading.Event | None) -> ExportResult:
        mark = bool(opts.get("mark", True))
        with tempfile.TemporaryFile() as marks:
            target = self._target(out)
            if target is None:
                assert not isinstance(out, (str, os.PathLike))  # _target gives None for an open file only
                n = write_stream(self.app, out, filters=filters, since=opts.get("since"), progress=progress,
                                 cancel=cancel, marks=marks if mark else None)
            else:
                with atomic_write(target) as fh:
                    n = write_stream(self.app, fh, filters=filters, since=opts.get("since"), progress=progress,
                                     cancel=cancel, marks=marks if mark else None)
            # Marked as sent (and audited) only once the file is really there.
            if mark:
                with self.ctx.write() as s:
                    apply_marks(s, marks)
                    audit.record(s, self.actor, "export", "census_xml", "-", {"records": n},
                                 note=f"census XML 1.0; institution={filters.institution or 'all'}; "
                                      f"state={filters.state or 'all'}")
        path = str(out) if target is not None else (getattr(out, "name", "") or "")
        return ExportResult("census_xml", path, n)

    # ------------------------------------------------------------------ imports and backups

    def import_census_xml(self, source: str | os.PathLike[str] | IO[bytes], *, dry_run: bool = False,
                          theirs: bool = False, progress: Progress | None = None,
                          cancel: threading.Event | None = None) -> ImportReport:
        """Merge a census XML file into the register (:func:`guji.services.census_merge.import_census_xml`):
        census staff their own institution's records, an administrator any; one transaction."""
        from guji.services.census_merge import import_census_xml

        return import_census_xml(self.app, source, dry_run=dry_run, theirs=theirs, progress=progress, cancel=cancel)

    def backup(self, out: str | os.PathLike[str], *, progress: Progress | None = None) -> BackupReport:
        """Write (or bring up to date) the backup folder ``out`` (:mod:`guji.backup`).

        Administrators only (PermissionDenied otherwise, and nothing is written); audited as
        ``backup`` once the folder's manifest is in place."""
        from guji import backup
        from guji.errors import PermissionDenied
        from guji.models.user import Role

        actor = self.actor
        if not actor.has(Role.ADMIN):
            raise PermissionDenied(msg("backup.admin_only", login=actor.login))
        report, digest = backup.write_backup(self.app.db, Path(out), made_by=actor.login,
                                             store_root=lambda: self.app.images.store_root(create=False),
                                             progress=progress)
        with self.ctx.write() as s:
            audit.record(s, actor, "backup", "backup", Path(report.path).name[:64], {
                "rows": [None, sum(report.rows.values())], "tables": [None, len(report.rows)],
                "images": [None, report.images], "copied": [None, report.copied],
                "skipped": [None, report.skipped], "bytes_copied": [None, report.copied_bytes],
                "dump_sha256": [None, digest]}, note=report.path)
        if progress:
            progress(1.0, "done")
        return report


# ---------------------------------------------------------------------- selection helpers


def _check_filters(f: ExportFilters) -> None:
    if f.state is not None and f.state not in STATES:
        raise ValidationError(FieldProblem(
            "state", f"unknown review state {f.state!r}; use one of {', '.join(STATES)}", f.state))
    if f.institution is not None:
        from guji.services.institutions import parse_institution_code

        parse_institution_code(f.institution)  # raises ValidationError for a malformed code


def _institution_id(s: Session, code: str) -> int:
    from guji.services.institutions import parse_institution_code

    region, unit = parse_institution_code(code)
    inst_id = s.scalar(select(Institution.id).where(Institution.region_code == region, Institution.unit_code == unit))
    if inst_id is None:
        raise NotFound(f"no institution with the code {code}")
    return inst_id


def _institutions(s: Session) -> tuple[dict[int, str], dict[int, str]]:
    codes: dict[int, str] = {}
    names: dict[int, str] = {}
    for inst in s.scalars(select(Institution)):
        codes[inst.id] = inst.code
        names[inst.id] = inst.name
    return codes, names


def _scaled(progress: Progress | None, start: float, end: float) -> Progress | None:
    """``progress`` taking fractions of one part of a job (``start``–``end`` of the whole)."""
    if progress is None:
        return None
    if start == 0.0 and end == 1.0:
        return progress

    def report(fraction: float, message: str) -> None:
        progress(start + (end - start) * fraction, message)

    return report


def changed_since(since: dt.datetime) -> Any:
    """Records edited, moved through review or given images after ``since`` (an exchange package's
    ``--since-last``): a review step changes the record's state and so its ``updated_at`` too, but
    a round or an image attachment is tested as well, being what the receiving side needs."""
    from guji.images.models import RecordImage

    return or_(CensusRecord.updated_at > since,
               exists().where(ReviewRound.record_id == CensusRecord.id, ReviewRound.at > since),
               exists().where(RecordImage.record_id == CensusRecord.id, RecordImage.added_at > since))


# ---------------------------------------------------------------------- streaming reads

_COLUMNS = [getattr(CensusRecord, name) for name in SCALAR_FIELDS]
# The fields after the scalar ones that an export row fills: the child lists and the two links.
_CHILD_FIELDS = ("authors", "seals", "annotations", "parent_census_number", "bound_with_census_number")
# RecordData declares the scalar fields first, in SCALAR_FIELDS order, then _CHILD_FIELDS: rows can
# then be passed positionally (a measurable saving at a million records); the keyword path stays for safety.
_POSITIONAL = ([f.name for f in fields(RecordData)][:len(SCALAR_FIELDS) + len(_CHILD_FIELDS)]
               == [*SCALAR_FIELDS, *_CHILD_FIELDS])


def _batches(session: Session, where: Any, codes: dict[int, str], names: dict[int, str],
             batch: int = BATCH) -> Iterator[list[ExportRecord]]:
    """Batches of records matching ``where``, in id order (keyset pagination: flat memory at any size).

    Plain column tuples through the Core connection, not ORM objects: building a million ORM
    objects with three child collections costs far more than writing them out does."""
    parent = aliased(CensusRecord)
    bound = aliased(CensusRecord)
    base = (
        select(CensusRecord.id, CensusRecord.institution_id, CensusRecord.state, *_COLUMNS,
               parent.census_number, bound.census_number)
        .outerjoin(parent, parent.id == CensusRecord.parent_id)
        .outerjoin(bound, bound.id == CensusRecord.bound_with_id)
        .where(where)
        .order_by(CensusRecord.id)
        .limit(batch)
    )
    last = 0
    nscalar = len(SCALAR_FIELDS)
    conn = session.connection()
    while True:
        rows = conn.execute(base.where(CensusRecord.id > last)).all()
        if not rows:
            return
        ids = [r[0] for r in rows]
        # One query per child table per batch: the in-list holds at most BATCH ids.
        authors, seals, annotations = load_children(conn, ids)
        out = []
        for row in rows:
            rid = row[0]
            if _POSITIONAL:
                args: tuple[Any, ...] = (*row[3:3 + nscalar], authors.get(rid, []), seals.get(rid, []),
                                         annotations.get(rid, []), row[3 + nscalar], row[4 + nscalar])
                data = RecordData(*args)
            else:
                # One mapping of every field: SCALAR_FIELDS names none of the child or link fields.
                values: dict[str, Any] = dict(zip(SCALAR_FIELDS, row[3:3 + nscalar], strict=True))
                values.update(authors=authors.get(rid, []), seals=seals.get(rid, []),
                              annotations=annotations.get(rid, []), parent_census_number=row[3 + nscalar],
                              bound_with_census_number=row[4 + nscalar])
                data = RecordData(**values)
            out.append(ExportRecord(rid, data, codes[row[1]], names[row[1]], row[2]))
        yield out
        last = ids[-1]


def _stream(session: Session, where: Any, codes: dict[int, str], names: dict[int, str],
            cancel: threading.Event | None) -> Iterator[ExportRecord]:
    for batch in _batches(session, where, codes, names):
        check_cancel(cancel)
        yield from batch


def write_stream(app: Guji, fh: IO[bytes], *, filters: ExportFilters | None = None, institution: str | None = None,
                 state: str | None = None, since: dt.datetime | None = None, progress: Progress | None = None,
                 cancel: threading.Event | None = None, marks: IO[bytes] | None = None) -> int:
    """Write the census XML document of a selection to the open binary file ``fh`` (no rename, no
    marking, no audit row), in one read snapshot.

    With ``marks`` (a binary file), one ``(record id, digest)`` entry per written record is
    appended to it, for :func:`apply_marks` once the caller has finished its own work; the
    exchange package uses this to mark records in the same transaction as its own log row.
    Returns the number of records written.
    """
    from export.census_xml import render
    from guji.db import audit_chain

    f = filters or ExportFilters(institution=institution, state=state)
    _check_filters(f)
    actor = app.actor
    service = ExportService(app)
    with app.ctx.read() as s:
        if s.get_bind().dialect.name == "postgresql":
            # One snapshot for the count, the institutions and every batch.
            s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        insts = {i.id: i for i in s.scalars(select(Institution))}
        codes = {i: inst.code for i, inst in insts.items()}
        names = {i: inst.name for i, inst in insts.items()}
        where, total = service._where(s, f, since)
        held = sorted(s.scalars(select(CensusRecord.institution_id).where(where).distinct()), key=lambda i: codes[i])
        me = insts.get(actor.institution_id) if actor.institution_id else None
        selection = {}
        if f.institution is not None:
            selection["institution"] = codes[_institution_id(s, f.institution)]
        if f.state is not None:
            selection["state"] = f.state
        header = {
            "exported_by": (actor.full_name or "", actor.login),
            "exporting_institution": (me.name, me.code) if me is not None else None,
            "selection": selection,
            "audit_chain_head": audit_chain.head(s.connection()),
            "institutions": [{"code": insts[i].code, "region_code": insts[i].region_code,
                              "unit_code": insts[i].unit_code, "is_centre": insts[i].is_centre,
                              "name": insts[i].name} for i in held],
        }
        data = ExportData(_stream(s, where, codes, names, cancel), total, {}, header=header, marks=marks)
        result = render(data, fh, progress, cancel)
    return result.count


def apply_marks(s: Session, marks: IO[bytes]) -> None:
    """In the caller's transaction: set ``exchange_hash`` of every record listed in ``marks``."""
    from export.census_xml import read_marks

    table = CensusRecord.__table__
    assert isinstance(table, Table)  # a mapped class's table (typed as any FromClause)
    stmt = (update(table)
            .where(table.c.id == bindparam("rid"))
            # Exchange bookkeeping is not an edit: keep updated_at (its onupdate would move it).
            .values(exchange_hash=bindparam("h"), updated_at=table.c.updated_at))
    conn = s.connection()
    params: list[dict[str, Any]] = []
    for rid, h in read_marks(marks):
        params.append({"rid": rid, "h": h})
        if len(params) == 5000:
            conn.execute(stmt, params)
            params = []
    if params:
        conn.execute(stmt, params)


def marked_ids(marks: IO[bytes]) -> list[int]:
    """The record ids listed in a marks file, in the order written."""
    from export.census_xml import read_marks

    return [rid for rid, _ in read_marks(marks)]
