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

Everything happens in ONE write transaction: any error (a malformed file, a schema
violation, a record that fails validation, a permission problem, a link to a
missing record, cancellation) rolls everything back. ``dry_run`` does the whole
merge and then rolls back, so its report is exactly what a real import would do.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import IO, Any

from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord, ReviewState
from guji.census.numbers import parse_census_number
from guji.census.record import AnnotationData, AuthorData, RecordData, SealData, check
from guji.census.service import ENTITY, apply_data, record_data, snapshot, write_search_index
from guji.errors import FieldProblem, GujiError, PermissionDenied, ValidationError
from guji.messages import Message, msg
from guji.models.institution import Institution
from guji.models.user import Role
from guji.services import audit
from guji.services.institutions import FIELDS as INSTITUTION_FIELDS
from export.census_exchange import NS, ExchangeCancelled, fragment_schema, q
from export.census_xml import content_hash

Progress = Callable[[float, str], None]
MAX_PROBLEMS = 200  # problems listed in one error before "…and N more"

_N = {"c": NS}


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


class _Rollback(Exception):
    """Raised inside the transaction of a dry run so that nothing is committed."""


# ------------------------------------------------------------------------------ parsing a record

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


# ------------------------------------------------------------------------------ the import

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
    :class:`ExchangeCancelled` — and in every such case nothing was written.
    """
    actor = app.actor
    if not actor.has(Role.ADMIN, Role.CENSUS):
        raise PermissionDenied(f"{actor.login} may not import records: needs the role 著录员 (census) or "
                               "中心管理员 (admin)")
    report = ImportReport(dry_run=dry_run)
    name = str(source) if isinstance(source, (str, os.PathLike)) else getattr(source, "name", "the file")
    # A plain file is signed by nobody: no approval in it stands by the file alone.
    fh: IO[bytes]
    if isinstance(source, (str, os.PathLike)):
        try:
            fh = open(source, "rb")
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
    finally:
        if fh is not source:
            fh.close()
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

    # --- parsing ------------------------------------------------------------------

    def run(self, fh: IO[bytes], name: str) -> None:
        src = _Reader(fh)
        try:
            self._run(src, name)
        except InvalidExchangeFile:
            if not src.content:
                raise InvalidExchangeFile(f"{name} is empty; nothing was written") from None
            raise

    def _run(self, fh: "_Reader", name: str) -> None:
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
                    parts.append(el.tag)
                    if el.tag in (q("header"), q("institutions")):
                        self._validate(el, _short(el.tag))
                    if el.tag == q("header"):
                        self.total = int(el.findtext("c:recordCount", namespaces=_N) or 0)
                        self.report.audit_chain_head = el.findtext("c:auditChainHead", namespaces=_N)
                    elif el.tag == q("institutions"):
                        self._institutions(pending_insts)
                elif parent is not None and parent.tag == R:
                    if el.tag != REC:
                        raise InvalidExchangeFile(f"{name}, line {el.sourceline}: {_short(el.tag)!r} is not "
                                                  "allowed in <records>; nothing was written")
                    self._record(el)
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

    def _record(self, el: Any) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ExchangeCancelled("import cancelled; nothing was written")
        self._validate(el, f"record {_t(el, 'c:identifiers/c:censusNumber') or '?'}")
        inc = parse_record(el)
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

    def _validate(self, el: Any, what: str) -> None:
        fs = fragment_schema()
        if not fs.validate(el):
            err = fs.error_log.last_error
            raise InvalidExchangeFile(f"{what} (line {el.sourceline}) does not follow census XML 1.0: "
                                      f"{_short(err.message if err else 'invalid')}; nothing was written")

    def _code_of(self, institution_id: int) -> str:
        inst = self.s.get(Institution, institution_id)
        assert inst is not None
        self.codes_by_id[institution_id] = inst.code
        return inst.code

    def _set_hash(self, record_id: int, h: str) -> None:
        t = CensusRecord.__table__
        self.s.execute(update(t).where(t.c.id == record_id).values(exchange_hash=h, updated_at=t.c.updated_at))

    def _create(self, d: RecordData, inst: Institution, state: str, h: str) -> None:
        number = d.census_number or ""
        rec = CensusRecord(census_number=number, serial=int(parse_census_number(number).serial),
                           institution_id=inst.id, state=state, review_round=0, created_by=self.actor.user_id,
                           exchange_hash=h)
        apply_data(self.s, rec, replace(d, parent_census_number=None, bound_with_census_number=None))
        self.s.add(rec)
        self.s.flush()
        write_search_index(self.s, rec, d)
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
        write_search_index(self.s, rec, d)
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
            ids = []
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
            self.s.execute(update(t).where(t.c.id == rid).values(parent_id=ids[0], bound_with_id=ids[1],
                                                                 updated_at=t.c.updated_at))


def _snap(d: RecordData) -> dict[str, Any]:
    out = d.to_dict()
    out.pop("free_text", None)
    return {k: audit.jsonable(v) for k, v in out.items()}


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
