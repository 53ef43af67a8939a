"""Restoration jobs: opening a job on a census record (and checking the item out of the vault, or
taking over the movement of a book sent to this workshop), assigning restorers and the reviewer,
finding and listing jobs, sending a job back a step, returning the item to the vault, the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord, VaultMovement
from guji.db.base import utcnow
from guji.errors import Conflict, NotFound, PermissionDenied
from guji.messages import msg
from guji.models.institution import Institution
from guji.models.user import Role, User
from guji.services import audit, visibility
from guji.services.permissions import can_review_at_unit
from restoration import workflow
from restoration.models import JobRestorer, Plan, RestorationJob
from restoration.services.base import JOB, PRIORITIES, RestorationBase, S, clean_text, problem
from restoration.views import JobRow, JobView


class JobService(RestorationBase):
    """Opening, assigning, finding and listing jobs; sending back; return to the vault."""

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
        requester_t = clean_text(requester, 200, "requester")
        if requester_t is None:
            raise problem("requester", "say who requested the treatment")
        if priority not in PRIORITIES:
            raise problem("priority", f"priority is one of {', '.join(PRIORITIES)}", priority)
        if leaves_in_scope is not None and (isinstance(leaves_in_scope, bool) or leaves_in_scope < 0):
            raise problem("leaves_in_scope", "a whole number ≥ 0", leaves_in_scope)
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
                number = clean_text(job_number, 40, "job_number") or self._next_job_number(
                    s, cfg.job_prefix, dt.date.today().year)
                if s.scalar(select(RestorationJob.id).where(RestorationJob.job_number == number)):
                    raise problem("job_number", f"{number} is already used", number)
                logins = [x for x in restorers if x and x.strip()]
                if not logins and a.has(Role.RESTORER):
                    logins = [a.login]
                users = []
                for login in logins:
                    u = self._user(s, login, Role.RESTORER, "restorers")
                    if u.institution_id != performer:
                        raise problem("restorers", f"{login} works for another institution", login)
                    users.append(u)
                rev = self._user(s, reviewer, Role.REVIEWER, "reviewer") if reviewer else None
                job = RestorationJob(
                    job_number=number, record_id=rec.id, institution_id=rec.institution_id, workshop_id=workshop,
                    requester=requester_t,
                    priority=priority, reviewer_id=rev.id if rev else None, state=S.ASSESSMENT.value,
                    volumes_scope=clean_text(volumes_scope, 200, "volumes_scope"),
                    leaves_scope=clean_text(leaves_scope, 200, "leaves_scope"), leaves_in_scope=leaves_in_scope,
                    opened_on=dt.date.today(), due=due, note=clean_text(note), created_by=a.user_id)
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
                        raise problem("restorers", f"{login} works for another institution", login)
                    users.append(u)
                job.restorers = [JobRestorer(user_id=u.id) for u in users]
            if reviewer is not None:
                job.reviewer_id = self._user(s, reviewer, Role.REVIEWER, "reviewer").id if reviewer else None
            if priority is not None:
                if priority not in PRIORITIES:
                    raise problem("priority", f"priority is one of {', '.join(PRIORITIES)}", priority)
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

    def send_back(self, job_id: int, reason: str, *, expected_version: int | None = None) -> JobView:
        """The reviewer sends a job back one step (plan → assessment, approved plan → plan, treatment →
        approved plan, acceptance → treatment), with the reason; audited."""
        reason_t = clean_text(reason)
        if not reason_t:
            raise problem("reason", "say why the job is sent back")
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
                m.returned_at, m.in_by = now, a.user_id
                m.return_note = clean_text(note) or f"修复档案 {job.job_number} 结档"
                audit.record(s, a, "check_in", "vault_movement", m.id, {"returned_at": [None, now.isoformat()]},
                             note=m.return_note)
            job.returned_to_vault_at = now
            audit.record(s, a, "return_to_vault", JOB, job.id, {"returned_to_vault_at": [None, now.isoformat()]},
                         note=clean_text(note))
            return self._job_view(s, job)

    def history(self, job_id: int) -> list[audit.AuditRow]:
        """The job's audit trail, newest first."""
        self.get_job(job_id)
        return audit.AuditService(self.ctx).history(JOB, job_id)
