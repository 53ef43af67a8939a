"""A fast reader of the first worksheet of an .xlsx workbook: values as saved, no openpyxl.

openpyxl's read-only mode reads about 5,000 rows/s of an 18-column register, which alone would
use the whole time budget of an import. This reader returns the same values as openpyxl's
``data_only=True`` (tests compare the two) and also tells formulas without a saved value,
Excel error values and merged ranges, which openpyxl's read-only mode cannot.

Two parsers share one cell-value rule (:meth:`Sheet._value`):

- the **fast path** cuts the sheet XML into ``<row>`` elements with regular expressions and
  reads the common cell shapes — ``<v>`` values (shared strings, numbers, booleans, dates),
  a formula before its value, simple inline strings — without a Python call per XML event;
- **expat** takes over, from the row where it happens to the end of the sheet, at the first
  thing the fast path does not read exactly (rich or phonetic inline text, CDATA, comments,
  text between rows, an unusual attribute), so that every file is still read exactly and a
  malformed one is still refused as damaged.

Merged ranges (``<mergeCells>`` after the rows) are read before the rows, from the end of the
sheet, so that an import knows them when it meets the header.

A workbook is a zip file, and a few kilobytes of it can unpack to gigabytes (a "zip bomb"). Before
anything is read, every part the reader opens is checked against a budget of uncompressed bytes
and a compression ratio (:data:`BUDGETS`, :data:`MAX_RATIO`); while reading, the bytes actually
unpacked are counted against the same budget (a declared size can lie). A cell or shared string
longer than Excel's own limit of 32,767 characters is a bad cell, and its text is not kept. Row
numbers must be numbers, increasing, and within Excel's 1,048,576 rows: anything else is a
damaged file, refused whole.
"""

from __future__ import annotations

import codecs
import re
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO, Any

from guji.errors import GujiError
from guji.messages import msg

__all__ = [
    "BUDGETS",
    "MAX_CELL_CHARS",
    "MAX_RATIO",
    "MAX_ROW",
    "ExcelFileError",
    "Sheet",
    "cell_values",
    "column_letter",
    "read_sheet",
]

MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell
MAX_ROW = 1_048_576  # Excel's last row
# Bytes a part of the workbook may unpack to. The sheet is streamed (a 100,000-row register is about
# 110 MB of XML); the shared strings are held in memory; the other parts are small.
BUDGETS = {"sheet": 2 << 30, "strings": 1 << 30, "other": 64 << 20}
# Parts larger than RATIO_FROM bytes may not be compressed more than MAX_RATIO:1 (registers compress
# about 13:1; a run of one repeated byte, the stuff of zip bombs, about 1000:1).
MAX_RATIO = 200
RATIO_FROM = 50_000_000
MAX_MERGED_ROWS = MAX_ROW  # rows covered by all merged ranges together
_MAX_PENDING = 8 << 20  # a row of sheet XML longer than this is left to expat (which streams it)


class ExcelFileError(GujiError):
    """The file cannot be read as an .xlsx workbook (not xlsx, encrypted, damaged). Nothing was written."""


_DAMAGED = (xml.parsers.expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError,
            UnicodeDecodeError)

# --- the fast path's expressions (built per namespace prefix of the sheet, see _Grammar) ------------

_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_SHEETDATA = re.compile(r"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?worksheet\b[^>]*>")


class _Overlong:
    """A shared string longer than :data:`MAX_CELL_CHARS`: only its length is kept."""

    __slots__ = ("length",)

    def __init__(self, length: int) -> None:
        self.length = length


def _too_long(length: int) -> str:
    return msg("census.xlsx.cell_too_long", length=f"{length:,}", limit=f"{MAX_CELL_CHARS:,}")


class _Budgeted:
    """A part of the zip read through a counter: more than ``limit`` bytes unpacked is a file error."""

    def __init__(self, fh: IO[bytes], limit: int, name: str, member: str) -> None:
        self._fh, self.limit, self.name, self.member, self.count = fh, limit, name, member, 0

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n if n is not None and n >= 0 else self.limit + 1 - self.count)
        self.count += len(data)
        if self.count > self.limit:
            raise ExcelFileError(msg("census.xlsx.member_overflow", name=self.name, member=self.member,
                                     limit=f"{self.limit:,}"))
        return data

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> _Budgeted:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_part(z: zipfile.ZipFile, member: str, name: str, kind: str = "other") -> _Budgeted:
    """Open a part of the workbook after checking its declared size and compression ratio."""
    _check_declared(z, member, name, kind)
    return _Budgeted(z.open(member), BUDGETS[kind], name, member)


