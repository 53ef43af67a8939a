"""``guji census search`` without SQLAlchemy (guji.db.direct + guji.census.search_core): the same
pages as the search service for every user, the same sign-in rules, nothing the full path
would refuse or audit taken on, and the duplicated constants equal to their originals."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy import select, update

from guji.app import Guji
from guji.census import search as search_mod
from guji.census import search_core
from guji.census.record import RecordData
from guji.census.search import SearchFilters
from guji.cli import main as cli_main
from guji.cli.main import main
from guji.db import direct
from guji.models.audit import AuditEntry
from guji.models.user import User, UserSession
from guji.services import visibility
from tests.conftest import ADMIN_PASSWORD, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = {"census_a": "census.a", "reviewer_a": "reviewer.a", "census_b": "census.b",
          "centre_reviewer": "centre.reviewer", "admin": "admin"}
QUERIES = ["", "墨子", "墨", "萬曆", "万历", "刻本", "清 刻本", "子 卷", "善2002", "sb123", "03832", "!!!",
           "NEAR OR", "210000-0101", "志"]
FILTERS = [None, SearchFilters(dynasty="明"), SearchFilters(edition_type="刻本"), SearchFilters(grade="4"),
           SearchFilters(state="draft"), SearchFilters(state="submitted"),
           SearchFilters(institution="210000-0101"), SearchFilters(institution="220000-0101"),
           SearchFilters(institution="110000-0101"), SearchFilters(year_from=1500, year_to=1700),
           SearchFilters(year_from=1800), SearchFilters(year_to=1600),
           SearchFilters(dynasty="清", year_from=-3000, year_to=3000)]


def book(**kw: object) -> RecordData:
    base = dict(title="墨子十五卷", author_statement="（周）墨翟撰", edition_statement="清乾隆三十年武英殿刻本",
                volumes=4, call_number="善1001")
    base.update(kw)
    return RecordData(**base)  # type: ignore[arg-type]


def fill(org: dict[str, Guji]) -> None:
    a, b = org["census_a"], org["census_b"]
    first = a.census.register_book(book(
        title="［萬曆］金華府志三十卷", author_statement="（明）王懋德纂修", edition_statement="明萬曆六年刻本",
        volumes=12, call_number="ＳＢ１２３", grade="2B")).id
    a.census.register_book(book(notes="書衣有題簽", grade="4"))
    a.census.register_book(book(title="貞觀政要十卷", author_statement="（唐）吳兢撰",
                                edition_statement="明成化元年內府刻本", call_number="善2002",
                                national_list_number="03832", grade="2A"))
    a.census.register_book(book(title="說文解字十五卷", edition_statement="清同治十二年刻本", notes="與墨子合函"))
    for i in range(8):
        a.census.register_book(book(title=f"萬曆野獲編{i + 1}卷", edition_statement="明萬曆刻本", call_number=f"普{i}"))
    b.census.register_book(book(title="吉林通志一百二十二卷", edition_statement="清光緒二十八年刊本",
                                call_number="史4004"))
    b.census.register_book(book(title="墨子閒詁十五卷", edition_statement="民國二十年鉛印本", call_number="普5005"))
    b.census.register_book(book(title="志書殘本", edition_statement="清刻本", grade="4"))
    a.review.submit_for_review(first)  # one record in another state than draft


@pytest.fixture
def world(org: dict[str, Guji]) -> dict[str, Guji]:
    fill(org)
    return org


def viewer(app: Guji, login: str, password: str) -> tuple[sqlite3.Connection, direct.Viewer]:
    """The fast path's sign-in of ``login`` (a command-line session started the full way first)."""
    Guji.sign_in(app.db, login, password, client="cli")
    conn = direct.connect(direct.sqlite_file(str(app.db.url.database)))
    direct.check_schema(conn)
    return conn, direct.continue_cli_session(conn, login, password)


