"""Census registers in Excel: the template, a fast .xlsx reader, and the import.

Layout (one header row on the first sheet, one record per row):

- the seven core columns 普查编号, 索书号, 题名卷数, 著者, 版本, 册数, 存缺卷数 (all must be present;
  普查编号 may be empty in a row: the unit's next serial is assigned);
- optional columns 分类, 装帧, 版框高, 版框宽, 行款, 版式, 钤印, 批校题跋, 定级, 破损级别, 附注;
- detail columns the export writes so that export → import round-trips (卷数, 函数, 出版者, 版口 …,
  see :data:`DETAIL_COLUMNS`).

Headers are matched after folding (traditional/simplified, full/half width, spaces and brackets
ignored: ``冊數``, `` 册 数 ``, ``版框高（cm）`` all work). A header that is not recognised is an
error: its data would otherwise be lost silently.

Cell rules:

- formulas: the value Excel saved with the formula is used; a formula without a saved value
  (files written by programs that do not calculate) is an error for that cell;
- merged cells: a range merged down one column (a 版本 merged over rows 5–7) gives its value
  (the top-left cell's) to every row of the range; a range merged across columns is an error,
  because one value cannot fill two different items;
- empty rows are skipped; numbers stored as text, ``4.0`` and full-width digits are accepted;
- 分类: ``史部·地理類·總志之屬`` (any of ·/、. > as separator, 部/類/屬 words optional) or codes
  (``shi.dili``); 版框高/宽 in cm (``21.5``, ``21.5cm``); 行款 and 版式 through
  :mod:`guji.census.leaf_format` (版式 fills 版口/边栏/鱼尾/书耳 unless their own columns are given);
- 钤印: seals separated by ``；`` or ``;``, each ``印文（印主）［位置］`` with owner and position
  optional: ``天一閣（范欽）；汲古閣``;
- 批校题跋: items separated the same way, each ``人名+方式（說明）``: ``（清）黃丕烈跋（卷末手跋二則）；顧廣圻校``
  (方式 is one of 批 校 題 跋 識; a person whose name ends in one of these characters without a
  方式 is read as that 方式 — write the 方式 explicitly).

Every row becomes a :class:`~guji.census.record.RecordData` and is validated by the same
:func:`~guji.census.record.check` as the editor (in :meth:`CensusService.register_many`); a
problem's field is mapped back to the column it came from.

The reader (:func:`read_sheet`) parses the sheet XML with expat instead of openpyxl: openpyxl's
read-only mode reads about 5,000 rows/s of an 18-column sheet, which alone would use the whole
time budget of an import (``bench/import_excel.py`` prints both). It returns the saved values
exactly as openpyxl's ``data_only=True`` does (tests compare the two), and also tells formulas
without a saved value and merged ranges, which openpyxl's read-only mode cannot.
"""

from __future__ import annotations

import re
import time
import unicodedata
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from guji.census import vocab
from guji.census.record import FIELD_LABELS, AnnotationData, RecordData, SealData
from guji.errors import FieldProblem, GujiError
from guji.services.context import Changes
from guji.text.fold import fold

__all__ = [
    "CORE_COLUMNS", "OPTIONAL_COLUMNS", "DETAIL_COLUMNS", "ALL_COLUMNS", "Column",
    "ExcelFileError", "RowIssue", "ImportReport", "Sheet",
    "read_sheet", "import_excel", "write_template", "error_file_for",
    "parse_seals", "format_seals", "parse_annotations", "format_annotations",
    "parse_classification", "format_classification", "cell_values",
]

ProgressFn = Callable[[float, str], None]


class ExcelFileError(GujiError):
    """The file cannot be read as an .xlsx workbook (not xlsx, encrypted, damaged). Nothing was written."""


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


# ------------------------------------------------------------------------------ reading

_ERROR = object()  # marker kind: the cell holds an Excel error value (#N/A …)
_NOVALUE = object()  # marker kind: a formula without a saved value


