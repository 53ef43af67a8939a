"""Two databases that exchange packages: a unit's own (SQLite) and the centre's (SQLite or PostgreSQL),
with real records, review rounds, page images and a restoration archive at the unit."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from guji.app import Guji
from guji.census.models import CensusRecord, ReviewRound
from guji.exchange import keys, package
from guji.exchange.models import ExchangePackage
from guji.exchange.service import ExchangeService
from guji.images.models import RecordImage, StoredImage
from guji.models.audit import AuditEntry
from restoration.models import Assessment, Photo, RestorationJob
from tests.conftest import PASSWORD, admin_for, build_org, make_db
from tests.export.census_xml_helpers import full_record

UNIT = "210000-0101"
CENTRE = "210000-0001"


def page(path: Path, seed: int, size: tuple[int, int] = (240, 320)) -> Path:
    """A small page with a scan's texture (noise), so every file is different."""
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(150, 255, (size[1], size[0], 3), dtype=np.uint8)).save(path, dpi=(300, 300))
    return path


def counts(app: Guji) -> dict[str, int]:
    """Rows an import writes (nothing written means none of these moves)."""
    models = {"records": CensusRecord, "rounds": ReviewRound, "images": StoredImage, "attachments": RecordImage,
              "jobs": RestorationJob, "assessments": Assessment, "photos": Photo, "audit": AuditEntry,
              "packages": ExchangePackage}
    with app.ctx.read() as s:
        out = {k: int(s.scalar(select(func.count()).select_from(m)) or 0) for k, m in models.items()}
        out["versions"] = int(s.scalar(select(func.coalesce(func.sum(CensusRecord.version), 0))) or 0)
    return out


def store_files(app: Guji) -> list[Path]:
    try:
        root = app.images.store_root(create=False)
    except Exception:  # noqa: BLE001 - no store yet: no files
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture
def unit(tmp_path: Path) -> dict[str, Any]:
    """The unit's database with two records (one unit-approved with a 書影, one submitted), review rounds,
    and a restoration archive with an assessment and a before photograph; its key pair registered nowhere yet."""
    from tests.restoration.conftest import ASSESSMENT

    folder = tmp_path / "unit"
    folder.mkdir()
    org: dict[str, Any] = build_org(admin_for(make_db(str(folder / "unit.sqlite3"))))
    census = org["census_a"]
    first = census.census.register_book(full_record(), institution=UNIT)
    census.images.add_to_record(page(folder / "p1.png", 1), first.id, "書影")
    second = census.census.register_book(full_record(title="墨子十五卷", juan_count=15, extant=None,
                                                     national_list_number=None), institution=UNIT)
    census.review.submit_for_review(first.id)
    org["reviewer_a"].review.approve(first.id)
    census.review.submit_for_review(second.id)
    r = org["restorer_a"].restoration
    job = r.open_job(second.id, requester="古籍部", reviewer="reviewer.a", leaves_in_scope=40)
    r.record_assessment(job.id, ASSESSMENT)
    r.add_photo_file(job.id, page(folder / "before.png", 2), "before", leaf="1", caption="蟲蛀")
    pair = ExchangeService(census).generate_key(folder / "unit-key.pem")
    org.update(first=first.census_number, second=second.census_number, job=job.job_number, key=pair,
               folder=folder)
    return org


@pytest.fixture
def centre(any_org: dict[str, Guji], tmp_path: Path) -> dict[str, Any]:
    """The centre's database (SQLite or PostgreSQL) knowing the unit's public key, with a centre
    administrator who belongs to the centre (the way back is exported in the centre's name)."""
    org: dict[str, Any] = dict(any_org)
    admin = org["admin"]
    if admin.db.url.get_backend_name() == "postgresql":
        admin.images.set_store_location(tmp_path / "centre-store")
    admin.users.add_user("centre.admin", PASSWORD, ["admin", "census"], institution=CENTRE)
    org["centre_admin"] = Guji.sign_in(admin.db, "centre.admin", PASSWORD)
    org["key"] = ExchangeService(org["centre_admin"]).generate_key(tmp_path / "centre-key.pem")
    return org


def register_unit_key(centre: dict[str, Any], unit: dict[str, Any]) -> None:
    ExchangeService(centre["admin"]).register_key(UNIT, unit["key"].public_pem)


def export(unit: dict[str, Any], path: Path, **kw: Any) -> Any:
    return ExchangeService(unit["census_a"]).export_package(path, key_path=unit["key"].path, **kw)


def rebuild(src: Path, dst: Path, *, members: dict[str, bytes | None] | None = None,
            header: dict[str, Any] | None = None, manifest_members: list[dict[str, Any]] | None = None,
            extra: list[tuple[str, bytes]] = (), key_path: Path | None = None, resum: bool = True) -> Path:
    """A copy of a package with members replaced (None removes one), header fields changed, extra raw
    zip entries, and — with ``key_path`` — re-signed (so only the change under test is wrong)."""
    with zipfile.ZipFile(src) as zf:
        data = {i.filename: zf.read(i) for i in zf.infolist()}
    manifest = json.loads(data[package.MANIFEST])
    for name, content in (members or {}).items():
        if content is None:
            data.pop(name, None)
            manifest["members"] = [m for m in manifest["members"] if m["name"] != name]
            continue
        data[name] = content
        if resum:
            import hashlib

            entry = {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            manifest["members"] = [m for m in manifest["members"] if m["name"] != name] + [entry]
    manifest["header"].update(header or {})
    if manifest_members is not None:
        manifest["members"] = manifest_members
    raw = package.canonical_json(manifest)
    data[package.MANIFEST] = raw
    if key_path is not None:
        data[package.SIGNATURE] = keys.sign(keys.load_private(key_path), raw)
    with zipfile.ZipFile(dst, "w") as zf:
        for name, content in data.items():
            zf.writestr(name, content)
        for name, content in extra:
            zf.writestr(name, content)
    return dst


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in entries:
            zf.writestr(name, content)
    return buf.getvalue()


def today() -> dt.date:
    return dt.date.today()
