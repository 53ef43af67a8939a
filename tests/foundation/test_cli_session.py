"""``guji login`` / ``guji logout``: a command-line session that later calls join by a token.

The token lives in a file only the person's account can read; the database keeps its SHA-256.
It signs in only while its session is alive, for its own login, and stops with logout, a
password change, a disabled or locked account; then the password decides again. Nothing is
written by a refused token.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update

from guji.app import Guji
from guji.census.record import RecordData
from guji.cli import session_file
from guji.cli.main import main
from guji.errors import AuthenticationError
from guji.models.audit import AuditEntry
from guji.models.user import User, UserSession
from guji.services import auth
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _actions(app: Guji, action: str) -> list[AuditEntry]:
    with app.db.read_session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _session(app: Guji) -> UserSession:
    with app.db.read_session() as s:
        found = s.scalar(select(UserSession).where(UserSession.client == "cli").order_by(UserSession.id.desc()))
    assert found is not None
    return found


@pytest.fixture
def db_path(org: dict[str, Guji]) -> str:
    org["census_a"].census.register_book(RecordData(title="墨子十五卷", edition_statement="明萬曆刻本", volumes=4))
    org["census_b"].census.register_book(RecordData(title="墨子閒詁十五卷", edition_statement="民國刻本", volumes=2))
    return str(org["admin"].db.url.database)


def _search(db: str, capsys: pytest.CaptureFixture[str], user: str = "census.a") -> tuple[int, dict | None]:
    rc = main(["--db", db, "--user", user, "census", "search", "墨", "--json"])
    captured = capsys.readouterr()
    _search.err = captured.err  # type: ignore[attr-defined]
    return rc, (json.loads(captured.out) if rc == 0 else None)


def test_login_then_calls_without_password(org: dict[str, Guji], db_path: str, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    admin = org["admin"]
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    logins = len(_actions(admin, "login"))
    assert main(["--db", db_path, "--user", "census.a", "login"]) == 0
    assert "census.a" in capsys.readouterr().out
    file = session_file.path_for(db_path, "census.a")
    assert stat.S_IMODE(file.stat().st_mode) == 0o600 and stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    token = file.read_text().strip()
    assert len(token) >= 40 and token not in json.dumps([e.changes for e in _actions(admin, "login")])
    assert _session(admin).token_hash == auth.token_digest(token) != token

    monkeypatch.delenv("GUJI_PASSWORD")  # no password from here on: the token signs in
    calls = _session(admin).calls
    rc, quick = _search(db_path, capsys)
    assert rc == 0 and quick is not None and quick["total"] == 1
    rc, again = _search(db_path, capsys)
    assert again == quick
    assert _session(admin).calls >= calls + 2
    assert len(_actions(admin, "login")) == logins + 1  # one session, one login entry

    assert main(["--db", db_path, "--user", "census.a", "logout"]) == 0
    assert not file.exists()
    assert [e.login for e in _actions(admin, "logout")] == ["census.a"]
    assert _session(admin).token_hash is None
    rc, _ = _search(db_path, capsys)
    assert rc == 1 and "GUJI_PASSWORD" in _search.err  # type: ignore[attr-defined]  # the password is needed
    assert main(["--db", db_path, "--user", "census.a", "logout"]) == 1


def test_a_token_stops_with_its_session(org: dict[str, Guji], db_path: str, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    admin = org["admin"]
    app = Guji.sign_in(admin.db, "census.a", PASSWORD, client="cli")
    token = auth.issue_cli_token(admin.db, app.actor)
    assert auth.resume_cli_session(admin.db, "census.a", token).login == "census.a"

    # Another person's login, an unknown token: refused, nothing written.
    before = _session(admin).calls
    for login, tok in (("census.b", token), ("census.a", token[:-2] + "xx"), ("census.a", "")):
        with pytest.raises(AuthenticationError):
            auth.resume_cli_session(admin.db, login, tok)
    assert _session(admin).calls == before

    # Idle for the whole idle time: ended.
    with admin.db.write_session() as s:
        s.execute(update(UserSession).values(last_seen_at=dt.datetime.now(dt.UTC) - auth.CLI_SESSION_IDLE))
    with pytest.raises(AuthenticationError):
        auth.resume_cli_session(admin.db, "census.a", token)

    # A disabled account, a locked one, a new password: ended.
    app = Guji.sign_in(admin.db, "census.a", PASSWORD, client="cli")
    token = auth.issue_cli_token(admin.db, app.actor)
    admin.users.update_user("census.a", active=False)
    with pytest.raises(AuthenticationError):
        auth.resume_cli_session(admin.db, "census.a", token)
    admin.users.update_user("census.a", active=True)
    with admin.db.write_session() as s:
        s.execute(update(User).where(User.login == "census.a").values(
            locked_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)))
    with pytest.raises(AuthenticationError):
        auth.resume_cli_session(admin.db, "census.a", token)
    admin.users.update_user("census.a", unlock=True)
    assert auth.resume_cli_session(admin.db, "census.a", token).login == "census.a"
    admin.users.change_password("census.a", "another-pass-2026")
    with pytest.raises(AuthenticationError):
        auth.resume_cli_session(admin.db, "census.a", token)

    # The command line forgets an ended token and asks for the password.
    session_file.write(db_path, "census.a", token)
    monkeypatch.delenv("GUJI_PASSWORD", raising=False)
    rc, _ = _search(db_path, capsys)
    assert rc == 1 and not session_file.path_for(db_path, "census.a").exists()
    monkeypatch.setenv("GUJI_PASSWORD", "another-pass-2026")
    rc, page = _search(db_path, capsys)
    assert rc == 0 and page is not None and page["total"] == 1


def test_a_copied_token_file_does_not_sign_in_someone_else(org: dict[str, Guji], db_path: str,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    admin = org["admin"]
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    assert main(["--db", db_path, "--user", "census.a", "login"]) == 0
    capsys.readouterr()
    monkeypatch.delenv("GUJI_PASSWORD")
    token = session_file.read(db_path, "census.a")
    assert token is not None
    session_file.write(db_path, "census.b", token)  # census.a's token under census.b's name
    calls = _session(admin).calls
    rc, _ = _search(db_path, capsys, user="census.b")
    assert rc == 1
    assert _session(admin).calls == calls


def test_the_quick_search_by_token_loads_no_sqlalchemy(org: dict[str, Guji], db_path: str,
                                                       tmp_path: Path) -> None:
    admin = org["admin"]
    app = Guji.sign_in(admin.db, "census.b", PASSWORD, client="cli")
    env = {"GUJI_ARGON2_PROFILE": "test", "GUJI_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    old_home = os.environ["GUJI_HOME"]
    os.environ["GUJI_HOME"] = str(tmp_path)
    try:
        session_file.write(db_path, "census.b", auth.issue_cli_token(admin.db, app.actor))
    finally:
        os.environ["GUJI_HOME"] = old_home
    code = ("import sys; from guji.cli.main import main; "
            f"rc = main(['--db', {db_path!r}, '--user', 'census.b', 'census', 'search', '墨', '--json']); "
            "print(rc, 'sqlalchemy' in sys.modules, 'argon2' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert done.stderr.split()[-3:] == ["0", "False", "False"]
    assert json.loads(done.stdout)["total"] == org["census_b"].search.search("墨").total


def test_database_key_hides_the_password() -> None:
    key = session_file.database_key("postgresql://guji:secret@db.example:5432/census")
    assert "secret" not in key and key == "postgresql://guji@db.example:5432/census"
    assert session_file.path_for("a.sqlite3", "x") != session_file.path_for("a.sqlite3", "y")
