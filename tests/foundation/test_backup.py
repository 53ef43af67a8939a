"""Backup is a consistent online copy; restore into an empty database gives identical data.

The images a backup carries, the administrator checks and the file modes are tested in
tests/foundation/test_backup_images.py."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from guji import backup
from guji.app import Guji
from guji.errors import Conflict, ValidationError
from tests.conftest import ADMIN_PASSWORD, build_org, make_db

ADMIN = {"login": "admin", "password": ADMIN_PASSWORD}


def _org_app(url: str) -> Guji:
    from tests.conftest import admin_for

    app = admin_for(make_db(url))
    build_org(app)
    return app


def test_backup_and_restore_give_identical_data(any_url: str, tmp_path: Path) -> None:
    src = _org_app(any_url)
    out = tmp_path / "b.guji"
    counts = src.exports.backup(out).rows
    assert counts["user_account"] == 7 and counts["institution"] == 3 and counts["audit_log"] > 10
    target = make_db(str(tmp_path / "restored.sqlite3"))
    assert backup.restore(target, out, **ADMIN).rows == counts
    # The audit logs differ by one row each: the backup's (written after its snapshot) and the restore's.
    restored = backup.dump_rows(target)
    original = backup.dump_rows(src.db)
    *restored_log, restore_row = restored.pop("audit_log")
    *original_log, backup_row = original.pop("audit_log")
    assert (backup_row[5], restore_row[5]) == ("backup", "restore")
    assert restored_log == original_log
    assert _without_audit(restored) == _without_audit(original)
    # The restored database works: people sign in with their passwords.
    assert Guji.sign_in(target, "census.a", "secret-pass-1").actor.institution_code == "210000-0101"
    # New rows get fresh ids after the restored ones.
    Guji.sign_in(target, "admin", "admin-pass-1").institutions.add_institution("新館", "210000", "0301")


@pytest.mark.postgres
def test_sqlite_backup_restores_into_postgres(tmp_path: Path, pg_url: str) -> None:
    src = _org_app(str(tmp_path / "src.sqlite3"))
    out = tmp_path / "b.guji"
    src.exports.backup(out)
    target = make_db(pg_url)
    backup.restore(target, out, **ADMIN)
    assert _without_audit(backup.dump_rows(target)) == _without_audit(backup.dump_rows(src.db))
    app = Guji.sign_in(target, "admin", "admin-pass-1")
    app.institutions.add_institution("新館", "210000", "0301")  # sequences were moved past restored ids
    target.dispose()


def test_restore_refuses_a_non_empty_database(tmp_path: Path) -> None:
    src = _org_app(str(tmp_path / "a.sqlite3"))
    out = tmp_path / "b.guji"
    src.exports.backup(out)
    other = _org_app(str(tmp_path / "b.sqlite3"))
    before = backup.dump_rows(other.db)
    with pytest.raises(Conflict) as info:
        backup.restore(other.db, out, **ADMIN)
    assert info.value.key == "backup.restore_not_empty"
    assert backup.dump_rows(other.db) == before


@pytest.mark.parametrize("damage", ["truncate", "not-gzip", "not-ours", "bad-counts", "short-row"])
def test_damaged_backups_restore_nothing(tmp_path: Path, damage: str) -> None:
    """Damage an old single-file backup (the data dump alone) in several ways."""
    src = _org_app(str(tmp_path / "a.sqlite3"))
    folder = tmp_path / "b.guji"
    src.exports.backup(folder)
    out = tmp_path / "old-style.gz"
    out.write_bytes(next(folder.glob("data-*.jsonl.gz")).read_bytes())
    raw = gzip.decompress(out.read_bytes())
    if damage == "truncate":
        out.write_bytes(gzip.compress(raw[: len(raw) * 2 // 3]))
    elif damage == "not-gzip":
        out.write_bytes(b"PK\x03\x04 a zip file, perhaps")
    elif damage == "not-ours":
        out.write_bytes(gzip.compress(b'{"hello": "world"}\n'))
    elif damage == "short-row":  # a row with one value fewer than its table's columns
        lines = raw.decode().splitlines()
        first = next(i for i, line in enumerate(lines) if '"r"' in line)
        row = json.loads(lines[first])
        row["r"] = row["r"][:-1]
        lines[first] = json.dumps(row)
        out.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    else:
        lines = raw.decode().splitlines()
        end = json.loads(lines[-1])
        end["counts"]["institution"] = 99
        lines[-1] = json.dumps(end)
        out.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    target = make_db(str(tmp_path / "t.sqlite3"))
    with pytest.raises(ValidationError):
        backup.restore(target, out, **ADMIN)
    assert all(not rows for name, rows in backup.dump_rows(target).items())


def test_an_old_single_file_backup_still_restores(tmp_path: Path) -> None:
    src = _org_app(str(tmp_path / "a.sqlite3"))
    folder = tmp_path / "b.guji"
    src.exports.backup(folder)
    old = tmp_path / "guji-2026-11-23.gz"
    old.write_bytes(next(folder.glob("data-*.jsonl.gz")).read_bytes())
    target = make_db(str(tmp_path / "t.sqlite3"))
    report = backup.restore(target, old, **ADMIN)
    assert report.rows["user_account"] == 7 and report.images == 0
    assert Guji.sign_in(target, "census.a", "secret-pass-1").actor.institution_code == "210000-0101"


def _without_audit(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
    return {k: v for k, v in rows.items() if k not in ("audit_log", "audit_chain")}


def test_a_failed_backup_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _org_app(str(tmp_path / "a.sqlite3"))

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("disk full")

    out = tmp_path / "b.guji"
    monkeypatch.setattr(backup, "_encode", boom)
    with pytest.raises(RuntimeError):
        src.exports.backup(out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_restored_register_is_searchable_and_identical(any_url: str, tmp_path: Path) -> None:
    from guji.census.record import RecordData, SealData

    src = _org_app(any_url)
    census = Guji.sign_in(src.db, "census.a", "secret-pass-1")
    census.census.register_book(RecordData(title="［萬曆］金華府志三十卷", edition_statement="明萬曆刻本", volumes=12,
                                           seals=[SealData("天一閣", "范欽")]))
    out = tmp_path / "b.guji"
    src.exports.backup(out)
    target = make_db(str(tmp_path / "restored.sqlite3"))
    backup.restore(target, out, **ADMIN)
    assert _without_audit(backup.dump_rows(target)) == _without_audit(backup.dump_rows(src.db))
    restored = Guji.sign_in(target, "census.a", "secret-pass-1")
    assert [r.title for r in restored.search.search("万历").rows] == ["［萬曆］金華府志三十卷"]
    assert restored.search.search("天一阁").total == 1


def _rewrite_dump(folder: Path, change: Callable[[list[dict]], list[dict]]) -> Path:
    """An old-style single-file copy of the folder's dump with its lines changed by ``change``."""
    raw = gzip.decompress(next(folder.glob("data-*.jsonl.gz")).read_bytes())
    objs = [json.loads(line) for line in raw.decode().splitlines()]
    out = folder.parent / "forged.gz"
    out.write_bytes(gzip.compress(("\n".join(json.dumps(o, ensure_ascii=False) for o in change(objs)) + "\n")
                                  .encode()))
    return out


