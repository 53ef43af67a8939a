"""What every part of the restoration service shares: the context and vocabulary, the grading
profile, the image service, input parsing, loading a job the actor may see (for update, with the
stale-version check), the role checks of restorers and reviewers, state changes through the
workflow, the settings, and the job as plain data."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord
from guji.db.base import utcnow
from guji.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from guji.models.institution import Institution
from guji.models.user import Role, User
from guji.services import audit, versions, visibility
from guji.services.context import Actor, Changes, ServiceContext
from guji.services.permissions import can_review_at_unit
from restoration import grading, settings, workflow
from restoration.errors import FieldError, RestorationError
from restoration.models import RestorationJob, RestorationSetting
from restoration.settings import RestorationSettings
from restoration.views import JobView, Lab
from restoration.vocab import RestorationVocab, default_vocab

if TYPE_CHECKING:
    from guji.images.service import ImageService

JOB = "restoration_job"
PRIORITIES = ("low", "normal", "high", "urgent")
PHOTO_STAGES = ("before", "during", "after")
COLOUR_SOURCES = ("colorimeter", "scan")
S = workflow.JobState


# ------------------------------------------------------------------ parsing helpers

def problem(field: str, message: str, value: object = None) -> ValidationError:
    return ValidationError(FieldProblem(field, message, value))


def from_domain(exc: RestorationError, prefix: str = "") -> ValidationError:
    """A domain error as the user-facing ValidationError (field named, prefixed for nested input)."""
    if isinstance(exc, FieldError):
        return problem(prefix + exc.field, exc.message)
    return problem(prefix.rstrip(".") or "", str(exc))


def parse_decimal(value: Any, field: str, *, places: int, lo: Decimal | None = None, hi: Decimal | None = None,
                  required: bool = False) -> Decimal | None:
    """``value`` (text, int, float, Decimal, or empty) as a Decimal rounded to ``places``; range checked."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise problem(field, "a value is needed")
        return None
    if isinstance(value, bool):
        raise problem(field, f"{value!r} is not a number", value)
    try:
        import unicodedata

        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(
            unicodedata.normalize("NFKC", str(value)).strip())
    except InvalidOperation:
        raise problem(field, f"{value!r} is not a number", value) from None
    if not d.is_finite():
        raise problem(field, f"{value!r} is not a finite number", value)
    if lo is not None and d < lo:
        raise problem(field, f"{value} is below {lo}", value)
    if hi is not None and d > hi:
        raise problem(field, f"{value} is above {hi}", value)
    return d.quantize(Decimal(1).scaleb(-places))


def parse_lab(value: Sequence[Any] | None, field: str, *, required: bool = False) -> Lab | None:
    """An L*a*b* triple, each to 0.01 (colorimeters read to 0.01); L* 0–100, a*, b* −128…128."""
    if value is None:
        if required:
            raise problem(field, "a colour L*, a*, b* is needed")
        return None
    if isinstance(value, str) or len(value) != 3:
        raise problem(field, "a colour is three numbers L*, a*, b*", value)
    L = parse_decimal(value[0], field, places=2, lo=Decimal(0), hi=Decimal(100), required=True)
    a = parse_decimal(value[1], field, places=2, lo=Decimal(-128), hi=Decimal(128), required=True)
    b = parse_decimal(value[2], field, places=2, lo=Decimal(-128), hi=Decimal(128), required=True)
    assert L is not None and a is not None and b is not None
    return (L, a, b)


def stored_lab(L: Decimal | None, a: Decimal | None, b: Decimal | None) -> Lab | None:  # noqa: N803 - CIE's L*
    """The colour kept in three columns (written together by :func:`parse_lab`), None when not measured."""
    if L is None or a is None or b is None:
        return None
    return (L, a, b)


def clean_text(value: str | None, limit: int | None = None, field: str = "") -> str | None:
    t = (value or "").strip() or None
    if t is not None and limit is not None and len(t) > limit:
        raise problem(field, f"at most {limit} characters", value)
    return t


def float_lab(lab: Lab) -> tuple[float, float, float]:
    return (float(lab[0]), float(lab[1]), float(lab[2]))


