"""Demo restoration archives for ``guji-desktop --demo``: a few jobs at different stages.

Called by :func:`guji.demo.seed_demo` when present (like the census demo records). Uses the demo
restorer (趙修復) and reviewer (李審核) of 遼寧省圖書館（演示） and the first records of that library;
everything goes through the service, as a user would do it.
"""

from __future__ import annotations

import datetime as dt

from guji.app import Guji
from guji.census.search import SearchFilters
from restoration.views import (
    AssessmentInput,
    MaterialInput,
    PhSetInput,
    PlanInput,
    RecipeInput,
    SessionInput,
    TrialInput,
)


def seed_jobs(admin: Guji, institution_code: str, *, password: str, restorer: str = "zhao.restorer",
              reviewer: str = "li.review") -> dict[str, int]:
    """Open three demo jobs on the institution's first records: one closed (accepted), one in treatment,
    one in assessment. Returns counts. Does nothing when the institution has fewer than three records."""
    ids = admin.search.ids("", SearchFilters(institution=institution_code))[:3]
    if len(ids) < 3:
        return {"restoration_jobs": 0}
    rest = Guji.sign_in(admin.db, restorer, password)
    rev = Guji.sign_in(admin.db, reviewer, password)
    r, v = rest.restoration, rev.restoration
    paper = r.add_material(MaterialInput("repair_paper", "竹紙（紅茶染）", "張", quantity="120", fibre="bamboo",
                                         thickness_um="55", ph="7.3", colour=("79.10", "2.80", "17.10"),
                                         maker="富陽", batch="2025-03", location="紙櫃 A2", low_stock="20")).id
    paste = r.add_material(MaterialInput("paste", "小麥澱粉漿", "g", quantity="800", low_stock="100")).id
    r.add_material(MaterialInput("thread", "蠶絲線", "m", quantity="6", low_stock="10", location="抽屜 3"))
    today = dt.date.today()
    jobs = []
    for n, rid in enumerate(ids):
        jid = r.open_job(rid, requester="古籍部", reviewer=reviewer, leaves_in_scope=40,
                         volumes_scope="第1冊", leaves_scope="卷一 1-40").id
        jobs.append(jid)
        r.record_assessment(jid, AssessmentInput(
            findings=[("虫蛀", "percent", 25 - 5 * n), ("残缺", "percent", 8), ("酸化", "ph", "5.2")], volume=1,
            leaf_from=1, leaf_to=40, paper_type="竹紙", fibres=[("bamboo", 85), ("rice_straw", 15)],
            thickness_um="62", colour=("78.20", "3.10", "18.40"), colour_source="colorimeter",
            illuminant_observer="D65_10"))
        r.record_ph_set(jid, PhSetInput("before_treatment", "surface_flat_electrode",
                                        [(str(i), "天頭", f"{4.7 + (i * 13 % 9) / 10:.2f}") for i in range(1, 13)],
                                        instrument="Mettler S220", electrode="InLab Surface", wait_seconds=60,
                                        temperature_c="21.5", measured_on=today - dt.timedelta(days=40)))
        if n == 2:
            break  # the third job stays in assessment
        r.confirm_damage_grade(jid, "severe")
        r.save_plan(jid, PlanInput(operations=["dust_removal", "deacidification", "infill", "gutter_repair",
                                               "rebinding"], materials=[(paper, 30), (paste, 200)],
                                   estimated_hours="24", planned_leaves=40,
                                   description="宁浅勿深：補紙選略淺於原紙者；脫酸後補洞溜口，換線重訂。"))
        r.submit_plan(jid)
        v.approve_plan(jid)
        r.start_treatment(jid)
        recipe = r.add_recipe(RecipeInput(name=f"紅茶染竹紙 {n + 1}",
                                          dyes=[("紅茶", "8", "g/L"), ("橡碗子", "2", "g/L")],
                                          base_paper_id=paper, mordant="明礬 1 g/L", bath_temperature_c="60",
                                          dips=3, minutes=15, drying="陰乾", job_id=jid)).id
        for lab, ok in (((75.0, 4.0, 20.0), False), ((77.6, 3.3, 18.9), False), ((78.9, 2.9, 17.8), True)):
            r.record_trial(recipe, TrialInput(measured=lab, illuminant_observer="D65_10", accepted=ok))
        for k in range(4 if n == 0 else 2):
            r.record_session(jid, SessionInput(day=today - dt.timedelta(days=35 - 9 * k), hours="4.5", leaves=10,
                                               operations=["infill", "gutter_repair"],
                                               materials=[(paper, 6), (paste, 40)], notes="補蟲洞、溜口"))
        if n == 0:
            r.record_ph_set(jid, PhSetInput("after_treatment", "surface_flat_electrode",
                                            [(str(i), "天頭", f"{7.6 + (i * 7 % 6) / 10:.2f}") for i in range(1, 13)],
                                            measured_on=today - dt.timedelta(days=2)))
            r.submit_for_acceptance(jid)
            v.accept(jid, "good", comments="補紙色澤協調，平整，訂線牢固。")
    return {"restoration_jobs": len(jobs)}
