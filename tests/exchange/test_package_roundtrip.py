"""A unit's signed package into the centre and the centre's decisions back to the unit, on SQLite and
PostgreSQL: records under review as law, rounds and field comments, images, restoration archives,
sequence numbers, --since-last, idempotence, one audit row per package."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from guji.exchange.package import PackageRefused
from guji.exchange.service import ExchangeService
from guji.models.audit import AuditEntry
from imaging.store import hash_file
from tests.exchange.conftest import CENTRE, UNIT, counts, export, register_unit_key, store_files


def test_unit_package_into_the_centre(unit: dict[str, Any], centre: dict[str, Any], tmp_path: Path) -> None:
    register_unit_key(centre, unit)
    res = export(unit, tmp_path / "p1.zip")
    assert (res.sequence, res.records, res.images, res.jobs) == (1, 2, 2, 1)
    assert res.rounds == 3 and res.audit_chain_head and ":" in res.audit_chain_head
    admin = centre["admin"]
    svc = ExchangeService(admin)

    before = counts(admin)
    dry = svc.import_package(tmp_path / "p1.zip", dry_run=True)
    assert dry.census.new and dry.images_new == 2 and dry.jobs_new == [unit["job"]]
    assert counts(admin) == before and store_files(admin) == []

    rep = svc.import_package(tmp_path / "p1.zip")
    assert sorted(rep.census.new) == sorted([unit["first"], unit["second"]]) and not rep.census.held
    # Signed by the holding institution: its unit approval stands; the submitted record awaits the centre.
    assert admin.census.find_by_number(unit["first"]).state == "unit_approved"
    assert admin.census.find_by_number(unit["second"]).state == "submitted"
    assert (rep.rounds_new, rep.images_new, rep.attachments_new) == (3, 2, 1)
    rid = admin.census.find_by_number(unit["first"]).id
    assert [r.action for r in admin.review.rounds(rid)] == ["submit", "approve_unit"]
    shown = admin.images.images_of_record(rid)
    assert len(shown) == 1 and hash_file(shown[0].image.path) == shown[0].image.sha256
    job = admin.restoration.find_job(unit["job"])
    assert job.state == unit["restorer_a"].restoration.find_job(unit["job"]).state
    photos = admin.restoration.photos(job.id)
    assert len(photos) == 1 and photos[0].caption == "蟲蛀"
    assert len(admin.restoration.assessments(job.id)) == 1
    after = counts(admin)
    assert after["packages"] == before["packages"] + 1
    with admin.ctx.read() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "exchange_package")))
    assert len(rows) == 1 and rows[0].action == "import" and rows[0].entity_id == f"{UNIT}#1"
    assert rows[0].changes["sequence"] == 1 and rows[0].changes["fingerprint"] == unit["key"].fingerprint
    assert rows[0].changes["records"]["new"] == 2

    # The same package again: a no-op that says so.
    again = svc.import_package(tmp_path / "p1.zip")
    assert again.already and counts(admin) == after


def test_since_last_sequence_and_out_of_order(unit: dict[str, Any], centre: dict[str, Any], tmp_path: Path) -> None:
    register_unit_key(centre, unit)
    svc = ExchangeService(centre["admin"])
    export(unit, tmp_path / "p1.zip")
    svc.import_package(tmp_path / "p1.zip")
    # Nothing changed at the unit: the next package since the last one carries nothing.
    empty = export(unit, tmp_path / "p2.zip", since_last=True)
    assert (empty.sequence, empty.records, empty.jobs) == (2, 0, 0)
    # The unit's reviewer returns the submitted record; only it travels next time.
    number = unit["second"]
    rid = unit["census_a"].census.find_by_number(number).id
    unit["reviewer_a"].review.return_for_correction(rid, "請核對卷數", {"title": "卷數有誤"})
    res = export(unit, tmp_path / "p3.zip", since_last=True)
    assert (res.sequence, res.records) == (3, 1)
    p4 = export(unit, tmp_path / "p4.zip", since_last=True)
    # 4 before 2 and 3: 2 and 3 are then out of order and refused, nothing written.
    svc.import_package(tmp_path / "p4.zip")
    before = counts(centre["admin"])
    for late in ("p2.zip", "p3.zip"):
        with pytest.raises(PackageRefused) as err:
            svc.import_package(tmp_path / late)
        assert err.value.key == "exchange.package.replayed"
    assert counts(centre["admin"]) == before and p4.sequence == 4


def test_the_way_back_carries_the_centres_decisions(unit: dict[str, Any], centre: dict[str, Any],
                                                    tmp_path: Path) -> None:
    register_unit_key(centre, unit)
    ExchangeService(centre["admin"]).import_package(export(unit, tmp_path / "up.zip").path)
    admin = centre["admin"]
    first = admin.census.find_by_number(unit["first"]).id
    second = admin.census.find_by_number(unit["second"]).id
    centre["centre_reviewer"].review.approve(first)
    centre["centre_reviewer"].review.return_for_correction(second, "請補全", {"extant": "缺存卷"})
    back = ExchangeService(centre["centre_admin"]).export_package(tmp_path / "back.zip", institution=UNIT,
                                                                 key_path=centre["key"].path)
    assert back.institution == CENTRE and back.holder == UNIT and back.jobs == 0

    u = unit["admin"]
    ExchangeService(u).register_key(CENTRE, centre["key"].public_pem)
    rep = ExchangeService(u).import_package(tmp_path / "back.zip")
    assert not rep.census.conflicts, rep.census.conflicts
    # unit_approved is locked at the unit, and only the centre's own decision moved it.
    assert u.census.find_by_number(unit["first"]).state == "centre_approved"
    rid = u.census.find_by_number(unit["second"]).id
    assert u.census.find_by_number(unit["second"]).state == "returned"
    assert unit["census_a"].review.open_field_comments(rid) == {"extant": "缺存卷"}
    assert rep.rounds_new == 2
    # The unit sends the approved record on later: it says centre_approved, which is already so here.
    unit["census_a"].census.update_record(rid, unit["census_a"].census.get_record(rid).data)
    res = export(unit, tmp_path / "up2.zip", since_last=True)
    rep2 = ExchangeService(admin).import_package(res.path)
    assert not rep2.census.conflicts and admin.census.find_by_number(unit["first"]).state == "centre_approved"


def test_keys_generate_register_revoke(unit: dict[str, Any], centre: dict[str, Any], tmp_path: Path) -> None:
    from guji.errors import Conflict, PermissionDenied
    from guji.exchange.keys import KeyFileError

    pair = unit["key"]
    assert stat.S_IMODE(Path(pair.path).stat().st_mode) == 0o600
    with pytest.raises(KeyFileError) as err:
        ExchangeService(unit["census_a"]).generate_key(pair.path)
    assert err.value.key == "exchange.key.exists"
    with pytest.raises(PermissionDenied):
        ExchangeService(centre["census_a"]).register_key(UNIT, pair.public_pem)
    view = ExchangeService(centre["admin"]).register_key(UNIT, pair.public_pem)
    assert view.fingerprint == pair.fingerprint and view.institution_code == UNIT
    with pytest.raises(Conflict):
        ExchangeService(centre["admin"]).register_key(UNIT, pair.public_pem)
    export(unit, tmp_path / "p1.zip")
    ExchangeService(centre["admin"]).revoke_key(pair.fingerprint)
    before = counts(centre["admin"])
    with pytest.raises(PackageRefused) as refused:
        ExchangeService(centre["admin"]).import_package(tmp_path / "p1.zip")
    assert refused.value.key == "exchange.package.revoked_key"
    assert counts(centre["admin"]) == before
    with centre["admin"].ctx.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "institution_key")))
    assert actions == ["register_key", "revoke_key"]
    # A private key others can read is refused before anything is written.
    Path(pair.path).chmod(0o644)
    with pytest.raises(KeyFileError) as err:
        export(unit, tmp_path / "p2.zip")
    assert err.value.key == "exchange.key.too_open" and not (tmp_path / "p2.zip").exists()
