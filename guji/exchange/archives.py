"""The JSON members of an exchange package: review rounds, record images, restoration archives.

Everything is written without local ids: records are named by census number, users by
login, institutions by code, images by SHA-256, materials and recipes by their
describing fields, and a photograph points at its assessment or session by position
in the job's lists. So a document reads the same from either database, and a
restoration archive's hash (:func:`job_hash`) can tell "changed here" from "changed
there" across databases.

Reading these documents back happens inside the package import's one transaction;
every problem raises :class:`~guji.exchange.package.PackageRefused` and rolls it all
back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, Numeric, String, Text, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON

from guji.census.models import CensusRecord, ReviewRound
from guji.db.base import UTCDateTime
from guji.exchange.package import PackageRefused, canonical_json
from guji.images.models import JobImage, RecordImage, StoredImage
from guji.messages import msg
from guji.models.institution import Institution
from guji.models.user import User
from guji.services import audit
from guji.services.context import Actor
from restoration.models import (
    Acceptance,
    Assessment,
    AssessmentFinding,
    JobRestorer,
    Material,
    Photo,
    PhPointRow,
    PhSetRow,
    Plan,
    PlanMaterial,
    Recipe,
    RepairSession,
    RestorationJob,
    SessionMaterial,
    Trial,
)

JOB_ENTITY = "restoration_job"
# Bookkeeping that moves without a change of substance; left out of an archive's hash.
_VOLATILE = {"updated_at"}


# ---------------------------------------------------------------------- columns ⇄ JSON

def dump(obj: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    """The columns of an ORM row as JSON-safe values, except ``id``, ``version`` and ``skip``."""
    leave = {"id", "version", *skip}
    return {c.key: audit.jsonable(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in leave}


def _value(col: Any, raw: Any, where: str) -> Any:
    """A JSON value converted to what column ``col`` holds; PackageRefused when it cannot be."""
    if raw is None:
        return None
    t = col.type
    try:
        if isinstance(t, UTCDateTime):
            value = dt.datetime.fromisoformat(str(raw))
            return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        if isinstance(t, Date):
            return dt.date.fromisoformat(str(raw))
        if isinstance(t, Numeric) and not isinstance(t, Float):
            return Decimal(str(raw))
        if isinstance(t, Float):
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise ValueError(raw)
            return float(raw)
        if isinstance(t, Boolean):
            if not isinstance(raw, bool):
                raise ValueError(raw)
            return raw
        if isinstance(t, Integer):
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError(raw)
            return raw
        if isinstance(t, (String, Text)):
            if not isinstance(raw, str):
                raise ValueError(raw)
            if isinstance(t, String) and t.length is not None and len(raw) > t.length:
                raise ValueError(raw)
            return raw
        if isinstance(t, JSON):
            return raw
    except (ValueError, TypeError, InvalidOperation):
        pass
    else:
        return raw
    raise PackageRefused(msg("exchange.package.bad_reference", name=where, what=col.key, value=repr(raw)[:80]))


def load(model: Any, data: Any, where: str, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Keyword arguments for ``model`` from a dumped dict (unknown keys ignored, types checked)."""
    if not isinstance(data, dict):
        raise PackageRefused(msg("exchange.package.bad_reference", name=where, what=model.__tablename__,
                                 value=repr(data)[:80]))
    leave = {"id", "version", *skip}
    out: dict[str, Any] = {}
    for col in model.__table__.columns:
        if col.key in leave or col.key not in data:
            continue
        out[col.key] = _value(col, data[col.key], where)
    return out


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PackageRefused(msg("exchange.package.bad_reference", name=where, what="list", value=repr(value)[:80]))
    return value


# ---------------------------------------------------------------------- users


