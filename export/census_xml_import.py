"""Reading census XML 1.0 safely and merging it into the register, as the provincial centre does
with the packages units send.

Safety. The file is parsed by lxml with ``resolve_entities=False, no_network=True,
load_dtd=False, dtd_validation=False, huge_tree=False``, and any document type
declaration at all is refused before the first element is used: the format has no
DTD, so a DOCTYPE can only be an attack (XXE through ``file://`` or ``http://``
entities, billion laughs, an external DTD). An entity reference without a DOCTYPE
is a well-formedness error. XInclude is never processed (an ``xi:include`` element
is simply not allowed by the schema).

Validation while streaming. lxml's ``etree.iterparse(..., schema=...)`` validates
as it streams, but (lxml 6.1 / libxml2 2.14) it reports validity errors only when
the document ends and lets a truncated document through without any error. So the
file is parsed without it, and each part is validated against the XSD as soon as it
has been read: ``<header>``, ``<institutions>`` and every ``<record>``
(:func:`export.census_exchange.fragment_schema`), which names the bad record and
its line at once; the document element's attribute, its three children in order,
and its end (no truncation) are checked here. Records are cleared from the tree
after use, so memory stays flat.

Merging. Per census number: *new* (not here yet), *updated* (changed there since
the last exchange, not here), *unchanged* (same content, or changed only here since
the last exchange: ours is kept), *conflict* (changed on both sides, or a local
record that was never exchanged and differs): conflicts are reported with their
field-level differences and not overwritten unless ``theirs=True``. "Changed here"
means the record's current content hash differs from its ``exchange_hash``;
"changed there" that the incoming content hash differs from it.

Review is law. A record that is locked here (``unit_approved`` or
``centre_approved``) is never changed by an import, ``theirs`` or not: a change
to it is a conflict listed with its differences. A review state in a file is
information, not an instruction: a state beyond ``submitted`` stands only when
the institution entitled to give it signed the exchange package (:class:`Trust`:
the holding institution for ``unit_approved``, the centre for both approvals);
otherwise the record enters review here as ``submitted`` (``draft`` and
``returned`` stay as the file says). The one change a locked record accepts is
the centre's own review decision on the way back (centre → unit, signed by the
centre): ``unit_approved`` → ``centre_approved`` or ``returned``, and
``centre_approved`` → ``returned``, with every field unchanged.

This module reads and checks the file and hands over plain records (:func:`read_document`);
the merging is the data side's (:mod:`guji.services.census_merge`, reached through the
exports service). Everything happens in ONE write transaction: any error (a malformed file,
a schema violation, a record that fails validation, a permission problem, a link to a
missing record, cancellation) rolls everything back. ``dry_run`` does the whole
merge and then rolls back, so its report is exactly what a real import would do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from lxml import etree

from export.census_exchange import NS, fragment_schema, q
from guji.census.record import AnnotationData, AuthorData, RecordData, SealData
from guji.errors import GujiError

__all__ = ["ImportReport", "IncomingRecord", "InvalidExchangeFile", "UnsafeXml", "parse_record", "read_document"]

_N = {"c": NS}


class UnsafeXml(GujiError):
    """The file carries a DTD, entities or other constructs the census format never uses."""


class InvalidExchangeFile(GujiError):
    """The file is not well-formed XML or does not follow census XML 1.0."""


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do). Lists hold census numbers."""

    dry_run: bool
    records: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)  # changed only here since the last exchange
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (number, why), not overwritten
    # number → {field: [here, there]} for every conflict: what the file would have changed
    differences: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    taken_theirs: list[str] = field(default_factory=list)  # conflicts overwritten with --theirs
    # (number, state claimed by the file, state given here) where the claim was not taken
    held: list[tuple[str, str, str]] = field(default_factory=list)
    institutions_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    audit_chain_head: str | None = None  # the sender's audit chain head, from the header

    def summary(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run, "records": self.records, "new": len(self.new), "updated": len(self.updated),
            "unchanged": len(self.unchanged), "kept_local": len(self.kept_local),
            "conflicts": len(self.conflicts), "taken_theirs": len(self.taken_theirs), "held": len(self.held),
            "institutions_created": self.institutions_created,
        }

    def conflict_list(self) -> list[dict[str, Any]]:
        """The conflicts as plain data: number, reason and field differences ({field: [here, there]})."""
        return [{"census_number": n, "reason": str(r), "differences": self.differences.get(n, {})}
                for n, r in self.conflicts]


