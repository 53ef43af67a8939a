"""The image store belongs to the database: found from it, checked by its id on every action."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select, update

from guji.app import Guji
from guji.census.record import RecordData
from guji.errors import Conflict, GujiError, PermissionDenied
from guji.images import location
from guji.images.models import StoredImage
from guji.models import AuditEntry
from tests.conftest import admin_for, build_org, make_db


@pytest.fixture(autouse=True)
def no_store_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(location.ENV, raising=False)


def page(path: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(150, 255, (200, 160, 3), dtype=np.uint8)).save(path)
    return path


def counts(app: Guji) -> tuple[int, int]:
    with app.db.read_session() as s:
        return (int(s.scalar(select(func.count()).select_from(StoredImage)) or 0),
                int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0))


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def org_at(url: str) -> dict[str, Guji]:
    return build_org(admin_for(make_db(url)))


def record(app: Guji) -> int:
    return app.census.register_book(RecordData(title="墨子十五卷", edition_statement="明萬曆刻本", volumes=4)).id


def every_image_action(app: Guji, image_id: int, rid: int, tmp_path: Path) -> list[tuple[str, object]]:
    """Call each image action; return (name, the exception or result)."""
    calls = {
        "add_image": lambda: app.images.add_image(page(tmp_path / "new.png", 99)),
        "add_to_record": lambda: app.images.add_to_record(page(tmp_path / "new2.png", 98), rid),
        "get_image": lambda: app.images.get_image(image_id),
        "image_path": lambda: app.images.image_path(image_id),
        "images_of_record": lambda: app.images.images_of_record(rid),
        "list_images": lambda: app.images.list_images(),
        "attach_to_job": lambda: app.images.attach_to_job(image_id, 5, "before"),
        "analyze": lambda: app.images.analyze(image_id),
    }
    out = []
    for name, call in calls.items():
        try:
            out.append((name, call()))
        except Exception as exc:  # noqa: BLE001 - the test looks at what came out
            out.append((name, exc))
    return out


def test_sqlite_keeps_its_store_beside_the_file(tmp_path: Path) -> None:
    org = org_at(str(tmp_path / "desk" / "guji.sqlite3"))
    rid = record(org["census_a"])
    att = org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid)
    root = tmp_path / "desk" / "guji.images"
    assert Path(att.image.path).is_relative_to(root)
    marker = json.loads((root / location.MARKER).read_text())
    status = org["admin"].images.store_location()
    assert status.ok and status.source == "default" and status.store_id == marker["store_id"]
    # Another database in the same folder has a store of its own.
    other = org_at(str(tmp_path / "desk" / "other.sqlite3"))
    rid2 = record(other["census_a"])
    att2 = other["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid2)
    assert Path(att2.image.path).is_relative_to(tmp_path / "desk" / "other.images")


def test_a_store_of_another_database_is_refused_by_every_image_action(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    org = org_at(str(tmp_path / "a.sqlite3"))
    rid = record(org["census_a"])
    img = org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid).image
    other = org_at(str(tmp_path / "b.sqlite3"))
    other["census_a"].images.add_image(page(tmp_path / "q.png", 1))
    foreign = tmp_path / "b.images"
    before_files = files(foreign)
    before = counts(org["admin"])
    monkeypatch.setenv(location.ENV, str(foreign))  # this desk points at the wrong store
    for name, result in every_image_action(org["admin"], img.id, rid, tmp_path):
        assert isinstance(result, location.StoreUnavailable), (name, result)
        assert result.key == "images.store_foreign", name
        assert str(foreign) in str(result) and str(tmp_path / "a.images") in str(result), name
    assert files(foreign) == before_files and counts(org["admin"]) == before


def test_a_folder_without_the_marker_is_not_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = org_at(str(tmp_path / "a.sqlite3"))
    rid = record(org["census_a"])
    img = org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid).image
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "a.images", copy)
    (copy / location.MARKER).unlink()
    monkeypatch.setenv(location.ENV, str(copy))
    with pytest.raises(location.StoreUnavailable) as info:
        org["census_a"].images.get_image(img.id)
    assert info.value.key == "images.store_unmarked"
    assert not (copy / location.MARKER).exists()


def test_a_store_that_went_away_is_reported_on_every_action(tmp_path: Path) -> None:
    org = org_at(str(tmp_path / "a.sqlite3"))
    rid = record(org["census_a"])
    img = org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid).image
    shutil.rmtree(tmp_path / "a.images")
    before = counts(org["admin"])
    for name, result in every_image_action(org["admin"], img.id, rid, tmp_path):
        assert isinstance(result, location.StoreUnavailable), (name, result)
        assert result.key == "images.store_missing", name
        assert "Traceback" not in str(result) and len(str(result).splitlines()) == 1
    assert not (tmp_path / "a.images").exists()  # not quietly made again, empty
    assert counts(org["admin"]) == before


def test_a_path_from_the_database_must_be_a_store_path(tmp_path: Path) -> None:
    org = org_at(str(tmp_path / "a.sqlite3"))
    rid = record(org["census_a"])
    img = org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid).image
    with org["admin"].db.write_session() as s:
        s.execute(update(StoredImage).where(StoredImage.id == img.id).values(relpath="../../etc/passwd"))
    for call in (lambda: org["census_a"].images.get_image(img.id),
                 lambda: org["census_a"].images.image_path(img.id),
                 lambda: org["census_a"].images.images_of_record(rid)):
        with pytest.raises(GujiError) as info:
            call()
        assert info.value.key == "images.bad_path" and "../../etc/passwd" in str(info.value)


@pytest.mark.postgres
def test_postgres_needs_an_administrator_to_set_the_store(pg_url: str, tmp_path: Path) -> None:
    org = org_at(pg_url)
    rid = record(org["census_a"])
    before = counts(org["admin"])
    with pytest.raises(location.StoreUnavailable) as info:
        org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid)
    assert info.value.key == "images.store_unset" and "guji settings image-store" in str(info.value)
    assert counts(org["admin"]) == before
    assert org["census_a"].images.images_of_record(rid) == []  # nothing to show needs no store
    shared = tmp_path / "share" / "images"
    with pytest.raises(PermissionDenied):
        org["census_a"].images.set_store_location(shared)
    assert not shared.exists()
    status = org["admin"].images.set_store_location(shared)
    assert status.ok and status.source == "setting" and status.path == str(shared)
    att = org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid)
    assert Path(att.image.path).is_relative_to(shared)
    # A second desk of the same database sees the same store (the setting is in the database).
    from guji.db.engine import Database

    desk2 = Guji.sign_in(Database.open(pg_url), "census.a", "secret-pass-1")
    assert desk2.images.get_image(att.image.id).path == att.image.path
    rows = org["admin"].audit.history("system_setting")
    assert rows[0].action == "settings" and rows[0].changes["value"] == [None, str(shared)]
    desk2.db.dispose()


def test_moving_the_store_needs_its_images_there(tmp_path: Path) -> None:
    org = org_at(str(tmp_path / "a.sqlite3"))
    rid = record(org["census_a"])
    img = org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid).image
    empty = tmp_path / "new-home"
    with pytest.raises(Conflict) as info:
        org["admin"].images.set_store_location(empty)
    assert info.value.key == "images.store_lacks_images"
    assert not (empty / location.MARKER).exists()
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "a.images", moved)
    status = org["admin"].images.set_store_location(moved)
    assert status.ok and Path(org["census_a"].images.get_image(img.id).path).is_relative_to(moved)
    # A folder that is another database's store is refused.
    other = org_at(str(tmp_path / "b.sqlite3"))
    other["census_a"].images.add_image(page(tmp_path / "q.png", 3))
    with pytest.raises(Conflict) as info2:
        org["admin"].images.set_store_location(tmp_path / "b.images", force=True)
    assert info2.value.key == "images.store_taken"


def test_a_database_from_before_keeps_its_images_where_they_are(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A database made before stores belonged to it: images, no store id. Pointing a desk at the
    folder that holds them adopts it; the empty default folder is refused with a pointer."""
    org = org_at(str(tmp_path / "old.sqlite3"))
    old_store = tmp_path / "home" / "images"
    monkeypatch.setenv(location.ENV, str(old_store))
    rid = record(org["census_a"])
    img = org["census_a"].images.add_to_record(page(tmp_path / "p.png"), rid).image
    # Forget the claim, as a database of the older version would be.
    with org["admin"].db.write_session() as s:
        from guji.models.system import SystemSetting

        s.execute(SystemSetting.__table__.delete())
    (old_store / location.MARKER).unlink()
    monkeypatch.delenv(location.ENV)
    with pytest.raises(location.StoreUnavailable) as info:
        org["census_a"].images.get_image(img.id)
    assert info.value.key == "images.store_legacy"
    assert not (tmp_path / "old.images").exists()
    status = org["admin"].images.set_store_location(old_store)
    assert status.ok and org["census_a"].images.image_path(img.id).is_file()


def test_a_refused_first_image_leaves_no_claim(tmp_path: Path) -> None:
    org = org_at(str(tmp_path / "a.sqlite3"))
    bad = tmp_path / "dot.png"
    Image.new("L", (1, 1)).save(bad)
    with pytest.raises(GujiError):
        org["census_a"].images.add_image(bad)
    assert files(tmp_path / "a.images") == []
    assert org["admin"].images.store_location().store_id is None
