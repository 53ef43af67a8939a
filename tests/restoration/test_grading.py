"""Damage grading by rule table: the shipped DA/T 64.1-2017 profile and profile loading."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from restoration.errors import FieldError, RestorationError
from restoration.grading import (
    Finding,
    dat64_profile,
    load_profile,
    parse_profile,
    suggest_grade,
)
from restoration.vocab import default_vocab

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "vocab" / "damage_rules_dat64.json"


def _raw() -> dict[str, Any]:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def grade_of(*findings: tuple[str, str, object]) -> str:
    return suggest_grade([Finding.create(t, m, v) for t, m, v in findings], dat64_profile()).grade.zh


def test_shipped_profile_is_labelled_and_says_what_it_is_not() -> None:
    profile = dat64_profile()
    assert profile.id == "dat64.1-2017"
    assert profile.source == "DA/T 64.1-2017"
    assert [g.zh for g in profile.grades] == ["特残", "严重", "中度", "轻度"]
    assert profile.default_grade == "slight"
    assert any("WH/T 22-2006" in note and "not retrieved" in note for note in profile.notes)
    assert all(rule.source == "DA/T 64.1-2017" for rule in profile.rules)
    vocab_types = set(default_vocab().codes("damage_types"))
    assert {rule.damage_type for rule in profile.rules} <= vocab_types


def test_no_findings_is_slight() -> None:
    suggestion = suggest_grade([], dat64_profile())
    assert suggestion.grade.zh == "轻度"
    assert suggestion.reasons == ()
    assert suggestion.profile_id == "dat64.1-2017"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("100", "特残"),
        ("40", "特残"),  # exactly 40 %: "≥ 40%"
        ("39.99", "严重"),
        ("20", "严重"),
        ("19.99", "中度"),
        ("5", "中度"),
        ("4.99", "轻度"),
        ("0", "轻度"),
    ],
)
def test_losses_boundaries(value: str, expected: str) -> None:
    assert grade_of(("loss", "percent", value)) == expected


def test_losses_float_input_boundary() -> None:
    # Spreadsheet floats are taken by their shortest repr: 39.99 must not become 39.9899999.
    assert grade_of(("loss", "percent", 39.99)) == "严重"
    assert grade_of(("loss", "percent", 40.0)) == "特残"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("3.9", "特残"),
        ("4.99", "特残"),
        ("5.0", "严重"),  # "pH < 5.0" is 特残: 5.0 itself is 严重
        ("5.49", "严重"),
        ("5.5", "中度"),
        ("6.19", "中度"),
        ("6.2", "轻度"),
        ("7.0", "轻度"),
    ],
)
def test_ph_boundaries(value: str, expected: str) -> None:
    assert grade_of(("acidification", "ph", value)) == expected


@pytest.mark.parametrize(
    "damage_type, value, expected",
    [
        ("mould", "30", "特残"),
        ("mould", "29.99", "严重"),
        ("mould", "20", "严重"),
        ("mould", "19.99", "轻度"),  # no 中度 criterion for mould in DA/T 64.1
        ("insect", "30", "特残"),
        ("insect", "25", "严重"),
        ("soiling", "60", "特残"),
        ("soiling", "59.99", "严重"),
        ("soiling", "20", "严重"),
        ("soiling", "10", "轻度"),
        ("stuck", "40", "特残"),
        ("stuck", "39.99", "严重"),
        ("stuck", "20", "严重"),
        ("stuck", "5", "中度"),
        ("stuck", "4.99", "轻度"),
    ],
)
def test_other_criteria(damage_type: str, value: str, expected: str) -> None:
    assert grade_of((damage_type, "percent", value)) == expected


def test_multiple_types_take_the_worst_and_explain() -> None:
    findings = [
        Finding.create("loss", "percent", "12"),  # 中度
        Finding.create("tear", "count", 3),  # not graded by DA/T 64.1
        Finding.create("mould", "percent", "31"),  # 特残
        Finding.create("acidification", "ph", "5.2"),  # 严重
        Finding.create("insect", "percent", "35"),  # 特残
    ]
    suggestion = suggest_grade(findings, dat64_profile())
    assert suggestion.grade.zh == "特残"
    # one reason per finding that fired (its most severe rule), most severe first, ties in input order
    assert [(r.finding.damage_type, r.rule.grade) for r in suggestion.reasons] == [
        ("mould", "critical"),
        ("insect", "critical"),
        ("acidification", "severe"),
        ("loss", "moderate"),
    ]
    assert [r.finding.damage_type for r in suggestion.deciding] == ["mould", "insect"]
    assert suggestion.reasons[0].rule.threshold == Decimal("30")


def test_describe_rule() -> None:
    rule = next(r for r in dat64_profile().rules if r.damage_type == "loss" and r.grade == "critical")
    assert rule.describe(default_vocab()) == "残缺 ≥ 40% → critical (DA/T 64.1-2017)"
    ph_rule = dat64_profile().rules[0]
    assert ph_rule.describe(default_vocab()) == "酸化 pH < 5.0 → critical (DA/T 64.1-2017)"


@pytest.mark.parametrize(
    "damage_type, metric, value, field",
    [
        ("loss", "percent", "101", "value"),
        ("loss", "percent", "-1", "value"),
        ("loss", "percent", "nan", "value"),
        ("loss", "percent", "lots", "value"),
        ("acidification", "ph", "14.5", "value"),
        ("tear", "count", "2.5", "value"),
        ("loss", "furlongs", "3", "metric"),
        ("", "percent", "3", "damage_type"),
    ],
)
def test_bad_findings_rejected(damage_type: str, metric: str, value: str, field: str) -> None:
    with pytest.raises(FieldError) as info:
        Finding.create(damage_type, metric, value)
    assert info.value.field == field


def test_centre_profile_with_same_shape(tmp_path: Path) -> None:
    data = _raw()
    data["id"] = "centre-whT22"
    data["source"] = "WH/T 22-2006 (entered by the centre)"
    data["grades"] = [
        {"code": "g1", "zh": "一级破损", "en": "Grade 1"},
        {"code": "g2", "zh": "二级破损", "en": "Grade 2"},
        {"code": "none", "zh": "未达破损级", "en": "Below grading"},
    ]
    data["default_grade"] = "none"
    data["rules"] = [
        {"damage_type": "fire", "metric": "percent", "comparison": "gt", "threshold": 10, "grade": "g1",
         "source": "WH/T 22-2006"},
        {"damage_type": "tear", "metric": "count", "comparison": "ge", "threshold": 3, "grade": "g2"},
    ]
    path = tmp_path / "centre.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    profile = load_profile(path, vocab=default_vocab())
    assert profile.rules[1].source == data["source"]  # rule source defaults to the profile's
    assert suggest_grade([Finding.create("fire", "percent", "10")], profile).grade.code == "none"
    assert suggest_grade([Finding.create("fire", "percent", "10.5")], profile).grade.code == "g1"
    assert suggest_grade([Finding.create("tear", "count", 3)], profile).grade.zh == "二级破损"


def _broken(mutate: Any) -> dict[str, Any]:
    data = copy.deepcopy(_raw())
    mutate(data)
    return data


@pytest.mark.parametrize(
    "mutate, field, fragment",
    [
        (lambda d: d.__setitem__("format", "other"), "format", "expected format"),
        (lambda d: d.__setitem__("version", 99), "version", "unsupported"),
        (lambda d: d.__setitem__("grades", []), "grades", "non-empty"),
        (lambda d: d["grades"].append(dict(d["grades"][0])), "grades", "appears twice"),
        (lambda d: d.__setitem__("default_grade", "fine"), "default_grade", "fine"),
        (lambda d: d["rules"][1].__setitem__("comparison", ">="), "comparison", "rule 2 (loss)"),
        (lambda d: d["rules"][1].__setitem__("metric", "area"), "metric", "rule 2"),
        (lambda d: d["rules"][1].__setitem__("threshold", "forty"), "threshold", "rule 2"),
        (lambda d: d["rules"][1].__setitem__("threshold", 140), "threshold", "outside"),
        (lambda d: d["rules"][0].__setitem__("threshold", 15), "threshold", "outside"),
        (lambda d: d["rules"][1].__setitem__("grade", "awful"), "grade", "awful"),
        (lambda d: d["rules"][1].__setitem__("damage_type", "gremlins"), "damage_type", "gremlins"),
        (lambda d: d["rules"][1].__setitem__("source", ""), "source", "standard"),
    ],
)
def test_invalid_profiles_rejected_with_clear_errors(mutate: Any, field: str, fragment: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_profile(_broken(mutate), vocab=default_vocab(), source="centre.json")
    assert info.value.field == field
    assert fragment in str(info.value)
    assert "centre.json" in str(info.value)


def test_unreadable_profiles(tmp_path: Path) -> None:
    with pytest.raises(RestorationError, match="cannot read"):
        load_profile(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[1,", encoding="utf-8")
    with pytest.raises(RestorationError, match="not valid JSON"):
        load_profile(bad)
    with pytest.raises(RestorationError, match="JSON object"):
        parse_profile([1, 2])


def test_finding_constructor_validates_and_keeps_decimals() -> None:
    finding = Finding("loss", "percent", 39.99)  # type: ignore[arg-type]
    assert finding.value == Decimal("39.99")
    with pytest.raises(FieldError):
        Finding("loss", "percent", Decimal("120"))
