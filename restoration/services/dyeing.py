"""Dyeing repair paper: the recipe library of an institution, dyed trial sheets with their colour
differences to the target (CIEDE2000), and past recipes ranked for a target colour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guji.errors import NotFound, PermissionDenied
from guji.models.user import Role
from guji.services import audit, versions, visibility
from restoration import colour, recipes
from restoration.models import Assessment, Material, Recipe, RestorationJob, Trial
from restoration.services.base import clean_text, float_lab, parse_decimal, parse_lab, problem, stored_lab
from restoration.services.materials import MaterialService, material_view
from restoration.views import Lab, RecipeInput, RecipeMatch, RecipeView, TrialInput, TrialView


class DyeingService(MaterialService):
    """Dye recipes, trials and colour matching."""

    def add_recipe(self, data: RecipeInput) -> RecipeView:
        """Add a dye recipe to the institution's library (restorers)."""
        a = self.actor
        a.require(Role.RESTORER, action="add dye recipes")
        name = clean_text(data.name, 200, "name")
        if not name:
            raise problem("name", "a recipe needs a name")
        dyes = []
        for i, item in enumerate(data.dyes):
            if len(item) != 3:
                raise problem(f"dyes[{i}]", "a dye is (name, amount, unit)", item)
            dye = clean_text(item[0], 100, f"dyes[{i}].dye")
            if not dye:
                raise problem(f"dyes[{i}].dye", "name the dye")
            amount = parse_decimal(item[1], f"dyes[{i}].amount", places=3, lo=Decimal("0.001"), hi=Decimal(10000),
                                   required=True)
            unit = (item[2] or "").strip()
            if unit not in ("g/L", "ml/L"):
                raise problem(f"dyes[{i}].unit", "amounts are in g/L or ml/L", item[2])
            dyes.append({"dye": dye, "amount": str(amount), "unit": unit})
        if not dyes:
            raise problem("dyes", "a recipe has at least one dye")
        for name_, v in (("dips", data.dips), ("minutes", data.minutes)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                raise problem(name_, "a whole number ≥ 0", v)
        temp = parse_decimal(data.bath_temperature_c, "bath_temperature_c", places=1, lo=Decimal(0), hi=Decimal(100))
        with self.ctx.write() as s:
            if a.institution_id is None:
                raise PermissionDenied(f"{a.login} may not add recipes: the library belongs to an institution")
            if data.base_paper_id is not None:
                base = self._material(s, data.base_paper_id, "base_paper_id", a.institution_id)
                if base.kind != "repair_paper":
                    raise problem("base_paper_id", f"{base.name} is not repair paper", data.base_paper_id)
            if data.job_id is not None:
                job = self._job(s, data.job_id, for_update=True)
                self._require_restorer(job, "add recipes to this job")
                self._unlocked(job)
            r = Recipe(institution_id=a.institution_id, job_id=data.job_id, name=name,
                       base_paper_id=data.base_paper_id, dyes=dyes, mordant=clean_text(data.mordant, 200, "mordant"),
                       bath_temperature_c=temp, dips=data.dips, minutes=data.minutes,
                       drying=clean_text(data.drying, 200, "drying"), notes=clean_text(data.notes),
                       created_by=a.user_id)
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
        return stored_lab(a.colour_l, a.colour_a, a.colour_b) if a else None

    def record_trial(self, recipe_id: int, data: TrialInput) -> TrialView:
        """Record a dyed trial sheet (restorers). ΔE00 (CIEDE2000), ΔE*ab and ΔL* against the target
        are computed from the stored (0.01) values and stored as computed."""
        a = self.actor
        a.require(Role.RESTORER, action="record dye trials")
        measured = parse_lab(data.measured, "measured", required=True)
        target = parse_lab(data.target, "target")
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
                raise problem("target", "give the target colour (or record the original paper colour in the "
                              "job's assessment)")
            m = colour.compare_colour(float_lab(measured), float_lab(target))
            seq = (s.scalar(select(func.max(Trial.seq)).where(Trial.recipe_id == r.id)) or 0) + 1
            t = Trial(recipe_id=r.id, job_id=job_id, seq=seq, measured_l=measured[0], measured_a=measured[1],
                      measured_b=measured[2], target_l=target[0], target_a=target[1], target_b=target[2],
                      illuminant_observer=illum, instrument=clean_text(data.instrument, 100, "instrument"),
                      formula="CIEDE2000", de00=m.de00, de_ab=m.de_ab, dl=m.dL, accepted=bool(data.accepted),
                      note=clean_text(data.note), measured_on=data.measured_on or dt.date.today(),
                      measured_by=a.user_id)
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
            base_paper=material_view(base) if base else None,
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
        target = parse_lab(target_lab, "target_lab", required=True)
        assert target is not None
        library = self.recipes()
        tol = self.settings().de00_tolerance
        tf = float_lab(target)
        best: dict[str, tuple[RecipeView, TrialView]] = {}
        for r in library:
            for t in r.trials:
                if not t.accepted:
                    continue
                key = str(r.id)
                d = colour.delta_e_2000(float_lab(t.measured), tf)
                if key not in best or d < colour.delta_e_2000(float_lab(best[key][1].measured), tf):
                    best[key] = (r, t)
        ranked = recipes.rank_recipes(tf, [(k, float_lab(t.measured)) for k, (_r, t) in best.items()])
        return [RecipeMatch(rank=x.rank, recipe=best[x.recipe_id][0], trial_id=best[x.recipe_id][1].id,
                            de00=x.de00, de_ab=x.de_ab, dl=x.dL, passes=x.de00 <= tol)
                for x in ranked[:limit]]
