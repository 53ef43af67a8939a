"""Backups carry the images; backup and restore are administrator actions; files are the owner's alone."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from guji import backup
from guji.app import Guji
from guji.cli.main import main
from guji.errors import (
    AuthenticationError,
    GujiError,
    PermissionDenied,
    ValidationError,
)
from guji.images import location
from guji.models import AuditEntry
from tests.conftest import ADMIN_PASSWORD, PASSWORD, admin_for, build_org, make_db

ADMIN = {"login": "admin", "password": ADMIN_PASSWORD}


def page(path: Path, seed: int, size: tuple[int, int] = (240, 320)) -> Path:
    """A small page with a scan's texture (noise), so every file is different."""
    import numpy as np

    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(150, 255, (size[1], size[0], 3), dtype=np.uint8)).save(path, dpi=(300, 300))
    return path


def org_with_images(url: str, tmp_path: Path, n: int = 2) -> dict[str, Guji]:
    """An organisation with a census record holding ``n`` images (the store beside the SQLite file)."""
    from guji.census.record import RecordData

    org = build_org(admin_for(make_db(url)))
    census = org["census_a"]
    rid = census.census.register_book(RecordData(title="墨子十五卷", edition_statement="明萬曆刻本", volumes=4)).id
    for i in range(n):
        census.images.add_to_record(page(tmp_path / f"p{i}.png", i), rid, "書影" if i == 0 else "卷端")
    org["rid"] = rid  # type: ignore[assignment]
    return org


def audit_actions(app: Guji) -> list[str]:
    with app.db.read_session() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def row_count(app: Guji) -> int:
    with app.db.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def empty(db: object) -> bool:
    """No data in the database (its own image-store setting aside: that describes the folder)."""
    return all(not rows for name, rows in backup.dump_rows(db).items() if name != "system_setting")  # type: ignore[arg-type]


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.fixture(autouse=True)
def no_store_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(location.ENV, raising=False)


# ------------------------------------------------------------------------ who may


def test_a_census_clerk_may_not_make_a_backup_and_nothing_is_written(tmp_path: Path) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path, n=1)
    out = tmp_path / "clerk-backup"
    n = row_count(org["admin"])
    for who in ("census_a", "reviewer_b", "restorer_a", "centre_reviewer"):
        with pytest.raises(PermissionDenied) as info:
            backup.backup(org[who], out)
        assert info.value.key == "backup.admin_only"
        assert not out.exists()
    assert row_count(org["admin"]) == n


def test_backup_is_audited_with_its_counts(tmp_path: Path) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path)
    report = backup.backup(org["admin"], tmp_path / "b")
    assert (report.images, report.copied, report.skipped) == (2, 2, 0)
    history = org["admin"].audit.history("backup")
    assert [r.action for r in history] == ["backup"]
    changes = history[0].changes
    assert changes["images"] == [None, 2] and changes["copied"] == [None, 2]
    assert changes["rows"] == [None, sum(report.rows.values())]


@pytest.mark.parametrize("login,password", [("admin", "wrong-pass-1"), ("census.a", PASSWORD), ("nobody", "x"),
                                            (None, None), ("admin", None)])
def test_restore_needs_an_administrator_of_the_backup(tmp_path: Path, login: str | None,
                                                      password: str | None) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path)
    backup.backup(org["admin"], tmp_path / "b")
    target = make_db(str(tmp_path / "elsewhere" / "t.sqlite3"))
    with pytest.raises(AuthenticationError) as info:
        backup.restore(target, tmp_path / "b", login=login, password=password)
    assert info.value.key in ("backup.restore_denied", "backup.restore_needs_admin")
    assert empty(target)
    assert not (tmp_path / "elsewhere" / "t.images").exists()  # not even the store was touched


def test_a_disabled_administrator_may_not_restore(tmp_path: Path) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path, n=0)
    org["admin"].users.add_user("wang", "wang-pass-12", ["admin"])
    org["admin"].users.update_user("wang", active=False)
    backup.backup(org["admin"], tmp_path / "b")
    target = make_db(str(tmp_path / "t.sqlite3"))
    with pytest.raises(AuthenticationError):
        backup.restore(target, tmp_path / "b", login="wang", password="wang-pass-12")
    assert empty(target)


# ------------------------------------------------------------------------ images carried


