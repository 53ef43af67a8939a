"""The archive PDF: every section's Chinese text present as text (pdftotext), fonts embedded, page 1 renders."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from guji.app import Guji
from restoration.report import write_report
from restoration.srgb import lab_to_hex
from restoration.views import AssessmentInput, PhSetInput, RecipeInput, SessionInput, TrialInput
from tests.restoration.conftest import add_paper, open_job, to_state

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def full_job(org: dict[str, Guji], tmp_path: Path) -> int:
    """A job with every section filled and accepted."""
    r = org["restorer_a"].restoration
    jid = open_job(org, leaves_scope="卷一 1-40", volumes_scope="第1冊")
    paper = add_paper(org["restorer_a"])
    r.record_ph_set(jid, PhSetInput("before_treatment", "surface_flat_electrode",
                                    [("1", "天頭", "4.80"), ("1", "書腦", "5.10"), ("2", "天頭", "5.60"),
                                     ("3", "地腳", "4.95")], instrument="Mettler S220", wait_seconds=60,
                                    temperature_c="21"))
    rid = r.add_recipe(RecipeInput(name="紅茶染竹紙", dyes=[("紅茶", "8", "g/L"), ("橡碗子", "2", "g/L")],
                                   base_paper_id=paper, dips=3, minutes=15, drying="陰乾", job_id=jid)).id
    r.record_assessment(jid, AssessmentInput(findings=[("霉蚀", "percent", 12)], volume=2,
                                             colour=("78.20", "3.10", "18.40"), colour_source="colorimeter",
                                             illuminant_observer="D65_10"))
    r.record_trial(rid, TrialInput(measured=(79.1, 2.8, 17.1), illuminant_observer="D65_10", accepted=True))
    r.record_trial(rid, TrialInput(measured=(75.0, 4.0, 20.0), illuminant_observer="D65_10"))
    to_state(org, jid, "in_treatment")
    r.record_session(jid, SessionInput(day=dt.date.today(), hours="3", leaves=20, operations=["infill"],
                                       materials=[(paper, 2)], notes="補蟲洞"))
    r.record_ph_set(jid, PhSetInput("after_treatment", "surface_flat_electrode",
                                    [("1", "天頭", "7.80"), ("2", "天頭", "8.05"), ("3", "地腳", "7.95")]))
    # a before and an after photograph of leaf 1 (small PNGs), both through the image store
    from PIL import Image

    before, after = tmp_path / "before.png", tmp_path / "after.png"
    Image.new("RGB", (120, 90), (200, 180, 140)).save(before)
    Image.new("RGB", (120, 90), (230, 220, 200)).save(after)
    r.add_photo_file(jid, before, "before", leaf="1", caption="蟲蛀")
    r.add_photo_file(jid, after, "after", leaf="1")
    to_state_rest(org, jid)
    return jid


def to_state_rest(org: dict[str, Guji], jid: int) -> None:
    org["restorer_a"].restoration.submit_for_acceptance(jid)
    org["reviewer_a"].restoration.accept(jid, "good", comments="補紙色澤協調，平整")


def test_archive_pdf(org: dict[str, Guji], tmp_path: Path) -> None:
    jid = full_job(org, tmp_path)
    arch = org["reviewer_a"].restoration.archive(jid)
    assert arch.ph_comparison and arch.ph_comparison[0].difference is not None
    out = write_report(arch, tmp_path / "archive.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ["古籍修復檔案", arch.job.job_number, arch.job.census_number, "墨子十五卷", "明萬曆刻本",
                     "破损状况", "残缺", "虫蛀", "霉蚀", "竹", "pH 值测定", "4.80", "修复前后 pH 对比",
                     "紅茶染竹紙", "橡碗子", "ΔE00", "修复方案", "除尘", "修复记录", "補蟲洞", "竹纸（染）",
                     "修复前后照片", "验收", "補紙色澤協調", "良", "审核人"]:
        assert expected in text, expected
    de00 = f"{arch.recipes[0].trials[0].de00:.2f}"
    assert de00 in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "UMing" in fonts and "yes yes" in fonts  # embedded, subset
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")],
                   check=True)
    assert list(tmp_path.glob("page*.png"))


def test_empty_archive_and_rare_characters(org: dict[str, Guji], tmp_path: Path) -> None:
    # 𠀀 (Ext. B) is in neither font; 㐀 (Ext. A) is in Hanazono only — it must print as text.
    jid = open_job(org, requester="㐀部")
    out = write_report(org["restorer_a"].restoration.archive(jid), tmp_path / "empty.pdf")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "㐀部" in text and "（尚未验收）" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "HanaMinA" in fonts


def test_lab_to_srgb_swatch() -> None:
    assert lab_to_hex((100, 0, 0)) == "#ffffff" and lab_to_hex((0, 0, 0)) == "#000000"
    assert lab_to_hex((53.24, 80.09, 67.20)) == "#ff0000"
    r, g, b = (int(lab_to_hex((78.2, 3.1, 18.4))[i:i + 2], 16) for i in (1, 3, 5))
    assert r > g > b  # a warm, yellowish paper tone


def test_cli_report_list_show_ph(org: dict[str, Guji], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from guji.cli.main import main

    jid = full_job(org, tmp_path)
    number = org["restorer_a"].restoration.get_job(jid).job_number
    monkeypatch.setenv("GUJI_PASSWORD", "secret-pass-1")
    base = ["--db", str(org["admin"].db.engine.url.database), "--user", "restorer.a"]
    out = tmp_path / "cli.pdf"
    assert main(base + ["restoration", "report", number, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert number in subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    capsys.readouterr()
    assert main(base + ["restoration", "list", "--state", "closed"]) == 0
    assert number in capsys.readouterr().out
    assert main(base + ["restoration", "show", str(jid)]) == 0
    assert "damage grade: severe" in capsys.readouterr().out
    assert main(base + ["restoration", "ph", number]) == 0
    text = capsys.readouterr().out
    assert "before_treatment" in text and "5.11" in text
    assert main(base + ["restoration", "report", "XF-1999-0009", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "no restoration job XF-1999-0009" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
