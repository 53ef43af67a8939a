"""On a shared PostgreSQL database the database is the boundary: a census clerk's desk, with
the clerk's own credentials, cannot make itself an administrator, touch another institution's
rows, or rewrite or silence the audit log — whatever SQL it sends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from guji.app import Guji
from guji.census.record import RecordData
from guji.db import pg_security
from guji.db.engine import Database
from guji.errors import AuthenticationError, PermissionDenied
from guji.services import auth
from tests.conftest import PASSWORD, admin_for, build_org, desk, make_db

pytestmark = pytest.mark.postgres


def BOOK(**kw: object) -> RecordData:  # noqa: N802 - reads as a constant record
    base: dict[str, object] = dict(title="遼寧藏書八卷", edition_statement="明萬曆刻本", volumes=1)
    base.update(kw)
    return RecordData(**base)  # type: ignore[arg-type]


@pytest.fixture
def world(pg_url: str) -> Iterator[dict[str, Guji]]:
    db = make_db(pg_url)
    org = build_org(admin_for(db))
    yield org
    db.dispose()


def _clerk_engine(org: dict[str, Guji], login: str = "census.a", password: str = PASSWORD) -> Engine:
    url = org["admin"].db.url
    prefix = pg_security.prefix_for(url.database or "")
    return create_engine(url.set(username=pg_security.user_role(prefix, login), password=password))


def _refused(engine: Engine, sql: str, params: dict[str, object] | None = None) -> str:
    """The server's refusal of ``sql`` (the test fails if it is accepted)."""
    try:
        with engine.begin() as c:
            c.execute(text(sql), params or {})
    except DBAPIError as exc:
        return str(exc.orig).lower()
    raise AssertionError(f"accepted: {sql}")


def _rows(engine: Engine, sql: str, params: dict[str, object] | None = None) -> int:
    with engine.begin() as c:
        return c.execute(text(sql), params or {}).rowcount


def test_a_clerk_cannot_raise_their_own_role(world: dict[str, Guji]) -> None:
    clerk = _clerk_engine(world)
    me = world["census_a"].actor.user_id
    prefix = pg_security.prefix_for(world["admin"].db.url.database or "")
    assert "permission denied" in _refused(clerk, "INSERT INTO user_role (user_id, role) VALUES (:u, 'admin')",
                                           {"u": me})
    assert "permission denied" in _refused(clerk, "UPDATE user_role SET role = 'admin' WHERE user_id = :u",
                                           {"u": me})
    assert "permission denied" in _refused(clerk, "UPDATE user_account SET institution_id = 1 WHERE id = :u",
                                           {"u": me})
    assert "permission denied" in _refused(clerk, f'SET ROLE "{prefix}_admin"')
    assert "admin option" in _refused(clerk, f'GRANT "{prefix}_admin" TO CURRENT_USER')
    assert "permission denied" in _refused(clerk, "CREATE ROLE someone_new LOGIN")
    assert "permission denied" in _refused(clerk, "SELECT guji_sync_login(:u, NULL)", {"u": me})
    assert "permission denied" in _refused(clerk, "SELECT password_hash FROM user_account")
    # guji still sees a census clerk, who may not make administrators.
    app = Guji.sign_in(desk(world["admin"].db), "census.a", PASSWORD)
    assert app.actor.roles == world["census_a"].actor.roles
    with pytest.raises(PermissionDenied):
        app.users.add_user("new.admin", "another-secret-9", ["admin"])
    assert [u.login for u in world["admin"].users.list_users() if u.login == "new.admin"] == []
    clerk.dispose()


def test_a_clerk_cannot_touch_another_institutions_rows(world: dict[str, Guji]) -> None:
    theirs = world["census_b"].census.register_book(BOOK(title="吉林藏書十卷")).id
    mine = world["census_a"].census.register_book(BOOK()).id
    clerk = _clerk_engine(world)
    with clerk.begin() as c:
        seen = set(c.execute(text("SELECT id FROM census_record")).scalars())
        authors = c.execute(text("SELECT count(*) FROM review_round WHERE record_id = :r"), {"r": theirs}).scalar()
    assert seen == {mine} and authors == 0
    assert _rows(clerk, "UPDATE census_record SET title = 'x' WHERE id = :r", {"r": theirs}) == 0
    assert _rows(clerk, "DELETE FROM census_record WHERE id = :r", {"r": theirs}) == 0
    inst_b = world["census_b"].actor.institution_id
    assert "row-level security" in _refused(
        clerk, "INSERT INTO census_record (census_number, title, institution_id, serial, state, review_round, "
               "search_key, title_key, edition_key, created_at, updated_at, version) VALUES "
               "('220000-0101-0999999', '偽', :i, 999999, 'centre_approved', 0, '', '', '', now(), now(), 1)",
        {"i": inst_b})
    assert "row-level security" in _refused(clerk, "UPDATE census_record SET institution_id = :i WHERE id = :r",
                                            {"i": inst_b, "r": mine})
    assert "must be owner" in _refused(clerk, "ALTER TABLE census_record DISABLE ROW LEVEL SECURITY")
    assert world["admin"].census.get_record(theirs).data.title == "吉林藏書十卷"
    clerk.dispose()


