"""Signing in: passwords worth having, failed attempts audited, slowed and locked, one
login entry per session."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from guji.app import Guji
from guji.cli.main import main as cli_main
from guji.errors import AuthenticationError, ValidationError
from guji.models.audit import AuditEntry
from guji.models.user import User, UserSession
from guji.services import auth
from tests.conftest import ADMIN_PASSWORD, PASSWORD


def _entries(app: Guji, action: str) -> list[AuditEntry]:
    with app.db.read_session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.mark.parametrize("password", ["12345678", "1234567890", "qwertyuiop", "password123", "woaini1314",
                                      "8888888888", "zyxwvutsrq", "census.a-2026", "Abcdefghij", "  padded-pass  "])
def test_weak_passwords_are_refused(org: dict[str, Guji], password: str) -> None:
    admin = org["admin"]
    with admin.db.read_session() as s:
        users = s.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValidationError) as err:
        admin.users.add_user("census.a2" if password != "census.a-2026" else "census.a", password, ["census"],
                             institution="210000-0101")
    assert err.value.fields == ["password"] and err.value.key and err.value.key.startswith("password.")
    with pytest.raises(ValidationError):
        org["census_a"].users.change_password("census.a", password, old_password=PASSWORD)
    with admin.db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == users
    assert Guji.sign_in(admin.db, "census.a", PASSWORD)  # the old password still works


def test_failed_sign_ins_are_audited_slowed_and_lock_the_account(org: dict[str, Guji],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(auth, "_sleep", waits.append)
    db = org["admin"].db
    for _ in range(auth.LOCK_AFTER):
        with pytest.raises(AuthenticationError) as err:
            Guji.sign_in(db, "census.a", "not-the-password")
        assert err.value.key == "login.failed"
    assert waits == [0.25, 0.5, 1.0, 2.0, 4.0]
    failed = _entries(org["admin"], "login_failed")
    assert len(failed) == auth.LOCK_AFTER and {e.login for e in failed} == {"census.a"}
    assert "locked_until" in failed[-1].changes
    # Locked: even the right password is refused, and says until when.
    with pytest.raises(AuthenticationError) as err:
        Guji.sign_in(db, "census.a", PASSWORD)
    assert err.value.key == "login.locked"
    assert _entries(org["admin"], "login_refused")
    # An administrator lifts the lock; the count starts again.
    org["admin"].users.update_user("census.a", unlock=True)
    assert Guji.sign_in(db, "census.a", PASSWORD).actor.login == "census.a"
    with db.read_session() as s:
        u = s.scalar(select(User).where(User.login == "census.a"))
        assert u.failed_logins == 0 and u.locked_until is None


def test_the_lock_ends_by_itself(org: dict[str, Guji], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_sleep", lambda _s: None)
    db = org["admin"].db
    for _ in range(auth.LOCK_AFTER):
        with pytest.raises(AuthenticationError):
            Guji.sign_in(db, "census.a", "not-the-password")
    with db.write_session() as s:
        s.execute(update(User).where(User.login == "census.a").values(
            locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert Guji.sign_in(db, "census.a", PASSWORD)


def test_unknown_logins_are_audited_and_slowed_too(admin: Guji, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(auth, "_sleep", waits.append)
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            Guji.sign_in(admin.db, "nobody", "whatever-it-is")
    assert waits == [0.25, 0.5, 1.0]
    assert [e.login for e in _entries(admin, "login_failed")] == ["nobody"] * 3


def test_one_login_entry_per_session(admin: Guji, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    url = str(admin.db.url.database)
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    for _ in range(4):  # a script of command-line calls is one session
        assert cli_main(["--db", url, "--user", "admin", "institution", "list"]) == 0
    logins = _entries(admin, "login")
    assert len(logins) == 1
    with admin.db.read_session() as s:
        session = s.scalar(select(UserSession).where(UserSession.client == "cli"))
        assert session.calls == 4
    Guji.sign_in(admin.db, "admin", ADMIN_PASSWORD)  # each desktop sign-in is a session
    Guji.sign_in(admin.db, "admin", ADMIN_PASSWORD)
    assert len(_entries(admin, "login")) == 3
    capsys.readouterr()