def _check_declared(z: zipfile.ZipFile, member: str, name: str, kind: str) -> None:
    """Refuse a part whose declared size is over its budget, or that is compressed suspiciously well."""
    info = z.getinfo(member)
    limit = BUDGETS[kind]
    if info.file_size > limit:
        raise ExcelFileError(msg("census.xlsx.member_too_large", name=name, member=member,
                                 size=f"{info.file_size:,}", limit=f"{limit:,}"))
    if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(1, info.compress_size):
        raise ExcelFileError(msg("census.xlsx.member_ratio", name=name, member=member,
                                 ratio=info.file_size // max(1, info.compress_size), size=f"{info.file_size:,}",
                                 limit=MAX_RATIO))


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    return _NAMED[name]


def _text(raw: str) -> str:
    """XML character data as expat gives it: line ends normalised, then references replaced."""
    if "&" not in raw and "\r" not in raw:
        return raw
    return _decoded(raw)


@lru_cache(maxsize=65536)  # registers repeat their texts (editions, authors, 行款) row after row
def _decoded(raw: str) -> str:
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


_ROW_NUMBER = re.compile(r"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DIGITS = re.compile(r"\s*([0-9]{1,9})\s*")
_SPACE = re.compile(r"\s+")
_COLUMNS: dict[str, int] = {}


class _Grammar:
    """The expressions for one namespace prefix (``""`` or ``"x:"``)."""

    def __init__(self, prefix: str) -> None:
        p = re.escape(prefix)
        self.row = re.compile(rf"<{p}row\b([^>]*?)(?:/>|>(.*?)</{p}row\s*>)", re.S)
        self.cell = re.compile(rf"<{p}c\b([^>]*?)(?:/>|>(.*?)</{p}c\s*>)", re.S)
        # what a cell may hold on the fast path: [formula] [value], or a simple inline string
        self.value = re.compile(rf"(<{p}f\b[^>]*?(?:/>|>[^<]*</{p}f\s*>))?(?:<{p}v\s*>([^<]*)</{p}v\s*>|<{p}v\s*/>)?")
        self.inline = re.compile(rf"<{p}is\s*>\s*<{p}t(?:\s[^>]*)?>([^<]*)</{p}t\s*>\s*</{p}is\s*>")
        self.end = re.compile(rf"\s*</{p}sheetData\s*>")
        # The shape Excel, WPS and openpyxl write: r, then s and t, then [formula] value or a plain inline string.
        self.simple = re.compile(
            rf'<{p}c r="([A-Z]{{1,3}})[0-9]+"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
            rf"(?:/>|>(?:(<{p}f(?:\s[^>]*)?(?:/>|>[^<]*</{p}f>))?<{p}v>([^<]*)</{p}v>|<{p}is><{p}t>([^<]*)</{p}t></{p}is>)"
            rf"</{p}c>)")


class _Fallback(Exception):
    """The fast path met something it does not read exactly; expat continues from ``at``."""

    def __init__(self, at: int) -> None:
        self.at = at


@dataclass
class Sheet:
    """The first worksheet of a workbook as plain rows.

    ``rows`` yields ``(row_number, {column_index: value})`` for rows that have any cell
    (1-based numbers and indexes); values are ``str``, ``int``, ``float``, ``bool`` or
    ``datetime`` as saved. ``bad_cells`` maps ``(row, col)`` to a message for cells whose value
    cannot be used (formula without a saved value, Excel error value); ``merged`` lists merged
    ranges as ``(min_row, min_col, max_row, max_col)`` (known before the rows are read).
    ``size`` is the uncompressed size of the sheet XML and ``position`` how much of it has been
    read (for progress). ``parser`` says which parser read the rows (``"fast"`` or ``"expat"``).
    """

    name: str
    path: Path
    size: int
    merged: list[tuple[int, int, int, int]]
    bad_cells: dict[tuple[int, int], str]
    _member: str
    _strings: list[str | _Overlong]
    _date_styles: frozenset[int] = frozenset()  # cell style indexes whose number format is a date
    _date1904: bool = False
    position: int = 0  # bytes of sheet XML read so far
    parser: str = "fast"
    last_row: int = 0
    _want: Callable[[int], bool] | None = None

    # --- one rule for a cell's value, both parsers ----------------------------------------------

    def _value(self, row: int, col: int, raw: str | None, t: str | None, s: str | None, formula: bool) -> Any:
        """The value of a cell, or ``_NONE`` (empty, or a bad cell recorded in ``bad_cells``)."""
        if raw is None or (raw == "" and formula and t not in ("str", "inlineStr")):
            if formula:
                self.bad_cells[(row, col)] = ("formula without a saved value (open the file in Excel, "
                                              "let it calculate and save, or paste the values)")
            return _NONE
        if len(raw) > MAX_CELL_CHARS:
            self.bad_cells[(row, col)] = _too_long(len(raw))
            return _NONE
        if t == "s":
            try:
                text = self._strings[int(raw)]
            except (ValueError, IndexError):
                raise ExcelFileError(f"{self.path.name}: damaged workbook (bad shared string "
                                     f"index {raw!r})") from None
            if type(text) is not str:
                self.bad_cells[(row, col)] = _too_long(text.length)  # type: ignore[union-attr]
                return _NONE
            return text
        if t in ("str", "inlineStr", "d"):
            return raw
        if t == "b":
            return raw.strip() in ("1", "true")
        if t == "e":
            self.bad_cells[(row, col)] = f"the cell shows the Excel error {raw}"
            return _NONE
        value = _number(raw)
        if value is None:
            return raw
        if self._date_styles and s is not None:
            try:
                if int(s) in self._date_styles:
                    return _excel_date(value, _EPOCH_1904 if self._date1904 else _EPOCH_1900)
            except ValueError:
                pass
        return value

    # --- reading ----------------------------------------------------------------------------

    def rows(self, chunk: int = 1 << 20, *, fast: bool = True,
             want: Callable[[int], bool] | None = None) -> Generator[tuple[int, dict[int, Any]], None, None]:
        """The rows in sheet order (``fast=False``: expat alone, for tests that compare the two).

        ``want(row_number)`` False: the row is not read (the fast path does not even parse its
        cells) — how the Excel import's worker processes share one sheet. ``last_row`` is the
        number of the last row seen, wanted or not.
        """
        self._want = want
        try:
            with zipfile.ZipFile(self.path) as z, _open_part(z, self._member, self.path.name, "sheet") as fh:
                if fast:
                    yield from self._rows(fh, chunk)
                else:
                    self.parser = "expat"
                    yield from self._expat("", fh, chunk, 0)
        except ExcelFileError:
            raise
        except _DAMAGED as exc:
            raise ExcelFileError(f"{self.path.name} is damaged: {exc}") from None

    def _row_number(self, attrs: str, previous: int) -> int:
        """The number of a row from its attributes (``r``, else the one after ``previous``); a number
        that is not one, not after ``previous`` or beyond Excel's last row is a damaged file."""
        m = _ROW_NUMBER.search(attrs)
        return self._checked_row(None if m is None else m.group(1) if m.group(1) is not None else m.group(2),
                                 previous)

    def _checked_row(self, raw: str | None, previous: int) -> int:
        if raw is None:
            number = previous + 1
        else:
            d = _DIGITS.fullmatch(raw)
            if d is None or int(d.group(1)) == 0:
                raise ExcelFileError(msg("census.xlsx.bad_row_number", name=self.path.name, after=previous,
                                         value=raw[:20]))
            number = int(d.group(1))
            if number <= previous:
                raise ExcelFileError(msg("census.xlsx.rows_out_of_order", name=self.path.name, row=number,
                                         after=previous))
        if number > MAX_ROW:
            raise ExcelFileError(msg("census.xlsx.row_beyond_limit", name=self.path.name, row=f"{number:,}",
                                     limit=f"{MAX_ROW:,}"))
        return number

    def _read(self, fh: _Budgeted, decoder: Any, chunk: int) -> str | None:
        data = fh.read(chunk)
        self.position += len(data)
        if not data:
            tail = decoder.decode(b"", final=True)
            return tail or None
        return decoder.decode(data)

    def _rows(self, fh: _Budgeted, chunk: int) -> Iterator[tuple[int, dict[int, Any]]]:
        decoder = codecs.getincrementaldecoder("utf-8")()
        buf = ""
        # The document up to <sheetData>: kept to restart expat mid-document if needed.
        while True:
            m = _SHEETDATA.search(buf)
            if m is not None:
                break
            more = self._read(fh, decoder, chunk)
            if more is None:
                break
            buf += more
        root = _ROOT.search(buf)
        if m is None or root is None or m.group(2):  # no rows (or no sheetData at all): let expat judge
            yield from self._expat(buf, fh, chunk, 0, decoder.getstate()[0])
            return
        prologue = buf[root.start():root.end()] + buf[m.start():m.end()]
        g = _Grammar(m.group(1))
        buf = buf[m.end():]
        state = [0]  # the row number of the last row (rows without r="…" follow it)
        while True:
            pos = 0
            try:
                want = self._want
                for rm in g.row.finditer(buf):
                    if buf[pos:rm.start()].strip():
                        raise _Fallback(pos)
                    if want is not None and "&" not in rm.group(1):
                        number = self._row_number(rm.group(1), state[0])
                        if not want(number):
                            state[0] = self.last_row = number
                            pos = rm.end()
                            continue
                    out = self._fast_row(rm, g, state)
                    if out is None:
                        raise _Fallback(rm.start())
                    pos = rm.end()
                    if out[1]:
                        yield out
            except _Fallback as fb:
                self.parser = "expat"
                yield from self._expat(prologue + buf[fb.at:], fh, chunk, state[0], decoder.getstate()[0])
                return
            buf = buf[pos:]
            if g.end.match(buf):
                return  # </sheetData>: merged ranges were read before the rows (_merged_ranges)
            more = self._read(fh, decoder, chunk) if len(buf) <= _MAX_PENDING else None
            if more is None:
                # At the end, or a row too long to keep cutting out with expressions (each read would
                # search it again): expat reads it as a stream, keeping at most a cell's worth of text.
                # What is left is not a complete row: let expat say what is wrong with it.
                self.parser = "expat"
                yield from self._expat(prologue + buf, fh, chunk, state[0], decoder.getstate()[0])
                return
            buf += more

    def _fast_row(self, rm: re.Match[str], g: _Grammar, state: list[int]) -> tuple[int, dict[int, Any]] | None:
        attrs = rm.group(1)
        if "&" in attrs:
            return None
        row = self._row_number(attrs, state[0])
        cells: dict[int, Any] = {}
        body = rm.group(2)
        if not body:
            state[0] = self.last_row = row
            return row, cells
        pos, n, col = 0, len(body), 0
        simple, value_of = g.simple.match, self._value
        strings = self._strings
        n_strings = len(strings)
        while pos < n:
            cm = simple(body, pos)
            if cm is not None:  # the usual shape, one expression for the whole cell
                letters, style, t, formula, v, inline = cm.groups()
                col = _COLUMNS.get(letters) or _COLUMNS.setdefault(letters, _col_index(letters))
                pos = cm.end()
                raw = v if v is not None else inline
                if raw is None and formula is None:
                    continue  # a styled empty cell
                if (t == "s" and formula is None and v is not None and len(v) < 10 and v.isascii() and v.isdigit()
                        and int(v) < n_strings):
                    # A shared string, the commonest cell: what _value gives, without the calls.
                    text = strings[int(v)]
                    if type(text) is str:
                        cells[col] = text
                        continue
                elif t == "inlineStr" and inline is not None and formula is None:
                    text = _text(inline)  # a plain inline string (openpyxl writes them): likewise
                    if len(text) <= MAX_CELL_CHARS:
                        cells[col] = text
                        continue
                value = value_of(row, col, None if raw is None else _text(raw), t, style, formula is not None)
                if value is not _NONE:
                    cells[col] = value
                continue
            ws = _SPACE.match(body, pos)
            if ws is not None:
                pos = ws.end()
                continue
            cm = g.cell.match(body, pos)
            if cm is None:
                return None
            pos = cm.end()
            a = cm.group(1)
            if "&" in a:
                return None
            ref = _attr(a, "r")
            col = _col_index(ref) if ref else col + 1
            t = _attr(a, "t")
            inner = cm.group(2)
            if not inner:
                continue  # a styled empty cell
            if t == "inlineStr" and (im := g.inline.fullmatch(inner)) is not None:
                has_formula, raw = False, im.group(1)
            else:
                vm = g.value.fullmatch(inner)
                if vm is None or (t == "inlineStr" and not (vm.group(1) or vm.group(2) is not None)):
                    return None  # rich or phonetic text, comments, CDATA: expat reads it
                has_formula, raw = bool(vm.group(1)), vm.group(2)
            value = value_of(row, col, None if raw is None else _text(raw), t, _attr(a, "s"), has_formula)
            if value is not _NONE:
                cells[col] = value
        state[0] = self.last_row = row  # only now: a row the fast path gives up on is read again by expat
        return row, cells

    def _expat(self, text: str, fh: _Budgeted, chunk: int, last_row: int,
               pending: bytes = b"") -> Iterator[tuple[int, dict[int, Any]]]:
        """Rows by expat from ``text`` (the document so far, or the prologue and the rest of the
        rows), then ``pending`` (the start of a character the fast path's decoder was holding: a
        read can end inside one) and the remaining bytes of ``fh``; ``last_row`` is the number of
        the row before ``text`` (rows without ``r="…"`` follow it)."""
        done: list[tuple[int, dict[int, Any]]] = []
        state: dict[str, Any] = {"row": last_row, "col": 0, "t": None, "f": False, "v": None, "in": 0, "skip": 0,
                                 "s": None, "n": 0, "over": 0}
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
                state["over"] = 0
            elif name == "v":
                state["in"] = 1
                buf.clear()
                state["n"] = 0
            elif name == "t" and not state["skip"]:
                if state["in"] != 2:  # first <t> of an inline string
                    buf.clear()
                    state["n"] = 0
                state["in"] = 2
            elif name == "is":
                buf.clear()
                state["n"] = 0
                state["v"] = None
            elif name == "rPh":
                state["skip"] = 1  # phonetic guide text is not part of the value
            elif name == "f":
                state["f"] = True
            elif name == "row":
                state["row"] = self._checked_row(attrs.get("r"), state["row"])
                state["col"] = 0
                cells.clear()

        def end(name: str) -> None:
            name = name.rpartition(" ")[2]
            if name == "v":
                state["v"] = "".join(buf)
                state["in"] = 0
                state["over"] = state["n"] if state["n"] > MAX_CELL_CHARS else 0
            elif name == "t":
                if state["in"] == 2 and not state["skip"]:
                    state["v"] = "".join(buf)
                    state["over"] = state["n"] if state["n"] > MAX_CELL_CHARS else 0
            elif name == "rPh":
                state["skip"] = 0
            elif name == "is":
                state["in"] = 0
            elif name == "c":
                if state["over"]:
                    self.bad_cells[(state["row"], state["col"])] = _too_long(state["over"])
                    return
                value = self._value(state["row"], state["col"], state["v"], state["t"], state["s"], state["f"])
                if value is not _NONE:
                    cells[state["col"]] = value
            elif name == "row":
                self.last_row = state["row"]
                if cells and (self._want is None or self._want(state["row"])):
                    done.append((state["row"], dict(cells)))

        def chars(data: str) -> None:
            if state["in"] and not state["skip"]:
                state["n"] += len(data)
                if state["n"] <= MAX_CELL_CHARS:  # beyond it only the length is counted
                    buf.append(data)

        parser = _expat(start, end, chars)
        if text or pending:
            parser.Parse(text.encode("utf-8") + pending, False)
            yield from done
            done.clear()
        while True:
            data = fh.read(chunk)
            self.position += len(data)
            parser.Parse(data, not data)
            if done:
                yield from done
                done.clear()
            if not data:
                break


_NONE = object()  # no value for this cell


def _attr(attrs: str, name: str) -> str | None:
    """One attribute of a start tag's attribute text (``r``, ``t``, ``s``)."""
    for m in _ATTR.finditer(attrs):
        if m.group(1) == name:
            v = m.group(2)
            return v if v is not None else m.group(3)
    return None


def _merged_ranges(z: zipfile.ZipFile, member: str, name: str, chunk: int = 1 << 20) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet, from the XML after its rows (one inflate pass, no row parsing).

    A range beyond the sheet, or ranges covering more rows together than :data:`MAX_MERGED_ROWS`
    (the import gives every covered cell its value), make the file refused."""
    end = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>|<(?:[A-Za-z_][\w.-]*:)?sheetData\b[^>]*/>")
    tail = b""
    found = False
    window = b""
    with _open_part(z, member, name, "sheet") as fh:
        while True:
            data = fh.read(chunk)
            if not data:
                break
            if found:
                tail += data
                continue
            window = window[-64:] + data
            at = window.rfind(b"sheetData")  # cheap test first: the tag is rare
            if at < 0:
                continue
            m = None
            for m in end.finditer(window, max(0, at - 70)):  # noqa: B007 - the last match is the one wanted
                pass
            if m is not None:
                found = True
                tail = window[m.end():]
    if not found:
        return []
    out: list[tuple[int, int, int, int]] = []
    covered = 0
    for m in re.finditer(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b([^>]*)>", tail):
        ref = _attr(m.group(1).decode("utf-8", "replace"), "ref") or ""
        if ":" in ref:
            a, b = ref.split(":", 1)
            r1, c1 = _cell_ref(a)
            r2, c2 = _cell_ref(b)
            if max(r1, r2) > MAX_ROW or max(c1, c2) > _MAX_COLUMN or min(r1, r2, c1, c2) < 1:
                raise ExcelFileError(msg("census.xlsx.merge_beyond_limit", name=name, ref=ref[:40]))
            covered += abs(r2 - r1) + 1
            if covered > MAX_MERGED_ROWS:
                raise ExcelFileError(msg("census.xlsx.too_many_merged", name=name, rows=f"{covered:,}",
                                         limit=f"{MAX_MERGED_ROWS:,}"))
            out.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return out


_MAX_COLUMN = 16_384  # Excel's last column, XFD


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


def _date_styles(z: zipfile.ZipFile, names: set[str], name: str) -> frozenset[int]:
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

    p = _expat(start, end)
    with _open_part(z, "xl/styles.xml", name) as fh:
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


def _expat(start: Callable[[str, dict[str, str]], None], end: Callable[[str], None] | None = None,
           chars: Callable[[str], None] | None = None) -> Any:
    """A namespace-aware expat parser ("uri name" element names) with these handlers."""
    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    if chars is not None:
        p.buffer_text = True  # one call per text run, not per buffer boundary
        p.CharacterDataHandler = chars
    return p


def _parse_xml(z: zipfile.ZipFile, member: str, name: str, handler: Callable[[str, dict[str, str]], None]) -> None:
    p = _expat(handler)
    with _open_part(z, member, name) as fh:
        p.ParseFile(fh)


def _shared_strings(z: zipfile.ZipFile, member: str | None, name: str) -> list[str | _Overlong]:
    """The shared strings, each longer than :data:`MAX_CELL_CHARS` kept as its length only."""
    if member is None or member not in z.namelist():
        return []
    out: list[str | _Overlong] = []
    buf: list[str] = []
    state = {"in": False, "skip": 0, "n": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        name = name.rpartition(" ")[2]
        if name == "si":
            buf.clear()
            state["n"] = 0
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
            out.append("".join(buf) if state["n"] <= MAX_CELL_CHARS else _Overlong(state["n"]))

    def chars(data: str) -> None:
        if state["in"]:
            state["n"] += len(data)
            if state["n"] <= MAX_CELL_CHARS:
                buf.append(data)

    p = _expat(start, end, chars)
    with _open_part(z, member, name, "strings") as fh:
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
    except _DAMAGED as exc:
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

    _parse_xml(z, "xl/workbook.xml", p.name, wb_start)
    if "xl/_rels/workbook.xml.rels" in names:
        _parse_xml(z, "xl/_rels/workbook.xml.rels", p.name, rel_start)
    if not sheets:
        raise ExcelFileError(f"{p.name} has no worksheet")
    name, rid = sheets[0]
    member = _resolve("xl/workbook.xml", rels.get(rid, "worksheets/sheet1.xml"))
    if member not in names:
        raise ExcelFileError(f"{p.name} is damaged: the first sheet ({name}) is missing")
    strings_member = shared[0] or ("xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None)
    # Every big part's declared size first: a bomb is refused before anything of it is unpacked.
    _check_declared(z, member, p.name, "sheet")
    if strings_member is not None and strings_member in names:
        _check_declared(z, strings_member, p.name, "strings")
    merged = _merged_ranges(z, member, p.name)
    strings = _shared_strings(z, strings_member, p.name)
    size = z.getinfo(member).file_size
    return Sheet(name, p, size, merged, {}, member, strings, _date_styles(z, names, p.name), date1904[0])


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


