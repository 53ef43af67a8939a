"""Excel import: every bad input is reported by row and column and nothing is written (all or nothing)."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from guji.app import Guji
from guji.census.excel import (
    ExcelFileError,
    cell_values,
    error_file_for,
    import_excel,
    parse_annotations,
    parse_classification,
    parse_seals,
    report_file_for,
)
from guji.census.record import AnnotationData, SealData
from guji.errors import NotFound, PermissionDenied
from tests.census.excel_helpers import CORE, INST_A, INST_B, counts, good_row, write_xlsx


def run(app: Guji, path: Path, **kw: Any) -> Any:
    return import_excel(app, path, institution=kw.pop("institution", INST_A), **kw)


def assert_nothing_written(app: Guji, before: tuple[int, int], report: Any) -> None:
    assert not report.written
    assert counts(app) == before


def report_rows(path: Path) -> list[tuple[Any, ...]]:
    """The per-row sheet of the import report beside ``path`` (without its header)."""
    wb = openpyxl.load_workbook(report_file_for(path))
    return [tuple(r) for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]


def issue_at(report: Any, row: int, column: str) -> Any:
    found = [e for e in report.errors if e.row == row and e.column == column]
    assert found, f"no error at row {row}, {column}: {[str(e) for e in report.errors]}"
    return found[0]


# --- a good file ---------------------------------------------------------------------------------

def test_good_file_is_written_with_every_column(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    row = good_row(1, 分类="史部·地理類·總志之屬", 装帧="线装", 版框高=21.5, 版框宽="14.2cm", 行款="半葉十行行二十字",
                   版式="白口，四周雙邊，單黑魚尾", 钤印="天一閣（范欽）；汲古閣［卷端］",
                   批校题跋="（清）黃丕烈跋（卷末手跋二則）；顧廣圻校", 定级="二级乙等", 破损级别="輕度", 附注="有蟲蛀")
    path = write_xlsx(tmp_path / "reg.xlsx", [row, good_row(None, 题名卷数="史記一百三十卷")])
    rep = run(app, path)
    assert rep.errors == [] and rep.written and (rep.created, rep.updated, rep.skipped) == (2, 0, 0)
    assert counts(app) == (2, 2)
    d = app.census.find_by_number("210000-0101-0000001").data
    assert (d.class_branch, d.class_category, d.class_subcategory) == ("shi", "shi.dili", "shi.dili.zongzhi")
    assert d.binding == "線裝" and d.grade == "2B" and d.damage_grade == "qingdu" and d.notes == "有蟲蛀"
    assert str(d.frame_height_cm) == "21.5" and str(d.frame_width_cm) == "14.2"
    assert (d.lines_per_half_leaf, d.chars_per_line, d.banko, d.border) == (10, 20, "白口", "四周雙邊")
    assert d.fishtail == "單黑魚尾"
    assert d.seals == [SealData("天一閣", "范欽"), SealData("汲古閣", None, "卷端")]
    assert d.annotations == [AnnotationData("（清）黃丕烈", "跋", "卷末手跋二則"), AnnotationData("顧廣圻", "校")]
    # The row without a number got the unit's next serial.
    assert rep.numbers[3] == "210000-0101-0000002"
    # Audit: one create row per record, and the search index finds the new records.
    hist = app.census.history(app.census.find_by_number("210000-0101-0000002").id)
    assert [h.action for h in hist] == ["create"]
    assert app.search.search("史记").total == 1 and app.search.search("天一阁").total == 1
    # The report beside the file lists every row with its number (the assigned one to paste back).
    assert rep.error_file is None and rep.report_file == report_file_for(path)
    rows = report_rows(path)
    assert [r[:3] for r in rows] == [(2, "210000-0101-0000001", "新建"), (3, "210000-0101-0000002", "新建")]
    assert rows[0][3] is None and "填回" in rows[1][3]


def test_headers_in_traditional_with_spaces_and_units(org: dict[str, Guji], tmp_path: Path) -> None:
    headers = ["普查編號", " 索書號 ", "題名卷數", "著者", "版本", "冊數", "存缺卷數", "版框高（cm）", "鈐印"]
    rows = [["210000-0101-0000001", "善1", "墨子十五卷", "（清）孫詒讓撰", "清刻本", "４", None, "２１.５", "汲古閣"]]
    rep = run(org["census_a"], write_xlsx(tmp_path / "t.xlsx", rows, headers))
    assert rep.errors == [] and rep.created == 1
    d = org["census_a"].census.find_by_number("210000-0101-0000001").data
    assert d.volumes == 4 and str(d.frame_height_cm) == "21.5" and d.seals[0].text == "汲古閣"


def test_numbers_as_text_floats_and_full_width_digits_are_accepted(org: dict[str, Guji], tmp_path: Path) -> None:
    rows = [good_row(1, 册数="12冊"), good_row(2, 册数=4.0, 版框高="21.5厘米"), good_row(3, 册数="４"),
            good_row(4, 册数=" 7 "),
            good_row(None, 普查编号="２１００００－０１０１－００００００５")]
    rep = run(org["census_a"], write_xlsx(tmp_path / "n.xlsx", rows))
    assert rep.errors == [] and rep.created == 5
    assert org["census_a"].census.find_by_number("210000-0101-0000003").data.volumes == 4
    assert org["census_a"].census.find_by_number("210000-0101-0000005").data.volumes == 4
    assert org["census_a"].census.find_by_number("210000-0101-0000001").data.volumes == 12
    assert str(org["census_a"].census.find_by_number("210000-0101-0000002").data.frame_height_cm) == "21.5"


# --- bad values: clear error (row, column) and nothing written ------------------------------------

@pytest.mark.parametrize("value, message", [
    ("abc", "whole number"), (0, "positive"), (-1, "positive"), (2.5, "whole number"), (None, "required"),
])
def test_bad_volumes(org: dict[str, Guji], tmp_path: Path, value: Any, message: str) -> None:
    app = org["census_a"]
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "v.xlsx", [good_row(1), good_row(2, 册数=value)]))
    e = issue_at(rep, 3, "册数")
    assert message in e.message and len(rep.errors) == 1
    assert_nothing_written(app, before, rep)
    wb = openpyxl.load_workbook(error_file_for(tmp_path / "v.xlsx"))
    saved = list(wb.worksheets[1].iter_rows(values_only=True))  # every problem
    assert saved[0][:4] == ("行", "列", "值", "问题") and saved[1][0] == 3 and saved[1][1] == "册数"
    # every row: the good one would be new (nothing was written), the bad one is an error
    rows = report_rows(tmp_path / "v.xlsx")
    assert [r[:3] for r in rows] == [(2, "210000-0101-0000001", "新建"), (3, None, "错误")]
    assert "全部或全不" in rows[0][3] and "册数" in rows[1][3]


@pytest.mark.parametrize("number, message", [
    ("210000-0101-12", "7 digits"), ("210000/0101/0000001", "PPPPPP-UUUU-NNNNNNN"),
    ("990000-0101-0000001", "province"), ("220000-0101-0000001", "not to the holding institution"),
])
def test_bad_census_numbers(org: dict[str, Guji], tmp_path: Path, number: str, message: str) -> None:
    app = org["census_a"]
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "c.xlsx", [good_row(1), good_row(None, 普查编号=number)]))
    assert message in issue_at(rep, 3, "普查编号").message
    assert_nothing_written(app, before, rep)


def test_missing_required_title_and_bad_vocabulary(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    rows = [good_row(1, 题名卷数=None), good_row(2, 装帧="塑封"), good_row(3, 定级="五級"),
            good_row(4, 分类="史部·詩類"),
            good_row(5, 版框高="abc"), good_row(6, 版式="白口，XX欄"), good_row(7, 存缺卷数="存卷十六至十九")]
    rep = run(app, write_xlsx(tmp_path / "m.xlsx", rows))
    assert "required" in issue_at(rep, 2, "题名卷数").message
    assert "not in the list" in issue_at(rep, 3, "装帧").message
    assert "grade" in issue_at(rep, 4, "定级").message or "定级" in issue_at(rep, 4, "定级").message
    assert "not under 史部" in issue_at(rep, 5, "分类").message
    assert "centimetres" in issue_at(rep, 6, "版框高").message
    assert "not understood" in issue_at(rep, 7, "版式").message
    assert "names juan 16" in issue_at(rep, 8, "存缺卷数").message
    assert_nothing_written(app, before, rep)


def test_missing_core_header(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    headers = [h for h in CORE if h != "册数"]
    rep = run(app, write_xlsx(tmp_path / "h.xlsx", [["210000-0101-0000001", "a", "墨子", "", "明刻本", None]], headers))
    e = issue_at(rep, 1, "册数")
    assert "core column" in e.message
    assert_nothing_written(app, before, rep)
    assert error_file_for(tmp_path / "h.xlsx").exists()


def test_unknown_header_is_reported_not_dropped(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "u.xlsx", [good_row(1, 收藏者="某某")]))
    assert "unknown column" in issue_at(rep, 1, "收藏者").message
    assert rep.unknown_headers == ["收藏者"]
    assert_nothing_written(app, before, rep)


def test_duplicate_numbers_within_the_file(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "d.xlsx", [good_row(1), good_row(2), good_row(1, 索书号="x")]))
    e = issue_at(rep, 4, "普查编号")
    assert "twice" in e.message and "row 2" in e.message
    assert_nothing_written(app, before, rep)


def test_formula_without_cached_value_is_an_error(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "f.xlsx", [good_row(1), good_row(2, 册数="=1+3")]))
    assert "formula without a saved value" in issue_at(rep, 3, "册数").message
    assert_nothing_written(app, before, rep)


def _with_cached_formula(path: Path) -> Path:
    """Give the formula ``=1+3`` its saved value 4, as Excel does when it saves."""
    src = zipfile.ZipFile(path)
    out = path.with_name("cached.xlsx")
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>1+3</f><v></v>", b"<f>1+3</f><v>4</v>").replace(
                    b"<f>1+3</f><v />", b"<f>1+3</f><v>4</v>").replace(b"<f>1+3</f></c>", b"<f>1+3</f><v>4</v></c>")
                assert b"<v>4</v>" in data
            dst.writestr(item, data)
    return out


def test_formula_with_cached_value_uses_it(org: dict[str, Guji], tmp_path: Path) -> None:
    path = _with_cached_formula(write_xlsx(tmp_path / "f.xlsx", [good_row(1, 册数="=1+3")]))
    rep = run(org["census_a"], path)
    assert rep.errors == [] and rep.created == 1
    assert org["census_a"].census.find_by_number("210000-0101-0000001").data.volumes == 4
    # openpyxl's data_only reading agrees with ours.
    assert openpyxl.load_workbook(path, data_only=True).active["F2"].value == 4


def test_excel_error_value_is_an_error(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    path = write_xlsx(tmp_path / "e.xlsx", [good_row(1, 册数="=1/0")])
    src = zipfile.ZipFile(path)
    out = tmp_path / "e2.xlsx"
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="F2"><f>1/0</f><v></v></c>', b'<c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
                data = data.replace(b'<c r="F2"><f>1/0</f><v /></c>', b'<c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
                assert b"#DIV/0!" in data
            dst.writestr(item, data)
    rep = run(app, out)
    assert "#DIV/0!" in issue_at(rep, 2, "册数").message
    assert_nothing_written(app, before, rep)


def test_vertical_merge_fills_every_row(org: dict[str, Guji], tmp_path: Path) -> None:
    rows = [good_row(1, 版本="清乾隆三十年武英殿刻本"), good_row(2, 版本=None), good_row(3, 版本=None), good_row(4)]

    def merge(ws: Any) -> None:
        ws.merge_cells("E2:E4")

    rep = run(org["census_a"], write_xlsx(tmp_path / "mg.xlsx", rows, setup=merge))
    assert rep.errors == [] and rep.created == 4
    for n in (1, 2, 3):
        d = org["census_a"].census.find_by_number(f"210000-0101-000000{n}").data
        assert d.edition_statement == "清乾隆三十年武英殿刻本" and d.year_start == 1765
    assert org["census_a"].census.find_by_number("210000-0101-0000004").data.edition_statement == "明萬曆刻本"


def test_merge_across_columns_is_an_error(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)

    def merge(ws: Any) -> None:
        ws.merge_cells("C3:D3")

    rep = run(app, write_xlsx(tmp_path / "mx.xlsx", [good_row(1), good_row(2)], setup=merge))
    assert "merged across columns" in issue_at(rep, 3, "题名卷数").message
    assert_nothing_written(app, before, rep)


def test_layout_statement_not_understood_is_a_warning(org: dict[str, Guji], tmp_path: Path) -> None:
    rep = run(org["census_a"], write_xlsx(tmp_path / "lay.xlsx", [good_row(1, 行款="行款不詳")]))
    assert rep.errors == [] and rep.created == 1
    w = [w for w in rep.warnings if w.column == "行款"]
    assert w and w[0].row == 2 and "kept as written" in w[0].message
    assert org["census_a"].census.find_by_number("210000-0101-0000001").data.layout_statement == "行款不詳"


def test_empty_rows_are_skipped(org: dict[str, Guji], tmp_path: Path) -> None:
    rows: list[Any] = [good_row(1), {}, {"索书号": "   "}, good_row(2)]
    rep = run(org["census_a"], write_xlsx(tmp_path / "empty.xlsx", rows))
    assert rep.errors == [] and rep.rows == 2 and rep.created == 2


def test_number_of_another_institution_and_link_to_nothing(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    rows = [good_row(1, 普查编号="220000-0101-0000001"), good_row(2, 所属丛书="210000-0101-0009999")]
    rep = run(app, write_xlsx(tmp_path / "o.xlsx", rows))
    assert "not to the holding institution" in issue_at(rep, 2, "普查编号").message
    assert "no record with the census number" in issue_at(rep, 3, "所属丛书").message
    assert_nothing_written(app, before, rep)


def test_links_within_the_file(org: dict[str, Guji], tmp_path: Path) -> None:
    rows = [good_row(2, 所属丛书="210000-0101-0000001"), good_row(1, 题名卷数="叢書十卷")]
    rep = run(org["census_a"], write_xlsx(tmp_path / "l.xlsx", rows))
    assert rep.errors == []
    child = org["census_a"].census.find_by_number("210000-0101-0000002")
    parent = org["census_a"].census.find_by_number("210000-0101-0000001")
    assert child.parent_id == parent.id and child.data.parent_census_number == "210000-0101-0000001"


# --- files that are not registers -------------------------------------------------------------------

def test_not_an_xlsx(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    p = tmp_path / "reg.xlsx"
    p.write_text("普查编号,索书号\n210000-0101-0000001,a\n", encoding="utf-8")
    with pytest.raises(ExcelFileError, match=r"not an \.xlsx"):
        run(app, p)
    assert counts(app) == before


def test_password_protected_workbook(org: dict[str, Guji], tmp_path: Path) -> None:
    # Encrypted .xlsx files are OLE compound documents (as are old .xls files), not zip files.
    app = org["census_a"]
    before = counts(app)
    p = tmp_path / "secret.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    with pytest.raises(ExcelFileError, match="password-protected"):
        run(app, p)
    assert counts(app) == before


@pytest.mark.parametrize("how", ["truncated", "bad_xml", "no_workbook"])
def test_corrupt_workbook(org: dict[str, Guji], tmp_path: Path, how: str) -> None:
    app = org["census_a"]
    before = counts(app)
    good = write_xlsx(tmp_path / "g.xlsx", [good_row(n) for n in range(1, 200)])
    bad = tmp_path / "bad.xlsx"
    if how == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    else:
        src = zipfile.ZipFile(good)
        with zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if how == "bad_xml" and item.filename == "xl/worksheets/sheet1.xml":
                    data = data[: len(data) // 2] + b"<<<"
                if how == "no_workbook" and item.filename == "xl/workbook.xml":
                    continue
                dst.writestr(item, data)
    with pytest.raises(ExcelFileError):
        run(app, bad)
    assert counts(app) == before


def test_missing_file(org: dict[str, Guji], tmp_path: Path) -> None:
    with pytest.raises(ExcelFileError, match="no such file"):
        run(org["census_a"], tmp_path / "nope.xlsx")


# --- permissions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who, institution, error", [
    ("reviewer_a", INST_A, PermissionDenied), ("restorer_a", INST_A, PermissionDenied),
    ("census_a", INST_B, PermissionDenied), ("census_b", INST_A, PermissionDenied),
    ("census_a", "210000-0999", NotFound),
])
def test_wrong_role_or_institution(org: dict[str, Guji], tmp_path: Path, who: str, institution: str,
                                   error: type) -> None:
    before = counts(org["admin"])
    path = write_xlsx(tmp_path / "p.xlsx", [good_row(1)])
    with pytest.raises(error):
        run(org[who], path, institution=institution)
    assert counts(org["admin"]) == before
    assert not error_file_for(path).exists()


def test_admin_may_import_anywhere(org: dict[str, Guji], tmp_path: Path) -> None:
    rows = [good_row(None, 普查编号="220000-0101-0000007")]
    rep = run(org["admin"], write_xlsx(tmp_path / "adm.xlsx", rows), institution=INST_B)
    assert rep.errors == [] and rep.created == 1


# --- re-import, dry run, partial -----------------------------------------------------------------

def test_reimport_skips_unchanged_and_updates_changed(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    path = write_xlsx(tmp_path / "r.xlsx", [good_row(1), good_row(2), good_row(3)])
    assert run(app, path).created == 3
    assert counts(app) == (3, 3)
    rep = run(app, path)
    assert (rep.created, rep.updated, rep.skipped) == (0, 0, 3) and rep.written
    assert counts(app) == (3, 3)
    path = write_xlsx(tmp_path / "r.xlsx", [good_row(1), good_row(2, 册数=9), good_row(3), good_row(4)])
    rep = run(app, path)
    assert (rep.created, rep.updated, rep.skipped) == (1, 1, 2)
    assert counts(app) == (4, 5)
    rec = app.census.find_by_number("210000-0101-0000002")
    assert rec.data.volumes == 9
    hist = app.census.history(rec.id)
    assert hist[0].action == "update" and hist[0].changes["volumes"] == [4, 9] and "r.xlsx" in (hist[0].note or "")


def test_reimport_of_locked_record_is_an_error(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    path = write_xlsx(tmp_path / "lk.xlsx", [good_row(1), good_row(2)])
    run(app, path)
    rec = app.census.find_by_number("210000-0101-0000002")
    app.review.submit_for_review(rec.id)
    # Unchanged: skipped even though locked.
    rep = run(app, path)
    assert rep.errors == [] and rep.skipped == 2
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "lk.xlsx", [good_row(1, 册数=8), good_row(2, 册数=9)]))
    assert issue_at(rep, 3, "普查编号").message.key == "census.import.locked"
    assert rep.outcomes == {2: "updated", 3: "conflict"}
    assert_nothing_written(app, before, rep)
    assert app.census.find_by_number("210000-0101-0000001").data.volumes == 4
    # Partial mode writes the draft and still reports the locked one.
    rep = run(app, tmp_path / "lk.xlsx", all_or_nothing=False)
    assert rep.written and rep.updated == 1 and len(rep.errors) == 1
    assert app.census.find_by_number("210000-0101-0000001").data.volumes == 8
    assert app.census.find_by_number("210000-0101-0000002").data.volumes == 4


def test_dry_run_writes_nothing_and_previews_numbers(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "dr.xlsx", [good_row(5), good_row(None)]), dry_run=True)
    assert rep.errors == [] and rep.created == 2 and not rep.written
    assert rep.numbers == {2: "210000-0101-0000005", 3: "210000-0101-0000006"}
    assert counts(app) == before


def test_partial_import_leaves_out_bad_rows(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    rows = [good_row(1), good_row(2, 册数="abc"), good_row(3, 册数="=2*2"), good_row(4)]
    rep = run(app, write_xlsx(tmp_path / "pt.xlsx", rows), all_or_nothing=False)
    assert rep.written and rep.created == 2 and {e.row for e in rep.errors} == {3, 4}
    assert counts(app) == (2, 2)
    assert "2 rows with errors were left out" in rep.summary()


def test_rows_without_number_on_reimport_match_by_call_number(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    path = write_xlsx(tmp_path / "nn.xlsx", [good_row(None)])
    assert run(app, path).created == 1
    rep = run(app, path)
    assert (rep.created, rep.skipped) == (0, 1) and rep.errors == [] and counts(app) == (1, 1)
    assert rep.matched == {2: "善0"} and rep.numbers == {2: "210000-0101-0000001"}


def test_progress_and_cancel(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    path = write_xlsx(tmp_path / "pc.xlsx", [good_row(n) for n in range(1, 3001)])
    seen: list[float] = []
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        seen.append(fraction)
        if fraction > 0.5:
            cancel.set()

    before = counts(app)
    rep = run(app, path, progress=progress, cancel=cancel)
    assert rep.cancelled and not rep.written and "cancelled" in rep.summary()
    assert counts(app) == before
    seen.clear()
    rep = run(app, path, progress=lambda f, m: seen.append(f))
    assert rep.created == 3000 and seen == sorted(seen) and seen[-1] == 1.0


# --- the reader and the cell formats ---------------------------------------------------------------

def test_reader_agrees_with_openpyxl(tmp_path: Path) -> None:
    import datetime as dt

    rows = [["text", 1, 2.5, True, None, "１２", "  spaced ", 1e20, -3, "=1+1"],
            [None, None, "普查", 0.1, False, 123456789012, "a\nb", "", 4.0, "天一閣（范欽）"],
            [dt.datetime(1950, 1, 1), dt.date(2020, 5, 17), dt.datetime(2021, 3, 4, 5, 6, 7), 45000]]
    path = write_xlsx(tmp_path / "same.xlsx", rows, headers=[f"h{i}" for i in range(10)])
    ours = cell_values(path)
    wb = openpyxl.load_workbook(path, data_only=True)
    theirs = [list(r) for r in wb.active.iter_rows(values_only=True)]
    for a, b in zip(ours, theirs, strict=False):
        b = b[: len(a)]
        assert list(a) == list(b) or [(x, y) for x, y in zip(a, b, strict=False) if x != y] == [], (a, b)


def test_date_in_a_text_column(org: dict[str, Guji], tmp_path: Path) -> None:
    import datetime as dt

    rep = run(org["census_a"], write_xlsx(tmp_path / "date.xlsx", [good_row(1, 入藏=dt.date(1950, 1, 1))]))
    assert rep.errors == []
    assert org["census_a"].census.find_by_number("210000-0101-0000001").data.acquisition == "1950-01-01"


def test_seals_annotations_classification_parsers() -> None:
    assert parse_seals("天一閣（范欽）；汲古閣; 毛晉私印(毛晉)[卷端]") == [
        SealData("天一閣", "范欽"), SealData("汲古閣"), SealData("毛晉私印", "毛晉", "卷端")]
    assert parse_annotations("（清）黃丕烈跋（卷末手跋二則）；顧廣圻校；跋（佚名）；何焯") == [
        AnnotationData("（清）黃丕烈", "跋", "卷末手跋二則"), AnnotationData("顧廣圻", "校"),
        AnnotationData(None, "跋", "佚名"), AnnotationData("何焯")]
    assert parse_classification("史部·地理類·總志之屬") == ("shi", "shi.dili", "shi.dili.zongzhi")
    assert parse_classification("史部 地理类") == ("shi", "shi.dili", None)
    assert parse_classification("史·地理") == ("shi", "shi.dili", None)
    assert parse_classification("shi.dili") == ("shi", "shi.dili", None)
    assert parse_classification("集部") == ("ji", None, None)
    with pytest.raises(ValueError):
        parse_classification("史部·詩類")


# --- both databases ------------------------------------------------------------------------------------

def test_import_on_sqlite_and_postgresql(any_org: dict[str, Guji], tmp_path: Path) -> None:
    """The bulk path differs per database (ids, serial lock, FTS5 rows vs search grams): run it on both."""
    app = any_org["census_a"]
    rows = [good_row(3, 钤印="天一閣（范欽）", 批校题跋="顧廣圻校"),
            good_row(None, 索书号="善史", 题名卷数="史記一百三十卷"),
            good_row(None, 索书号="善子", 所属丛书="210000-0101-0000003")]
    path = write_xlsx(tmp_path / "both.xlsx", rows)
    rep = run(app, path)
    assert rep.errors == [] and rep.created == 3 and counts(app) == (3, 3)
    assert rep.numbers == {2: "210000-0101-0000003", 3: "210000-0101-0000004", 4: "210000-0101-0000005"}
    child = app.census.find_by_number("210000-0101-0000005")
    assert child.parent_id == app.census.find_by_number("210000-0101-0000003").id
    assert app.search.search("史记").total == 1 and app.search.search("天一阁").total == 1
    assert app.census.find_by_number("210000-0101-0000003").data.annotations == [AnnotationData("顧廣圻", "校")]
    # The counter moved past the serials taken: the next single registration continues from there.
    assert app.census.next_census_number(INST_A) == "210000-0101-0000006"
    rows[0] = good_row(3, 钤印="天一閣（范欽）", 批校题跋="顧廣圻校", 册数=6)
    rep = run(app, write_xlsx(tmp_path / "both.xlsx", rows[:1]))
    assert (rep.created, rep.updated, rep.skipped) == (0, 1, 0) and counts(app) == (3, 4)
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "bad.xlsx", [good_row(7), good_row(8, 册数=0)]))
    assert rep.errors and counts(app) == before
