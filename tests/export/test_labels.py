"""Book labels: the text is in the PDF, the QR codes decode to the census numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from export.labels import LabelSheet
from export.registry import ExportFilters
from guji.app import Guji
from guji.errors import ValidationError
from guji.messages import msg
from tests.export.exports import labels

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")


def pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]


def decode_qr(pdf: Path, tmp: Path, page: int = 1) -> set[str]:
    cv2 = pytest.importorskip("cv2")
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", str(page), "-l", str(page), str(pdf), str(tmp / "p")],
                   check=True)
    png = sorted(tmp.glob("p-*.png"))[-1]
    ok, values, _, _ = cv2.QRCodeDetector().detectAndDecodeMulti(cv2.imread(str(png)))
    png.unlink()
    return {v for v in values if v} if ok else set()


def test_labels_text_and_qr_codes(shared_org: dict[str, Guji], tmp_path: Path) -> None:
    app = shared_org["census_a"]
    out = tmp_path / "labels.pdf"
    report = labels(app, out)
    assert report.count == 12 and report.pages == pages(out) == 1
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    for s in ("210000-0101-0000001", "善1001", "墨子十五卷", "善2034", "遼寧省圖書館"):
        assert s in text, s
    numbers = {f"210000-0101-{n:07d}" for n in range(1, 13)}
    assert decode_qr(out, tmp_path) == numbers


def test_start_position_and_second_sheet(shared_org: dict[str, Guji], tmp_path: Path) -> None:
    out = tmp_path / "l.pdf"
    report = labels(shared_org["census_a"], out, start=20)  # 4 on the first sheet, 8 on the second
    assert report.pages == pages(out) == 2
    assert decode_qr(out, tmp_path, 1) == {f"210000-0101-{n:07d}" for n in range(1, 5)}
    assert decode_qr(out, tmp_path, 2) == {f"210000-0101-{n:07d}" for n in range(5, 13)}


def test_long_title_is_cut_not_overflowing(shared_org: dict[str, Guji], tmp_path: Path) -> None:
    from export import fonts
    from export.labels import short_title

    lines = short_title("欽定四庫全書總目二百卷首四卷附錄一卷補遺一卷", 80, 8.5)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(fonts.text_width(line, 8.5) <= 80 for line in lines)


@pytest.mark.parametrize("kwargs,field", [
    ({"start": 24}, "start"),
    ({"start": -1}, "start"),
    ({"sheet": LabelSheet(columns=4, rows=8)}, "sheet"),
    ({"sheet": LabelSheet(label_w=30, label_h=15, columns=5, rows=10)}, "sheet"),
    ({"filters": ExportFilters(institution="x")}, "institution"),
])
def test_bad_options_are_refused(shared_org: dict[str, Guji], tmp_path: Path, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        labels(shared_org["census_a"], tmp_path / "l.pdf", **kwargs)
    assert err.value.problems[0].field == field
    assert list(tmp_path.iterdir()) == []


def test_cli_labels(shared_org: dict[str, Guji], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    capsys: pytest.CaptureFixture[str]) -> None:
    from tests.export.catalogue_data import run_cli

    out = tmp_path / "l.pdf"
    code, _, err = run_cli(shared_org["census_a"], ["export", "labels", "--out", str(out), "--start", "3"],
                           monkeypatch, capsys)
    assert code == 0 and msg("export.done.labels.pages", count=12, pages=1, path=out) in err and pages(out) == 1