class People:
    """Logins ⇄ user ids of this database; unknown logins fall back to the importing administrator
    for columns that must name someone, and are listed as warnings."""

    def __init__(self, s: Session, actor: Actor, warnings: list[str]):
        self.s = s
        self.actor = actor
        self.warnings = warnings
        self.by_id: dict[int, str] = {}
        self.by_login: dict[str, int] = {}
        for uid, login in s.execute(select(User.id, User.login)):
            self.by_id[uid] = login
            self.by_login[login] = uid

    def login(self, user_id: int | None) -> str | None:
        return None if user_id is None else self.by_id.get(user_id)

    def id(self, login: Any, what: str, *, required: bool = False) -> int | None:
        if login is None:
            return self.actor.user_id if required else None
        uid = self.by_login.get(str(login))
        if uid is not None:
            return uid
        note = msg("exchange.import.user_unknown", what=what, login=login, importer=self.actor.login)
        if note not in self.warnings:
            self.warnings.append(note)
        return self.actor.user_id if required else None


# ---------------------------------------------------------------------- review rounds


def review_document(s: Session, record_ids: list[int]) -> dict[str, Any]:
    """``{"records": {census number: [round, …]}}`` for the records ``record_ids``."""
    out: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(record_ids):
        rows = s.execute(select(CensusRecord.census_number, ReviewRound).join(
            ReviewRound, ReviewRound.record_id == CensusRecord.id).where(CensusRecord.id.in_(chunk))
            .order_by(CensusRecord.id, ReviewRound.seq)).all()
        for number, r in rows:
            out.setdefault(number, []).append(dump(r, skip=("record_id", "user_id", "seq")))
    return {"records": out}


def _round_key(r: dict[str, Any]) -> tuple[str, str, str]:
    return (str(r.get("at")), str(r.get("action")), str(r.get("login")))


def merge_rounds(s: Session, actor: Actor, doc: Any, people: People, name: str) -> tuple[int, int]:
    """Append the rounds this database lacks (a round is known by its time, action and login);
    return (new, already here). Rounds are history: none is changed or removed."""
    records = doc.get("records") if isinstance(doc, dict) else None
    if not isinstance(records, dict):
        raise PackageRefused(msg("exchange.package.bad_reference", name=name, what="records", value="-"))
    new = known = 0
    for number, rounds in records.items():
        rec_id = s.scalar(select(CensusRecord.id).where(CensusRecord.census_number == number))
        if rec_id is None:
            raise PackageRefused(msg("exchange.package.bad_reference", name=name, what="census number", value=number))
        here: dict[tuple[Any, str | None, str | None], ReviewRound] = {
            (audit.jsonable(r.at), r.action, r.login): r for r in
                s.scalars(select(ReviewRound).where(ReviewRound.record_id == rec_id))}
        top = max((r.seq for r in here.values()), default=0)
        for raw in sorted(_list(rounds, name), key=lambda r: str(r.get("at")) if isinstance(r, dict) else ""):
            values = load(ReviewRound, raw, name, skip=("record_id", "user_id", "seq"))
            key = (audit.jsonable(values.get("at")), values.get("action"), values.get("login"))
            if key in here:
                known += 1
                continue
            top += 1
            row = ReviewRound(record_id=rec_id, seq=top, user_id=people.by_login.get(str(values.get("login"))),
                              **values)
            s.add(row)
            here[key] = row
            new += 1
            audit.record(s, actor, "import_round", "census_record", rec_id,
                         {"round": [None, values.get("action")], "state": [values.get("from_state"),
                                                                          values.get("to_state")]},
                         note=f"exchange package: {values.get('login')} {values.get('at')}")
    s.flush()
    return new, known


# ---------------------------------------------------------------------- record images


def images_document(s: Session, record_ids: list[int]) -> dict[str, Any]:
    """The images attached to the records ``record_ids`` (書影…) as attachments by SHA-256."""
    out = []
    for chunk in _chunks(record_ids):
        rows = s.execute(select(CensusRecord.census_number, RecordImage, StoredImage.sha256)
                         .join(RecordImage, RecordImage.record_id == CensusRecord.id)
                         .join(StoredImage, StoredImage.id == RecordImage.image_id)
                         .where(CensusRecord.id.in_(chunk)).order_by(CensusRecord.id, RecordImage.seq)).all()
        for number, att, sha in rows:
            out.append({"census_number": number, "sha256": sha, "role": att.role, "caption": att.caption,
                        "seq": att.seq, "added_at": audit.jsonable(att.added_at)})
    return {"record_images": out}


