"""Condition assessment and the damage grade: findings checked against the damage vocabulary, the
grading profile's suggestion stored on the job, the restorer's confirmation written through to the
census record's 破损级别."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guji.errors import Conflict
from guji.services import audit
from restoration import grading
from restoration.errors import FieldError
from restoration.models import Assessment, AssessmentFinding, Photo, RestorationJob
from restoration.services.base import (
    COLOUR_SOURCES,
    JOB,
    S,
    clean_text,
    from_domain,
    parse_decimal,
    parse_lab,
    problem,
    stored_lab,
)
from restoration.services.photos import PhotoService
from restoration.views import AssessmentInput, AssessmentView, FindingView, GradeView, JobView


class AssessmentService(PhotoService):
    """Condition assessments, the suggested damage grade and its confirmation."""

    def _findings(self, items: Sequence[tuple[str, str, Any]]) -> list[grading.Finding]:
        out = []
        for i, item in enumerate(items):
            if len(item) != 3:
                raise problem(f"findings[{i}]", "a finding is (damage type, metric, value)", item)
            dtype = self._code("damage_types", item[0], f"findings[{i}].damage_type")
            metric = (item[1] or "").strip() if isinstance(item[1], str) else item[1]
            try:
                out.append(grading.Finding.create(dtype, metric, item[2]))
            except FieldError as exc:
                raise from_domain(exc, f"findings[{i}].") from None
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
            p = parse_decimal(pct, f"fibres[{i}].percent", places=1, lo=Decimal(0), hi=Decimal(100), required=True)
            fibres.append({"fibre": code, "percent": str(p)})
        if fibres and sum(Decimal(f["percent"]) for f in fibres) != 100:
            raise problem("fibres", "fibre percentages must add up to 100")
        for name in ("volume", "leaf_from", "leaf_to"):
            v = getattr(data, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                raise problem(name, "a whole number ≥ 1", v)
        if data.leaf_from is not None and data.leaf_to is not None and data.leaf_to < data.leaf_from:
            raise problem("leaf_to", "the leaf range ends before it starts", data.leaf_to)
        thickness = parse_decimal(data.thickness_um, "thickness_um", places=1, lo=Decimal(1), hi=Decimal(5000))
        thickness_sd = parse_decimal(data.thickness_sd_um, "thickness_sd_um", places=1, lo=Decimal(0), hi=Decimal(5000))
        lab = parse_lab(data.colour, "colour")
        source = (data.colour_source or "").strip() or None
        illum = None
        if lab is not None:
            if source not in COLOUR_SOURCES:
                raise problem("colour_source", f"say how the colour was measured: {', '.join(COLOUR_SOURCES)}",
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
                paper_type=clean_text(data.paper_type, 60, "paper_type"), fibres=fibres,
                fibre_method=clean_text(data.fibre_method, 100, "fibre_method"), thickness_um=thickness,
                thickness_sd_um=thickness_sd, colour_l=lab[0] if lab else None, colour_a=lab[1] if lab else None,
                colour_b=lab[2] if lab else None, colour_source=source if lab else None, illuminant_observer=illum,
                instrument=clean_text(data.instrument, 100, "instrument"), note=clean_text(data.note),
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
            raise problem("damage_grade", f"{grade!r} is not a grade of {prof.id} "
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
                raise problem("note", f"the findings suggest {prof.grade(suggested).zh}; "
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
        lab = stored_lab(r.colour_l, r.colour_a, r.colour_b)
        return AssessmentView(
            id=r.id, job_id=r.job_id, volume=r.volume, leaf_from=r.leaf_from, leaf_to=r.leaf_to, findings=findings,
            paper_type=r.paper_type, fibres=tuple((f["fibre"], Decimal(f["percent"])) for f in r.fibres),
            fibre_method=r.fibre_method, thickness_um=r.thickness_um, thickness_sd_um=r.thickness_sd_um,
            colour=lab, colour_source=r.colour_source,
            illuminant_observer=r.illuminant_observer, instrument=r.instrument, photos=photos, note=r.note,
            assessed_on=r.assessed_on, assessed_by=self._name(s, r.assessed_by), suggested_grade=suggested)
