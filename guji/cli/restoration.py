"""``guji restoration …``: list and show restoration jobs, pH statistics, low stock, add photographs,
the archive PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from guji.cli.common import print_json, print_table, sign_in

if TYPE_CHECKING:
    from guji.app import Guji


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("restoration", help="restoration archives (修复档案): jobs, pH, materials, archive PDF")
    rsub = p.add_subparsers(dest="action", required=True)

    a = rsub.add_parser("list", help="list restoration jobs")
    a.add_argument("--state", help="assessment, plan, plan_approved, in_treatment, acceptance, closed")
    a.add_argument("--restorer", metavar="LOGIN")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_list)

    a = rsub.add_parser("show", help="show one job (number like XF-2026-0001, or id)")
    a.add_argument("job")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_show)

    a = rsub.add_parser("ph", help="pH sets of a job with n, mean, median, min, max, SD and acidic points")
    a.add_argument("job")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_ph)

    a = rsub.add_parser("low-stock", help="materials at or below their low-stock threshold")
    a.set_defaults(func=cmd_low_stock)

    a = rsub.add_parser("photo", help="add photographs of a job (before/during/after) to the image store and the job")
    a.add_argument("job", help="job number like XF-2026-0001, or id")
    a.add_argument("files", nargs="+", metavar="FILE", help="image files (TIFF, JPEG, PNG)")
    a.add_argument("--stage", required=True, help="before, during or after")
    a.add_argument("--leaf", help="the leaf shown (e.g. 3 or 卷一 3)")
    a.add_argument("--caption")
    a.add_argument("--json", action="store_true", help="one JSON object per file")
    a.set_defaults(func=cmd_photo)

    a = rsub.add_parser("report", help="write the archive of a job as an A4 PDF")
    a.add_argument("job")
    a.add_argument("--out", required=True, metavar="FILE.pdf")
    a.set_defaults(func=cmd_report)


def _job_id(app: Guji, ref: str) -> int:
    """A job by number, or by id when the reference is all digits."""
    if ref.isdigit():
        return app.restoration.get_job(int(ref)).id
    return app.restoration.find_job(ref).id


def cmd_list(args: argparse.Namespace) -> int:
    app = sign_in(args)
    rows = app.restoration.list_jobs(state=args.state, restorer=args.restorer)
    if args.json:
        print_json([r.__dict__ for r in rows])
        return 0
    print_table([[r.job_number, r.state, r.census_number, r.title, ",".join(r.restorers), r.reviewer or "",
                  r.opened_on, r.damage_grade or ""] for r in rows],
                ["job", "state", "census number", "title", "restorers", "reviewer", "opened", "damage"])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    app = sign_in(args)
    jid = _job_id(app, args.job)
    arch = app.restoration.archive(jid)
    j = arch.job
    if args.json:
        print_json({"job": j.__dict__, "plan": arch.plan.__dict__ if arch.plan else None,
                    "sessions": len(arch.sessions), "ph_sets": len(arch.ph_sets),
                    "totals": arch.totals.__dict__ if arch.totals else None})
        return 0
    print(f"{j.job_number}  {j.state}  {j.census_number}  {j.title}")
    print(f"  institution: {j.institution_name}   requester: {j.requester}   priority: {j.priority}")
    restorers = ", ".join(r[1] for r in j.restorers) or "-"
    print(f"  restorers: {restorers}   reviewer: {j.reviewer[1] if j.reviewer else '-'}")
    print(f"  damage grade: {j.damage_grade or '-'} (suggested {j.damage_grade_suggested or '-'})")
    print(f"  assessments: {len(arch.assessments)}   pH sets: {len(arch.ph_sets)}   recipes: {len(arch.recipes)}"
          f"   sessions: {len(arch.sessions)}")
    if arch.totals:
        t = arch.totals
        print(f"  worked: {t.hours} h, {t.leaves} leaves"
              + (f", {t.leaves_per_hour:.2f} leaves/h" if t.leaves_per_hour is not None else ""))
    if arch.progress and arch.progress.planned_leaves:
        p = arch.progress
        print(f"  progress: {p.done_leaves}/{p.planned_leaves} leaves")
    return 0


def cmd_ph(args: argparse.Namespace) -> int:
    app = sign_in(args)
    sets = app.restoration.ph_sets(_job_id(app, args.job))
    if args.json:
        print_json([{"id": s.id, "kind": s.kind, "method": s.method, "n": s.stats.n, "mean": s.stats.mean,
                     "median": s.stats.median, "min": s.stats.minimum, "max": s.stats.maximum,
                     "sd": s.stats.stdev, "threshold": s.stats.threshold,
                     "acidic": [[p.leaf, p.position, p.value] for p in s.stats.acidic]} for s in sets])
        return 0

    def f(v: object) -> str:
        return "-" if v is None else f"{v:.2f}"

    print_table([[s.id, s.kind, s.measured_on, s.stats.n, f(s.stats.mean), f(s.stats.median), f(s.stats.minimum),
                  f(s.stats.maximum), f(s.stats.stdev), f"{len(s.stats.acidic)} < {s.stats.threshold}"]
                 for s in sets], ["set", "kind", "date", "n", "mean", "median", "min", "max", "sd", "acidic"])
    return 0


def cmd_low_stock(args: argparse.Namespace) -> int:
    app = sign_in(args)
    print_table([[m.id, m.name, m.kind, m.batch or "", f"{m.quantity.normalize():f}", m.unit,
                  f"{m.low_stock.normalize():f}" if m.low_stock is not None else "", m.location or ""]
                 for m in app.restoration.low_stock()],
                ["id", "name", "kind", "batch", "quantity", "unit", "threshold", "location"])
    return 0


def cmd_photo(args: argparse.Namespace) -> int:
    """Add each file as a photograph of the job; stops at the first refusal (earlier files stay added,
    the refused one writes nothing)."""
    app = sign_in(args)
    jid = _job_id(app, args.job)
    for path in args.files:
        ph = app.restoration.add_photo_file(jid, path, args.stage, leaf=args.leaf, caption=args.caption)
        if args.json:
            print_json({"job_id": jid, "photo_id": ph.id, "stage": ph.stage, "sha256": ph.sha256,
                        "image_id": ph.image_id, "leaf": ph.leaf, "caption": ph.caption, "file": path})
        else:
            print(f"{ph.stage}\t{ph.sha256}\t{path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from restoration.report import write_report

    app = sign_in(args)
    out = write_report(app.restoration.archive(_job_id(app, args.job)), Path(args.out))
    print(out)
    return 0
