"""The restoration archive's user actions (``app.restoration``).

Every method is one user action: it checks the actor's role and institution,
writes in one short transaction, appends audit rows in the same transaction and
returns plain data (:mod:`restoration.views`). Domain rules come from the pure
modules: state changes through :func:`restoration.workflow.check_transition`,
pH validation and statistics from :mod:`restoration.ph`, damage grades from
:mod:`restoration.grading`, colour differences from :mod:`restoration.colour`,
recipe ranking from :mod:`restoration.recipes`.

Role rules (besides the workflow's own):

* only restorers record assessments, confirm the damage grade, write the plan,
  record pH sets, recipes, trials and sessions; when a job has assigned
  restorers, only they may;
* only reviewers (of the job's institution, or of the provincial centre; the
  job's named reviewer when one is set) approve plans, send back, accept and reopen;
* jobs, materials and recipes are scoped by institution as census records are:
  a unit sees its own, the centre sees all; only the unit's own staff write;
* a closed (accepted) job is locked: nothing can be written to it until a
  reviewer reopens it, which is audited with the reason.

Photographs are stored images: the file goes into the content-addressed image
store through ``app.images`` (whose validation refuses empty, corrupt, hostile or
over-large files), is attached to the job there (``job_image``) and recorded here
(``restoration_photo``, naming the image by its SHA-256), all in one transaction;
assessments and sessions may only cite images the store holds.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord, VaultMovement
from guji.db.base import utcnow
from guji.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from guji.models.institution import Institution
from guji.models.user import Role, User
from guji.messages import msg
from guji.services import audit, versions, visibility
from guji.services.context import Actor, Changes, ServiceContext
from guji.services.permissions import can_review_at_unit
from restoration import colour, grading, ph, recipes, settings, workflow
from restoration.errors import FieldError, RestorationError
from restoration.models import (
    Acceptance,
    Assessment,
    AssessmentFinding,
    JobRestorer,
    Material,
    Photo,
    PhPointRow,
    PhSetRow,
    Plan,
    PlanMaterial,
    Recipe,
    RepairSession,
    RestorationJob,
    RestorationSetting,
    SessionMaterial,
    StockMove,
    Trial,
)
from restoration.views import (
    AcceptanceView,
    AssessmentInput,
    AssessmentView,
    FindingView,
    GradeView,
    JobArchive,
    JobRow,
    JobView,
    Lab,
    MaterialInput,
    MaterialView,
    PhotoView,
    PhPointView,
    PhSetInput,
    PhSetView,
    PlanInput,
    PlanMaterialView,
    PlanView,
    RecipeInput,
    RecipeMatch,
    RecipeView,
    SessionInput,
    SessionMaterialView,
    SessionView,
    TrialInput,
    TrialView,
)
from restoration.vocab import RestorationVocab, default_vocab

if TYPE_CHECKING:
    from guji.images.service import AttachedImage, ImageService

JOB = "restoration_job"
PRIORITIES = ("low", "normal", "high", "urgent")
PHOTO_STAGES = ("before", "during", "after")
COLOUR_SOURCES = ("colorimeter", "scan")
S = workflow.JobState


# ------------------------------------------------------------------ parsing helpers

def _problem(field: str, message: str, value: object = None) -> ValidationError:
    return ValidationError(FieldProblem(field, message, value))


def _from_domain(exc: RestorationError, prefix: str = "") -> ValidationError:
    """A domain error as the user-facing ValidationError (field named, prefixed for nested input)."""
    if isinstance(exc, FieldError):
        return _problem(prefix + exc.field, exc.message)
    return _problem(prefix.rstrip(".") or "", str(exc))


def _decimal(value: Any, field: str, *, places: int, lo: Decimal | None = None, hi: Decimal | None = None,
             required: bool = False) -> Decimal | None:
    """``value`` (text, int, float, Decimal, or empty) as a Decimal rounded to ``places``; range checked."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _problem(field, "a value is needed")
        return None
    if isinstance(value, bool):
        raise _problem(field, f"{value!r} is not a number", value)
    try:
        import unicodedata

        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(
            unicodedata.normalize("NFKC", str(value)).strip())
    except InvalidOperation:
        raise _problem(field, f"{value!r} is not a number", value) from None
    if not d.is_finite():
        raise _problem(field, f"{value!r} is not a finite number", value)
    if lo is not None and d < lo:
        raise _problem(field, f"{value} is below {lo}", value)
    if hi is not None and d > hi:
        raise _problem(field, f"{value} is above {hi}", value)
    return d.quantize(Decimal(1).scaleb(-places))


def _lab(value: Sequence[Any] | None, field: str, *, required: bool = False) -> Lab | None:
    """An L*a*b* triple, each to 0.01 (colorimeters read to 0.01); L* 0–100, a*, b* −128…128."""
    if value is None:
        if required:
            raise _problem(field, "a colour L*, a*, b* is needed")
        return None
    if isinstance(value, str) or len(value) != 3:
        raise _problem(field, "a colour is three numbers L*, a*, b*", value)
    L = _decimal(value[0], field, places=2, lo=Decimal(0), hi=Decimal(100), required=True)
    a = _decimal(value[1], field, places=2, lo=Decimal(-128), hi=Decimal(128), required=True)
    b = _decimal(value[2], field, places=2, lo=Decimal(-128), hi=Decimal(128), required=True)
    assert L is not None and a is not None and b is not None
    return (L, a, b)


def _text(value: str | None, limit: int | None = None, field: str = "") -> str | None:
    t = (value or "").strip() or None
    if t is not None and limit is not None and len(t) > limit:
        raise _problem(field, f"at most {limit} characters", value)
    return t


def _float_lab(lab: Lab) -> tuple[float, float, float]:
    return (float(lab[0]), float(lab[1]), float(lab[2]))


