"""The world of the role matrix (tests/foundation/test_role_matrix.py): one SQLite database with the
data of two institutions in every state a permission cell needs, built once with the real services;
every cell then works on its own copy (the database file and its image store beside it).

Institutions and people are those of ``tests.conftest.build_org`` (the centre 210000-0001, A
210000-0101, B 220000-0101; census, reviewer and restorer of A, census and reviewer of B, a centre
reviewer, the administrator), plus a restorer of B, who walks B's restoration jobs. For each of A
and B (:class:`Side`): records as a draft with a page image, a bare draft, submitted, unit-approved,
centre-approved and checked out; restoration jobs in each state; a material, a dye recipe with an
accepted trial; a stored image attached to nothing; an exchange key pair registered at the centre.
A's signed exchange package lies beside the world, with a key that is registered nowhere.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from guji.app import Guji
from guji.census.record import RecordData
from guji.exchange import keys
from guji.images import location
from guji.services.context import Actor
from restoration.views import (
    AssessmentInput,
    MaterialInput,
    PlanInput,
    RecipeInput,
    SessionInput,
    TrialInput,
)
from tests.conftest import PASSWORD, SCANS, admin_for, build_org, make_db

DB_NAME = "guji.sqlite3"
CENTRE = "210000-0001"
CODES = {"A": "210000-0101", "B": "220000-0101"}
#: Job states a side holds one job in (the "assessment" job has its assessment, confirmed damage
#: grade, saved plan and a before photograph: ready to be submitted).
JOB_STATES = ("assessment", "plan", "plan_approved", "in_treatment", "acceptance", "closed")

ASSESSMENT = AssessmentInput(
    findings=[("loss", "percent", "25"), ("insect", "percent", 10), ("acidification", "ph", "5.2")],
    volume=1, leaf_from=1, leaf_to=40, paper_type="竹纸", fibres=[("bamboo", 80), ("rice_straw", 20)],
    thickness_um="62.5", colour=("78.20", "3.10", "18.40"), colour_source="colorimeter",
    illuminant_observer="D65_10")
PLAN = PlanInput(operations=["dust_removal", "infill"], estimated_hours="10", planned_leaves=40)
SESSION = SessionInput(day=dt.date.today(), hours="3.5", leaves=12, operations=["infill"])
TARGET_LAB = ("78.20", "3.10", "18.40")


def book(title: str, **kw: Any) -> RecordData:
    """A plain record of a Ming edition (every title different, so no duplicate warnings)."""
    return RecordData(title=title, edition_statement="明萬曆刻本", volumes=4, **kw)


def noise_page(path: Path, seed: int) -> Path:
    """A small page with a scan's texture, different for every seed (the store is content-addressed)."""
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(150, 255, (320, 240, 3), dtype=np.uint8)).save(path, dpi=(300, 300))
    return path


@dataclass(frozen=True)
class Side:
    """What one institution (A or B) holds in the world; ids are database ids."""

    label: str
    code: str
    institution_id: int
    census_login: str
    restorer_login: str
    draft: int  # a draft (in the vault) with a page image attached and analysed
    draft_number: str
    bare: int  # a draft never submitted, without images (deletable)
    submitted: int
    unit_approved: int  # approved by the unit's reviewer
    centre_approved: int
    out: int  # checked out of the vault for reading
    image: int  # the page image attached to ``draft``
    image_sha: str
    attachment: int  # the record-image attachment of ``image`` to ``draft``
    loose: int  # an image of the institution attached to nothing
    loose_sha: str
    jobs: dict[str, int]  # restoration job id by state (see JOB_STATES)
    job_numbers: dict[str, str]
    job_attachment: int  # the job-image attachment of the before photograph of jobs["assessment"]
    material: int  # repair paper, at or below its low-stock mark
    recipe: int
    trial: int
    key_path: Path  # the institution's private exchange key
    key_fingerprint: str
    analysis: dict[str, Any] = field(default_factory=dict)  # the stored analysis of ``image``
    draft_data: RecordData = field(default_factory=RecordData)

    def record_data(self) -> RecordData:
        """A fresh copy of the draft's data (saving changes the data it is given)."""
        return copy.deepcopy(self.draft_data)