def merge_record_images(s: Session, actor: Actor, doc: Any, image_ids: dict[str, int], name: str) -> int:
    """Attach the images to their records where they are not attached yet; return how many were."""
    items = _list(doc.get("record_images") if isinstance(doc, dict) else None, name)
    added = 0
    for item in items:
        if not isinstance(item, dict):
            raise PackageRefused(msg("exchange.package.bad_reference", name=name, what="attachment", value="-"))
        number, sha = item.get("census_number"), item.get("sha256")
        rec_id = s.scalar(select(CensusRecord.id).where(CensusRecord.census_number == number))
        image_id = image_ids.get(str(sha)) or s.scalar(select(StoredImage.id).where(StoredImage.sha256 == sha))
        if rec_id is None or image_id is None:
            raise PackageRefused(msg("exchange.package.bad_reference", name=name,
                                     what="census number" if rec_id is None else "image", value=f"{number} {sha}"))
        if s.scalar(select(RecordImage.id).where(RecordImage.record_id == rec_id,
                                                 RecordImage.image_id == image_id)) is not None:
            continue
        values = load(RecordImage, item, name, skip=("record_id", "image_id", "added_by"))
        att = RecordImage(record_id=rec_id, image_id=image_id, added_by=actor.user_id, **values)
        s.add(att)
        s.flush()
        audit.record_create(s, actor, "record_image", att.id, {"record_id": rec_id, "image_id": image_id,
                                                                "role": att.role, "note": "exchange package"})
        added += 1
    return added


# ---------------------------------------------------------------------- restoration archives

_MATERIAL_FIELDS = ("kind", "name", "fibre", "thickness_um", "ph", "colour_l", "colour_a", "colour_b", "maker",
                    "batch", "unit")


def _material_doc(m: Material | None) -> dict[str, Any] | None:
    return None if m is None else {k: audit.jsonable(getattr(m, k)) for k in _MATERIAL_FIELDS}


