"""Shared fixtures: fresh databases (SQLite and a real PostgreSQL), signed-in apps, the one QApplication."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

# Qt must see these before anything imports it; the offscreen platform has no
# system fonts, which is the point: the bundled font has to carry the text.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["GUJI_HOME"] = tempfile.mkdtemp(prefix="guji-home-")
os.environ.pop("GUJI_DB", None)
os.environ["GUJI_ARGON2_PROFILE"] = "test"
os.environ.pop("GUJI_PASSWORD", None)
os.environ.pop("GUJI_USER", None)

import pytest
from sqlalchemy import URL, create_engine, text

from guji.app import Guji
from guji.db import migrate, pg_security
from guji.db.engine import Database
from guji.services import auth

ROOT = Path(__file__).resolve().parents[1]
# Real page scans kept in the repository (see tests/data/scans/ATTRIBUTION.md); every test that reads a
# scan takes it from here, so a clone with nothing beside it runs them all.
SCANS = ROOT / "tests" / "data" / "scans"
ADMIN_PASSWORD = "admin-pass-1"
PASSWORD = "secret-pass-1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long runs (``@pytest.mark.long``) only when GUJI_LONG_TESTS=1."""
    if os.environ.get("GUJI_LONG_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="long run: set GUJI_LONG_TESTS=1")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


# --- PostgreSQL --------------------------------------------------------------

_pg_state: dict[str, object] = {}


def _pg_server_url() -> str | None:
    """URL of a PostgreSQL server for the tests: GUJI_TEST_PG_URL, else a throw-away cluster started here."""
    if "url" in _pg_state:
        return _pg_state["url"]  # type: ignore[return-value]
    url = os.environ.get("GUJI_TEST_PG_URL")
    reason = None
    if not url:
        from tests import pg_cluster

        base = tempfile.mkdtemp(prefix="guji-pg-")
        try:
            url = pg_cluster.start(base)
            _pg_state["base"] = base
        except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
            url = None
            reason = f"no PostgreSQL server could be started: {exc}"
    _pg_state["url"] = url
    _pg_state["reason"] = reason
    return url


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    base = _pg_state.get("base")
    if base:
        from tests import pg_cluster

        pg_cluster.stop(base)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_server() -> str:
    url = _pg_server_url()
    if url is None:
        reason = str(_pg_state.get("reason"))
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
        pytest.skip(reason)
    return url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(pg_server.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    base, _, _ = pg_server.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        # The database's roles live in the cluster, not in the database: drop them too.
        pg_security.drop_roles(c, pg_security.prefix_for(name))
    admin.dispose()


# --- databases -----------------------------------------------------------------

@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "guji.sqlite3")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on an SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "guji.sqlite3")
    return request.getfixturevalue("pg_url")


def make_db(url: str) -> Database:
    db = Database.open(url, create=True)
    migrate.upgrade(db)
    return db


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = make_db(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def any_db(any_url: str) -> Iterator[Database]:
    database = make_db(any_url)
    yield database
    database.dispose()


def admin_for(database: Database) -> Guji:
    actor = auth.bootstrap_admin(database, "admin", ADMIN_PASSWORD, "管理員")
    return Guji(database, actor)


@pytest.fixture
def admin(db: Database) -> Guji:
    return admin_for(db)


@pytest.fixture
def any_admin(any_db: Database) -> Guji:
    return admin_for(any_db)


@pytest.fixture
def org(admin: Guji) -> dict[str, Guji]:
    """Two institutions (A, B) and the centre, with one user per role; apps signed in for each."""
    return build_org(admin)


@pytest.fixture
def any_org(any_admin: Guji) -> dict[str, Guji]:
    return build_org(any_admin)


def desk(database: Database) -> Database:
    """The database as a desk reaches it: on PostgreSQL a URL without the owner's user, so that
    people sign in as their own roles (row-level security and grants apply); SQLite as it is."""
    if database.is_sqlite:
        return database
    u = database.url
    return Database.open(URL.create(u.drivername, host=u.host, port=u.port, database=u.database, query=u.query))


def build_org(admin: Guji) -> dict[str, Guji]:
    admin.institutions.add_institution("遼寧省古籍保護中心", "210000", "0001", is_centre=True)
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    admin.institutions.add_institution("吉林省圖書館", "220000", "0101")
    people = {
        "census_a": (["census"], "210000-0101"),
        "reviewer_a": (["reviewer"], "210000-0101"),
        "restorer_a": (["restorer"], "210000-0101"),
        "census_b": (["census"], "220000-0101"),
        "reviewer_b": (["reviewer"], "220000-0101"),
        "centre_reviewer": (["reviewer"], "210000-0001"),
    }
    apps: dict[str, Guji] = {"admin": admin}
    desks = desk(admin.db)
    for login, (roles, inst) in people.items():
        admin.users.add_user(login.replace("_", "."), PASSWORD, roles, institution=inst)
        apps[login] = Guji.sign_in(desks, login.replace("_", "."), PASSWORD)
    return apps


# --- Qt ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["guji-tests"]


@pytest.fixture(scope="session", autouse=False)
def gui_app(qapp):  # type: ignore[no-untyped-def]
    """The one QApplication of the run, with the bundled fonts and the Chinese translation."""
    from guji.gui import fonts, i18n

    fonts.apply_app_font(qapp)
    i18n.install("zh_CN")
    return qapp