@dataclass(frozen=True)
class World:
    root: Path  # the folder of the database and its store (what a cell copies)
    store_name: str  # the image store's folder beside the database file (guji.images.location)
    files: Path  # files beside the world: keys, the package, pages to add
    actors: dict[str, Actor]
    sides: dict[str, Side]
    new_page: Path  # a page no store holds yet
    spare_public_pem: bytes  # a key registered nowhere
    package: Path  # A's signed exchange package
    institution_ids: dict[str, int]  # "A", "B", "C" (the centre) → id
    record_side: dict[int, str]
    image_side: dict[int, str | None]
    login_side: dict[str, str | None]
    snapshot: dict[str, tuple[int, str]]  # every table's rows (see snapshot())
    db_digest: str  # SHA-256 of the database file
    store_files: frozenset[tuple[str, int]]  # (store-relative path, size)
    store_stats: dict[str, tuple[int, int, int]]  # store-relative path → (size, mtime in ns, mode)
    store_dirs: frozenset[str]

    @property
    def db_file(self) -> Path:
        return self.root / DB_NAME

    def side_of_institution(self, institution_id: int | None) -> str | None:
        for label, iid in self.institution_ids.items():
            if iid == institution_id:
                return label
        return None

    def side_of_code(self, code: str | None) -> str | None:
        for label, c in {**CODES, "C": CENTRE}.items():
            if c == code:
                return label
        return None


# ---------------------------------------------------------------------- building


def _side(org: dict[str, Guji], label: str, files: Path, seed: int) -> Side:
    x = label.lower()
    code = CODES[label]
    census, reviewer, restorer = org[f"census_{x}"], org[f"reviewer_{x}"], org[f"restorer_{x}"]
    centre = org["centre_reviewer"]
    titles = iter(f"{label}{n}：{t}" for n, t in enumerate(
        ["墨子十五卷", "荀子二十卷", "韓非子二十卷", "管子二十四卷", "列子八卷", "莊子十卷", "老子二卷",
         "孫子三卷", "呂氏春秋二十六卷", "淮南子二十一卷", "鹽鐵論十二卷", "說苑二十卷", "新序十卷",
         "論衡三十卷", "潛夫論十卷"]))

    def register() -> int:
        return census.census.register_book(book(next(titles)), institution=code).id

    draft = register()
    page = SCANS / "book1" / ("1.png" if label == "A" else "2.png")
    att = census.images.add_to_record(page, draft, "卷端", "首葉")
    analysis = census.images.analyze(att.image.id)
    bare = register()
    submitted = register()
    census.review.submit_for_review(submitted)
    unit_approved = register()
    census.review.submit_for_review(unit_approved)
    reviewer.review.approve(unit_approved)
    centre_approved = register()
    census.review.submit_for_review(centre_approved)
    reviewer.review.approve(centre_approved)
    centre.review.approve(centre_approved)
    out = register()
    census.vault.check_out(out, "reading", "讀者甲", location="閱覽室")
    loose = census.images.add_image(noise_page(files / f"loose-{x}.png", seed))

    r, v = restorer.restoration, reviewer.restoration
    jobs: dict[str, int] = {}
    numbers: dict[str, str] = {}
    for target, state in enumerate(JOB_STATES):
        job = r.open_job(register(), requester="古籍部", leaves_in_scope=40)
        jobs[state], numbers[state] = job.id, job.job_number
        r.record_assessment(job.id, ASSESSMENT)
        r.confirm_damage_grade(job.id, "severe")
        r.save_plan(job.id, PLAN)
        if target >= 1:
            r.submit_plan(job.id)
        if target >= 2:
            v.approve_plan(job.id)
        if target >= 3:
            r.start_treatment(job.id)
            r.record_session(job.id, SESSION)
        if target >= 4:
            r.submit_for_acceptance(job.id)
        if target >= 5:
            v.accept(job.id, "good", comments="補洞平整")
    r.add_photo_file(jobs["assessment"], noise_page(files / f"before-{x}.png", seed + 1), "before", leaf="1")
    job_attachment = restorer.images.images_of_job(jobs["assessment"])[0].attachment_id

    material = r.add_material(MaterialInput(
        kind="repair_paper", name=f"竹纸（染）{label}", unit="张", quantity="10", fibre="bamboo",
        thickness_um="55", ph="7.2", colour=("80.00", "2.50", "16.00"), low_stock="20")).id
    recipe = r.add_recipe(RecipeInput(name=f"紅茶染竹紙{label}", dyes=[("紅茶", "8", "g/L")], base_paper_id=material))
    trial = r.record_trial(recipe.id, TrialInput(measured=(79.1, 2.8, 17.1), target=TARGET_LAB,
                                                 illuminant_observer="D65_10", accepted=True))
    pair = census.exchange.generate_key(files / f"key-{x}.pem")
    org["admin"].exchange.register_key(code, pair.public_pem)
    view = census.census.get_record(draft)
    return Side(
        label=label, code=code, institution_id=view.institution_id, census_login=f"census.{x}",
        restorer_login=f"restorer.{x}", draft=draft, draft_number=view.census_number, bare=bare,
        submitted=submitted, unit_approved=unit_approved, centre_approved=centre_approved, out=out,
        image=att.image.id, image_sha=att.image.sha256, attachment=att.attachment_id, loose=loose.id,
        loose_sha=loose.sha256, jobs=jobs, job_numbers=numbers, job_attachment=job_attachment,
        material=material, recipe=recipe.id, trial=trial.id, key_path=pair.path,
        key_fingerprint=pair.fingerprint, analysis=dict(analysis), draft_data=view.data)


