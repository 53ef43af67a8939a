"""The .xlsx sheet reader (guji.census.xlsx): the fast path and expat agree with each other and
with openpyxl on every cell shape, hand-made XML included; damaged sheets are refused."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guji.census.xlsx import ExcelFileError, read_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def both(path: Path, chunk: int = 1 << 20) -> list[tuple[int, dict[int, Any]]]:
    """Rows by the fast path and by expat alone; asserts they agree (bad cells too)."""
    fast = read_sheet(path)
    a = list(fast.rows(chunk))
    slow = read_sheet(path)
    b = list(slow.rows(chunk, fast=False))
    assert a == b
    assert fast.bad_cells == slow.bad_cells
    return a


def handmade(tmp_path: Path, rows_xml: str, *, prefix: str = "", shared: list[str] | None = None,
             tail: str = "", name: str = "hand.xlsx") -> Path:
    """A minimal workbook whose sheet XML is written by hand (``rows_xml`` goes inside sheetData)."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}worksheet {ns} '
             f'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
             f"<{p}sheetData>{rows_xml}</{p}sheetData>{tail}</{p}worksheet>")
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                   "</sheets></workbook>")
        rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/worksheet" Target="worksheets/sheet1.xml"/>')
        if shared is not None:
            rels += ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     'relationships/sharedStrings" Target="sharedStrings.xml"/>')
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">'
                       + "".join(f"<si><t>{s}</t></si>" for s in shared) + "</sst>")
        z.writestr("xl/_rels/workbook.xml.rels", rels + "</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def test_common_shapes_read_fast(tmp_path: Path) -> None:
    xml = ('<row r="1" spans="1:4" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
           '<c r="C1" s="3"/><c r="D1"><v>4.5</v></c></row>'
           '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> 墨子 &amp; &lt;注&gt; &#x5B;&#38; '
           '</t></is></c>'
           '<c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="str"><f>A1</f><v>x</v></c></row>'
           '<row r="4"/>'
           '<row r="5"><c r="A5" t="e"><v>#N/A</v></c><c r="B5"><f>A1</f></c><c r="C5" '
           't=\'inlineStr\'><is><t>a\r\nb</t></is></c></row>')
    path = handmade(tmp_path, xml, shared=["普查", "萬曆"])
    sheet = read_sheet(path)
    rows = list(sheet.rows())
    assert sheet.parser == "fast"
    assert rows == [(1, {1: "普查", 2: "萬曆", 4: 4.5}),
                    (2, {1: " 墨子 & <注> [& ", 2: 2, 3: True, 4: "x"}),
                    (5, {3: "a\nb"})]
    assert sheet.bad_cells == {(5, 1): "the cell shows the Excel error #N/A",
                               (5, 2): "formula without a saved value (open the file in Excel, let it calculate "
                                       "and save, or paste the values)"}
    assert both(path) == rows


@pytest.mark.parametrize("odd", [
    '<c r="A3" t="inlineStr"><is><r><t>富</t></r><r><rPr><b/></rPr><t>文堂</t></r></is></c>',  # rich text
    '<c r="A3" t="inlineStr"><is><t>書</t><rPh sb="0" eb="1"><t>しょ</t></rPh></is></c>',  # phonetic guide
    '<c r="A3" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c>',
    '<c r="A3"><!-- a comment --><v>7</v></c>',
])
def test_unusual_cells_hand_over_to_expat(tmp_path: Path, odd: str) -> None:
    xml = ('<row r="1"><c r="A1" t="inlineStr"><is><t>head</t></is></c></row>'
           '<row r="2"><c r="A2"><v>1</v></c></row>'
           f'<row r="3">{odd}<c r="B3"><v>9</v></c></row>'
           '<row><c><v>10</v></c><c><v>11</v></c></row>')  # no r="…": they follow the last row and column
    path = handmade(tmp_path, xml)
    sheet = read_sheet(path)
    rows = list(sheet.rows())
    assert sheet.parser == "expat"
    assert rows[:2] == [(1, {1: "head"}), (2, {1: 1})]
    assert rows[2][0] == 3 and rows[2][1][2] == 9
    assert rows[3] == (4, {1: 10, 2: 11})
    assert rows == both(path)
    first = rows[2][1][1]
    assert first in ("富文堂", "書", "a<b", 7)


def test_prefixed_namespace(tmp_path: Path) -> None:
    path = handmade(tmp_path, '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1"><x:v>3</x:v></x:c></x:row>',
                    prefix="x", shared=["版本"])
    sheet = read_sheet(path)
    assert list(sheet.rows()) == [(1, {1: "版本", 3: 3})] and sheet.parser == "fast"


def test_merged_ranges_of_a_large_sheet_are_known_before_its_rows(tmp_path: Path) -> None:
    """mergeCells come after the rows; a sheet larger than one read is still merged right."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{"版" * 40}{r}</t></is></c></row>'
                   for r in range(1, 20001))
    path = handmade(tmp_path, rows, tail='<mergeCells count="2"><mergeCell ref="B5:B7"/><mergeCell ref="C9:D9"/>'
                                          "</mergeCells>")
    sheet = read_sheet(path)
    assert sheet.size > 2 * (1 << 20)
    assert sheet.merged == [(5, 2, 7, 2), (9, 3, 9, 4)]
    got = both(path, chunk=1 << 16)
    assert len(got) == 20000 and got[-1] == (20000, {1: "版" * 40 + "20000"})


@pytest.mark.parametrize("damage", [
    '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></rox>',  # mismatched tag
    '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3" t="s"><v>2</v></c></row>',  # no shared strings
    '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c>',  # a row never closed
    '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row></sheetData',
])
def test_malformed_sheet_is_refused_as_damaged(tmp_path: Path, damage: str) -> None:
    path = handmade(tmp_path, damage)
    with pytest.raises(ExcelFileError, match="damaged"):
        list(read_sheet(path).rows())
    with pytest.raises(ExcelFileError, match="damaged"):
        list(read_sheet(path).rows(fast=False))


def test_text_between_rows_is_read_by_expat(tmp_path: Path) -> None:
    """Well-formed but unusual XML (text between rows) is left to expat, which ignores it."""
    path = handmade(tmp_path, '<row r="2"><c r="A2"><v>1</v></c></row>stray<row r="3"><c r="A3"><v>2</v></c></row>')
    sheet = read_sheet(path)
    assert list(sheet.rows()) == [(2, {1: 1}), (3, {1: 2})] and sheet.parser == "expat"


def test_truncated_sheet_is_refused(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 5000))
    good = handmade(tmp_path, rows)
    with zipfile.ZipFile(good) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(cut, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, xml[: len(xml) // 2] if item.filename.endswith("sheet1.xml") else data)
    with pytest.raises(ExcelFileError, match="damaged"):
        list(read_sheet(cut).rows(chunk=4096))


texts = st.lists(st.sampled_from(list("墨子萬曆 ab&<>\"'\n\t;；（）［］") + ["&amp;", "𠀀", "&#38;"]),
                 min_size=1, max_size=12).map("".join)
cell = st.one_of(texts, st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False, width=32),
                 st.booleans(), st.none(), st.dates(dt.date(1901, 1, 1), dt.date(2100, 1, 1)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=1, max_size=6), min_size=1, max_size=8), st.booleans())
def test_any_openpyxl_workbook_reads_as_openpyxl_reads_it(tmp_path: Path, rows: list[list[Any]],
                                                          write_only: bool) -> None:
    """Shared strings (normal mode) and inline strings (write-only mode), every value type."""
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("S") if write_only else wb.active
    for r in rows:
        ws.append(r)
    path = tmp_path / f"h{write_only:d}.xlsx"
    wb.save(path)
    ours = dict(both(path))
    theirs = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    for r, values in enumerate(theirs.iter_rows(values_only=True), start=1):
        expect = {c: v for c, v in enumerate(values, start=1) if v is not None and v != ""}
        got = {c: v for c, v in ours.get(r, {}).items() if v != ""}
        assert got == expect, (r, got, expect)


def test_hand_over_to_expat_inside_a_character(tmp_path: Path) -> None:
    """A read can end inside a multi-byte character; when the fast path hands over to expat right
    then, the bytes of that character's start must go to expat too (they sat in the decoder)."""
    def text_row(r: int) -> str:
        return f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>漢字第{r}行</t></is></c></row>'

    rich = '<row r="20"><c r="A20" t="inlineStr"><is><r><t>朱筆</t></r><r><t>批點</t></r></is></c></row>'
    path = handmade(tmp_path, "".join(text_row(r) for r in range(1, 20)) + rich
                    + "".join(text_row(r) for r in range(21, 30)))
    for chunk in range(3, 64):
        rows = both(path, chunk)
        assert [r for r, _ in rows] == list(range(1, 30)) and rows[19][1] == {1: "朱筆批點"}
