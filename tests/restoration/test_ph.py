"""pH values, sets, statistics and before/after comparison."""

from __future__ import annotations

import math
import statistics
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restoration.errors import FieldError
from restoration.ph import (
    DEFAULT_ACID_THRESHOLD,
    PhMethod,
    PhPoint,
    PhSet,
    PhSetKind,
    PhValueError,
    compare_sets,
    parse_ph_value,
    set_statistics,
)
from restoration.vocab import default_vocab


def _set(kind: PhSetKind, *pts: tuple[str, str, str]) -> PhSet:
    return PhSet(kind, PhMethod.SURFACE_FLAT_ELECTRODE,
                 tuple(PhPoint.create(leaf, pos, v) for leaf, pos, v in pts))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("5.1", "5.10"),
        ("5.10", "5.10"),
        (" 6.25 ", "6.25"),
        ("５．１", "5.10"),
        ("7", "7.00"),
        (7, "7.00"),
        (5.1, "5.10"),
        (Decimal("4.85"), "4.85"),
        ("0", "0.00"),
        ("14", "14.00"),
        ("14.00", "14.00"),
        ("5.100", "5.10"),
    ],
)
def test_valid_values_round_trip(raw: object, expected: str) -> None:
    value = parse_ph_value(raw, leaf="1", position="中")
    assert isinstance(value, Decimal)
    assert str(value) == expected


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        ("NaN", "finite"),
        ("inf", "finite"),
        ("abc", "not a number"),
        ("5,1", "not a number"),
        ("", "no value"),
        (None, "not a number"),
        (True, "not a number"),
        ("5.123", "two decimals"),
        (5.123, "two decimals"),
        ("-0.5", "negative"),
        ("14.01", "above 14"),
        (15, "above 14"),
    ],
)
def test_invalid_values_name_the_point(raw: object, fragment: str) -> None:
    with pytest.raises(PhValueError) as info:
        parse_ph_value(raw, leaf="12", position="天头")
    err = info.value
    assert fragment in str(err)
    assert err.leaf == "12" and err.position == "天头"
    assert "leaf 12" in str(err) and "天头" in str(err)
    assert isinstance(err, FieldError) and err.field == "ph_value"


def test_point_needs_a_leaf() -> None:
    with pytest.raises(FieldError) as info:
        PhPoint.create("  ", "中", "5.0")
    assert info.value.field == "leaf"


@given(st.integers(min_value=0, max_value=1400))
def test_every_two_decimal_value_round_trips(hundredths: int) -> None:
    text = f"{hundredths // 100}.{hundredths % 100:02d}"
    assert str(parse_ph_value(text)) == text
    # ... also when it arrives as a float from a spreadsheet cell.
    assert str(parse_ph_value(float(text))) == text


def test_statistics() -> None:
    ph_set = _set(PhSetKind.BEFORE_TREATMENT, ("1", "a", "4.80"), ("1", "b", "5.00"), ("2", "a", "5.50"),
                  ("3", "a", "6.30"))
    stats = set_statistics(ph_set)
    assert stats.n == 4
    assert stats.mean == Decimal("5.4")
    assert stats.median == Decimal("5.25")
    assert stats.minimum == Decimal("4.80") and stats.maximum == Decimal("6.30")
    expected_sd = statistics.stdev([4.8, 5.0, 5.5, 6.3])
    assert stats.stdev is not None and math.isclose(float(stats.stdev), expected_sd, rel_tol=1e-12)
    # 5.50 is not below 5.5: the flag is strict, like DA/T 64.1's "pH < 5.0".
    assert stats.threshold == DEFAULT_ACID_THRESHOLD == Decimal("5.5")
    assert [(p.leaf, p.position) for p in stats.acidic] == [("1", "a"), ("1", "b")]


def test_statistics_custom_threshold_and_small_sets() -> None:
    one = _set(PhSetKind.AFTER_TREATMENT, ("1", "", "7.95"))
    stats = set_statistics(one, threshold="8.0")
    assert stats.n == 1 and stats.stdev is None and stats.mean == Decimal("7.95")
    assert len(stats.acidic) == 1
    empty = set_statistics([])
    assert empty.n == 0 and empty.mean is None and empty.median is None and empty.stdev is None
    with pytest.raises(FieldError) as info:
        set_statistics(one, threshold="nope")
    assert info.value.field == "acid_threshold"


def test_mean_is_exact_decimal() -> None:
    stats = set_statistics(_set(PhSetKind.BEFORE_TREATMENT, ("1", "", "5.10"), ("2", "", "5.20")))
    assert stats.mean == Decimal("5.15")


def test_set_coerces_codes_and_rejects_unknown() -> None:
    s = PhSet("after_washing", "cold_extraction", ())  # type: ignore[arg-type]
    assert s.kind is PhSetKind.AFTER_WASHING and s.method is PhMethod.COLD_EXTRACTION
    with pytest.raises(FieldError) as info:
        PhSet("someday", "cold_extraction", ())  # type: ignore[arg-type]
    assert info.value.field == "kind"
    with pytest.raises(FieldError) as info:
        PhSet("after_washing", "litmus", ())  # type: ignore[arg-type]
    assert info.value.field == "method"


def test_enum_codes_match_vocabulary() -> None:
    vocab = default_vocab()
    assert set(vocab.codes("ph_set_kinds")) == {k.value for k in PhSetKind}
    assert set(vocab.codes("ph_methods")) == {m.value for m in PhMethod}


def test_compare_sets_per_leaf() -> None:
    before = _set(PhSetKind.BEFORE_TREATMENT, ("1", "a", "4.80"), ("1", "b", "5.00"), ("2", "a", "5.10"),
                  ("4", "a", "4.50"))
    after = _set(PhSetKind.AFTER_DEACIDIFICATION, ("2", "a", "8.20"), ("1", "a", "8.10"), ("3", "a", "8.00"))
    rows = compare_sets(before, after)
    assert [r.leaf for r in rows] == ["1", "2", "4", "3"]
    leaf1 = rows[0]
    assert leaf1.earlier_mean == Decimal("4.9") and leaf1.later_mean == Decimal("8.10")
    assert leaf1.difference == Decimal("3.2")
    assert leaf1.earlier_n == 2 and leaf1.later_n == 1
    assert rows[1].difference == Decimal("3.10")
    assert rows[2].later_mean is None and rows[2].difference is None
    assert rows[3].earlier_mean is None and rows[3].difference is None


def test_compare_sets_of_same_kind_rejected() -> None:
    a = _set(PhSetKind.BEFORE_TREATMENT, ("1", "", "5.00"))
    with pytest.raises(FieldError):
        compare_sets(a, a)


def test_constructor_validates_too() -> None:
    point = PhPoint(" 3 ", " 中 ", "5.1")  # type: ignore[arg-type]
    assert point == PhPoint("3", "中", Decimal("5.10"))
    with pytest.raises(PhValueError):
        PhPoint("3", "中", Decimal("5.123"))
    assert str(parse_ph_value("-0")) == "0.00"
