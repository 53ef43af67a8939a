"""Assessments and damage grades, pH sets, materials and sessions: rules, errors, nothing written on error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from guji.app import Guji
from guji.errors import Conflict, PermissionDenied, ValidationError
from guji.models import AuditEntry
from restoration.models import Assessment, Material, PhPointRow, PhSetRow, RepairSession, StockMove
from restoration.views import AssessmentInput, MaterialInput, PhSetInput, PlanInput, SessionInput
from tests.restoration.conftest import ASSESSMENT, add_paper, count, open_job, to_state

# ---------------------------------------------------------------- assessment and damage grade

def test_grade_suggestion_and_confirmation_update_the_census_record(any_org: dict[str, Guji]) -> None:
    org = any_org
    jid = open_job(org)
    r = org["restorer_a"].restoration
    a = r.record_assessment(jid, ASSESSMENT)
    # losses 25 % and pH 5.2 are 严重 in DA/T 64.1-2017; insects 10 % reach no rule
    assert a.suggested_grade == "severe"
    assert [f.label for f in a.findings] == ["残缺", "虫蛀", "酸化"]
    assert a.fibres == (("bamboo", Decimal("80.0")), ("rice_straw", Decimal("20.0")))
    assert a.colour == (Decimal("78.20"), Decimal("3.10"), Decimal("18.40")) and a.photos == ()
    g = r.suggest_damage_grade(jid)
    assert g.code == "severe" and g.label == "严重" and len(g.reasons) == 2
    # a second assessment with 45 % losses makes the job 特残
    r.record_assessment(jid, AssessmentInput(findings=[("残缺", "percent", 45)], volume=2))
    assert r.get_job(jid).damage_grade_suggested == "critical"
    rid = r.get_job(jid).record_id
    assert org["census_a"].census.get_record(rid).data.damage_grade is None
    with pytest.raises(ValidationError) as err:
        r.confirm_damage_grade(jid, "severe")  # overriding the suggestion needs a reason
    assert err.value.fields == ["note"]
    assert r.get_job(jid).damage_grade is None
    job = r.confirm_damage_grade(jid, "critical")
    assert job.damage_grade == "critical"
    assert org["census_a"].census.get_record(rid).data.damage_grade == "techan"
    hist = org["census_a"].census.history(rid)
    assert hist[0].action == "damage_grade" and job.job_number in (hist[0].note or "")
    r.confirm_damage_grade(jid, "中度", note="殘缺集中於書腦，不影響文字")
    assert org["census_a"].census.get_record(rid).data.damage_grade == "zhongdu"


@pytest.mark.parametrize("data, field", [
    (AssessmentInput(findings=[("dragons", "percent", 5)]), "findings[0].damage_type"),
    (AssessmentInput(findings=[("loss", "percent", 120)]), "findings[0].value"),
    (AssessmentInput(findings=[("loss", "furlongs", 1)]), "findings[0].metric"),
    (AssessmentInput(fibres=[("bamboo", 60), ("hemp", 30)]), "fibres"),
    (AssessmentInput(fibres=[("plastic", 100)]), "fibres[0].fibre"),
    (AssessmentInput(colour=("78", "3"), colour_source="colorimeter"), "colour"),
    (AssessmentInput(colour=("178", "3", "4"), colour_source="colorimeter"), "colour"),
    (AssessmentInput(colour=("78", "3", "4")), "colour_source"),
    (AssessmentInput(colour=("78", "3", "4"), colour_source="scan", illuminant_observer="moon"),
     "illuminant_observer"),
    (AssessmentInput(leaf_from=10, leaf_to=3), "leaf_to"),
    (AssessmentInput(thickness_um="thin"), "thickness_um"),
    (AssessmentInput(photos=["not-a-hash"]), "photos[0]"),
    (AssessmentInput(photos=["ab" * 32]), "photos[0]"),  # well-formed, but not in the image store
])
def test_bad_assessments_write_nothing(org: dict[str, Guji], data: AssessmentInput, field: str) -> None:
    jid = open_job(org)
    audits = count(org["admin"], AuditEntry)
    with pytest.raises(ValidationError) as err:
        org["restorer_a"].restoration.record_assessment(jid, data)
    assert err.value.fields == [field]
    assert count(org["admin"], Assessment) == 0 and count(org["admin"], AuditEntry) == audits


def test_confirming_needs_an_assessment_and_a_restorer(org: dict[str, Guji]) -> None:
    jid = open_job(org)
    with pytest.raises(Conflict, match="no condition assessment"):
        org["restorer_a"].restoration.confirm_damage_grade(jid, "severe")
    org["restorer_a"].restoration.record_assessment(jid, ASSESSMENT)
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].restoration.confirm_damage_grade(jid, "severe")
    with pytest.raises(ValidationError):
        org["restorer_a"].restoration.confirm_damage_grade(jid, "一級乙")


# ---------------------------------------------------------------- pH

PH = PhSetInput(kind="before_treatment", method="surface_flat_electrode", instrument="Mettler S220",
                electrode="InLab Surface", wait_seconds=60, temperature_c="21.5",
                points=[("1", "天頭", "4.80"), ("1", "書腦", "5.10"), ("2", "天頭", 5.6), ("3", "", "６．２")])


def test_ph_set_statistics_and_flags(any_org: dict[str, Guji]) -> None:
    org = any_org
    jid = open_job(org)
    r = org["restorer_a"].restoration
    v = r.record_ph_set(jid, PH)
    assert [p.value for p in v.points] == [Decimal("4.80"), Decimal("5.10"), Decimal("5.60"), Decimal("6.20")]
    assert v.stats.n == 4 and v.stats.mean == Decimal("5.425") and v.stats.median == Decimal("5.35")
    assert v.stats.minimum == Decimal("4.80") and v.stats.maximum == Decimal("6.20")
    assert [p.acidic for p in v.points] == [True, True, False, False]  # default threshold 5.5
    assert v.calibration == ("4.00", "7.00") and v.temperature_c == Decimal("21.5")
    stored = r.ph_sets(jid)[0]
    assert stored.points == v.points and str(stored.points[1].value) == "5.10"
    after = PhSetInput(kind="after_deacidification", method="surface_flat_electrode",
                       points=[("1", "天頭", "7.90"), ("2", "天頭", "8.10")])
    to_state(org, jid, "in_treatment")
    r.record_ph_set(jid, after)
    cmp = {c.leaf: c for c in r.ph_comparison(jid)}
    assert cmp["1"].earlier_mean == Decimal("4.95") and cmp["1"].later_mean == Decimal("7.90")
    assert cmp["3"].later_mean is None
    # the acidity threshold is a setting
    org["admin"].restoration.set_setting("acid_threshold", "5.0")
    assert [p.acidic for p in r.ph_sets(jid)[0].points] == [True, False, False, False]


@pytest.mark.parametrize("points, field", [
    ([("1", "", "14.5")], "points[0].value"),
    ([("1", "", "-1")], "points[0].value"),
    ([("1", "", "5.123")], "points[0].value"),
    ([("1", "", "abc")], "points[0].value"),
    ([("1", "", "5.1"), ("", "", "5.2")], "points[1].leaf"),
    ([], "points"),
])
def test_bad_ph_points_write_nothing(org: dict[str, Guji], points: list, field: str) -> None:
    jid = open_job(org)
    with pytest.raises(ValidationError) as err:
        org["restorer_a"].restoration.record_ph_set(jid, PhSetInput("before_treatment", "surface_flat_electrode",
                                                                    points))
    assert err.value.fields == [field]
    assert count(org["admin"], PhSetRow) == 0 and count(org["admin"], PhPointRow) == 0


def test_ph_kind_method_and_role(org: dict[str, Guji]) -> None:
    jid = open_job(org)
    r = org["restorer_a"].restoration
    with pytest.raises(ValidationError) as err:
        r.record_ph_set(jid, PhSetInput("sometime", "surface_flat_electrode", [("1", "", "5")]))
    assert err.value.fields == ["kind"]
    with pytest.raises(ValidationError) as err:
        r.record_ph_set(jid, PhSetInput("before_treatment", "litmus", [("1", "", "5")]))
    assert err.value.fields == ["method"]
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].restoration.record_ph_set(jid, PH)
    assert count(org["admin"], PhSetRow) == 0
    with pytest.raises(ValidationError):
        org["admin"].restoration.set_setting("acid_threshold", "15")
    with pytest.raises(PermissionDenied):
        r.set_setting("acid_threshold", "5")


# ---------------------------------------------------------------- materials and sessions

def test_sessions_decrement_stock_and_refuse_below_zero(any_org: dict[str, Guji]) -> None:
    org = any_org
    r = org["restorer_a"].restoration
    paper = add_paper(org["restorer_a"])
    paste = r.add_material(MaterialInput(kind="paste", name="小麥澱粉漿", unit="g", quantity="500")).id
    jid = open_job(org)
    to_state(org, jid, "in_treatment")
    before_sessions = count(org["admin"], RepairSession)
    s = r.record_session(jid, SessionInput(day=dt.date.today(), hours="4", leaves=10, operations=["补洞"],
                                           materials=[(paper, "4"), (paste, "25.5")], notes="補卷一蟲洞"))
    assert s.operations == ("infill",) and [m.quantity for m in s.materials] == [Decimal("4"), Decimal("25.5")]
    stock = {m.id: m.quantity for m in r.materials()}
    assert stock[paper] == Decimal("6") and stock[paste] == Decimal("474.5")
    assert r.low_stock() == []
    # 7 sheets wanted, 6 left: refused, nothing written (not the paste either)
    with pytest.raises(ValidationError) as err:
        r.record_session(jid, SessionInput(day=dt.date.today(), hours="2", leaves=5,
                                           materials=[(paste, "10"), (paper, "7")]))
    assert err.value.fields == ["materials[1].quantity"] and "库存只有 6 张" in str(err.value)
    stock = {m.id: m.quantity for m in r.materials()}
    assert stock[paper] == Decimal("6") and stock[paste] == Decimal("474.5")
    assert count(org["admin"], RepairSession) == before_sessions + 1
    r.record_session(jid, SessionInput(day=dt.date.today(), hours="2", leaves=5, materials=[(paper, "3")]))
    assert [m.name for m in r.low_stock()] == ["竹纸（染）"]
    moves = count(org["admin"], StockMove)
    assert moves == 2 + 2 + 1  # two openings, two materials in the first session, one in the last
    t = r.job_totals(jid)
    assert t is not None and t.sessions == 2 and t.leaves == 15 and t.hours == Decimal("6")
    p = r.progress(jid)
    assert p.planned_leaves == 40 and p.done_leaves == 15 and p.remaining_leaves == 25
    months = r.restorer_month_totals()
    assert months[0].restorer == "restorer.a" and months[0].hours == Decimal("6")


def test_adjust_stock(org: dict[str, Guji], paper: int) -> None:
    r = org["restorer_a"].restoration
    assert r.adjust_stock(paper, "5", reason="receipt").quantity == Decimal("15")
    with pytest.raises(ValidationError) as err:
        r.adjust_stock(paper, "-16", reason="correction")
    assert "库存只有 15" in str(err.value)
    with pytest.raises(ValidationError):
        r.adjust_stock(paper, "-1", reason="receipt")
    assert r.adjust_stock(paper, "-15", reason="correction").quantity == 0
    with pytest.raises(PermissionDenied):
        org["reviewer_b"].restoration.adjust_stock(paper, "1")
    hist = org["admin"].audit.history("restoration_material", paper)
    assert [h.action for h in hist] == ["stock_correction", "stock_receipt", "create"]


@pytest.mark.parametrize("data, field", [
    (MaterialInput(kind="glue", name="x", unit="g"), "kind"),
    (MaterialInput(kind="paste", name=" ", unit="g"), "name"),
    (MaterialInput(kind="paste", name="x", unit=""), "unit"),
    (MaterialInput(kind="paste", name="x", unit="g", quantity="-1"), "quantity"),
    (MaterialInput(kind="repair_paper", name="x", unit="张", ph="15"), "ph"),
])
def test_bad_materials(org: dict[str, Guji], data: MaterialInput, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        org["restorer_a"].restoration.add_material(data)
    assert err.value.fields == [field]
    assert count(org["admin"], Material) == 0


def test_session_rules(org: dict[str, Guji]) -> None:
    jid = open_job(org)
    to_state(org, jid, "in_treatment")
    r = org["restorer_a"].restoration
    for data, field in [
        (SessionInput(day=dt.date.today(), hours="25", leaves=1), "hours"),
        (SessionInput(day=dt.date.today(), hours="2", leaves=-1), "leaves"),
        (SessionInput(day=dt.date.today() + dt.timedelta(days=2), hours="2", leaves=1), "day"),
        (SessionInput(day=dt.date.today(), hours="2", leaves=1, operations=["painting"]), "operations[0]"),
        (SessionInput(day=dt.date.today(), hours="2", leaves=1, materials=[(999, "1")]),
         "materials[0].material_id"),
    ]:
        with pytest.raises(ValidationError) as err:
            r.record_session(jid, data)
        assert err.value.fields == [field]
    assert count(org["admin"], RepairSession) == 0
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].restoration.record_session(jid, SessionInput(day=dt.date.today(), hours=1, leaves=1))


def test_plan_with_materials(org: dict[str, Guji], paper: int) -> None:
    jid = open_job(org)
    r = org["restorer_a"].restoration
    p = r.save_plan(jid, PlanInput(operations=["除尘", "补洞/补破", "rebinding"], materials=[(paper, 3)],
                                   estimated_hours="12.5", planned_leaves=38, description="宁浅勿深"))
    assert p.operations == ("dust_removal", "infill", "rebinding") and p.materials[0].name == "竹纸（染）"
    with pytest.raises(ValidationError) as err:
        r.save_plan(jid, PlanInput(operations=[]))
    assert err.value.fields == ["operations"]
    with pytest.raises(ValidationError) as err:
        r.save_plan(jid, PlanInput(operations=["infill"], materials=[(paper, 0)]))
    assert err.value.fields == ["materials[0].quantity"]
    assert r.plan(jid).estimated_hours == Decimal("12.50")  # type: ignore[union-attr]
