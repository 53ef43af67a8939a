"""Backup is a consistent online copy; restore into an empty database gives identical data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from guji import backup
from guji.app import Guji
from guji.errors import Conflict, ValidationError
from tests.conftest import build_org, make_db


def _org_app(url: str) -> Guji:
    from tests.conftest import admin_for

    app = admin_for(make_db(url))
    build_org(app)
    return app


def test_backup_and_restore_give_identical_data(any_url: str, tmp_path: Path) -> None:
    src = _org_app(any_url)
    out = tmp_path / "b.guji.gz"
    counts = backup.backup(src.db, out)
    assert counts["user_account"] == 7 and counts["institution"] == 3 and counts["audit_log"] > 10
    target = make_db(str(tmp_path / "restored.sqlite3"))
    assert backup.restore(target, out) == counts
    assert backup.dump_rows(target) == backup.dump_rows(src.db)
    # The restored database works: people sign in with their passwords.
    assert Guji.sign_in(target, "census.a", "secret-pass-1").actor.institution_code == "210000-0101"
    # New rows get fresh ids after the restored ones.
    Guji.sign_in(target, "admin", "admin-pass-1").institutions.add_institution("新館", "210000", "0301")


@pytest.mark.postgres
def test_sqlite_backup_restores_into_postgres(tmp_path: Path, pg_url: str) -> None:
    src = _org_app(str(tmp_path / "src.sqlite3"))
    out = tmp_path / "b.guji.gz"
    backup.backup(src.db, out)
    target = make_db(pg_url)
    backup.restore(target, out)
    assert backup.dump_rows(target) == backup.dump_rows(src.db)
    app = Guji.sign_in(target, "admin", "admin-pass-1")
    app.institutions.add_institution("新館", "210000", "0301")  # sequences were moved past restored ids
    target.dispose()


def test_restore_refuses_a_non_empty_database(tmp_path: Path) -> None:
    src = _org_app(str(tmp_path / "a.sqlite3"))
    out = tmp_path / "b.guji.gz"
    backup.backup(src.db, out)
    other = _org_app(str(tmp_path / "b.sqlite3"))
    before = backup.dump_rows(other.db)
    with pytest.raises(Conflict, match="empty database"):
        backup.restore(other.db, out)
    assert backup.dump_rows(other.db) == before


@pytest.mark.parametrize("damage", ["truncate", "not-gzip", "not-ours", "bad-counts"])
def test_damaged_backups_restore_nothing(tmp_path: Path, damage: str) -> None:
    src = _org_app(str(tmp_path / "a.sqlite3"))
    out = tmp_path / "b.guji.gz"
    backup.backup(src.db, out)
    raw = gzip.decompress(out.read_bytes())
    if damage == "truncate":
        out.write_bytes(gzip.compress(raw[: len(raw) * 2 // 3]))
    elif damage == "not-gzip":
        out.write_bytes(b"PK\x03\x04 a zip file, perhaps")
    elif damage == "not-ours":
        out.write_bytes(gzip.compress(b'{"hello": "world"}\n'))
    else:
        lines = raw.decode().splitlines()
        end = json.loads(lines[-1])
        end["counts"]["institution"] = 99
        lines[-1] = json.dumps(end)
        out.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    target = make_db(str(tmp_path / "t.sqlite3"))
    with pytest.raises(ValidationError):
        backup.restore(target, out)
    assert all(not rows for name, rows in backup.dump_rows(target).items())


def test_a_failed_backup_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _org_app(str(tmp_path / "a.sqlite3"))

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("disk full")

    out = tmp_path / "b.guji.gz"
    monkeypatch.setattr(backup, "_encode", boom)
    with pytest.raises(RuntimeError):
        backup.backup(src.db, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".guji-backup")] == []


def test_restored_register_is_searchable_and_identical(any_url: str, tmp_path: Path) -> None:
    from guji.census.record import RecordData, SealData

    src = _org_app(any_url)
    census = Guji.sign_in(src.db, "census.a", "secret-pass-1")
    census.census.register_book(RecordData(title="［萬曆］金華府志三十卷", edition_statement="明萬曆刻本", volumes=12,
                                           seals=[SealData("天一閣", "范欽")]))
    out = tmp_path / "b.guji.gz"
    backup.backup(src.db, out)
    target = make_db(str(tmp_path / "restored.sqlite3"))
    backup.restore(target, out)
    assert backup.dump_rows(target) == backup.dump_rows(src.db)
    restored = Guji.sign_in(target, "census.a", "secret-pass-1")
    assert [r.title for r in restored.search.search("万历").rows] == ["［萬曆］金華府志三十卷"]
    assert restored.search.search("天一阁").total == 1
