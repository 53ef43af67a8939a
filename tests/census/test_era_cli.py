"""`guji era TEXT` prints the dating as JSON, or a reason and a non-zero exit."""

from __future__ import annotations

import json

import pytest

from guji.cli.main import main


@pytest.mark.parametrize(
    "text,dynasty,era,year,ganzhi,gregorian,precision",
    [
        ("明萬曆刻本", "明", "萬曆", None, None, [1573, 1620], "era"),
        ("清乾隆三十年武英殿刻本", "清", "乾隆", 30, "乙酉", [1765, 1765], "year"),
        ("清光緒壬寅刊本", "清", "光緒", 28, "壬寅", [1902, 1902], "year"),
        ("民國二十年鉛印本", "民國", None, 20, "辛未", [1931, 1931], "year"),
        ("1551芝城銅活字印本", None, None, None, "辛亥", [1551, 1551], "year"),
        ("清光绪二十八年", "清", "光緒", 28, "壬寅", [1902, 1902], "year"),
    ],
)
def test_era_command(capsys: pytest.CaptureFixture[str], text: str, dynasty: str | None, era: str | None,
                     year: int | None, ganzhi: str | None, gregorian: list[int], precision: str) -> None:
    assert main(["era", text]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"dynasty", "era", "year_of_era", "ganzhi", "gregorian", "precision"}
    assert out["gregorian"] == gregorian and out["precision"] == precision
    if dynasty is not None:
        assert out["dynasty"] == dynasty
    if era is not None:
        assert out["era"] == era
    if year is not None:
        assert out["year_of_era"] == year
    if ganzhi is not None:
        assert out["ganzhi"] == ganzhi


@pytest.mark.parametrize("text", ["不是年代", "清光緒九十年", "清光緒甲子"])
def test_era_command_refuses_with_a_reason(capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert main(["era", text]) != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("guji: error: cannot date")


def test_ambiguous_era_lists_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["era", "至元三年"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    grego = sorted(c["gregorian"][0] for c in out["ambiguous"])
    assert grego == [1266, 1337]  # 至元 of Kublai Khan and of Toghon Temür
    assert "ambiguous" in captured.err
    assert main(["era", "至元三年", "--dynasty", "元"]) == 0