def test_a_clerk_cannot_rewrite_or_silence_the_audit_log(world: dict[str, Guji]) -> None:
    world["census_a"].census.register_book(BOOK())
    clerk = _clerk_engine(world)
    admin_id = world["admin"].actor.user_id
    for sql in ("ALTER TABLE audit_log DISABLE TRIGGER USER", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
                "DROP TRIGGER audit_log_no_update ON audit_log", "ALTER TABLE audit_chain DISABLE TRIGGER USER",
                "ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY", "DROP FUNCTION audit_log_append_only() CASCADE"):
        assert "must be owner" in _refused(clerk, sql), sql
    for sql in ("UPDATE audit_log SET login = 'nobody'", "DELETE FROM audit_log", "TRUNCATE audit_log",
                "UPDATE audit_chain SET hash = 'x'", "DELETE FROM audit_chain",
                "INSERT INTO audit_chain (entry_id, prev_hash, hash) VALUES (1, NULL, 'x')"):
        assert "permission denied" in _refused(clerk, sql), sql
    # An entry in someone else's name is refused; one in their own name is linked like any other.
    assert "row-level security" in _refused(
        clerk, "INSERT INTO audit_log (at, user_id, login, action, entity, entity_id, changes) "
               "VALUES (now(), :u, 'admin', 'create', 'user_account', '99', '{}')", {"u": admin_id})
    assert world["admin"].audit.verify_chain().ok
    clerk.dispose()


def test_wrong_passwords_are_refused_by_the_server_audited_and_lock_the_role(
        world: dict[str, Guji], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_sleep", lambda _s: None)
    desks = desk(world["admin"].db)
    for _ in range(auth.LOCK_AFTER - 1):
        with pytest.raises(AuthenticationError) as err:
            Guji.sign_in(desks, "census.a", "not-the-password")
        assert err.value.key == "login.failed"
    with pytest.raises(AuthenticationError) as err:
        Guji.sign_in(desks, "census.a", "not-the-password")
    assert err.value.key == "login.locked"
    # Locked: the server itself refuses the role, even with the right password.
    with pytest.raises(DBAPIError, match="not permitted to log in"), _clerk_engine(world).connect():
        pass
    with pytest.raises(AuthenticationError) as err:
        Guji.sign_in(desks, "census.a", PASSWORD)
    assert err.value.key == "login.locked"
    failed = [r for r in world["admin"].audit.history() if r.action == "login_failed"]
    assert len(failed) == auth.LOCK_AFTER
    world["admin"].users.update_user("census.a", unlock=True)
    assert Guji.sign_in(desks, "census.a", PASSWORD).actor.login == "census.a"
    with pytest.raises(AuthenticationError):
        Guji.sign_in(desks, "nobody.here", PASSWORD)


def test_desks_work_as_their_own_roles(world: dict[str, Guji]) -> None:
    app = world["census_a"]
    assert isinstance(app.db, Database) and app.db.url.username.endswith("_u_census.a")
    rid = app.census.register_book(BOOK()).id
    world["reviewer_a"].review.submit_for_review  # noqa: B018 - the reviewer is signed in as a role too
    app.review.submit_for_review(rid)
    world["reviewer_a"].review.approve(rid)
    assert world["centre_reviewer"].census.get_record(rid).state == "unit_approved"
    app.users.change_password("census.a", "a-new-secret-42", old_password=PASSWORD)
    assert Guji.sign_in(desk(app.db), "census.a", "a-new-secret-42")
    with pytest.raises(AuthenticationError):
        Guji.sign_in(desk(app.db), "census.a", PASSWORD)


def test_init_and_the_command_line_of_a_desk(pg_url: str, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy.engine import make_url

    from guji.cli.main import main as cli_main

    monkeypatch.setenv("GUJI_PASSWORD", "keeper-of-books-1")
    assert cli_main(["--db", pg_url, "init", "--admin", "wang"]) == 0
    assert "数据库权限已就绪" in capsys.readouterr().out
    u = make_url(pg_url)
    desk_url = f"postgresql://{u.host}:{u.port}/{u.database}"  # a desk's URL: no user, no password
    assert cli_main(["--db", desk_url, "--user", "wang", "institution", "add", "--name", "遼寧省圖書館",
                     "--region", "210000", "--unit", "0101"]) == 0
    monkeypatch.setenv("GUJI_PASSWORD", "not-the-password")
    monkeypatch.setattr(auth, "_sleep", lambda _s: None)
    assert cli_main(["--db", desk_url, "--user", "wang", "institution", "list"]) == 1
    assert "用户名或密码不正确" in capsys.readouterr().err
