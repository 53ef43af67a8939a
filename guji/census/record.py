"""A census record as plain data, how its derived items are filled in, and how it is validated.

:class:`RecordData` is what users, the Excel import, the XML import and the demo
generator hand to :class:`guji.census.service.CensusService`; :class:`RecordView`
is what comes back. Neither is bound to a database session, so both cross
threads safely.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import attrgetter
from typing import Any

from guji.census import vocab
from guji.census.era import EraParseError, parse_chinese_numeral, parse_era
from guji.census.leaf_format import LeafFormatError, parse_leaf_format
from guji.census.numbers import CensusNumberError, parse_census_number
from guji.errors import FieldProblem
from guji.text.numerals import parse_number

# Scalar fields a user edits, in the order of the register and the editor.
SCALAR_FIELDS: tuple[str, ...] = (
    "census_number", "call_number", "title", "author_statement", "edition_statement", "volumes", "extant",
    "juan_count", "cases", "other_titles",
    "class_branch", "class_category", "class_subcategory",
    "edition_dynasty", "edition_era", "edition_year_of_era", "edition_ganzhi", "year_start", "year_end",
    "date_precision", "publisher", "publication_place", "edition_type", "edition_subtype", "edition_supplement",
    "frame_height_cm", "frame_width_cm", "frame_edge", "frame_is_half", "lines_per_half_leaf", "chars_per_line",
    "layout_statement", "commentary", "banko", "fishtail", "border", "shu_er", "binding",
    "grade", "damage_grade", "national_list_number", "provincial_list",
    "notes", "preface_colophon", "publisher_mark", "carvers", "taboo_notes", "incomplete_note", "storage_note",
    "acquisition",
)

# Labels of each field as census staff know them (errors and the Excel template use these).
FIELD_LABELS: dict[str, str] = {
    "census_number": "普查编号", "call_number": "索书号", "title": "题名卷数", "author_statement": "著者",
    "edition_statement": "版本", "volumes": "册数", "extant": "存缺卷数", "juan_count": "卷数", "cases": "函数",
    "other_titles": "其他题名", "class_branch": "分类（部）", "class_category": "分类（类）",
    "class_subcategory": "分类（属）", "edition_dynasty": "版本朝代", "edition_era": "年号",
    "edition_year_of_era": "年号纪年", "edition_ganzhi": "干支", "year_start": "公元纪年（起）",
    "year_end": "公元纪年（止）", "date_precision": "纪年精度", "publisher": "出版者", "publication_place": "出版地",
    "edition_type": "版本类型", "edition_subtype": "版本类型细目", "edition_supplement": "版本补配",
    "frame_height_cm": "版框高", "frame_width_cm": "版框宽", "frame_edge": "版框量法", "frame_is_half": "半框",
    "lines_per_half_leaf": "行数", "chars_per_line": "字数", "layout_statement": "行款", "commentary": "小字",
    "banko": "版口", "fishtail": "鱼尾", "border": "边栏", "shu_er": "书耳", "binding": "装帧", "grade": "定级",
    "damage_grade": "破损级别", "national_list_number": "国家名录号", "provincial_list": "省级名录",
    "notes": "附注", "preface_colophon": "序跋", "publisher_mark": "牌记", "carvers": "刻工", "taboo_notes": "避讳",
    "incomplete_note": "残存附注", "storage_note": "存放", "acquisition": "入藏", "authors": "著者",
    "seals": "钤印", "annotations": "批校题跋", "institution": "收藏单位", "parent_census_number": "所属丛书",
    "bound_with_census_number": "合订",
}

# The most characters each text item may hold: far above anything a catalogue writes (a 題名卷數
# runs to a few dozen characters, a long 附注 or 序跋 transcription to a few thousand), low enough
# that a record and its audit row stay small whatever is pasted or imported. Items stored in a
# sized column (String(n), see guji.census.models) are also held to that size; the smaller wins.
TEXT_LIMITS: dict[str, int] = {
    "census_number": 19, "call_number": 100, "title": 2_000, "author_statement": 2_000,
    "edition_statement": 2_000, "extant": 2_000, "other_titles": 2_000,
    "class_branch": 40, "class_category": 60, "class_subcategory": 80,
    "edition_dynasty": 20, "edition_era": 20, "edition_ganzhi": 4, "date_precision": 12,
    "publisher": 200, "publication_place": 100, "edition_type": 40, "edition_subtype": 40,
    "edition_supplement": 2_000, "frame_edge": 8, "layout_statement": 2_000, "commentary": 60,
    "banko": 20, "fishtail": 30, "border": 20, "shu_er": 40, "binding": 20, "grade": 4, "damage_grade": 8,
    "national_list_number": 10, "provincial_list": 100,
    "notes": 20_000, "preface_colophon": 20_000, "publisher_mark": 2_000, "carvers": 2_000,
    "taboo_notes": 2_000, "incomplete_note": 2_000, "storage_note": 2_000, "acquisition": 2_000,
    "parent_census_number": 40, "bound_with_census_number": 40,
}
# The parts of the repeated items (authors, seals, annotations), and how many of each a record may hold.
PART_LIMITS: dict[str, dict[str, int]] = {
    "authors": {"name": 200, "dynasty": 20, "mode": 20},
    "seals": {"text": 200, "owner": 200, "position": 60},
    "annotations": {"person": 200, "kind": 10, "description": 2_000},
}
ITEM_LIMITS: dict[str, int] = {"authors": 500, "seals": 500, "annotations": 500}

INT_FIELDS = {"volumes", "juan_count", "cases", "edition_year_of_era", "year_start", "year_end",
              "lines_per_half_leaf", "chars_per_line"}
DECIMAL_FIELDS = {"frame_height_cm", "frame_width_cm"}
BOOL_FIELDS = {"frame_is_half"}
# Fields checked against a vocabulary (value → vocabulary name). A value outside it
# is an error unless the field is in ``free_text``: catalogues sometimes need a
# term the list lacks, and then staff say so explicitly.
VOCAB_FIELDS = {"binding": "binding", "edition_type": "edition_type", "banko": "banko", "border": "border",
                "frame_edge": "frame_measured_edge"}
CODE_FIELDS = {"grade": "grade", "damage_grade": "damage_grade", "class_branch": "classification",
               "class_category": "classification", "class_subcategory": "classification"}

FRAME_MIN_CM = Decimal("5")
FRAME_MAX_CM = Decimal("60")
_TENTH = Decimal("0.1")


@dataclass
class AuthorData:
    name: str
    dynasty: str | None = None
    mode: str | None = None


@dataclass
class SealData:
    text: str
    owner: str | None = None
    position: str | None = None


@dataclass
class AnnotationData:
    person: str | None = None
    kind: str | None = None
    description: str | None = None


@dataclass
class RecordData:
    """Everything a user can enter for one record. ``None`` means not stated.

    ``census_number`` None asks the service to assign the unit's next serial.
    ``free_text`` names vocabulary fields whose value is deliberately outside the list.
    """

    census_number: str | None = None
    call_number: str | None = None
    title: str | None = None
    author_statement: str | None = None
    edition_statement: str | None = None
    volumes: int | None = None
    extant: str | None = None
    juan_count: int | None = None
    cases: int | None = None
    other_titles: str | None = None
    class_branch: str | None = None
    class_category: str | None = None
    class_subcategory: str | None = None
    edition_dynasty: str | None = None
    edition_era: str | None = None
    edition_year_of_era: int | None = None
    edition_ganzhi: str | None = None
    year_start: int | None = None
    year_end: int | None = None
    date_precision: str | None = None
    publisher: str | None = None
    publication_place: str | None = None
    edition_type: str | None = None
    edition_subtype: str | None = None
    edition_supplement: str | None = None
    frame_height_cm: Decimal | None = None
    frame_width_cm: Decimal | None = None
    frame_edge: str | None = None
    frame_is_half: bool | None = None
    lines_per_half_leaf: int | None = None
    chars_per_line: int | None = None
    layout_statement: str | None = None
    commentary: str | None = None
    banko: str | None = None
    fishtail: str | None = None
    border: str | None = None
    shu_er: str | None = None
    binding: str | None = None
    grade: str | None = None
    damage_grade: str | None = None
    national_list_number: str | None = None
    provincial_list: str | None = None
    notes: str | None = None
    preface_colophon: str | None = None
    publisher_mark: str | None = None
    carvers: str | None = None
    taboo_notes: str | None = None
    incomplete_note: str | None = None
    storage_note: str | None = None
    acquisition: str | None = None
    authors: list[AuthorData] = field(default_factory=list)
    seals: list[SealData] = field(default_factory=list)
    annotations: list[AnnotationData] = field(default_factory=list)
    parent_census_number: str | None = None
    bound_with_census_number: str | None = None
    free_text: set[str] = field(default_factory=set)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (decimals as strings, sets as sorted lists)."""
        d = asdict(self)
        for k in DECIMAL_FIELDS:
            if d[k] is not None:
                d[k] = str(d[k])
        d["free_text"] = sorted(self.free_text)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RecordData:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in d.items() if k in known}
        kwargs["authors"] = [a if isinstance(a, AuthorData) else AuthorData(**a) for a in d.get("authors") or []]
        kwargs["seals"] = [s if isinstance(s, SealData) else SealData(**s) for s in d.get("seals") or []]
        kwargs["annotations"] = [a if isinstance(a, AnnotationData) else AnnotationData(**a)
                                 for a in d.get("annotations") or []]
        kwargs["free_text"] = set(d.get("free_text") or ())
        for k in DECIMAL_FIELDS:
            if kwargs.get(k) is not None:
                kwargs[k] = Decimal(str(kwargs[k]))
        return cls(**kwargs)


