"""Grade suggestion (定級建議) from an edition's date and type.

The rules are data (``resources/vocab/grading_rules.json``), not code: a centre edits
them when it has the standard's text. Only a **suggestion** is ever produced — the
:class:`GradeSuggestion` has no way to be "confirmed"; a person records the grade.

How a suggestion is made:

1. the edition's Gregorian range (from :func:`guji.census.era.parse_era` or given) is
   matched against the period rules; a rule matches when the whole range lies inside it;
2. a range that straddles rules (``明刻本`` = 1368–1644 spans 二級 and 三級) gets the grade
   of the range's **latest** possible date (the conservative one), all the grades it spans
   as ``choices``, and low confidence;
3. edition rules then apply: early movable type / colour printing may raise the
   suggestion (``suggest_at_least``); manuscripts and annotated copies add a "judge by
   content" reason;
4. every rule used that is not confirmed from the standard sets ``unconfirmed_rule``.

Confidence: ``"high"`` — one confirmed period rule, nothing else; ``"medium"`` — one
period rule but unconfirmed, or an edition rule applied; ``"low"`` — the range straddles
rules or there is no date.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from guji.census.era import EraResult
from guji.census.vocab import entry

__all__ = ["GradeSuggestion", "GradingRulesError", "load_rules", "suggest_grade"]

_LEVEL_LABELS = {1: "一級", 2: "二級", 3: "三級", 4: "四級"}
_GRADE_LABELS = {
    "1A": "一級甲等", "1B": "一級乙等", "1C": "一級丙等", "2A": "二級甲等", "2B": "二級乙等",
    "2C": "二級丙等", "3A": "三級甲等", "3B": "三級乙等", "3C": "三級丙等", "4": "四級", "none": "未定級",
}


class GradingRulesError(ValueError):
    """The rules file is malformed (missing keys, unknown grade codes)."""


@dataclass(frozen=True)
class GradeSuggestion:
    """A suggested grade. Never a decision: ``confirmed`` is always False.

    ``grade`` is a code of the grade vocabulary (``"1A"``, ``"4"``, ``"none"``) when the
    rules determine the sub-grade, else None with ``level`` set (二級: 甲/乙/丙 left to
    staff, listed in ``choices``). ``label`` is the text to show.
    """

    level: int | None
    grade: str | None
    label: str
    choices: tuple[str, ...]
    reasons: tuple[str, ...]
    confidence: str
    unconfirmed_rule: bool
    rule_ids: tuple[str, ...] = ()
    confirmed: bool = field(default=False, init=False)

    def to_json_dict(self) -> dict[str, object]:
        return {
            "level": self.level, "grade": self.grade, "label": self.label,
            "choices": list(self.choices), "reasons": list(self.reasons),
            "confidence": self.confidence, "unconfirmed_rule": self.unconfirmed_rule,
            "rule_ids": list(self.rule_ids), "confirmed": False,
        }


_lock = threading.Lock()
_rules_cache: dict[Path | None, dict[str, Any]] = {}


def _default_path() -> Path:
    return Path(str(resources.files("resources") / "vocab" / "grading_rules.json"))


def load_rules(path: Path | None = None) -> dict[str, Any]:
    """Read and check the rules file (cached per path). Raises :class:`GradingRulesError`."""
    with _lock:
        if path in _rules_cache:
            return _rules_cache[path]
        try:
            data: dict[str, Any] = json.loads((path or _default_path()).read_text(encoding="utf-8"))
            order = data["grade_order"]
            for r in data["period_rules"]:
                for key in ("id", "level", "grade", "start_year_min", "end_year_max", "confirmed", "reason"):
                    if key not in r:
                        raise GradingRulesError(f"period rule {r.get('id')!r}: missing {key}")
                if r["grade"] is not None and r["grade"] not in order:
                    raise GradingRulesError(f"period rule {r['id']}: unknown grade {r['grade']}")
            for r in data["edition_rules"]:
                for key in ("id", "edition_types", "end_year_max", "suggest_at_least", "confirmed", "reason"):
                    if key not in r:
                        raise GradingRulesError(f"edition rule {r.get('id')!r}: missing {key}")
                if r["suggest_at_least"] is not None and r["suggest_at_least"] not in order:
                    raise GradingRulesError(f"edition rule {r['id']}: unknown grade {r['suggest_at_least']}")
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise GradingRulesError(f"grading rules malformed: {exc}") from exc
        _rules_cache[path] = data
        return data


def _codes_of_level(level: int | None, grade: str | None) -> tuple[str, ...]:
    if grade is not None:
        return (grade,)
    if level in (1, 2, 3):
        return tuple(f"{level}{s}" for s in "ABC")
    return ("none",)


def _rank(code: str, order: list[str]) -> int:
    return order.index(code)


def suggest_grade(
    *,
    era: EraResult | None = None,
    gregorian: tuple[int, int] | None = None,
    edition_type: str | None = None,
    rules_path: Path | None = None,
) -> GradeSuggestion:
    """Suggest a grade for an edition.

    ``era``: a parsed edition statement (its ``gregorian`` range is used), or
    ``gregorian``: the range directly (``(1573, 1620)``); ``edition_type``: a label of the
    edition-type vocabulary, traditional or simplified (``"銅活字本"``/``"铜活字本"``).

    Raises ``ValueError`` when both ``era`` and ``gregorian`` are given and differ, or when
    the range is reversed. With no date at all the suggestion is 未定級 at low confidence.
    """
    rules = load_rules(rules_path)
    order: list[str] = rules["grade_order"]
    if era is not None:
        if gregorian is not None and tuple(gregorian) != tuple(era.gregorian or ()):
            raise ValueError("era and gregorian disagree")
        gregorian = era.gregorian
    et_label: str | None = None
    if edition_type:
        e = entry("edition_type", edition_type)
        et_label = e.label if e is not None else edition_type.strip()

    reasons: list[str] = []
    rule_ids: list[str] = []
    unconfirmed = False
    if gregorian is None:
        return GradeSuggestion(None, "none", _GRADE_LABELS["none"], ("none",),
                               ("no date: the period rules cannot apply",), "low", False)
    lo, hi = int(gregorian[0]), int(gregorian[1])
    if hi < lo:
        raise ValueError(f"reversed date range {lo}–{hi}")

    def fits(r: dict[str, Any], y0: int, y1: int) -> bool:
        smin, emax = r["start_year_min"], r["end_year_max"]
        return (smin is None or y0 >= smin) and (emax is None or y1 <= emax)

    # Period rules are ordered from the earliest; the first that holds the range wins
    # (北宋 ranges also fit the 元-and-earlier rule: the stricter, earlier rule is first).
    whole = next((r for r in rules["period_rules"] if fits(r, lo, hi)), None)
    if whole is not None:
        level, grade = whole["level"], whole["grade"]
        choices = _codes_of_level(level, grade)
        reasons.append(whole["reason"])
        rule_ids.append(whole["id"])
        unconfirmed = not whole["confirmed"]
        confidence = "high" if whole["confirmed"] else "medium"
        # An earlier (higher) rule that covers part of the range is a possible grade too
        # (宋刻本 960–1279 is at least 一級乙, 一級甲 if Northern Song).
        earlier = [r for r in rules["period_rules"][: rules["period_rules"].index(whole)]
                   if r["end_year_max"] is not None and lo <= r["end_year_max"] < hi]
        if earlier:
            extra = [c for r in earlier for c in _codes_of_level(r["level"], r["grade"])]
            choices = tuple(sorted(set(choices) | set(extra), key=lambda c: _rank(c, order)))
            reasons.append("part of the range falls under " + ", ".join(r["id"] for r in earlier))
            confidence = "medium" if confidence == "high" else confidence
    else:
        # Straddling: the grade of the latest year is the conservative suggestion.
        spanned = [r for r in rules["period_rules"]
                   if (r["start_year_min"] is None or hi >= r["start_year_min"])
                   and (r["end_year_max"] is None or lo <= r["end_year_max"])]
        latest = next((r for r in rules["period_rules"] if fits(r, hi, hi)), spanned[-1] if spanned else None)
        if latest is None:  # pragma: no cover - the rules cover all years
            return GradeSuggestion(None, "none", _GRADE_LABELS["none"], ("none",),
                                   (f"no rule covers {lo}–{hi}",), "low", False)
        level, grade = latest["level"], latest["grade"]
        choices = tuple(dict.fromkeys(c for r in spanned for c in _codes_of_level(r["level"], r["grade"])))
        choices = tuple(sorted(choices, key=lambda c: _rank(c, order)))
        reasons.append(f"{lo}–{hi} spans several period rules ({', '.join(r['id'] for r in spanned)}); "
                       f"suggesting the grade of the latest possible date")
        reasons.append(latest["reason"])
        rule_ids += [r["id"] for r in spanned]
        unconfirmed = any(not r["confirmed"] for r in spanned)
        confidence = "low"

    for r in rules["edition_rules"]:
        if et_label is None or et_label not in r["edition_types"]:
            continue
        if r["end_year_max"] is not None and hi > r["end_year_max"]:
            continue
        reasons.append(r["reason"])
        rule_ids.append(r["id"])
        unconfirmed = unconfirmed or not r["confirmed"]
        floor = r["suggest_at_least"]
        if floor is None:
            confidence = "low" if confidence == "low" else "medium"
            continue
        current = grade if grade is not None else (choices[0] if choices else "none")
        if _rank(floor, order) < _rank(current, order):
            grade = floor
            level = int(floor[0]) if floor[0].isdigit() else None
            choices = tuple(sorted(set(choices) | {floor}, key=lambda c: _rank(c, order)))
            if confidence == "high":
                confidence = "medium"

    if grade is not None:
        label = _GRADE_LABELS[grade]
    else:
        label = f"{_LEVEL_LABELS[level]}（甲/乙/丙待定）" if level else _GRADE_LABELS["none"]
    if unconfirmed:
        reasons.append("unconfirmed rule: check against the standard before recording")
    return GradeSuggestion(level, grade, label, choices, tuple(reasons), confidence, unconfirmed,
                           tuple(rule_ids))