class _Reader:
    """A file wrapper that notes whether anything but whitespace was read (to call an empty file empty)."""

    def __init__(self, fh: IO[bytes]):
        self.fh = fh
        self.content = False

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        if not self.content and data.strip():
            self.content = True
        return data



def _t(el: Any, path: str) -> str | None:
    found = el.find(path, _N)
    return None if found is None else found.text


def _int(el: Any, path: str) -> int | None:
    v = _t(el, path)
    return None if v is None else int(v.strip())


def _flag(value: str | None) -> bool:
    return value is not None and value.strip() in ("true", "1")


@dataclass
class IncomingRecord:
    data: RecordData
    institution_code: str
    state: str
    line: int | None


def parse_record(el: Any) -> IncomingRecord:
    """A schema-valid ``<record>`` element as plain data (the inverse of the writer)."""
    free: set[str] = set()

    def term(path: str, name: str) -> str | None:
        found = el.find(path, _N)
        if found is None:
            return None
        if _flag(found.get("free")):
            free.add(name)
        return found.text

    national = provincial = None
    for dn in el.iterfind("c:identifiers/c:directoryNumber", _N):
        if dn.get("level") == "national":
            national = dn.text
        else:
            provincial = dn.text
    others = [ot.text or "" for ot in el.iterfind("c:title/c:otherTitle", _N)]
    greg = el.find("c:dates/c:gregorian", _N)
    height, width = _t(el, "c:physicalDescription/c:frame/c:height"), _t(el, "c:physicalDescription/c:frame/c:width")
    half = _t(el, "c:physicalDescription/c:frame/c:halfLeaf")
    parent = el.find("c:relations/c:parent", _N)
    bound = el.find("c:relations/c:boundWith", _N)
    data = RecordData(
        census_number=_t(el, "c:identifiers/c:censusNumber"),
        call_number=_t(el, "c:location/c:callNumber"),
        title=_t(el, "c:title/c:mainTitle"),
        author_statement=_t(el, "c:creators/c:statement"),
        edition_statement=_t(el, "c:edition/c:statement"),
        volumes=_int(el, "c:physicalDescription/c:volumes"),
        extant=_t(el, "c:notes/c:extant"),
        juan_count=_int(el, "c:title/c:juanCount"),
        cases=_int(el, "c:physicalDescription/c:cases"),
        other_titles="\n".join(others) if others else None,
        class_branch=_t(el, "c:classification/c:branch"),
        class_category=_t(el, "c:classification/c:category"),
        class_subcategory=_t(el, "c:classification/c:subcategory"),
        edition_dynasty=_t(el, "c:dates/c:chinese/c:dynasty"),
        edition_era=_t(el, "c:dates/c:chinese/c:era"),
        edition_year_of_era=_int(el, "c:dates/c:chinese/c:year"),
        edition_ganzhi=_t(el, "c:dates/c:chinese/c:ganzhi"),
        year_start=int(greg.get("start")) if greg is not None and greg.get("start") is not None else None,
        year_end=int(greg.get("end")) if greg is not None and greg.get("end") is not None else None,
        date_precision=greg.get("precision") if greg is not None else None,
        publisher=_t(el, "c:publication/c:publisher"),
        publication_place=_t(el, "c:publication/c:place"),
        edition_type=term("c:edition/c:editionType", "edition_type"),
        edition_subtype=_t(el, "c:publication/c:printingMethod"),
        edition_supplement=_t(el, "c:edition/c:supplement"),
        frame_height_cm=Decimal(height.strip()) if height is not None else None,
        frame_width_cm=Decimal(width.strip()) if width is not None else None,
        frame_edge=term("c:physicalDescription/c:frame/c:edge", "frame_edge"),
        frame_is_half=_flag(half) if half is not None else None,
        lines_per_half_leaf=_int(el, "c:physicalDescription/c:leafFormat/c:lines"),
        chars_per_line=_int(el, "c:physicalDescription/c:leafFormat/c:chars"),
        layout_statement=_t(el, "c:physicalDescription/c:leafFormat/c:statement"),
        commentary=_t(el, "c:physicalDescription/c:leafFormat/c:commentary"),
        banko=term("c:physicalDescription/c:leafFormat/c:banko", "banko"),
        fishtail=_t(el, "c:physicalDescription/c:leafFormat/c:fishtail"),
        border=term("c:physicalDescription/c:leafFormat/c:border", "border"),
        shu_er=_t(el, "c:physicalDescription/c:leafFormat/c:shuEr"),
        binding=term("c:physicalDescription/c:binding", "binding"),
        grade=_t(el, "c:preservation/c:grade"),
        damage_grade=_t(el, "c:preservation/c:damageGrade"),
        national_list_number=national,
        provincial_list=provincial,
        notes=_t(el, "c:notes/c:note"),
        preface_colophon=_t(el, "c:notes/c:prefaceColophon"),
        publisher_mark=_t(el, "c:notes/c:publisherMark"),
        carvers=_t(el, "c:notes/c:carvers"),
        taboo_notes=_t(el, "c:notes/c:taboo"),
        incomplete_note=_t(el, "c:notes/c:incompleteNote"),
        storage_note=_t(el, "c:location/c:storageNote"),
        acquisition=_t(el, "c:provenance/c:acquisition"),
        authors=[AuthorData(_t(c, "c:name") or "", _t(c, "c:dynasty"), _t(c, "c:role"))
                 for c in el.iterfind("c:creators/c:creator", _N)],
        seals=[SealData(_t(s, "c:text") or "", _t(s, "c:owner"), _t(s, "c:position"))
               for s in el.iterfind("c:seals/c:seal", _N)],
        annotations=[AnnotationData(_t(a, "c:person"), _t(a, "c:kind"), _t(a, "c:description"))
                     for a in el.iterfind("c:provenance/c:annotation", _N)],
        parent_census_number=parent.get("censusNumber") if parent is not None else None,
        bound_with_census_number=bound.get("censusNumber") if bound is not None else None,
        free_text=free,
    )
    inst = el.find("c:location/c:institution", _N)
    review = el.find("c:review", _N)
    return IncomingRecord(data, inst.get("code"), review.get("state"), el.sourceline)


