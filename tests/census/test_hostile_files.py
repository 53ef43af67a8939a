"""Hostile input and output: texts that look like formulas stay text in every workbook we write,
text limits hold on every way in, sheets with impossible row numbers and zip bombs are refused
whole (quickly, nothing written). Real files: openpyxl workbooks, hand-made sheet XML, zips."""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from guji.app import Guji
from guji.census import xlsx
from guji.census.excel import ExcelFileError, import_excel, report_file_for, write_template
from guji.census.record import RecordData
from guji.census.xlsx import read_sheet
from guji.cli.main import main
from guji.errors import ValidationError
from guji.models.audit import AuditEntry
from tests.census.excel_helpers import CORE, INST_A, counts, good_row, write_xlsx
from tests.census.test_excel_export import second_database
from tests.census.test_xlsx import MAIN, handmade
from tests.conftest import PASSWORD
from tests.export.exports import export_excel

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "=1+1", "-=cmd|' /C calc'!A0"]


def run(app: Guji, path: Path, **kw: Any) -> Any:
    return import_excel(app, path, institution=INST_A, **kw)


def all_audit(app: Guji) -> int:
    with app.db.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def assert_no_formulas(path: Path) -> list[Any]:
    """No sheet of the workbook has a formula: no <f> in its XML, no cell openpyxl types "f"."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml and ":f>" not in xml, name
    wb = openpyxl.load_workbook(path)
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                values.append(c.value)
    return values


# --- 1. hostile cells stay text -----------------------------------------------------------------------------

def hostile_record(n: int, text: str) -> RecordData:
    return RecordData(census_number=f"210000-0101-{n:07d}", call_number=text, title=text, author_statement=text,
                      edition_statement="明刻本", volumes=1, notes=f"{text}\n{text}", publisher=text,
                      other_titles=text, storage_note=text)


def test_formula_like_text_is_exported_as_text_and_round_trips(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    for n, text in enumerate(HOSTILE, start=1):
        app.census.register_book(hostile_record(n, text), institution=INST_A)
    out = tmp_path / "export.xlsx"
    assert export_excel(app, out) == len(HOSTILE)
    values = assert_no_formulas(out)
    for text in HOSTILE:
        assert text in values  # exactly as entered: no quote or apostrophe added
    ws = openpyxl.load_workbook(out).worksheets[0]
    title_col = [c.value for c in ws[1]].index("题名卷数")
    assert sorted(r[title_col].value for r in ws.iter_rows(min_row=2)) == sorted(HOSTILE)
    assert {r[title_col].data_type for r in ws.iter_rows(min_row=2)} == {"s"}

    # export → import gives the same records
    other = second_database(tmp_path)["census_a"]
    rep = import_excel(other, out, institution=INST_A)
    assert rep.errors == [] and rep.created == len(HOSTILE)
    for n in range(1, len(HOSTILE) + 1):
        number = f"210000-0101-{n:07d}"
        assert other.census.find_by_number(number).data == app.census.find_by_number(number).data
    assert (import_excel(app, out, institution=INST_A).skipped) == len(HOSTILE)


def test_template_and_report_have_no_formulas(org: dict[str, Guji], tmp_path: Path) -> None:
    assert_no_formulas(write_template(tmp_path / "t.xlsx"))

    def as_text(ws: Any) -> None:  # cells typed in as text (Excel's 'text' format): "=…" is data here
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.data_type = "s"

    rows = [good_row(1, 册数=HOSTILE[0]), good_row(2, 索书号="\t=1+1", 题名卷数=HOSTILE[3], 版本=HOSTILE[1]),
            good_row(3, 装帧="-2"), good_row(4, 附注="@SUM(A1)")]
    path = write_xlsx(tmp_path / "bad.xlsx", rows, setup=as_text)
    rep = run(org["census_a"], path)
    assert not rep.written and counts(org["census_a"]) == (0, 0)
    values = assert_no_formulas(report_file_for(path))
    assert HOSTILE[0] in values and "-2" in values
    problems = openpyxl.load_workbook(report_file_for(path)).worksheets[1]
    assert [(r[0].value, r[2].value, r[2].data_type) for r in problems.iter_rows(min_row=2) if r[0].value == 2] == [
        (2, HOSTILE[0], "s")]


# --- 2. text limits on every way in ----------------------------------------------------------------------------

HUGE = "卷" * 3_500_000


def test_a_huge_title_is_refused_by_the_service(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    before, audit_before = counts(app), all_audit(app)
    with pytest.raises(ValidationError) as err:
        app.census.register_book(RecordData(title=HUGE, edition_statement="明刻本", volumes=1), institution=INST_A)
    assert err.value.fields == ["title"] and "at most 2000" in str(err.value)
    assert len(str(err.value)) < 200 and len(str(err.value.problems[0].value)) < 50  # the value is not repeated
    assert counts(app) == before and all_audit(app) == audit_before
    rec = app.census.register_book(RecordData(title="墨子十五卷", edition_statement="明刻本", volumes=1),
                                   institution=INST_A)
    audit_before = all_audit(app)
    for name, limit in (("title", 2000), ("notes", 20000), ("author_statement", 2000)):
        d = app.census.get_record(rec.id).data
        setattr(d, name, "注" * (limit + 1))
        with pytest.raises(ValidationError) as err:
            app.census.update_record(rec.id, d)
        assert err.value.fields == [name]
    assert app.census.get_record(rec.id).data.title == "墨子十五卷" and all_audit(app) == audit_before
    # At the limit is fine.
    d = app.census.get_record(rec.id).data
    d.notes = "注" * 20000
    app.census.update_record(rec.id, d)
    assert len(app.census.get_record(rec.id).data.notes or "") == 20000


def test_long_texts_in_a_sheet_are_cell_errors(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    rows = [good_row(1, 题名卷数="題" * 2001), good_row(2, 附注="注" * 20_001), good_row(3)]
    path = write_xlsx(tmp_path / "long.xlsx", rows)
    rep = run(app, path)
    assert not rep.written and counts(app) == (0, 0)
    by_cell = {(e.row, e.column): e for e in rep.errors}
    assert set(by_cell) == {(2, "题名卷数"), (3, "附注")}
    assert "at most 2000" in by_cell[(2, "题名卷数")].message and "at most 20000" in by_cell[(3, "附注")].message
    assert len(str(by_cell[(3, "附注")].value)) < 50  # the report shows the start of the text, not all of it
    # Cells over Excel's own limit (openpyxl would cut them; other programs write them): cell errors,
    # inline or shared, on either parser, and their text is not kept.
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(CORE))
    shared_title = '<c r="C2" t="s"><v>0</v></c>'
    inline_title = '<c r="C3" t="inlineStr"><is><t>' + "題" * 40_000 + "</t></is></c>"

    def data_row(r: int, title: str) -> str:
        return (f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>210000-0101-000000{r}</t></is></c>{title}'
                f'<c r="E{r}" t="inlineStr"><is><t>明刻本</t></is></c><c r="F{r}"><v>1</v></c></row>')

    rows_xml = f'<row r="1">{header}</row>' + data_row(2, shared_title) + data_row(3, inline_title)
    hand = handmade(tmp_path, rows_xml, shared=["題" * 33_000])
    for fast in (True, False):
        sheet = read_sheet(hand)
        got = list(sheet.rows(fast=fast))
        assert [r for r, _ in got] == [1, 2, 3] and all(3 not in cells for r, cells in got if r > 1)
        assert {k: v.key for k, v in sheet.bad_cells.items()} == {(2, 3): "census.xlsx.cell_too_long",
                                                                 (3, 3): "census.xlsx.cell_too_long"}
    for workers in (0, 2):  # found in a worker process, the problem keeps its catalogue key
        rep = run(app, hand, workers=workers)
        assert [(e.row, e.column, e.message.key) for e in rep.errors] == [
            (2, "题名卷数", "census.xlsx.cell_too_long"), (3, "题名卷数", "census.xlsx.cell_too_long")]
        assert "40,000" in rep.errors[1].message and counts(app) == (0, 0)


def test_a_huge_title_in_census_xml_is_refused(org: dict[str, Guji], tmp_path: Path) -> None:
    from export.census_xml_import import InvalidExchangeFile
    from tests.export.census_xml_helpers import import_census_xml
    from tests.export.test_census_xml_import import _doc

    admin = org["admin"]
    before, audit_before = counts(admin), all_audit(admin)
    with pytest.raises((ValidationError, InvalidExchangeFile)) as err:
        import_census_xml(admin, io.BytesIO(_doc(title="x" * 3_500_000)))
    if isinstance(err.value, ValidationError):
        assert any(f.endswith("title") for f in err.value.fields) and len(str(err.value)) < 300
    assert counts(admin) == before and all_audit(admin) == audit_before


# --- 3. impossible row numbers: the file is damaged ----------------------------------------------------------

def sheet_xml(rows: list[tuple[str, list[Any]]]) -> str:
    """Rows of inline strings and numbers; the first item of each is the raw r attribute ('' for none)."""
    out = []
    for r, values in rows:
        cells = []
        for v in values:
            if v is None:
                continue
            cells.append(f'<c t="inlineStr"><is><t>{v}</t></is></c>' if isinstance(v, str) else f"<c><v>{v}</v></c>")
        attr = f' r="{r}"' if r else ""
        out.append(f"<row{attr}>{''.join(cells)}</row>")
    return "".join(out)


def good_cells(serial: int) -> list[Any]:
    return [f"210000-0101-{serial:07d}", f"善{serial}", f"書{serial}", "佚名", "明刻本", 1, None]


BAD_ROWS = {
    "beyond": ([("1", CORE), ("2", good_cells(1)), ("1048577", good_cells(2))], "census.xlsx.row_beyond_limit"),
    "far beyond": ([("1", CORE), ("2", good_cells(1)), ("99999999999", good_cells(2))], "census.xlsx.bad_row_number"),
    "implicit beyond": ([("1", CORE), ("1048576", good_cells(1)), ("", good_cells(2))], "census.xlsx.row_beyond_limit"),
    "not a number": ([("1", CORE), ("abc", good_cells(1))], "census.xlsx.bad_row_number"),
    "zero": ([("1", CORE), ("0", good_cells(1))], "census.xlsx.bad_row_number"),
    "backwards": ([("1", CORE), ("5", good_cells(1)), ("3", good_cells(2))], "census.xlsx.rows_out_of_order"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "expat"])
def test_impossible_row_numbers_are_a_damaged_sheet(tmp_path: Path, case: str, fast: bool) -> None:
    rows, key = BAD_ROWS[case]
    path = handmade(tmp_path, sheet_xml(rows))
    with pytest.raises(ExcelFileError) as err:
        list(read_sheet(path).rows(fast=fast))
    assert err.value.key == key and "hand.xlsx" in str(err.value)


@pytest.mark.parametrize("case", ["beyond", "not a number", "backwards"])
def test_impossible_row_numbers_stop_the_import(org: dict[str, Guji], tmp_path: Path, case: str,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    app = org["census_a"]
    rows, key = BAD_ROWS[case]
    path = handmade(tmp_path, sheet_xml(rows))
    report_file_for(path).write_bytes(b"an old report")
    for workers in (0, 2):
        with pytest.raises(ExcelFileError) as err:
            run(app, path, workers=workers)
        assert err.value.key == key
        assert counts(app) == (0, 0) and not report_file_for(path).exists()  # nor a stale report
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    code = main(["--db", str(app.db.url.database), "--user", "census.a", "census", "import-excel", str(path),
                 "--institution", INST_A])
    err_text = capsys.readouterr().err
    assert code == 1 and "hand.xlsx" in err_text and "Traceback" not in err_text
    assert counts(app) == (0, 0)


def test_a_merge_beyond_the_sheet_is_refused(org: dict[str, Guji], tmp_path: Path) -> None:
    for ref, key in (("E2:E1048577", "census.xlsx.merge_beyond_limit"), ("A2:A0", "census.xlsx.merge_beyond_limit")):
        tail = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'
        path = handmade(tmp_path, sheet_xml([("1", CORE), ("2", good_cells(1))]), tail=tail)
        with pytest.raises(ExcelFileError) as err:
            run(org["census_a"], path)
        assert err.value.key == key
    many = "".join(f'<mergeCell ref="{c}2:{c}1048576"/>' for c in "ABC")
    path = handmade(tmp_path, sheet_xml([("1", CORE), ("2", good_cells(1))]), tail=f"<mergeCells>{many}</mergeCells>")
    with pytest.raises(ExcelFileError) as err:
        run(org["census_a"], path)
    assert err.value.key == "census.xlsx.too_many_merged"
    assert counts(org["census_a"]) == (0, 0)


# --- 4. zip bombs ------------------------------------------------------------------------------------------------

class _Replay:
    """A deflate "compressor" for zipfile that turns each repetition of one big chunk into the same
    precomputed bytes (every piece ends with a full flush, so pieces stand on their own): a
    gigabyte-sized member is written in a second instead of compressed for half a minute."""

    def __init__(self, chunk: bytes) -> None:
        self.chunk = chunk
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
        self.c = zlib.compressobj(9, zlib.DEFLATED, -15)

    def compress(self, data: bytes) -> bytes:
        if data is self.chunk:
            return self.block
        return self.c.compress(data) + self.c.flush(zlib.Z_FULL_FLUSH)

    def flush(self) -> bytes:
        return self.c.flush(zlib.Z_FINISH)


def bomb(path: Path, member: str, head: bytes, chunk: bytes, times: int, tail: bytes,
         monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workbook whose ``member`` is ``head + chunk * times + tail``, written through zipfile from a
    generator (the test never holds the whole member)."""
    def pieces() -> Iterator[bytes]:
        yield head
        for _ in range(times):
            yield chunk
        yield tail

    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(CORE))
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{header}</row><row r="2">'
             '<c r="A2" t="inlineStr"><is><t>210000-0101-0000001</t></is></c><c r="C2" t="s"><v>0</v></c>'
             '<c r="E2" t="inlineStr"><is><t>明刻本</t></is></c><c r="F2"><v>1</v></c></row></sheetData></worksheet>')
    parts = {
        "[Content_Types].xml": "<Types/>",
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                           '2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}"><si><t>墨子十五卷</t></si></sst>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            if name != member:
                z.writestr(name, text)
        with monkeypatch.context() as m:
            replay = _Replay(chunk)
            m.setattr(zipfile, "_get_compressor", lambda *a, **k: replay)
            with z.open(member, "w", force_zip64=True) as fh:
                for piece in pieces():
                    fh.write(piece)
    return path


MIB = b"A" * (1 << 20)


@pytest.mark.slow
def test_a_gigantic_shared_string_is_refused_within_seconds(org: dict[str, Guji], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    app = org["census_a"]
    path = bomb(tmp_path / "bomb.xlsx", "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"><si><t>'.encode(), MIB, 1500,
                b"</t></si></sst>", monkeypatch)
    info = zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml")
    assert info.file_size > 1_500_000_000 and path.stat().st_size < 20_000_000
    started = time.perf_counter()
    for workers in (0, 2):
        with pytest.raises(ExcelFileError) as err:
            run(app, path, workers=workers)
        assert err.value.key == "census.xlsx.member_too_large" and "sharedStrings" in str(err.value)
    assert time.perf_counter() - started < 10
    assert counts(app) == (0, 0) and not report_file_for(path).exists()


def test_a_sheet_compressed_like_a_bomb_is_refused(org: dict[str, Guji], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    app = org["census_a"]
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(CORE))
    head = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{header}</row><row r="2"><c r="J2" t="inlineStr"><is><t>'
    path = bomb(tmp_path / "ratio.xlsx", "xl/worksheets/sheet1.xml", head.encode(), MIB, 60,
                b"</t></is></c></row></sheetData></worksheet>", monkeypatch)
    started = time.perf_counter()
    with pytest.raises(ExcelFileError) as err:
        run(app, path)
    assert err.value.key == "census.xlsx.member_ratio" and time.perf_counter() - started < 5
    assert counts(app) == (0, 0)


def test_unpacked_bytes_are_counted_whatever_the_declared_size(org: dict[str, Guji], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A declared size can lie: the bytes actually unpacked are held to the budget too."""
    app = org["census_a"]
    path = write_xlsx(tmp_path / "ok.xlsx", [good_row(r, 附注="注" * 200) for r in range(1, 200)])
    monkeypatch.setattr(xlsx, "_check_declared", lambda *a, **k: None)  # as if every part said it was small
    monkeypatch.setitem(xlsx.BUDGETS, "sheet", 20_000)
    with pytest.raises(ExcelFileError) as err:
        run(app, path)
    assert err.value.key == "census.xlsx.member_overflow" and counts(app) == (0, 0)
    b = xlsx._Budgeted(io.BytesIO(b"x" * 100), 50, "f.xlsx", "m")
    assert b.read(40) == b"x" * 40
    with pytest.raises(ExcelFileError):
        b.read(40)


def test_characters_no_workbook_can_hold(org: dict[str, Guji], tmp_path: Path) -> None:
    """A control character would make the export fail: the register refuses it; one stored before is
    named by the export, which then writes no file."""
    from sqlalchemy import update

    from guji.census.models import CensusRecord
    from guji.errors import GujiError

    app = org["census_a"]
    before = counts(app)
    with pytest.raises(ValidationError) as err:
        app.census.register_book(RecordData(title="墨子\x01十五卷", edition_statement="明刻本", volumes=1,
                                            notes="行一\x07"), institution=INST_A)
    assert err.value.fields == ["title", "notes"] and "U+0001" in str(err.value)
    assert counts(app) == before
    rec = app.census.register_book(RecordData(title="墨子十五卷", edition_statement="明刻本", volumes=1),
                                   institution=INST_A)
    with app.db.write_session() as s:  # as an older version of the program could have stored it
        s.execute(update(CensusRecord).where(CensusRecord.id == rec.id).values(notes="蟲蛀\x02"))
    out = tmp_path / "e.xlsx"
    with pytest.raises(GujiError) as exp:
        export_excel(app, out)
    assert exp.value.key == "census.export.unstorable" and rec.census_number in str(exp.value)
    assert not out.exists() and not list(tmp_path.glob(".e.xlsx.*"))


def test_a_gigantic_row_is_streamed_not_held(tmp_path: Path) -> None:
    """A row longer than the fast path keeps in hand (8 Mi characters of XML) is read by expat as a stream."""
    wide = "".join(f'<c t="inlineStr"><is><t>{"字" * 30_000}</t></is></c>' for _ in range(300))
    path = handmade(tmp_path, sheet_xml([("1", CORE)]) + f'<row r="2">{wide}</row>' + sheet_xml([("3", ["x"])]))
    sheet = read_sheet(path)
    rows = list(sheet.rows())
    assert sheet.parser == "expat" and [r for r, _ in rows] == [1, 2, 3]
    assert len(rows[1][1]) == 300 and {len(v) for v in rows[1][1].values()} == {30_000}
    assert sheet.bad_cells == {} and rows[2][1] == {1: "x"}
