"""Review states of a census record (审核) and the steps between them (no database, no Qt).

A record is registered as a draft; census staff submit it; the unit's reviewer approves it
(or returns it, 返修); the provincial centre's reviewer gives the second approval (or
returns it). An approved record is locked until a reviewer reopens it, which makes it a
returned record again. Who may take a step is decided by the review service; which step
leads from which state to which is this table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ReviewState(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(state) from "ReviewState.DRAFT" into the value
    """审核 states. ``returned`` (返修) is a draft sent back with comments."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    UNIT_APPROVED = "unit_approved"
    CENTRE_APPROVED = "centre_approved"

    @property
    def label_zh(self) -> str:
        return STATE_LABELS_ZH[self]

    @property
    def editable(self) -> bool:
        """Census staff may edit only drafts and returned records; approved ones are locked."""
        return self in EDITABLE_STATES


STATE_LABELS_ZH = {
    ReviewState.DRAFT: "草稿",
    ReviewState.SUBMITTED: "已提交",
    ReviewState.RETURNED: "返修",
    ReviewState.UNIT_APPROVED: "单位已审",
    ReviewState.CENTRE_APPROVED: "中心已审",
}

EDITABLE_STATES = frozenset({ReviewState.DRAFT, ReviewState.RETURNED})


@dataclass(frozen=True)
class Step:
    """A review step: the states it may start from and the state it leads to."""

    action: str
    sources: frozenset[ReviewState]
    target: ReviewState


# The actions are the names kept in ``ReviewRound.action`` and in the audit log.
STEPS: dict[str, Step] = {s.action: s for s in (
    Step("submit", frozenset({ReviewState.DRAFT, ReviewState.RETURNED}), ReviewState.SUBMITTED),
    Step("approve_unit", frozenset({ReviewState.SUBMITTED}), ReviewState.UNIT_APPROVED),
    Step("approve_centre", frozenset({ReviewState.UNIT_APPROVED}), ReviewState.CENTRE_APPROVED),
    Step("return", frozenset({ReviewState.SUBMITTED, ReviewState.UNIT_APPROVED}), ReviewState.RETURNED),
    Step("reopen", frozenset({ReviewState.UNIT_APPROVED, ReviewState.CENTRE_APPROVED}), ReviewState.RETURNED),
)}


def may_take(action: str, state: str | ReviewState) -> bool:
    """Whether the review step ``action`` may start from ``state`` (a state or its stored value)."""
    return ReviewState(state) in STEPS[action].sources


__all__ = ["EDITABLE_STATES", "STATE_LABELS_ZH", "STEPS", "ReviewState", "Step", "may_take"]
