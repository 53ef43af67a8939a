"""Dye recipes and trial sheets: stored ΔE00 is restoration.colour.delta_e_2000; library ranking (宁浅勿深)."""

from __future__ import annotations

import pytest

from guji.app import Guji
from guji.errors import PermissionDenied, ValidationError
from restoration.colour import delta_e_2000, delta_e_ab
from restoration.models import Recipe, Trial
from restoration.views import RecipeInput, TrialInput
from tests.restoration.conftest import ASSESSMENT, add_paper, count, open_job


def recipe(app: Guji, name: str, **kw: object) -> int:
    return app.restoration.add_recipe(RecipeInput(name=name, dyes=[("紅茶", "8", "g/L")], **kw)).id  # type: ignore


def test_trial_stores_ciede2000_exactly(any_org: dict[str, Guji]) -> None:
    org = any_org
    r = org["restorer_a"]
    jid = open_job(org)
    r.restoration.record_assessment(jid, ASSESSMENT)  # original paper colour 78.20, 3.10, 18.40
    paper = add_paper(r)
    rid = r.restoration.add_recipe(RecipeInput(
        name="紅茶加橡碗子", dyes=[("紅茶", "8", "g/L"), ("橡碗子", "2.5", "g/L")], base_paper_id=paper,
        mordant="明礬 1 g/L", bath_temperature_c="60", dips=3, minutes=20, drying="陰乾", job_id=jid)).id
    t = r.restoration.record_trial(rid, TrialInput(measured=("79.05", "2.80", "17.10"),
                                                   illuminant_observer="D65_10", instrument="X-Rite eXact"))
    target = (78.20, 3.10, 18.40)
    assert tuple(map(str, t.target)) == ASSESSMENT.colour and t.job_id == jid
    assert t.de00 == delta_e_2000((79.05, 2.80, 17.10), target)
    assert t.de_ab == delta_e_ab((79.05, 2.80, 17.10), target)
    assert t.dl == pytest.approx(0.85) and not t.darker and t.passes  # default tolerance 2.0
    dark = r.restoration.record_trial(rid, TrialInput(measured=(74.0, 4.0, 20.0), illuminant_observer="D65/10°"))
    assert dark.darker and not dark.passes and dark.seq == 2
    # read back from the database: the same floats
    stored = r.restoration.recipes(job_id=jid)[0]
    assert [x.de00 for x in stored.trials] == [t.de00, dark.de00]
    assert stored.base_paper and stored.base_paper.name == "竹纸（染）"
    assert stored.dyes[1] == ("橡碗子", pytest.approx(2.5), "g/L")
    # the tolerance is a setting
    org["admin"].restoration.set_setting("de00_tolerance", "0.5")
    assert not r.restoration.recipes(job_id=jid)[0].trials[0].passes


def test_ranking_prefers_lighter_at_ties(org: dict[str, Guji]) -> None:
    r = org["restorer_a"].restoration
    target = (80.0, 2.0, 15.0)
    ids = {}
    for name, lab in [("far", (70.0, 6.0, 25.0)), ("dark", (79.0, 2.0, 15.0)), ("light", (81.0, 2.0, 15.0)),
                      ("unaccepted", (80.0, 2.0, 15.0))]:
        ids[name] = recipe(org["restorer_a"], name)
        r.record_trial(ids[name], TrialInput(measured=lab, target=target, illuminant_observer="D65_10",
                                             accepted=name != "unaccepted"))
    ranked = r.rank_recipes_for(target)
    assert [m.recipe.name for m in ranked] == ["light", "dark", "far"]  # equal ΔE00: lighter first
    assert ranked[0].dl == pytest.approx(1.0) and ranked[1].dl == pytest.approx(-1.0)
    assert ranked[0].de00 == pytest.approx(ranked[1].de00, abs=0.05)
    assert ranked[2].de00 == delta_e_2000((70.0, 6.0, 25.0), target) and not ranked[2].passes
    # accepting the exact match puts it first
    exact = next(t for t in r.recipes() if t.name == "unaccepted").trials[0]
    r.set_trial_accepted(exact.id)
    assert r.rank_recipes_for(target)[0].recipe.name == "unaccepted"
    # another institution's library is not offered
    assert org["reviewer_b"].restoration.rank_recipes_for(target) == []


@pytest.mark.parametrize("data, field", [
    (RecipeInput(name=""), "name"),
    (RecipeInput(name="x"), "dyes"),
    (RecipeInput(name="x", dyes=[("紅茶", "8", "kg")]), "dyes[0].unit"),
    (RecipeInput(name="x", dyes=[("紅茶", "-1", "g/L")]), "dyes[0].amount"),
    (RecipeInput(name="x", dyes=[("紅茶", "1", "g/L")], dips=-2), "dips"),
    (RecipeInput(name="x", dyes=[("紅茶", "1", "g/L")], bath_temperature_c="120"), "bath_temperature_c"),
])
def test_bad_recipes(org: dict[str, Guji], data: RecipeInput, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        org["restorer_a"].restoration.add_recipe(data)
    assert err.value.fields == [field]
    assert count(org["admin"], Recipe) == 0


def test_bad_trials_and_roles(org: dict[str, Guji]) -> None:
    rid = recipe(org["restorer_a"], "紅茶")
    r = org["restorer_a"].restoration
    for data, field in [
        (TrialInput(measured=(80, 2, 15), illuminant_observer="D65_10"), "target"),  # no job, no target
        (TrialInput(measured=(101, 2, 15), target=(80, 2, 15), illuminant_observer="D65_10"), "measured"),
        (TrialInput(measured=(80, 2), target=(80, 2, 15), illuminant_observer="D65_10"), "measured"),
        (TrialInput(measured=(80, 2, 15), target=(80, 2, 15), illuminant_observer="sunset"), "illuminant_observer"),
    ]:
        with pytest.raises(ValidationError) as err:
            r.record_trial(rid, data)
        assert err.value.fields == [field]
    assert count(org["admin"], Trial) == 0
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].restoration.record_trial(rid, TrialInput(measured=(80, 2, 15), target=(80, 2, 15),
                                                                   illuminant_observer="D65_10"))
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].restoration.add_recipe(RecipeInput(name="x", dyes=[("紅茶", "1", "g/L")]))
