"""The audit log is a hash chain: every way of rewriting it is named by `guji audit verify`.

The tampering here is done the way a person with the database file or the owner's
account would: switching the append-only triggers off, rewriting, switching them on.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, text

from guji.app import Guji
from guji.cli.main import main as cli_main
from guji.db import audit_chain
from guji.db.engine import Database
from guji.errors import PermissionDenied
from tests.conftest import ADMIN_PASSWORD, PASSWORD


def _activity(admin: Guji) -> None:
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    admin.institutions.add_institution("吉林省圖書館", "220000", "0101")
    admin.users.add_user("li.census", PASSWORD, ["census"], institution="210000-0101", full_name="李明")
    admin.users.update_user("li.census", full_name="李明（普查）")


@contextmanager
def owner(db: Database) -> Iterator[Connection]:
    """A connection with the append-only triggers switched off, as a tamperer would do it."""
    with db.engine.begin() as c:
        if db.is_sqlite:
            c.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            c.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
            c.exec_driver_sql("DROP TRIGGER audit_chain_no_update")
            c.exec_driver_sql("DROP TRIGGER audit_chain_no_delete")
        else:
            c.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            c.exec_driver_sql("ALTER TABLE audit_chain DISABLE TRIGGER USER")
        yield c
        if not db.is_sqlite:
            c.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
            c.exec_driver_sql("ALTER TABLE audit_chain ENABLE TRIGGER USER")


def _verify(app: Guji, expect: str | None = None) -> audit_chain.ChainReport:
    return app.audit.verify_chain(expect)


def test_intact_chain_on_both_databases(any_admin: Guji) -> None:
    _activity(any_admin)
    report = _verify(any_admin)
    assert report.ok, report.problem
    with any_admin.db.engine.connect() as c:
        n_entries = c.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        links = c.execute(text("SELECT entry_id, prev_hash, hash FROM audit_chain ORDER BY seq")).all()
    assert report.entries == n_entries == len(links) >= 5
    # The database's trigger and guji's own canonical form agree byte for byte.
    assert links[0].prev_hash is None
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(links))
    assert str(report.head) == f"{n_entries}:{links[-1].hash}"


def test_altered_entry_is_named(any_admin: Guji) -> None:
    _activity(any_admin)
    with any_admin.db.engine.connect() as c:
        target = c.execute(text("SELECT id FROM audit_log WHERE action = 'update'")).scalar_one()
    with owner(any_admin.db) as c:
        c.execute(text("UPDATE audit_log SET login = 'nobody' WHERE id = :i"), {"i": target})
    report = _verify(any_admin)
    assert not report.ok and report.problem.kind == "altered" and report.problem.entry_id == target


def test_changes_rewritten_to_the_same_json_meaning_is_still_caught(any_admin: Guji) -> None:
    _activity(any_admin)
    with any_admin.db.engine.connect() as c:
        target, changes = c.execute(text(
            "SELECT id, CAST(changes AS TEXT) FROM audit_log WHERE action = 'update'")).one()
    forged = json.dumps(json.loads(changes.replace("\\uff08\\u666e\\u67e5\\uff09", "")), ensure_ascii=False)
    assert forged != changes
    with owner(any_admin.db) as c:
        c.execute(text("UPDATE audit_log SET changes = :c WHERE id = :i"), {"c": forged, "i": target})
    assert _verify(any_admin).problem.entry_id == target


def test_deleted_entry_is_named(any_admin: Guji) -> None:
    _activity(any_admin)
    with any_admin.db.engine.connect() as c:
        ids = [r[0] for r in c.execute(text("SELECT id FROM audit_log ORDER BY id"))]
    victim = ids[2]
    with owner(any_admin.db) as c:
        c.execute(text("DELETE FROM audit_chain WHERE entry_id = :i"), {"i": victim})
        c.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": victim})
    report = _verify(any_admin)
    # The link after the deleted one no longer follows its predecessor.
    assert report.problem.kind == "broken" and report.problem.entry_id == ids[3]
    assert report.problem.position == 3


def test_entry_deleted_but_its_link_kept_is_missing(any_admin: Guji) -> None:
    _activity(any_admin)
    with any_admin.db.engine.connect() as c:
        victim = c.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
    if any_admin.db.is_sqlite:  # with the sqlite3 shell's defaults: no foreign keys
        raw = sqlite3.connect(str(any_admin.db.url.database))
        raw.execute("DROP TRIGGER audit_log_no_delete")
        raw.execute("DELETE FROM audit_log WHERE id = ?", (victim,))
        raw.commit()
        raw.close()
    else:
        with any_admin.db.engine.begin() as c:
            c.exec_driver_sql("SET session_replication_role = replica")  # skips triggers and FK checks
            c.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": victim})
    report = _verify(any_admin)
    assert report.problem.kind == "missing" and report.problem.entry_id == victim


def test_entry_inserted_around_the_chain_is_named(any_admin: Guji) -> None:
    _activity(any_admin)
    with owner(any_admin.db) as c:
        if any_admin.db.is_sqlite:
            c.exec_driver_sql("DROP TRIGGER audit_log_chain")
        else:
            pass  # DISABLE TRIGGER USER switched the chain trigger off too
        c.execute(text("INSERT INTO audit_log (at, login, action, entity, entity_id, changes) "
                       "VALUES (:at, 'forger', 'create', 'user_account', '99', '{}')"),
                  {"at": "2026-01-01 00:00:00.000000"})
        forged = c.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
    report = _verify(any_admin)
    assert report.problem.kind == "unlinked" and report.problem.entry_id == forged


def test_reordered_entries_are_caught(any_admin: Guji) -> None:
    _activity(any_admin)
    with any_admin.db.engine.connect() as c:
        a, b = c.execute(text("SELECT seq, entry_id FROM audit_chain ORDER BY seq LIMIT 2 OFFSET 1")).all()
    with owner(any_admin.db) as c:
        # the two links change places
        rows = {r.seq: r for r in c.execute(text("SELECT * FROM audit_chain WHERE seq IN (:a, :b)"),
                                            {"a": a.seq, "b": b.seq})}
        c.execute(text("DELETE FROM audit_chain WHERE seq IN (:a, :b)"), {"a": a.seq, "b": b.seq})
        for seq, other in ((a.seq, b.seq), (b.seq, a.seq)):
            r = rows[other]
            c.execute(text("INSERT INTO audit_chain (seq, entry_id, prev_hash, hash) VALUES (:s, :e, :p, :h)"),
                      {"s": seq, "e": r.entry_id, "p": r.prev_hash, "h": r.hash})
    report = _verify(any_admin)
    assert not report.ok and report.problem.position == 2


def test_cut_off_tail_is_caught_against_a_known_head(any_admin: Guji) -> None:
    _activity(any_admin)
    known = str(_verify(any_admin).head)
    any_admin.institutions.add_institution("黑龍江省圖書館", "230000", "0101")
    assert _verify(any_admin, known).ok  # the chain grew past the known head: fine
    with any_admin.db.engine.connect() as c:
        tail = [r[0] for r in c.execute(text("SELECT entry_id FROM audit_chain ORDER BY seq DESC LIMIT 3"))]
    with owner(any_admin.db) as c:
        for e in tail:
            c.execute(text("DELETE FROM audit_chain WHERE entry_id = :e"), {"e": e})
            c.execute(text("DELETE FROM audit_log WHERE id = :e"), {"e": e})
    assert _verify(any_admin).ok  # on its own, a shortened chain still holds together
    report = _verify(any_admin, known)
    assert report.problem.kind == "truncated"


def test_only_administrators_verify(org: dict[str, Guji]) -> None:
    with pytest.raises(PermissionDenied):
        org["census_a"].audit.verify_chain()


def test_cli_verify_exits_non_zero_and_names_the_entry(admin: Guji, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _activity(admin)
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("GUJI_LANG", "zh_CN")
    url = str(admin.db.url.database)
    assert cli_main(["--db", url, "--user", "admin", "audit", "verify"]) == 0
    assert "审计链完整" in capsys.readouterr().out
    with admin.db.engine.connect() as c:
        target = c.execute(text("SELECT id FROM audit_log WHERE action = 'update'")).scalar_one()
    with owner(admin.db) as c:
        c.execute(text("UPDATE audit_log SET note = 'hidden' WHERE id = :i"), {"i": target})
    assert cli_main(["--db", url, "--user", "admin", "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"记录 {target}" in err and "改动" in err
    assert cli_main(["--db", url, "--user", "admin", "audit", "verify", "--expect", "bogus"]) == 1
    assert "条数:哈希" in capsys.readouterr().err


@pytest.mark.postgres
def test_concurrent_writers_keep_one_chain(pg_url: str) -> None:
    from tests.conftest import admin_for, make_db

    db = make_db(pg_url)
    admin = admin_for(db)
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            app = Guji(Database.open(pg_url), admin.actor)
            for i in range(15):
                app.users.add_user(f"u{k}-{i}", PASSWORD, ["census"], institution="210000-0101")
            app.db.dispose()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = admin.audit.verify_chain()
    assert report.ok, report.problem
    assert report.entries >= 90
    db.dispose()


def test_existing_log_is_linked_on_upgrade(sqlite_url: str) -> None:
    from guji.db import migrate

    db = Database.open(sqlite_url, create=True)
    migrate.upgrade(db, "0008_one_head")
    with db.engine.begin() as c:  # a log written before the chain existed
        for i, changes in enumerate(('{"name": [null, "\\u907c"]}', "{}", '{"x": [1, 2]}')):
            c.execute(text("INSERT INTO audit_log (at, login, action, entity, entity_id, changes, note) "
                           "VALUES (:at, 'admin', 'create', 'institution', :e, :c, :n)"),
                      {"at": f"2026-01-0{i + 1} 08:00:00.000000", "e": str(i), "c": changes,
                       "n": None if i else "第一條"})
    migrate.upgrade(db)
    with db.engine.connect() as c:
        report = audit_chain.verify(c)
    assert report.ok and report.entries == 3
    db.dispose()