class RestorationBase:
    """The ground the capability classes of :class:`restoration.service.RestorationService` stand on."""

    def __init__(self, ctx: ServiceContext, vocab: RestorationVocab | None = None,
                 profile: grading.GradingProfile | None = None, images: ImageService | None = None):
        self.ctx = ctx
        self.vocab = vocab or default_vocab()
        self._profile = profile
        self._images = images

    @property
    def images(self) -> ImageService:
        """The image service photographs go through: the one given (``app.images``), else one on the same
        context and default store (made on first use; imported late, as the images service imports the
        census service)."""
        if self._images is None:
            from guji.census.service import CensusService
            from guji.images.service import ImageService

            self._images = ImageService(self.ctx, CensusService(self.ctx))
        return self._images

    @images.setter
    def images(self, value: ImageService) -> None:
        self._images = value

    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    @property
    def profile(self) -> grading.GradingProfile:
        """The damage-grading profile in use (DA/T 64.1-2017 unless a centre profile was given)."""
        return self._profile or grading.dat64_profile()

    # ------------------------------------------------------------------ vocabulary

    def _code(self, category: str, value: str | None, field: str) -> str:
        """A vocabulary code from a code or a label (中文 or English)."""
        from guji.text.fold import fold

        v = (value or "").strip()
        for t in self.vocab.terms(category):
            if v in (t.code, t.zh, t.en):
                return t.code
        # Labels such as 补洞/补破 name two words for one operation; either word, typed in
        # traditional or simplified characters, names it.
        key = fold(v)
        for t in self.vocab.terms(category):
            if key and key in {fold(part) for part in [t.zh, *t.zh.split("/")]}:
                return t.code
        known = "、".join(t.zh for t in self.vocab.terms(category))
        raise problem(field, f"{value!r} is not in the vocabulary ({known})", value)

    def label(self, category: str, code: str | None) -> str:
        """Chinese label of a code (the code itself when unknown)."""
        if not code:
            return ""
        try:
            return self.vocab.label(category, code)
        except RestorationError:
            return code

    # ------------------------------------------------------------------ permissions and loading a job

    def _visible(self, *inst_ids: int | None) -> bool:
        return visibility.may_see(self.actor, *inst_ids)

    @staticmethod
    def _workshop(job: RestorationJob) -> int:
        """The institution whose restorers perform the job (its own, or the workshop it was sent to)."""
        return job.workshop_id if job.workshop_id is not None else job.institution_id

    def _job(self, s: Session, job_id: int, *, for_update: bool = False,
             expected_version: int | None = None) -> RestorationJob:
        """The job, visible to the actor. Write paths read it for update: on PostgreSQL every change
        to one job (its state, plan, sessions, trials, photos) then waits for the one before it,
        and sees the job as that one left it."""
        job = s.get(RestorationJob, job_id, with_for_update=for_update or None, populate_existing=for_update)
        if job is None:
            raise NotFound(f"no restoration job with id {job_id}")
        if not self._visible(job.institution_id, job.workshop_id):
            raise PermissionDenied(f"{self.actor.login} may not see restoration jobs of another institution")
        versions.check(s, job, expected_version, entity=JOB, what=job.job_number, merge=False)
        return job

    @staticmethod
    def _check_saved_version(s: Session, row: Any, expected_version: int | None, *, entity: str,
                             entity_id: int | str, what: str, actions: tuple[str, ...] | None = None) -> None:
        """Refuse a save made from a stale view of a row that may not exist yet (a plan, a setting):
        ``expected_version`` is the version the user saw, 0 when there was no row (StaleEdit otherwise)."""
        current = row.version if row is not None else 0
        if expected_version is not None and current != expected_version:
            raise versions.stale(s, entity=entity, entity_id=entity_id, what=what, current_version=current,
                                 actions=actions, merge=False)

    def _unlocked(self, job: RestorationJob) -> None:
        if job.state == S.CLOSED:
            raise Conflict(f"{job.job_number} was accepted and is locked; a reviewer must reopen it first")

    def _require_restorer(self, job: RestorationJob, action: str) -> None:
        a = self.actor
        a.require(Role.RESTORER, action=action)
        if self._workshop(job) != a.institution_id:
            raise PermissionDenied(f"{a.login} may not {action}: the job belongs to another institution")
        assigned = {r.user_id for r in job.restorers}
        if assigned and a.user_id not in assigned:
            raise PermissionDenied(f"{a.login} may not {action}: not assigned to {job.job_number}")

    def _require_reviewer(self, job: RestorationJob, action: str) -> None:
        a = self.actor
        a.require(Role.REVIEWER, action=action)
        if not (can_review_at_unit(a, job.institution_id) or can_review_at_unit(a, self._workshop(job))):
            raise PermissionDenied(f"{a.login} may not {action}: the job belongs to another institution")
        if job.reviewer_id is not None and job.reviewer_id != a.user_id and not a.at_centre:
            raise PermissionDenied(f"{a.login} may not {action}: {job.job_number} has another reviewer")

    def _move(self, s: Session, job: RestorationJob, target: workflow.JobState, *, note: str | None = None,
              action: str) -> None:
        """Change state through the workflow's rules and audit it (role checked by the caller)."""
        roles = {r.value for r in self.actor.roles if r in (Role.RESTORER, Role.REVIEWER)}
        try:
            workflow.check_transition(job.state, target, roles)
        except workflow.TransitionError as exc:
            raise Conflict(f"{job.job_number}: {exc}") from None
        before = job.state
        job.state = target.value
        audit.record(s, self.actor, action, JOB, job.id, {"state": [before, target.value]}, note=note)

    def _user(self, s: Session, login: str, role: Role, field: str) -> User:
        user = s.scalar(select(User).where(User.login == login.strip()))
        if user is None or not user.active:
            raise problem(field, f"no active user {login!r}", login)
        if role not in user.roles:
            raise problem(field, f"{login} is not a {role.label_zh} ({role.value})", login)
        return user

    def _name(self, s: Session, user_id: int | None) -> str:
        if user_id is None:
            return ""
        u = s.get(User, user_id)
        return (u.full_name or u.login) if u else f"#{user_id}"

    def _job_view(self, s: Session, job: RestorationJob) -> JobView:
        rec = s.get(CensusRecord, job.record_id)
        inst = s.get(Institution, job.institution_id)
        assert rec is not None and inst is not None
        users = [s.get(User, r.user_id) for r in job.restorers]
        rev = s.get(User, job.reviewer_id) if job.reviewer_id else None
        return JobView(
            id=job.id, job_number=job.job_number, record_id=rec.id, census_number=rec.census_number,
            title=rec.title, edition=rec.edition_statement, volumes=rec.volumes, institution_id=inst.id,
            institution_name=inst.name, state=job.state, priority=job.priority, requester=job.requester,
            restorers=tuple((u.id, u.login, u.full_name or u.login) for u in users if u is not None),
            reviewer=(rev.id, rev.login, rev.full_name or rev.login) if rev else None,
            volumes_scope=job.volumes_scope, leaves_scope=job.leaves_scope, leaves_in_scope=job.leaves_in_scope,
            opened_on=job.opened_on, due=job.due, treatment_started_on=job.treatment_started_on,
            accepted_at=job.accepted_at, returned_to_vault_at=job.returned_to_vault_at,
            vault_movement_id=job.vault_movement_id, damage_grade_suggested=job.damage_grade_suggested,
            damage_grade=job.damage_grade, damage_grade_profile=job.damage_grade_profile, note=job.note,
            locked=job.state == S.CLOSED, version=job.version)

    # ------------------------------------------------------------------ settings

    def settings(self) -> RestorationSettings:
        """The effective settings (stored values over the documented defaults)."""
        with self.ctx.read() as s:
            return self._settings(s)

    def _settings(self, s: Session) -> RestorationSettings:
        rows = {r.key: r.value for r in s.scalars(select(RestorationSetting))}
        return settings.from_rows(rows)

    def set_setting(self, key: str, value: str, *, expected_version: int | None = None) -> Changes:
        """Change a setting (administrators only); audited. ``expected_version`` is the version of the
        setting the administrator saw (0 when it was not stored yet)."""
        if not self.actor.has(Role.ADMIN):
            raise PermissionDenied(f"{self.actor.login} may not change restoration settings: needs 中心管理员 (admin)")
        try:
            text = settings.check_value(key, value)
        except FieldError as exc:
            raise from_domain(exc) from None
        with self.ctx.write() as s:
            row = s.get(RestorationSetting, key, with_for_update=True, populate_existing=True)
            self._check_saved_version(s, row, expected_version, entity="restoration_setting", entity_id=key, what=key)
            before = row.value if row else None
            if row is None:
                row = RestorationSetting(key=key, value=text)
                s.add(row)
            row.value, row.updated_by, row.updated_at = text, self.actor.user_id, utcnow()
            audit.record(s, self.actor, "update", "restoration_setting", key, {"value": [before, text]})
            return Changes.of("restoration_setting", detail_key=key)
