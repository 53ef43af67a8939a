"""The restoration job state machine and session statistics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from restoration.errors import FieldError, RestorationError
from restoration.vocab import default_vocab
from restoration.workflow import (
    TRANSITIONS,
    JobPlan,
    JobState,
    Role,
    TransitionError,
    TransitionKind,
    WorkSession,
    allowed_transitions,
    check_transition,
    find_transition,
    progress,
    totals_per_job,
    totals_per_restorer_month,
)

R = {"restorer"}
V = {"reviewer"}

FORWARD = [
    ("assessment", "plan", R),
    ("plan", "plan_approved", V),
    ("plan_approved", "in_treatment", R),
    ("in_treatment", "acceptance", R),
    ("acceptance", "closed", V),
]
SEND_BACK = [
    ("plan", "assessment"),
    ("plan_approved", "plan"),
    ("in_treatment", "plan_approved"),
    ("acceptance", "in_treatment"),
]


def test_states_match_vocabulary() -> None:
    assert list(default_vocab().codes("job_states")) == [s.value for s in JobState]


@pytest.mark.parametrize("current, target, roles", FORWARD)
def test_forward_steps_by_the_right_role(current: str, target: str, roles: set[str]) -> None:
    assert check_transition(current, target, roles) is None
    other = V if roles == R else R
    with pytest.raises(TransitionError) as info:
        check_transition(current, target, other)
    assert f"needs the {next(iter(roles))} role" in str(info.value)
    assert info.value.current == current and info.value.target == target


@pytest.mark.parametrize("current, target", SEND_BACK)
def test_reviewer_sends_back_one_step(current: str, target: str) -> None:
    assert check_transition(current, target, V) is None
    with pytest.raises(TransitionError, match="reviewer"):
        check_transition(current, target, R)
    t = find_transition(current, target)
    assert t is not None and t.kind is TransitionKind.SEND_BACK


def test_reopen_is_reviewer_only_and_audited() -> None:
    check_transition(JobState.CLOSED, JobState.ACCEPTANCE, [Role.REVIEWER])
    with pytest.raises(TransitionError):
        check_transition("closed", "acceptance", R)
    t = find_transition("closed", "acceptance")
    assert t is not None and t.kind is TransitionKind.REOPEN and t.audited
    assert [x for x in TRANSITIONS if x.audited] == [t]


@pytest.mark.parametrize(
    "current, target",
    [
        ("assessment", "closed"),
        ("assessment", "in_treatment"),
        ("plan", "in_treatment"),  # no work before the plan is approved
        ("in_treatment", "closed"),  # no closing without acceptance
        ("closed", "assessment"),
        ("acceptance", "plan"),  # send-backs go one step only
    ],
)
def test_illegal_jumps_list_the_real_options(current: str, target: str) -> None:
    with pytest.raises(TransitionError) as info:
        check_transition(current, target, {"restorer", "reviewer"})
    message = str(info.value)
    assert f"cannot go from '{current}' to '{target}'" in message
    for t in allowed_transitions(current):
        assert f"'{t.target.value}'" in message
    assert isinstance(info.value, RestorationError)


def test_same_state_and_unknown_states() -> None:
    with pytest.raises(TransitionError, match="already"):
        check_transition("plan", "plan", V)
    with pytest.raises(TransitionError, match="unknown current job state 'draft'"):
        check_transition("draft", "plan", R)
    with pytest.raises(TransitionError, match="unknown target job state 'done'"):
        check_transition("acceptance", "done", V)


def test_roles_may_be_a_single_string_and_extra_roles_are_ignored() -> None:
    check_transition("assessment", "plan", "restorer")
    check_transition("assessment", "plan", ["census_editor", "restorer"])
    with pytest.raises(TransitionError, match="no role"):
        check_transition("assessment", "plan", [])


def test_allowed_transitions_by_role() -> None:
    assert [t.target for t in allowed_transitions("acceptance", V)] == [JobState.CLOSED, JobState.IN_TREATMENT]
    assert allowed_transitions("acceptance", R) == []
    assert [t.target for t in allowed_transitions("in_treatment", R)] == [JobState.ACCEPTANCE]


def test_every_state_reachable_and_every_step_back_is_one_step() -> None:
    order = list(JobState)
    for t in TRANSITIONS:
        step = order.index(t.target) - order.index(t.source)
        if t.kind is TransitionKind.FORWARD:
            assert step == 1
        else:
            assert step == -1 and t.role is Role.REVIEWER


# --- sessions -------------------------------------------------------------


def _sessions() -> list[WorkSession]:
    return [
        WorkSession("J2", "李", date(2024, 3, 30), Decimal("3.5"), 7, ("infill",)),
        WorkSession("J1", "王", date(2024, 3, 1), Decimal("2"), 10),
        WorkSession("J1", "王", date(2024, 3, 2), 1.5, 5),
        WorkSession("J1", "李", date(2024, 4, 2), "4", 0),
        WorkSession("J2", "李", date(2024, 4, 1), Decimal("0.5"), 1),
    ]


def test_totals_per_job() -> None:
    totals = totals_per_job(_sessions())
    assert [t.job_id for t in totals] == ["J1", "J2"]
    j1 = totals[0]
    assert j1.sessions == 3 and j1.hours == Decimal("7.5") and j1.leaves == 15
    assert j1.leaves_per_hour == Decimal(2)
    assert j1.first_day == date(2024, 3, 1) and j1.last_day == date(2024, 4, 2)
    assert j1.restorers == ("李", "王")
    assert totals[1].hours == Decimal("4.0") and totals[1].leaves == 8


def test_totals_per_restorer_month() -> None:
    rows = totals_per_restorer_month(_sessions())
    assert [(r.restorer, r.year, r.month) for r in rows] == [("李", 2024, 3), ("李", 2024, 4), ("王", 2024, 3)]
    li_april = rows[1]
    assert li_april.hours == Decimal("4.5") and li_april.leaves == 1 and li_april.jobs == ("J1", "J2")
    assert rows[2].leaves_per_hour == Decimal(15) / Decimal("3.5")


def test_zero_hours_gives_no_rate() -> None:
    totals = totals_per_job([WorkSession("J", "王", date(2024, 1, 1), 0, 3)])
    assert totals[0].leaves_per_hour is None
    assert totals_per_job([]) == []


def test_progress_against_plan() -> None:
    p = progress(JobPlan("J1", 60, Decimal("20")), _sessions())
    assert p.done_leaves == 15 and p.remaining_leaves == 45
    assert p.fraction_leaves == Decimal("0.25")
    assert p.hours == Decimal("7.5") and p.fraction_hours == Decimal("0.375")
    assert p.projected_hours == Decimal("30") and p.over_hours is False

    over = progress(JobPlan("J1", 10, 5), _sessions())
    assert over.remaining_leaves == 0 and over.fraction_leaves == Decimal("1.5") and over.over_hours

    nothing = progress(JobPlan("J9", 0), _sessions())
    assert nothing.fraction_leaves is None and nothing.projected_hours is None and nothing.fraction_hours is None


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"hours": -1}, "hours"),
        ({"hours": 25}, "hours"),
        ({"hours": float("nan")}, "hours"),
        ({"hours": "two"}, "hours"),
        ({"leaves": -3}, "leaves"),
        ({"leaves": 2.5}, "leaves"),
        ({"job_id": " "}, "job_id"),
        ({"restorer": ""}, "restorer"),
        ({"day": "2024-01-01"}, "day"),
    ],
)
def test_bad_sessions_rejected(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"job_id": "J", "restorer": "王", "day": date(2024, 1, 1), "hours": 1, "leaves": 1}
    args.update(kwargs)
    with pytest.raises(FieldError) as info:
        WorkSession(**args)  # type: ignore[arg-type]
    assert info.value.field == field


def test_bad_plans_rejected() -> None:
    with pytest.raises(FieldError):
        JobPlan("J", -1)
    with pytest.raises(FieldError):
        JobPlan("J", 10, Decimal("-2"))
