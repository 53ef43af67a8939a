"""A small .xlsx writer for plain tables (the import report): text and numbers, never formulas.

The report of an import lists every row of the input; through openpyxl's write-only mode a
100,000-row report took seconds, about a sixth of the import itself. This writes the parts of
the workbook directly, streaming the sheet XML into the zip. Every text is an inline string
(``t="inlineStr"``), so no text — not even one that starts with ``=``, ``+``, ``-`` or ``@`` —
can become a formula; characters XML cannot carry are shown as U+FFFD, and a text longer than
Excel's cell limit is cut (the report repeats what the user gave, it is not data).
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guji.census.xlsx import MAX_CELL_CHARS, column_letter

__all__ = ["Table", "write_tables"]


@dataclass
class Table:
    """One sheet: its ``name`` (at most 31 characters), a bold ``header`` row kept in view, the
    ``rows`` (values: ``str``, ``int``, ``float`` or None) and the column ``widths`` in characters."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _text(value: str) -> str:
    if len(value) > MAX_CELL_CHARS:
        value = value[:MAX_CELL_CHARS - 1] + "…"
    if _SPECIAL.search(value) is None:  # most texts: nothing to escape (one search in C)
        return value
    value = _ILLEGAL.sub("\ufffd", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(ref: str, value: Any, style: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def _row(r: int, values: Sequence[Any], letters: list[str]) -> str:
    """One row of plain values (the hot loop of a large report: texts first, no call per cell)."""
    parts = [f'<row r="{r}">']
    for i, v in enumerate(values):
        if v is None:
            continue
        if type(v) is int:
            parts.append(f'<c r="{letters[i]}{r}"><v>{v}</v></c>')
        else:
            parts.append(_cell(f"{letters[i]}{r}", v))
    parts.append("</row>")
    return "".join(parts)


def _sheet(z: zipfile.ZipFile, member: str, table: Table) -> None:
    letters = [column_letter(i + 1) for i in range(max(len(table.header), 1))]
    with z.open(member, "w", force_zip64=True) as fh:
        head = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">',
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/></sheetView></sheetViews>']
        if table.widths:
            head.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                           for i, w in enumerate(table.widths, start=1)) + "</cols>")
        head.append('<sheetData><row r="1">' + "".join(_cell(f"{letters[i]}1", h, ' s="1"')
                                                       for i, h in enumerate(table.header)) + "</row>")
        fh.write("".join(head).encode("utf-8"))
        out: list[str] = []
        r = 1
        for values in table.rows:
            r += 1
            while len(letters) < len(values):
                letters.append(column_letter(len(letters) + 1))
            out.append(_row(r, values, letters))
            if len(out) >= 1000:
                fh.write("".join(out).encode("utf-8"))
                out.clear()
        out.append("</sheetData></worksheet>")
        fh.write("".join(out).encode("utf-8"))


def write_tables(path: str | os.PathLike[str], tables: Sequence[Table]) -> Path:
    """Write ``tables`` as the sheets of an .xlsx file at ``path`` (replaced whole: the workbook is
    written beside it and renamed into place). Raises ``OSError`` when it cannot be written."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=str(target.parent))
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            n = len(tables)
            z.writestr("[Content_Types].xml", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.styles+xml"/>'
                + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                          'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
                + "</Types>"))
            z.writestr("_rels/.rels", (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
            z.writestr("xl/workbook.xml", (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" '
                f'xmlns:r="{_REL}"><sheets>'
                + "".join(f'<sheet name="{_text(t.name[:31])}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, t in enumerate(tables, start=1))
                + "</sheets></workbook>"))
            z.writestr("xl/_rels/workbook.xml.rels", (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
                + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                          for i in range(1, n + 1))
                + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'))
            z.writestr("xl/styles.xml", (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}">'
                '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
                '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
                '<fills count="2"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill></fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                "</styleSheet>"))
            for i, t in enumerate(tables, start=1):
                _sheet(z, f"xl/worksheets/sheet{i}.xml", t)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target
