"""The register sheet's columns and the cells guji writes: what the Excel import reads and the
Excel export writes, in one place and without any database code (the export renderers use it).

- :class:`Column` and the column sets (:data:`CORE_COLUMNS`, :data:`OPTIONAL_COLUMNS`,
  :data:`DETAIL_COLUMNS`, :data:`ALL_COLUMNS`, :data:`TEMPLATE_COLUMNS`), headers and aliases;
- how seals, annotations and the classification are written into one cell and read back;
- :func:`text_cell` / :func:`set_text`: a text that a spreadsheet could take for a formula is
  written as text, never as a live formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from guji.census import vocab
from guji.census.record import AnnotationData, SealData
from guji.text.fold import fold

# --------------------------------------------------------------------- cells we write

# A text starting with one of these is a formula to Excel, or to a spreadsheet that guesses
# (CSV habits: +1, -2, @SUM(A1)); the whitespace variants hide the same thing.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def text_cell(ws: Any, value: Any) -> Any:
    """``value`` for a write-only sheet's ``append``: a text that a spreadsheet could take for a
    formula becomes a cell typed as text (its characters unchanged); anything else as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # openpyxl types "=…" as a formula; the text is data, written as entered
        return cell
    return value


def set_text(cell: Any, value: Any) -> Any:
    """Set a cell of an ordinary (not write-only) sheet: texts are always text, never formulas."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


# ------------------------------------------------------------------------------ columns

@dataclass(frozen=True)
class Column:
    """One column of the register sheet.

    ``kind`` says how a cell becomes data: ``text``, ``raw`` (handed to ``check()`` as it is:
    numbers, vocabulary terms), ``number`` (census number text), ``bool``, ``class``, ``leaf``,
    ``seals``, ``annotations``. ``field`` is the :class:`RecordData` field (``class``/``leaf``
    fill several). ``aliases`` are other headers that mean the same column.
    """

    header: str
    field: str
    kind: str = "text"
    width: int = 12
    aliases: tuple[str, ...] = ()


CORE_COLUMNS: tuple[Column, ...] = (
    Column("普查编号", "census_number", "number", 22),
    Column("索书号", "call_number", "text", 12),
    Column("题名卷数", "title", "text", 30),
    Column("著者", "author_statement", "text", 28),
    Column("版本", "edition_statement", "text", 28),
    Column("册数", "volumes", "raw", 6),
    Column("存缺卷数", "extant", "text", 16),
)
OPTIONAL_COLUMNS: tuple[Column, ...] = (
    Column("分类", "class", "class", 20, ("四部分类",)),
    Column("装帧", "binding", "raw", 8),
    Column("版框高", "frame_height_cm", "raw", 8, ("框高",)),
    Column("版框宽", "frame_width_cm", "raw", 8, ("框宽",)),
    Column("行款", "layout_statement", "text", 20),
    Column("版式", "leaf", "leaf", 24),
    Column("钤印", "seals", "seals", 28, ("印章",)),
    Column("批校题跋", "annotations", "annotations", 28),
    Column("定级", "grade", "raw", 10),
    Column("破损级别", "damage_grade", "raw", 10, ("破损定级",)),
    Column("附注", "notes", "text", 30, ("备注",)),
)
# Every other item of a record, so that an export can be imported again without loss.
DETAIL_COLUMNS: tuple[Column, ...] = (
    Column("卷数", "juan_count", "raw", 6),
    Column("函数", "cases", "raw", 6),
    Column("其他题名", "other_titles", "text", 20),
    Column("版本类型", "edition_type", "raw", 10),
    Column("版本类型细目", "edition_subtype", "text", 10),
    Column("版本补配", "edition_supplement", "text", 16),
    Column("出版者", "publisher", "text", 16),
    Column("出版地", "publication_place", "text", 10),
    Column("版本朝代", "edition_dynasty", "text", 8),
    Column("年号", "edition_era", "text", 8),
    Column("年号纪年", "edition_year_of_era", "raw", 8),
    Column("干支", "edition_ganzhi", "text", 6),
    Column("公元纪年（起）", "year_start", "raw", 8, ("公元纪年起",)),
    Column("公元纪年（止）", "year_end", "raw", 8, ("公元纪年止",)),
    Column("纪年精度", "date_precision", "text", 8),
    Column("版框量法", "frame_edge", "raw", 8),
    Column("半框", "frame_is_half", "bool", 6),
    Column("行数", "lines_per_half_leaf", "raw", 6),
    Column("字数", "chars_per_line", "raw", 6),
    Column("小字", "commentary", "text", 12),
    Column("版口", "banko", "raw", 8),
    Column("鱼尾", "fishtail", "text", 10),
    Column("边栏", "border", "raw", 10),
    Column("书耳", "shu_er", "text", 8),
    Column("国家名录号", "national_list_number", "text", 10),
    Column("省级名录", "provincial_list", "text", 14),
    Column("序跋", "preface_colophon", "text", 20),
    Column("牌记", "publisher_mark", "text", 20),
    Column("刻工", "carvers", "text", 16),
    Column("避讳", "taboo_notes", "text", 16),
    Column("残存附注", "incomplete_note", "text", 16),
    Column("存放", "storage_note", "text", 16),
    Column("入藏", "acquisition", "text", 16),
    Column("所属丛书", "parent_census_number", "text", 22),
    Column("合订", "bound_with_census_number", "text", 22),
)
ALL_COLUMNS: tuple[Column, ...] = CORE_COLUMNS + OPTIONAL_COLUMNS + DETAIL_COLUMNS
TEMPLATE_COLUMNS: tuple[Column, ...] = CORE_COLUMNS + OPTIONAL_COLUMNS


def _header_key(text: str) -> str:
    """Folded header (script, width, spaces, brackets ignored) without a trailing unit."""
    key = fold(text)
    for unit in ("cm", "厘米", "公分"):
        if key.endswith(unit) and len(key) > len(unit):
            key = key[: -len(unit)]
    return key


_BY_HEADER: dict[str, Column] = {}
for _c in ALL_COLUMNS:
    for _h in (_c.header, *_c.aliases):
        _BY_HEADER[_header_key(_h)] = _c

# Where a problem on a field that has no column of its own is shown (derived items).
_FIELD_HOME = {
    "juan_count": "title", "authors": "author_statement", "edition_dynasty": "edition_statement",
    "edition_era": "edition_statement", "edition_year_of_era": "edition_statement",
    "edition_ganzhi": "edition_statement", "year_start": "edition_statement", "year_end": "edition_statement",
    "date_precision": "edition_statement", "edition_type": "edition_statement",
    "class_branch": "class", "class_category": "class", "class_subcategory": "class",
    "lines_per_half_leaf": "layout_statement", "chars_per_line": "layout_statement",
    "banko": "leaf", "border": "leaf", "fishtail": "leaf", "shu_er": "leaf",
    "frame_edge": "frame_height_cm", "frame_is_half": "frame_height_cm",
}


# --------------------------------------------------------------------- cell conversions

_SPLIT = re.compile(r"\s*[；;\n]\s*")
_SEAL = re.compile(r"^(?P<text>.*?)\s*(?:[（(](?P<owner>[^（）()]*)[）)])?\s*(?:[［\[](?P<pos>[^］\]]*)[］\]])?$",
                   re.S)


def parse_seals(text: str) -> list[SealData]:
    """``天一閣（范欽）；汲古閣［卷端］`` → seals with text, owner (in parentheses) and position (in brackets)."""
    out = []
    for item in _SPLIT.split(text.strip()):
        if not item:
            continue
        m = _SEAL.match(item)
        assert m is not None  # the pattern matches every string
        out.append(SealData(m.group("text").strip(), (m.group("owner") or "").strip() or None,
                            (m.group("pos") or "").strip() or None))
    return out


def format_seals(seals: list[SealData]) -> str | None:
    parts = [s.text + (f"（{s.owner}）" if s.owner else "") + (f"［{s.position}］" if s.position else "")
             for s in seals]
    return "；".join(parts) or None


_KINDS = {"批", "校", "題", "题", "跋", "識", "识"}


def parse_annotations(text: str) -> list[AnnotationData]:
    """``（清）黃丕烈跋（卷末手跋二則）；顧廣圻校`` → person, kind (批校題跋識) and description."""
    out = []
    for item in _SPLIT.split(text.strip()):
        if not item:
            continue
        description = None
        rest = item
        if rest.endswith(("）", ")")):
            depth = 0
            for i in range(len(rest) - 1, -1, -1):
                ch = rest[i]
                if ch in "）)":
                    depth += 1
                elif ch in "（(":
                    depth -= 1
                    if depth == 0:
                        if i > 0 or len(rest) > 2:
                            description = rest[i + 1:-1].strip() or None
                            rest = rest[:i].strip()
                        break
        kind = None
        if rest and rest[-1] in _KINDS:
            kind, rest = rest[-1], rest[:-1].strip()
        out.append(AnnotationData(rest or None, kind, description))
    return out


def format_annotations(items: list[AnnotationData]) -> str | None:
    parts = [(a.person or "") + (a.kind or "") + (f"（{a.description}）" if a.description else "") for a in items]
    return "；".join(p for p in parts if p) or None


_CLASS_SPLIT = re.compile(r"\s*[·・．.、/／>＞\-—]\s*|\s+")


@lru_cache(maxsize=2048)  # a register repeats a few hundred classifications
def parse_classification(text: str) -> tuple[str | None, str | None, str | None]:
    """``史部·地理類·總志之屬`` (or ``史部 地理类``, ``shi.dili``) → (部, 類, 屬) codes.

    Each level is looked up among the children of the level above, so a 類 name used under
    several 部 (叢編) resolves correctly. Raises ``ValueError`` naming the level not found.
    """
    text = text.strip()
    if text.isascii():
        e = vocab.entry("classification", text)
        if e is None:
            raise ValueError(f"{text!r} is not a classification code")
        path = list(e.path) + [None, None]
        return path[0], path[1], path[2]
    pieces = [p for p in _CLASS_SPLIT.split(text) if p]
    codes: list[str] = []
    parent: str | None = None
    for depth, piece in enumerate(pieces[:3]):
        options = vocab.choices("classification", parent=parent) if parent else \
            vocab.choices("classification", depth=0)
        key = fold(piece)
        found = None
        for e in options:
            labels = {fold(e.label), fold(e.simplified), *(fold(a) for a in e.aliases)}
            short = {lb[:-1] for lb in labels if lb[-1:] in ("部", "类")} | \
                    {lb[:-2] for lb in labels if lb.endswith("之属")}
            if key in labels or key in short:
                found = e
                break
        if found is None and depth == 0 and len(pieces) == 1:
            found = vocab.entry("classification", piece)  # a lone 類 or 屬 name
            if found is not None:
                path = list(found.path) + [None, None]
                return path[0], path[1], path[2]
        if found is None:
            where = "a 部 (經史子集叢)" if depth == 0 else f"under {vocab.entry('classification', parent or '').label}"  # type: ignore[union-attr]
            raise ValueError(f"{piece!r} is not {where}")
        codes.append(found.code)
        parent = found.code
    if len(pieces) > 3:
        raise ValueError(f"{text!r} has more than three levels (部·類·屬)")
    codes += [None] * (3 - len(codes))  # type: ignore[list-item]
    return codes[0], codes[1], codes[2]


def format_classification(branch: str | None, category: str | None, sub: str | None) -> str | None:
    labels = []
    for code in (branch, category, sub):
        if code:
            e = vocab.entry("classification", code)
            labels.append(e.label if e else code)
    return "·".join(labels) or None