def test_images_are_carried_and_the_backup_is_incremental(tmp_path: Path) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path)
    out = tmp_path / "b"
    first = backup.backup(org["admin"], out)
    assert (first.copied, first.skipped) == (2, 0) and first.copied_bytes > 0
    files = sorted(p.relative_to(out / "images").as_posix() for p in (out / "images").rglob("*") if p.is_file())
    with org["admin"].db.read_session() as s:
        from guji.images.models import StoredImage

        assert files == sorted(s.scalars(select(StoredImage.relpath)))
    second = backup.backup(org["admin"], out)
    assert (second.copied, second.skipped, second.copied_bytes) == (0, 2, 0)
    assert second.skipped_bytes == first.copied_bytes
    org["census_a"].images.add_to_record(page(tmp_path / "p9.png", 9), org["rid"], "牌記")  # type: ignore[arg-type]
    third = backup.backup(org["admin"], out)
    assert (third.copied, third.skipped) == (1, 2)
    # one data dump at a time: the manifest names the newest
    dumps = list(out.glob("data-*.jsonl.gz"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert [d.name for d in dumps] == [manifest["dump"]["file"]]
    assert "audit_chain" in manifest
    assert backup.verify(out).ok


def test_verify_names_each_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path, n=3)
    out = tmp_path / "b"
    backup.backup(org["admin"], out)
    assert main(["backup", "--verify", str(out)]) == 0
    assert "0 problems" not in capsys.readouterr().out
    images = sorted(p for p in (out / "images").rglob("*") if p.is_file())
    damaged, gone = images[0], images[1]
    os.chmod(damaged, 0o600)
    data = bytearray(damaged.read_bytes())
    data[100] ^= 0xFF
    damaged.write_bytes(bytes(data))
    gone.unlink()
    dump = next(out.glob("data-*.jsonl.gz"))
    with open(dump, "ab") as fh:
        fh.write(b"\x00")
    report = backup.verify(out)
    assert not report.ok and len(report.problems) == 3
    text = "\n".join(report.problems)
    assert damaged.name in text and gone.name in text and dump.name in text
    assert main(["backup", "--verify", str(out)]) == 1
    err = capsys.readouterr().err
    assert damaged.name in err and gone.name in err and dump.name in err
    # and such a backup does not restore
    target = make_db(str(tmp_path / "t.sqlite3"))
    with pytest.raises(ValidationError):
        backup.restore(target, out, **ADMIN)
    assert empty(target)


def test_a_backup_missing_an_image_restores_no_data(tmp_path: Path) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path)
    out = tmp_path / "b"
    backup.backup(org["admin"], out)
    next(p for p in (out / "images").rglob("*") if p.is_file()).unlink()
    target = make_db(str(tmp_path / "t.sqlite3"))
    with pytest.raises(ValidationError) as info:
        backup.restore(target, out, **ADMIN)
    assert info.value.key == "backup.restore_bad_images"
    assert empty(target)


def test_a_store_missing_a_cited_file_fails_the_backup_and_keeps_the_previous_one(tmp_path: Path) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path)
    out = tmp_path / "b"
    backup.backup(org["admin"], out)
    before = (out / "manifest.json").read_bytes()
    org["census_a"].images.add_to_record(page(tmp_path / "p7.png", 7), org["rid"], "牌記")  # type: ignore[arg-type]
    newest = max((tmp_path / "a.images").rglob("*.png"), key=lambda p: p.stat().st_mtime_ns)
    os.chmod(newest.parent, 0o700)
    newest.unlink()
    with pytest.raises(GujiError) as info:
        backup.backup(org["admin"], out)
    assert info.value.key == "backup.store_file_missing"
    assert (out / "manifest.json").read_bytes() == before and backup.verify(out).ok
    assert len(list(out.glob("data-*"))) == 1


def test_a_full_disk_removes_the_partial_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path)
    real = backup._copy_checked

    def full(src: Path, dest: Path, sha: str) -> int:
        real(src, dest, sha)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_copy_checked", full)
    out = tmp_path / "b"
    with pytest.raises(GujiError) as info:
        backup.backup(org["admin"], out)
    assert info.value.key == "backup.write_failed" and "磁盘已满" in str(info.value)
    assert not out.exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                          check=False)
    return done.returncode == 0


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("mount") is None, reason="mounting a tmpfs needs root")
def test_a_really_full_disk(tmp_path: Path) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path, n=1)
    disk = tmp_path / "disk"
    if not _tmpfs(disk, "1m"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = disk / "b"
        backup.backup(org["admin"], out)  # fits
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        big = tmp_path / "big.png"
        page(big, 42, size=(700, 700))  # about 1.4 MB of noise: does not fit
        org["census_a"].images.add_to_record(big, org["rid"], "批校")  # type: ignore[arg-type]
        with pytest.raises(GujiError) as info:
            backup.backup(org["admin"], out)
        assert info.value.key == "backup.write_failed"
        after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert after == before  # the partial copy was removed, the previous backup is whole
        assert backup.verify(out).ok
    finally:
        subprocess.run(["umount", str(disk)], check=False)


# ------------------------------------------------------------------------ restore puts images in the right store


def test_restore_copies_images_into_the_new_databases_store(tmp_path: Path) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path)
    backup.backup(org["admin"], tmp_path / "b")
    target_file = tmp_path / "other" / "desk" / "new.sqlite3"
    target = make_db(str(target_file))
    report = backup.restore(target, tmp_path / "b", **ADMIN)
    assert (report.images, report.copied, report.skipped) == (2, 2, 0)
    app = Guji.sign_in(target, "census.a", PASSWORD)
    images = app.images.images_of_record(org["rid"])  # type: ignore[arg-type]
    assert len(images) == 2
    for att in images:
        assert Path(att.image.path).is_file()
        assert Path(att.image.path).is_relative_to(target_file.parent / "new.images")
    # audited in the name of the administrator whose password was given
    rows = Guji.sign_in(target, "admin", ADMIN_PASSWORD).audit.history("backup")
    assert rows[0].action == "restore" and rows[0].login == "admin"


