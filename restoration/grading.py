"""Damage grading as a rule table, and the grade it suggests for a set of findings.

A *profile* is an ordered list of grades (most severe first, the last one being
the grade given when no rule fires) and a table of rules
``(damage_type, metric, comparison, threshold, grade, source)``.  Grading follows
"any one criterion met": the suggested grade is the most severe grade that any
single finding reaches.  That is how the archives standard DA/T 64.1-2017 grades
paper records, and its values ship as the profile
``resources/vocab/damage_rules_dat64.json``.

The ancient-book standard WH/T 22-2006 (古籍特藏破损定级标准) uses the same damage
terms, but its grade names and thresholds were not retrieved, so nothing of it is
hard-coded: a centre with the text writes its own profile in the same JSON shape
and loads it with :func:`load_profile`.

The grade is a *suggestion*: the restorer confirms or overrides it (the service
layer records who did).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import resources
from restoration.errors import FieldError, RestorationError
from restoration.vocab import RestorationVocab, default_vocab

__all__ = [
    "COMPARISONS",
    "FORMAT",
    "METRICS",
    "Finding",
    "FiredRule",
    "Grade",
    "GradeSuggestion",
    "GradingProfile",
    "Rule",
    "dat64_profile",
    "findings_from_pairs",
    "load_profile",
    "parse_profile",
    "suggest_grade",
]

FORMAT = "guji.damage-grading-profile"
SUPPORTED_VERSIONS = frozenset({1})
DAT64_PATH: Path = resources.path("vocab", "damage_rules_dat64.json")

#: Comparison codes and their symbols.  The finding's value is on the left:
#: ``value <comparison> threshold``.
COMPARISONS: Mapping[str, str] = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}

#: Metrics and the range a value of each may take.
METRICS: Mapping[str, tuple[Decimal, Decimal | None]] = {
    "percent": (Decimal(0), Decimal(100)),  # percent of the leaf area (or of the leaves)
    "count": (Decimal(0), None),  # number of places
    "ph": (Decimal(0), Decimal(14)),
}


def _to_decimal(value: object, field: str, where: str) -> Decimal:
    """Exact Decimal of a JSON/user number (floats by their shortest repr, so 39.99 stays 39.99)."""
    if isinstance(value, bool) or value is None:
        raise FieldError(field, f"{where}: {value!r} is not a number")
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise FieldError(field, f"{where}: {value!r} is not a finite number")
            number = Decimal(repr(value))
        elif isinstance(value, (int, str)):
            number = Decimal(str(value).strip())
        else:
            raise FieldError(field, f"{where}: {value!r} is not a number")
    except InvalidOperation:
        raise FieldError(field, f"{where}: {value!r} is not a number") from None
    if not number.is_finite():
        raise FieldError(field, f"{where}: {value!r} is not a finite number")
    return number


def _check_range(metric: str, value: Decimal, field: str, where: str) -> None:
    low, high = METRICS[metric]
    if value < low or (high is not None and value > high):
        span = f"{low}–{high}" if high is not None else f"≥ {low}"
        raise FieldError(field, f"{where}: {value} is outside the range of metric {metric!r} ({span})")
    if metric == "count" and value != value.to_integral_value():
        raise FieldError(field, f"{where}: a count must be a whole number, got {value}")


@dataclass(frozen=True, slots=True)
class Grade:
    """One grade of a profile; ``rank`` 0 is the most severe."""

    code: str
    zh: str
    en: str
    rank: int


@dataclass(frozen=True, slots=True)
class Rule:
    """If a finding of ``damage_type`` measured in ``metric`` has ``value <comparison> threshold``,
    it reaches ``grade``."""

    damage_type: str
    metric: str
    comparison: str
    threshold: Decimal
    grade: str
    source: str

    def matches(self, finding: Finding) -> bool:
        """Whether ``finding`` meets this rule (same damage type and metric, comparison holds)."""
        if finding.damage_type != self.damage_type or finding.metric != self.metric:
            return False
        value = finding.value
        if self.comparison == "lt":
            return value < self.threshold
        if self.comparison == "le":
            return value <= self.threshold
        if self.comparison == "gt":
            return value > self.threshold
        return value >= self.threshold  # "ge"; parse_profile admits nothing else

    def describe(self, vocab: RestorationVocab | None = None) -> str:
        """Human-readable rule, e.g. ``残缺 ≥ 40% → critical (DA/T 64.1-2017)``."""
        name = self.damage_type
        if vocab is not None:
            try:
                name = vocab.label("damage_types", self.damage_type)
            except RestorationError:
                pass
        unit = "%" if self.metric == "percent" else ""
        lhs = f"{name} pH" if self.metric == "ph" else name
        return f"{lhs} {COMPARISONS[self.comparison]} {self.threshold}{unit} → {self.grade} ({self.source})"


@dataclass(frozen=True, slots=True)
class Finding:
    """One observed damage: its type (vocab code), metric and measured value.

    Build with :meth:`create` to validate raw input; ``value`` is a Decimal.
    """

    damage_type: str
    metric: str
    value: Decimal
    note: str = ""

    def __post_init__(self) -> None:
        # Validate even when built directly, so a float 39.99 is held as Decimal("39.99").
        if not isinstance(self.damage_type, str) or not self.damage_type.strip():
            raise FieldError("damage_type", "a finding needs a damage type")
        if self.metric not in METRICS:
            raise FieldError("metric", f"unknown metric {self.metric!r}; expected one of {', '.join(METRICS)}")
        where = f"{self.damage_type} ({self.metric})"
        number = _to_decimal(self.value, "value", where)
        _check_range(self.metric, number, "value", where)
        object.__setattr__(self, "damage_type", self.damage_type.strip())
        object.__setattr__(self, "value", number)

    @classmethod
    def create(cls, damage_type: str, metric: str, value: object, note: str = "") -> Finding:
        """Validated finding: metric in :data:`METRICS`, value a finite number in the metric's range.

        Same as calling the constructor (which validates too); accepts text and floats.
        """
        return cls(damage_type, metric, value, note)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class FiredRule:
    """A rule that a finding met."""

    rule: Rule
    finding: Finding


@dataclass(frozen=True, slots=True)
class GradeSuggestion:
    """The suggested grade and why.

    ``reasons`` holds, for every finding that met at least one rule, the most
    severe rule it met, most severe first (ties in finding order); so the
    reasons at ``grade`` are the deciding ones and the rest show what else was
    found.  No reasons means no rule fired and ``grade`` is the profile's default.
    """

    grade: Grade
    reasons: tuple[FiredRule, ...]
    profile_id: str

    @property
    def deciding(self) -> tuple[FiredRule, ...]:
        """The reasons that reach the suggested grade itself."""
        return tuple(r for r in self.reasons if r.rule.grade == self.grade.code)


@dataclass(frozen=True, slots=True)
class GradingProfile:
    """A labelled rule table; grades are ordered most severe first."""

    id: str
    label_zh: str
    label_en: str
    source: str
    grades: tuple[Grade, ...]
    default_grade: str
    rules: tuple[Rule, ...]
    notes: tuple[str, ...] = ()

    def grade(self, code: str) -> Grade:
        """The grade ``code``; raises :class:`FieldError` if the profile has none."""
        for grade in self.grades:
            if grade.code == code:
                return grade
        raise FieldError("grade", f"profile {self.id!r} has no grade {code!r}")


def _req_str(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FieldError(key, f"{where}: '{key}' must be a non-empty text")
    return value.strip()


def parse_profile(data: Any, *, vocab: RestorationVocab | None = None, source: str = "") -> GradingProfile:
    """Validate decoded profile JSON and build a :class:`GradingProfile`.

    Checks format and version; grades (non-empty, unique codes); the default grade;
    every rule's metric, comparison, threshold (finite, within the metric's range),
    grade (one of the profile's) and source.  With ``vocab`` given, rule damage
    types must be codes of its ``damage_types`` category.  Errors are
    :class:`FieldError` whose message names the file and the rule number.
    """
    where0 = source or "grading profile"
    if not isinstance(data, Mapping):
        raise RestorationError(f"{where0}: the top level must be a JSON object")
    if data.get("format") != FORMAT:
        raise FieldError("format", f"{where0}: expected format {FORMAT!r}, got {data.get('format')!r}")
    if data.get("version") not in SUPPORTED_VERSIONS:
        raise FieldError("version", f"{where0}: unsupported version {data.get('version')!r}")
    profile_id = _req_str(data, "id", where0)
    label_zh = _req_str(data, "label_zh", where0)
    label_en = str(data.get("label_en") or label_zh)
    profile_source = _req_str(data, "source", where0)

    raw_grades = data.get("grades")
    if not isinstance(raw_grades, list) or not raw_grades:
        raise FieldError("grades", f"{where0}: 'grades' must be a non-empty list, most severe first")
    grades: list[Grade] = []
    for rank, raw in enumerate(raw_grades):
        gwhere = f"{where0}, grade {rank + 1}"
        if not isinstance(raw, Mapping):
            raise FieldError("grades", f"{gwhere}: must be an object")
        code = _req_str(raw, "code", gwhere)
        if any(g.code == code for g in grades):
            raise FieldError("grades", f"{where0}: grade {code!r} appears twice")
        grades.append(Grade(code, _req_str(raw, "zh", gwhere), str(raw.get("en") or code), rank))
    grade_codes = [g.code for g in grades]

    default_grade = data.get("default_grade", grade_codes[-1])
    if default_grade not in grade_codes:
        raise FieldError("default_grade", f"{where0}: default grade {default_grade!r} is not one of {grade_codes}")

    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        raise FieldError("rules", f"{where0}: 'rules' must be a list")
    known_types = set(vocab.codes("damage_types")) if vocab is not None else None
    rules: list[Rule] = []
    for index, raw in enumerate(raw_rules, start=1):
        rwhere = f"{where0}, rule {index}"
        if not isinstance(raw, Mapping):
            raise FieldError("rules", f"{rwhere}: must be an object")
        damage_type = _req_str(raw, "damage_type", rwhere)
        rwhere = f"{rwhere} ({damage_type})"
        if known_types is not None and damage_type not in known_types:
            raise FieldError("damage_type", f"{rwhere}: unknown damage type {damage_type!r}")
        metric = raw.get("metric")
        if metric not in METRICS:
            raise FieldError("metric", f"{rwhere}: metric {metric!r} is not one of {', '.join(METRICS)}")
        comparison = raw.get("comparison")
        if comparison not in COMPARISONS:
            raise FieldError(
                "comparison", f"{rwhere}: comparison {comparison!r} is not one of {', '.join(COMPARISONS)}"
            )
        threshold = _to_decimal(raw.get("threshold"), "threshold", rwhere)
        _check_range(str(metric), threshold, "threshold", rwhere)
        grade = raw.get("grade")
        if grade not in grade_codes:
            raise FieldError("grade", f"{rwhere}: grade {grade!r} is not one of {grade_codes}")
        rule_source = raw.get("source", profile_source)
        if not isinstance(rule_source, str) or not rule_source.strip():
            raise FieldError("source", f"{rwhere}: 'source' must name the standard")
        rules.append(Rule(damage_type, str(metric), str(comparison), threshold, str(grade), rule_source.strip()))

    notes_raw = data.get("notes", [])
    if isinstance(notes_raw, str):
        notes_raw = [notes_raw]
    if not isinstance(notes_raw, list) or not all(isinstance(n, str) for n in notes_raw):
        raise FieldError("notes", f"{where0}: 'notes' must be a list of texts")
    return GradingProfile(
        id=profile_id,
        label_zh=label_zh,
        label_en=label_en,
        source=profile_source,
        grades=tuple(grades),
        default_grade=str(default_grade),
        rules=tuple(rules),
        notes=tuple(notes_raw),
    )


def load_profile(path: Path | str, *, vocab: RestorationVocab | None = None) -> GradingProfile:
    """Read and validate a profile JSON file (numbers are read as exact decimals).

    Raises :class:`RestorationError` if the file cannot be read or parsed, and the
    errors of :func:`parse_profile` for invalid content.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RestorationError(f"cannot read grading profile {file}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise RestorationError(f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    return parse_profile(data, vocab=vocab, source=str(file))


@lru_cache(maxsize=1)
def dat64_profile() -> GradingProfile:
    """The shipped DA/T 64.1-2017 profile (checked against the shipped vocabulary)."""
    return load_profile(DAT64_PATH, vocab=default_vocab())


def suggest_grade(findings: Iterable[Finding], profile: GradingProfile | None = None) -> GradeSuggestion:
    """Suggest a damage grade: the most severe grade that any one finding reaches.

    ``profile`` defaults to :func:`dat64_profile`.  Findings that meet no rule
    (or whose type the profile does not grade) do not change the result; with
    no rule met the profile's default grade (轻度 in DA/T 64.1) is suggested.
    See :class:`GradeSuggestion` for the reasons returned.
    """
    prof = profile if profile is not None else dat64_profile()
    rank = {g.code: g.rank for g in prof.grades}
    reasons: list[tuple[int, int, FiredRule]] = []
    for order, finding in enumerate(findings):
        if not isinstance(finding, Finding):
            raise FieldError("findings", f"expected Finding, got {finding!r}")
        fired = [rule for rule in prof.rules if rule.matches(finding)]
        if fired:
            worst = min(fired, key=lambda r: rank[r.grade])
            reasons.append((rank[worst.grade], order, FiredRule(worst, finding)))
    reasons.sort(key=lambda item: (item[0], item[1]))
    default = prof.grade(prof.default_grade)
    # The default grade is the floor: a (strange) centre rule whose grade is
    # milder than the default cannot lower the suggestion below it.
    candidates = [default] + ([prof.grades[reasons[0][0]]] if reasons else [])
    grade = min(candidates, key=lambda g: g.rank)
    return GradeSuggestion(grade=grade, reasons=tuple(r for _, _, r in reasons), profile_id=prof.id)


def findings_from_pairs(pairs: Sequence[tuple[str, str, object]]) -> list[Finding]:
    """Convenience: validated findings from (damage_type, metric, value) triples."""
    return [Finding.create(t, m, v) for t, m, v in pairs]
