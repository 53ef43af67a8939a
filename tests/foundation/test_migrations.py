"""Schema changes only through Alembic, on SQLite and a real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

import guji.models  # noqa: F401
from guji.db import migrate
from guji.db.engine import Database


def _diff(db: Database) -> list[object]:
    return migrate.schema_diff(db)


def test_upgrade_from_empty_matches_the_models(any_url: str) -> None:
    db = Database.open(any_url, create=True)
    assert migrate.current_revision(db) is None
    before, after = migrate.upgrade(db)
    assert before is None and after == migrate.head_revision()
    assert _diff(db) == [], "the migrations and the models disagree"
    migrate.check_schema(db)
    db.dispose()


def test_downgrade_and_upgrade_again(any_url: str) -> None:
    db = Database.open(any_url, create=True)
    migrate.upgrade(db)
    tables_at_head = set(inspect(db.engine).get_table_names())
    # Down to the census revision that the capability branches start from, and back up;
    # then all the way down and back up.
    migrate.downgrade(db, "0002")
    assert migrate.current_revision(db) == "0002"
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision()
    migrate.downgrade(db, "0001")
    migrate.upgrade(db)
    migrate.downgrade(db, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(db)
    assert set(inspect(db.engine).get_table_names()) == tables_at_head
    assert _diff(db) == []
    db.dispose()


def test_upgrade_is_idempotent(any_url: str) -> None:
    db = Database.open(any_url, create=True)
    migrate.upgrade(db)
    assert migrate.upgrade(db)[0] == migrate.upgrade(db)[1] == migrate.head_revision()
    db.dispose()


def test_the_database_refuses_to_rewrite_the_audit_log(any_admin) -> None:  # type: ignore[no-untyped-def]
    app = any_admin
    app.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    for sql in ("UPDATE audit_log SET login = 'someone-else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), app.db.engine.begin() as c:
            c.execute(text(sql))
    rows = app.audit.history()
    assert {r.login for r in rows} == {"system", "admin"}
    assert len(rows) == 2
