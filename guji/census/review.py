"""Review rounds (審核): submit, approve at unit and centre level, return for correction (返修), reopen.

Every step is kept as a :class:`ReviewRound` with the record's snapshot and the
field-level diff since the previous step, so the provincial centre can see what
changed between the version it sent back and the one it got again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from guji.census import search_index
from guji.census.models import CensusRecord, ReviewRound
from guji.census.record import FIELD_LABELS, SCALAR_FIELDS
from guji.census.states import ReviewState, may_take
from guji.census.store import ENTITY, snapshot, visible_filter
from guji.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from guji.messages import msg
from guji.models.institution import Institution
from guji.models.user import Role
from guji.services import audit, versions, visibility
from guji.services.context import Changes, ServiceContext
from guji.services.permissions import can_edit_records_of, can_review_at_centre, can_review_at_unit

COMMENTABLE_FIELDS = set(SCALAR_FIELDS) | {"authors", "seals", "annotations", "parent_census_number",
                                           "bound_with_census_number"}


@dataclass(frozen=True)
class RoundView:
    seq: int
    round_no: int
    action: str
    from_state: str
    to_state: str
    login: str
    at: Any
    comment: str | None
    field_comments: dict[str, str]
    diff: dict[str, list[Any]]


@dataclass(frozen=True)
class QueueEntry:
    institution_code: str
    institution_name: str
    state: str
    count: int


class ReviewService:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def _get(self, s: Session, record_id: int, *, for_update: bool = False,
             expected_version: int | None = None) -> CensusRecord:
        """The record (read for update when a step will change it: a second reviewer acting on
        the same record waits and then sees the state the first one left)."""
        rec = s.get(CensusRecord, record_id, with_for_update=for_update or None, populate_existing=for_update)
        if rec is None:
            raise NotFound(f"no census record with id {record_id}")
        a = self.ctx.actor
        if not visibility.may_see(a, rec.institution_id):
            raise PermissionDenied(f"{a.login} may not see records of another institution")
        versions.check(s, rec, expected_version, entity=ENTITY, what=rec.census_number, merge=False)
        return rec

    def _step(self, s: Session, rec: CensusRecord, action: str, to_state: ReviewState, comment: str | None,
              field_comments: dict[str, str] | None = None) -> Changes:
        from_state = rec.state
        snap = snapshot(rec, s)
        prev = s.scalar(select(ReviewRound).where(ReviewRound.record_id == rec.id).order_by(ReviewRound.seq.desc())
                        .limit(1))
        diff = audit.diff(prev.snapshot, snap) if prev is not None else {}
        seq = (prev.seq + 1) if prev is not None else 1
        if action == "submit":
            rec.review_round += 1
        rec.state = to_state.value
        search_index.refresh_facets(s, rec)  # the review state is a search facet
        s.add(ReviewRound(
            record_id=rec.id, seq=seq, round_no=rec.review_round, action=action, from_state=from_state,
            to_state=to_state.value, user_id=self.ctx.actor.user_id, login=self.ctx.actor.login, comment=comment,
            field_comments=dict(field_comments or {}), snapshot=snap, diff=diff,
        ))
        audit.record(s, self.ctx.actor, action, ENTITY, rec.id, {"state": [from_state, to_state.value]},
                     note=comment)
        return Changes.of(ENTITY, [rec.id], state=to_state.value)

    # --- user actions -----------------------------------------------------------------------

    def submit_for_review(self, record_id: int, comment: str | None = None, *,
                          expected_version: int | None = None) -> Changes:
        """Census staff send a draft (or a corrected returned record) to their unit's reviewer."""
        with self.ctx.write() as s:
            rec = self._get(s, record_id, for_update=True, expected_version=expected_version)
            if not can_edit_records_of(self.ctx.actor, rec.institution_id):
                raise PermissionDenied(f"{self.ctx.actor.login} may not submit records of this institution")
            if not may_take("submit", rec.state):
                raise Conflict(f"{rec.census_number} is {ReviewState(rec.state).label_zh}, not a draft")
            return self._step(s, rec, "submit", ReviewState.SUBMITTED, comment)

    def approve(self, record_id: int, comment: str | None = None, *, expected_version: int | None = None) -> Changes:
        """A unit reviewer approves a submitted record; a centre reviewer approves a unit-approved one.

        Four eyes: whoever gave the unit approval of this review round may not also give the
        centre approval, unless the approving reviewer's institution has declared that it has
        a single reviewer (``Institution.single_reviewer``, set by an administrator); such an
        approval is noted in the audit log.
        """
        with self.ctx.write() as s:
            rec = self._get(s, record_id, for_update=True, expected_version=expected_version)
            a = self.ctx.actor
            if not a.has(Role.REVIEWER):
                raise PermissionDenied(f"{a.login} may not approve records: needs the role 审核员 (reviewer)")
            if rec.state == ReviewState.SUBMITTED.value:
                if not can_review_at_unit(a, rec.institution_id):
                    raise PermissionDenied(f"{a.login} may not approve records of this institution: "
                                           "needs the role 审核员 (reviewer) of the holding institution")
                if rec.created_by == a.user_id and not a.at_centre:
                    raise PermissionDenied("a reviewer may not approve a record they registered themself")
                return self._step(s, rec, "approve_unit", ReviewState.UNIT_APPROVED, comment)
            if rec.state == ReviewState.UNIT_APPROVED.value:
                if not can_review_at_centre(a):
                    raise PermissionDenied(f"{a.login} may not give centre approval: needs a reviewer of the "
                                           "provincial centre")
                unit_approver = s.scalar(select(ReviewRound.user_id).where(
                    ReviewRound.record_id == rec.id, ReviewRound.round_no == rec.review_round,
                    ReviewRound.action == "approve_unit").order_by(ReviewRound.seq.desc()).limit(1))
                note = None
                if unit_approver is not None and unit_approver == a.user_id:
                    mine = s.get(Institution, a.institution_id) if a.institution_id is not None else None
                    if mine is None or not mine.single_reviewer:
                        raise PermissionDenied(msg("review.four_eyes", login=a.login, number=rec.census_number))
                    note = msg("review.single_reviewer_note")
                changes = self._step(s, rec, "approve_centre", ReviewState.CENTRE_APPROVED, comment)
                if note is not None:
                    audit.record(s, a, "single_reviewer", ENTITY, rec.id, {}, note=note)
                return changes
            raise Conflict(f"{rec.census_number} is {ReviewState(rec.state).label_zh}: there is nothing to approve")

    def return_for_correction(self, record_id: int, comment: str,
                              field_comments: dict[str, str] | None = None, *,
                              expected_version: int | None = None) -> Changes:
        """Send a record back (返修) with a comment and, per field, what to correct."""
        field_comments = {k: v.strip() for k, v in (field_comments or {}).items() if v and v.strip()}
        unknown = sorted(set(field_comments) - COMMENTABLE_FIELDS)
        if unknown:
            raise ValidationError([FieldProblem("field_comments", f"unknown field {f!r}") for f in unknown])
        if not (comment or "").strip() and not field_comments:
            raise ValidationError("say what must be corrected", "comment")
        with self.ctx.write() as s:
            rec = self._get(s, record_id, for_update=True, expected_version=expected_version)
            a = self.ctx.actor
            if rec.state == ReviewState.SUBMITTED.value:
                allowed = can_review_at_unit(a, rec.institution_id)
            elif rec.state == ReviewState.UNIT_APPROVED.value:
                allowed = can_review_at_centre(a)
            else:
                raise Conflict(f"{rec.census_number} is {ReviewState(rec.state).label_zh}: it is not under review")
            if not allowed:
                raise PermissionDenied(f"{a.login} may not return this record: not its reviewer")
            return self._step(s, rec, "return", ReviewState.RETURNED, comment.strip() or None, field_comments)

    def reopen(self, record_id: int, reason: str, *, expected_version: int | None = None) -> Changes:
        """Unlock an approved record for correction (a reviewer action, audited with its reason)."""
        if not (reason or "").strip():
            raise ValidationError("give the reason for reopening", "reason")
        with self.ctx.write() as s:
            rec = self._get(s, record_id, for_update=True, expected_version=expected_version)
            a = self.ctx.actor
            if rec.state == ReviewState.CENTRE_APPROVED.value:
                allowed = can_review_at_centre(a)
            elif rec.state == ReviewState.UNIT_APPROVED.value:
                allowed = can_review_at_unit(a, rec.institution_id)
            else:
                raise Conflict(f"{rec.census_number} is {ReviewState(rec.state).label_zh}, not approved")
            if not allowed:
                raise PermissionDenied(f"{a.login} may not reopen this record")
            return self._step(s, rec, "reopen", ReviewState.RETURNED, reason.strip())

    # --- reading ---------------------------------------------------------------------------

    def rounds(self, record_id: int) -> list[RoundView]:
        with self.ctx.read() as s:
            self._get(s, record_id)
            return [
                RoundView(r.seq, r.round_no, r.action, r.from_state, r.to_state, r.login, r.at, r.comment,
                          dict(r.field_comments), dict(r.diff))
                for r in s.scalars(select(ReviewRound).where(ReviewRound.record_id == record_id)
                                   .order_by(ReviewRound.seq))
            ]

    def open_field_comments(self, record_id: int) -> dict[str, str]:
        """The field comments of the latest return, while the record is being corrected."""
        with self.ctx.read() as s:
            rec = self._get(s, record_id)
            if rec.state != ReviewState.RETURNED.value:
                return {}
            last = s.scalar(select(ReviewRound).where(ReviewRound.record_id == record_id)
                            .order_by(ReviewRound.seq.desc()).limit(1))
            return dict(last.field_comments) if last is not None else {}

    def queue(self) -> list[QueueEntry]:
        """Counts per institution and state over the records the user may see (the review queue)."""
        with self.ctx.read() as s:
            stmt = (select(Institution.region_code, Institution.unit_code, Institution.name, CensusRecord.state,
                           func.count())
                    .join(Institution, Institution.id == CensusRecord.institution_id)
                    .group_by(Institution.region_code, Institution.unit_code, Institution.name, CensusRecord.state)
                    .order_by(Institution.region_code, Institution.unit_code, CensusRecord.state))
            vis = visible_filter(self.ctx.actor)
            if vis is not True:
                stmt = stmt.where(vis)
            return [QueueEntry(f"{r}-{u}", n, st, c) for r, u, n, st, c in s.execute(stmt)]

    def awaiting_me(self, limit: int = 500) -> list[int]:
        """Ids of records waiting for this user's decision: submitted ones of their unit, unit-approved
        ones if they review for the centre; returned ones of their unit if they are census staff."""
        a = self.ctx.actor
        with self.ctx.read() as s:
            conds: list[ColumnElement[bool]] = []
            if a.has(Role.REVIEWER):
                if a.at_centre:
                    conds.append(CensusRecord.state.in_([ReviewState.UNIT_APPROVED.value,
                                                         ReviewState.SUBMITTED.value]))
                else:
                    conds.append((CensusRecord.state == ReviewState.SUBMITTED.value)
                                 & (CensusRecord.institution_id == a.institution_id))
            if a.has(Role.CENSUS):
                conds.append((CensusRecord.state == ReviewState.RETURNED.value)
                             & (CensusRecord.institution_id == a.institution_id))
            if not conds:
                return []
            stmt = select(CensusRecord.id).where(or_(*conds)).order_by(CensusRecord.updated_at).limit(limit)
            return list(s.scalars(stmt))


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def state_counts(entries: list[QueueEntry]) -> Counter[str]:
    c: Counter[str] = Counter()
    for e in entries:
        c[e.state] += e.count
    return c
