"""MARC export in UNIMARC / CNMARC (MARCXML or ISO 2709), with pymarc.

The mapping of census items to fields is documented field by field in
``docs/marc-mapping.md``; :func:`record_to_marc` is its implementation. Text is
written as stored (traditional characters), UTF-8 (100 $a/26-29 = ``50``, ISO 10646).

Decisions (see the mapping document for the reasons):

* 001 is the census number; 035 carries guji's record id.
* 200 $a is the register's 題名卷數 as recorded (the register does not split title and
  juan count reliably), $9 its pinyin (the CNMARC convention), $f the 著者 statement.
* Names go to 701 (primary responsibility: 撰, 著, 纂, 纂修, 編, 輯, 修…) or 702
  (secondary: 注, 校, 評, 箋, 疏…), indicator 2 = 0 (direct order), dynasty in **$c**
  in full-width brackets before $a, as CNMARC catalogues of 古籍 do (the census has no
  life dates for $f), the mode of responsibility in $4 as text. 批校題跋 persons are
  702 with their kind (批, 校, 題, 跋, 識) in $4.
* 316 (note relating to the copy in hand) holds each seal, each annotation, and the
  extant/missing juan statement, with $5 = holding institution code.
* 905 is the local holding (institution code, name, call number, volumes); 906 the
  local preservation data (grade, damage grade, list numbers) — both local fields.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import IO, Any

from pymarc import Field, Indicators, Leader, MARCWriter, Record, Subfield, XMLWriter

from export.registry import ExportData, ExportRecord, ExportResult
from guji.census import vocab
from guji.census.record import authors_from_statement
from guji.errors import FieldProblem, ValidationError
from guji.jobs import Progress, check_cancel
from guji.text.numerals import format_number

__all__ = ["FORMATS", "PRIMARY_MODES", "record_to_marc", "render_iso2709", "render_xml", "write_records"]

FORMATS = ("xml", "iso2709")
# Modes of responsibility that make a name a primary one (701); every other mode is secondary (702).
PRIMARY_MODES = frozenset({"撰", "著", "纂", "纂修", "修", "編", "編纂", "輯", "編輯", "述", "集", "作", "原著"})
# Edition types that are manuscripts: leader/6 = b (manuscript language material) instead of a.
MANUSCRIPT_TYPES = frozenset({"寫本", "稿本", "手稿本", "清稿本", "修改稿本", "抄本", "影抄本", "彩繪本"})
SOURCE_AGENCY_COUNTRY = "CN"


def _f(tag: str, ind: str, *subs: tuple[str, str | None]) -> Field | None:
    """A data field with the non-empty subfields, or None when all are empty."""
    sf = [Subfield(code, str(value)) for code, value in subs if value not in (None, "")]
    if not sf:
        return None
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=sf)


def _date_100(rec: ExportRecord, created: datetime) -> str:
    """100 $a general processing data, 36 characters (UNIMARC positions in comments)."""
    d = rec.data
    if d.year_start is not None and (d.year_end is None or d.year_end == d.year_start):
        kind, d1, d2 = "d", f"{d.year_start:04d}", "    "  # 8: single known date
    elif d.year_start is not None:
        kind, d1, d2 = "f", f"{d.year_start:04d}", f"{d.year_end:04d}"  # 8: uncertain, earliest/latest
    else:
        kind, d1, d2 = "u", "    ", "    "  # 8: date unknown
    if d1.startswith("-"):  # before 1 CE (rare): no 4-digit form in UNIMARC
        kind, d1, d2 = "u", "    ", "    "
    value = (
        created.strftime("%Y%m%d")  # 0-7 date entered on file
        + kind + d1 + d2  # 8 type of date, 9-12 date 1, 13-16 date 2
        + "m  "  # 17-19 target audience: adult, serious
        + "y"  # 20 government publication: not
        + "0"  # 21 modified record: not modified
        + "chi"  # 22-24 language of cataloguing
        + "y"  # 25 transliteration: none
        + "50  "  # 26-29 character set: ISO 10646 (Unicode)
        + "    "  # 30-33 additional character sets
        + "ea"  # 34-35 script of title: Chinese (Han)
    )
    assert len(value) == 36, value
    return value


def _label(name: str, code: str | None) -> str | None:
    """The label of ``code`` in vocabulary ``name``; the code itself when it is not in the list."""
    if not code:
        return code
    e = vocab.entry(name, code)
    return e.label if e else code


def _publication_date(d: Any) -> str | None:
    """210 $d: the Chinese dating as stated, with the Gregorian year(s) in brackets (``清乾隆三十年[1765]``)."""
    chinese = "".join(x for x in (d.edition_dynasty, d.edition_era) if x)
    if chinese and d.edition_year_of_era:
        chinese += "元年" if d.edition_year_of_era == 1 else f"{format_number(d.edition_year_of_era)}年"
    elif chinese and d.edition_ganzhi:
        chinese += d.edition_ganzhi
    greg = None
    if d.year_start is not None:
        greg = str(d.year_start) if d.year_end in (None, d.year_start) else f"{d.year_start}-{d.year_end}"
    if chinese and greg:
        return f"{chinese}[{greg}]"
    return chinese or (f"[{greg}]" if greg else None)


def _pinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return " ".join(s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.strip())


def record_to_marc(rec: ExportRecord, *, now: datetime | None = None) -> Record:
    """One census record as a UNIMARC/CNMARC :class:`pymarc.Record` (see docs/marc-mapping.md)."""
    d = rec.data
    now = now or datetime.now()
    r = Record(force_utf8=True, to_unicode=True)
    kind = "b" if (d.edition_type in MANUSCRIPT_TYPES or d.edition_subtype in MANUSCRIPT_TYPES) else "a"
    level = "1" if rec.children else ("2" if d.parent_census_number else " ")
    # Leader: 5 status new, 6 type, 7 monograph, 8 hierarchical level, 10-11 indicator/subfield
    # code counts, 17 full level, 18 ISBD form, 20-23 entry map. Lengths are set by pymarc.
    r.leader = Leader(f"00000n{kind}m{level} 2200000   450 ")
    fields: list[Field | None] = []
    fields.append(Field(tag="001", data=rec.census_number))
    updated = rec.updated_at or now
    fields.append(Field(tag="005", data=updated.strftime("%Y%m%d%H%M%S.0")))
    fields.append(_f("035", "  ", ("a", f"(guji){rec.id}")))
    created = now
    fields.append(_f("100", "  ", ("a", _date_100(rec, created))))
    fields.append(_f("101", "0 ", ("a", "chi")))
    title = d.title or ""
    fields.append(_f("200", "1 ", ("a", title), ("9", _pinyin(title)), ("f", d.author_statement)))
    fields.append(_f("205", "  ", ("a", d.edition_statement)))
    fields.append(_f("210", "  ", ("a", d.publication_place), ("c", d.publisher), ("d", _publication_date(d))))
    if d.volumes is not None:
        fields.append(_f("215", "  ", ("a", f"{d.cases}函{d.volumes}冊" if d.cases else f"{d.volumes}冊")))
    # Notes.
    for line in (d.notes or "").splitlines():
        fields.append(_f("300", "  ", ("a", line)))
    for label, value in (("版本補配", d.edition_supplement), ("序跋", d.preface_colophon), ("牌記", d.publisher_mark),
                         ("刻工", d.carvers), ("避諱", d.taboo_notes)):
        if value:
            fields.append(_f("305", "  ", ("a", f"{label}：{value}")))
    physical = []
    if d.frame_height_cm is not None or d.frame_width_cm is not None:
        h = d.frame_height_cm if d.frame_height_cm is not None else "?"
        w = d.frame_width_cm if d.frame_width_cm is not None else "?"
        physical.append(f"{'半框' if d.frame_is_half else '版框'}高{h}釐米，寬{w}釐米" +
                        ("（量內框）" if d.frame_edge == "inner" else ""))
    if d.layout_statement:
        physical.append(d.layout_statement)
    if d.binding:
        physical.append(d.binding)
    if physical:
        fields.append(_f("307", "  ", ("a", "。".join(physical))))
    holder = rec.institution_code
    if d.extant:
        fields.append(_f("316", "  ", ("a", d.extant), ("5", holder)))
    if d.incomplete_note:
        fields.append(_f("316", "  ", ("a", d.incomplete_note), ("5", holder)))
    for s in d.seals:
        note = f"鈐印「{s.text}」" + (f"（{s.owner}）" if s.owner else "") + (f"，{s.position}" if s.position else "")
        fields.append(_f("316", "  ", ("a", note), ("5", holder)))
    for ann in d.annotations:
        note = "".join(x for x in (ann.person, ann.kind) if x) + (f"：{ann.description}" if ann.description else "")
        fields.append(_f("316", "  ", ("a", note), ("5", holder)))
    if d.acquisition:
        fields.append(_f("317", "  ", ("a", d.acquisition), ("5", holder)))
    if rec.children:
        fields.append(_f("327", "1 ", *[("a", t) for _, t in rec.children]))
    # Links: the collectanea a 子目 belongs to (461), the record it is bound with (482).
    if d.parent_census_number:
        fields.append(_f("461", " 0", ("0", d.parent_census_number)))
    if d.bound_with_census_number:
        fields.append(_f("482", " 0", ("0", d.bound_with_census_number)))
    # 四部 classification as "other class number" with a local system code.
    cls = "".join(x for x in (_label("classification", d.class_branch), _label("classification", d.class_category),
                              _label("classification", d.class_subcategory)) if x)
    if cls:
        fields.append(_f("686", "  ", ("a", cls), ("2", "sibu")))
    # Names.
    authors = d.authors or authors_from_statement(d.author_statement)
    for author in authors:
        tag = "701" if (author.mode or "") in PRIMARY_MODES or not author.mode else "702"
        fields.append(_f(tag, " 0", ("c", f"（{author.dynasty}）" if author.dynasty else None), ("a", author.name),
                         ("9", _pinyin(author.name)), ("4", author.mode)))
    for ann in d.annotations:
        if ann.person:
            fields.append(_f("702", " 0", ("a", ann.person), ("9", _pinyin(ann.person)),
                             ("4", ann.kind or "批校題跋")))
    fields.append(_f("801", " 0", ("a", SOURCE_AGENCY_COUNTRY), ("b", holder), ("c", now.strftime("%Y%m%d"))))
    fields.append(_f("905", "  ", ("a", holder), ("b", rec.institution_name), ("d", d.call_number),
                     ("f", None if d.volumes is None else str(d.volumes))))
    grade = _label("grade", d.grade)
    damage = _label("damage_grade", d.damage_grade)
    fields.append(_f("906", "  ", ("a", grade), ("b", damage), ("c", d.national_list_number), ("d", d.provincial_list)))
    for f in fields:
        if f is not None:
            r.add_field(f)
    return r


def write_records(records: Any, out: IO[bytes], *, format: str = "xml", total: int = 0,
                  progress: Progress | None = None, cancel: threading.Event | None = None) -> int:
    """Write ``records`` (:class:`ExportRecord`, in order) as MARC to the binary file ``out``.

    ``format`` is ``xml`` (MARCXML, one ``<collection>``) or ``iso2709`` (binary, UTF-8).
    Returns the number written; raises :class:`ValidationError` for an unknown format and
    :class:`guji.jobs.Cancelled` when ``cancel`` is set.
    """
    if format not in FORMATS:
        raise ValidationError(FieldProblem("format", f"unknown MARC format {format!r}; use xml or iso2709", format))
    now = datetime.now()
    n = 0
    writer: Any = XMLWriter(out) if format == "xml" else MARCWriter(out)
    for rec in records:
        check_cancel(cancel)
        writer.write(record_to_marc(rec, now=now))
        n += 1
        if progress is not None and n % 250 == 0:
            progress(n / max(total, n), f"{n} / {total}")
    if format == "xml":
        writer.close(close_fh=False)
    if progress:
        progress(1.0, f"{n} records")
    return n


def render_xml(data: ExportData, out: IO[bytes], progress: Progress | None = None,
               cancel: threading.Event | None = None) -> ExportResult:
    """The records as MARCXML (the ``marc_xml`` format of :mod:`export.registry`)."""
    n = write_records(data.records, out, format="xml", total=data.total, progress=progress, cancel=cancel)
    return ExportResult("marc_xml", getattr(out, "name", ""), n)


def render_iso2709(data: ExportData, out: IO[bytes], progress: Progress | None = None,
                   cancel: threading.Event | None = None) -> ExportResult:
    """The records as ISO 2709 (the ``marc_iso`` format of :mod:`export.registry`)."""
    n = write_records(data.records, out, format="iso2709", total=data.total, progress=progress, cancel=cancel)
    return ExportResult("marc_iso", getattr(out, "name", ""), n)
