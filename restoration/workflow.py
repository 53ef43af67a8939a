"""The restoration job's state machine (as data) and work-session statistics.

States follow the process GB/T 21712-2008 lays down — assess, write a plan that
is approved *before* work starts, treat, then inspection and acceptance (验收),
after which the archive is closed:

    assessment → plan → plan_approved → in_treatment → acceptance → closed

The restorer drives the work forward; the reviewer approves the plan, accepts
the result, and may send a job back one step at any stage (e.g. a plan that
needs changes, a result that fails acceptance).  A closed archive can be
reopened only by a reviewer; that transition is marked ``audited`` so that the
service layer records who reopened it and why.

Everything here is pure: the service layer checks the signed-in user's roles
with :func:`check_transition` before it writes, and owns audit and the
separation of duties (e.g. whether a reviewer may accept their own work).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext
from enum import StrEnum

from restoration.errors import FieldError, RestorationError

__all__ = [
    "TRANSITIONS",
    "JobPlan",
    "JobState",
    "JobTotals",
    "Progress",
    "RestorerMonthTotals",
    "Role",
    "Transition",
    "TransitionError",
    "TransitionKind",
    "WorkSession",
    "allowed_transitions",
    "check_transition",
    "find_transition",
    "progress",
    "totals_per_job",
    "totals_per_restorer_month",
]


class JobState(StrEnum):
    """States of a restoration job (codes of vocab category ``job_states``)."""

    ASSESSMENT = "assessment"
    PLAN = "plan"
    PLAN_APPROVED = "plan_approved"
    IN_TREATMENT = "in_treatment"
    ACCEPTANCE = "acceptance"
    CLOSED = "closed"


class Role(StrEnum):
    """Roles that may move a job (the service layer maps users to them)."""

    RESTORER = "restorer"
    REVIEWER = "reviewer"


class TransitionKind(StrEnum):
    """Forward along the process, back one step (by a reviewer), or reopening a closed archive."""

    FORWARD = "forward"
    SEND_BACK = "send_back"
    REOPEN = "reopen"


class TransitionError(RestorationError):
    """A job cannot move from ``current`` to ``target`` (no such step, or not with these roles)."""

    def __init__(self, message: str, *, current: str, target: str) -> None:
        super().__init__(message)
        self.current: str = current
        self.target: str = target


@dataclass(frozen=True, slots=True)
class Transition:
    """One allowed step: who (``role``) may move a job from ``source`` to ``target``."""

    source: JobState
    target: JobState
    role: Role
    kind: TransitionKind
    action_zh: str
    action_en: str
    audited: bool = False  # the service layer must record who did it and why


_S = JobState
_R = Role
_K = TransitionKind

#: The whole workflow.  Order: forward steps along the process, then send-backs, then reopen.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(_S.ASSESSMENT, _S.PLAN, _R.RESTORER, _K.FORWARD,
               "完成评估，制定方案", "Finish assessment, write the plan"),
    Transition(_S.PLAN, _S.PLAN_APPROVED, _R.REVIEWER, _K.FORWARD, "批准修复方案", "Approve the plan"),
    Transition(_S.PLAN_APPROVED, _S.IN_TREATMENT, _R.RESTORER, _K.FORWARD, "开始修复", "Start treatment"),
    Transition(_S.IN_TREATMENT, _S.ACCEPTANCE, _R.RESTORER, _K.FORWARD, "提交验收", "Submit for acceptance"),
    Transition(_S.ACCEPTANCE, _S.CLOSED, _R.REVIEWER, _K.FORWARD, "验收通过，结档", "Accept and close the archive"),
    Transition(_S.PLAN, _S.ASSESSMENT, _R.REVIEWER, _K.SEND_BACK, "退回重新评估", "Send back to assessment"),
    Transition(_S.PLAN_APPROVED, _S.PLAN, _R.REVIEWER, _K.SEND_BACK,
               "撤回批准，退回修改方案", "Withdraw approval, send the plan back"),
    Transition(_S.IN_TREATMENT, _S.PLAN_APPROVED, _R.REVIEWER, _K.SEND_BACK,
               "中止修复，退回方案阶段", "Stop treatment, send back to the approved plan"),
    Transition(_S.ACCEPTANCE, _S.IN_TREATMENT, _R.REVIEWER, _K.SEND_BACK,
               "验收未通过，退回修复", "Acceptance failed, send back to treatment"),
    # Reopening returns the job to acceptance, one step back like every send-back;
    # from there the reviewer can send it further back to treatment if work is needed.
    Transition(_S.CLOSED, _S.ACCEPTANCE, _R.REVIEWER, _K.REOPEN,
               "重新开启已结档案", "Reopen the closed archive", audited=True),
)


def _state(value: object, which: str) -> JobState:
    """``value`` as a JobState; ``which`` ("current"/"target") says which side is unknown."""
    try:
        return JobState(str(value))
    except ValueError:
        known = ", ".join(s.value for s in JobState)
        raise TransitionError(
            f"unknown {which} job state {value!r} (known: {known})",
            current=str(value) if which == "current" else "",
            target=str(value) if which == "target" else "",
        ) from None


def _roles(roles: Iterable[str] | str) -> frozenset[str]:
    if isinstance(roles, str):
        # A bare string is almost certainly one role, not an iterable of characters.
        return frozenset({roles})
    return frozenset(str(r) for r in roles)


def find_transition(current: JobState | str, target: JobState | str) -> Transition | None:
    """The workflow step from ``current`` to ``target``, or None if there is none (no role check)."""
    src = _state(current, "current")
    dst = _state(target, "target")
    for transition in TRANSITIONS:
        if transition.source == src and transition.target == dst:
            return transition
    return None


def allowed_transitions(current: JobState | str, roles: Iterable[str] | str | None = None) -> list[Transition]:
    """Steps out of ``current``; with ``roles`` given, only those a holder of one of them may take."""
    src = _state(current, "current")
    held = None if roles is None else _roles(roles)
    return [t for t in TRANSITIONS if t.source == src and (held is None or t.role.value in held)]


def check_transition(current: JobState | str, target: JobState | str, roles: Iterable[str] | str) -> None:
    """Return None if a user holding ``roles`` may move a job from ``current`` to ``target``.

    Otherwise raise :class:`TransitionError` saying why: unknown state, no change,
    no such step (listing the steps that exist from ``current``), or the role the
    step needs.  Roles other than restorer/reviewer are ignored.
    """
    src = _state(current, "current")
    dst = _state(target, "target")
    if src == dst:
        raise TransitionError(f"the job is already in state '{src.value}'", current=src.value, target=dst.value)
    transition = find_transition(src, dst)
    if transition is None:
        options = allowed_transitions(src)
        listed = "; ".join(f"'{t.target.value}' ({t.action_en}, {t.role.value})" for t in options)
        raise TransitionError(
            f"a job cannot go from '{src.value}' to '{dst.value}'; from '{src.value}' it can go to: {listed}",
            current=src.value,
            target=dst.value,
        )
    held = _roles(roles)
    if transition.role.value not in held:
        have = ", ".join(sorted(held)) if held else "no role"
        raise TransitionError(
            f"'{transition.action_en}' ({src.value} → {dst.value}) needs the {transition.role.value} role; "
            f"the user has {have}",
            current=src.value,
            target=dst.value,
        )
    return None


# ---------------------------------------------------------------------------
# Work-session statistics

_MAX_SESSION_HOURS = Decimal(24)


def _hours(value: object) -> Decimal:
    if isinstance(value, bool):
        raise FieldError("hours", f"{value!r} is not a number of hours")
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise FieldError("hours", f"{value!r} is not a finite number")
            hours = Decimal(repr(value))
        else:
            hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldError("hours", f"{value!r} is not a number of hours") from None
    if not hours.is_finite() or hours < 0 or hours > _MAX_SESSION_HOURS:
        raise FieldError("hours", f"hours of one session must be between 0 and 24, got {value!r}")
    return hours


@dataclass(frozen=True, slots=True)
class WorkSession:
    """One working session on a job: who, when, how long, how many leaves."""

    job_id: str
    restorer: str
    day: date
    hours: Decimal
    leaves: int
    operations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not str(self.job_id).strip():
            raise FieldError("job_id", "a session belongs to a job")
        if not str(self.restorer).strip():
            raise FieldError("restorer", "a session needs the restorer's name")
        if not isinstance(self.day, date):
            raise FieldError("day", f"expected a date, got {self.day!r}")
        object.__setattr__(self, "hours", _hours(self.hours))
        if isinstance(self.leaves, bool) or not isinstance(self.leaves, int) or self.leaves < 0:
            raise FieldError("leaves", f"leaves must be a whole number ≥ 0, got {self.leaves!r}")
        object.__setattr__(self, "operations", tuple(self.operations))


def _per_hour(leaves: int, hours: Decimal) -> Decimal | None:
    if hours == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(leaves) / hours


@dataclass(frozen=True, slots=True)
class JobTotals:
    """Sums over a job's sessions; ``leaves_per_hour`` is None when no hours were logged."""

    job_id: str
    sessions: int
    hours: Decimal
    leaves: int
    leaves_per_hour: Decimal | None
    first_day: date
    last_day: date
    restorers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RestorerMonthTotals:
    """Sums over one restorer's sessions in one calendar month."""

    restorer: str
    year: int
    month: int
    sessions: int
    hours: Decimal
    leaves: int
    leaves_per_hour: Decimal | None
    jobs: tuple[str, ...]


