"""Importing the same register twice changes nothing: rows without a 普查编号 are matched by their
索书号, the report beside the file gives the numbers to paste back, and likely duplicates are
errors unless allowed (keyword and command line). Real .xlsx files, SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from guji.app import Guji
from guji.census.excel import import_excel, report_file_for
from guji.cli.main import main
from tests.census.excel_helpers import CORE, INST_A, counts, good_row, write_xlsx
from tests.conftest import PASSWORD


def run(app: Guji, path: Path, **kw: Any) -> Any:
    return import_excel(app, path, institution=INST_A, **kw)


def num(serial: int) -> str:
    return f"210000-0101-{serial:07d}"


def unnumbered(r: int, **over: Any) -> dict[str, Any]:
    return good_row(None, **{"索书号": f"無號{r}", "题名卷数": f"無號書{r}", **over})


def report_rows(path: Path) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(report_file_for(path))
    return [tuple(r) for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]


def keys(issues: list[Any]) -> set[tuple[int, str, str | None]]:
    return {(i.row, i.column, getattr(i.message, "key", None)) for i in issues}


# --- the same file twice -------------------------------------------------------------------------------------

def test_reimport_of_rows_without_numbers_creates_nothing(any_org: dict[str, Guji], tmp_path: Path) -> None:
    app = any_org["census_a"]
    rows = [good_row(r) if r % 3 else unnumbered(r) for r in range(1, 31)]  # rows 4, 7, … without a number
    path = write_xlsx(tmp_path / "reg.xlsx", rows)
    first = run(app, path)
    assert first.written and first.created == 30 and first.errors == []
    after_first = counts(app)
    assert after_first == (30, 30)
    # The report gives every row its number; the assigned ones say so (to be pasted back).
    report = report_rows(path)
    assert len(report) == 30 and {r[2] for r in report} == {"新建"}
    assigned = {r[0]: r[1] for r in report if r[3] and "填回" in r[3]}
    assert sorted(assigned) == [r + 1 for r in range(1, 31) if r % 3 == 0]
    assert set(assigned.values()) == {num(30 + i) for i in range(10)}  # after the highest number given (29)
    assert first.assigned == frozenset(assigned) and first.numbers == {r[0]: r[1] for r in report}

    again = run(app, path)
    assert (again.created, again.updated, again.skipped) == (0, 0, 30) and again.errors == []
    assert counts(app) == after_first  # no second copy, no audit row
    assert again.matched == {r + 1: f"無號{r}" for r in range(1, 31) if r % 3 == 0}
    assert {k: v for k, v in again.numbers.items() if k in assigned} == assigned
    assert {r[2] for r in report_rows(path)} == {"未变"}
    assert all("索书号" in (r[3] or "") for r in report_rows(path) if r[0] in assigned)

    # The numbers pasted back from the report: still nothing new.
    pasted = [dict(row, 普查编号=assigned.get(i + 2, row["普查编号"])) for i, row in enumerate(rows)]
    rep = run(app, write_xlsx(tmp_path / "reg.xlsx", pasted))
    assert (rep.created, rep.updated, rep.skipped) == (0, 0, 30) and rep.matched == {}
    assert counts(app) == after_first


def test_a_changed_row_without_number_updates_its_record(any_org: dict[str, Guji], tmp_path: Path) -> None:
    app = any_org["census_a"]
    path = write_xlsx(tmp_path / "u.xlsx", [good_row(1), unnumbered(2), unnumbered(3)])
    assert run(app, path).created == 3
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "u.xlsx", [good_row(1), unnumbered(2, 册数=9), unnumbered(3)]))
    assert (rep.created, rep.updated, rep.skipped) == (0, 1, 2) and rep.written
    assert rep.outcomes == {2: "unchanged", 3: "updated", 4: "unchanged"}
    assert counts(app) == (before[0], before[1] + 1)
    rec = app.census.find_by_number(num(2))
    assert rec.data.volumes == 9 and rec.data.call_number == "無號2"
    assert [h.action for h in app.census.history(rec.id)] == ["update", "create"]


def test_a_change_to_a_locked_record_is_a_conflict(any_org: dict[str, Guji], tmp_path: Path) -> None:
    app = any_org["census_a"]
    path = write_xlsx(tmp_path / "lk.xlsx", [unnumbered(1), unnumbered(2)])
    assert run(app, path).created == 2
    app.review.submit_for_review(app.census.find_by_number(num(2)).id)
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "lk.xlsx", [unnumbered(1, 册数=5), unnumbered(2, 册数=6)]))
    assert not rep.written and counts(app) == before
    assert rep.outcomes == {2: "updated", 3: "conflict"}
    assert keys(rep.errors) == {(3, "普查编号", "census.import.locked")}
    report = report_rows(tmp_path / "lk.xlsx")
    assert report[1][:3] == (3, num(2), "冲突") and "已锁定" in report[1][3]
    assert "全部或全不" in report[0][3]
    # Partial: the draft is updated, the locked record stays as it was.
    rep = run(app, tmp_path / "lk.xlsx", all_or_nothing=False)
    assert rep.written and rep.updated == 1 and rep.outcomes[3] == "conflict"
    assert app.census.find_by_number(num(1)).data.volumes == 5
    assert app.census.find_by_number(num(2)).data.volumes == 4


def test_a_call_number_of_several_records_is_an_error(org: dict[str, Guji], tmp_path: Path) -> None:
    from guji.census.record import RecordData

    app = org["census_a"]
    for title in ("甲書一卷", "乙書一卷"):  # the editor allows a call number twice
        app.census.register_book(RecordData(call_number="善重", title=title, edition_statement="明刻本", volumes=1),
                                 institution=INST_A)
    before = counts(app)
    rep = run(app, write_xlsx(tmp_path / "amb.xlsx", [unnumbered(1, 索书号="善重"), unnumbered(2)]))
    assert not rep.written and counts(app) == before
    assert keys(rep.errors) == {(2, "索书号", "census.import.call_number_ambiguous")}
    assert num(1) in rep.errors[0].message and num(2) in rep.errors[0].message


def test_a_call_number_twice_in_the_file(org: dict[str, Guji], tmp_path: Path) -> None:
    """Rows without a number that share a call number could not be told apart at the next import."""
    app = org["census_a"]
    rows = [unnumbered(1, 索书号="善同"), good_row(5), unnumbered(2, 索书号="善同")]
    path = write_xlsx(tmp_path / "twice.xlsx", rows)
    rep = run(app, path)
    assert not rep.written and counts(app) == (0, 0)
    assert keys(rep.errors) == {(2, "索书号", "census.import.call_number_repeated"),
                                (4, "索书号", "census.import.call_number_repeated")}
    # Allowed as copies: written, with warnings.
    rep = run(app, path, allow_duplicates=True)
    assert rep.written and rep.created == 3 and counts(app) == (3, 3)
    assert {(2, "索书号", "census.import.call_number_repeated"), (4, "索书号", "census.import.call_number_repeated")} \
        <= keys(rep.warnings)
    # A row without a number whose call number leads to the record another row names by its number.
    rows = [good_row(5), good_row(None, 索书号="善5", 题名卷数="墨子十五卷5")]
    rep = run(app, write_xlsx(tmp_path / "both.xlsx", rows))
    assert not rep.written and keys(rep.errors) == {(3, "索书号", "census.import.call_number_repeated")}
    assert "2" in rep.errors[0].message and counts(app) == (3, 3)


# --- likely duplicates ---------------------------------------------------------------------------------------

def test_likely_duplicates_are_errors_unless_allowed(any_org: dict[str, Guji], tmp_path: Path) -> None:
    app = any_org["census_a"]
    assert run(app, write_xlsx(tmp_path / "base.xlsx", [good_row(1)])).created == 1
    before = counts(app)
    # Same title and edition as the stored record (numbered row), and as another new row of the file.
    rows = [good_row(2, 题名卷数="墨子十五卷1"), unnumbered(3, 题名卷数="文選六十卷"),
            unnumbered(4, 题名卷数="文選六十卷"),
            good_row(5)]
    path = write_xlsx(tmp_path / "dup.xlsx", rows)
    rep = run(app, path)
    assert not rep.written and counts(app) == before
    assert keys(rep.errors) == {(2, "题名卷数", "census.import.duplicate_of"),
                                (4, "题名卷数", "census.import.duplicate_in_file")}
    by_row = {e.row: e.message for e in rep.errors}
    assert num(1) in by_row[2] and "3" in by_row[4] and "--allow-duplicates" in by_row[2]
    assert rep.outcomes == {2: "error", 3: "new", 4: "error", 5: "new"}

    rep = run(app, path, allow_duplicates=True)
    assert rep.written and rep.created == 4 and rep.errors == []
    assert {(2, "题名卷数", "census.import.duplicate_warning"),
            (4, "题名卷数", "census.import.duplicate_in_file_warning")} <= keys(rep.warnings)
    assert counts(app) == (before[0] + 4, before[1] + 4)


def test_command_line_allow_duplicates_and_report(org: dict[str, Guji], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    app = org["census_a"]
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    db = str(app.db.url.database)
    path = write_xlsx(tmp_path / "cli.xlsx", [unnumbered(1), unnumbered(2, 题名卷数="無號書1")])
    base = ["--db", db, "--user", "census.a", "census", "import-excel", str(path), "--institution", INST_A]
    assert main(base) == 1
    out = capsys.readouterr()
    assert counts(app) == (0, 0) and str(report_file_for(path)) in out.out
    assert main([*base, "--allow-duplicates"]) == 0
    out = capsys.readouterr()
    assert counts(app) == (2, 2) and "2 new" in out.out and str(report_file_for(path)) in out.out
    assert [r[:3] for r in report_rows(path)] == [(2, num(1), "新建"), (3, num(2), "新建")]
    # Once more (JSON): matched by call number, nothing new.
    assert main([*base, "--allow-duplicates", "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["created"] == 0 and data["skipped"] == 2 and data["outcomes"] == {"2": "unchanged", "3": "unchanged"}
    assert data["report_file"] == str(report_file_for(path)) and data["numbers"] == {"2": num(1), "3": num(2)}


def test_core_headers_only_report(org: dict[str, Guji], tmp_path: Path) -> None:
    """A file without its core columns still gets a report (its problems), and writes nothing."""
    rep = run(org["census_a"], write_xlsx(tmp_path / "h.xlsx", [["x"]], headers=CORE[:3]))
    assert rep.errors and not rep.written and rep.report_file == report_file_for(tmp_path / "h.xlsx")
    problems = list(openpyxl.load_workbook(rep.report_file).worksheets[1].iter_rows(min_row=2, values_only=True))
    assert {p[1] for p in problems} >= {"版本", "册数"}


def test_a_report_that_cannot_be_saved_is_a_warning(org: dict[str, Guji], tmp_path: Path) -> None:
    """The import is committed by then: its report failing must not make it look failed."""
    app = org["census_a"]
    path = write_xlsx(tmp_path / "ro.xlsx", [unnumbered(1)])
    report_file_for(path).mkdir()  # something in the way that cannot be replaced by a file
    rep = run(app, path)
    assert rep.written and rep.created == 1 and counts(app) == (1, 1)
    assert rep.report_file is None and rep.errors == []
    assert [w.message.key for w in rep.warnings] == ["census.report.unwritable"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
