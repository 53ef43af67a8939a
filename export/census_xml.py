"""Writing census records as census XML 1.0 (``resources/schema/census-1.0.xsd``, docs/census-xml.md).

:func:`render` streams: the exports service (:mod:`guji.services.exports`) reads the records
in keyset-paginated batches and hands them over as they come, and every record is written at
once (:func:`record_parts`) between the envelope's tags, written through lxml's incremental
writer (``etree.xmlfile``), so memory stays flat whatever the number of records.

For each record written, one ``(record id, SHA-256)`` entry of its content hash goes to
``data.marks`` when given: the service sets each exported record's ``exchange_hash`` from
these once the whole file is in place.

The header carries the audit chain's head (``entries:hash``) as it stood in the export's
snapshot, so a database whose log later loses its tail is caught by ``guji audit verify
--expect`` with the head from any file it sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import IO, Any

from lxml import etree

import guji
from export.census_exchange import FORMAT_VERSION, NS, is_free, q, relic_level
from export.registry import ExportData, ExportRecord, ExportResult
from guji.census.record import RecordData
from guji.errors import ValidationError
from guji.jobs import Progress, check_cancel

__all__ = ["MARK", "content_digest", "content_hash", "read_marks", "record_parts", "record_xml", "render"]

#: One entry of a marks file: record id, SHA-256 digest of its content.
MARK = struct.Struct("<q32s")


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


def record_xml(r: ExportRecord) -> str:
    """One ``<record>`` element as text (the default namespace is declared on the document element)."""
    head, tail = record_parts(r)
    return f"{head}<recordId>{r.id}</recordId>{tail}"


def content_digest(data: RecordData, institution_code: str, state: str) -> bytes:
    """The exchange hash (SHA-256, 32 bytes) of a record: its ``<record>`` text without the local id.

    Everything the format carries for a record except ``recordId`` — every field, the holder's
    code and the review state — so two databases get the same hash for the same content.
    """
    head, tail = record_parts(ExportRecord(0, data, institution_code, "", state))
    return _digest(head, tail)


def content_hash(data: RecordData, institution_code: str, state: str) -> str:
    """:func:`content_digest` as 64 hex characters: the value kept in ``CensusRecord.exchange_hash``."""
    return content_digest(data, institution_code, state).hex()


def _digest(head: str, tail: str) -> bytes:
    h = hashlib.sha256(b"census-xml-1.0\n")
    h.update(head.encode("utf-8"))
    h.update(tail.encode("utf-8"))
    return h.digest()


def record_parts(r: ExportRecord) -> tuple[str, str]:
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
        for ann in d.annotations:
            add("<annotation>")
            leaf("person", ann.person)
            leaf("kind", ann.kind)
            leaf("description", ann.description)
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


# ------------------------------------------------------------------------------ the document

def render(data: ExportData, out: IO[bytes], progress: Progress | None = None,
           cancel: threading.Event | None = None) -> ExportResult:
    """Write the census XML document of ``data`` to the binary file ``out`` (the ``census_xml``
    format of :mod:`export.registry`).

    ``data.header`` holds ``exported_by`` (full name, login), ``exporting_institution``
    (name, code, or None), ``selection`` (institution code and/or state), ``audit_chain_head``
    and ``institutions`` (every holder of the records: dicts with ``code``, ``region_code``,
    ``unit_code``, ``is_centre``, ``name``); ``data.total`` is the record count of the header.
    With ``data.marks``, one :data:`MARK` entry per written record is appended to it. Raises
    :class:`ValidationError` for a record whose text XML cannot carry (control characters),
    :class:`guji.jobs.Cancelled` when ``cancel`` is set.
    """
    h = data.header
    total = data.total
    marks = data.marks
    written = 0
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(q("censusExchange"), {"formatVersion": FORMAT_VERSION}, nsmap={None: NS}):
            xf.write("\n")
            w = _Writer(xf)
            with w.group("header"):
                w.leaf("formatVersion", FORMAT_VERSION)
                w.leaf("exportedAt", dt.datetime.now(dt.UTC).replace(microsecond=0)
                       .isoformat().replace("+00:00", "Z"))
                me = h.get("exporting_institution")
                if me is not None:
                    w.leaf("exportingInstitution", me[0], {"code": me[1]})
                full_name, login = h.get("exported_by") or ("", "")
                w.leaf("exportedBy", full_name or "", {"login": login})
                w.leaf("software", f"guji {guji.__version__}")
                with w.group("selection", dict(h.get("selection") or {})):
                    pass
                w.leaf("recordCount", total)
                if h.get("audit_chain_head") is not None:
                    w.leaf("auditChainHead", str(h["audit_chain_head"]))
            xf.write("\n")
            with w.group("institutions"):
                for inst in h.get("institutions") or ():
                    xf.write("\n")
                    with w.group("institution", {"code": inst["code"], "regionCode": inst["region_code"],
                                                 "unitCode": inst["unit_code"],
                                                 "isCentre": "true" if inst["is_centre"] else "false"}):
                        w.leaf("name", inst["name"])
                xf.write("\n")
            xf.write("\n")
            with w.group("records"):
                xf.write("\n")
                # Records go straight to the file between the envelope's tags (see record_parts):
                # flush what xmlfile holds first so the bytes stay in document order.
                xf.flush()
                chunk: list[str] = []
                for r in data.records:
                    try:
                        head, tail = record_parts(r)
                    except ValueError as exc:
                        raise ValidationError(
                            f"{r.data.census_number} holds text XML cannot carry ({exc}); "
                            "correct the record and export again", "census_number") from None
                    chunk.append(f"{head}<recordId>{r.id}</recordId>{tail}")
                    if marks is not None:
                        marks.write(MARK.pack(r.id, _digest(head, tail)))
                    if len(chunk) == 2000:
                        written = _flush(out, chunk, written, total, progress, cancel)
                written = _flush(out, chunk, written, total, progress, cancel)
            xf.write("\n")
    if progress is not None:
        progress(1.0, f"{written} records written")
    return ExportResult("census_xml", "", written)


def _flush(out: IO[bytes], chunk: list[str], written: int, total: int, progress: Progress | None,
           cancel: threading.Event | None) -> int:
    check_cancel(cancel)
    if not chunk:
        return written
    written += len(chunk)
    chunk.append("")
    out.write("\n".join(chunk).encode("utf-8"))
    chunk.clear()
    if progress is not None:
        progress(written / total if total else 1.0, f"{written} / {total}")
    return written


def read_marks(marks: IO[bytes]) -> Iterator[tuple[int, str]]:
    """The ``(record id, content hash as hex)`` entries of a marks file, in the order written."""
    marks.seek(0)
    while True:
        buf = marks.read(MARK.size * 5000)
        if not buf:
            return
        for rid, digest in MARK.iter_unpack(buf):
            yield rid, digest.hex()