def read_document(fh: IO[bytes], name: str, *, header: Callable[[int, str | None], None],
                  institutions: Callable[[list[tuple[Any, ...]]], None],
                  record: Callable[[IncomingRecord], None]) -> None:
    """Read a census XML document from ``fh`` (``name`` in messages), part by part.

    ``header(record count, audit chain head)`` once the header is read and valid,
    ``institutions(items)`` with ``(code, region code, unit code, is centre, name, line)`` of
    every listed institution, ``record(incoming)`` for every record as soon as it is read and
    valid against the schema. Raises :class:`UnsafeXml` for a DOCTYPE and
    :class:`InvalidExchangeFile` for anything that is not well-formed census XML 1.0 (an empty
    or truncated file included); the callbacks' own exceptions pass through.
    """
    src = _Reader(fh)
    try:
        _read(src, name, header, institutions, record)
    except InvalidExchangeFile:
        if not src.content:
            raise InvalidExchangeFile(f"{name} is empty; nothing was written") from None
        raise


def validate_part(el: Any, what: str) -> None:
    """Check one part (``header``, ``institutions``, a ``record``) against the schema."""
    fs = fragment_schema()
    if not fs.validate(el):
        err = fs.error_log.last_error
        raise InvalidExchangeFile(f"{what} (line {el.sourceline}) does not follow census XML 1.0: "
                                  f"{_short(err.message if err else 'invalid')}; nothing was written")