class RestorationService:
    """``app.restoration``: jobs, assessments, plans, pH, dyeing, materials, sessions, acceptance."""

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
        raise _problem(field, f"{value!r} is not in the vocabulary ({known})", value)

    def label(self, category: str, code: str | None) -> str:
        """Chinese label of a code (the code itself when unknown)."""
        if not code:
            return ""
        try:
            return self.vocab.label(category, code)
        except RestorationError:
            return code

    # ------------------------------------------------------------------ permissions

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
            raise _problem(field, f"no active user {login!r}", login)
        if role not in user.roles:
            raise _problem(field, f"{login} is not a {role.label_zh} ({role.value})", login)
        return user

    def _name(self, s: Session, user_id: int | None) -> str:
        if user_id is None:
            return ""
        u = s.get(User, user_id)
        return (u.full_name or u.login) if u else f"#{user_id}"

    # ------------------------------------------------------------------ settings

    def settings(self) -> settings.RestorationSettings:
        """The effective settings (stored values over the documented defaults)."""
        with self.ctx.read() as s:
            return self._settings(s)

    def _settings(self, s: Session) -> settings.RestorationSettings:
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
            raise _from_domain(exc) from None
        with self.ctx.write() as s:
            row = s.get(RestorationSetting, key, with_for_update=True, populate_existing=True)
            if expected_version is not None and (row.version if row else 0) != expected_version:
                raise versions.stale(s, entity="restoration_setting", entity_id=key, what=key,
                                     current_version=row.version if row else 0, merge=False)
            before = row.value if row else None
            if row is None:
                row = RestorationSetting(key=key, value=text)
                s.add(row)
            row.value, row.updated_by, row.updated_at = text, self.actor.user_id, utcnow()
            audit.record(s, self.actor, "update", "restoration_setting", key, {"value": [before, text]})
            return Changes.of("restoration_setting", detail_key=key)

    # ------------------------------------------------------------------ jobs

    def _next_job_number(self, s: Session, prefix: str, year: int) -> str:
        stem = f"{prefix}-{year}-"
        numbers = s.scalars(select(RestorationJob.job_number).where(RestorationJob.job_number.like(stem + "%")))
        top = 0
        for n in numbers:
            tail = n[len(stem):]
            if tail.isdigit():
                top = max(top, int(tail))
        return f"{stem}{top + 1:04d}"

    def open_job(self, record_id: int, *, requester: str, priority: str = "normal",
                 restorers: Iterable[str] = (), reviewer: str | None = None, volumes_scope: str | None = None,
                 leaves_scope: str | None = None, leaves_in_scope: int | None = None, due: dt.date | None = None,
                 job_number: str | None = None, location: str | None = None, note: str | None = None) -> JobView:
        """Open a restoration archive for a census record and check the item out of the vault
        (purpose restoration) in the same transaction.

        Restorers and reviewers of the record's institution (and administrators) open jobs.
        A book its holding institution sent to another institution's workshop (送修, an open vault
        movement to that institution: ``app.vault.send_for_restoration``) is opened by that
        workshop's restorers or reviewers instead; the job then uses that movement, is performed
        by the workshop, and both institutions see it.
        ``restorers`` are logins of restorers of the performing institution (default: the actor,
        when a restorer); ``reviewer`` a reviewer's login. Raises ValidationError (bad input),
        Conflict (item already out of the vault, job number taken); nothing is written then.
        """
        a = self.actor
        if not a.has(Role.RESTORER, Role.REVIEWER, Role.ADMIN):
            raise PermissionDenied(f"{a.login} may not open restoration jobs: needs 修复师 or 审核员")
        requester_t = _text(requester, 200, "requester")
        if requester_t is None:
            raise _problem("requester", "say who requested the treatment")
        if priority not in PRIORITIES:
            raise _problem("priority", f"priority is one of {', '.join(PRIORITIES)}", priority)
        if leaves_in_scope is not None and (isinstance(leaves_in_scope, bool) or leaves_in_scope < 0):
            raise _problem("leaves_in_scope", "a whole number ≥ 0", leaves_in_scope)
        try:
            with self.ctx.write() as s:
                rec = s.get(CensusRecord, record_id, with_for_update=True, populate_existing=True)
                if rec is None:
                    raise NotFound(f"no census record with id {record_id}")
                sent = s.scalar(select(VaultMovement).where(
                    VaultMovement.record_id == rec.id, VaultMovement.returned_at.is_(None),
                    VaultMovement.purpose == "restoration", VaultMovement.to_institution_id.is_not(None)))
                if sent is not None:
                    workshop: int | None = sent.to_institution_id
                    if not (a.has(Role.ADMIN) or workshop == a.institution_id):
                        raise PermissionDenied(msg("restoration.sent_elsewhere", login=a.login,
                                                   number=rec.census_number))
                elif a.has(Role.ADMIN) or rec.institution_id == a.institution_id:
                    workshop = None
                else:
                    raise PermissionDenied(f"{a.login} may not open jobs on records of another institution")
                performer = workshop if workshop is not None else rec.institution_id
                cfg = self._settings(s)
                number = _text(job_number, 40, "job_number") or self._next_job_number(
                    s, cfg.job_prefix, dt.date.today().year)
                if s.scalar(select(RestorationJob.id).where(RestorationJob.job_number == number)):
                    raise _problem("job_number", f"{number} is already used", number)
                logins = [x for x in restorers if x and x.strip()]
                if not logins and a.has(Role.RESTORER):
                    logins = [a.login]
                users = []
                for login in logins:
                    u = self._user(s, login, Role.RESTORER, "restorers")
                    if u.institution_id != performer:
                        raise _problem("restorers", f"{login} works for another institution", login)
                    users.append(u)
                rev = self._user(s, reviewer, Role.REVIEWER, "reviewer") if reviewer else None
                job = RestorationJob(
                    job_number=number, record_id=rec.id, institution_id=rec.institution_id, workshop_id=workshop,
                    requester=requester_t,
                    priority=priority, reviewer_id=rev.id if rev else None, state=S.ASSESSMENT.value,
                    volumes_scope=_text(volumes_scope, 200, "volumes_scope"),
                    leaves_scope=_text(leaves_scope, 200, "leaves_scope"), leaves_in_scope=leaves_in_scope,
                    opened_on=dt.date.today(), due=due, note=_text(note), created_by=a.user_id)
                job.restorers = [JobRestorer(user_id=u.id) for u in users]
                s.add(job)
                s.flush()
                if sent is not None:
                    m = sent  # the book is already out: sent to this workshop by its holder
                else:
                    from guji.census.vault import VaultService

                    to_whom = "、".join(u.full_name or u.login for u in users) or requester_t
                    m = VaultService(self.ctx).check_out_in(s, rec.id, "restoration", to_whom, due=due,
                                                            location=location or "修复室", note=f"修复档案 {number}")
                job.vault_movement_id = m.id
                audit.record_create(s, a, JOB, job.id, {
                    "job_number": number, "record": rec.census_number, "requester": requester_t,
                    "priority": priority, "restorers": [u.login for u in users],
                    "reviewer": rev.login if rev else None, "volumes_scope": job.volumes_scope,
                    "leaves_scope": job.leaves_scope, "leaves_in_scope": leaves_in_scope,
                    "due": due.isoformat() if due else None, "vault_movement": m.id, "workshop": workshop})
                s.flush()
                return self._job_view(s, job)
        except IntegrityError:
            raise Conflict("the job number was taken at the same moment; try again") from None

    def assign(self, job_id: int, *, restorers: Iterable[str] | None = None, reviewer: str | None = None,
               priority: str | None = None, due: dt.date | None = None,
               expected_version: int | None = None) -> JobView:
        """Assign restorers and/or the reviewer, change priority or due date (reviewers and administrators)."""
        a = self.actor
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            if not (a.has(Role.ADMIN) or (a.has(Role.REVIEWER) and can_review_at_unit(a, self._workshop(job)))):
                raise PermissionDenied(f"{a.login} may not assign restoration jobs: needs 审核员 or 中心管理员")
            self._unlocked(job)
            before = self._assign_snapshot(s, job)
            if restorers is not None:
                users = []
                for login in restorers:
                    u = self._user(s, login, Role.RESTORER, "restorers")
                    if u.institution_id != self._workshop(job):
                        raise _problem("restorers", f"{login} works for another institution", login)
                    users.append(u)
                job.restorers = [JobRestorer(user_id=u.id) for u in users]
            if reviewer is not None:
                job.reviewer_id = self._user(s, reviewer, Role.REVIEWER, "reviewer").id if reviewer else None
            if priority is not None:
                if priority not in PRIORITIES:
                    raise _problem("priority", f"priority is one of {', '.join(PRIORITIES)}", priority)
                job.priority = priority
            if due is not None:
                job.due = due
            s.flush()
            audit.record_update(s, a, JOB, job.id, before, self._assign_snapshot(s, job), action="assign")
            return self._job_view(s, job)

    def _assign_snapshot(self, s: Session, job: RestorationJob) -> dict[str, Any]:
        logins = sorted(s.scalars(select(User.login).where(User.id.in_([r.user_id for r in job.restorers]))))
        rev = s.get(User, job.reviewer_id) if job.reviewer_id else None
        return {"restorers": logins, "reviewer": rev.login if rev else None, "priority": job.priority,
                "due": job.due.isoformat() if job.due else None}

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

    def get_job(self, job_id: int) -> JobView:
        with self.ctx.read() as s:
            return self._job_view(s, self._job(s, job_id))

    def find_job(self, job_number: str) -> JobView:
        """The job with this number (as printed on the archive)."""
        with self.ctx.read() as s:
            jid = s.scalar(select(RestorationJob.id).where(RestorationJob.job_number == job_number.strip()))
            if jid is None:
                raise NotFound(f"no restoration job {job_number}")
            return self._job_view(s, self._job(s, jid))

    def list_jobs(self, *, state: str | None = None, restorer: str | None = None,
                  institution_id: int | None = None, limit: int = 1000) -> list[JobRow]:
        """Jobs the actor may see, newest first, filtered by state, restorer login, institution."""
        with self.ctx.read() as s:
            stmt = (select(RestorationJob, CensusRecord, Institution)
                    .join(CensusRecord, CensusRecord.id == RestorationJob.record_id)
                    .join(Institution, Institution.id == RestorationJob.institution_id)
                    .order_by(RestorationJob.id.desc()).limit(limit))
            vis = visibility.condition(self.actor, RestorationJob.institution_id, RestorationJob.workshop_id)
            if vis is not True:
                stmt = stmt.where(vis)
            if state:
                stmt = stmt.where(RestorationJob.state == state)
            if institution_id:
                stmt = stmt.where(RestorationJob.institution_id == institution_id)
            if restorer:
                uid = s.scalar(select(User.id).where(User.login == restorer))
                stmt = stmt.where(RestorationJob.id.in_(
                    select(JobRestorer.job_id).where(JobRestorer.user_id == (uid or -1))))
            rows = []
            logins = dict(s.execute(select(User.id, User.login)).all())
            for job, rec, inst in s.execute(stmt):
                rows.append(JobRow(
                    id=job.id, job_number=job.job_number, record_id=rec.id, census_number=rec.census_number,
                    title=rec.title, institution_id=inst.id, institution_name=inst.name, state=job.state,
                    priority=job.priority, requester=job.requester,
                    restorers=tuple(logins.get(r.user_id, "?") for r in job.restorers),
                    reviewer=logins.get(job.reviewer_id) if job.reviewer_id else None, opened_on=job.opened_on,
                    due=job.due, damage_grade=job.damage_grade))
            return rows

    # ------------------------------------------------------------------ assessment and damage grade

    def _findings(self, items: Sequence[tuple[str, str, Any]]) -> list[grading.Finding]:
        out = []
        for i, item in enumerate(items):
            if len(item) != 3:
                raise _problem(f"findings[{i}]", "a finding is (damage type, metric, value)", item)
            dtype = self._code("damage_types", item[0], f"findings[{i}].damage_type")
            metric = (item[1] or "").strip() if isinstance(item[1], str) else item[1]
            try:
                out.append(grading.Finding.create(dtype, metric, item[2]))
            except FieldError as exc:
                raise _from_domain(exc, f"findings[{i}].") from None
        return out

    def record_assessment(self, job_id: int, data: AssessmentInput) -> AssessmentView:
        """Record a condition assessment (restorers; job in assessment or plan).

        Validates findings against the damage vocabulary and metric ranges, fibre
        composition (codes, percentages adding to 100), thickness, colour and its
        source/illuminant; stores the suggestion of the grading profile on the job.
        """
        findings = self._findings(data.findings)
        fibres: list[dict[str, str]] = []
        for i, (fib, pct) in enumerate(data.fibres):
            code = self._code("fibres", fib, f"fibres[{i}].fibre")
            p = _decimal(pct, f"fibres[{i}].percent", places=1, lo=Decimal(0), hi=Decimal(100), required=True)
            fibres.append({"fibre": code, "percent": str(p)})
        if fibres and sum(Decimal(f["percent"]) for f in fibres) != 100:
            raise _problem("fibres", "fibre percentages must add up to 100")
        for name in ("volume", "leaf_from", "leaf_to"):
            v = getattr(data, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                raise _problem(name, "a whole number ≥ 1", v)
        if data.leaf_from is not None and data.leaf_to is not None and data.leaf_to < data.leaf_from:
            raise _problem("leaf_to", "the leaf range ends before it starts", data.leaf_to)
        thickness = _decimal(data.thickness_um, "thickness_um", places=1, lo=Decimal(1), hi=Decimal(5000))
        thickness_sd = _decimal(data.thickness_sd_um, "thickness_sd_um", places=1, lo=Decimal(0), hi=Decimal(5000))
        lab = _lab(data.colour, "colour")
        source = (data.colour_source or "").strip() or None
        illum = None
        if lab is not None:
            if source not in COLOUR_SOURCES:
                raise _problem("colour_source", f"say how the colour was measured: {', '.join(COLOUR_SOURCES)}",
                               data.colour_source)
            illum = self._code("illuminant_observers", data.illuminant_observer or "", "illuminant_observer")
        photos = self._photo_hashes(data.photos)
        suggestion = grading.suggest_grade(findings, self.profile)
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True)
            self._require_restorer(job, "record assessments")
            self._unlocked(job)
            if job.state not in (S.ASSESSMENT, S.PLAN):
                raise Conflict(f"{job.job_number} is past assessment ({job.state}); a reviewer must send it back")
            row = Assessment(
                job_id=job.id, volume=data.volume, leaf_from=data.leaf_from, leaf_to=data.leaf_to,
                paper_type=_text(data.paper_type, 60, "paper_type"), fibres=fibres,
                fibre_method=_text(data.fibre_method, 100, "fibre_method"), thickness_um=thickness,
                thickness_sd_um=thickness_sd, colour_l=lab[0] if lab else None, colour_a=lab[1] if lab else None,
                colour_b=lab[2] if lab else None, colour_source=source if lab else None, illuminant_observer=illum,
                instrument=_text(data.instrument, 100, "instrument"), note=_text(data.note),
                assessed_on=data.assessed_on or dt.date.today(), assessed_by=self.actor.user_id)
            row.findings = [AssessmentFinding(seq=i, damage_type=f.damage_type, metric=f.metric, value=f.value,
                                              note=f.note or None) for i, f in enumerate(findings)]
            s.add(row)
            s.flush()
            for i, sha in enumerate(photos):
                self._link_stored(s, job, sha, "before", f"photos[{i}]")
                s.add(Photo(job_id=job.id, stage="before", sha256=sha, assessment_id=row.id,
                            added_by=self.actor.user_id))
            job_suggestion = self._job_suggestion(s, job)
            job.damage_grade_suggested = job_suggestion.grade.code
            job.damage_grade_profile = job_suggestion.profile_id
            audit.record(s, self.actor, "assessment", JOB, job.id, {
                "assessment": [None, row.id],
                "findings": [None, [[f.damage_type, f.metric, str(f.value)] for f in findings]],
                "fibres": [None, fibres], "colour": [None, [str(x) for x in lab] if lab else None],
                "suggested_grade": [None, job_suggestion.grade.code]})
            s.flush()
            return self._assessment_view(s, row, suggestion.grade.code)

    @staticmethod
    def _photo_hashes(items: Iterable[str]) -> list[str]:
        out = []
        for i, sha in enumerate(items):
            t = (sha or "").strip().lower()
            if len(t) != 64 or any(c not in "0123456789abcdef" for c in t):
                raise _problem(f"photos[{i}]", "a photo is named by its SHA-256 (64 hex digits)", sha)
            out.append(t)
        return out

    def _job_findings(self, s: Session, job: RestorationJob) -> list[grading.Finding]:
        rows = s.scalars(select(AssessmentFinding).join(Assessment, Assessment.id == AssessmentFinding.assessment_id)
                         .where(Assessment.job_id == job.id).order_by(Assessment.id, AssessmentFinding.seq))
        return [grading.Finding(f.damage_type, f.metric, f.value) for f in rows]

    def _job_suggestion(self, s: Session, job: RestorationJob) -> grading.GradeSuggestion:
        """The profile's suggestion from every finding of the job's assessments ("any one criterion met")."""
        return grading.suggest_grade(self._job_findings(s, job), self.profile)

    def suggest_damage_grade(self, job_id: int) -> GradeView:
        """The damage grade the job's findings suggest, with the deciding rules in words."""
        with self.ctx.read() as s:
            job = self._job(s, job_id)
            return self._grade_view(self._job_suggestion(s, job))

    def _grade_view(self, sug: grading.GradeSuggestion) -> GradeView:
        prof = self.profile

        def reason(fired: grading.FiredRule) -> str:
            rule, finding = fired.rule, fired.finding
            name = self.label("damage_types", rule.damage_type)
            unit = "%" if rule.metric == "percent" else ""
            lhs = f"{name} pH" if rule.metric == "ph" else name
            try:
                grade = prof.grade(rule.grade).zh
            except FieldError:
                grade = rule.grade
            return (f"{lhs} {grading.COMPARISONS[rule.comparison]} {rule.threshold}{unit} → {grade}"
                    f"（{rule.source}；实测 {finding.value.normalize():f}{unit}）")

        return GradeView(sug.grade.code, sug.grade.zh, sug.profile_id, tuple(reason(r) for r in sug.reasons))

    def confirm_damage_grade(self, job_id: int, grade: str, *, note: str | None = None,
                             expected_version: int | None = None) -> JobView:
        """The restorer confirms (or overrides) the damage grade; the census record's 破損級別 is
        updated in the same transaction (``app.census.set_damage_grade``).

        ``grade`` is a code or label of the grading profile (e.g. ``severe`` or ``严重``).
        An override of the suggestion needs a ``note`` saying why.
        """
        prof = self.profile
        g = next((x for x in prof.grades if grade in (x.code, x.zh, x.en)), None)
        if g is None:
            raise _problem("damage_grade", f"{grade!r} is not a grade of {prof.id} "
                           f"({'、'.join(x.zh for x in prof.grades)})", grade)
        from guji.census.service import CensusService

        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            self._require_restorer(job, "confirm the damage grade")
            self._unlocked(job)
            if not s.scalar(select(func.count()).select_from(Assessment).where(Assessment.job_id == job.id)):
                raise Conflict(f"{job.job_number} has no condition assessment yet")
            suggested = self._job_suggestion(s, job).grade.code
            if g.code != suggested and not (note or "").strip():
                raise _problem("note", f"the findings suggest {prof.grade(suggested).zh}; "
                               f"say why you confirm {g.zh} instead")
            before = job.damage_grade
            job.damage_grade, job.damage_grade_suggested, job.damage_grade_profile = g.code, suggested, prof.id
            CensusService(self.ctx).set_damage_grade(
                s, job.record_id, g.zh, note=f"修复档案 {job.job_number}" + (f"：{note.strip()}" if note else ""))
            audit.record(s, self.actor, "confirm_damage_grade", JOB, job.id,
                         {"damage_grade": [before, g.code], "suggested": [None, suggested]}, note=note)
            s.flush()
            return self._job_view(s, job)

    def assessments(self, job_id: int) -> list[AssessmentView]:
        with self.ctx.read() as s:
            job = self._job(s, job_id)
            rows = s.scalars(select(Assessment).where(Assessment.job_id == job.id).order_by(Assessment.id))
            return [self._assessment_view(s, r) for r in rows]

    def _assessment_view(self, s: Session, r: Assessment, suggested: str | None = None) -> AssessmentView:
        findings = tuple(FindingView(f.damage_type, self.label("damage_types", f.damage_type), f.metric, f.value,
                                     f.note) for f in r.findings)
        if suggested is None:
            suggested = grading.suggest_grade(
                [grading.Finding(f.damage_type, f.metric, f.value) for f in r.findings], self.profile).grade.code
        photos = tuple(s.scalars(select(Photo.sha256).where(Photo.assessment_id == r.id).order_by(Photo.id)))
        lab = (r.colour_l, r.colour_a, r.colour_b) if r.colour_l is not None else None
        return AssessmentView(
            id=r.id, job_id=r.job_id, volume=r.volume, leaf_from=r.leaf_from, leaf_to=r.leaf_to, findings=findings,
            paper_type=r.paper_type, fibres=tuple((f["fibre"], Decimal(f["percent"])) for f in r.fibres),
            fibre_method=r.fibre_method, thickness_um=r.thickness_um, thickness_sd_um=r.thickness_sd_um,
            colour=lab, colour_source=r.colour_source,  # type: ignore[arg-type]
            illuminant_observer=r.illuminant_observer, instrument=r.instrument, photos=photos, note=r.note,
            assessed_on=r.assessed_on, assessed_by=self._name(s, r.assessed_by), suggested_grade=suggested)

    # ------------------------------------------------------------------ plan

    def save_plan(self, job_id: int, plan: PlanInput, *, expected_version: int | None = None) -> PlanView:
        """Write or replace the treatment plan (restorers; before the plan is approved).

        ``expected_version`` is the version of the plan the restorer edited (``PlanView.version``),
        0 when they started from no plan; a plan saved by someone else meanwhile is refused.
        """
        ops = [self._code("operations", op, f"operations[{i}]") for i, op in enumerate(plan.operations)]
        if not ops:
            raise _problem("operations", "a plan names at least one operation")
        hours = _decimal(plan.estimated_hours, "estimated_hours", places=2, lo=Decimal(0), hi=Decimal(99999))
        if plan.planned_leaves is not None and (isinstance(plan.planned_leaves, bool) or plan.planned_leaves < 0):
            raise _problem("planned_leaves", "a whole number ≥ 0", plan.planned_leaves)
        mats = [(mid, _decimal(q, f"materials[{i}].quantity", places=3, lo=Decimal("0.001"), required=True))
                for i, (mid, q) in enumerate(plan.materials)]
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True)
            self._require_restorer(job, "write the treatment plan")
            self._unlocked(job)
            if job.state not in (S.ASSESSMENT, S.PLAN):
                raise Conflict(f"the plan of {job.job_number} is approved; a reviewer must send it back to change it")
            for i, (mid, _q) in enumerate(mats):
                self._material(s, mid, f"materials[{i}].material_id", self._workshop(job))
            row = s.scalar(select(Plan).where(Plan.job_id == job.id))
            if expected_version is not None and (row.version if row else 0) != expected_version:
                raise versions.stale(s, entity=JOB, entity_id=job.id, what=msg("restoration.plan_of",
                                                                              number=job.job_number),
                                     current_version=row.version if row else 0, actions=("plan",), merge=False)
            before = self._plan_snapshot(row) if row else {}
            if row is None:
                row = Plan(job_id=job.id)
                s.add(row)
            row.operations, row.estimated_hours, row.planned_leaves = ops, hours, plan.planned_leaves
            row.description = _text(plan.description)
            row.saved_by, row.saved_at = self.actor.user_id, utcnow()
            row.approved_by, row.approved_at = None, None
            row.materials.clear()
            s.flush()  # the old lines go before the new ones come (no duplicates, whatever the order)
            row.materials = [PlanMaterial(seq=i, material_id=mid, quantity=q) for i, (mid, q) in enumerate(mats)]
            s.flush()
            audit.record_update(s, self.actor, JOB, job.id, before, self._plan_snapshot(row), action="plan")
            return self._plan_view(s, row)

    @staticmethod
    def _plan_snapshot(p: Plan) -> dict[str, Any]:
        return {"operations": list(p.operations), "estimated_hours": audit.jsonable(p.estimated_hours),
                "planned_leaves": p.planned_leaves, "description": p.description,
                "materials": [[m.material_id, str(m.quantity)] for m in p.materials]}

    def _plan_view(self, s: Session, p: Plan) -> PlanView:
        mats = []
        for m in p.materials:
            mat = s.get(Material, m.material_id)
            mats.append(PlanMaterialView(m.material_id, mat.name if mat else "?", m.quantity, mat.unit if mat else ""))
        return PlanView(p.job_id, tuple(p.operations), tuple(mats), p.estimated_hours, p.planned_leaves,
                        p.description, self._name(s, p.saved_by), p.saved_at,
                        self._name(s, p.approved_by) if p.approved_by else None, p.approved_at, p.version)

    def plan(self, job_id: int) -> PlanView | None:
        with self.ctx.read() as s:
            job = self._job(s, job_id)
            row = s.scalar(select(Plan).where(Plan.job_id == job.id))
            return self._plan_view(s, row) if row else None

    def submit_plan(self, job_id: int, note: str | None = None, *, expected_version: int | None = None) -> JobView:
        """Finish the assessment and submit the plan for approval (restorers): assessment → plan.

        Needs at least one assessment, a confirmed damage grade and a saved plan.
        """
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            self._require_restorer(job, "submit the plan")
            self._unlocked(job)
            if not s.scalar(select(func.count()).select_from(Assessment).where(Assessment.job_id == job.id)):
                raise Conflict(f"{job.job_number} has no condition assessment yet")
            if job.damage_grade is None:
                raise Conflict(f"{job.job_number}: confirm the damage grade before submitting the plan")
            if s.scalar(select(Plan.id).where(Plan.job_id == job.id)) is None:
                raise Conflict(f"{job.job_number} has no treatment plan yet")
            self._move(s, job, S.PLAN, note=note, action="submit_plan")
            return self._job_view(s, job)

    def approve_plan(self, job_id: int, note: str | None = None, *, expected_version: int | None = None) -> JobView:
        """The reviewer approves the plan: plan → plan_approved; treatment may start."""
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            self._require_reviewer(job, "approve treatment plans")
            self._unlocked(job)
            row = s.scalar(select(Plan).where(Plan.job_id == job.id))
            if row is None:
                raise Conflict(f"{job.job_number} has no treatment plan")
            self._move(s, job, S.PLAN_APPROVED, note=note, action="approve_plan")
            row.approved_by, row.approved_at = self.actor.user_id, utcnow()
            return self._job_view(s, job)

    def start_treatment(self, job_id: int, *, expected_version: int | None = None) -> JobView:
        """The restorer starts work on an approved plan: plan_approved → in_treatment."""
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            self._require_restorer(job, "start treatment")
            self._unlocked(job)
            self._move(s, job, S.IN_TREATMENT, action="start_treatment")
            job.treatment_started_on = job.treatment_started_on or dt.date.today()
            return self._job_view(s, job)

    # ------------------------------------------------------------------ pH

    def record_ph_set(self, job_id: int, data: PhSetInput) -> PhSetView:
        """Record a pH set (restorers; any state before acceptance). Every point is validated
        (0–14, two decimals, leaf given) with :mod:`restoration.ph`; one bad point and nothing is written."""
        try:
            kind = ph.PhSetKind(self._code("ph_set_kinds", data.kind, "kind"))
            method = ph.PhMethod(self._code("ph_methods", data.method, "method"))
            points = []
            for i, p in enumerate(data.points):
                if len(p) != 3:
                    raise _problem(f"points[{i}]", "a point is (leaf, position, value)", p)
                try:
                    points.append(ph.PhPoint.create(p[0], p[1] if p[1] is not None else "", p[2]))
                except FieldError as exc:
                    raise _problem(f"points[{i}].{exc.field if exc.field != 'ph_value' else 'value'}",
                                   exc.message, p[2]) from None
            calibration = [str(ph.parse_ph_value(c, leaf="-", position="calibration")) for c in data.calibration]
            phset = ph.PhSet(kind, method, tuple(points), wait_seconds=data.wait_seconds)
        except FieldError as exc:
            raise _from_domain(exc) from None
        if not points:
            raise _problem("points", "a pH set has at least one point")
        for i, p in enumerate(points):
            if len(p.leaf) > 40 or len(p.position) > 40:
                raise _problem(f"points[{i}].leaf", "leaf and position are at most 40 characters", p.leaf)
        temp = _decimal(data.temperature_c, "temperature_c", places=1, lo=Decimal(-10), hi=Decimal(60))
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True)
            self._require_restorer(job, "record pH measurements")
            self._unlocked(job)
            if job.state == S.ACCEPTANCE:
                raise Conflict(f"{job.job_number} is awaiting acceptance; a reviewer must send it back first")
            row = PhSetRow(job_id=job.id, kind=kind.value, method=method.value,
                           instrument=_text(data.instrument, 100, "instrument"),
                           electrode=_text(data.electrode, 100, "electrode"), calibration=calibration,
                           wait_seconds=phset.wait_seconds, temperature_c=temp,
                           measured_on=data.measured_on or dt.date.today(), measured_by=self.actor.user_id,
                           note=_text(data.note))
            row.points = [PhPointRow(seq=i, leaf=p.leaf, position=p.position, value=p.value)
                          for i, p in enumerate(points)]
            s.add(row)
            s.flush()
            stats = ph.set_statistics(points, threshold=self._settings(s).acid_threshold)
            audit.record(s, self.actor, "ph_set", JOB, job.id, {
                "ph_set": [None, row.id], "kind": [None, kind.value], "method": [None, method.value],
                "points": [None, [[p.leaf, p.position, str(p.value)] for p in points]]})
            return self._ph_view(s, row, stats.threshold)

    def _ph_view(self, s: Session, row: PhSetRow, threshold: Decimal) -> PhSetView:
        pts = [ph.PhPoint(p.leaf, p.position, p.value) for p in row.points]
        stats = ph.set_statistics(pts, threshold=threshold)
        return PhSetView(
            id=row.id, job_id=row.job_id, kind=row.kind, method=row.method, instrument=row.instrument,
            electrode=row.electrode, calibration=tuple(row.calibration), wait_seconds=row.wait_seconds,
            temperature_c=row.temperature_c, measured_on=row.measured_on, measured_by=self._name(s, row.measured_by),
            note=row.note, points=tuple(PhPointView(p.leaf, p.position, p.value, p.value < threshold) for p in pts),
            stats=stats)

    def ph_sets(self, job_id: int) -> list[PhSetView]:
        """The job's pH sets in the order measured, with statistics against the acidity setting."""
        with self.ctx.read() as s:
            job = self._job(s, job_id)
            threshold = self._settings(s).acid_threshold
            rows = s.scalars(select(PhSetRow).where(PhSetRow.job_id == job.id)
                             .order_by(PhSetRow.measured_on, PhSetRow.id))
            return [self._ph_view(s, r, threshold) for r in rows]

    def ph_comparison(self, job_id: int, earlier: str = "before_treatment",
                      later: str | None = None) -> list[ph.LeafComparison]:
        """Per-leaf before/after means: ``earlier`` kind vs ``later`` kind (default: the latest set of
        another kind). Several sets of one kind are pooled."""
        return _compare(self.ph_sets(job_id), earlier, later)

    # ------------------------------------------------------------------ materials

    def _material(self, s: Session, material_id: int, field: str, institution_id: int | None = None) -> Material:
        m = s.get(Material, material_id) if isinstance(material_id, int) else None
        if m is None:
            raise _problem(field, f"no material with id {material_id}", material_id)
        if not self._visible(m.institution_id) or (institution_id is not None and m.institution_id != institution_id):
            raise _problem(field, f"material {material_id} belongs to another institution", material_id)
        return m

    def _require_stock_keeper(self, action: str) -> int:
        a = self.actor
        if not a.has(Role.RESTORER, Role.ADMIN):
            raise PermissionDenied(f"{a.login} may not {action}: needs 修复师 (restorer)")
        if a.institution_id is None:
            raise PermissionDenied(f"{a.login} may not {action}: the inventory belongs to an institution")
        return a.institution_id

    def add_material(self, data: MaterialInput) -> MaterialView:
        """Add an inventory item of the actor's institution (restorers, administrators); its opening
        quantity is booked as a stock move."""
        inst_id = self._require_stock_keeper("keep the materials inventory")
        kind = self._code("material_kinds", data.kind, "kind")
        name = _text(data.name, 200, "name")
        unit = _text(data.unit, 16, "unit")
        if not name:
            raise _problem("name", "a material needs a name")
        if not unit:
            raise _problem("unit", "say the unit the quantity is counted in (张, g, ml, m…)")
        qty = _decimal(data.quantity, "quantity", places=3, lo=Decimal(0), hi=Decimal("999999999"))
        low = _decimal(data.low_stock, "low_stock", places=3, lo=Decimal(0), hi=Decimal("999999999"))
        fibre = self._code("fibres", data.fibre, "fibre") if data.fibre else None
        lab = _lab(data.colour, "colour")
        with self.ctx.write() as s:
            m = Material(institution_id=inst_id, kind=kind, name=name, unit=unit, quantity=qty or Decimal(0),
                         fibre=fibre, thickness_um=_decimal(data.thickness_um, "thickness_um", places=1,
                                                            lo=Decimal(1), hi=Decimal(5000)),
                         ph=_decimal(data.ph, "ph", places=2, lo=Decimal(0), hi=Decimal(14)),
                         colour_l=lab[0] if lab else None, colour_a=lab[1] if lab else None,
                         colour_b=lab[2] if lab else None, maker=_text(data.maker, 200, "maker"),
                         batch=_text(data.batch, 100, "batch"), location=_text(data.location, 200, "location"),
                         low_stock=low, note=_text(data.note))
            s.add(m)
            s.flush()
            s.add(StockMove(material_id=m.id, delta=m.quantity, balance=m.quantity, reason="initial",
                            user_id=self.actor.user_id))
            audit.record_create(s, self.actor, "restoration_material", m.id, audit.snapshot(m, (
                "kind", "name", "unit", "quantity", "fibre", "thickness_um", "ph", "colour_l", "colour_a", "colour_b",
                "maker", "batch", "location", "low_stock")))
            return _material_view(m)

    def adjust_stock(self, material_id: int, delta: Any, *, reason: str = "receipt",
                     note: str | None = None) -> MaterialView:
        """Book a receipt (positive) or a correction (either sign); refuses to go below zero."""
        inst_id = self._require_stock_keeper("adjust stock")
        d = _decimal(delta, "delta", places=3, required=True)
        assert d is not None
        if d == 0:
            raise _problem("delta", "the change is zero")
        if reason not in ("receipt", "correction"):
            raise _problem("reason", "reason is receipt or correction", reason)
        if reason == "receipt" and d < 0:
            raise _problem("delta", "a receipt adds stock; book a correction to take stock away", delta)
        with self.ctx.write() as s:
            m = s.get(Material, material_id) if isinstance(material_id, int) else None
            if m is None or not self._visible(m.institution_id):
                raise NotFound(msg("restoration.no_material", material=material_id))
            if m.institution_id != inst_id:
                raise PermissionDenied(msg("perm.other_institution", login=self.actor.login))
            before, new = self._move_stock(s, m, d, reason=reason, field="delta", note=_text(note))
            audit.record(s, self.actor, "stock_" + reason, "restoration_material", m.id,
                         {"quantity": [str(before), str(new)]}, note=_text(note))
            return _material_view(m)

    def _move_stock(self, s: Session, m: Material, delta: Decimal, *, reason: str, field: str,
                    session_id: int | None = None, note: str | None = None) -> tuple[Decimal, Decimal]:
        """Change a material's quantity by ``delta`` in one atomic UPDATE (never read-modify-write, so
        concurrent receipts and sessions all count) and book the move in the ledger; refuses to go
        below zero. Returns the quantity before and after."""
        table = Material.__table__
        new = s.execute(update(table).where(table.c.id == m.id, table.c.quantity + delta >= 0)
                        .values(quantity=table.c.quantity + delta).returning(table.c.quantity)).scalar()
        if new is None:
            s.refresh(m, ["quantity"])
            raise _problem(field, msg("restoration.stock_short", name=m.name, have=f"{m.quantity.normalize():f}",
                                      unit=m.unit, want=f"{(-delta).normalize():f}"), delta)
        s.add(StockMove(material_id=m.id, delta=delta, balance=new, reason=reason, session_id=session_id,
                        user_id=self.actor.user_id, note=note))
        s.refresh(m, ["quantity"])
        return new - delta, new

    def materials(self, kind: str | None = None) -> list[MaterialView]:
        """Inventory visible to the actor, by kind and name."""
        with self.ctx.read() as s:
            stmt = select(Material).order_by(Material.kind, Material.name, Material.id)
            vis = visibility.condition(self.actor, Material.institution_id)
            if vis is not True:
                stmt = stmt.where(vis)
            if kind:
                stmt = stmt.where(Material.kind == kind)
            return [_material_view(m) for m in s.scalars(stmt)]

    def low_stock(self) -> list[MaterialView]:
        """Materials at or below their low-stock threshold."""
        return [m for m in self.materials() if m.is_low]

    # ------------------------------------------------------------------ dyeing

    def add_recipe(self, data: RecipeInput) -> RecipeView:
        """Add a dye recipe to the institution's library (restorers)."""
        a = self.actor
        a.require(Role.RESTORER, action="add dye recipes")
        name = _text(data.name, 200, "name")
        if not name:
            raise _problem("name", "a recipe needs a name")
        dyes = []
        for i, item in enumerate(data.dyes):
            if len(item) != 3:
                raise _problem(f"dyes[{i}]", "a dye is (name, amount, unit)", item)
            dye = _text(item[0], 100, f"dyes[{i}].dye")
            if not dye:
                raise _problem(f"dyes[{i}].dye", "name the dye")
            amount = _decimal(item[1], f"dyes[{i}].amount", places=3, lo=Decimal("0.001"), hi=Decimal(10000),
                              required=True)
            unit = (item[2] or "").strip()
            if unit not in ("g/L", "ml/L"):
                raise _problem(f"dyes[{i}].unit", "amounts are in g/L or ml/L", item[2])
            dyes.append({"dye": dye, "amount": str(amount), "unit": unit})
        if not dyes:
            raise _problem("dyes", "a recipe has at least one dye")
        for name_, v in (("dips", data.dips), ("minutes", data.minutes)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                raise _problem(name_, "a whole number ≥ 0", v)
        temp = _decimal(data.bath_temperature_c, "bath_temperature_c", places=1, lo=Decimal(0), hi=Decimal(100))
        with self.ctx.write() as s:
            if a.institution_id is None:
                raise PermissionDenied(f"{a.login} may not add recipes: the library belongs to an institution")
            if data.base_paper_id is not None:
                base = self._material(s, data.base_paper_id, "base_paper_id", a.institution_id)
                if base.kind != "repair_paper":
                    raise _problem("base_paper_id", f"{base.name} is not repair paper", data.base_paper_id)
            if data.job_id is not None:
                job = self._job(s, data.job_id, for_update=True)
                self._require_restorer(job, "add recipes to this job")
                self._unlocked(job)
            r = Recipe(institution_id=a.institution_id, job_id=data.job_id, name=name,
                       base_paper_id=data.base_paper_id, dyes=dyes, mordant=_text(data.mordant, 200, "mordant"),
                       bath_temperature_c=temp, dips=data.dips, minutes=data.minutes,
                       drying=_text(data.drying, 200, "drying"), notes=_text(data.notes), created_by=a.user_id)
            s.add(r)
            s.flush()
            audit.record_create(s, a, "restoration_recipe", r.id, audit.snapshot(r, (
                "name", "job_id", "base_paper_id", "dyes", "mordant", "bath_temperature_c", "dips", "minutes",
                "drying", "notes")))
            return self._recipe_view(s, r)

    def _job_target(self, s: Session, job: RestorationJob) -> Lab | None:
        """The original paper colour of a job: its latest assessment with a colour."""
        a = s.scalar(select(Assessment).where(Assessment.job_id == job.id, Assessment.colour_l.is_not(None))
                     .order_by(Assessment.id.desc()).limit(1))
        return (a.colour_l, a.colour_a, a.colour_b) if a else None  # type: ignore[return-value]

    def record_trial(self, recipe_id: int, data: TrialInput) -> TrialView:
        """Record a dyed trial sheet (restorers). ΔE00 (CIEDE2000), ΔE*ab and ΔL* against the target
        are computed from the stored (0.01) values and stored as computed."""
        a = self.actor
        a.require(Role.RESTORER, action="record dye trials")
        measured = _lab(data.measured, "measured", required=True)
        target = _lab(data.target, "target")
        illum = self._code("illuminant_observers", data.illuminant_observer, "illuminant_observer")
        assert measured is not None
        with self.ctx.write() as s:
            r = s.get(Recipe, recipe_id)
            if r is None or not self._visible(r.institution_id):
                raise NotFound(f"no dye recipe with id {recipe_id}")
            if r.institution_id != a.institution_id:
                raise PermissionDenied(f"{a.login} may not add trials to another institution's recipe")
            job_id = data.job_id if data.job_id is not None else r.job_id
            if job_id is not None:
                job = self._job(s, job_id, for_update=True)
                self._require_restorer(job, "record dye trials for this job")
                self._unlocked(job)
                if target is None:
                    target = self._job_target(s, job)
            if target is None:
                raise _problem("target", "give the target colour (or record the original paper colour in the "
                               "job's assessment)")
            m = colour.compare_colour(_float_lab(measured), _float_lab(target))
            seq = (s.scalar(select(func.max(Trial.seq)).where(Trial.recipe_id == r.id)) or 0) + 1
            t = Trial(recipe_id=r.id, job_id=job_id, seq=seq, measured_l=measured[0], measured_a=measured[1],
                      measured_b=measured[2], target_l=target[0], target_a=target[1], target_b=target[2],
                      illuminant_observer=illum, instrument=_text(data.instrument, 100, "instrument"),
                      formula="CIEDE2000", de00=m.de00, de_ab=m.de_ab, dl=m.dL, accepted=bool(data.accepted),
                      note=_text(data.note), measured_on=data.measured_on or dt.date.today(), measured_by=a.user_id)
            s.add(t)
            s.flush()
            audit.record_create(s, a, "restoration_trial", t.id, {
                "recipe": r.id, "job": job_id, "measured": [str(x) for x in measured],
                "target": [str(x) for x in target], "illuminant_observer": illum, "de00": m.de00,
                "accepted": t.accepted})
            return self._trial_view(t, self._settings(s).de00_tolerance)

    def set_trial_accepted(self, trial_id: int, accepted: bool = True, *,
                           expected_version: int | None = None) -> TrialView:
        """Mark a trial sheet as the accepted result of its recipe (restorers)."""
        a = self.actor
        a.require(Role.RESTORER, action="accept dye trials")
        with self.ctx.write() as s:
            t = s.get(Trial, trial_id, with_for_update=True, populate_existing=True)
            r = s.get(Recipe, t.recipe_id) if t else None
            if t is None or r is None or not self._visible(r.institution_id):
                raise NotFound(f"no dye trial with id {trial_id}")
            if r.institution_id != a.institution_id:
                raise PermissionDenied(f"{a.login} may not change another institution's trials")
            if t.job_id is not None:
                self._unlocked(self._job(s, t.job_id, for_update=True))
            versions.check(s, t, expected_version, entity="restoration_trial", what=f"{r.name} #{t.seq}", merge=False)
            before = t.accepted
            t.accepted = bool(accepted)
            audit.record(s, a, "update", "restoration_trial", t.id, {"accepted": [before, t.accepted]})
            return self._trial_view(t, self._settings(s).de00_tolerance)

    def _trial_view(self, t: Trial, tolerance: float) -> TrialView:
        return TrialView(
            id=t.id, recipe_id=t.recipe_id, job_id=t.job_id, seq=t.seq,
            measured=(t.measured_l, t.measured_a, t.measured_b), target=(t.target_l, t.target_a, t.target_b),
            illuminant_observer=t.illuminant_observer, instrument=t.instrument, formula=t.formula, de00=t.de00,
            de_ab=t.de_ab, dl=t.dl, accepted=t.accepted, passes=t.de00 <= tolerance, darker=t.dl < 0,
            note=t.note, measured_on=t.measured_on, version=t.version)

    def _recipe_view(self, s: Session, r: Recipe, tolerance: float | None = None) -> RecipeView:
        tol = self._settings(s).de00_tolerance if tolerance is None else tolerance
        base = s.get(Material, r.base_paper_id) if r.base_paper_id else None
        trials = s.scalars(select(Trial).where(Trial.recipe_id == r.id).order_by(Trial.seq))
        return RecipeView(
            id=r.id, institution_id=r.institution_id, job_id=r.job_id, name=r.name,
            base_paper=_material_view(base) if base else None,
            dyes=tuple((d["dye"], Decimal(d["amount"]), d["unit"]) for d in r.dyes), mordant=r.mordant,
            bath_temperature_c=r.bath_temperature_c, dips=r.dips, minutes=r.minutes, drying=r.drying,
            notes=r.notes, trials=tuple(self._trial_view(t, tol) for t in trials))

    def recipes(self, job_id: int | None = None) -> list[RecipeView]:
        """The recipe library visible to the actor (only those made for ``job_id`` or with trials for it)."""
        with self.ctx.read() as s:
            stmt = select(Recipe).order_by(Recipe.id)
            vis = visibility.condition(self.actor, Recipe.institution_id)
            if vis is not True:
                stmt = stmt.where(vis)
            if job_id is not None:
                self._job(s, job_id)
                stmt = stmt.where((Recipe.job_id == job_id) | Recipe.id.in_(
                    select(Trial.recipe_id).where(Trial.job_id == job_id)))
            tol = self._settings(s).de00_tolerance
            return [self._recipe_view(s, r, tol) for r in s.scalars(stmt)]

    def rank_recipes_for(self, target_lab: Sequence[Any], *, limit: int = 20) -> list[RecipeMatch]:
        """Past recipes ranked by ΔE00 of their accepted trials to ``target_lab`` (宁浅勿深 at ties).

        A recipe with several accepted trials is represented by the one closest to the target.
        """
        target = _lab(target_lab, "target_lab", required=True)
        assert target is not None
        library = self.recipes()
        tol = self.settings().de00_tolerance
        tf = _float_lab(target)
        best: dict[str, tuple[RecipeView, TrialView]] = {}
        for r in library:
            for t in r.trials:
                if not t.accepted:
                    continue
                key = str(r.id)
                d = colour.delta_e_2000(_float_lab(t.measured), tf)
                if key not in best or d < colour.delta_e_2000(_float_lab(best[key][1].measured), tf):
                    best[key] = (r, t)
        ranked = recipes.rank_recipes(tf, [(k, _float_lab(t.measured)) for k, (_r, t) in best.items()])
        return [RecipeMatch(rank=x.rank, recipe=best[x.recipe_id][0], trial_id=best[x.recipe_id][1].id,
                            de00=x.de00, de_ab=x.de_ab, dl=x.dL, passes=x.de00 <= tol)
                for x in ranked[:limit]]

    # ------------------------------------------------------------------ sessions

    def record_session(self, job_id: int, data: SessionInput) -> SessionView:
        """Record a working session (restorers assigned to the job; job in treatment). Materials used
        are taken from stock in the same transaction; if any would go below zero nothing is written."""
        a = self.actor
        try:
            ws = workflow.WorkSession(str(job_id), a.login, data.day, data.hours, data.leaves,
                                      tuple(data.operations))
        except FieldError as exc:
            raise _from_domain(exc) from None
        if data.day > dt.date.today():
            raise _problem("day", f"{data.day} is in the future", data.day)
        ops = [self._code("operations", op, f"operations[{i}]") for i, op in enumerate(data.operations)]
        used = [(mid, _decimal(q, f"materials[{i}].quantity", places=3, lo=Decimal("0.001"), required=True))
                for i, (mid, q) in enumerate(data.materials)]
        photos = self._photo_hashes(data.photos)
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True)
            self._require_restorer(job, "record repair sessions")
            self._unlocked(job)
            if job.state != S.IN_TREATMENT:
                raise Conflict(f"{job.job_number} is not in treatment ({job.state}); sessions are recorded "
                               "between the start of treatment and the submission for acceptance")
            row = RepairSession(job_id=job.id, day=ws.day, restorer_id=a.user_id, hours=ws.hours, leaves=ws.leaves,
                                operations=ops, notes=_text(data.notes))
            s.add(row)
            s.flush()
            mats = []
            for i, (mid, q) in enumerate(used):
                assert q is not None
                m = self._material(s, mid, f"materials[{i}].material_id", self._workshop(job))
                self._move_stock(s, m, -q, reason="session", field=f"materials[{i}].quantity", session_id=row.id)
                mats.append(SessionMaterial(seq=i, material_id=m.id, quantity=q))
            row.materials = mats
            for i, sha in enumerate(photos):
                self._link_stored(s, job, sha, "during", f"photos[{i}]")
                s.add(Photo(job_id=job.id, stage="during", sha256=sha, session_id=row.id, added_by=a.user_id))
            s.flush()
            audit.record(s, a, "session", JOB, job.id, {
                "session": [None, row.id], "day": [None, ws.day.isoformat()], "hours": [None, str(ws.hours)],
                "leaves": [None, ws.leaves], "operations": [None, ops],
                "materials": [None, [[mid, str(q)] for mid, q in used]]})
            return self._session_view(s, row)

    def _session_view(self, s: Session, r: RepairSession) -> SessionView:
        mats = []
        for m in r.materials:
            mat = s.get(Material, m.material_id)
            mats.append(SessionMaterialView(m.material_id, mat.name if mat else "?", m.quantity,
                                            mat.unit if mat else ""))
        photos = tuple(s.scalars(select(Photo.sha256).where(Photo.session_id == r.id).order_by(Photo.id)))
        return SessionView(r.id, r.job_id, r.day, self._name(s, r.restorer_id), r.hours, r.leaves,
                           tuple(r.operations), tuple(mats), r.notes, photos)

    def sessions(self, job_id: int) -> list[SessionView]:
        with self.ctx.read() as s:
            job = self._job(s, job_id)
            rows = s.scalars(select(RepairSession).where(RepairSession.job_id == job.id)
                             .order_by(RepairSession.day, RepairSession.id))
            return [self._session_view(s, r) for r in rows]

    def _work_sessions(self, s: Session, stmt: Any) -> list[workflow.WorkSession]:
        logins = dict(s.execute(select(User.id, User.login)).all())
        numbers = dict(s.execute(select(RestorationJob.id, RestorationJob.job_number)).all())
        return [workflow.WorkSession(numbers[r.job_id], logins.get(r.restorer_id, "?"), r.day, r.hours, r.leaves,
                                     tuple(r.operations)) for r in s.scalars(stmt)]

    def job_totals(self, job_id: int) -> workflow.JobTotals | None:
        """Sessions, hours, leaves and leaves per hour of a job (None before the first session)."""
        with self.ctx.read() as s:
            job = self._job(s, job_id)
            totals = workflow.totals_per_job(
                self._work_sessions(s, select(RepairSession).where(RepairSession.job_id == job.id)))
            return totals[0] if totals else None

    def progress(self, job_id: int) -> workflow.Progress:
        """Leaves and hours done against the plan (planned leaves: the plan's, else the job's scope)."""
        with self.ctx.read() as s:
            job = self._job(s, job_id)
            p = s.scalar(select(Plan).where(Plan.job_id == job.id))
            planned = (p.planned_leaves if p and p.planned_leaves is not None else job.leaves_in_scope) or 0
            plan = workflow.JobPlan(job.job_number, planned, p.estimated_hours if p else None)
            return workflow.progress(plan, self._work_sessions(
                s, select(RepairSession).where(RepairSession.job_id == job.id)))

    def restorer_month_totals(self, *, restorer: str | None = None,
                              year: int | None = None) -> list[workflow.RestorerMonthTotals]:
        """Hours and leaves per restorer and month over the jobs the actor may see."""
        with self.ctx.read() as s:
            stmt = select(RepairSession).join(RestorationJob, RestorationJob.id == RepairSession.job_id)
            vis = visibility.condition(self.actor, RestorationJob.institution_id, RestorationJob.workshop_id)
            if vis is not True:
                stmt = stmt.where(vis)
            if restorer:
                stmt = stmt.where(RepairSession.restorer_id == (
                    s.scalar(select(User.id).where(User.login == restorer)) or -1))
            if year:
                stmt = stmt.where(RepairSession.day >= dt.date(year, 1, 1), RepairSession.day <= dt.date(year, 12, 31))
            return workflow.totals_per_restorer_month(self._work_sessions(s, stmt))

    # ------------------------------------------------------------------ photos

    def _link_stored(self, s: Session, job: RestorationJob, sha: str, stage: str, field: str,
                     caption: str | None = None) -> AttachedImage:
        """In ``s``: the stored image ``sha`` attached to the job (attached now if not yet); a hash the
        store does not hold is refused on ``field``."""
        att = self.images.link_job_image(s, sha, job.id, stage, caption)
        if att is None:
            raise _problem(field, "no image with this SHA-256 is in the image store; add the photograph's file "
                                  "first (add_photo_file, or `guji restoration photo JOB FILE`)", sha)
        return att

    def _photo_args(self, stage: str, leaf: str | None, caption: str | None) -> tuple[str, str | None, str | None]:
        from guji.images.service import CAPTION_MAX

        if stage not in PHOTO_STAGES:
            raise _problem("stage", f"stage is one of {', '.join(PHOTO_STAGES)}", stage)
        return stage, _text(leaf, 40, "leaf"), _text(caption, CAPTION_MAX, "caption")

    def _photo_job(self, s: Session, job_id: int, *, for_update: bool = False) -> RestorationJob:
        job = self._job(s, job_id, for_update=for_update)
        self._require_restorer(job, "add photographs")
        self._unlocked(job)
        return job

    def _write_photo(self, s: Session, job: RestorationJob, stage: str, att: AttachedImage, leaf: str | None,
                     caption: str | None, file_path: str | None = None) -> PhotoView:
        sha = att.image.sha256
        if s.scalar(select(Photo.id).where(Photo.job_id == job.id, Photo.stage == stage, Photo.sha256 == sha,
                                           Photo.assessment_id.is_(None), Photo.session_id.is_(None),
                                           (Photo.leaf == leaf) if leaf is not None else Photo.leaf.is_(None))
                    .limit(1)) is not None:
            raise Conflict(f"this image is already a {stage} photograph of {job.job_number}")
        p = Photo(job_id=job.id, stage=stage, sha256=sha, file_path=file_path, leaf=leaf, caption=caption,
                  added_by=self.actor.user_id)
        s.add(p)
        s.flush()
        audit.record(s, self.actor, "photo", JOB, job.id, {"photo": [None, p.id], "stage": [None, stage],
                                                           "sha256": [None, sha], "leaf": [None, leaf]})
        return PhotoView(p.id, p.stage, p.sha256, p.file_path, p.leaf, p.caption, att.image.id, att.image.path)

    def add_photo_file(self, job_id: int, path: str | os.PathLike[str], stage: str, *, leaf: str | None = None,
                       caption: str | None = None) -> PhotoView:
        """Add a photograph of the job from an image file: the restorer's usual way.

        The file is copied into the image store (``app.images``: the same validation as any scan, so an
        empty, truncated, non-image or over-large file is refused with ValidationError on ``file``),
        attached to the job at ``stage`` (before/during/after) and recorded as the job's photograph, in
        one transaction; if any step is refused nothing is left behind (no row, no audit entry, and a
        file this call put in the store is removed again). The same content added earlier (to the
        store, or to this job) is reused, not duplicated; the same image at the same stage and leaf of
        the job twice is a Conflict.

        Restorers of the job's institution (the assigned ones, when the job has any); a closed job is
        locked (Conflict). Checked before the file is read.
        """
        stage, leaf_t, caption_t = self._photo_args(stage, leaf, caption)
        return self._add_file(job_id, Path(os.fspath(path)), stage, leaf_t, caption_t)

    def _add_file(self, job_id: int, path: Path, stage: str, leaf: str | None, caption: str | None, *,
                  expect_sha: str | None = None) -> PhotoView:
        with self.ctx.read() as s:
            self._photo_job(s, job_id)  # refuse before anything is copied into the store
        out: list[PhotoView] = []

        def within(s: Session, att: AttachedImage) -> None:
            # Checked again in the writing transaction: the job may have been closed meanwhile.
            job = self._photo_job(s, job_id, for_update=True)
            if expect_sha is not None and att.image.sha256 != expect_sha:
                raise _problem("sha256", f"{path.name} has the SHA-256 {att.image.sha256}, not the one given",
                               expect_sha)
            out.append(self._write_photo(s, job, stage, att, leaf, caption))

        self.images.add_to_job(path, job_id, stage, caption, within=within)
        return out[0]

    def add_photo(self, job_id: int, stage: str, sha256: str, *, file_path: str | None = None,
                  leaf: str | None = None, caption: str | None = None) -> PhotoView:
        """Record a before/during/after photograph of an image by its SHA-256 (restorers, job not locked).

        An image the store holds is linked (attached to the job if it is not yet). Otherwise a readable
        ``file_path`` is added to the store as :meth:`add_photo_file` does, and must have that SHA-256;
        a hash that is neither in the store nor given with a readable file is refused (ValidationError
        on ``sha256``, or ``file_path`` when the file given cannot be read).
        """
        stage, leaf_t, caption_t = self._photo_args(stage, leaf, caption)
        try:
            sha = self._photo_hashes([sha256])[0]
        except ValidationError:
            raise _problem("sha256", "a photo is named by its SHA-256 (64 hex digits)", sha256) from None
        with self.ctx.write() as s:
            job = self._photo_job(s, job_id, for_update=True)
            att = self.images.link_job_image(s, sha, job.id, stage, caption_t)
            if att is not None:
                return self._write_photo(s, job, stage, att, leaf_t, caption_t, _text(file_path))
        if file_path:
            fp = Path(file_path)
            if not (fp.is_file() and os.access(fp, os.R_OK)):
                raise _problem("file_path", f"the image store has no image {sha[:12]}… and {file_path} cannot be "
                                            "read", file_path)
            return self._add_file(job_id, fp, stage, leaf_t, caption_t, expect_sha=sha)
        raise _problem("sha256", f"no image {sha[:12]}… is in the image store; add the photograph's file first "
                                 "(add_photo_file, or `guji restoration photo JOB FILE`)", sha)

    # ------------------------------------------------------------------ acceptance

    def submit_for_acceptance(self, job_id: int, note: str | None = None, *, expected_version: int | None = None) -> JobView:
        """The restorer submits finished work for acceptance: in_treatment → acceptance."""
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            self._require_restorer(job, "submit for acceptance")
            self._unlocked(job)
            if not s.scalar(select(func.count()).select_from(RepairSession).where(RepairSession.job_id == job.id)):
                raise Conflict(f"{job.job_number} has no repair session recorded")
            self._move(s, job, S.ACCEPTANCE, note=note, action="submit_for_acceptance")
            return self._job_view(s, job)

    def accept(self, job_id: int, quality_grade: str, *, comments: str | None = None,
               signed_name: str | None = None, expected_version: int | None = None) -> AcceptanceView:
        """验收: the reviewer records the quality grade (configurable vocabulary) and comments and signs
        (name + timestamp); the job closes and is locked."""
        q = self._code("quality_grades", quality_grade, "quality_grade")
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            self._require_reviewer(job, "accept restoration work")
            if job.state != S.ACCEPTANCE:
                raise Conflict(f"{job.job_number} is not awaiting acceptance ({job.state})")
            me = s.get(User, self.actor.user_id) if self.actor.user_id else None
            name = _text(signed_name, 100, "signed_name") or (me.full_name or me.login if me else self.actor.login)
            seq = (s.scalar(select(func.max(Acceptance.seq)).where(Acceptance.job_id == job.id)) or 0) + 1
            row = Acceptance(job_id=job.id, seq=seq, reviewer_id=self.actor.user_id, quality_grade=q,
                             comments=_text(comments), signed_name=name, signed_at=utcnow())
            s.add(row)
            self._move(s, job, S.CLOSED, note=comments, action="accept")
            job.accepted_at = row.signed_at
            s.flush()
            audit.record(s, self.actor, "sign", JOB, job.id, {"quality_grade": [None, q],
                                                              "signed_name": [None, name]})
            return self._acceptance_view(s, row)

    def send_back(self, job_id: int, reason: str, *, expected_version: int | None = None) -> JobView:
        """The reviewer sends a job back one step (plan → assessment, approved plan → plan, treatment →
        approved plan, acceptance → treatment), with the reason; audited."""
        reason_t = _text(reason)
        if not reason_t:
            raise _problem("reason", "say why the job is sent back")
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            self._require_reviewer(job, "send restoration jobs back")
            self._unlocked(job)
            back = [t for t in workflow.allowed_transitions(job.state, "reviewer")
                    if t.kind == workflow.TransitionKind.SEND_BACK]
            if not back:
                raise Conflict(f"{job.job_number} cannot be sent back from {job.state}")
            target = back[0].target
            self._move(s, job, target, note=reason_t, action="send_back")
            if target == S.PLAN:
                p = s.scalar(select(Plan).where(Plan.job_id == job.id))
                if p is not None:
                    p.approved_by, p.approved_at = None, None
            return self._job_view(s, job)

    def reopen(self, job_id: int, reason: str, *, expected_version: int | None = None) -> JobView:
        """The reviewer reopens an accepted (closed) archive: closed → acceptance. The acceptance is
        voided (kept, with who and why) and the reopening is audited."""
        reason_t = _text(reason)
        if not reason_t:
            raise _problem("reason", "say why the archive is reopened")
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            self._require_reviewer(job, "reopen restoration archives")
            self._move(s, job, S.ACCEPTANCE, note=reason_t, action="reopen")
            last = s.scalar(select(Acceptance).where(Acceptance.job_id == job.id, Acceptance.voided_at.is_(None))
                            .order_by(Acceptance.seq.desc()).limit(1))
            if last is not None:
                last.voided_at, last.voided_by, last.void_reason = utcnow(), self.actor.user_id, reason_t
            job.accepted_at = None
            return self._job_view(s, job)

    def close(self, job_id: int, note: str | None = None, *, expected_version: int | None = None) -> JobView:
        """Return the item to the vault (入库) after acceptance: checks the job's vault movement back in.

        Restorers and reviewers of the job's institution or of the workshop that performed it (a
        book sent out for restoration comes back with the job's closing); the job must be accepted.
        """
        a = self.actor
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True, expected_version=expected_version)
            if not a.has(Role.RESTORER, Role.REVIEWER, Role.ADMIN) or not (
                    a.has(Role.ADMIN) or a.institution_id in (job.institution_id, job.workshop_id)):
                raise PermissionDenied(f"{a.login} may not return {job.job_number}'s item to the vault")
            if job.state != S.CLOSED:
                raise Conflict(f"{job.job_number} is not accepted yet ({job.state})")
            if job.returned_to_vault_at is not None:
                raise Conflict(f"{job.job_number}'s item is already back in the vault")
            m = (s.get(VaultMovement, job.vault_movement_id, with_for_update=True, populate_existing=True)
                 if job.vault_movement_id else None)
            now = utcnow()
            if m is not None and m.returned_at is None:
                # The vault's own check-in opens its own transaction; this is the same change in ours.
                m.returned_at, m.in_by, m.return_note = now, a.user_id, _text(note) or f"修复档案 {job.job_number} 结档"
                audit.record(s, a, "check_in", "vault_movement", m.id, {"returned_at": [None, now.isoformat()]},
                             note=m.return_note)
            job.returned_to_vault_at = now
            audit.record(s, a, "return_to_vault", JOB, job.id, {"returned_to_vault_at": [None, now.isoformat()]},
                         note=_text(note))
            return self._job_view(s, job)

    def _photo_views(self, s: Session, job: RestorationJob) -> tuple[PhotoView, ...]:
        """The job's photographs in the order taken, each resolved through the image store by its SHA-256."""
        from guji.images.models import StoredImage

        rows = list(s.scalars(select(Photo).where(Photo.job_id == job.id).order_by(Photo.id)))
        hashes = {r.sha256 for r in rows}
        ids = dict(s.execute(select(StoredImage.sha256, StoredImage.id)
                             .where(StoredImage.sha256.in_(sorted(hashes)))).all()) if hashes else {}
        paths = self.images.job_image_paths(s, hashes)
        return tuple(PhotoView(x.id, x.stage, x.sha256, x.file_path, x.leaf, x.caption, ids.get(x.sha256),
                               paths.get(x.sha256)) for x in rows)

    def photos(self, job_id: int) -> list[PhotoView]:
        """The job's photographs (anyone who may see the job), in the order taken."""
        with self.ctx.read() as s:
            return list(self._photo_views(s, self._job(s, job_id)))

    def _acceptance_view(self, s: Session, r: Acceptance) -> AcceptanceView:
        return AcceptanceView(r.id, r.seq, self._name(s, r.reviewer_id), r.quality_grade, r.comments, r.signed_name,
                              r.signed_at, r.voided_at, r.void_reason)

    def history(self, job_id: int) -> list[audit.AuditRow]:
        """The job's audit trail, newest first."""
        self.get_job(job_id)
        return audit.AuditService(self.ctx).history(JOB, job_id)

    # ------------------------------------------------------------------ the whole archive

    def archive(self, job_id: int) -> JobArchive:
        """Everything of a job as plain data (for the archive PDF and the job editor)."""
        phsets = self.ph_sets(job_id)
        with self.ctx.read() as s:
            job = self._job(s, job_id)
            cfg = self._settings(s)
            assessments = tuple(self._assessment_view(s, r) for r in s.scalars(
                select(Assessment).where(Assessment.job_id == job.id).order_by(Assessment.id)))
            grade = self._grade_view(self._job_suggestion(s, job)) if assessments else None
            p = s.scalar(select(Plan).where(Plan.job_id == job.id))
            plan = self._plan_view(s, p) if p else None
            sessions = tuple(self._session_view(s, r) for r in s.scalars(
                select(RepairSession).where(RepairSession.job_id == job.id)
                .order_by(RepairSession.day, RepairSession.id)))
            used: dict[int, SessionMaterialView] = {}
            for sv in sessions:
                for m in sv.materials:
                    prev = used.get(m.material_id)
                    used[m.material_id] = SessionMaterialView(m.material_id, m.name, m.quantity + (
                        prev.quantity if prev else 0), m.unit)
            recipe_rows = s.scalars(select(Recipe).where((Recipe.job_id == job.id) | Recipe.id.in_(
                select(Trial.recipe_id).where(Trial.job_id == job.id))).order_by(Recipe.id))
            recipe_views = tuple(self._recipe_view(s, r, cfg.de00_tolerance) for r in recipe_rows)
            photos = self._photo_views(s, job)
            acceptances = tuple(self._acceptance_view(s, r) for r in s.scalars(
                select(Acceptance).where(Acceptance.job_id == job.id).order_by(Acceptance.seq)))
            view = self._job_view(s, job)
        totals = self.job_totals(job_id)
        return JobArchive(
            job=view, assessments=assessments, grade=grade, plan=plan, ph_sets=tuple(phsets),
            ph_comparison=tuple(_compare(phsets, "before_treatment", None)), recipes=recipe_views,
            sessions=sessions, materials_used=tuple(used.values()), totals=totals,
            progress=self.progress(job_id), photos=photos, acceptances=acceptances,
            acid_threshold=cfg.acid_threshold, de00_tolerance=cfg.de00_tolerance, generated_at=utcnow())


def _compare(sets: Sequence[PhSetView], earlier: str, later: str | None) -> list[ph.LeafComparison]:
    first = [p for x in sets if x.kind == earlier for p in x.points]
    if later is None:
        others = [x for x in sets if x.kind != earlier]
        if not others:
            return []
        later = others[-1].kind
    second = [p for x in sets if x.kind == later for p in x.points]
    if not first or not second:
        return []
    return ph.compare_sets([ph.PhPoint(p.leaf, p.position, p.value) for p in first],
                           [ph.PhPoint(p.leaf, p.position, p.value) for p in second])


def _material_view(m: Material) -> MaterialView:
    lab = (m.colour_l, m.colour_a, m.colour_b) if m.colour_l is not None else None
    return MaterialView(m.id, m.institution_id, m.kind, m.name, m.fibre, m.thickness_um, m.ph,
                        lab, m.maker, m.batch, m.quantity, m.unit, m.location,  # type: ignore[arg-type]
                        m.low_stock, m.note, m.version)
