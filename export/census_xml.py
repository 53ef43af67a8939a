"""Writing census records as census XML 1.0 (``resources/schema/census-1.0.xsd``, docs/census-xml.md).

:func:`write_census_xml` streams: records are read in keyset-paginated batches
(``id > last id``, :data:`BATCH` rows), their authors, seals and annotations are
fetched per batch with one query each, and every record is written at once
through lxml's incremental writer (``etree.xmlfile``), so memory stays flat
whatever the number of records. Plain SQL (Core) rows are read rather than ORM
objects: building a million ORM objects with three child collections costs far
more than the XML does.

After the whole document is written, each exported record's ``exchange_hash`` is
set to the content hash of what was sent (one short write transaction at the
end, so a cancelled or failed export marks nothing). The hashes wait in a
temporary file meanwhile, not in memory.

The header carries the audit chain's head (``entries:hash``) as it stood in the
export's snapshot, so a database whose log later loses its tail is caught by
``guji audit verify --expect`` with the head from any file it sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import IO, Any

from lxml import etree
from sqlalchemy import and_, bindparam, exists, func, or_, select, text, true, update
from sqlalchemy.orm import Session, aliased

import guji
from guji.census.models import CensusRecord, ReviewRound, ReviewState
from guji.census.record import SCALAR_FIELDS, RecordData
from guji.census.service import load_children
from guji.census.service import visible_filter
from guji.db import audit_chain
from guji.errors import NotFound, ValidationError
from guji.jobs import atomic_write
from guji.models.institution import Institution
from guji.services import audit
from export.census_exchange import NS, FORMAT_VERSION, ExchangeCancelled, is_free, q, relic_level

BATCH = 2000
_MARK = struct.Struct("<q32s")  # record id, sha-256 digest

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ExportedRecord:
    """One record as the writer needs it: its data plus local id, holder code and review state."""

    id: int
    data: RecordData
    institution_code: str
    state: str


# ------------------------------------------------------------------------------ writing XML

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                           "\t": "&#9;"})


def _text(value: Any) -> str:
    if isinstance(value, str):
        # Most text needs no escaping; four substring tests are cheaper than translate().
        if "&" in value or "<" in value or ">" in value or "\r" in value:
            return value.translate(_TEXT_ESC)
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.1'))}"
    return str(value)


def _attr(value: Any) -> str:
    return _text(value).translate(_ATTR_ESC) if isinstance(value, str) else _text(value)


def record_xml(r: ExportedRecord) -> str:
    """One ``<record>`` element as text (the default namespace is declared on the document element)."""
    head, tail = record_parts(r)
    return f"{head}<recordId>{r.id}</recordId>{tail}"


def content_digest(data: RecordData, institution_code: str, state: str) -> bytes:
    """The exchange hash (SHA-256, 32 bytes) of a record: its ``<record>`` text without the local id.

    Everything the format carries for a record except ``recordId`` — every field, the holder's
    code and the review state — so two databases get the same hash for the same content.
    """
    head, tail = record_parts(ExportedRecord(0, data, institution_code, state))
    return _digest(head, tail)


def content_hash(data: RecordData, institution_code: str, state: str) -> str:
    """:func:`content_digest` as 64 hex characters: the value kept in ``CensusRecord.exchange_hash``."""
    return content_digest(data, institution_code, state).hex()


def _digest(head: str, tail: str) -> bytes:
    h = hashlib.sha256(b"census-xml-1.0\n")
    h.update(head.encode("utf-8"))
    h.update(tail.encode("utf-8"))
    return h.digest()


def record_parts(r: ExportedRecord) -> tuple[str, str]:
    """The ``<record>`` text before and after its ``<recordId>``.

    Records are serialised here rather than through ``xmlfile.element()``: lxml's incremental
    writer costs about 3.5 µs per element, and a full record has some sixty, which would put a
    million records past two minutes; the document envelope is still written by ``xmlfile``.
    Empty text counts as not stated (the register's own checks treat it so). Raises
    :class:`ValueError` if the text holds characters XML 1.0 cannot carry.
    """
    d = r.data
    parts: list[str] = ["<record>"]
    add = parts.append

    def leaf(name: str, value: Any) -> None:
        if value is not None and value != "":
            add(f"<{name}>{_text(value)}</{name}>")

    def term(name: str, field_name: str, value: str | None) -> None:
        if value:
            free = ' free="true"' if is_free(field_name, value) else ""
            add(f"<{name}{free}>{_text(value)}</{name}>")

    add("<identifiers>")
    leaf("censusNumber", d.census_number)
    if d.national_list_number:
        add(f'<directoryNumber level="national">{_text(d.national_list_number)}</directoryNumber>')
    if d.provincial_list:
        add(f'<directoryNumber level="provincial">{_text(d.provincial_list)}</directoryNumber>')
    head = "".join(parts)
    parts.clear()
    add("</identifiers><title>")
    leaf("mainTitle", d.title)
    leaf("juanCount", d.juan_count)
    if d.other_titles:
        for line in d.other_titles.split("\n"):
            add(f"<otherTitle>{_text(line)}</otherTitle>")
    add("</title>")
    if d.author_statement or d.authors:
        add("<creators>")
        leaf("statement", d.author_statement)
        for a in d.authors:
            add("<creator>")
            leaf("name", a.name)
            leaf("dynasty", a.dynasty)
            leaf("role", a.mode)
            add("</creator>")
        add("</creators>")
    if d.class_branch or d.class_category or d.class_subcategory:
        add("<classification>")
        leaf("branch", d.class_branch)
        leaf("category", d.class_category)
        leaf("subcategory", d.class_subcategory)
        add("</classification>")
    if d.edition_statement or d.edition_type or d.edition_supplement:
        add("<edition>")
        leaf("statement", d.edition_statement)
        term("editionType", "edition_type", d.edition_type)
        leaf("supplement", d.edition_supplement)
        add("</edition>")
    if d.publisher or d.publication_place or d.edition_subtype:
        add("<publication>")
        leaf("publisher", d.publisher)
        leaf("place", d.publication_place)
        leaf("printingMethod", d.edition_subtype)
        add("</publication>")
    greg = d.year_start is not None or d.year_end is not None or bool(d.date_precision)
    chinese = bool(d.edition_dynasty or d.edition_era or d.edition_ganzhi) or d.edition_year_of_era is not None
    if greg or chinese:
        add("<dates>")
        if greg:
            add("<gregorian")
            if d.year_start is not None:
                add(f' start="{d.year_start}"')
            if d.year_end is not None:
                add(f' end="{d.year_end}"')
            if d.date_precision:
                add(f' precision="{_attr(d.date_precision)}"')
            add("/>")
        if chinese:
            add("<chinese>")
            leaf("dynasty", d.edition_dynasty)
            leaf("era", d.edition_era)
            leaf("year", d.edition_year_of_era)
            leaf("ganzhi", d.edition_ganzhi)
            add("</chinese>")
        add("</dates>")
    frame = (d.frame_height_cm is not None or d.frame_width_cm is not None or bool(d.frame_edge)
             or d.frame_is_half is not None)
    leafformat = (bool(d.layout_statement or d.commentary or d.banko or d.fishtail or d.border or d.shu_er)
                  or d.lines_per_half_leaf is not None or d.chars_per_line is not None)
    if frame or leafformat or d.binding or d.volumes is not None or d.cases is not None:
        add("<physicalDescription>")
        term("binding", "binding", d.binding)
        leaf("volumes", d.volumes)
        leaf("cases", d.cases)
        if frame:
            add("<frame>")
            leaf("height", d.frame_height_cm)
            leaf("width", d.frame_width_cm)
            term("edge", "frame_edge", d.frame_edge)
            leaf("halfLeaf", d.frame_is_half)
            add("</frame>")
        if leafformat:
            add("<leafFormat>")
            leaf("statement", d.layout_statement)
            leaf("lines", d.lines_per_half_leaf)
            leaf("chars", d.chars_per_line)
            leaf("commentary", d.commentary)
            term("banko", "banko", d.banko)
            leaf("fishtail", d.fishtail)
            term("border", "border", d.border)
            leaf("shuEr", d.shu_er)
            add("</leafFormat>")
        add("</physicalDescription>")
    if (d.extant or d.incomplete_note or d.notes or d.preface_colophon or d.publisher_mark or d.carvers
            or d.taboo_notes):
        add("<notes>")
        leaf("extant", d.extant)
        leaf("incompleteNote", d.incomplete_note)
        leaf("note", d.notes)
        leaf("prefaceColophon", d.preface_colophon)
        leaf("publisherMark", d.publisher_mark)
        leaf("carvers", d.carvers)
        leaf("taboo", d.taboo_notes)
        add("</notes>")
    if d.acquisition or d.annotations:
        add("<provenance>")
        leaf("acquisition", d.acquisition)
        for a in d.annotations:
            add("<annotation>")
            leaf("person", a.person)
            leaf("kind", a.kind)
            leaf("description", a.description)
            add("</annotation>")
        add("</provenance>")
    if d.seals:
        add("<seals>")
        for s in d.seals:
            add("<seal>")
            leaf("text", s.text)
            leaf("owner", s.owner)
            leaf("position", s.position)
            add("</seal>")
        add("</seals>")
    if d.grade or d.damage_grade:
        add("<preservation>")
        if d.grade:
            level = relic_level(d.grade)
            rl = f' relicLevel="{level}"' if level else ""
            add(f"<grade{rl}>{_text(d.grade)}</grade>")
        leaf("damageGrade", d.damage_grade)
        add("</preservation>")
    add(f'<location><institution code="{r.institution_code}"/>')
    leaf("callNumber", d.call_number)
    leaf("storageNote", d.storage_note)
    add("</location>")
    if d.parent_census_number or d.bound_with_census_number:
        add("<relations>")
        if d.parent_census_number:
            add(f'<parent censusNumber="{_attr(d.parent_census_number)}"/>')
        if d.bound_with_census_number:
            add(f'<boundWith censusNumber="{_attr(d.bound_with_census_number)}"/>')
        add("</relations>")
    add(f'<review state="{_attr(r.state)}"/></record>')
    tail = "".join(parts)
    for piece in (head, tail):
        bad = _INVALID_XML.search(piece)
        if bad is not None:
            raise ValueError(f"character U+{ord(bad.group()):04X} is not allowed in XML")
    return head, tail


class _Writer:
    """Header and institutions through the ``xmlfile`` API (elements opened and closed in place)."""

    def __init__(self, xf: Any):
        self.xf = xf

    def leaf(self, name: str, value: Any, attrib: dict[str, str] | None = None) -> None:
        if value is None:
            return
        with self.xf.element(q(name), attrib or {}):
            self.xf.write(_text(value) if not isinstance(value, str) else value)

    @contextmanager
    def group(self, name: str, attrib: dict[str, str] | None = None) -> Iterator[None]:
        with self.xf.element(q(name), attrib or {}):
            yield


# ------------------------------------------------------------------------------ reading rows

_COLUMNS = [getattr(CensusRecord, name) for name in SCALAR_FIELDS]
# RecordData declares the scalar fields first and in SCALAR_FIELDS order: rows can then be passed
# positionally (a measurable saving at a million records); the keyword path stays for safety.
_POSITIONAL = [f.name for f in fields(RecordData)][:len(SCALAR_FIELDS)] == list(SCALAR_FIELDS)


def _selection(actor: Any, institution_id: int | None, state: str | None, since: dt.datetime | None = None) -> Any:
    cond = visible_filter(actor)
    cond = true() if cond is True else cond
    if institution_id is not None:
        cond = and_(cond, CensusRecord.institution_id == institution_id)
    if state is not None:
        cond = and_(cond, CensusRecord.state == state)
    if since is not None:
        cond = and_(cond, changed_since(since))
    return cond


def changed_since(since: dt.datetime) -> Any:
    """Records edited, moved through review or given images after ``since`` (an exchange package's
    ``--since-last``): a review step changes the record's state and so its ``updated_at`` too, but
    a round or an image attachment is tested as well, being what the receiving side needs."""
    from guji.images.models import RecordImage

    return or_(CensusRecord.updated_at > since,
               exists().where(ReviewRound.record_id == CensusRecord.id, ReviewRound.at > since),
               exists().where(RecordImage.record_id == CensusRecord.id, RecordImage.added_at > since))


def iter_records(session: Session, where: Any, codes: dict[int, str], batch: int = BATCH) -> Iterator[list[ExportedRecord]]:
    """Batches of records matching ``where``, in id order (keyset pagination: flat memory at any size)."""
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
    # The Core connection, not Session.execute: the ORM's result loading costs about as much as
    # the rows themselves, and these are plain column tuples.
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
                data = RecordData(*row[3:3 + nscalar], authors=authors.get(rid, []), seals=seals.get(rid, []),
                                  annotations=annotations.get(rid, []), parent_census_number=row[3 + nscalar],
                                  bound_with_census_number=row[4 + nscalar])
                out.append(ExportedRecord(rid, data, codes[row[1]], row[2]))
                continue
            values = dict(zip(SCALAR_FIELDS, row[3:3 + nscalar]))
            data = RecordData(**values, authors=authors.get(rid, []), seals=seals.get(rid, []),
                              annotations=annotations.get(rid, []),
                              parent_census_number=row[3 + nscalar], bound_with_census_number=row[4 + nscalar])
            out.append(ExportedRecord(rid, data, codes[row[1]], row[2]))
        yield out
        last = ids[-1]


# ------------------------------------------------------------------------------ the export

def write_census_xml(app: Any, out: str | os.PathLike[str] | IO[bytes], *, institution: str | None = None,
                     state: str | None = None, progress: Progress | None = None,
                     cancel: threading.Event | None = None, mark: bool = True,
                     since: dt.datetime | None = None) -> int:
    """Write every record ``app``'s user may see (optionally one institution's, one review state's) to ``out``.

    ``out`` is a path (written to a temporary file beside it and renamed into place at the
    end, so a failed or cancelled export leaves no partial file) or a binary file object.
    ``institution`` is a code such as ``210000-0101``; ``state`` a review state (``draft``,
    ``submitted``, ``returned``, ``unit_approved``, ``centre_approved``). ``progress(fraction,
    message)`` is called after each batch; setting ``cancel`` stops the export with
    :class:`ExchangeCancelled`. With ``mark`` (the default) each exported record's exchange hash
    is set to what was sent, and one audit row notes the export. ``since`` keeps only the
    records changed after that moment (:func:`changed_since`). Returns the number of records.

    Raises :class:`NotFound` for an unknown institution code, :class:`ValidationError` for an
    unknown state or a record whose text XML cannot carry (control characters).
    """
    if state is not None and state not in {s.value for s in ReviewState}:
        raise ValidationError(f"unknown review state {state!r}: one of "
                              + ", ".join(s.value for s in ReviewState), "state")
    if isinstance(out, (str, os.PathLike)):
        marks = tempfile.TemporaryFile()
        try:
            with atomic_write(out) as fh:
                n = write_stream(app, fh, institution=institution, state=state, since=since, progress=progress,
                                 cancel=cancel, marks=marks if mark else None)
            # Marked as sent (and audited) only once the file is really there.
            if mark:
                _apply_marks(app, marks, n, institution, state)
        finally:
            marks.close()
        return n
    marks = tempfile.TemporaryFile()
    try:
        n = write_stream(app, out, institution=institution, state=state, since=since, progress=progress,
                         cancel=cancel, marks=marks if mark else None)
        if mark:
            _apply_marks(app, marks, n, institution, state)
        return n
    finally:
        marks.close()


def write_stream(app: Any, fh: IO[bytes], *, institution: str | None = None, state: str | None = None,
                 since: dt.datetime | None = None, progress: Progress | None = None,
                 cancel: threading.Event | None = None, marks: IO[bytes] | None = None) -> int:
    """Write the document to the open binary file ``fh`` (no rename, no marking, no audit row).

    With ``marks`` (a binary file), one ``(record id, digest)`` entry per written record is
    appended to it, for :func:`apply_marks` once the caller has finished its own work; the
    exchange package uses this to mark records in the same transaction as its own log row.
    Returns the number of records written.
    """
    actor = app.actor
    with app.ctx.read() as s:
        if s.get_bind().dialect.name == "postgresql":
            # One snapshot for the count, the institutions and every batch.
            s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        codes: dict[int, str] = {}
        insts: dict[int, Institution] = {}
        for inst in s.scalars(select(Institution)):
            codes[inst.id] = inst.code
            insts[inst.id] = inst
        inst_id = None
        if institution is not None:
            from guji.services.institutions import parse_institution_code

            region, unit = parse_institution_code(institution)
            inst_id = next((i.id for i in insts.values() if i.region_code == region and i.unit_code == unit), None)
            if inst_id is None:
                raise NotFound(f"no institution with the code {institution}")
        where = _selection(actor, inst_id, state, since)
        chain_head = audit_chain.head(s.connection())
        total = s.scalar(select(func.count()).select_from(CensusRecord).where(where)) or 0
        held = sorted(s.scalars(select(CensusRecord.institution_id).where(where).distinct()),
                      key=lambda i: codes[i])
        me = insts.get(actor.institution_id) if actor.institution_id else None

        written = 0
        with etree.xmlfile(fh, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(q("censusExchange"), {"formatVersion": FORMAT_VERSION}, nsmap={None: NS}):
                xf.write("\n")
                w = _Writer(xf)
                with w.group("header"):
                    w.leaf("formatVersion", FORMAT_VERSION)
                    w.leaf("exportedAt", dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
                           .isoformat().replace("+00:00", "Z"))
                    if me is not None:
                        w.leaf("exportingInstitution", me.name, {"code": me.code})
                    w.leaf("exportedBy", actor.full_name or "", {"login": actor.login})
                    w.leaf("software", f"guji {guji.__version__}")
                    sel = {}
                    if institution is not None:
                        sel["institution"] = codes[inst_id]  # type: ignore[index]
                    if state is not None:
                        sel["state"] = state
                    with w.group("selection", sel):
                        pass
                    w.leaf("recordCount", total)
                    if chain_head is not None:
                        w.leaf("auditChainHead", str(chain_head))
                xf.write("\n")
                with w.group("institutions"):
                    for iid in held:
                        inst = insts[iid]
                        xf.write("\n")
                        with w.group("institution", {"code": inst.code, "regionCode": inst.region_code,
                                                     "unitCode": inst.unit_code,
                                                     "isCentre": "true" if inst.is_centre else "false"}):
                            w.leaf("name", inst.name)
                    xf.write("\n")
                xf.write("\n")
                with w.group("records"):
                    xf.write("\n")
                    # Records go straight to the file between the envelope's tags (see record_xml):
                    # flush what xmlfile holds first so the bytes stay in document order.
                    xf.flush()
                    for batch in iter_records(s, where, codes):
                        if cancel is not None and cancel.is_set():
                            raise ExchangeCancelled("export cancelled; no file was written")
                        chunk: list[str] = []
                        for r in batch:
                            try:
                                head, tail = record_parts(r)
                            except ValueError as exc:
                                raise ValidationError(
                                    f"{r.data.census_number} holds text XML cannot carry ({exc}); "
                                    "correct the record and export again", "census_number") from None
                            chunk.append(f"{head}<recordId>{r.id}</recordId>{tail}")
                            if marks is not None:
                                marks.write(_MARK.pack(r.id, _digest(head, tail)))
                        chunk.append("")
                        fh.write("\n".join(chunk).encode("utf-8"))
                        written += len(batch)
                        if progress is not None:
                            progress(written / total if total else 1.0, f"{written} / {total}")
                xf.write("\n")
    if progress is not None:
        progress(1.0, f"{written} records written")
    return written


def apply_marks(s: Session, marks: IO[bytes]) -> None:
    """In the caller's transaction: set ``exchange_hash`` of every record listed in ``marks``."""
    marks.seek(0)
    stmt = (update(CensusRecord.__table__)
            .where(CensusRecord.__table__.c.id == bindparam("rid"))
            # Exchange bookkeeping is not an edit: keep updated_at (its onupdate would move it).
            .values(exchange_hash=bindparam("h"), updated_at=CensusRecord.__table__.c.updated_at))
    chunk = _MARK.size * 5000
    conn = s.connection()
    while True:
        buf = marks.read(chunk)
        if not buf:
            break
        params = [{"rid": rid, "h": digest.hex()} for rid, digest in _MARK.iter_unpack(buf)]
        conn.execute(stmt, params)


def marked_ids(marks: IO[bytes]) -> list[int]:
    """The record ids listed in a marks file, in the order written."""
    marks.seek(0)
    return [rid for rid, _ in _MARK.iter_unpack(marks.read())]


def _apply_marks(app: Any, marks: IO[bytes], n: int, institution: str | None, state: str | None) -> None:
    """Set ``exchange_hash`` of every exported record, and audit the export, in one transaction."""
    with app.ctx.write() as s:
        apply_marks(s, marks)
        audit.record(s, app.actor, "export", "census_xml", "-", {"records": n},
                     note=f"census XML {FORMAT_VERSION}; institution={institution or 'all'}; state={state or 'all'}")
