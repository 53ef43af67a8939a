"""Grade suggestions (guji.census.grading): suggestions only, rules from JSON."""

from __future__ import annotations

import json

import pytest

from guji.census.era import parse_era
from guji.census.grading import GradingRulesError, load_rules, suggest_grade


def s(text, et=None):
    return suggest_grade(era=parse_era(text), edition_type=et)


def test_northern_song_is_1a_confirmed():
    r = s("北宋刻本")
    assert (r.grade, r.level, r.confidence, r.unconfirmed_rule) == ("1A", 1, "high", False)
    assert r.confirmed is False


def test_southern_song_jin_yuan_are_1b():
    for t in ("宋淳熙八年唐仲友台州公使庫刻本", "元刻本", "金刻本", "南宋刻本"):
        r = s(t)
        assert r.grade == "1B", t
    assert set(s("宋刻本").choices) == {"1A", "1B"}


def test_ming_before_wanli_is_level_2_with_subgrade_open():
    r = s("明成化元年內府刻本")
    assert r.level == 2 and r.grade is None
    assert r.choices == ("2A", "2B", "2C")
    assert r.confidence == "high" and not r.unconfirmed_rule
    assert "二級" in r.label


def test_wanli_to_qianlong_is_unconfirmed_level_3():
    for t in ("明萬曆刻本", "清乾隆三十年武英殿刻本", "乾隆乙卯"):
        r = s(t)
        assert r.level == 3 and r.unconfirmed_rule, t
        assert any("unconfirmed rule" in x for x in r.reasons)


def test_after_1795_is_unconfirmed_4_and_after_1911_ungraded():
    r = s("清光緒壬寅刊本")
    assert r.grade == "4" and r.unconfirmed_rule
    r = s("民國二十年鉛印本")
    assert r.grade == "none"


def test_straddling_range_suggests_latest_grade_with_low_confidence():
    r = s("明刻本")
    assert r.level == 3 and r.confidence == "low"
    assert {"2A", "3A"} <= set(r.choices)
    r = s("清末刻本")
    assert r.grade == "4" and r.confidence == "low"


def test_early_movable_type_and_colour_printing_lean_higher():
    r = s("1551芝城銅活字印本", "銅活字本")
    assert r.grade == "1C" and r.unconfirmed_rule
    assert "early-movable-type" in r.rule_ids
    r = suggest_grade(gregorian=(1500, 1500), edition_type="套印本")
    assert r.grade == "1C"
    assert suggest_grade(gregorian=(1500, 1500), edition_type="铜活字本").grade == "1C"  # simplified
    assert suggest_grade(gregorian=(1700, 1700), edition_type="木活字本").level == 3  # not early


def test_manuscripts_add_a_judgement_reason():
    r = suggest_grade(gregorian=(1700, 1700), edition_type="稿本")
    assert "manuscripts-and-annotated" in r.rule_ids
    assert r.level == 3


def test_no_date_and_bad_input():
    r = suggest_grade()
    assert r.grade == "none" and r.confidence == "low"
    with pytest.raises(ValueError, match="reversed"):
        suggest_grade(gregorian=(1600, 1500))
    with pytest.raises(ValueError, match="disagree"):
        suggest_grade(era=parse_era("明萬曆刻本"), gregorian=(1500, 1500))


def test_json_and_never_confirmed():
    d = s("明萬曆刻本").to_json_dict()
    assert d["confirmed"] is False
    json.dumps(d, ensure_ascii=False)


def test_rules_are_data_and_validated(tmp_path):
    rules = load_rules()
    assert {r["id"] for r in rules["period_rules"]} >= {"northern-song-and-earlier", "ming-hongwu-to-longqing"}
    edited = json.loads(json.dumps(rules))
    for r in edited["period_rules"]:
        if r["id"] == "wanli-to-qianlong":
            r["confirmed"] = True
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    assert not suggest_grade(gregorian=(1600, 1600), rules_path=path).unconfirmed_rule
    bad = json.loads(json.dumps(rules))
    bad["period_rules"][0]["grade"] = "9Z"
    path2 = tmp_path / "bad.json"
    path2.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(GradingRulesError, match="unknown grade"):
        load_rules(path2)
    path3 = tmp_path / "broken.json"
    path3.write_text("{", encoding="utf-8")
    with pytest.raises(GradingRulesError):
        load_rules(path3)
