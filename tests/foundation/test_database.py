"""Opening databases, and every way that can go wrong."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from guji.db import migrate
from guji.db.engine import Database, resolve_url
from guji.errors import DatabaseUnavailable, SchemaOutOfDate
from tests.conftest import make_db


def test_plain_path_is_sqlite(tmp_path: Path) -> None:
    url = resolve_url(str(tmp_path / "x.sqlite3"))
    assert url.drivername == "sqlite+pysqlite"
    assert url.database == str(tmp_path / "x.sqlite3")


def test_postgres_urls_use_psycopg() -> None:
    assert resolve_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert resolve_url("postgres://u@h/db").drivername == "postgresql+psycopg"


def test_default_is_the_user_data_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GUJI_HOME", str(tmp_path))
    monkeypatch.delenv("GUJI_DB", raising=False)
    assert resolve_url(None).database == str(tmp_path / "guji.sqlite3")
    monkeypatch.setenv("GUJI_DB", str(tmp_path / "other.db"))
    assert resolve_url(None).database == str(tmp_path / "other.db")


@pytest.mark.parametrize("bad", ["mysql://u@h/db", "oracle://x", "://nonsense", "postgresql://u@h:notaport/db"])
def test_wrong_urls_are_refused_clearly(bad: str) -> None:
    with pytest.raises(DatabaseUnavailable) as err:
        Database.open(bad)
    assert "database" in str(err.value) or "URL" in str(err.value)


def test_missing_file_without_create(tmp_path: Path) -> None:
    target = tmp_path / "nope.sqlite3"
    with pytest.raises(DatabaseUnavailable, match="no database at"):
        Database.open(str(target))
    assert not target.exists()


def test_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="folder"):
        Database.open(str(tmp_path))


def test_not_a_database_file(tmp_path: Path) -> None:
    f = tmp_path / "notes.sqlite3"
    f.write_bytes(b"this is a spreadsheet, honestly" * 100)
    before = f.read_bytes()
    with pytest.raises(DatabaseUnavailable, match=r"not a guji database|damaged"):
        Database.open(str(f))
    assert f.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    make_db(str(path)).dispose()
    os.chmod(path, 0o444)
    with pytest.raises(DatabaseUnavailable, match="read-only"):
        Database.open(str(path))


def test_read_only_file_as_root_too(tmp_path: Path) -> None:
    """Root bypasses permissions, so make SQLite itself read-only: the write fails with a clear message."""
    path = tmp_path / "ro.sqlite3"
    db = make_db(str(path))
    from guji.services import auth

    auth.bootstrap_admin(db, "admin", "admin-pass-1")
    db.dispose()
    ro = Database.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    from guji.app import Guji

    with pytest.raises(DatabaseUnavailable, match="read-only"):
        Guji.sign_in(ro, "admin", "admin-pass-1").institutions.add_institution("X", "210000", "0101")
    ro.dispose()
    check = sqlite3.connect(path)
    assert check.execute("select count(*) from institution").fetchone()[0] == 0
    check.close()


def test_locked_database_gives_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUJI_SQLITE_BUSY_MS", "200")
    path = tmp_path / "locked.sqlite3"
    db = make_db(str(path))
    from guji.app import Guji
    from guji.services import auth

    app = Guji(db, auth.bootstrap_admin(db, "admin", "admin-pass-1"))
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable, match="locked"):
            app.institutions.add_institution("遼寧省圖書館", "210000", "0101")
        assert time.monotonic() - started < 5
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert app.institutions.list() == []


def test_unreachable_postgres_server() -> None:
    from tests.pg_cluster import free_port

    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable, match="cannot use the database PostgreSQL"):
        Database.open(f"postgresql://guji@127.0.0.1:{free_port()}/guji")
    assert time.monotonic() - started < 10


def test_sqlite_pragmas(db: Database) -> None:
    with db.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA busy_timeout")).scalar() >= 200


def test_empty_database_needs_init(tmp_path: Path) -> None:
    db = Database.open(str(tmp_path / "new.sqlite3"), create=True)
    with pytest.raises(SchemaOutOfDate, match="guji init"):
        migrate.check_schema(db)


def test_older_schema_needs_upgrade(tmp_path: Path) -> None:
    db = make_db(str(tmp_path / "a.sqlite3"))
    with db.engine.begin() as c:
        # One row per branch head: replace one of them (several rows cannot share a value).
        c.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future' "
                       "WHERE version_num = (SELECT MIN(version_num) FROM alembic_version)"))
    with pytest.raises(SchemaOutOfDate, match="newer guji"):
        migrate.check_schema(db)
