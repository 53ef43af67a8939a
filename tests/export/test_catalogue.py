"""Printed catalogues: the register (普查登記目錄) and the illustrated catalogue (珍貴古籍圖錄).

Checks the real output: text extracted with pdftotext, page counts with pdfinfo,
bookmarks with pdftohtml's outline, fonts with pdffonts, images with pdfimages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from export import fonts
from export.catalogue import find_images_in_dir
from export.registry import ExportFilters
from guji.app import Guji
from guji.errors import ValidationError
from guji.jobs import Cancelled
from guji.messages import msg
from tests.export.catalogue_data import register_samples, scan_files
from tests.export.exports import illustrated_pdf, register_pdf

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def pdftext(path: Path, first: int | None = None, last: int | None = None, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """Text without any whitespace: table cells wrap, so needles are compared without line breaks."""
    return "".join(text.split())


def pdfpages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(level, title, page) of every bookmark, from pdftohtml's XML."""
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", "-q", str(path)], check=True, capture_output=True,
                         text=True).stdout
    root = ET.fromstring(xml)
    out: list[tuple[int, str, int]] = []

    def walk(node: ET.Element, level: int) -> None:
        for child in node:
            if child.tag == "item":
                out.append((level, child.text or "", int(child.get("page", "0"))))
            elif child.tag == "outline":
                walk(child, level + 1)

    top = root.find("outline")
    if top is not None:
        walk(top, 0)
    return out


def pdffonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """An empty folder for the output (tmp_path also holds the test database)."""
    d = tmp_path / "out"
    d.mkdir()
    return d


def no_leftovers(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".part")]


@pytest.fixture
def census(shared_org: dict[str, Guji]) -> Guji:
    return shared_org["census_a"]


def test_register_text_order_bookmarks_and_pages(census: Guji, tmp_path: Path) -> None:
    out = tmp_path / "register.pdf"
    steps: list[float] = []
    report = register_pdf(census, out, progress=lambda f, m: steps.append(f))
    assert report.count == 12 and report.missing_chars == () and report.warnings == ()
    assert report.pages == pdfpages(out) >= 4
    assert steps and steps[-1] == 1.0 and steps == sorted(steps)

    text = flat(pdftext(out))
    for s in ("遼寧省圖書館古籍普查登記目錄", "［萬曆］金華府志三十卷", "存卷十六至十九", "明萬曆刻本",
              "210000-0101-0000002",
              "善2034", "經部", "易類", "題名索引", "著者索引", "清光緒壬寅(二十八年)刊本"):
        assert s in text, s
    # Grouped by 四部 in vocabulary order (經 史 子 集 叢, then unclassified), census number within a 類.
    body = flat(pdftext(out, 2, report.pages - 2))
    positions = [body.index(t) for t in ("周易本義四卷", "毛詩注疏二十卷", "貞觀政要十卷", "本草綱目五十二卷",
                                         "杜工部集二十卷", "知不足齋叢書", "無類之書一卷")]
    assert positions == sorted(positions)

    marks = outline(out)
    top = [t for level, t, _ in marks if level == 0]
    assert top == ["經部", "史部", "子部", "集部", "叢部", "未分類", "題名索引", "著者索引"]
    assert (1, "方志類", 2) in [(lv, t, p) for lv, t, p in marks] or any(
        t == "方志類" and lv == 1 for lv, t, _ in marks)
    index_page = next(p for lv, t, p in marks if t == "題名索引")
    assert index_page > 1
    # Running head: the catalogue title on every body page, the 部 of the page's first entries.
    page2 = pdftext(out, 2, 2)
    assert page2.lstrip().startswith("遼寧省圖書館古籍普查登記目錄") and "經部" in page2.splitlines()[0] + page2[:200]

    fonts_out = pdffonts(out)
    assert "UMingTW" in fonts_out and "Helvetica" not in fonts_out
    assert all(line.split()[-5] == "yes" for line in fonts_out.splitlines()[2:])  # embedded (emb column)


