"""The demo database carries restoration archives at three stages, made through the service."""

from __future__ import annotations

from pathlib import Path


def test_demo_database_has_restoration_jobs(tmp_path: Path) -> None:
    from guji.demo import create_demo_database

    app = create_demo_database(str(tmp_path / "demo.sqlite3"), records=30)
    jobs = app.restoration.list_jobs()
    assert sorted(j.state for j in jobs) == ["assessment", "closed", "in_treatment"]
    closed = next(j for j in jobs if j.state == "closed")
    arch = app.restoration.archive(closed.id)
    assert arch.acceptances and arch.ph_comparison and arch.recipes[0].trials[-1].accepted
    assert app.census.get_record(closed.record_id).data.damage_grade == "yanzhong"
    assert not app.vault.location_of(closed.record_id).in_vault  # not yet returned to the vault
    assert [m.name for m in app.restoration.low_stock()] == ["蠶絲線"]