def pages(app: Guji, core: search_core.SqliteSearch, query: str, f: SearchFilters | None,
          **kw: object) -> tuple[object, object]:
    return app.search.search(query, f, **kw), core.search(query, f, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("who", list(PEOPLE))
def test_same_pages_as_the_search_service(world: dict[str, Guji], who: str) -> None:
    app = world[who]
    conn, v = viewer(app, PEOPLE[who], ADMIN_PASSWORD if who == "admin" else PASSWORD)
    # The visibility rule is guji.services.visibility's.
    assert v.sees_all == visibility.sees_all(app.actor)
    assert v.institution_id == app.actor.institution_id
    core = search_core.SqliteSearch(conn, sees_all=v.sees_all, institution_id=v.institution_id)
    seen = 0
    for q in QUERIES:
        for f in FILTERS:
            service, quick = pages(app, core, q, f, limit=50)
            assert quick == service, (who, q, f)
            seen += len(service.rows)  # type: ignore[attr-defined]
    assert seen > 0
    for q in ("", "墨", "刻本", "萬曆"):
        for sort in ("rank", "census_number", "title", "year", "updated"):
            for desc in (False, True):
                for limit, offset in ((50, 0), (2, 1), (0, 0), (3, 100)):
                    service, quick = pages(app, core, q, None, sort=sort, descending=desc, limit=limit, offset=offset)
                    assert quick == service, (who, q, sort, desc, limit, offset)
    conn.close()


def test_same_pages_for_huge_match_sets(world: dict[str, Guji], monkeypatch: pytest.MonkeyPatch) -> None:
    """The window order (above RANK_ALL_LIMIT matches) and the capped count, with small limits."""
    app = world["centre_reviewer"]
    conn, v = viewer(app, "centre.reviewer", PASSWORD)
    core = search_core.SqliteSearch(conn, sees_all=v.sees_all, institution_id=v.institution_id)
    for mod in (search_mod, search_core):
        monkeypatch.setattr(mod, "RANK_ALL_LIMIT", 1)
        monkeypatch.setattr(mod, "WINDOW", 2)
        monkeypatch.setattr(mod, "COUNT_CAP", 5)
    for q in ("刻", "萬曆", "墨 卷", "志"):
        for f in (None, SearchFilters(dynasty="明"), SearchFilters(year_from=1500, year_to=1700)):
            for limit, offset in ((1, 0), (1, 1), (2, 1), (3, 2), (50, 0), (4, 5)):
                service, quick = pages(app, core, q, f, limit=limit, offset=offset)
                assert quick == service, (q, f, limit, offset)
    conn.close()


def test_refused_input_is_left_to_the_service() -> None:
    for f, sort, limit, offset in ((SearchFilters(year_from=1900, year_to=1800), "rank", 5, 0),
                                   (SearchFilters(institution="nonsense"), "rank", 5, 0),
                                   (SearchFilters(institution="990000-0101"), "rank", 5, 0),
                                   (None, "rank", -1, 0), (None, "rank", 5, -1), (None, "colour", 5, 0)):
        with pytest.raises(search_core.Unsupported):
            search_core.SqliteSearch.check(f, sort=sort, limit=limit, offset=offset)
    search_core.SqliteSearch.check(SearchFilters(institution="110000-0101", year_from=1, year_to=1), sort="year",
                                   limit=0, offset=0)


# --- signing in -----------------------------------------------------------------------------------

def _logins(app: Guji, action: str = "login") -> list[AuditEntry]:
    with app.db.read_session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _cli_session(app: Guji) -> UserSession | None:
    with app.db.read_session() as s:
        return s.scalar(select(UserSession).where(UserSession.client == "cli").order_by(UserSession.id.desc()))


def test_only_a_continuing_session_is_signed_in_directly(org: dict[str, Guji]) -> None:
    admin = org["admin"]
    path = direct.sqlite_file(str(admin.db.url.database))
    conn = direct.connect(path)
    direct.check_schema(conn)
    # No command-line session yet: the full sign-in starts one (and audits it).
    with pytest.raises(direct.Fallback):
        direct.continue_cli_session(conn, "census.a", PASSWORD)
    assert _cli_session(admin) is None
    Guji.sign_in(admin.db, "census.a", PASSWORD, client="cli")
    before = _cli_session(admin)
    v = direct.continue_cli_session(conn, "census.a", PASSWORD)
    after = _cli_session(admin)
    assert (v.login, v.roles, v.sees_all) == ("census.a", frozenset({"census"}), False)
    assert after is not None and before is not None and after.calls == before.calls + 1
    assert after.last_seen_at > before.last_seen_at
    logins = len(_logins(admin))
    # Wrong password, unknown login, a locked or disabled account, failures to reset, an idle
    # session: the full sign-in decides, nothing is written here.
    for login, password in (("census.a", "wrong-pass-99"), ("nobody", PASSWORD), ("census.a", "")):
        with pytest.raises(direct.Fallback):
            direct.continue_cli_session(conn, login, password)
    with admin.db.write_session() as s:
        s.execute(update(User).where(User.login == "census.a").values(failed_logins=2))
    with pytest.raises(direct.Fallback):
        direct.continue_cli_session(conn, "census.a", PASSWORD)
    with admin.db.write_session() as s:
        s.execute(update(User).where(User.login == "census.a").values(
            failed_logins=0, locked_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)))
    with pytest.raises(direct.Fallback):
        direct.continue_cli_session(conn, "census.a", PASSWORD)
    admin.users.update_user("census.a", unlock=True)
    admin.users.update_user("census.a", active=False)
    with pytest.raises(direct.Fallback):
        direct.continue_cli_session(conn, "census.a", PASSWORD)
    admin.users.update_user("census.a", active=True)
    with admin.db.write_session() as s:
        s.execute(update(UserSession).values(last_seen_at=dt.datetime.now(dt.UTC) - direct.CLI_SESSION_IDLE))
    with pytest.raises(direct.Fallback):
        direct.continue_cli_session(conn, "census.a", PASSWORD)
    assert _cli_session(admin).calls == after.calls  # type: ignore[union-attr]
    assert len(_logins(admin)) == logins and not _logins(admin, "login_failed")
    conn.close()


