"""Excel template, export → import round trip, and the command line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from guji.app import Guji
from guji.census.excel import ALL_COLUMNS, CORE_COLUMNS, OPTIONAL_COLUMNS, error_file_for, import_excel, write_template
from guji.census.record import AnnotationData, RecordData, SealData
from guji.cli.main import main
from tests.census.excel_helpers import CORE, INST_A, counts, good_row, write_xlsx
from tests.conftest import PASSWORD, admin_for, build_org, make_db
from tests.export.exports import export_excel


def rich(n: int, **over: object) -> RecordData:
    d = RecordData(
        census_number=f"210000-0101-{n:07d}", call_number=f"00{n}", title="［萬曆］金華府志三十卷",
        author_statement="（明）王懋德（明）陸鳳儀纂修", edition_statement="明萬曆六年刻本", volumes=12,
        extant="存卷十六至十九", cases=2, other_titles="金華府志", class_branch="shi", class_category="shi.fangzhi",
        class_subcategory="shi.fangzhi.fuzhi", publisher="金華府", publication_place="金華",
        frame_height_cm=Decimal("21.5"), frame_width_cm=Decimal("14.2"), frame_is_half=True,
        layout_statement="半葉十行行二十字，小字雙行同", commentary="小字雙行同", banko="白口", fishtail="單黑魚尾",
        border="四周雙邊", shu_er="有", binding="線裝", grade="2B", damage_grade="qingdu", national_list_number="03832",
        provincial_list="遼寧省第一批 0012", notes="第一行\n第二行", preface_colophon="有萬曆六年序",
        publisher_mark="牌記",
        carvers="刻工：王", taboo_notes="避諱", incomplete_note="殘", storage_note="甲庫", acquisition="1950年入藏",
        seals=[SealData("天一閣", "范欽", "卷端"), SealData("汲古閣")],
        annotations=[AnnotationData("（清）黃丕烈", "跋", "卷末手跋"), AnnotationData("顧廣圻", "校")],
    )
    for k, v in over.items():
        setattr(d, k, v)
    return d


def second_database(tmp_path: Path) -> dict[str, Guji]:
    db = make_db(str(tmp_path / "second.sqlite3"))
    return build_org(admin_for(db))


def test_template_headers_dropdowns_and_instructions(tmp_path: Path) -> None:
    path = write_template(tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[:7] == CORE and headers == [c.header for c in CORE_COLUMNS + OPTIONAL_COLUMNS]
    assert all(c.font.bold for c in ws[1]) and ws.column_dimensions["C"].width >= 30
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789") for dv in ws.data_validations.dataValidation}
    letters = {openpyxl.utils.get_column_letter(headers.index(h) + 1) for h in ("装帧", "定级", "破损级别")}
    assert lists == letters
    info = wb.worksheets[1]
    text = "\n".join(str(c.value) for c in info["A"] if c.value)
    assert "普查编号" in text and "report.xlsx" in text
    vocab_cols = {info.cell(row=1, column=c).value for c in range(3, 8)}
    assert {"装帧", "定级", "破损级别", "版本类型"} <= vocab_cols
    assert "線裝" in [c.value for c in info["C"]]


def test_empty_template_imports_nothing(org: dict[str, Guji], tmp_path: Path) -> None:
    rep = import_excel(org["census_a"], write_template(tmp_path / "t.xlsx"), institution=INST_A)
    assert rep.errors == [] and rep.rows == 0 and rep.created == 0


def test_export_then_import_round_trips(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    parent = app.census.register_book(rich(1), institution=INST_A)
    app.census.register_book(rich(2, parent_census_number=parent.census_number, title="墨子十五卷",
                                  edition_statement="清乾隆三十年武英殿刻本", extant=None, seals=[], annotations=[],
                                  frame_is_half=None, grade=None, class_subcategory=None), institution=INST_A)
    app.census.register_book(RecordData(title="史記一百三十卷", edition_statement="清刻本", volumes=1),
                             institution=INST_A)
    org["census_b"].census.register_book(RecordData(title="文選六十卷", edition_statement="清刻本", volumes=3),
                                         institution="220000-0101")
    out = tmp_path / "export.xlsx"
    assert export_excel(app, out) == 3  # census_a sees only its own institution
    headers = [c.value for c in openpyxl.load_workbook(out).worksheets[0][1]]
    assert headers == [c.header for c in ALL_COLUMNS]

    other = second_database(tmp_path)["census_a"]
    rep = import_excel(other, out, institution=INST_A)
    assert rep.errors == [], [str(e) for e in rep.errors]
    assert rep.created == 3
    for number in ("210000-0101-0000001", "210000-0101-0000002", "210000-0101-0000003"):
        a = app.census.find_by_number(number).data
        b = other.census.find_by_number(number).data
        for f in a.__dataclass_fields__:
            assert getattr(a, f) == getattr(b, f), (number, f, getattr(a, f), getattr(b, f))
    # Importing the export into the first database again: everything unchanged.
    rep = import_excel(app, out, institution=INST_A)
    assert (rep.created, rep.updated, rep.skipped) == (0, 0, 3)


def test_export_filters(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    app.census.register_book(rich(1), institution=INST_A)
    rid = app.census.register_book(rich(2), institution=INST_A).id
    app.review.submit_for_review(rid)
    org["census_b"].census.register_book(RecordData(title="文選六十卷", edition_statement="清刻本", volumes=3),
                                         institution="220000-0101")
    admin = org["admin"]
    assert export_excel(admin, tmp_path / "all.xlsx") == 3
    assert export_excel(admin, tmp_path / "a.xlsx", institution=INST_A) == 2
    assert export_excel(admin, tmp_path / "s.xlsx", state="submitted") == 1
    rows = list(openpyxl.load_workbook(tmp_path / "s.xlsx").worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "210000-0101-0000002"
    from guji.errors import NotFound, ValidationError

    with pytest.raises(NotFound):
        export_excel(admin, tmp_path / "x.xlsx", institution="210000-0999")
    with pytest.raises(ValidationError):
        export_excel(admin, tmp_path / "x.xlsx", state="approved")
    assert not (tmp_path / "x.xlsx").exists()


# --- command line -----------------------------------------------------------------------------------

def cli(app: Guji, login: str, *argv: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    return main(["--db", str(app.db.url.database), "--user", login, *argv])


def test_cli_template_import_and_export(org: dict[str, Guji], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    app = org["census_a"]
    assert cli(app, "census.a", "census", "template", str(tmp_path / "t.xlsx"), monkeypatch=monkeypatch) == 0
    assert (tmp_path / "t.xlsx").exists()

    good = write_xlsx(tmp_path / "good.xlsx", [good_row(1), good_row(None)])
    assert cli(app, "census.a", "census", "import-excel", str(good), "--institution", INST_A, "--dry-run",
               monkeypatch=monkeypatch) == 0
    assert counts(app) == (0, 0)
    assert cli(app, "census.a", "census", "import-excel", str(good), "--institution", INST_A,
               monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    assert "2 new, 0 updated, 0 unchanged" in out and counts(app) == (2, 2)

    bad = write_xlsx(tmp_path / "bad.xlsx", [good_row(3), good_row(4, 册数="abc")])
    assert cli(app, "census.a", "census", "import-excel", str(bad), "--institution", INST_A,
               monkeypatch=monkeypatch) == 1
    captured = capsys.readouterr()
    assert "row 3, 册数 [abc]" in captured.err and "nothing was written" in captured.out
    assert str(error_file_for(bad)) in captured.out and counts(app) == (2, 2)

    # Errors the import cannot start with: one line, exit 1.
    notxlsx = tmp_path / "n.xlsx"
    notxlsx.write_text("hello")
    assert cli(app, "census.a", "census", "import-excel", str(notxlsx), "--institution", INST_A,
               monkeypatch=monkeypatch) == 1
    assert "not an .xlsx" in capsys.readouterr().err
    assert cli(app, "reviewer.a", "census", "import-excel", str(good), "--institution", INST_A,
               monkeypatch=monkeypatch) == 1
    assert "may not import" in capsys.readouterr().err
    assert counts(app) == (2, 2)

    assert cli(app, "census.a", "export", "excel", "--out", str(tmp_path / "e.xlsx"),
               monkeypatch=monkeypatch) == 0
    from guji.messages import msg

    assert msg("export.done.records", count=2, path=tmp_path / "e.xlsx") in capsys.readouterr().err
    assert cli(app, "census.a", "export", "excel", "--out", str(tmp_path / "e.xlsx"), "--institution", "9",
               monkeypatch=monkeypatch) == 1