@pytest.mark.postgres
def test_restore_into_postgres_needs_its_image_store(tmp_path: Path, pg_url: str) -> None:
    org = org_with_images(str(tmp_path / "a.sqlite3"), tmp_path)
    backup.backup(org["admin"], tmp_path / "b")
    target = make_db(pg_url)
    with pytest.raises(GujiError) as info:
        backup.restore(target, tmp_path / "b", **ADMIN)
    assert info.value.key == "backup.restore_no_store"
    assert empty(target)
    store = tmp_path / "shared" / "images"
    location.init_store(target, store)
    report = backup.restore(target, tmp_path / "b", **ADMIN)
    assert report.copied == 2
    app = Guji.sign_in(target, "census.a", PASSWORD)
    assert all(Path(a.image.path).is_relative_to(store) for a in app.images.images_of_record(org["rid"]))
    target.dispose()


# ------------------------------------------------------------------------ modes


def test_database_backup_and_store_files_are_the_owners_alone(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        db_file = tmp_path / "new" / "guji.sqlite3"
        org = org_with_images(str(db_file), tmp_path, n=1)
        out = tmp_path / "b"
        backup.backup(org["admin"], out)
        with org["admin"].db.engine.connect() as conn:  # -wal and -shm exist while a connection is open
            conn.exec_driver_sql("SELECT 1").all()
            for suffix in ("", "-wal", "-shm"):
                f = Path(str(db_file) + suffix)
                assert f.exists() and mode(f) == 0o600, (f, oct(mode(f)))
        assert mode(db_file.parent) == 0o700
        for p in [out, *out.rglob("*")]:
            want = 0o700 if p.is_dir() else 0o600
            assert mode(p) == want, (p, oct(mode(p)))
        store = db_file.parent / "guji.images"
        for p in [store, *store.rglob("*")]:
            want = 0o700 if p.is_dir() else (0o600 if p.name == location.MARKER else 0o400)
            assert mode(p) == want, (p, oct(mode(p)))
    finally:
        os.umask(old)


# ------------------------------------------------------------------------ the command line


def test_backup_and_restore_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.sqlite3")
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    assert main(["--db", db, "init", "--admin", "admin"]) == 0
    assert (tmp_path / "cli.images" / location.MARKER).is_file()
    monkeypatch.setenv("GUJI_NEW_PASSWORD", "li-pass-1234")
    assert main(["--db", db, "--user", "admin", "institution", "add", "--name", "遼寧省圖書館", "--region", "210000",
                 "--unit", "0101"]) == 0
    assert main(["--db", db, "--user", "admin", "user", "add", "li", "--role", "census", "--institution",
                 "210000-0101"]) == 0
    capsys.readouterr()
    out = tmp_path / "x"
    monkeypatch.setenv("GUJI_PASSWORD", "li-pass-1234")
    assert main(["--db", db, "--user", "li", "backup", str(out)]) == 1
    assert "admin" in capsys.readouterr().err and not out.exists()
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    assert main(["--db", db, "--user", "admin", "backup", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    target = str(tmp_path / "restored.sqlite3")
    assert main(["--db", target, "restore", str(out)]) == 1  # who?
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("GUJI_PASSWORD", "li-pass-1234")
    assert main(["--db", target, "--user", "li", "restore", str(out)]) == 1  # not an administrator
    capsys.readouterr()
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    assert main(["--db", target, "--user", "admin", "restore", str(out)]) == 0
    assert main(["--db", target, "--user", "admin", "restore", str(out)]) == 1  # not empty any more
    err = capsys.readouterr().err
    assert err.startswith("guji: error:") and len(err.strip().splitlines()) == 1


def test_settings_image_store_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.sqlite3")
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    assert main(["--db", db, "init", "--admin", "admin"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "--user", "admin", "settings", "image-store", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["path"] == str(tmp_path / "cli.images") and shown["source"] == "default" and shown["ok"]
    moved = tmp_path / "moved" / "images"
    assert main(["--db", db, "--user", "admin", "settings", "image-store", str(moved), "--json"]) == 0
    shown2 = json.loads(capsys.readouterr().out)
    assert shown2["path"] == str(moved) and shown2["source"] == "setting" and shown2["store_id"] == shown["store_id"]
    assert location.read_marker(moved) == shown["store_id"]
    assert main(["--db", db, "--user", "admin", "audit", "--entity", "system_setting", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["action"] == "settings"


def test_init_with_an_image_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "i.sqlite3")
    store = tmp_path / "share" / "guji-images"
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    assert main(["--db", db, "init", "--admin", "admin", "--image-store", str(store)]) == 0
    assert location.read_marker(store) is not None
    uuid.UUID(location.read_marker(store))  # type: ignore[arg-type]
    assert main(["--db", db, "init", "--image-store", str(tmp_path / "other")]) == 1  # users exist: admin command
    assert not (tmp_path / "other").exists()
