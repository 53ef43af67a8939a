"""MARC export (UNIMARC/CNMARC): written with pymarc, read back with pymarc in both formats."""

from __future__ import annotations

import threading
from pathlib import Path

import pymarc
import pytest

from export.marc import record_to_marc
from export.registry import ExportFilters
from guji.app import Guji
from guji.census.record import RecordData
from guji.errors import ValidationError
from guji.jobs import Cancelled
from guji.messages import msg
from tests.export.exports import marc


def read_back(path: Path, fmt: str) -> dict[str, pymarc.Record]:
    if fmt == "xml":
        records = pymarc.parse_xml_to_array(str(path))
    else:
        with open(path, "rb") as fh:
            records = list(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True))
    return {r["001"].data: r for r in records}


def subfields(field: pymarc.Field, code: str) -> list[str]:
    return field.get_subfields(code)


@pytest.mark.parametrize("fmt", ["xml", "iso2709"])
def test_marc_round_trip_fields(shared_org: dict[str, Guji], tmp_path: Path, fmt: str) -> None:
    app = shared_org["census_a"]
    out = tmp_path / f"x.{fmt}"
    report = marc(app, out, format=fmt)
    assert report.count == 12
    recs = read_back(out, fmt)
    assert len(recs) == 12
    r = recs["210000-0101-0000002"]  # ［萬曆］金華府志
    assert r.leader[5:8] == "nam" and r.leader[20:24] == "450 "
    assert r["100"]["a"][8:17] == "f15731620" and r["100"]["a"][22:25] == "chi" and len(r["100"]["a"]) == 36
    assert r["101"]["a"] == "chi"
    assert r["200"].indicators == pymarc.Indicators("1", " ")
    assert r["200"]["a"] == "［萬曆］金華府志三十卷" and r["200"]["f"] == "（明）王懋德（明）陸鳳儀纂修"
    assert r["200"]["9"].startswith("wan li jin hua fu zhi")
    assert r["205"]["a"] == "明萬曆刻本"
    assert r["210"]["d"] == "明萬曆[1573-1620]"
    assert r["215"]["a"] == "12冊"
    assert "半葉十行行二十字" in r["307"]["a"] and "版框高21.5釐米，寬14.2釐米" in r["307"]["a"]
    notes = [f["a"] for f in r.get_fields("316")]
    assert notes == ["存卷十六至十九", "鈐印「北京圖書館藏」，卷端", "鈐印「汪士鐘印」（汪士鐘），序首",
                     "黃丕烈跋：卷末手跋"]
    assert all(f["5"] == "210000-0101" for f in r.get_fields("316"))
    names = [(f.tag, f.get("c"), f["a"], f["4"]) for f in r.get_fields("701", "702")]
    assert names == [("701", "（明）", "王懋德", "纂修"), ("701", "（明）", "陸鳳儀", "纂修"),
                     ("702", None, "黃丕烈", "跋")]
    assert r["701"].indicators == pymarc.Indicators(" ", "0")
    assert r["686"]["a"] == "史部方志類" and r["686"]["2"] == "sibu"
    assert r["801"]["a"] == "CN" and r["801"]["b"] == "210000-0101"
    assert (r["905"]["a"], r["905"]["b"], r["905"]["d"], r["905"]["f"]) == ("210000-0101", "遼寧省圖書館", "善2034",
                                                                            "12")
    # Secondary responsibility (箋, 疏, 注) goes to 702, primary to 701.
    shi = recs["210000-0101-0000005"]  # 毛詩注疏: （漢）毛亨傳（漢）鄭玄箋（唐）孔穎達疏
    assert [(f.tag, f["a"]) for f in shi.get_fields("701", "702")] == [
        ("702", "毛亨"), ("702", "鄭玄"), ("702", "孔穎達")]
    mozi = recs["210000-0101-0000001"]
    assert mozi["100"]["a"][8:17] == "d1552    " and mozi["906"]["c"] == "03832"
    assert mozi["210"]["d"] == "明嘉靖三十一年[1552]"
    # A 抄本 is a manuscript: leader/6 = b.
    assert recs["210000-0101-0000012"].leader[6] == "b"


def test_links_children_and_grades(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    parent = app.census.register_book(RecordData(title="知不足齋叢書", edition_statement="清乾隆道光間刻本",
                                                 volumes=240))
    app.census.register_book(RecordData(title="鄭氏佚書", edition_statement="清乾隆道光間刻本", volumes=2,
                                        parent_census_number=parent.census_number))
    org["admin"].census.confirm_grade(parent.id, "3B")
    out = tmp_path / "x.xml"
    recs = read_back(out, "xml") if marc(app, out, format="xml").count == 2 else {}
    p, c = recs[parent.census_number], recs["210000-0101-0000002"]
    assert p.leader[8] == "1" and p["327"]["a"] == "鄭氏佚書" and p["906"]["a"] == "三級乙等"
    assert c.leader[8] == "2" and c["461"]["0"] == parent.census_number


def test_institution_filter_and_visibility(shared_org: dict[str, Guji], tmp_path: Path) -> None:
    out = tmp_path / "b.mrc"
    assert marc(shared_org["census_b"], out, format="iso2709").count == 1
    assert list(read_back(out, "iso2709")) == ["220000-0101-0000001"]
    centre = shared_org["centre_reviewer"]
    assert marc(centre, out, format="iso2709", filters=ExportFilters(institution="210000-0101")).count == 12


@pytest.mark.parametrize("kwargs,field", [
    ({"format": "marc21"}, "format"),
    ({"format": "xml", "filters": ExportFilters(state="nope")}, "state"),
])
def test_bad_options_are_refused_and_nothing_is_written(shared_org: dict[str, Guji], tmp_path: Path,
                                                       kwargs: dict, field: str) -> None:
    out = tmp_path / "x.xml"
    with pytest.raises(ValidationError) as err:
        marc(shared_org["census_a"], out, **kwargs)
    assert err.value.problems[0].field == field
    assert list(tmp_path.iterdir()) == []


def test_cancel_leaves_no_file(shared_org: dict[str, Guji], tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        marc(shared_org["census_a"], tmp_path / "x.xml", cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_record_without_dates_or_volumes(shared_org: dict[str, Guji]) -> None:
    from export.registry import ExportRecord

    rec = ExportRecord(1, RecordData(census_number="210000-0101-0000099", title="某書", edition_statement="抄本"),
                       "210000-0101", "遼寧省圖書館", "draft", None)
    m = record_to_marc(rec)
    assert m["100"]["a"][8:17] == "u        " and m.get("215") is None and m.get("210") is None


def test_cli_marc(shared_org: dict[str, Guji], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:
    from tests.export.catalogue_data import run_cli

    out = tmp_path / "x.mrc"
    code, _, err = run_cli(shared_org["census_a"], ["export", "marc", "--format", "iso2709", "--out", str(out)],
                           monkeypatch, capsys)
    assert code == 0 and msg("export.done.records", count=12, path=out) in err
    assert len(read_back(out, "iso2709")) == 12
    code, _, err = run_cli(shared_org["census_a"], ["export", "marc", "--out", str(tmp_path / "y.xml"),
                                                    "--institution", "bad"], monkeypatch, capsys)
    assert code == 1 and "institution code" in err and not (tmp_path / "y.xml").exists()
