"""Eight desks on one database at once, and the checks that nothing was silently lost.

``prepare(url)`` builds an organisation with records, materials and restoration jobs;
``run(url, setup, processes, seconds)`` starts that many desk processes, each signing in
as the census clerk, two reviewers and the restorer of one institution and doing, at
random, what those people do to the same few rows: editing records with the version
they loaded, booking stock, checking books out and in, saving plans, approving and
returning records, accepting and sending back jobs. ``check(url, setup, result)`` then
reads the database and returns every inconsistency it finds:

* a census edit or plan save that reported success but whose change is not in the
  final text (each save appends a unique token to what it loaded, so the final text
  holds every token of every successful save exactly when no save overwrote another);
* stock that differs from its ledger, or from the opening stock plus the successful moves;
* a book out twice at once, a check-out reported that is not in the movements;
* a job whose state and acceptances disagree, a record whose state is not its last
  review round's, review rounds that do not follow each other;
* any exception other than guji's own user-facing errors.

The test suite runs a short round on PostgreSQL (and SQLite); ``bench/concurrency.py``
runs a long one and prints commits/s, conflicts and save latency.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import multiprocessing as mp
import os
import random
import time
import traceback
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

OPS = ("edit", "receipt", "take", "checkout", "checkin", "plan", "review", "acceptance")
PASSWORD = "secret-pass-1"


@dataclasses.dataclass
class Setup:
    edit_records: list[int]
    review_records: list[int]
    vault_records: list[int]
    materials: dict[int, Decimal]  # id -> opening quantity
    plan_jobs: list[int]
    acceptance_jobs: list[int]


@dataclasses.dataclass
class DeskResult:
    ok: Counter[str] = dataclasses.field(default_factory=Counter)
    refused: Counter[str] = dataclasses.field(default_factory=Counter)
    tokens: dict[str, list[tuple[int, str]]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    stock: dict[int, Decimal] = dataclasses.field(default_factory=lambda: defaultdict(Decimal))
    checkouts: Counter[int] = dataclasses.field(default_factory=Counter)
    latencies: list[float] = dataclasses.field(default_factory=list)  # seconds per successful save
    bugs: list[str] = dataclasses.field(default_factory=list)


def _env() -> None:
    os.environ.setdefault("GUJI_ARGON2_PROFILE", "test")


def prepare(url: str, *, records: int = 6, materials: int = 3, jobs: int = 4) -> Setup:
    """A fresh organisation on the (empty) database at ``url``."""
    _env()
    from guji.app import Guji
    from guji.census.record import RecordData
    from guji.db import migrate
    from guji.db.engine import Database
    from guji.services import auth
    from restoration.views import (
        AssessmentInput,
        MaterialInput,
        PlanInput,
        SessionInput,
    )

    db = Database.open(url, create=True)
    migrate.upgrade(db)
    admin = Guji(db, auth.bootstrap_admin(db, "admin", "keeper-of-books-1"))
    admin.institutions.add_institution("遼寧省古籍保護中心", "210000", "0001", is_centre=True)
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    for login, role in (("census.a", "census"), ("reviewer.a", "reviewer"), ("reviewer.a2", "reviewer"),
                        ("restorer.a", "restorer")):
        admin.users.add_user(login, PASSWORD, [role], institution="210000-0101")
    clerk = Guji.sign_in(db, "census.a", PASSWORD)
    reviewer = Guji.sign_in(db, "reviewer.a", PASSWORD)
    restorer = Guji.sign_in(db, "restorer.a", PASSWORD)

    serial = itertools.count(1)

    def book(kind: str) -> int:
        i = next(serial)
        return clerk.census.register_book(RecordData(
            title=f"{kind}書{i}十卷", edition_statement="明萬曆刻本", volumes=2, notes="",
            call_number=f"{kind}{i}")).id

    edit = [book("改") for _ in range(records)]
    review = [book("審") for _ in range(records)]
    vault = [book("庫") for _ in range(records)]
    mats = {}
    for i in range(materials):
        m = restorer.restoration.add_material(MaterialInput(kind="repair_paper", name=f"竹纸{i}", unit="张",
                                                            quantity="50"))
        mats[m.id] = m.quantity
    assessment = AssessmentInput(findings=[("loss", "percent", "25")], volume=1, leaf_from=1, leaf_to=10)

    def job(state: str) -> int:
        rid = book("修")
        jid = restorer.restoration.open_job(rid, requester="古籍部", leaves_in_scope=10).id
        if state == "assessment":
            return jid
        r = restorer.restoration
        r.record_assessment(jid, assessment)
        r.confirm_damage_grade(jid, "severe")
        r.save_plan(jid, PlanInput(operations=["infill"], description=""))
        r.submit_plan(jid)
        reviewer.restoration.approve_plan(jid)
        r.start_treatment(jid)
        r.record_session(jid, SessionInput(day=dt.date.today(), hours="1", leaves=1, operations=["infill"]))
        r.submit_for_acceptance(jid)
        return jid

    plan_jobs = [job("assessment") for _ in range(jobs)]
    for jid in plan_jobs:
        restorer.restoration.record_assessment(jid, assessment)
    acceptance_jobs = [job("acceptance") for _ in range(jobs)]
    db.dispose()
    return Setup(edit, review, vault, mats, plan_jobs, acceptance_jobs)


def _desk(url: str, setup: Setup, seconds: float, seed: int, queue: Any, min_ops: int = 0) -> None:
    _env()
    from guji.app import Guji
    from guji.errors import GujiError
    from restoration.views import PlanInput

    res = DeskResult()
    rng = random.Random(seed)
    try:
        db = _desk_database(url)
        clerk = Guji.sign_in(db, "census.a", PASSWORD)
        reviewers = [Guji.sign_in(db, "reviewer.a", PASSWORD), Guji.sign_in(db, "reviewer.a2", PASSWORD)]
        restorer = Guji.sign_in(db, "restorer.a", PASSWORD)
    except BaseException:  # noqa: BLE001 - reported to the parent
        res.bugs.append(traceback.format_exc())
        queue.put(res)
        return
    end = time.monotonic() + seconds
    # On a loaded machine a desk may get few turns in ``seconds``: it goes on until it has tried
    # ``min_ops`` operations (within a hard limit), so that the desks really meet.
    hard_end = end + 240
    n = 0
    while (time.monotonic() < end or n < min_ops) and time.monotonic() < hard_end:
        op = rng.choice(OPS)
        n += 1
        token = f"<{seed}.{n}>"
        started = time.perf_counter()
        try:
            if op == "edit":
                rid = rng.choice(setup.edit_records)
                view = clerk.census.get_record(rid)
                data = view.data
                data.notes = (data.notes or "") + token
                time.sleep(rng.random() * 0.005)  # the clerk types
                clerk.census.update_record(rid, data, expected_version=view.version)
                res.tokens["edit"].append((rid, token))
            elif op == "receipt":
                mid = rng.choice(list(setup.materials))
                restorer.restoration.adjust_stock(mid, 1, reason="receipt")
                res.stock[mid] += 1
            elif op == "take":
                mid = rng.choice(list(setup.materials))
                restorer.restoration.adjust_stock(mid, -2, reason="correction")
                res.stock[mid] -= 2
            elif op == "checkout":
                rid = rng.choice(setup.vault_records)
                clerk.vault.check_out(rid, "reading", f"讀者{seed}")
                res.checkouts[rid] += 1
            elif op == "checkin":
                clerk.vault.check_in(rng.choice(setup.vault_records))
            elif op == "plan":
                jid = rng.choice(setup.plan_jobs)
                plan = restorer.restoration.plan(jid)
                desc = (plan.description or "") if plan else ""
                restorer.restoration.save_plan(jid, PlanInput(operations=["infill", "flattening"],
                                                              description=desc + token),
                                               expected_version=plan.version if plan else 0)
                res.tokens["plan"].append((jid, token))
            elif op == "review":
                rid = rng.choice(setup.review_records)
                who = rng.choice(reviewers)
                state = clerk.census.get_record(rid).state
                if state in ("draft", "returned"):
                    clerk.review.submit_for_review(rid)
                elif state == "submitted" and rng.random() < 0.5:
                    who.review.approve(rid)
                elif state == "submitted":
                    who.review.return_for_correction(rid, "請核對")
                else:
                    who.review.reopen(rid, "再核")
            elif op == "acceptance":
                jid = rng.choice(setup.acceptance_jobs)
                who = rng.choice(reviewers)
                state = who.restoration.get_job(jid).state
                if state == "acceptance" and rng.random() < 0.5:
                    who.restoration.accept(jid, "good")
                elif state == "acceptance":
                    who.restoration.send_back(jid, "再補")
                elif state == "in_treatment":
                    restorer.restoration.submit_for_acceptance(jid)
                else:
                    who.restoration.reopen(jid, "複查")
            res.ok[op] += 1
            res.latencies.append(time.perf_counter() - started)
        except GujiError:
            res.refused[op] += 1
        except BaseException:  # noqa: BLE001 - a raw exception reaching the desk is a bug
            res.bugs.append(f"{op}: {traceback.format_exc()}")
    db.dispose()
    queue.put(res)


def _desk_database(url: str) -> Any:
    """The database as a desk opens it: on PostgreSQL without the owner's credentials, so each
    person signs in as their own role (grants and row-level security apply)."""
    from sqlalchemy import URL
    from sqlalchemy.engine import make_url

    from guji.db.engine import Database

    if "://" not in url:
        return Database.open(url)
    u = make_url(url)
    return Database.open(URL.create(u.drivername, host=u.host, port=u.port, database=u.database, query=u.query)
                         .render_as_string(hide_password=False))


@dataclasses.dataclass
class RunResult:
    processes: int
    seconds: float
    desks: list[DeskResult]

    @property
    def commits(self) -> int:
        return sum(sum(d.ok.values()) for d in self.desks)

    @property
    def refused(self) -> int:
        return sum(sum(d.refused.values()) for d in self.desks)

    def latency_p(self, q: float) -> float:
        xs = sorted(x for d in self.desks for x in d.latencies)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def run(url: str, setup: Setup, *, processes: int = 8, seconds: float = 5.0, seed: int = 1,
        min_ops: int = 0) -> RunResult:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_desk, args=(url, setup, seconds, seed * 100 + k, queue, min_ops))
             for k in range(processes)]
    started = time.monotonic()
    for p in procs:
        p.start()
    desks = [queue.get(timeout=seconds + 600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return RunResult(processes, time.monotonic() - started, desks)


def check(url: str, setup: Setup, result: RunResult) -> list[str]:
    """Every inconsistency found in the database after ``run`` (empty: nothing lost)."""
    from sqlalchemy import select

    from guji.census.models import CensusRecord, ReviewRound, VaultMovement
    from guji.db.engine import Database
    from restoration.models import Acceptance, Material, Plan, RestorationJob, StockMove

    problems: list[str] = [b for d in result.desks for b in d.bugs]
    db = Database.open(url)
    with db.read_session() as s:
        notes = dict(s.execute(select(CensusRecord.id, CensusRecord.notes)
                               .where(CensusRecord.id.in_(setup.edit_records))).all())
        for d in result.desks:
            for rid, token in d.tokens["edit"]:
                if token not in (notes.get(rid) or ""):
                    problems.append(f"census edit {token} on record {rid} reported saved but lost")
        plans = dict(s.execute(select(Plan.job_id, Plan.description)
                               .where(Plan.job_id.in_(setup.plan_jobs))).all())
        for d in result.desks:
            for jid, token in d.tokens["plan"]:
                if token not in (plans.get(jid) or ""):
                    problems.append(f"plan edit {token} on job {jid} reported saved but lost")
        for mid, opening in setup.materials.items():
            quantity = s.scalar(select(Material.quantity).where(Material.id == mid))
            ledger = sum(s.scalars(select(StockMove.delta).where(StockMove.material_id == mid)), Decimal(0))
            moved = sum((d.stock[mid] for d in result.desks), Decimal(0))
            if quantity != ledger:
                problems.append(f"material {mid}: stock {quantity} but its ledger sums to {ledger}")
            if quantity != opening + moved:
                problems.append(f"material {mid}: stock {quantity}, expected {opening} + {moved} from the desks")
        for rid in setup.vault_records:
            moves = list(s.scalars(select(VaultMovement).where(VaultMovement.record_id == rid)
                                   .order_by(VaultMovement.out_at, VaultMovement.id)))
            reported = sum(d.checkouts[rid] for d in result.desks)
            if len(moves) != reported:
                problems.append(f"record {rid}: {reported} check-outs reported, {len(moves)} movements stored")
            if sum(1 for m in moves if m.returned_at is None) > 1:
                problems.append(f"record {rid} is out more than once at the same time")
            for a, b in itertools.pairwise(moves):
                if a.returned_at is None or a.returned_at > b.out_at:
                    problems.append(f"record {rid}: movement {b.id} began before {a.id} ended")
        for rid in setup.review_records:
            state = s.scalar(select(CensusRecord.state).where(CensusRecord.id == rid))
            rounds = list(s.scalars(select(ReviewRound).where(ReviewRound.record_id == rid)
                                    .order_by(ReviewRound.seq)))
            if rounds and rounds[-1].to_state != state:
                problems.append(f"record {rid} is {state} but its last review round says {rounds[-1].to_state}")
            for a, b in itertools.pairwise(rounds):
                if b.from_state != a.to_state:
                    problems.append(f"record {rid}: round {b.seq} starts from {b.from_state}, "
                                    f"round {a.seq} ended at {a.to_state}")
        for jid in setup.acceptance_jobs:
            state = s.scalar(select(RestorationJob.state).where(RestorationJob.id == jid))
            live = s.scalar(select(Acceptance.id).where(Acceptance.job_id == jid, Acceptance.voided_at.is_(None))
                            .limit(1))
            if (state == "closed") != (live is not None):
                problems.append(f"job {jid} is {state} with {'a' if live else 'no'} signed acceptance")
    db.dispose()
    return problems


__all__ = ["OPS", "RunResult", "Setup", "check", "prepare", "run"]
