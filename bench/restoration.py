"""Restoration archive figures: recording pH sets and sessions, loading a big archive, writing its PDF.

Builds one job with 20 pH sets × 50 points (1,000 readings), 200 repair sessions each consuming two
materials, 10 recipes × 10 trials, on a fresh SQLite file, and prints the time of each step.
Run: .venv/bin/python bench/restoration.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GUJI_HOME", tempfile.mkdtemp(prefix="guji-bench-"))

from restoration.report import write_report  # noqa: E402
from restoration.views import MaterialInput, PhSetInput, PlanInput, RecipeInput, SessionInput, TrialInput  # noqa: E402
from tests.conftest import admin_for, build_org, make_db  # noqa: E402
from tests.restoration.conftest import ASSESSMENT, register  # noqa: E402


def timed(label: str, fn, *args, **kw):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    print(f"{label:<52} {time.perf_counter() - t0:8.3f} s")
    return out


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="guji-bench-rest-"))
    org = build_org(admin_for(make_db(str(tmp / "bench.sqlite3"))))
    r, v = org["restorer_a"].restoration, org["reviewer_a"].restoration
    jid = r.open_job(register(org), requester="古籍部", reviewer="reviewer.a", leaves_in_scope=2000).id
    r.record_assessment(jid, ASSESSMENT)
    r.confirm_damage_grade(jid, "severe")
    paper = r.add_material(MaterialInput("repair_paper", "竹纸", "张", quantity="100000")).id
    paste = r.add_material(MaterialInput("paste", "小麥澱粉漿", "g", quantity="100000")).id
    r.save_plan(jid, PlanInput(operations=["infill"], planned_leaves=2000, estimated_hours="800"))
    r.submit_plan(jid)
    v.approve_plan(jid)
    r.start_treatment(jid)

    def ph_sets() -> None:
        for k in range(20):
            kind = "before_treatment" if k < 10 else "after_deacidification"
            r.record_ph_set(jid, PhSetInput(kind, "surface_flat_electrode",
                                            [(str(i + 1), "天頭", f"{4.5 + (i * 7 + k) % 40 / 10:.2f}")
                                             for i in range(50)]))

    timed("20 pH sets × 50 points (one transaction each)", ph_sets)

    def sessions() -> None:
        start = dt.date.today() - dt.timedelta(days=400)
        for i in range(200):
            r.record_session(jid, SessionInput(day=start + dt.timedelta(days=2 * i), hours="3.5", leaves=10,
                                               operations=["infill"], materials=[(paper, 2), (paste, "5.5")]))

    timed("200 sessions with 2 materials each (stock moves)", sessions)

    def dyeing() -> None:
        for i in range(10):
            rid = r.add_recipe(RecipeInput(name=f"紅茶 {i}", dyes=[("紅茶", str(4 + i), "g/L")], job_id=jid)).id
            for k in range(10):
                r.record_trial(rid, TrialInput(measured=(70 + i, 2 + k / 10, 15 + k / 5), illuminant_observer="D65_10",
                                               accepted=k == 9))

    timed("10 recipes × 10 trials", dyeing)
    timed("rank_recipes_for (10 recipes)", r.rank_recipes_for, (78.2, 3.1, 18.4))
    arch = timed("archive(job) — everything for the report/editor", r.archive, jid)
    timed("restorer_month_totals", r.restorer_month_totals)
    out = timed("write_report (PDF)", write_report, arch, tmp / "archive.pdf")
    print(f"PDF size {out.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
