"""pH measurement sets of a job (validated point by point with :mod:`restoration.ph`), their
statistics against the acidity setting, and before/after comparisons per leaf."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from guji.errors import Conflict
from guji.services import audit
from restoration import ph
from restoration.errors import FieldError
from restoration.models import PhPointRow, PhSetRow
from restoration.services.base import JOB, RestorationBase, S, clean_text, from_domain, parse_decimal, problem
from restoration.views import PhPointView, PhSetInput, PhSetView


class PhService(RestorationBase):
    """pH sets and their comparison."""

    def record_ph_set(self, job_id: int, data: PhSetInput) -> PhSetView:
        """Record a pH set (restorers; any state before acceptance). Every point is validated
        (0–14, two decimals, leaf given) with :mod:`restoration.ph`; one bad point and nothing is written."""
        try:
            kind = ph.PhSetKind(self._code("ph_set_kinds", data.kind, "kind"))
            method = ph.PhMethod(self._code("ph_methods", data.method, "method"))
            points = []
            for i, p in enumerate(data.points):
                if len(p) != 3:
                    raise problem(f"points[{i}]", "a point is (leaf, position, value)", p)
                try:
                    points.append(ph.PhPoint.create(p[0], p[1] if p[1] is not None else "", p[2]))
                except FieldError as exc:
                    raise problem(f"points[{i}].{exc.field if exc.field != 'ph_value' else 'value'}",
                                  exc.message, p[2]) from None
            calibration = [str(ph.parse_ph_value(c, leaf="-", position="calibration")) for c in data.calibration]
            phset = ph.PhSet(kind, method, tuple(points), wait_seconds=data.wait_seconds)
        except FieldError as exc:
            raise from_domain(exc) from None
        if not points:
            raise problem("points", "a pH set has at least one point")
        for i, point in enumerate(points):
            if len(point.leaf) > 40 or len(point.position) > 40:
                raise problem(f"points[{i}].leaf", "leaf and position are at most 40 characters", point.leaf)
        temp = parse_decimal(data.temperature_c, "temperature_c", places=1, lo=Decimal(-10), hi=Decimal(60))
        with self.ctx.write() as s:
            job = self._job(s, job_id, for_update=True)
            self._require_restorer(job, "record pH measurements")
            self._unlocked(job)
            if job.state == S.ACCEPTANCE:
                raise Conflict(f"{job.job_number} is awaiting acceptance; a reviewer must send it back first")
            row = PhSetRow(job_id=job.id, kind=kind.value, method=method.value,
                           instrument=clean_text(data.instrument, 100, "instrument"),
                           electrode=clean_text(data.electrode, 100, "electrode"), calibration=calibration,
                           wait_seconds=phset.wait_seconds, temperature_c=temp,
                           measured_on=data.measured_on or dt.date.today(), measured_by=self.actor.user_id,
                           note=clean_text(data.note))
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
        return compare_ph_sets(self.ph_sets(job_id), earlier, later)


def compare_ph_sets(sets: Sequence[PhSetView], earlier: str, later: str | None) -> list[ph.LeafComparison]:
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
