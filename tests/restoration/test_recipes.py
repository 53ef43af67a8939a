"""Ranking dye recipes by ΔE00 with the 宁浅勿深 tie-break."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restoration.colour import delta_e_2000, delta_e_ab
from restoration.errors import FieldError
from restoration.recipes import DEFAULT_TIE_EPSILON, rank_recipes

TARGET = (72.0, 4.0, 18.0)


def test_ranked_by_de00_with_distances_reported() -> None:
    far = (60.0, 10.0, 30.0)
    near = (72.5, 4.2, 18.3)
    mid = (70.0, 5.0, 20.0)
    ranked = rank_recipes(TARGET, [("far", far), ("near", near), ("mid", mid)])
    assert [r.recipe_id for r in ranked] == ["near", "mid", "far"]
    assert [r.rank for r in ranked] == [1, 2, 3]
    first = ranked[0]
    assert first.de00 == pytest.approx(delta_e_2000(near, TARGET))
    assert first.de_ab == pytest.approx(delta_e_ab(near, TARGET))
    assert first.dL == pytest.approx(0.5)
    assert first.lighter_or_equal is True
    assert ranked[1].lighter_or_equal is False


def test_lighter_preferred_at_practically_equal_de00() -> None:
    # Same ΔE00 by symmetry in L*: 1 unit darker vs 1 unit lighter (a neutral grey target
    # at L* = 50 makes S_L identical on both sides).
    target = (50.0, 0.0, 0.0)
    ranked = rank_recipes(target, [("darker", (49.0, 0.0, 0.0)), ("lighter", (51.0, 0.0, 0.0))])
    assert ranked[0].de00 == pytest.approx(ranked[1].de00)
    assert [r.recipe_id for r in ranked] == ["lighter", "darker"]


def test_lighter_preferred_within_epsilon_but_not_beyond() -> None:
    target = (50.0, 0.0, 0.0)
    darker = ("darker", (49.0, 0.0, 0.0))  # ΔE00 = 1.0
    slightly_worse_lighter = ("lighter", (51.04, 0.0, 0.0))  # ΔE00 ≈ 1.04: within 0.05
    ranked = rank_recipes(target, [darker, slightly_worse_lighter])
    assert 0 < ranked[0].de00 - ranked[1].de00 <= DEFAULT_TIE_EPSILON  # the lighter one is a bit further
    assert [r.recipe_id for r in ranked] == ["lighter", "darker"]

    clearly_worse_lighter = ("lighter", (51.2, 0.0, 0.0))  # ΔE00 ≈ 1.2: not a tie
    ranked = rank_recipes(target, [darker, clearly_worse_lighter])
    assert [r.recipe_id for r in ranked] == ["darker", "lighter"]

    # With epsilon 0 only exact ties are ties.
    ranked = rank_recipes(target, [darker, slightly_worse_lighter], epsilon=0.0)
    assert [r.recipe_id for r in ranked] == ["darker", "lighter"]


def test_tie_groups_do_not_chain() -> None:
    # 1.00 (darker), 1.04 (darker), 1.08 (lighter): the lighter one is 0.08 from the
    # group's first member, so it does not jump ahead of the 1.00 recipe.
    target = (50.0, 0.0, 0.0)
    ranked = rank_recipes(
        target, [("a", (49.0, 0.0, 0.0)), ("b", (48.96, 0.0, 0.0)), ("c", (51.08, 0.0, 0.0))]
    )
    assert [round(r.de00, 2) for r in ranked] == [1.0, 1.04, 1.08]
    assert [r.recipe_id for r in ranked] == ["a", "b", "c"]


def test_equal_colour_counts_as_lighter_or_equal() -> None:
    ranked = rank_recipes(TARGET, [("same", TARGET)])
    assert ranked[0].de00 == 0.0 and ranked[0].dL == 0.0 and ranked[0].lighter_or_equal


def test_empty_and_invalid_input() -> None:
    assert rank_recipes(TARGET, []) == []
    with pytest.raises(FieldError) as info:
        rank_recipes(TARGET, [("r1", (50, 0, 0)), ("r1", (51, 0, 0))])
    assert info.value.field == "recipe_id"
    with pytest.raises(FieldError) as info:
        rank_recipes(TARGET, [("r7", (50, float("nan"), 0))])
    assert info.value.field == "recipe r7"
    with pytest.raises(FieldError):
        rank_recipes((1, 2), [("r1", (50, 0, 0))])
    with pytest.raises(FieldError) as info:
        rank_recipes(TARGET, [], epsilon=-0.1)
    assert info.value.field == "epsilon"
    assert DEFAULT_TIE_EPSILON == 0.05


_LAB = st.tuples(
    st.floats(min_value=0, max_value=100),
    st.floats(min_value=-60, max_value=60),
    st.floats(min_value=-60, max_value=60),
)


@given(_LAB, st.lists(_LAB, max_size=8))
def test_ranking_is_a_permutation_and_respects_epsilon(target: tuple[float, float, float],
                                                       labs: list[tuple[float, float, float]]) -> None:
    candidates = [(f"r{i}", lab) for i, lab in enumerate(labs)]
    ranked = rank_recipes(target, candidates)
    assert sorted(r.recipe_id for r in ranked) == sorted(c[0] for c in candidates)
    # No candidate is ranked above another that is closer by more than epsilon.
    for i, earlier in enumerate(ranked):
        for later in ranked[i + 1:]:
            assert earlier.de00 <= later.de00 + DEFAULT_TIE_EPSILON
