"""Helpers for the restoration service tests: a registered book and a job walked to a given state."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from guji.app import Guji
from guji.census.record import RecordData
from restoration.views import AssessmentInput, MaterialInput, PlanInput, SessionInput

SHA = "ab" * 32  # a well-formed hash the image store does not hold


def register(org: dict[str, Guji], title: str = "墨子十五卷") -> int:
    res = org["census_a"].census.register_book(
        RecordData(title=title, edition_statement="明萬曆刻本", volumes=4))
    return res.id


def count(app: Guji, model: type) -> int:
    with app.ctx.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def open_job(org: dict[str, Guji], **kw: object) -> int:
    rid = register(org)
    kw.setdefault("requester", "古籍部")
    kw.setdefault("reviewer", "reviewer.a")
    kw.setdefault("leaves_in_scope", 40)
    return org["restorer_a"].restoration.open_job(rid, **kw).id  # type: ignore[arg-type]


ASSESSMENT = AssessmentInput(
    findings=[("loss", "percent", "25"), ("insect", "percent", 10), ("acidification", "ph", "5.2")],
    volume=1, leaf_from=1, leaf_to=40, paper_type="竹纸", fibres=[("bamboo", 80), ("rice_straw", 20)],
    thickness_um="62.5", colour=("78.20", "3.10", "18.40"), colour_source="colorimeter",
    illuminant_observer="D65_10")


def to_state(org: dict[str, Guji], job_id: int, state: str) -> None:
    """Walk a fresh job forward to ``state`` with the real service calls."""
    r = org["restorer_a"].restoration
    v = org["reviewer_a"].restoration
    order = ["assessment", "plan", "plan_approved", "in_treatment", "acceptance", "closed"]
    target = order.index(state)
    if target >= 1:
        r.record_assessment(job_id, ASSESSMENT)
        r.confirm_damage_grade(job_id, "severe")
        r.save_plan(job_id, PlanInput(operations=["dust_removal", "infill"], estimated_hours="10",
                                      planned_leaves=40))
        r.submit_plan(job_id)
    if target >= 2:
        v.approve_plan(job_id)
    if target >= 3:
        r.start_treatment(job_id)
    if target >= 4:
        r.record_session(job_id, SessionInput(day=dt.date.today(), hours="3.5", leaves=12,
                                              operations=["infill"]))
        r.submit_for_acceptance(job_id)
    if target >= 5:
        v.accept(job_id, "good", comments="補洞平整")


def add_paper(app: Guji) -> int:
    """A stock of 10 sheets of dyed bamboo repair paper (low-stock warning at 3)."""
    return app.restoration.add_material(MaterialInput(
        kind="repair_paper", name="竹纸（染）", unit="张", quantity="10", fibre="bamboo", thickness_um="55",
        ph="7.2", colour=("80.00", "2.50", "16.00"), maker="富陽", batch="2025-03", location="纸柜 A2",
        low_stock="3")).id


@pytest.fixture
def paper(org: dict[str, Guji]) -> int:
    return add_paper(org["restorer_a"])
