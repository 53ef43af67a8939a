"""Ranking dye recipes of the repair-paper library against a target colour.

Each recipe in the library has an accepted trial sheet whose colour was measured
(CIE L*a*b*).  Given the colour of the leaf to be repaired, the recipes are
ranked by CIEDE2000 distance.  Restorers choose repair paper "宁浅勿深" (lighter
rather than darker): when two recipes are practically as close (ΔE00 within a
small epsilon), the one that comes out equal or lighter than the target
(ΔL* ≥ 0) goes first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from restoration.colour import as_lab, delta_e_2000, delta_e_ab
from restoration.errors import FieldError

__all__ = ["DEFAULT_TIE_EPSILON", "RankedRecipe", "rank_recipes"]

#: ΔE00 differences below this are treated as ties.  0.05 is far below the ~1 ΔE00
#: threshold of visibility and below what repeat measurements of one sheet agree
#: to, so such a difference carries no information about which recipe is closer.
DEFAULT_TIE_EPSILON: float = 0.05


@dataclass(frozen=True, slots=True)
class RankedRecipe:
    """One candidate's distances to the target (sample = the recipe's accepted trial)."""

    rank: int  # 1-based
    recipe_id: str
    de00: float
    de_ab: float
    dL: float  # L*(trial) - L*(target): positive = lighter, as 宁浅勿深 prefers

    @property
    def lighter_or_equal(self) -> bool:
        """Whether the trial is equal to or lighter than the target (ΔL* ≥ 0)."""
        return self.dL >= 0.0


def rank_recipes(
    target_lab: Sequence[float],
    candidates: Iterable[tuple[str, Sequence[float]]],
    *,
    epsilon: float = DEFAULT_TIE_EPSILON,
) -> list[RankedRecipe]:
    """Rank ``(recipe_id, accepted_trial_lab)`` candidates by closeness to ``target_lab``.

    Order: ascending ΔE00.  Ties are resolved in groups: walking the candidates
    in ΔE00 order, a group starts at a candidate and takes every following one
    whose ΔE00 is within ``epsilon`` of that first candidate (a fixed anchor, so the
    grouping cannot chain far beyond epsilon).  Within a group, candidates with
    ΔL* ≥ 0 (equal or lighter) come before darker ones, each part in ascending
    ΔE00, then by recipe id for a stable order.  Returns a new list, ranks from 1.

    Raises :class:`FieldError` for a malformed colour, an empty or duplicate
    recipe id, or a negative/non-finite epsilon.
    """
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not (
        math.isfinite(epsilon) and epsilon >= 0
    ):
        raise FieldError("epsilon", f"tie epsilon must be a number ≥ 0, got {epsilon!r}")
    target = as_lab(target_lab, "target_lab")
    measured: list[tuple[float, float, float, str]] = []
    seen: set[str] = set()
    for recipe_id, lab in candidates:
        rid = str(recipe_id).strip() if recipe_id is not None else ""
        if not rid:
            raise FieldError("recipe_id", "each candidate needs a recipe id")
        if rid in seen:
            raise FieldError("recipe_id", f"recipe {rid} is listed twice")
        seen.add(rid)
        trial = as_lab(lab, f"recipe {rid}")
        measured.append((delta_e_2000(trial, target), delta_e_ab(trial, target), trial[0] - target[0], rid))

    measured.sort(key=lambda m: (m[0], m[3]))
    ordered: list[tuple[float, float, float, str]] = []
    start = 0
    while start < len(measured):
        anchor = measured[start][0]
        end = start + 1
        while end < len(measured) and measured[end][0] - anchor <= epsilon:
            end += 1
        group = measured[start:end]
        # False sorts before True: lighter-or-equal (dL ≥ 0) first.
        group.sort(key=lambda m: (m[2] < 0.0, m[0], m[3]))
        ordered.extend(group)
        start = end

    return [
        RankedRecipe(rank=i, recipe_id=rid, de00=de00, de_ab=de_ab, dL=dl)
        for i, (de00, de_ab, dl, rid) in enumerate(ordered, start=1)
    ]