@dataclass(frozen=True)
class RecordView:
    """A stored record with its identity, holder, review state and links."""

    id: int
    data: RecordData
    institution_id: int
    institution_code: str
    institution_name: str
    state: str
    review_round: int
    version: int
    created_at: Any
    updated_at: Any
    parent_id: int | None = None
    bound_with_id: int | None = None
    children: tuple[tuple[int, str, str], ...] = ()  # (id, census number, title) of 子目

    @property
    def census_number(self) -> str:
        assert self.data.census_number is not None
        return self.data.census_number

    @property
    def locked(self) -> bool:
        return self.state in ("submitted", "unit_approved", "centre_approved")


@dataclass(frozen=True)
class Checked:
    """Outcome of validation: errors block saving; warnings are shown and saving goes on."""

    errors: list[FieldProblem]
    warnings: list[FieldProblem]
    data: RecordData  # normalised, with derived items filled in

    @property
    def ok(self) -> bool:
        return not self.errors


# ----------------------------------------------------------------------- normalising

_WS = re.compile(r"\s+")


def clean_text(value: Any) -> str | None:
    """NFC, trimmed, inner runs of whitespace collapsed; '' → None. Characters are kept as entered."""
    if value is None:
        return None
    if type(value) is str:
        return _clean_str(value) if len(value) <= 200 else _clean(value)
    return _clean(str(value))


