"""`guji imaging`: the analyze JSON on a real scan, batch processing, attaching, and the error exits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from guji.app import Guji
from guji.census.record import RecordData
from guji.cli.main import main
from guji.images.models import RecordImage, StoredImage
from tests.conftest import PASSWORD, SCANS

BOOK4 = SCANS / "book4" / "1.jpg"

KEYS = ["path", "width", "height", "dpi", "skew_deg", "page_box", "split_x", "frames", "lines_per_half_leaf",
        "damage_pct", "paper_lab"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _num(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def test_analyze_prints_one_json_object_with_typed_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "imaging", "analyze", str(BOOK4), "--json")
    assert code == 0, err
    assert out.count("\n") == 1
    d = json.loads(out)
    assert list(d) == KEYS
    assert d["path"] == str(BOOK4) and (d["width"], d["height"]) == (3213, 5811) and d["dpi"] == 600
    assert _num(d["skew_deg"]) and abs(d["skew_deg"]) < 2
    assert len(d["page_box"]) == 4 and all(isinstance(v, int) for v in d["page_box"])
    assert d["split_x"] is None or isinstance(d["split_x"], int)
    assert d["frames"] and set(d["frames"][0]) == {"box", "height_cm", "width_cm"}
    f = d["frames"][0]
    assert len(f["box"]) == 4 and all(isinstance(v, int) for v in f["box"])
    assert _num(f["height_cm"]) and _num(f["width_cm"]) and 15 < f["height_cm"] < 21 and 10 < f["width_cm"] < 14
    assert d["lines_per_half_leaf"] is None or isinstance(d["lines_per_half_leaf"], int)
    assert _num(d["damage_pct"]) and 0 <= d["damage_pct"] <= 100
    assert d["paper_lab"] is None or (len(d["paper_lab"]) == 3 and all(_num(v) for v in d["paper_lab"]))


def test_analyze_dpi_override_scales_the_frame(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "imaging", "analyze", str(BOOK4), "--dpi", "300")
    assert code == 0
    d = json.loads(out)
    assert d["dpi"] == 300 and d["frames"][0]["height_cm"] > 30  # twice the 600-dpi size


def test_analyze_errors_are_one_line_and_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.jpg"
    text.write_text("not an image\n", encoding="utf-8")
    trunc = tmp_path / "cut.png"
    Image.effect_noise((200, 200), 50).convert("RGB").save(tmp_path / "full.png")
    trunc.write_bytes((tmp_path / "full.png").read_bytes()[:3000])
    for path, words in [(empty, "empty"), (text, "not a supported image"), (trunc, "cut.png"),
                        (tmp_path / "missing.tif", "not found")]:
        code, out, err = run(capsys, "imaging", "analyze", str(path))
        assert code == 1 and out == ""
        assert err.count("\n") == 1 and err.startswith("guji: error: ") and words in err, err
    with pytest.raises(SystemExit) as exc:
        main(["imaging", "analyze", str(empty), "--dpi", "-3"])
    assert exc.value.code == 2


def _page(path: Path, colour: tuple[int, int, int] = (235, 225, 200)) -> Path:
    img = Image.new("RGB", (400, 300), colour)
    for x in range(40, 360):  # a frame, so the analysis has something to find
        for y in (30, 31, 268, 269):
            img.putpixel((x, y), (20, 20, 20))
    for y in range(30, 270):
        for x in (40, 41, 358, 359):
            img.putpixel((x, y), (20, 20, 20))
    img.save(path, dpi=(300, 300))
    return path


def test_process_writes_derivatives_report_and_progress(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _page(src / "a.png")
    _page(src / "b.png")
    bad = tmp_path / "bad.tif"
    bad.write_text("no", encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "imaging", "process", str(src), str(bad), "--out", str(out_dir), "--crop",
                         "--workers", "0")
    assert code == 1  # one file failed
    summary = json.loads(out)
    assert summary["counts"] == {"ok": 2, "error": 1, "cancelled": 0}
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    assert report["options"]["crop"] is True and report["options"]["split"] is False
    assert sorted(p.name for p in (out_dir / "web").iterdir()) == ["a.jpg", "b.jpg"]
    assert "[" in err and "100%" in err  # the text progress bar
    assert "guji: error: bad.tif" in err


def test_process_on_every_core_and_bad_arguments(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _page(tmp_path / "p.png")
    code, out, err = run(capsys, "imaging", "process", str(tmp_path / "p.png"), "--out", str(tmp_path / "o"),
                         "--quiet")
    assert code == 0, err
    s = json.loads(out)
    assert s["counts"]["ok"] == 1 and s["workers"] >= 1 and err == ""
    code, out, err = run(capsys, "imaging", "process", str(tmp_path / "nope.png"), "--out", str(tmp_path / "o2"))
    assert code == 1 and "not found" in err and not (tmp_path / "o2").exists()


def test_attach_by_census_number(org: dict[str, Guji], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUJI_IMAGE_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    app = org["census_a"]
    rec = app.census.register_book(RecordData(title="墨子十五卷", edition_statement="清乾隆三十年武英殿刻本",
                                              volumes=4))
    db = str(app.db.engine.url.database)
    one, two = _page(tmp_path / "1.png"), _page(tmp_path / "2.png", (230, 220, 190))
    code, out, err = run(capsys, "--db", db, "--user", "census.a", "imaging", "attach", str(one), str(two),
                         "--record", rec.census_number, "--role", "卷端", "--caption", "卷一首葉")
    assert code == 0, err
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["seq"] for x in lines] == [1, 2] and lines[0]["role"] == "卷端" and lines[0]["caption"] == "卷一首葉"
    assert [a.image.sha256 for a in app.images.images_of_record(rec.id)] == [x["sha256"] for x in lines]

    def n() -> tuple[int, int]:
        with app.db.read_session() as s:
            return (s.scalar(select(func.count()).select_from(StoredImage)) or 0,
                    s.scalar(select(func.count()).select_from(RecordImage)) or 0)

    before = n()
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    for argv, words in [
        ([str(bad), "--record", rec.census_number], "empty"),
        ([str(_page(tmp_path / "3.png", (200, 200, 200))), "--record", rec.census_number, "--role", "封面"], "role"),
        ([str(tmp_path / "3.png"), "--record", "210000-0101-0009999"], "no record"),
    ]:
        code, out, err = run(capsys, "--db", db, "--user", "census.a", "imaging", "attach", *argv)
        assert code == 1 and err.startswith("guji: error:") and words in err, err
    code, out, err = run(capsys, "--db", db, "--user", "census.b", "imaging", "attach", str(tmp_path / "3.png"),
                         "--record", rec.census_number)
    assert code == 1 and "another institution" in err
    assert n() == before