def test_the_command_line_audits_and_refuses_as_before(org: dict[str, Guji], monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    fill(org)
    admin = org["admin"]
    url = str(admin.db.url.database)
    base = ["--db", url, "--user", "census.a", "census", "search", "墨", "--json"]
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    logins = len(_logins(admin))
    outs = []
    for _ in range(3):  # the first call starts the session (the full way), the others continue it
        assert main(base) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[0] == outs[1] == outs[2]
    assert [r["id"] for r in outs[0]["rows"]] == [r.id for r in org["census_a"].search.search("墨", limit=20).rows]
    assert all(r["institution_code"] == "210000-0101" for r in outs[0]["rows"])
    assert [e.login for e in _logins(admin)[logins:]] == ["census.a"]  # one session, one login entry
    assert _cli_session(admin).calls == 3  # type: ignore[union-attr]
    monkeypatch.setenv("GUJI_PASSWORD", "wrong-pass-99")
    assert main(base) == 1
    assert "census.a" in capsys.readouterr().err
    failed = _logins(admin, "login_failed")
    assert [e.login for e in failed] == ["census.a"]
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    assert main(base) == 0  # the failure is reset by the full sign-in, then the quick one continues
    assert json.loads(capsys.readouterr().out) == outs[0]
    assert main(base) == 0
    assert json.loads(capsys.readouterr().out) == outs[0]
    with admin.db.read_session() as s:
        assert s.scalar(select(User.failed_logins).where(User.login == "census.a")) == 0


def test_a_continuing_call_does_not_load_sqlalchemy(org: dict[str, Guji], tmp_path: Path) -> None:
    fill(org)
    url = str(org["admin"].db.url.database)
    Guji.sign_in(org["admin"].db, "census.b", PASSWORD, client="cli")
    code = ("import sys; from guji.cli.main import main; "
            f"rc = main(['--db', {url!r}, '--user', 'census.b', 'census', 'search', '墨', '--json']); "
            "print(rc, 'sqlalchemy' in sys.modules, 'guji.census.models' in sys.modules, file=sys.stderr)")
    env = {"GUJI_PASSWORD": PASSWORD, "GUJI_ARGON2_PROFILE": "test", "GUJI_HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert done.stderr.split()[-3:] == ["0", "False", "False"]
    out = json.loads(done.stdout)
    page = org["census_b"].search.search("墨", limit=20)
    assert out["total"] == page.total > 0 and [r["id"] for r in out["rows"]] == [r.id for r in page.rows]


# --- what the quick path copies from the full one -------------------------------------------------

def test_copies_equal_their_originals() -> None:
    from argon2 import PasswordHasher

    from guji.census import search_index
    from guji.census.sorts import SORT_NAMES
    from guji.db import migrate
    from guji.services import auth, passwords

    assert search_core.TEXT_COLUMNS == search_index.TEXT_COLUMNS
    # Every filter is one the quick search applies (a new one must be taught to it too).
    assert {f.name for f in fields(SearchFilters)} == {*search_core.FILTER_COLUMNS, "institution", "year_from",
                                                        "year_to"}
    assert tuple(search_core.SORT_COLUMNS) == SORT_NAMES
    assert set(search_core.SORT_COLUMNS.values()) >= {c.key for c in search_mod.SORTS.values() if c is not None}
    # The query side (search_core) asks for the tokens the index writes.
    tokens = search_index.facet_tokens(7, "draft", "明", "刻本", "2A", "3", 1573, 1620).split()
    for kind, value in (("institution", 7), ("state", "draft"), ("dynasty", "明"), ("edition_type", "刻本"),
                        ("grade", "2A"), ("damage_grade", "3")):
        assert search_core.facet_for(kind, value) in tokens
    for lo, hi in ((1500, 1700), (1600, 1610), (1570, 1575), (1619, 1650)):
        assert set(search_core.query_year_tokens(lo, hi) or ()) & set(tokens)
    assert not set(search_core.query_year_tokens(1700, 1800) or ()) & set(tokens)
    assert direct.head_revision() == migrate.head_revision()
    assert direct.CLI_SESSION_IDLE == auth.CLI_SESSION_IDLE
    mine: PasswordHasher = direct._hasher()
    theirs: PasswordHasher = passwords._hasher
    assert (mine.time_cost, mine.memory_cost, mine.parallelism, mine.hash_len, mine.salt_len, mine.type) == (
        theirs.time_cost, theirs.memory_cost, theirs.parallelism, theirs.hash_len, theirs.salt_len, theirs.type)


def test_times_are_written_as_the_orm_writes_them(admin: Guji) -> None:
    """The session's last_seen_at, as text, compares and sorts with what SQLAlchemy stored."""
    Guji.sign_in(admin.db, "admin", ADMIN_PASSWORD, client="cli")
    conn = sqlite3.connect(str(admin.db.url.database))
    stored = conn.execute("SELECT last_seen_at FROM user_session WHERE client = 'cli'").fetchone()[0]
    conn.close()
    at = _cli_session(admin).last_seen_at  # type: ignore[union-attr]
    assert direct._sqlite_time(at) == stored
    from sqlalchemy.dialects.sqlite import DATETIME, dialect

    as_orm = DATETIME().bind_processor(dialect())
    assert as_orm is not None
    for t in (at.replace(microsecond=0), at.replace(microsecond=7), at.astimezone(dt.timezone(dt.timedelta(hours=8)))):
        assert direct._sqlite_time(t) == as_orm(t.astimezone(dt.UTC).replace(tzinfo=None))


# --- PostgreSQL: the command line goes the full way, with the same answers -----------------------

@pytest.mark.postgres
def test_postgres_command_line_matches_the_service(any_org: dict[str, Guji], monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fill(any_org)
    db = any_org["admin"].db
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    u = db.url
    desk_url = f"postgresql://{u.host}:{u.port}/{u.database}"
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    for who in ("census_a", "census_b", "centre_reviewer"):
        app = any_org[who]
        for q, extra, f in (("墨", [], None), ("萬曆", ["--dynasty", "明"], SearchFilters(dynasty="明")),
                            ("", ["--institution", "220000-0101"], SearchFilters(institution="220000-0101"))):
            for _ in range(2):  # a new session, then a continuing one
                assert main(["--db", desk_url, "--user", PEOPLE[who], "census", "search", q, "--json"] + extra) == 0
                out = json.loads(capsys.readouterr().out)
                page = app.search.search(q, f, limit=20)
                assert out["total"] == page.total
                assert [r["id"] for r in out["rows"]] == [r.id for r in page.rows]


# --- the command line built for one command --------------------------------------------------------

def _subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """Every (sub)command's help text under ``parser``, by its path of words."""
    out = {path: parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                out.update(_subcommands(child, (*path, name)))
    return out


@pytest.mark.parametrize("command", list(cli_main.SOLE_MODULE))
def test_a_command_built_alone_is_the_same_command(command: str) -> None:
    """Commands built from their one module are those of the whole command line (no other
    module adds to them)."""
    whole = {k: v for k, v in _subcommands(cli_main.build_parser()).items() if k[:1] == (command,)}
    alone = {k: v for k, v in _subcommands(cli_main.build_parser(cli_main.SOLE_MODULE[command])).items()
             if k[:1] == (command,)}
    assert alone == whole


def test_command_word() -> None:
    cw = cli_main.command_of
    assert cw(["census", "search", "x"]) == "census"
    assert cw(["--db", "f.sqlite3", "--user", "wang", "census", "search"]) == "census"
    assert cw(["--db=f.sqlite3", "--user=wang", "era", "明刻本"]) == "era"
    assert cw(["--help"]) is None and cw(["--us", "wang", "census"]) is None and cw([]) is None
    assert cw(["--db", "census"]) is None


def test_a_database_error_on_the_quick_path_is_one_line(org: dict[str, Guji], monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    url = str(org["admin"].db.url.database)
    Guji.sign_in(org["admin"].db, "census.a", PASSWORD, client="cli")
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)

    def broken(*_a: object, **_k: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(search_core.SqliteSearch, "_plan", broken)
    assert main(["--db", url, "--user", "census.a", "census", "search", "墨"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("guji: error:") and "disk I/O error" in err and len(err.strip().splitlines()) == 1