@dataclass
class Sheet:
    """The first worksheet of a workbook as plain rows.

    ``rows`` yields ``(row_number, {column_index: value})`` for rows that have any cell
    (1-based numbers and indexes); values are ``str``, ``int``, ``float`` or ``bool`` as saved.
    ``bad_cells`` maps ``(row, col)`` to a message for cells whose value cannot be used
    (formula without a saved value, Excel error value); ``merged`` lists merged ranges as
    ``(min_row, min_col, max_row, max_col)``. ``size`` is the uncompressed size of the sheet
    XML (for progress).
    """

    name: str
    path: Path
    size: int
    merged: list[tuple[int, int, int, int]]
    bad_cells: dict[tuple[int, int], str]
    _member: str
    _strings: list[str]
    _date_styles: frozenset[int] = frozenset()  # cell style indexes whose number format is a date
    _date1904: bool = False
    position: int = 0  # bytes of sheet XML parsed so far

    def rows(self, chunk: int = 1 << 20) -> Iterator[tuple[int, dict[int, Any]]]:
        done: list[tuple[int, dict[int, Any]]] = []
        strings = self._strings
        bad = self.bad_cells
        dates = self._date_styles
        epoch = _EPOCH_1904 if self._date1904 else _EPOCH_1900
        state: dict[str, Any] = {"row": 0, "col": 0, "t": None, "f": False, "v": None, "in": 0, "skip": 0,
                                 "s": 0}
        cells: dict[int, Any] = {}
        buf: list[str] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            name = name.rpartition(" ")[2]
            if name == "c":
                ref = attrs.get("r")
                state["col"] = _col_index(ref) if ref else state["col"] + 1
                state["t"] = attrs.get("t")
                state["s"] = attrs.get("s")
                state["f"] = False
                state["v"] = None
            elif name == "v":
                state["in"] = 1
                buf.clear()
            elif name == "t" and not state["skip"]:
                if state["in"] != 2:  # first <t> of an inline string
                    buf.clear()
                state["in"] = 2
            elif name == "is":
                buf.clear()
                state["v"] = None
            elif name == "rPh":
                state["skip"] = 1  # phonetic guide text is not part of the value
            elif name == "f":
                state["f"] = True
            elif name == "row":
                r = attrs.get("r")
                state["row"] = int(r) if r else state["row"] + 1
                state["col"] = 0
                cells.clear()
            elif name == "mergeCell":
                ref = attrs.get("ref", "")
                if ":" in ref:
                    a, b = ref.split(":", 1)
                    r1, c1 = _cell_ref(a)
                    r2, c2 = _cell_ref(b)
                    self.merged.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))

        def end(name: str) -> None:
            name = name.rpartition(" ")[2]
            if name == "v":
                state["v"] = "".join(buf)
                state["in"] = 0
            elif name == "t":
                if state["in"] == 2 and not state["skip"]:
                    state["v"] = "".join(buf)
            elif name == "rPh":
                state["skip"] = 0
            elif name == "is":
                state["in"] = 0
            elif name == "c":
                raw = state["v"]
                t = state["t"]
                col = state["col"]
                if raw is None or (raw == "" and state["f"] and t not in ("str", "inlineStr")):
                    if state["f"]:
                        bad[(state["row"], col)] = "formula without a saved value (open the file in Excel, " \
                                                   "let it calculate and save, or paste the values)"
                    return
                if t == "s":
                    try:
                        value: Any = strings[int(raw)]
                    except (ValueError, IndexError):
                        raise ExcelFileError(f"{self.path.name}: damaged workbook (bad shared string "
                                             f"index {raw!r})") from None
                elif t in ("str", "inlineStr", "d"):
                    value = raw
                elif t == "b":
                    value = raw.strip() in ("1", "true")
                elif t == "e":
                    bad[(state["row"], col)] = f"the cell shows the Excel error {raw}"
                    return
                else:
                    value = _number(raw)
                    if value is None:
                        value = raw
                    elif dates and state["s"] is not None and int(state["s"]) in dates:
                        value = _excel_date(value, epoch)
                cells[col] = value
            elif name == "row":
                if cells:
                    done.append((state["row"], dict(cells)))

        def chars(data: str) -> None:
            if state["in"] and not state["skip"]:
                buf.append(data)

        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars
        try:
            with zipfile.ZipFile(self.path) as z, z.open(self._member) as fh:
                while True:
                    data = fh.read(chunk)
                    self.position += len(data)
                    parser.Parse(data, not data)
                    if done:
                        yield from done
                        done.clear()
                    if not data:
                        break
        except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as exc:
            raise ExcelFileError(f"{self.path.name} is damaged: {exc}") from None


_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
# Built-in number formats that show dates or times (ECMA-376 §18.8.30).
_BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57})


def _excel_date(serial: float, epoch: datetime) -> datetime | float:
    """A date cell's serial number as a datetime (as openpyxl gives it); out-of-range stays a number."""
    try:
        return epoch + timedelta(days=serial)
    except (OverflowError, ValueError):
        return serial


def _is_date_code(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).lower()
    return any(ch in code for ch in "ymdhs") and "general" not in code