def build(base: Path) -> World:
    """Build the world under ``base`` (``base/db``: the database and its store; ``base/files``)."""
    root, files = base / "db", base / "files"
    root.mkdir(parents=True)
    files.mkdir()
    db = make_db(str(root / DB_NAME))
    store = location.default_path(db)  # the store belongs to the database: the folder beside its file
    assert store is not None and store.parent == root
    org = build_org(admin_for(db))
    admin = org["admin"]
    admin.users.add_user("restorer.b", PASSWORD, ["restorer"], institution=CODES["B"])
    org["restorer_b"] = Guji.sign_in(db, "restorer.b", PASSWORD)
    sides = {label: _side(org, label, files, seed) for label, seed in (("A", 10), ("B", 20))}
    package = files / "a.gujipkg"
    org["census_a"].exchange.export_package(package, key_path=sides["A"].key_path)
    spare = keys.generate(files / "spare.pem")
    new_page = noise_page(files / "new.png", 99)
    institution_ids = {"A": sides["A"].institution_id, "B": sides["B"].institution_id,
                       "C": admin.institutions.get(CENTRE).id}
    record_side = {r: label for label, side in sides.items()
                   for r in admin.search.ids("")
                   if admin.census.get_record(r).institution_id == side.institution_id}
    image_side = {i.id: _image_side(admin, i.id, institution_ids) for i in admin.images.list_images()}
    login_side: dict[str, str | None] = {
        u.login: ({CODES["A"]: "A", CODES["B"]: "B", CENTRE: "C"}.get(u.institution_code or ""))
        for u in admin.users.list_users()}
    login_side["system"] = None
    actors = {k: org[k].actor for k in ("census_a", "reviewer_a", "restorer_a", "census_b", "reviewer_b",
                                         "restorer_b", "centre_reviewer", "admin")}
    db.dispose()
    # Fold the write-ahead log into the file, so that copying the file copies the database.
    with sqlite3.connect(root / DB_NAME) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return World(root=root, store_name=store.name, files=files, actors=actors, sides=sides, new_page=new_page,
                 spare_public_pem=spare.public_pem, package=package, institution_ids=institution_ids,
                 record_side=record_side, image_side=image_side, login_side=login_side,
                 snapshot=snapshot(root / DB_NAME), db_digest=file_digest(root / DB_NAME),
                 store_files=store_files(store), store_stats=_stats(_walk(store)[0]),
                 store_dirs=frozenset(_walk(store)[1]))


def _image_side(admin: Guji, image_id: int, institution_ids: dict[str, int]) -> str | None:
    from guji.images.models import StoredImage

    with admin.ctx.read() as s:
        inst = s.get(StoredImage, image_id).institution_id  # type: ignore[union-attr]
    return next((label for label, iid in institution_ids.items() if iid == inst), None)


# ---------------------------------------------------------------------- cells


