"""Treatment: the plan (written, submitted, approved), the start of treatment, working sessions
(materials taken from stock in the session's transaction, photographs cited) and the statistics of
work done (totals per job, progress against the plan, hours per restorer and month)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guji.db.base import utcnow
from guji.errors import Conflict
from guji.messages import msg
from guji.models.user import User
from guji.services import audit, visibility
from restoration import workflow
from restoration.errors import FieldError
from restoration.models import (
    Assessment,
    Material,
    Photo,
    Plan,
    PlanMaterial,
    RepairSession,
    RestorationJob,
    SessionMaterial,
)
from restoration.services.base import JOB, S, clean_text, from_domain, parse_decimal, problem
from restoration.services.materials import MaterialService
from restoration.services.photos import PhotoService
from restoration.views import (
    JobView,
    PlanInput,
    PlanMaterialView,
    PlanView,
    SessionInput,
    SessionMaterialView,
    SessionView,
)


class TreatmentService(MaterialService, PhotoService):
    """Treatment plans, repair sessions and work statistics."""

    # ------------------------------------------------------------------ plan

    def save_plan(self, job_id: int, plan: PlanInput, *, expected_version: int | None = None) -> PlanView:
        """Write or replace the treatment plan (restorers; before the plan is approved).

        ``expected_version`` is the version of the plan the restorer edited (``PlanView.version``),
        0 when they started from no plan; a plan saved by someone else meanwhile is refused.
        """
        ops = [self._code("operations", op, f"operations[{i}]") for i, op in enumerate(plan.operations)]
        if not ops:
            raise problem("operations", "a plan names at least one operation")
        hours = parse_decimal(plan.estimated_hours, "estimated_hours", places=2, lo=Decimal(0), hi=Decimal(99999))
        if plan.planned_leaves is not None and (isinstance(plan.planned_leaves, bool) or plan.planned_leaves < 0):
            raise problem("planned_leaves", "a whole number ≥ 0", plan.planned_leaves)
        mats = [(mid, parse_decimal(q, f"materials[{i}].quantity", places=3, lo=Decimal("0.001"), required=True))
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
            self._check_saved_version(s, row, expected_version, entity=JOB, entity_id=job.id,
                                      what=msg("restoration.plan_of", number=job.job_number), actions=("plan",))
            before = self._plan_snapshot(row) if row else {}
            if row is None:
                row = Plan(job_id=job.id)
                s.add(row)
            row.operations, row.estimated_hours, row.planned_leaves = ops, hours, plan.planned_leaves
            row.description = clean_text(plan.description)
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

    # ------------------------------------------------------------------ sessions and work statistics

    def record_session(self, job_id: int, data: SessionInput) -> SessionView:
        """Record a working session (restorers assigned to the job; job in treatment). Materials used
        are taken from stock in the same transaction; if any would go below zero nothing is written."""
        a = self.actor
        try:
            ws = workflow.WorkSession(str(job_id), a.login, data.day, data.hours, data.leaves,
                                      tuple(data.operations))
        except FieldError as exc:
            raise from_domain(exc) from None
        if data.day > dt.date.today():
            raise problem("day", f"{data.day} is in the future", data.day)
        ops = [self._code("operations", op, f"operations[{i}]") for i, op in enumerate(data.operations)]
        used = [(mid, parse_decimal(q, f"materials[{i}].quantity", places=3, lo=Decimal("0.001"), required=True))
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
                                operations=ops, notes=clean_text(data.notes))
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