def _date_styles(z: zipfile.ZipFile, names: set[str]) -> frozenset[int]:
    """Indexes of the cell formats (``s`` attribute) whose number format is a date or time."""
    if "xl/styles.xml" not in names:
        return frozenset()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    where = {"cellXfs": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        name = name.rpartition(" ")[2]
        if name == "numFmt":
            try:
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
            except ValueError:
                pass
        elif name == "cellXfs":
            where["cellXfs"] = True
        elif name == "xf" and where["cellXfs"]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def end(name: str) -> None:
        if name.rpartition(" ")[2] == "cellXfs":
            where["cellXfs"] = False

    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = start
    p.EndElementHandler = end
    with z.open("xl/styles.xml") as fh:
        p.ParseFile(fh)
    out = set()
    for i, fmt in enumerate(xfs):
        if fmt in _BUILTIN_DATE_FORMATS or (fmt in custom and _is_date_code(custom[fmt])):
            out.add(i)
    return frozenset(out)


def _number(raw: str) -> int | float | None:
    try:
        if "." not in raw and "e" not in raw and "E" not in raw:
            return int(raw)
        f = float(raw)
        return f
    except ValueError:
        return None


_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    return n


def _cell_ref(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref.replace("$", ""))
    if not m:
        raise ExcelFileError(f"damaged workbook: bad cell reference {ref!r}")
    return int(m.group(2)), _col_index(m.group(1))


def column_letter(index: int) -> str:
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _parse_xml(z: zipfile.ZipFile, member: str, handler: Callable[[str, dict[str, str]], None]) -> None:
    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = handler
    with z.open(member) as fh:
        p.ParseFile(fh)


def _shared_strings(z: zipfile.ZipFile, member: str | None) -> list[str]:
    if member is None or member not in z.namelist():
        return []
    out: list[str] = []
    buf: list[str] = []
    state = {"in": False, "skip": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        name = name.rpartition(" ")[2]
        if name == "si":
            buf.clear()
        elif name == "t" and not state["skip"]:
            state["in"] = True
        elif name == "rPh":
            state["skip"] = 1

    def end(name: str) -> None:
        name = name.rpartition(" ")[2]
        if name == "t":
            state["in"] = False
        elif name == "rPh":
            state["skip"] = 0
        elif name == "si":
            out.append("".join(buf))

    def chars(data: str) -> None:
        if state["in"]:
            buf.append(data)

    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.buffer_text = True
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    with z.open(member) as fh:
        p.ParseFile(fh)
    return out


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (str(PurePosixPath(base).parent) + "/" + target).split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if parts:
                parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def read_sheet(path: str | Path) -> Sheet:
    """Open an .xlsx file and return its first worksheet (see :class:`Sheet`).

    Raises :class:`ExcelFileError` with a message for the user when the file is missing,
    is not an .xlsx workbook (an old .xls, a CSV renamed…), is password-protected
    (encrypted workbooks are OLE containers, not zip files) or is damaged.
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise ExcelFileError(f"no such file: {p}") from None
    except IsADirectoryError:
        raise ExcelFileError(f"{p} is a folder, not an .xlsx file") from None
    except OSError as exc:
        raise ExcelFileError(f"cannot read {p}: {exc.strerror}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExcelFileError(f"{p.name} is password-protected (encrypted) or an old .xls workbook: "
                             "remove the password / save it as .xlsx (Excel Workbook) and import that")
    if not head.startswith(b"PK"):
        raise ExcelFileError(f"{p.name} is not an .xlsx workbook (save it from Excel as .xlsx)")
    try:
        with zipfile.ZipFile(p) as z:
            return _open_sheet(p, z)
    except ExcelFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, xml.parsers.expat.ExpatError, EOFError, KeyError, OSError) as exc:
        raise ExcelFileError(f"{p.name} is damaged and cannot be read as .xlsx: {exc}") from None


def _open_sheet(p: Path, z: zipfile.ZipFile) -> Sheet:
    names = set(z.namelist())
    if "xl/workbook.xml" not in names:
        raise ExcelFileError(f"{p.name} is a zip file but not an Excel workbook")
    sheets: list[tuple[str, str]] = []
    rels: dict[str, str] = {}
    shared: list[str | None] = [None]
    date1904 = [False]

    def wb_start(name: str, attrs: dict[str, str]) -> None:
        if name.endswith(" workbookPr"):
            date1904[0] = attrs.get("date1904", "0").strip().lower() in ("1", "true")
        if name.endswith(" sheet"):
            sheets.append((attrs.get("name", ""), attrs.get(f"{_NS_REL} id", "")))

    def rel_start(name: str, attrs: dict[str, str]) -> None:
        if name.endswith(" Relationship"):
            rels[attrs.get("Id", "")] = attrs.get("Target", "")
            if attrs.get("Type", "").endswith("/sharedStrings"):
                shared[0] = _resolve("xl/workbook.xml", attrs.get("Target", ""))

    _parse_xml(z, "xl/workbook.xml", wb_start)
    if "xl/_rels/workbook.xml.rels" in names:
        _parse_xml(z, "xl/_rels/workbook.xml.rels", rel_start)
    if not sheets:
        raise ExcelFileError(f"{p.name} has no worksheet")
    name, rid = sheets[0]
    member = _resolve("xl/workbook.xml", rels.get(rid, "worksheets/sheet1.xml"))
    if member not in names:
        raise ExcelFileError(f"{p.name} is damaged: the first sheet ({name}) is missing")
    strings = _shared_strings(z, shared[0] or ("xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None))
    size = z.getinfo(member).file_size
    return Sheet(name, p, size, [], {}, member, strings, _date_styles(z, names), date1904[0])


def cell_values(path: str | Path) -> list[list[Any]]:
    """Every row of the first sheet as a dense list of values (None for empty cells); for tests
    and small files. Rows without cells are included as empty lists, as openpyxl gives them."""
    sheet = read_sheet(path)
    out: list[list[Any]] = []
    for row, cells in sheet.rows():
        while len(out) < row - 1:
            out.append([])
        out.append([cells.get(c) for c in range(1, max(cells) + 1)])
    return out


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


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):  # a date typed into a text column (入藏 1950-01-01)
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    s = str(value).strip()
    return s or None


_TRUE = {"是", "有", "y", "yes", "true", "1", "半框", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "全框", "×"}


def _bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    key = unicodedata.normalize("NFKC", str(value)).strip().lower()
    key = fold(key) or key
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"must be 是 or 否, not {value!r}")


# ------------------------------------------------------------------------------ report

@dataclass(frozen=True)
class RowIssue:
    """One problem: spreadsheet ``row`` (1 = header), ``column`` header as written (or its
    letter when it has none), the cell ``value`` and the ``message``."""

    row: int
    column: str
    value: Any
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        val = "" if self.value is None else f" [{self.value}]"
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}{val}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (``written``) or, in a dry run or when errors stopped it, would do.

    ``created``/``updated``/``skipped`` count rows; ``errors`` and ``warnings`` are
    :class:`RowIssue`; ``error_file`` is the .errors.xlsx written beside the input when there
    were errors or warnings; ``numbers`` maps rows to census numbers (given or assigned).
    """

    path: Path
    institution: str
    dry_run: bool = False
    all_or_nothing: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header as written → field
    unknown_headers: list[str] = field(default_factory=list)
    error_file: Path | None = None
    written: bool = False
    cancelled: bool = False
    elapsed_s: float = 0.0
    numbers: dict[int, str] = field(default_factory=dict)
    changes: Changes = field(default_factory=lambda: Changes("census_record"))

    @property
    def ok(self) -> bool:
        return not self.errors and not self.cancelled

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        """One paragraph for the CLI and the wizard's last page."""
        if self.cancelled:
            return f"{self.path.name}: cancelled; nothing was written"
        head = f"{self.path.name}: {self.rows} rows"
        counts = f"{self.created} new, {self.updated} updated, {self.skipped} unchanged (skipped)"
        if self.written:
            tail = f"; {self.error_rows} rows with errors were left out" if self.errors else ""
            return f"{head}: {counts}{tail}"
        if self.errors:
            return (f"{head}: {len(self.errors)} errors in {self.error_rows} rows; nothing was written "
                    f"(without the errors: {counts})")
        return f"{head}: dry run, would write {counts}"


def error_file_for(path: str | Path) -> Path:
    """Where the row-level report of an import of ``path`` goes: ``NAME.errors.xlsx`` beside it."""
    p = Path(path)
    return p.with_name(p.stem + ".errors.xlsx")


def _write_error_file(report: ImportReport) -> Path | None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    target = error_file_for(report.path)
    issues = sorted(report.errors + report.warnings, key=lambda i: (i.row, i.severity != "error"))
    if not issues:
        if target.exists():
            target.unlink()  # a report left by an earlier run of this file would mislead
        return None
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题")
    for col, width in zip("ABCDE", (8, 16, 30, 70, 8)):
        ws.column_dimensions[col].width = width
    bold = Font(bold=True)
    header = []
    for h in ("行", "列", "值", "问题", "级别"):
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        header.append(c)
    ws.append(header)
    for i in issues:
        ws.append([i.row, i.column, None if i.value is None else str(i.value), i.message,
                   "错误" if i.severity == "error" else "提示"])
    try:
        wb.save(target)
    except OSError as exc:
        raise ExcelFileError(f"cannot write the error report {target}: {exc.strerror}") from None
    return target


# ------------------------------------------------------------------------------ import

@dataclass
class _Layout:
    columns: list[tuple[int, Column, str]]  # (index, column, header as written)
    home: dict[str, str]  # field → header as written


def _layout(header: dict[int, Any], header_row: int, issues: list[RowIssue]) -> _Layout:
    cols: list[tuple[int, Column, str]] = []
    seen: dict[str, str] = {}
    for idx in sorted(header):
        written = _text(header[idx])
        if written is None:
            continue
        col = _BY_HEADER.get(_header_key(written))
        if col is None:
            issues.append(RowIssue(header_row, written, written, "unknown column: rename it to one of the "
                                   "template's headers or delete it (its data would not be imported)"))
            continue
        if col.header in seen:
            issues.append(RowIssue(header_row, written, written, f"the column {col.header} appears twice "
                                   f"({seen[col.header]} and {written})"))
            continue
        seen[col.header] = written
        cols.append((idx, col, written))
    for c in CORE_COLUMNS:
        if c.header not in seen:
            issues.append(RowIssue(header_row, c.header, None, f"the core column {c.header} is missing "
                                   "(the seven core columns must all be present, even if empty)"))
    home = {c.field: w for _, c, w in cols}
    for fld, owner in _FIELD_HOME.items():
        if fld not in home:
            home[fld] = home.get(owner) or FIELD_LABELS.get(fld, fld)
    return _Layout(cols, home)


_UNITS = {"frame_height_cm": "厘米", "frame_width_cm": "厘米"}


def _row_data(cells: dict[int, Any], layout: _Layout, row: int,
              issues: list[RowIssue], warnings: list[RowIssue] | None = None) -> RecordData:
    values: dict[str, Any] = {}
    leaf = None
    for idx, col, written in layout.columns:
        v = cells.get(idx)
        if v is None:
            continue
        if isinstance(v, str) and not v.strip():
            continue
        kind = col.kind
        try:
            if kind == "text":
                values[col.field] = _text(v)
            elif kind == "raw":
                if isinstance(v, str):
                    v = v.strip()
                    # Units people type after the number: 4冊, 2函, 21.5厘米 (check() reads cm and 公分).
                    unit = _UNITS.get(col.field)
                    if unit and v.endswith(unit):
                        v = v.removesuffix(unit).strip()
                    if col.field in ("volumes", "cases") and v[-1:] in ("册", "冊", "函"):
                        v = v[:-1].strip()
                values[col.field] = v
            elif kind == "number":
                values[col.field] = _text(v)
            elif kind == "bool":
                values[col.field] = _bool(v)
            elif kind == "class":
                b, c, s = parse_classification(_text(v) or "")
                values.update(class_branch=b, class_category=c, class_subcategory=s)
            elif kind == "leaf":
                leaf = (written, _text(v))
            elif kind == "seals":
                values["seals"] = parse_seals(_text(v) or "")
            elif kind == "annotations":
                values["annotations"] = parse_annotations(_text(v) or "")
        except ValueError as exc:
            issues.append(RowIssue(row, written, v, str(exc)))
    if leaf is not None and leaf[1]:
        fill, problem = _leaf_fill(leaf[1])
        if problem:
            issues.append(RowIssue(row, leaf[0], leaf[1], problem))
        if "frame_height_cm" in values:
            fill = tuple(kv for kv in fill if kv[0] not in ("frame_height_cm", "frame_width_cm"))
        for k, v in fill:
            if values.get(k) is None:
                values[k] = v
    layout_text = values.get("layout_statement")
    if layout_text and warnings is not None and not _layout_understood(layout_text):
        warnings.append(RowIssue(row, layout.home.get("layout_statement", "行款"), layout_text,
                                 "no lines/characters count found (write e.g. 半葉十行行二十字); kept as written",
                                 "warning"))
    return RecordData(**values)


@lru_cache(maxsize=2048)
def _layout_understood(text: str) -> bool:
    """Whether a 行款 statement gives a line or character count (the editor derives them from it)."""
    from guji.census.leaf_format import LeafFormatError, parse_leaf_format

    try:
        lf = parse_leaf_format(text)
    except LeafFormatError:
        return False
    return lf.lines_per_half_leaf is not None or lf.chars_per_line is not None or lf.chars_irregular


@lru_cache(maxsize=2048)  # 版式 statements repeat a lot within a register
def _leaf_fill(text: str) -> tuple[tuple[tuple[str, Any], ...], str | None]:
    """What a 版式 statement gives: ((field, value) …) and a problem message (or None)."""
    from guji.census.leaf_format import LeafFormatError, parse_leaf_format

    try:
        lf = parse_leaf_format(text)
    except LeafFormatError as exc:
        return (), str(exc)
    left = [u for u in lf.unparsed if u not in ("有", "無", "无")]
    problem = None
    if left:
        problem = ("not understood: " + "、".join(left)
                   + " (write 版口, 边栏, 鱼尾 terms such as 白口，四周雙邊，單黑魚尾)")
    fill: list[tuple[str, Any]] = [
        ("banko", lf.banko), ("border", lf.border), ("fishtail", "".join(y.text for y in lf.yuwei) or None),
        ("shu_er", "有" if lf.shu_er else None), ("lines_per_half_leaf", lf.lines_per_half_leaf),
        ("chars_per_line", lf.chars_per_line)]
    if lf.frame_height_cm is not None:
        fill += [("frame_height_cm", str(lf.frame_height_cm)), ("frame_width_cm", str(lf.frame_width_cm))]
    return tuple((k, v) for k, v in fill if v is not None), problem


def _merge_fill(sheet: Sheet, header_row: int, issues: list[RowIssue],
                names: dict[int, str]) -> dict[tuple[int, int], tuple[int, int]]:
    """Cells covered by a vertical merge → the top-left cell whose value they take."""
    fill: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if r2 < header_row:
            continue
        if c1 != c2:
            for r in range(max(r1, header_row), r2 + 1):
                issues.append(RowIssue(r, names.get(c1, column_letter(c1)), None,
                                       f"cells {column_letter(c1)}{r1}:{column_letter(c2)}{r2} are merged across "
                                       "columns: unmerge them (one value cannot fill two items)"))
            continue
        if r1 <= header_row:
            issues.append(RowIssue(header_row, names.get(c1, column_letter(c1)), None,
                                   f"cells {column_letter(c1)}{r1}:{column_letter(c2)}{r2} merge the header with "
                                   "data: unmerge them"))
            continue
        for r in range(r1 + 1, r2 + 1):
            fill[(r, c1)] = (r1, c1)
    return fill


def import_excel(app: Any, path: str | Path, *, institution: str, dry_run: bool = False,
                 all_or_nothing: bool = True, progress: ProgressFn | None = None,
                 cancel: Any = None) -> ImportReport:
    """Import a census register from an .xlsx file into ``institution`` (code ``210000-0101``).

    Reads the first sheet (see the module docstring for the layout and cell rules), validates
    every row with the editor's rules and writes them through
    :meth:`CensusService.register_many` in one transaction: all-or-nothing by default (any
    error → nothing written); with ``all_or_nothing=False`` the rows with errors are left out
    and the others written. Re-importing a file updates changed drafts/returned records and
    skips unchanged ones, matched by census number; locked records with changes are errors.

    Returns an :class:`ImportReport`; row-level problems are also saved beside the input as
    ``NAME.errors.xlsx`` (row, column, value, message), and a stale one is removed when there
    are none. Raises :class:`ExcelFileError` when the file cannot be read at all, and
    :class:`PermissionDenied`/:class:`NotFound` (before reading) when the user may not import
    into the institution. ``progress(fraction, message)`` and ``cancel`` (``threading.Event``)
    as for every long job; a cancelled import writes nothing.
    """
    from guji.census.bulk import paused_gc

    with paused_gc():
        return _import_excel(app, Path(path), institution, dry_run, all_or_nothing, progress, cancel)


def _import_excel(app: Any, path: Path, institution: str, dry_run: bool, all_or_nothing: bool,
                  progress: ProgressFn | None, cancel: Any) -> ImportReport:
    started = time.perf_counter()
    report = ImportReport(path=path, institution=institution, dry_run=dry_run, all_or_nothing=all_or_nothing)

    def say(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, message)

    app.census.register_many([], institution=institution, dry_run=True)  # permission first
    sheet = read_sheet(path)
    say(0.0, f"reading {path.name}")
    issues: list[RowIssue] = []
    rows: list[tuple[int, RecordData]] = []
    layout: _Layout | None = None
    header_row = 0
    fill: dict[tuple[int, int], tuple[int, int]] = {}
    merged_values: dict[tuple[int, int], Any] = {}
    fill_sources: set[tuple[int, int]] = set()
    n = 0
    fill_by_row: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    core_missing = False
    names: dict[int, str] = {}
    for row, cells in sheet.rows():
        if layout is None:
            if not any(_text(v) for v in cells.values()):
                continue
            header_row = row
            for (r, c), msg in list(sheet.bad_cells.items()):
                if r == row:
                    issues.append(RowIssue(row, column_letter(c), None, msg))
            layout = _layout(cells, row, issues)
            report.columns = {w: c.field for _, c, w in layout.columns}
            report.unknown_headers = [i.column for i in issues if i.message.startswith("unknown column")]
            core_missing = any("core column" in i.message for i in issues)
            if core_missing:
                break  # without the core columns no row can be read
            names = {idx: w for idx, _, w in layout.columns}
            fill = _merge_fill(sheet, header_row, issues, names)
            fill_sources = set(fill.values())
            for (r, c), src in fill.items():
                fill_by_row.setdefault(r, []).append((c, src))
            continue
        n += 1
        if n % 1000 == 0:
            if cancel is not None and cancel.is_set():
                report.cancelled = True
                report.elapsed_s = time.perf_counter() - started
                return report
            say(0.3 * sheet.position / max(1, sheet.size), f"reading row {row}")
        if fill:
            # Merged ranges: remember the top-left values and give them to the cells below.
            for c in list(cells):
                if (row, c) in fill_sources:
                    merged_values[(row, c)] = cells[c]
            for c, src in fill_by_row.get(row, ()):
                if src in merged_values and c not in cells:
                    cells[c] = merged_values[src]
        before = len(issues)
        if sheet.bad_cells:
            for c in set(cells) | set(names):
                msg = sheet.bad_cells.get((row, c))
                if msg is not None:
                    issues.append(RowIssue(row, names.get(c, column_letter(c)), None, msg))
                    cells.pop(c, None)
        if len(issues) == before and not any(not (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue  # an empty row
        data = _row_data(cells, layout, row, issues, report.warnings)
        report.rows += 1
        if len(issues) == before:
            rows.append((row, data))
    if layout is None:
        issues.append(RowIssue(1, "", None, "the first sheet is empty: it needs a header row with the core "
                               "columns 普查编号, 索书号, 题名卷数, 著者, 版本, 册数, 存缺卷数"))
    elif not core_missing:
        # A row whose only cell is a formula without a value never reached the loop above.
        seen_rows = {i.row for i in issues}
        for (r, c), msg in sorted(sheet.bad_cells.items()):
            if r > header_row and r not in seen_rows:
                issues.append(RowIssue(r, names.get(c, column_letter(c)), None, msg))
                report.rows += 1

    if layout is not None and not core_missing:
        def sub_progress(fraction: float, message: str) -> None:
            say(0.3 + 0.7 * fraction, message)

        # Rows that could not even be read still block an all-or-nothing import; the others are
        # checked (dry) so that the report lists every problem at once.
        blocked = bool(issues) and all_or_nothing
        result = app.census.register_many(
            rows, institution=institution, dry_run=dry_run or blocked, all_or_nothing=all_or_nothing,
            progress=sub_progress, cancel=cancel, note=f"Excel import: {path.name}")
        if result.cancelled:
            report.cancelled = True
            report.elapsed_s = time.perf_counter() - started
            return report
        assert layout is not None
        for key, p in result.errors:
            issues.append(_issue(key, p, layout, "error"))
        for key, p in result.warnings:
            report.warnings.append(_issue(key, p, layout, "warning"))
        report.created, report.updated, report.skipped = result.created, result.updated, result.skipped
        report.written = result.written
        report.numbers = result.numbers
        report.changes = result.changes
    report.errors = sorted(issues, key=lambda i: i.row)
    report.error_file = _write_error_file(report)
    report.elapsed_s = time.perf_counter() - started
    say(1.0, report.summary())
    return report


def _issue(row: int, p: FieldProblem, layout: _Layout, severity: str) -> RowIssue:
    column = layout.home.get(p.field) or FIELD_LABELS.get(p.field, p.field)
    value = p.value
    if isinstance(value, Decimal):
        value = str(value)
    return RowIssue(row, column, value, p.message, severity)


# ------------------------------------------------------------------------------ template

_INSTRUCTIONS = [
    "古籍普查登记 Excel 模板 · 填写说明",
    "",
    "1. 第一张工作表是登记表：第一行是表头，每行登记一部书。不要改动表头文字；可以删去不用的选填列，但七个核心列（普查编号、索书号、题名卷数、著者、版本、册数、存缺卷数）必须保留。",
    "2. 普查编号格式为 PPPPPP-UUUU-NNNNNNN（省代码-单位代码-七位流水号），例如 210000-0101-0000001。已有编号照录；留空则导入时按本单位下一个流水号自动编号。",
    "3. 册数填正整数；全角数字、文本形式的数字均可。题名卷数如“墨子十五卷”；著者如“（明）王懋德（明）陸鳳儀纂修”；版本如“明萬曆刻本”。",
    "4. 分类写作“史部·地理類·總志之屬”（部、類、屬，可只写到部或類）。版框高、版框宽以厘米计，如 21.5。",
    "5. 行款如“半葉十行行二十字”；版式如“白口，四周雙邊，單黑魚尾”。",
    "6. 钤印：多方印以“；”分隔，印主写在括号内，位置写在方括号内，如“天一閣（范欽）；汲古閣［卷端］”。",
    "7. 批校题跋：多条以“；”分隔，写作“人名+方式（说明）”，方式为批、校、題、跋、識，如“（清）黃丕烈跋（卷末手跋二則）；顧廣圻校”。",
    "8. 装帧、定级、破损级别请从下拉列表或右侧词表中选择。",
    "9. 公式只取 Excel 保存的计算结果；合并单元格（同一列上下合并）视为每一行都填了该值；左右合并的单元格不能导入。空行自动跳过。",
    "10. 导入默认“全部或全不”：只要有一处错误，就一条也不写入；错误清单（行、列、值、问题）保存在原文件旁的 文件名.errors.xlsx。",
    "11. 同一文件再次导入时，按普查编号比对：内容未变的跳过，有改动的更新（仅限草稿和返修记录；已提交或已审核的记录会被报告）。",
]


def _vocab_labels(name: str, depth: int | None = None) -> list[str]:
    return [e.label for e in vocab.choices(name, depth=depth)]


def write_template(path: str | Path) -> Path:
    """Write the empty register template to ``path`` (.xlsx) and return the path.

    Sheet 1 登记表: the core and optional headers (bold, sized, frozen), with drop-downs for
    装帧, 定级 and 破损级别 taken from the vocabularies; sheet 2 说明: instructions and the
    vocabulary lists (装帧, 定级, 破损级别, 版本类型, 四部分类).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    target = Path(path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "登记表"
    bold = Font(bold=True)
    core_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, col in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if col in CORE_COLUMNS:
            cell.fill = core_fill
        ws.column_dimensions[column_letter(i)].width = col.width + 4
    ws.freeze_panes = "B2"

    info = wb.create_sheet("说明")
    info.column_dimensions["A"].width = 100
    for r, line in enumerate(_INSTRUCTIONS, start=1):
        c = info.cell(row=r, column=1, value=line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if r == 1:
            c.font = Font(bold=True, size=14)
    lists = [
        ("装帧", _vocab_labels("binding")),
        ("定级", _vocab_labels("grade")),
        ("破损级别", _vocab_labels("damage_grade")),
        ("版本类型", _vocab_labels("edition_type")),
        ("分类（部·類）", [format_classification(*(list(e.path) + [None, None])[:3]) or ""
                         for e in vocab.choices("classification") if e.depth <= 1]),
    ]
    ranges: dict[str, str] = {}
    for j, (title, labels) in enumerate(lists):
        col = column_letter(3 + j)
        info.column_dimensions[col].width = 16 if j < 4 else 24
        info.cell(row=1, column=3 + j, value=title).font = bold
        for r, label in enumerate(labels, start=2):
            info.cell(row=r, column=3 + j, value=label)
        ranges[title] = f"'说明'!${col}$2:${col}${len(labels) + 1}"
    for header, key in (("装帧", "装帧"), ("定级", "定级"), ("破损级别", "破损级别")):
        idx = next(i for i, c in enumerate(TEMPLATE_COLUMNS, start=1) if c.header == header)
        dv = DataValidation(type="list", formula1=ranges[key], allow_blank=True, showErrorMessage=False)
        dv.prompt = f"从词表中选择{header}"
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{column_letter(idx)}2:{column_letter(idx)}100000")
    try:
        wb.save(target)
    except OSError as exc:
        raise ExcelFileError(f"cannot write {target}: {exc.strerror}") from None
    return target