def job_document(s: Session, job: RestorationJob, people: People, codes: dict[int, str]) -> dict[str, Any]:
    """One restoration archive as JSON (see the module docstring)."""
    jid = job.id
    record_number = s.scalar(select(CensusRecord.census_number).where(CensusRecord.id == job.record_id))
    materials = {m.id: m for m in s.scalars(select(Material).where(Material.institution_id == job.institution_id))}
    assessments = list(s.scalars(select(Assessment).where(Assessment.job_id == jid).order_by(Assessment.id)))
    sessions = list(s.scalars(select(RepairSession).where(RepairSession.job_id == jid).order_by(RepairSession.id)))
    a_index = {a.id: i for i, a in enumerate(assessments)}
    s_index = {x.id: i for i, x in enumerate(sessions)}
    plan = s.scalar(select(Plan).where(Plan.job_id == jid))
    doc: dict[str, Any] = {
        "job_number": job.job_number,
        "census_number": record_number,
        "institution": codes.get(job.institution_id),
        "job": dump(job, skip=("record_id", "institution_id", "reviewer_id", "created_by", "vault_movement_id")),
        "reviewer": people.login(job.reviewer_id),
        "created_by": people.login(job.created_by),
        "restorers": sorted(filter(None, (people.login(r.user_id) for r in job.restorers))),
        "assessments": [
            {**dump(a, skip=("job_id", "assessed_by")), "assessed_by": people.login(a.assessed_by),
             "findings": [dump(f, skip=("assessment_id",)) for f in a.findings]}
            for a in assessments],
        "plan": None if plan is None else {
            **dump(plan, skip=("job_id", "saved_by", "approved_by")), "saved_by": people.login(plan.saved_by),
            "approved_by": people.login(plan.approved_by),
            "materials": [{**dump(pm, skip=("plan_id", "material_id")),
                           "material": _material_doc(materials.get(pm.material_id))} for pm in plan.materials]},
        "ph_sets": [
            {**dump(p, skip=("job_id", "measured_by")), "measured_by": people.login(p.measured_by),
             "points": [dump(pt, skip=("set_id",)) for pt in p.points]}
            for p in s.scalars(select(PhSetRow).where(PhSetRow.job_id == jid).order_by(PhSetRow.id))],
        "sessions": [
            {**dump(x, skip=("job_id", "restorer_id")), "restorer": people.login(x.restorer_id),
             "materials": [{**dump(sm, skip=("session_id", "material_id")),
                            "material": _material_doc(materials.get(sm.material_id))} for sm in x.materials]}
            for x in sessions],
        "trials": [],
        "photos": [
            {**dump(p, skip=("job_id", "assessment_id", "session_id", "added_by", "file_path")),
             "added_by": people.login(p.added_by), "assessment": a_index.get(p.assessment_id or -1),
             "session": s_index.get(p.session_id or -1)}
            for p in s.scalars(select(Photo).where(Photo.job_id == jid).order_by(Photo.id))],
        "job_images": [
            {"sha256": sha, "stage": ji.stage, "caption": ji.caption, "seq": ji.seq,
             "added_at": audit.jsonable(ji.added_at)}
            for ji, sha in s.execute(select(JobImage, StoredImage.sha256).join(
                StoredImage, StoredImage.id == JobImage.image_id).where(JobImage.job_id == jid)
                .order_by(JobImage.seq, JobImage.id))],
        "acceptances": [
            {**dump(a, skip=("job_id", "reviewer_id", "voided_by")), "reviewer": people.login(a.reviewer_id),
             "voided_by": people.login(a.voided_by)}
            for a in s.scalars(select(Acceptance).where(Acceptance.job_id == jid).order_by(Acceptance.seq))],
    }
    for t in s.scalars(select(Trial).where(Trial.job_id == jid).order_by(Trial.id)):
        recipe = s.get(Recipe, t.recipe_id)
        assert recipe is not None
        doc["trials"].append({
            **dump(t, skip=("recipe_id", "job_id", "measured_by")), "measured_by": people.login(t.measured_by),
            "recipe": {**dump(recipe, skip=("institution_id", "job_id", "base_paper_id", "created_by")),
                       "base_paper": _material_doc(materials.get(recipe.base_paper_id or -1))}})
    return doc


def job_hash(doc: dict[str, Any]) -> str:
    """SHA-256 of an archive document without its volatile bookkeeping."""
    stable = dict(doc)
    stable["job"] = {k: v for k, v in doc.get("job", {}).items() if k not in _VOLATILE}
    return hashlib.sha256(canonical_json(stable)).hexdigest()


def job_images(doc: dict[str, Any]) -> set[str]:
    """The SHA-256 of every image an archive cites (photographs and job images)."""
    out = {p.get("sha256") for p in doc.get("photos", []) if isinstance(p, dict)}
    out |= {p.get("sha256") for p in doc.get("job_images", []) if isinstance(p, dict)}
    return {h for h in out if isinstance(h, str)}