def _audit_rows(objs: list[dict]) -> tuple[list[str], list[dict]]:
    """The audit_log's column names and row objects of a dump."""
    start = next(i for i, o in enumerate(objs) if o.get("table") == "audit_log")
    columns = objs[start]["columns"]
    rows = []
    for o in objs[start + 1:]:
        if "r" not in o:
            break
        rows.append(o)
    return columns, rows


@pytest.mark.parametrize("forgery", ["altered", "inserted", "deleted", "head"])
def test_forged_audit_rows_in_a_backup_are_refused(any_url: str, tmp_path: Path, forgery: str) -> None:
    src = _org_app(any_url)
    folder = tmp_path / "b.guji"
    src.exports.backup(folder)

    def change(objs: list[dict]) -> list[dict]:
        columns, rows = _audit_rows(objs)
        login = columns.index("login")
        if forgery == "altered":
            rows[3]["r"][login] = "someone-else"
        elif forgery == "inserted":  # 34 forged rows, each with its own fresh id
            top = max(r["r"][0] for r in rows)
            at = objs.index(rows[-1]) + 1
            for k in range(34):
                fake = json.loads(json.dumps(rows[-1]))
                fake["r"][0] = top + 1 + k
                fake["r"][login] = "forger"
                objs.insert(at + k, fake)
            end = objs[-1]
            end["counts"]["audit_log"] += 34
            objs[0]["counts"]["audit_log"] += 34
        elif forgery == "deleted":
            objs.remove(rows[2])
            objs[-1]["counts"]["audit_log"] -= 1
            objs[0]["counts"]["audit_log"] -= 1
        else:
            objs[0]["audit_chain"] = "999:" + "0" * 64
        return objs

    forged = _rewrite_dump(folder, change)
    target = make_db(str(tmp_path / "t.sqlite3"))
    with pytest.raises(ValidationError) as err:
        backup.restore(target, forged, **ADMIN)
    assert err.value.key in ("backup.restore_chain", "backup.restore_chain_head")
    assert all(not rows for rows in backup.dump_rows(target).values())


def test_an_untouched_dump_restores_with_its_chain(any_url: str, tmp_path: Path) -> None:
    src = _org_app(any_url)
    folder = tmp_path / "b.guji"
    src.exports.backup(folder)
    same = _rewrite_dump(folder, lambda objs: objs)
    target = make_db(str(tmp_path / "t.sqlite3"))
    backup.restore(target, same, **ADMIN)
    report = Guji.sign_in(target, "admin", ADMIN_PASSWORD).audit.verify_chain()
    assert report.ok
