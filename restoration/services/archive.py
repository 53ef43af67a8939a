"""Acceptance (验收) and the whole archive: submission for acceptance, the reviewer's signed quality
grade that closes and locks the job, reopening with the acceptance voided, and every part of a job
as plain data for the archive report and the job editor."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guji.db.base import utcnow
from guji.errors import Conflict
from guji.models.user import User
from guji.services import audit
from restoration.models import Acceptance, Assessment, Plan, Recipe, RepairSession, Trial
from restoration.services.assessment import AssessmentService
from restoration.services.base import JOB, S, clean_text, problem
from restoration.services.dyeing import DyeingService
from restoration.services.ph_sets import PhService, compare_ph_sets
from restoration.services.treatment import TreatmentService
from restoration.views import AcceptanceView, JobArchive, JobView, SessionMaterialView


class ArchiveService(AssessmentService, TreatmentService, PhService, DyeingService):
    """Acceptance, reopening and the archive as plain data."""

    def submit_for_acceptance(self, job_id: int, note: str | None = None, *,
                              expected_version: int | None = None) -> JobView:
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
            name = clean_text(signed_name, 100, "signed_name") or (me.full_name or me.login if me else self.actor.login)
            seq = (s.scalar(select(func.max(Acceptance.seq)).where(Acceptance.job_id == job.id)) or 0) + 1
            row = Acceptance(job_id=job.id, seq=seq, reviewer_id=self.actor.user_id, quality_grade=q,
                             comments=clean_text(comments), signed_name=name, signed_at=utcnow())
            s.add(row)
            self._move(s, job, S.CLOSED, note=comments, action="accept")
            job.accepted_at = row.signed_at
            s.flush()
            audit.record(s, self.actor, "sign", JOB, job.id, {"quality_grade": [None, q],
                                                              "signed_name": [None, name]})
            return self._acceptance_view(s, row)

    def reopen(self, job_id: int, reason: str, *, expected_version: int | None = None) -> JobView:
        """The reviewer reopens an accepted (closed) archive: closed → acceptance. The acceptance is
        voided (kept, with who and why) and the reopening is audited."""
        reason_t = clean_text(reason)
        if not reason_t:
            raise problem("reason", "say why the archive is reopened")
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

    def _acceptance_view(self, s: Session, r: Acceptance) -> AcceptanceView:
        return AcceptanceView(r.id, r.seq, self._name(s, r.reviewer_id), r.quality_grade, r.comments, r.signed_name,
                              r.signed_at, r.voided_at, r.void_reason)

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
            ph_comparison=tuple(compare_ph_sets(phsets, "before_treatment", None)), recipes=recipe_views,
            sessions=sessions, materials_used=tuple(used.values()), totals=totals,
            progress=self.progress(job_id), photos=photos, acceptances=acceptances,
            acid_threshold=cfg.acid_threshold, de00_tolerance=cfg.de00_tolerance, generated_at=utcnow())