def _clean(value: str) -> str | None:
    text = unicodedata.normalize("NFC", value).strip()
    text = _WS.sub(" ", text) if "\n" not in text else "\n".join(_WS.sub(" ", ln).strip() for ln in text.splitlines())
    return text or None


# Registers repeat short values (editions, bindings, 行款, classifications) on most rows; the
# cleaned form is a pure function of the text. Long notes are cleaned without the cache.
_clean_str = lru_cache(maxsize=65536)(_clean)


def to_int(value: Any, name: str, problems: list[FieldProblem]) -> int | None:
    """An integer from int, float without fraction, or text (full-width digits or Chinese numerals too)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        problems.append(FieldProblem(name, "must be a whole number", value))
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        problems.append(FieldProblem(name, f"must be a whole number, not {value}", value))
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?\d+\.0+", text):
        return int(float(text))
    try:
        return parse_chinese_numeral(text)
    except (ValueError, KeyError):
        problems.append(FieldProblem(name, f"must be a whole number, not {value!r}", value))
        return None


def to_decimal(value: Any, name: str, problems: list[FieldProblem]) -> Decimal | None:
    if value is None or value == "":
        return None
    if type(value) is float and math.isfinite(value):
        # A number cell (most frame sizes): its text is plain ASCII, the cleaning below leaves it as it is.
        return Decimal(str(value)).quantize(_TENTH)
    if isinstance(value, bool):
        problems.append(FieldProblem(name, "must be a number", value))
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower().removesuffix("cm").removesuffix("公分").strip()
    try:
        d = Decimal(text)
    except InvalidOperation:
        problems.append(FieldProblem(name, f"must be a number of centimetres, not {value!r}", value))
        return None
    if not d.is_finite():
        problems.append(FieldProblem(name, "must be a finite number", value))
        return None
    return d.quantize(Decimal("0.1"))


_JUAN_RE = re.compile(r"([〇零一二三四五六七八九十百千廿卅卌两兩\d]+)卷")


def juan_from_title(title: str | None) -> int | None:
    """The juan count a title ends with (``墨子十五卷`` → 15; several works: the sum)."""
    if not title:
        return None
    return _juan_short(title) if len(title) <= 200 else _juan(title)


def _juan(title: str) -> int | None:
    total = 0
    found = False
    for m in _JUAN_RE.finditer(unicodedata.normalize("NFKC", title)):
        try:
            total += parse_number(m.group(1))
            found = True
        except ValueError:
            continue
    return total if found else None


# A pure function of the title; registers repeat titles (the copies of one edition).
_juan_short = lru_cache(maxsize=16384)(_juan)


_EXTANT_RANGE = re.compile(
    r"(?:卷)?([〇零一二三四五六七八九十百千廿卅两兩\d]+)(?:卷)?(?:至|到|-|—|～|~)(?:卷)?([〇零一二三四五六七八九十百千廿卅两兩\d]+)")
_EXTANT_ONE = re.compile(r"卷([〇零一二三四五六七八九十百千廿卅两兩\d]+)")
_EXTANT_COUNT = re.compile(r"^存([〇零一二三四五六七八九十百千廿卅两兩\d]+)卷")


def extant_juan_numbers(extant: str) -> tuple[set[int], int | None]:
    """Juan numbers named in a 存缺卷數 statement, and a bare count (``存十卷``) if given."""
    text = unicodedata.normalize("NFKC", extant).replace("卷首", "").replace("卷末", "")
    nums: set[int] = set()
    count = None
    m = _EXTANT_COUNT.match(text)
    if m:
        count = parse_number(m.group(1))
        text = text[m.end():]
    for m in _EXTANT_RANGE.finditer(text):
        a, b = parse_number(m.group(1)), parse_number(m.group(2))
        if a <= b:
            nums.update(range(a, b + 1))
        text = text.replace(m.group(0), " ")
    for m in _EXTANT_ONE.finditer(text):
        nums.add(parse_number(m.group(1)))
    return nums, count


_AUTHOR_RE = re.compile(r"[（(［\[]([^）)］\]]{1,6})[）)］\]]([^（(［\[]+)")


def authors_from_statement(statement: str | None) -> list[AuthorData]:
    """``（明）王懋德（明）陸鳳儀纂修`` → two authors; the trailing mode applies to those without one."""
    if not statement:
        return []
    return [AuthorData(name, dynasty, mode) for name, dynasty, mode in _parsed_authors(statement)]


@lru_cache(maxsize=16384)  # statements repeat across a register; callers get fresh AuthorData
def _parsed_authors(statement: str) -> tuple[tuple[str, str, str | None], ...]:
    modes = _author_modes()
    out: list[list[Any]] = []
    for m in _AUTHOR_RE.finditer(statement):
        dynasty, rest = m.group(1).strip(), m.group(2).strip()
        mode = next((md for md in modes if rest.endswith(md) and len(rest) > len(md)), None)
        name = rest[: -len(mode)] if mode else rest
        out.append([name.strip(), dynasty, mode])
    if out and out[-1][2]:
        for a in out:
            if a[2] is None:
                a[2] = out[-1][2]
    return tuple((a[0], a[1], a[2]) for a in out)


@lru_cache(maxsize=1)
def _author_modes() -> tuple[str, ...]:
    """Modes of responsibility, traditional then simplified, longest first (纂修 before 修)."""
    entries = vocab.choices("author_mode")
    return (tuple(sorted((e.label for e in entries), key=len, reverse=True))
            + tuple(sorted((e.simplified for e in entries), key=len, reverse=True)))


def statement_from_authors(authors: list[AuthorData]) -> str | None:
    """Authors back to the catalogue form; consecutive authors with one mode share it at the end."""
    if not authors:
        return None
    parts: list[str] = []
    for i, a in enumerate(authors):
        piece = (f"（{a.dynasty}）" if a.dynasty else "") + a.name
        nxt = authors[i + 1] if i + 1 < len(authors) else None
        if a.mode and not (nxt and nxt.mode == a.mode):
            piece += a.mode
        parts.append(piece)
    return "".join(parts)


# ------------------------------------------------------------------------- checking

def normalise(data: RecordData) -> tuple[RecordData, list[FieldProblem]]:
    """Clean every field (text trimmed and NFC, numbers parsed); return problems found on the way."""
    problems: list[FieldProblem] = []
    values = dict.fromkeys(SCALAR_FIELDS)
    # One pass over the stated values (most items of a record are not stated); this runs for each row
    # of an import.
    for name, raw, kind in zip(SCALAR_FIELDS, _scalar_values(data), _KINDS, strict=True):
        if raw is None:
            continue
        if kind == "text":
            values[name] = _clean_str(raw) if type(raw) is str and len(raw) <= 200 else clean_text(raw)
        elif kind == "int":
            values[name] = to_int(raw, name, problems)
        elif kind == "decimal":
            values[name] = to_decimal(raw, name, problems)
        else:
            values[name] = None if raw == "" else bool(raw)
    values["authors"] = [AuthorData(clean_text(a.name) or "", clean_text(a.dynasty), clean_text(a.mode))
                         for a in data.authors]
    values["seals"] = [SealData(clean_text(s.text) or "", clean_text(s.owner), clean_text(s.position))
                       for s in data.seals]
    values["annotations"] = [AnnotationData(clean_text(a.person), clean_text(a.kind), clean_text(a.description))
                             for a in data.annotations]
    values["parent_census_number"] = clean_text(data.parent_census_number)
    values["bound_with_census_number"] = clean_text(data.bound_with_census_number)
    values["free_text"] = set(data.free_text)
    return make_record_data(values), problems


_KINDS: tuple[str, ...] = tuple(
    "int" if name in INT_FIELDS else "decimal" if name in DECIMAL_FIELDS else "bool" if name in BOOL_FIELDS else
    "text" for name in SCALAR_FIELDS)
_scalar_values = attrgetter(*SCALAR_FIELDS)  # the scalar fields of a record as a tuple, in one C call

# Every field of RecordData in order, with its default (None for the lists and the set: made fresh).
_FIELD_DEFAULTS: dict[str, Any] = {f.name: None if f.default is MISSING else f.default for f in fields(RecordData)}


def make_record_data(values: dict[str, Any]) -> RecordData:
    """``RecordData(**values)``, several times cheaper (an import builds two for each row): the dataclass's
    ``__init__`` with its 56 keyword arguments is skipped. ``values`` names fields only (what
    it leaves out takes its default); RecordData has no ``__post_init__`` for this to miss."""
    d = _FIELD_DEFAULTS.copy()
    d.update(values)
    if len(d) != len(_FIELD_DEFAULTS):
        raise TypeError(f"not fields of RecordData: {sorted(set(d) - set(_FIELD_DEFAULTS))}")
    if d["authors"] is None:
        d["authors"] = []
    if d["seals"] is None:
        d["seals"] = []
    if d["annotations"] is None:
        d["annotations"] = []
    if d["free_text"] is None:
        d["free_text"] = set()
    out = object.__new__(RecordData)
    out.__dict__.update(d)
    return out


def derive(data: RecordData) -> RecordData:
    """Fill derived items the user left empty: dating from the edition statement, juan count from
    the title, authors from the author statement (and back), line counts from the 行款 statement.
    Values the user gave always win."""
    d = replace(data, authors=list(data.authors), seals=list(data.seals), annotations=list(data.annotations))
    _fill_derived(d)
    return d


def _fill_derived(d: RecordData) -> None:
    """:func:`derive` in place (check() works on the fresh copy normalise() made)."""
    if d.edition_statement and d.year_start is None and d.edition_era is None and d.edition_dynasty is None:
        try:
            era = _dated(d.edition_statement)
        except EraParseError:
            era = None
        if era is not None and not era.is_ambiguous:
            d.edition_dynasty = era.dynasty
            d.edition_era = era.era
            d.edition_year_of_era = era.year_of_era
            d.edition_ganzhi = era.ganzhi
            if era.gregorian:
                d.year_start, d.year_end = era.gregorian
            d.date_precision = era.precision
    if d.edition_type is None and d.edition_statement:
        d.edition_type = edition_type_of(d.edition_statement)
    if d.juan_count is None:
        d.juan_count = juan_from_title(d.title)
    if not d.authors and d.author_statement:
        d.authors = authors_from_statement(d.author_statement)
    if d.author_statement is None and d.authors:
        d.author_statement = statement_from_authors(d.authors)
    if d.layout_statement and (d.lines_per_half_leaf is None or d.chars_per_line is None):
        try:
            lf = _leaf_format(d.layout_statement)
        except LeafFormatError:
            lf = None
        if lf is not None:
            d.lines_per_half_leaf = d.lines_per_half_leaf or lf.lines_per_half_leaf
            d.chars_per_line = d.chars_per_line or lf.chars_per_line
            d.banko = d.banko or lf.banko
            d.border = d.border or lf.border
            if d.fishtail is None and lf.yuwei:
                d.fishtail = "".join(y.text for y in lf.yuwei) or None
            if d.frame_height_cm is None and lf.frame_height_cm is not None:
                d.frame_height_cm = Decimal(str(lf.frame_height_cm)).quantize(Decimal("0.1"))
                d.frame_width_cm = Decimal(str(lf.frame_width_cm)).quantize(Decimal("0.1"))
    if d.frame_edge is None and d.frame_height_cm is not None:
        d.frame_edge = "outer"


@lru_cache(maxsize=8192)
def _dated(statement: str) -> Any:
    """parse_era, cached: bulk imports repeat the same edition statements, and the result is immutable."""
    return parse_era(statement)


@lru_cache(maxsize=8192)
def _leaf_format(statement: str) -> Any:
    """parse_leaf_format, cached (read only by derive(), which copies the values it needs)."""
    return parse_leaf_format(statement)


def edition_type_of(statement: str) -> str | None:
    """The edition-type term a statement ends with (``…武英殿刻本`` → 刻本, ``…銅活字印本`` → 活字本)."""
    return _edition_type_of(statement.strip())


@lru_cache(maxsize=8192)  # pure in the statement (the vocabulary is fixed once loaded); imports repeat statements
def _edition_type_of(text: str) -> str | None:
    for term, label in _edition_type_terms():
        if term in text:
            top = vocab.entry("edition_type", label)
            if top is not None and top.parent_code:
                parent = next((p for p in vocab.choices("edition_type") if p.code == top.parent_code), None)
                return parent.label if parent else label
            return label
    if "活字" in text:
        return "活字本"
    if re.search(r"[刻刊]本|[刻刊]印本", text):
        return "刻本"
    return None


@lru_cache(maxsize=1)
def _edition_type_terms() -> tuple[tuple[str, str], ...]:
    """Every edition-type label and its simplified form, longest first (a longer term wins)."""
    labels: list[tuple[str, str]] = []
    for e in vocab.choices("edition_type"):
        labels.append((e.label, e.label))
        labels.append((e.simplified, e.label))
    return tuple((t, lab) for t, lab in sorted(labels, key=lambda t: len(t[0]), reverse=True) if t)


def check(data: RecordData, *, region_code: str | None = None, unit_code: str | None = None) -> Checked:
    """Normalise, derive and validate a record. Errors name the field; nothing is written here."""
    data, errors = normalise(data)
    _fill_derived(data)
    warnings: list[FieldProblem] = []

    for name in ("title", "edition_statement"):
        if not getattr(data, name):
            errors.append(FieldProblem(name, "is required"))
    if data.volumes is None:
        errors.append(FieldProblem("volumes", "is required"))
    elif data.volumes <= 0:
        errors.append(FieldProblem("volumes", f"must be a positive whole number, not {data.volumes}", data.volumes))
    if data.cases is not None and data.cases <= 0:
        errors.append(FieldProblem("cases", "must be a positive whole number", data.cases))
    if not data.call_number:
        warnings.append(FieldProblem("call_number", "is empty"))
    if not data.author_statement and not data.authors:
        warnings.append(FieldProblem("author_statement", "is empty (write 佚名 for an unknown author)"))

    if data.census_number is not None:
        try:
            num = parse_census_number(data.census_number)
        except CensusNumberError as exc:
            errors.append(FieldProblem("census_number", getattr(exc, "message", str(exc)), data.census_number))
        else:
            data.census_number = str(num)
            if region_code and (num.region != region_code or num.unit != unit_code):
                errors.append(FieldProblem(
                    "census_number",
                    f"{num} belongs to {num.region}-{num.unit}, not to the holding institution "
                    f"{region_code}-{unit_code}", data.census_number))

    if data.juan_count is not None and data.juan_count <= 0:
        errors.append(FieldProblem("juan_count", "must be positive", data.juan_count))
    if data.extant:
        try:
            nums, count = extant_juan_numbers(data.extant)
        except ValueError:
            nums, count = set(), None
        if data.juan_count is not None:
            beyond = sorted(n for n in nums if n > data.juan_count or n < 1)
            if beyond and "缺" not in data.extant.split("存")[0]:
                errors.append(FieldProblem(
                    "extant", f"names juan {beyond[0]} but the title has {data.juan_count} juan", data.extant))
            if count is not None and count > data.juan_count:
                errors.append(FieldProblem(
                    "extant", f"says {count} juan survive but the title has {data.juan_count}", data.extant))

    for name in ("frame_height_cm", "frame_width_cm"):
        v = getattr(data, name)
        if v is not None and not (FRAME_MIN_CM <= v <= FRAME_MAX_CM):
            errors.append(FieldProblem(
                name, f"{v} cm is not a plausible frame size ({FRAME_MIN_CM}–{FRAME_MAX_CM} cm)", v))
    if data.lines_per_half_leaf is not None and not (1 <= data.lines_per_half_leaf <= 40):
        errors.append(FieldProblem("lines_per_half_leaf", "must be between 1 and 40", data.lines_per_half_leaf))
    if data.chars_per_line is not None and not (1 <= data.chars_per_line <= 80):
        errors.append(FieldProblem("chars_per_line", "must be between 1 and 80", data.chars_per_line))
    if data.year_start is not None and data.year_end is not None and data.year_end < data.year_start:
        errors.append(FieldProblem("year_end", "is before the start year", data.year_end))
    if data.year_start is not None and data.year_start > 1949:
        warnings.append(FieldProblem(
            "year_start", f"{data.year_start} is late for an ancient book (古籍 are pre-1912)"))

    for name, vname in VOCAB_FIELDS.items():
        value = getattr(data, name)
        if value is None:
            continue
        if vocab.is_valid(vname, value):
            setattr(data, name, vocab.normalise(vname, value))
        elif name in data.free_text:
            warnings.append(FieldProblem(name, f"{value!r} is not in the list (kept as free text)", value))
        else:
            errors.append(FieldProblem(name, f"{value!r} is not in the list of {FIELD_LABELS[name]} terms", value))
    if data.frame_edge is not None:
        e = vocab.entry("frame_measured_edge", data.frame_edge)
        data.frame_edge = e.code if e is not None else data.frame_edge
    for name, vname in CODE_FIELDS.items():
        value = getattr(data, name)
        if value is None:
            continue
        e = vocab.entry(vname, value)
        if e is None:
            errors.append(FieldProblem(name, f"{value!r} is not a known {FIELD_LABELS[name]}", value))
        else:
            setattr(data, name, e.code)
    _check_classification(data, errors)

    for i, a in enumerate(data.authors):
        if not a.name:
            errors.append(FieldProblem("authors", f"author {i + 1} has no name"))
        if a.mode and not vocab.is_valid("author_mode", a.mode) and "authors" not in data.free_text:
            warnings.append(FieldProblem("authors", f"mode {a.mode!r} of {a.name} is not in the list"))
        if a.dynasty and not _known_dynasty(a.dynasty):
            warnings.append(FieldProblem("authors", f"dynasty {a.dynasty!r} of {a.name} is not in the list"))
    for i, s in enumerate(data.seals):
        if not s.text:
            errors.append(FieldProblem("seals", f"seal {i + 1} has no text (write □ for an unread character)"))
    for i, note in enumerate(data.annotations):
        if note.kind and not vocab.is_valid("annotation_kind", note.kind):
            errors.append(FieldProblem("annotations", f"annotation {i + 1}: {note.kind!r} is not 批, 校, 題, 跋 or 識"))
        if not (note.person or note.description):
            errors.append(FieldProblem("annotations", f"annotation {i + 1} is empty"))
    if data.national_list_number is not None:
        n = unicodedata.normalize("NFKC", data.national_list_number)
        if not re.fullmatch(r"\d{5}", n):
            errors.append(FieldProblem("national_list_number", "must be 5 digits, e.g. 03832",
                                       data.national_list_number))
        data.national_list_number = n
    _check_lengths(data, errors)
    return Checked(errors, warnings, data)


@lru_cache(maxsize=1)
def _max_lengths() -> tuple[tuple[tuple[str, int], ...], dict[str, tuple[tuple[str, int], ...]]]:
    """:data:`TEXT_LIMITS` (the items stored on the record row first) and :data:`PART_LIMITS`, as tuples.

    Where an item's column has a size, its limit here is that size (PostgreSQL refuses longer
    text, SQLite would keep it); ``tests/census/test_layers.py`` holds the tables to these limits.
    """
    scalars = tuple((k, v) for k, v in TEXT_LIMITS.items() if k in SCALAR_FIELDS)
    scalars += tuple((k, v) for k, v in TEXT_LIMITS.items() if k not in SCALAR_FIELDS)
    children = {group: tuple(parts.items()) for group, parts in PART_LIMITS.items()}
    return scalars, children


@lru_cache(maxsize=1)
def _limited_values() -> Any:
    """The values of every length-limited item of a record, as one tuple (one C call per record)."""
    return attrgetter(*(name for name, _ in _max_lengths()[0]))


@lru_cache(maxsize=1)
def _limits() -> tuple[int, ...]:
    return tuple(n for _, n in _max_lengths()[0])


_POSITIONS = range(len(TEXT_LIMITS))


def _preview(text: str) -> str:
    """The start of a text too long to repeat in full in an error (a report cell, a dialog)."""
    return text if len(text) <= 40 else text[:40] + "…"


def _check_lengths(data: RecordData, errors: list[FieldProblem]) -> None:
    """Every text item within its limit (:data:`TEXT_LIMITS`, :data:`PART_LIMITS`, :data:`ITEM_LIMITS`)
    and free of characters an export could not write (:data:`_UNSTORABLE`)."""
    scalars, children = _max_lengths()
    limits = _limits()
    values = _limited_values()(data)
    # One comprehension over every item (this runs for each row of a 100,000-row import).
    over = [i for i, v, n in zip(_POSITIONS, values, limits, strict=True) if v is not None and len(v) > n]
    if over:
        named = {p.field for p in errors}
        for i in over:
            name, n, v = scalars[i][0], limits[i], values[i]
            if name not in named:
                errors.append(FieldProblem(name, f"is too long: {len(v)} characters, at most {n}", _preview(v)))
    if _UNSTORABLE.search("".join(filter(None, values))):
        for i, v in enumerate(values):
            m = _UNSTORABLE.search(v) if v else None
            if m is not None:
                errors.append(FieldProblem(scalars[i][0], _unstorable(m.group()), _preview(v)))
    for group, parts in children.items():
        items = getattr(data, group)
        if not items:
            continue
        if len(items) > ITEM_LIMITS[group]:
            errors.append(FieldProblem(group, f"has too many items: {len(items)}, at most {ITEM_LIMITS[group]}"))
            continue
        for i, item in enumerate(items):
            for part, n in parts:
                v = getattr(item, part)
                if isinstance(v, str) and len(v) > n:
                    errors.append(FieldProblem(group, f"{group[:-1]} {i + 1}: {part} is too long: "
                                                      f"{len(v)} characters, at most {n}", _preview(v)))
                elif isinstance(v, str) and (m := _UNSTORABLE.search(v)) is not None:
                    errors.append(FieldProblem(group, f"{group[:-1]} {i + 1}: {part} {_unstorable(m.group())}",
                                               _preview(v)))


# Characters no XML document (the sheets of an .xlsx, census XML) can hold: control characters but
# tab and line ends (cleaning turned those into spaces or kept the line breaks), the two non-characters
# U+FFFE/U+FFFF and lone surrogates. A record holding one could not be exported.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _unstorable(ch: str) -> str:
    return f"contains the character U+{ord(ch):04X}, which Excel and XML cannot hold: delete it"


@lru_cache(maxsize=1024)  # the dynasty list is fixed once loaded; this ran per author per check
def _known_dynasty(name: str) -> bool:
    return any(name in (d.label, d.simplified, *d.aliases) for d in vocab.dynasties())


def _check_classification(data: RecordData, errors: list[FieldProblem]) -> None:
    """類 must sit under the 部, 屬 under the 類."""
    pairs = [("class_category", "class_branch"), ("class_subcategory", "class_category")]
    for child, parent in pairs:
        c, p = getattr(data, child), getattr(data, parent)
        if c is None:
            continue
        e = vocab.entry("classification", c)
        if e is not None and p is not None and e.parent_code != p:
            errors.append(FieldProblem(child, f"{e.label} does not belong under {p}", c))
        if e is not None and p is None:
            setattr(data, parent, e.parent_code)