class JobMerger:
    """Creates or replaces restoration archives from package documents inside the import transaction."""

    def __init__(self, s: Session, actor: Actor, people: People, image_ids: dict[str, int], name: str):
        self.s = s
        self.actor = actor
        self.people = people
        self.image_ids = image_ids
        self.name = name
        self.codes = {i.id: i.code for i in s.scalars(select(Institution))}
        self.ids = {c: i for i, c in self.codes.items()}

    def _material(self, doc: Any, institution_id: int) -> int:
        if not isinstance(doc, dict):
            raise PackageRefused(msg("exchange.package.bad_reference", name=self.name, what="material", value="-"))
        values = load(Material, doc, self.name, skip=("institution_id", "quantity", "low_stock", "location", "note",
                                                      "created_at"))
        found = self.s.scalar(select(Material.id).where(
            Material.institution_id == institution_id, Material.kind == values.get("kind"),
            Material.name == values.get("name"),
            (Material.batch == values["batch"]) if values.get("batch") is not None else Material.batch.is_(None))
            .order_by(Material.id).limit(1))
        if found is not None:
            return found
        # The unit's own inventory item, known here by description only: no stock is claimed.
        m = Material(institution_id=institution_id, quantity=Decimal(0), **values)
        self.s.add(m)
        self.s.flush()
        return m.id

    def _image(self, sha: Any) -> int:
        image_id = self.image_ids.get(str(sha)) or self.s.scalar(select(StoredImage.id)
                                                                 .where(StoredImage.sha256 == sha))
        if image_id is None:
            raise PackageRefused(msg("exchange.package.bad_reference", name=self.name, what="image", value=sha))
        return image_id

    def write(self, doc: dict[str, Any], job: RestorationJob | None) -> RestorationJob:
        """Create the archive (``job`` None) or replace everything in ``job`` with the document."""
        s, people, name = self.s, self.people, self.name
        number = doc.get("job_number")
        rec_id = s.scalar(select(CensusRecord.id).where(CensusRecord.census_number == doc.get("census_number")))
        if rec_id is None:
            raise PackageRefused(msg("exchange.import.job_record", job=number, number=doc.get("census_number")))
        inst_id = self.ids.get(str(doc.get("institution")))
        if inst_id is None:
            raise PackageRefused(msg("exchange.package.unknown_holder", code=doc.get("institution")))
        values = load(RestorationJob, doc.get("job"), name,
                      skip=("record_id", "institution_id", "reviewer_id", "created_by", "vault_movement_id",
                            "job_number"))
        common = dict(record_id=rec_id, institution_id=inst_id,
                      reviewer_id=people.id(doc.get("reviewer"), f"{number} reviewer"),
                      created_by=people.id(doc.get("created_by"), f"{number} created_by"))
        if job is None:
            job = RestorationJob(job_number=number, **common, **values)
            s.add(job)
            s.flush()
        else:
            self._clear(job)
            for k, v in {**common, **values}.items():
                setattr(job, k, v)
            s.flush()
        restorers = {people.by_login[lg] for lg in _list(doc.get("restorers"), name) if lg in people.by_login}
        job.restorers = [JobRestorer(user_id=u) for u in sorted(restorers)]
        assessments = []
        for a in _list(doc.get("assessments"), name):
            row = Assessment(job_id=job.id, assessed_by=people.id(a.get("assessed_by"), f"{number} assessment"),
                             **load(Assessment, a, name, skip=("job_id", "assessed_by")))
            row.findings = [AssessmentFinding(**load(AssessmentFinding, f, name, skip=("assessment_id",)))
                            for f in _list(a.get("findings"), name)]
            s.add(row)
            assessments.append(row)
        plan = doc.get("plan")
        if plan is not None:
            p = Plan(job_id=job.id, saved_by=people.id(plan.get("saved_by"), f"{number} plan"),
                     approved_by=people.id(plan.get("approved_by"), f"{number} plan"),
                     **load(Plan, plan, name, skip=("job_id", "saved_by", "approved_by")))
            p.materials = [PlanMaterial(material_id=self._material(m.get("material"), inst_id),
                                        **load(PlanMaterial, m, name, skip=("plan_id", "material_id")))
                           for m in _list(plan.get("materials"), name)]
            s.add(p)
        for ph in _list(doc.get("ph_sets"), name):
            ph_set = PhSetRow(job_id=job.id, measured_by=people.id(ph.get("measured_by"), f"{number} pH"),
                              **load(PhSetRow, ph, name, skip=("job_id", "measured_by")))
            ph_set.points = [PhPointRow(**load(PhPointRow, pt, name, skip=("set_id",)))
                             for pt in _list(ph.get("points"), name)]
            s.add(ph_set)
        sessions = []
        for x in _list(doc.get("sessions"), name):
            values = load(RepairSession, x, name, skip=("job_id", "restorer_id"))
            login = x.get("restorer")
            if login not in people.by_login:
                # The restorer has no account here: the session is recorded under the importing
                # administrator (the column must name someone) and the note keeps who did the work.
                values["notes"] = f"〔修复师 {login}〕" + (values.get("notes") or "")
            repair = RepairSession(job_id=job.id, restorer_id=people.id(login, f"{number} session", required=True),
                                   **values)
            repair.materials = [SessionMaterial(material_id=self._material(m.get("material"), inst_id),
                                                **load(SessionMaterial, m, name, skip=("session_id", "material_id")))
                                for m in _list(x.get("materials"), name)]
            s.add(repair)
            sessions.append(repair)
        s.flush()
        for t in _list(doc.get("trials"), name):
            r = t.get("recipe") or {}
            rv = load(Recipe, r, name, skip=("institution_id", "job_id", "base_paper_id", "created_by"))
            recipe_id = s.scalar(select(Recipe.id).where(Recipe.institution_id == inst_id,
                                                         Recipe.name == rv.get("name"),
                                                         Recipe.created_at == rv.get("created_at")).limit(1))
            if recipe_id is None:
                base = r.get("base_paper")
                recipe = Recipe(institution_id=inst_id, job_id=job.id, created_by=None,
                                base_paper_id=self._material(base, inst_id) if base is not None else None, **rv)
                s.add(recipe)
                s.flush()
                recipe_id = recipe.id
            s.add(Trial(recipe_id=recipe_id, job_id=job.id,
                        measured_by=people.id(t.get("measured_by"), f"{number} trial"),
                        **load(Trial, t, name, skip=("recipe_id", "job_id", "measured_by"))))
        for p in _list(doc.get("photos"), name):
            self._image(p.get("sha256"))
            ai, si = p.get("assessment"), p.get("session")
            s.add(Photo(job_id=job.id, added_by=people.id(p.get("added_by"), f"{number} photo"),
                        assessment_id=assessments[ai].id if isinstance(ai, int) and 0 <= ai < len(assessments)
                        else None,
                        session_id=sessions[si].id if isinstance(si, int) and 0 <= si < len(sessions) else None,
                        **load(Photo, p, name, skip=("job_id", "assessment_id", "session_id", "added_by",
                                                     "file_path"))))
        for ji in _list(doc.get("job_images"), name):
            s.add(JobImage(job_id=job.id, image_id=self._image(ji.get("sha256")), institution_id=inst_id,
                           added_by=self.actor.user_id,
                           **load(JobImage, ji, name, skip=("job_id", "image_id", "institution_id", "added_by"))))
        for a in _list(doc.get("acceptances"), name):
            s.add(Acceptance(job_id=job.id, reviewer_id=people.id(a.get("reviewer"), f"{number} acceptance",
                                                                  required=True),
                             voided_by=people.id(a.get("voided_by"), f"{number} acceptance"),
                             **load(Acceptance, a, name, skip=("job_id", "reviewer_id", "voided_by"))))
        s.flush()
        return job

    def _clear(self, job: RestorationJob) -> None:
        """Remove everything of an archive but the job row (it is then written again from the document)."""
        s, jid = self.s, job.id
        s.execute(delete(Photo).where(Photo.job_id == jid))
        s.execute(delete(JobImage).where(JobImage.job_id == jid))
        s.execute(delete(Trial).where(Trial.job_id == jid))
        s.execute(delete(Acceptance).where(Acceptance.job_id == jid))
        for model in (Assessment, PhSetRow, RepairSession):
            for row in s.scalars(select(model).where(model.job_id == jid)):
                s.delete(row)  # the ORM cascades to findings, points and session materials
        plan = s.scalar(select(Plan).where(Plan.job_id == jid))
        if plan is not None:
            s.delete(plan)
        s.flush()


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]