def totals_per_job(sessions: Iterable[WorkSession]) -> list[JobTotals]:
    """Hours, leaves, sessions and leaves per hour for each job, sorted by job id."""
    grouped: dict[str, list[WorkSession]] = {}
    for s in sessions:
        grouped.setdefault(s.job_id, []).append(s)
    out: list[JobTotals] = []
    for job_id in sorted(grouped):
        items = grouped[job_id]
        hours = sum((s.hours for s in items), Decimal(0))
        leaves = sum(s.leaves for s in items)
        out.append(
            JobTotals(
                job_id=job_id,
                sessions=len(items),
                hours=hours,
                leaves=leaves,
                leaves_per_hour=_per_hour(leaves, hours),
                first_day=min(s.day for s in items),
                last_day=max(s.day for s in items),
                restorers=tuple(sorted({s.restorer for s in items})),
            )
        )
    return out


def totals_per_restorer_month(sessions: Iterable[WorkSession]) -> list[RestorerMonthTotals]:
    """Hours, leaves and leaves per hour per restorer and calendar month, sorted by (restorer, year, month)."""
    grouped: dict[tuple[str, int, int], list[WorkSession]] = {}
    for s in sessions:
        grouped.setdefault((s.restorer, s.day.year, s.day.month), []).append(s)
    out: list[RestorerMonthTotals] = []
    for key in sorted(grouped):
        items = grouped[key]
        hours = sum((s.hours for s in items), Decimal(0))
        leaves = sum(s.leaves for s in items)
        out.append(
            RestorerMonthTotals(
                restorer=key[0],
                year=key[1],
                month=key[2],
                sessions=len(items),
                hours=hours,
                leaves=leaves,
                leaves_per_hour=_per_hour(leaves, hours),
                jobs=tuple(sorted({s.job_id for s in items})),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class JobPlan:
    """What the approved treatment plan foresees: leaves to treat and, optionally, hours."""

    job_id: str
    planned_leaves: int
    planned_hours: Decimal | None = None

    def __post_init__(self) -> None:
        leaves = self.planned_leaves
        if isinstance(leaves, bool) or not isinstance(leaves, int) or leaves < 0:
            raise FieldError("planned_leaves", f"planned leaves must be a whole number ≥ 0, got {leaves!r}")
        if self.planned_hours is not None:
            try:
                hours = Decimal(repr(self.planned_hours)) if isinstance(self.planned_hours, float) else Decimal(
                    str(self.planned_hours)
                )
            except InvalidOperation:
                raise FieldError("planned_hours", f"{self.planned_hours!r} is not a number of hours") from None
            if not hours.is_finite() or hours < 0:
                raise FieldError("planned_hours", f"planned hours must be ≥ 0, got {self.planned_hours!r}")
            object.__setattr__(self, "planned_hours", hours)


@dataclass(frozen=True, slots=True)
class Progress:
    """Work done against the plan.

    ``fraction_leaves`` / ``fraction_hours`` are done ÷ planned (may exceed 1;
    None when nothing was planned).  ``remaining_leaves`` never goes below 0.
    ``projected_hours`` extrapolates hours so far to all planned leaves at the
    rate achieved (None until some leaves are done).
    """

    job_id: str
    planned_leaves: int
    done_leaves: int
    remaining_leaves: int
    fraction_leaves: Decimal | None
    planned_hours: Decimal | None
    hours: Decimal
    fraction_hours: Decimal | None
    projected_hours: Decimal | None
    over_hours: bool = field(default=False)


def progress(plan: JobPlan, sessions: Iterable[WorkSession]) -> Progress:
    """Compare the sessions of ``plan.job_id`` (others are ignored) with the plan."""
    mine = [s for s in sessions if s.job_id == plan.job_id]
    done = sum(s.leaves for s in mine)
    hours = sum((s.hours for s in mine), Decimal(0))
    with localcontext() as ctx:
        ctx.prec = 28
        fraction_leaves = Decimal(done) / Decimal(plan.planned_leaves) if plan.planned_leaves else None
        fraction_hours = (
            hours / plan.planned_hours if plan.planned_hours is not None and plan.planned_hours != 0 else None
        )
        projected = hours / Decimal(done) * Decimal(plan.planned_leaves) if done else None
    return Progress(
        job_id=plan.job_id,
        planned_leaves=plan.planned_leaves,
        done_leaves=done,
        remaining_leaves=max(plan.planned_leaves - done, 0),
        fraction_leaves=fraction_leaves,
        planned_hours=plan.planned_hours,
        hours=hours,
        fraction_hours=fraction_hours,
        projected_hours=projected,
        over_hours=plan.planned_hours is not None and hours > plan.planned_hours,
    )