def fresh_copy(world: World, dest: Path) -> Path:
    """Make ``dest`` hold exactly the world's database file and image store; return the database file.

    The first call copies both. Later calls copy the database file again and undo whatever the last
    cell did to the store copy: files and folders the world lacks are removed, and a world file that
    is missing or whose size or modification time changed is copied again. (Folders are kept rather
    than made anew: removing a folder costs milliseconds on this file system, copying a page not.)
    No connection may be open on ``dest`` meanwhile.
    """
    src_store, store = world.root / world.store_name, dest / world.store_name
    if not dest.exists():
        dest.mkdir(parents=True)
        shutil.copytree(src_store, store)
    else:
        for suffix in ("-wal", "-shm", "-journal"):
            (dest / (DB_NAME + suffix)).unlink(missing_ok=True)
        _reset_store(world, src_store, store)
    shutil.copyfile(world.db_file, dest / DB_NAME)
    return dest / DB_NAME


def _walk(root: Path) -> tuple[dict[str, os.stat_result], set[str]]:
    """Files (relative path → stat) and folders (relative paths) under ``root``."""
    files: dict[str, os.stat_result] = {}
    dirs: set[str] = set()
    for top, subdirs, names in os.walk(root):
        rel = os.path.relpath(top, root)
        for d in subdirs:
            dirs.add(os.path.normpath(os.path.join(rel, d)))
        for n in names:
            files[os.path.normpath(os.path.join(rel, n))] = os.stat(os.path.join(top, n))
    return files, dirs


def _stats(files: dict[str, os.stat_result]) -> dict[str, tuple[int, int, int]]:
    return {rel: (st.st_size, st.st_mtime_ns, st.st_mode) for rel, st in files.items()}


def _reset_store(world: World, src: Path, dst: Path) -> None:
    want_files, want_dirs = world.store_stats, world.store_dirs
    found, have_dirs = _walk(dst)
    have_files = _stats(found)
    if have_files == want_files and have_dirs == want_dirs:
        return
    for rel in have_files.keys() - want_files.keys():
        (dst / rel).chmod(0o600)
        (dst / rel).unlink()
    for rel in sorted(have_dirs - want_dirs, key=len, reverse=True):
        shutil.rmtree(dst / rel, ignore_errors=True)
    for rel in sorted(want_dirs - have_dirs, key=len):
        (dst / rel).mkdir(mode=0o700, exist_ok=True)
    for rel, a in want_files.items():
        b = have_files.get(rel)
        if a == b:
            continue
        if b is not None:
            (dst / rel).chmod(0o600)
            (dst / rel).unlink()
        shutil.copy2(src / rel, dst / rel)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unchanged(world: World, db_file: Path) -> list[str]:
    """What was written to a copy of the world's database: nothing (an empty list) when the file is
    byte for byte the world's and no write-ahead log holds more; otherwise the tables whose rows
    differ (:func:`snapshot`), which is the verdict."""
    wal = db_file.with_name(db_file.name + "-wal")
    if file_digest(db_file) == world.db_digest and (not wal.exists() or wal.stat().st_size == 0):
        return []
    return differences(world.snapshot, snapshot(db_file))


def snapshot(db_file: Path) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (the audit log included): equal snapshots
    mean nothing was inserted, changed or deleted. Virtual tables are read through their shadow
    tables (which hold their data)."""
    out: dict[str, tuple[int, str]] = {}
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        tables = [name for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
                  if not name.startswith("sqlite_") and not (sql or "").upper().startswith("CREATE VIRTUAL")]
        for name in sorted(tables):
            rows = sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"'))
            out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    finally:
        conn.close()
    return out


def store_files(root: Path) -> frozenset[tuple[str, int]]:
    """The files of an image store (store-relative path, size)."""
    return frozenset((rel, st.st_size) for rel, st in _walk(root)[0].items())


def differences(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """Tables whose rows differ, with their counts before → after."""
    return [f"{t}: {before.get(t, (0, ''))[0]} → {after.get(t, (0, ''))[0]} rows"
            for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)]


__all__ = [
    "CENTRE",
    "CODES",
    "DB_NAME",
    "JOB_STATES",
    "Side",
    "World",
    "book",
    "build",
    "differences",
    "fresh_copy",
    "snapshot",
    "store_files",
    "unchanged",
]