def _read(fh: _Reader, name: str, on_header: Callable[[int, str | None], None],
          on_institutions: Callable[[list[tuple[Any, ...]]], None],
          on_record: Callable[[IncomingRecord], None]) -> None:
    it = etree.iterparse(fh, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
                         dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True)
    root = None
    closed = False
    parts: list[str] = []  # the document element's children, in order
    pending_insts: list[Any] = []
    R, REC = q("records"), q("record")
    try:
        for event, el in it:
            if root is None:
                root = el
                info = el.getroottree().docinfo
                if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
                    raise UnsafeXml(f"{name} declares a document type (DOCTYPE); census XML never has one, "
                                    "and a DTD can smuggle in entities that read files or the network. "
                                    "The file was refused and nothing was written")
                if el.tag != q("censusExchange"):
                    raise InvalidExchangeFile(f"{name} is not a census XML 1.0 file (root element "
                                              f"{el.tag!r}, expected censusExchange in {NS})")
                if el.get("formatVersion") != "1.0":
                    raise InvalidExchangeFile(f"{name} is census XML version {el.get('formatVersion')!r}; "
                                              "this program reads version 1.0. Nothing was written")
                continue
            if event != "end":
                continue
            parent = el.getparent()
            if el is root:
                closed = True
            elif parent is root:
                parts.append(str(el.tag))  # parsed tags are str; the stubs allow any settable tag type
                if el.tag in (q("header"), q("institutions")):
                    validate_part(el, _short(el.tag))
                if el.tag == q("header"):
                    on_header(int(el.findtext("c:recordCount", namespaces=_N) or 0),
                              el.findtext("c:auditChainHead", namespaces=_N))
                elif el.tag == q("institutions"):
                    on_institutions(pending_insts)
            elif parent is not None and parent.tag == R:
                if el.tag != REC:
                    raise InvalidExchangeFile(f"{name}, line {el.sourceline}: {_short(str(el.tag))!r} is not "
                                              "allowed in <records>; nothing was written")
                validate_part(el, f"record {_t(el, 'c:identifiers/c:censusNumber') or '?'}")
                on_record(parse_record(el))
                el.clear()
                while el.getprevious() is not None:
                    del parent[0]
            elif el.tag == q("institution") and parent is not None and parent.tag == q("institutions"):
                pending_insts.append((el.get("code"), el.get("regionCode"), el.get("unitCode"),
                                      _flag(el.get("isCentre")), _t(el, "c:name"), el.sourceline))
    except etree.XMLSyntaxError as exc:
        raise InvalidExchangeFile(_syntax_message(name, exc)) from None
    if root is None:
        raise InvalidExchangeFile(f"{name} is empty; nothing was written")
    if not closed:
        raise InvalidExchangeFile(f"{name} ends early (the file is truncated); nothing was written")
    if parts != [q("header"), q("institutions"), R]:
        raise InvalidExchangeFile(f"{name} is not a valid census XML 1.0 file: the document must hold "
                                  "<header>, <institutions> and <records> in this order; nothing was written")


def _short(message: str) -> str:
    return message.replace("{" + NS + "}", "")


def _syntax_message(name: str, exc: etree.XMLSyntaxError) -> str:
    msg = str(getattr(exc, "msg", None) or exc)
    line = getattr(exc, "lineno", None)
    if msg.startswith("no element found"):
        # libxml2 gave up after an earlier fatal error; the newest log entry holds the cause.
        last = getattr(getattr(exc, "error_log", None), "last_error", None)
        if last is not None:
            msg, line = last.message, last.line
    msg = _short(msg)
    if "entity" in msg.lower():
        return (f"{name} uses an entity reference ({msg}); census XML has none, and entities are never "
                "expanded. The file was refused and nothing was written")
    where = f" (line {line})" if line else ""
    return f"{name} is not a valid census XML 1.0 file{where}: {msg}. Nothing was written"