def test_indexes_order_by_pinyin_then_strokes_and_point_to_entries(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    # 易 (8 strokes) and 益 (10 strokes) are both yì: same reading, so stroke order decides.
    register_samples(app, [
        dict(title="益經一卷", author_statement="（清）張益撰", edition_statement="清抄本", volumes=1),
        dict(title="易經一卷", author_statement="（清）張易撰", edition_statement="清抄本", volumes=1),
        dict(title="本草一卷", author_statement="（明）李時珍撰", edition_statement="清抄本", volumes=1),
        dict(title="杜詩一卷", author_statement="（明）李時珍撰", edition_statement="清刻本", volumes=1),
    ])
    out = tmp_path / "r.pdf"
    report = register_pdf(app, out)
    marks = outline(out)
    title_page = next(p for _, t, p in marks if t == "題名索引")
    author_page = next(p for _, t, p in marks if t == "著者索引")
    titles = pdftext(out, title_page, title_page, layout=True)
    order = [titles.index(t) for t in ("本草一卷", "杜詩一卷", "易經一卷", "益經一卷")]
    assert order == sorted(order)
    # Entries are numbered in census-number order here (all unclassified): 益經 1, 易經 2, 本草 3, 杜詩 4.
    assert re.search(r"易經一卷\s+2\n", titles) and re.search(r"益經一卷\s+1\n", titles)
    authors = pdftext(out, author_page, report.pages, layout=True)
    assert "李時珍（明）" in authors
    assert re.search(r"李時珍（明）\s+3，4", authors)
    assert authors.index("李時珍") < authors.index("張易") < authors.index("張益")


def test_rare_characters_fall_back_and_missing_ones_are_reported(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    # 㐀 (Ext. A) is only in Hanazono; U+30000 (Ext. G) is in no bundled font.
    register_samples(app, [dict(title="㐀書一卷", author_statement="（清）王\U00030000撰", edition_statement="清抄本",
                                volumes=1)])
    assert fonts.split_by_font("㐀書")[0][0] == "GujiHanaMinA"
    out = tmp_path / "r.pdf"
    report = register_pdf(app, out)
    assert report.missing_chars == ("\U00030000",)
    assert report.warnings and "U+30000" in report.warnings[0] and fonts.MISSING_MARK in report.warnings[0]
    text = flat(pdftext(out))
    assert "㐀書一卷" in text and f"王{fonts.MISSING_MARK}撰" in text
    assert "HanaMinA" in pdffonts(out)


def test_split_by_font_runs() -> None:
    missing = fonts.MissingChars()
    runs = fonts.split_by_font("萬曆㐀\U00030000abc", missing)
    assert "".join(r for _, r in runs) == "萬曆㐀〓abc"
    assert [f for f, _ in runs] == ["GujiUMingTW", "GujiHanaMinA", "GujiUMingTW"]
    assert missing.sorted() == ["\U00030000"]
    assert fonts.split_by_font("") == []
    assert fonts.split_by_font("a\ufe00b") == [("GujiUMingTW", "ab")]  # variation selectors are not "missing"


def test_unit_sees_only_its_records_and_filters_apply(shared_org: dict[str, Guji], census: Guji,
                                                      tmp_path: Path) -> None:
    org = shared_org
    out = tmp_path / "b.pdf"
    report = register_pdf(org["census_b"], out)
    assert report.count == 1 and "吉林通志" in pdftext(out) and "墨子" not in pdftext(out)
    # The centre sees both; the institution filter narrows to one.
    assert register_pdf(org["centre_reviewer"], tmp_path / "all.pdf").count == 13
    one = register_pdf(org["centre_reviewer"], tmp_path / "a.pdf", filters=ExportFilters(institution="220000-0101"))
    assert one.count == 1
    assert register_pdf(census, tmp_path / "s.pdf", filters=ExportFilters(state="centre_approved")).count == 0


@pytest.mark.parametrize("filters,field", [
    (ExportFilters(state="approvedish"), "state"),
    (ExportFilters(institution="21-01"), "institution"),
])
def test_bad_filters_are_refused_and_nothing_is_written(census: Guji, outdir: Path, filters: ExportFilters,
                                                        field: str) -> None:
    out = outdir / "x.pdf"
    with pytest.raises(ValidationError) as err:
        register_pdf(census, out, filters=filters)
    assert err.value.problems[0].field == field
    assert not out.exists() and list(outdir.iterdir()) == []


def test_missing_output_folder_is_refused(census: Guji, outdir: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        register_pdf(census, outdir / "nope" / "x.pdf")
    assert list(outdir.iterdir()) == []


def test_cancel_leaves_no_file(census: Guji, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    out.write_bytes(b"old")  # an earlier export stays untouched
    cancel = threading.Event()

    def progress(f: float, m: str) -> None:
        if f > 0.5:
            cancel.set()

    with pytest.raises(Cancelled):
        register_pdf(census, out, progress=progress, cancel=cancel)
    assert out.read_bytes() == b"old" and no_leftovers(tmp_path)
    with pytest.raises(Cancelled):
        illustrated_pdf(census, out, progress=progress, cancel=cancel)
    assert out.read_bytes() == b"old" and no_leftovers(tmp_path)


def test_empty_register_still_makes_a_pdf(census: Guji, tmp_path: Path) -> None:
    out = tmp_path / "e.pdf"
    report = register_pdf(census, out, filters=ExportFilters(query="沒有這本書"))
    assert report.count == 0 and pdfpages(out) == report.pages == 2 and "無著錄" in pdftext(out)


# ------------------------------------------------------------------------------ illustrated


def test_illustrated_entries_images_and_description(census: Guji, tmp_path: Path) -> None:
    scans = scan_files()
    assert len(scans) >= 10
    numbers = [census.census.get_record(i).census_number for i in census.search.ids()]
    images = {n: scans[k % len(scans)] for k, n in enumerate(numbers[:-1])}  # the last record has no image
    out = tmp_path / "ill.pdf"
    report = illustrated_pdf(census, out, images=images, dpi=150)
    assert report.count == 12 and report.images == 11
    assert report.without_image == (numbers[-1],) and numbers[-1] in report.warnings[0]
    # Cover + two entries per page, each 部 starting on a new page: 經3 史2 子2 集3 叢1 未分類1 → 2+1+1+2+1+1 pages.
    assert report.pages == pdfpages(out) == 1 + 8
    text = flat(pdftext(out))
    for s in ("珍貴古籍圖錄", "［萬曆］金華府志三十卷", "21.5 × 14.2 cm", "半葉十行行二十字，白口，四周雙邊，單黑魚尾",
              "「天一閣」（范欽）", "「汪士鐘印」（汪士鐘）", "國家珍貴古籍名錄 03832", "遼寧省圖書館",
              "黃丕烈跋：卷末手跋",
              "20.3 × 13.6 cm（半框）", "（無書影）"):
        assert flat(s) in text, s
    # Images are resampled: no embedded image exceeds 150 dpi at its printed size (the box is 92 mm wide).
    listing = subprocess.run(["pdfimages", "-list", str(out)], check=True, capture_output=True, text=True).stdout
    rows = [ln.split() for ln in listing.splitlines()[2:]]
    assert len(rows) == 11
    for r in rows:
        width, xppi, yppi = int(r[3]), int(r[12]), int(r[13])
        assert r[8] == "jpeg" and width <= 92 / 25.4 * 150 + 1 and 145 <= xppi <= 151 and 145 <= yppi <= 151
    marks = outline(out)
    assert [t for lv, t, _ in marks if lv == 0] == ["經部", "史部", "子部", "集部", "叢部", "未分類"]
    assert sum(1 for lv, _, _ in marks if lv == 1) == 12


def test_illustrated_images_from_a_folder_named_by_census_number(census: Guji, tmp_path: Path) -> None:
    scans = scan_files()
    folder = tmp_path / "imgs"
    folder.mkdir()
    number = census.census.get_record(census.search.ids()[0]).census_number
    shutil.copy(scans[0], folder / f"{number}_2{scans[0].suffix}")
    shutil.copy(scans[1], folder / f"{number}_10{scans[1].suffix}")
    shutil.copy(scans[2], folder / f"{number}_1{scans[2].suffix}")
    (folder / f"{number}x.jpg").write_bytes(b"not mine")
    found = find_images_in_dir(folder, number)
    assert [p.name for p in found] == [f"{number}_1{scans[2].suffix}", f"{number}_2{scans[0].suffix}",
                                      f"{number}_10{scans[1].suffix}"]
    out = tmp_path / "i.pdf"
    report = illustrated_pdf(census, out, images_dir=folder, filters=ExportFilters(ids=[census.search.ids()[0]]))
    assert report.count == 1 and report.images == 1 and report.without_image == ()


def test_unreadable_image_is_a_warning_not_a_crash(census: Guji, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 broken")
    rid = census.search.ids()[0]
    number = census.census.get_record(rid).census_number
    out = tmp_path / "i.pdf"
    report = illustrated_pdf(census, out, images={number: bad}, filters=ExportFilters(ids=[rid]))
    assert report.images == 0 and report.without_image == (number,)
    assert any("not readable" in w for w in report.warnings)
    assert "書影無法讀取" in pdftext(out)


def test_bad_dpi_is_refused(census: Guji, outdir: Path) -> None:
    with pytest.raises(ValidationError, match="dpi"):
        illustrated_pdf(census, outdir / "i.pdf", dpi=5000)
    assert list(outdir.iterdir()) == []


def test_catalogue_prints_text_as_stored(org: dict[str, Guji], tmp_path: Path) -> None:
    # Simplified input stays as entered; traditional stays traditional: the catalogue prints what is stored.
    app = org["census_a"]
    register_samples(app, [dict(title="金华府志", edition_statement="明万历刻本", volumes=1),
                           dict(title="［萬曆］金華府志三十卷", edition_statement="明萬曆刻本", volumes=1)])
    out = tmp_path / "r.pdf"
    register_pdf(app, out)
    text = flat(pdftext(out))
    assert "金华府志" in text and "［萬曆］金華府志三十卷" in text and "明万历刻本" in text


def test_cli_catalogue(census: Guji, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    from tests.export.catalogue_data import run_cli

    out = tmp_path / "r.pdf"
    code, _, err = run_cli(census, ["export", "catalogue", "--layout", "register", "--out", str(out)], monkeypatch,
                           capsys)
    assert code == 0 and msg("export.done.entries.pages", count=12, pages=pdfpages(out), path=out) in err
    assert pdfpages(out) >= 4
    folder = tmp_path / "imgs"
    folder.mkdir()
    scan = scan_files()[0]
    (folder / f"210000-0101-0000002{scan.suffix}").write_bytes(scan.read_bytes())
    out2 = tmp_path / "i.pdf"
    code, _, err = run_cli(census, ["export", "catalogue", "--layout", "illustrated", "--out", str(out2),
                                    "--images", str(folder), "--state", "draft"], monkeypatch, capsys)
    assert code == 0 and msg("export.done.entries.pages", count=12, pages=pdfpages(out2), path=out2) in err
    assert "11 entries have no image" in err
    code, _, err = run_cli(census, ["export", "catalogue", "--out", str(tmp_path / "no" / "x.pdf")], monkeypatch,
                           capsys)
    assert code == 1 and "does not exist" in err
