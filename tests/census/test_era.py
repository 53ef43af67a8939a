"""Reign-period dating of edition statements (guji.census.era)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from guji.census.era import (
    EraParseError,
    eras,
    eras_named,
    ganzhi_index,
    ganzhi_of_year,
    parse_chinese_numeral,
    parse_era,
)

ROOT = Path(__file__).resolve().parents[2]


def tup(r):
    return (r.dynasty, r.era, r.year_of_era, r.ganzhi, list(r.gregorian), r.precision)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("明萬曆刻本", ("明", "萬曆", None, None, [1573, 1620], "era")),
        ("清乾隆三十年武英殿刻本", ("清", "乾隆", 30, "乙酉", [1765, 1765], "year")),
        ("清光緒壬寅刊本", ("清", "光緒", 28, "壬寅", [1902, 1902], "year")),
        ("清光緒壬寅(二十八年)刊本", ("清", "光緒", 28, "壬寅", [1902, 1902], "year")),
        ("清光緒壬寅（二十八年）刊本", ("清", "光緒", 28, "壬寅", [1902, 1902], "year")),
        ("民國二十年鉛印本", ("民國", "民國", 20, "辛未", [1931, 1931], "year")),
        ("明嘉靖丁巳(三十六年)顧名儒建陽刊本", ("明", "嘉靖", 36, "丁巳", [1557, 1557], "year")),
        ("明成化元年內府刻本", ("明", "成化", 1, "乙酉", [1465, 1465], "year")),
        ("乾隆乙卯", ("清", "乾隆", 60, "乙卯", [1795, 1795], "year")),
        ("宋淳熙八年唐仲友台州公使庫刻本", ("宋", "淳熙", 8, "辛丑", [1181, 1181], "year")),
        ("明万历刻本", ("明", "萬曆", None, None, [1573, 1620], "era")),
        ("清光绪二十八年", ("清", "光緒", 28, "壬寅", [1902, 1902], "year")),
        ("明萬曆間刊本", ("明", "萬曆", None, None, [1573, 1620], "era")),
        ("明万历年间刊本", ("明", "萬曆", None, None, [1573, 1620], "era")),
        ("明刻本", ("明", None, None, None, [1368, 1644], "dynasty")),
        ("（明）萬曆刻本", ("明", "萬曆", None, None, [1573, 1620], "era")),
        ("清光緒二十八年(1902)", ("清", "光緒", 28, "壬寅", [1902, 1902], "year")),
        ("清 光緒 二十八年", ("清", "光緒", 28, "壬寅", [1902, 1902], "year")),
        ("清康熙廿一年", ("清", "康熙", 21, "壬戌", [1682, 1682], "year")),
        ("明萬曆卅年", ("明", "萬曆", 30, "壬寅", [1602, 1602], "year")),
        ("清乾隆12年", ("清", "乾隆", 12, "丁卯", [1747, 1747], "year")),
        ("中華民國二十年", ("民國", "民國", 20, "辛未", [1931, 1931], "year")),
        ("元統三年", ("元", "元統", 3, "乙亥", [1335, 1335], "year")),
        ("北宋太平興國三年", ("北宋", "太平興國", 3, "戊寅", [978, 978], "year")),
        ("清宣統三年", ("清", "宣統", 3, "辛亥", [1911, 1911], "year")),
        ("明洪武三十五年", ("明", "洪武", 35, "壬午", [1402, 1402], "year")),
        ("萬曆十年至十五年", ("明", "萬曆", None, None, [1582, 1587], "range")),
        ("明嘉靖四十五年至隆慶元年", ("明", "嘉靖", None, None, [1566, 1567], "range")),
    ],
)
def test_required_statements(text, expected):
    assert tup(parse_era(text)) == expected


def test_gregorian_prefix():
    r = parse_era("1551芝城銅活字印本")
    assert r.gregorian == (1551, 1551)
    assert r.precision == "year"
    assert r.dynasty == "明"
    assert r.ganzhi == "辛亥"
    assert r.era is None


def test_gregorian_prefix_full_width_and_consistent_era():
    assert parse_era("１５５１芝城銅活字印本").gregorian == (1551, 1551)
    r = parse_era("1557明嘉靖丁巳刊本")
    assert (r.era, r.year_of_era) == ("嘉靖", 36)


def test_gregorian_prefix_contradicting_the_era_is_an_error():
    with pytest.raises(EraParseError, match="contradicts"):
        parse_era("1600明嘉靖刻本")


def test_json_shape():
    d = parse_era("明萬曆刻本").to_json_dict()
    assert d == {"dynasty": "明", "era": "萬曆", "year_of_era": None, "ganzhi": None,
                 "gregorian": [1573, 1620], "precision": "era"}
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d


def test_song_statement_keeps_the_stated_dynasty_and_the_table_dynasty():
    r = parse_era("宋淳熙八年")
    assert r.dynasty == "宋" and r.period_dynasty == "南宋"


def test_recurring_era_without_dynasty_is_ambiguous():
    r = parse_era("至元三年")
    assert r.is_ambiguous
    assert {a.gregorian for a in r.ambiguous} == {(1266, 1266), (1337, 1337)}
    assert r.gregorian == (1266, 1266)  # the 31-year era of 世祖 first
    r = parse_era("紹興十年")
    assert {a.period_dynasty for a in r.ambiguous} == {"南宋", "西遼"}
    assert r.period_dynasty == "南宋"
    assert len(parse_era("太平二年").ambiguous) >= 3
    assert len(parse_era("建興元年").ambiguous) >= 3
    assert len(parse_era("永興元年").ambiguous) >= 3


def test_year_narrows_recurring_era():
    # Only 世祖's 至元 has a 31st year; 順帝's lasted six.
    r = parse_era("至元三十一年")
    assert not r.is_ambiguous and r.gregorian == (1294, 1294)


def test_dynasty_resolves_recurring_era():
    r = parse_era("西遼紹興十年")
    assert not r.is_ambiguous and r.gregorian == (1160, 1160)
    r = parse_era("南宋紹興十年")
    assert not r.is_ambiguous and r.gregorian == (1140, 1140)


def test_dynasty_hint():
    r = parse_era("紹興十年", dynasty_hint="西遼")
    assert r.gregorian == (1160, 1160) and not r.is_ambiguous
    r = parse_era("紹興十年", dynasty_hint="明")  # no such era in 明: hint ignored
    assert r.is_ambiguous and r.notes


def test_sixty_year_era_holding_a_ganzhi_twice():
    r = parse_era("康熙壬寅")
    assert {a.gregorian for a in r.ambiguous} == {(1662, 1662), (1722, 1722)}
    assert parse_era("康熙壬寅(六十一年)").gregorian == (1722, 1722)


def test_qualifiers():
    r = parse_era("清末刻本")
    assert r.precision == "dynasty" and r.qualifier == "末" and r.gregorian == (1644, 1911)
    assert r.notes
    r = parse_era("明末清初刻本")
    assert r.precision == "range" and r.gregorian == (1368, 1911)
    assert parse_era("萬曆末刻本").qualifier == "末"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("萬曆甲子", "no 甲子 year in 萬曆"),
        ("明萬曆五十年刻本", "萬曆 has no year 50"),
        ("清宣統四年", "宣統 has no year 4"),
        ("清光緒壬寅(二十九年)", "year 29 of 光緒 is 癸卯, not 壬寅"),
        ("明嘉靖丙辰(三十六年)", "not 丙辰"),
        ("清光緒二十八年(1903)", "1903 is not that year"),
        ("明乾隆三年", "乾隆 is not an era of 明"),
        ("", "empty"),
        ("   ", "empty"),
        ("刻本", "no dynasty, reign period"),
        ("芝城銅活字印本", "no dynasty, reign period"),
        ("民國四十年", "民國 has no year 40"),
        ("萬曆二十年至十年", "backwards"),
        ("陳氏刻本", "no dynasty, reign period"),  # a family name, not 南朝陳
        ("周氏刻本", "no dynasty, reign period"),
    ],
)
def test_errors_are_clear(text, fragment):
    with pytest.raises(EraParseError) as exc:
        parse_era(text)
    assert fragment in str(exc.value)
    assert exc.value.reason
    assert isinstance(exc.value, ValueError)


def test_pre_qin_and_sixteen_kingdoms_dynasties():
    # 周/戰國 name authors of the classics, 後秦/北涼 the translators of the Buddhist canon
    assert parse_era("戰國竹簡").gregorian == (-475, -221)
    assert parse_era("周刻本").dynasty == "周"
    assert parse_era("後秦寫本").gregorian == (384, 417)
    assert parse_era("姚秦寫本").gregorian == (384, 417)
    assert parse_era("后秦写本").gregorian == (384, 417)
    assert parse_era("明陳氏刻本").dynasty == "明"  # the dynasty before the family name still counts


def test_not_text():
    with pytest.raises(EraParseError):
        parse_era(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "s, n",
    [("元", 1), ("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("二十八", 28), ("廿", 20),
     ("廿一", 21), ("卅", 30), ("卅五", 35), ("卌", 40), ("九十九", 99), ("二〇", 20), ("三〇", 30),
     ("12", 12), ("１２", 12), ("貳拾", 20), ("拾伍", 15), ("兩", 2)],
)
def test_numerals(s, n):
    assert parse_chinese_numeral(s) == n


@pytest.mark.parametrize("s", ["", "百", "一百", "十十", "二二十", "零", "0", "100", "甲", "十二三"])
def test_bad_numerals(s):
    with pytest.raises(ValueError):
        parse_chinese_numeral(s)


def test_ganzhi():
    assert ganzhi_of_year(1984) == "甲子"
    assert ganzhi_of_year(1902) == "壬寅"
    assert ganzhi_of_year(1795) == "乙卯"
    assert ganzhi_of_year(4) == "甲子"
    assert ganzhi_of_year(-56) == "甲子"  # astronomical -56 = 57 BC, a 甲子 year
    assert ganzhi_index("甲子") == 0 and ganzhi_index("癸亥") == 59
    for y in range(1800, 1900):
        assert ganzhi_index(ganzhi_of_year(y)) == (y - 4) % 60
    with pytest.raises(ValueError):
        ganzhi_index("甲丑")  # parity mismatch: no such year name


def test_table_ming_and_qing_complete():
    ming = ["洪武", "建文", "永樂", "洪熙", "宣德", "正統", "景泰", "天順", "成化", "弘治",
            "正德", "嘉靖", "隆慶", "萬曆", "泰昌", "天啟", "崇禎"]
    qing = ["崇德", "順治", "康熙", "雍正", "乾隆", "嘉慶", "道光", "咸豐", "同治", "光緒", "宣統"]
    assert [r.era for r in eras() if r.dynasty == "明"] == ming
    assert [r.era for r in eras() if r.dynasty == "清"] == qing
    assert [r.era for r in eras() if r.dynasty == "後金"] == ["天命", "天聰"]
    spans = {r.era: (r.start_year, r.end_year) for r in eras() if r.dynasty in ("明", "清")}
    assert spans["萬曆"] == (1573, 1620)
    assert spans["崇禎"] == (1628, 1644)
    assert spans["乾隆"] == (1736, 1795)
    assert spans["光緒"] == (1875, 1908)
    assert spans["宣統"] == (1909, 1911)
    assert spans["順治"] == (1644, 1661)


def test_table_file_has_the_documented_columns_and_minguo():
    with (ROOT / "resources/reign/reign_periods.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    need = {"dynasty", "dynasty_aliases", "dynasty_simplified", "era", "era_alternates",
            "era_simplified", "era_alternates_simplified", "emperor", "start_year", "end_year"}
    assert need <= set(rows[0])
    minguo = [r for r in rows if r["era"] == "民國"]
    assert len(minguo) == 1 and (minguo[0]["start_year"], minguo[0]["end_year"]) == ("1912", "1949")
    kaibao = [r for r in rows if r["era"] == "開寶" and r["dynasty"] == "北宋"]
    assert len(kaibao) == 1 and kaibao[0]["emperor"] == "太祖|太宗"  # merged across emperors
    assert "ATTRIBUTION" in (ROOT / "resources/reign/ATTRIBUTION.md").read_text(encoding="utf-8").upper()
    assert "CC BY-SA 3.0" in (ROOT / "resources/reign/ATTRIBUTION.md").read_text(encoding="utf-8")


def test_eras_named_accepts_simplified():
    assert [r.dynasty for r in eras_named("万历")] == ["明"]
    assert {r.dynasty for r in eras_named("紹興")} == {"南宋", "西遼"}


def test_parse_speed():
    import time

    stmts = ["清乾隆三十年武英殿刻本", "明萬曆刻本", "清光緒壬寅(二十八年)刊本", "民國二十年鉛印本"] * 500
    t0 = time.perf_counter()
    for s in stmts:
        parse_era(s)
    per = (time.perf_counter() - t0) / len(stmts)
    assert per < 0.005, per
