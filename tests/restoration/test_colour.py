"""CIEDE2000 against the published test data, plus properties and the ColourMatch report."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restoration.colour import (
    DEFAULT_DE00_TOLERANCE,
    ColourMatch,
    compare_colour,
    delta_e_2000,
    delta_e_ab,
    delta_l,
)
from restoration.errors import FieldError, RestorationError

# Table 1 of G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula:
# implementation notes, supplementary test data, and mathematical observations",
# Color Res. Appl. 30(1):21-30 (2005): pair number, L1, a1, b1, L2, a2, b2, ΔE00.
# Each row was checked against the same table as typed into the public test file
# tests.py of the GitHub repository sumtype/CIEDE2000 (which cites the authors'
# ciede2000testdata.txt); all 34 rows agree.
SHARMA_2005_TABLE_1: list[tuple[int, float, float, float, float, float, float, float]] = [
    (1, 50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (2, 50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (3, 50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (4, 50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (5, 50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (6, 50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (7, 50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (8, 50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (9, 50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (10, 50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (11, 50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (12, 50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (13, 50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (14, 50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (15, 50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (16, 50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (17, 50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (18, 50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (19, 50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (20, 50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (21, 50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (22, 50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (23, 50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (24, 50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (25, 60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (26, 63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (27, 61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (28, 35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (29, 22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (30, 36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (31, 90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (32, 90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (33, 6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (34, 2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


def test_table_has_all_34_pairs() -> None:
    assert [row[0] for row in SHARMA_2005_TABLE_1] == list(range(1, 35))


@pytest.mark.parametrize(
    "pair, L1, a1, b1, L2, a2, b2, expected",
    SHARMA_2005_TABLE_1,
    ids=[f"pair{row[0]}" for row in SHARMA_2005_TABLE_1],
)
def test_sharma_2005_table_1(
    pair: int, L1: float, a1: float, b1: float, L2: float, a2: float, b2: float, expected: float,  # noqa: N803 - the table's names
) -> None:
    # The table gives ΔE00 to 4 decimals: a correct value lies within half a unit
    # of the last place.
    assert abs(delta_e_2000((L1, a1, b1), (L2, a2, b2)) - expected) < 5e-5
    # The table is symmetric in use: swapping the pair must give the same value.
    assert abs(delta_e_2000((L2, a2, b2), (L1, a1, b1)) - expected) < 5e-5


def test_achromatic_hue_is_zero_and_mean_hue_is_the_sum() -> None:
    # Pair 7: one colour has a' = b' = 0.  An implementation that half-sums the
    # hues (or leaves atan2's value for the grey) gives a different answer.
    assert delta_e_2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=5e-5)


def test_both_achromatic_reduces_to_lightness_term() -> None:
    # Two greys differ only in L*: ΔE00 = |ΔL| / S_L.
    L1, L2 = 40.0, 60.0
    l_bar = 50.0
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    assert delta_e_2000((L1, 0, 0), (L2, 0, 0)) == pytest.approx(abs(L2 - L1) / s_l)


def test_parametric_factor_scales_lightness() -> None:
    base = delta_e_2000((40, 0, 0), (60, 0, 0))
    assert delta_e_2000((40, 0, 0), (60, 0, 0), kL=2.0) == pytest.approx(base / 2)


def test_delta_e_ab_and_delta_l() -> None:
    assert delta_e_ab((50, 0, 0), (53, 4, 0)) == pytest.approx(5.0)
    assert delta_l((62.0, 1, 1), (60.0, 1, 1)) == pytest.approx(2.0)  # sample lighter
    assert delta_l((58.0, 1, 1), (60.0, 1, 1)) == pytest.approx(-2.0)  # sample darker


@pytest.mark.parametrize(
    "bad",
    [(50, 0), (50, 0, 0, 0), (float("nan"), 0, 0), (50, float("inf"), 0), ("x", 0, 0), "abc", (True, 0, 0)],
)
def test_malformed_lab_rejected(bad: object) -> None:
    with pytest.raises(FieldError) as info:
        delta_e_2000(bad, (50, 0, 0))  # type: ignore[arg-type]
    assert info.value.field == "lab1"
    assert isinstance(info.value, RestorationError)
    assert isinstance(info.value, ValueError)


def test_bad_parametric_factor_rejected() -> None:
    with pytest.raises(FieldError):
        delta_e_2000((50, 0, 0), (50, 1, 1), kL=0.0)


def test_compare_colour_lighter_sample_passes() -> None:
    target = (70.0, 5.0, 20.0)
    sample = (70.8, 5.0, 20.0)
    match = compare_colour(sample, target)
    assert isinstance(match, ColourMatch)
    assert match.dL == pytest.approx(0.8)
    assert match.darker_than_target is False
    assert match.passes is True
    assert match.tolerance == DEFAULT_DE00_TOLERANCE
    assert match.de00 == pytest.approx(delta_e_2000(sample, target))
    assert match.de_ab == pytest.approx(0.8)
    assert match.dC == pytest.approx(0.0, abs=1e-12)
    assert match.dH == pytest.approx(0.0, abs=1e-12)


def test_compare_colour_darker_sample_flagged_even_when_passing() -> None:
    match = compare_colour((69.5, 5.0, 20.0), (70.0, 5.0, 20.0), tolerance=1.0)
    assert match.passes is True
    assert match.darker_than_target is True


def test_compare_colour_fails_beyond_tolerance() -> None:
    match = compare_colour((60.0, 8.0, 25.0), (70.0, 5.0, 20.0), tolerance=2.0)
    assert match.passes is False
    assert match.darker_than_target is True


def test_compare_colour_components_add_up_to_de_ab() -> None:
    match = compare_colour((65.0, 7.0, 18.0), (66.0, 4.0, 21.0))
    assert match.dL**2 + match.dC**2 + match.dH**2 == pytest.approx(match.de_ab**2)


def test_compare_colour_rejects_negative_tolerance() -> None:
    with pytest.raises(FieldError) as info:
        compare_colour((50, 0, 0), (50, 0, 0), tolerance=-1)
    assert info.value.field == "tolerance"


_L = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
_AB = st.floats(min_value=-128.0, max_value=127.0, allow_nan=False)
_LAB = st.tuples(_L, _AB, _AB)


@given(_LAB, _LAB)
def test_symmetric(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> None:
    assert delta_e_2000(lab1, lab2) == pytest.approx(delta_e_2000(lab2, lab1), rel=1e-12, abs=1e-12)


@given(_LAB)
def test_zero_for_identical_colours(lab: tuple[float, float, float]) -> None:
    assert delta_e_2000(lab, lab) == 0.0


@given(_LAB, _LAB)
def test_non_negative_and_finite(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> None:
    value = delta_e_2000(lab1, lab2)
    assert value >= 0.0
    assert math.isfinite(value)
    assert delta_e_ab(lab1, lab2) >= 0.0
