"""A quick door for read-only commands on an SQLite file: sign-in and schema check as plain SQL.

``guji census search`` run from a script should cost little more than the query. Going
through :class:`guji.app.Guji` means importing SQLAlchemy and mapping every model (about a
second of CPU on a slow desk); this module reaches the same file through :mod:`sqlite3`.

It answers only the common case and hands everything else to the full application by
raising :class:`Fallback` before it has written anything:

* the database is an SQLite file (a PostgreSQL URL, a desk signing in as its own role, goes
  the full way);
* its schema is this program's head revision;
* the person continues a command-line session (their last call was less than
  :data:`CLI_SESSION_IDLE` ago), the password is right, the account is active, not locked,
  has no failed sign-ins to reset and a hash that needs no upgrade — or the person gives the
  token of a live session ``guji login`` opened (:func:`resume_cli_session`: no password
  and no argon2 at all).

Then the only write is the one the full sign-in makes for such a call: the session's
``last_seen_at`` and ``calls`` (see :func:`guji.services.auth.start_session`); a new session,
a wrong password, a locked account — everything that is audited, counted, delayed or
upgraded — is done by :func:`guji.services.auth.authenticate`, which checks the password
again. Every sign-in checks the password with argon2 once here, known login or not, before
deciding to hand over, so how long a refusal takes does not tell whether the login exists
or has a session running.

What the person may see is the rule of :mod:`guji.services.visibility`, as
:attr:`Viewer.sees_all` and :attr:`Viewer.institution_id` (compared with that module by
``tests/census/test_search_startup.py``).
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

CLI_SESSION_IDLE = dt.timedelta(minutes=30)  # guji.services.auth.CLI_SESSION_IDLE
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations" / "versions"
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*=\s*(.+)$", re.MULTILINE)


class Fallback(Exception):
    """This door does not answer; sign in through :class:`guji.app.Guji`."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as much as a read needs."""

    user_id: int
    login: str
    roles: frozenset[str]
    institution_id: int | None
    at_centre: bool

    @property
    def sees_all(self) -> bool:
        """The centre's staff and administrators see every institution (guji.services.visibility)."""
        return self.at_centre or "admin" in self.roles


# --- the file and its schema ---------------------------------------------------------------------

def sqlite_file(url: str | None) -> Path:
    """The SQLite file ``--db`` (else ``GUJI_DB``, else the per-user file) names, as
    :func:`guji.db.engine.resolve_url` finds it; :class:`Fallback` for a URL."""
    raw = (url or os.environ.get("GUJI_DB") or "").strip()
    if not raw:
        from guji.paths import default_database_path

        raw = str(default_database_path())
    if "://" in raw:
        raise Fallback("not a plain SQLite file")
    return Path(raw).expanduser().resolve()


def _busy_timeout_ms() -> int:
    try:
        return max(0, int(os.environ.get("GUJI_SQLITE_BUSY_MS", "10000")))
    except ValueError:
        return 10_000


def connect(path: Path) -> sqlite3.Connection:
    """A connection set up as :mod:`guji.db.engine` sets up its own (autocommit, so that BEGIN
    is ours; busy timeout, foreign keys, WAL). :class:`Fallback` when the file is missing, a
    folder or read-only: the full application says so in its words."""
    if not path.is_file() or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise Fallback("no usable database file")
    busy = _busy_timeout_ms()
    try:
        conn = sqlite3.connect(str(path), timeout=busy / 1000, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {busy}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as exc:
        raise Fallback(str(exc)) from None
    return conn


def head_revision() -> str:
    """This program's schema revision (as :func:`guji.db.migrate.head_revision` finds it)."""
    revisions: dict[str, tuple[str, ...]] = {}
    for path in sorted(MIGRATIONS_DIR.glob("*.py")):
        found = {k: ast.literal_eval(v.strip()) for k, v in _ASSIGNMENT.findall(path.read_text("utf-8"))}
        if "revision" not in found:
            continue
        down = found.get("down_revision")
        revisions[found["revision"]] = tuple(down) if isinstance(down, (tuple, list)) else ((down,) if down else ())
    followed = {d for downs in revisions.values() for d in downs}
    return "+".join(sorted(set(revisions) - followed))


def check_schema(conn: sqlite3.Connection) -> None:
    """:class:`Fallback` unless the database is at this program's head revision."""
    try:
        heads = sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.Error as exc:
        raise Fallback(str(exc)) from None
    if "+".join(heads) != head_revision():
        raise Fallback("schema not current")


# --- signing in ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    """The profile of guji.services.passwords (the test suite's cheap one, else argon2's defaults):
    it decides which stored hashes need an upgrade. Made on first use: a sign-in by token needs none."""
    from argon2 import PasswordHasher

    if os.environ.get("GUJI_ARGON2_PROFILE") == "test":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def _verify(stored_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _sqlite_time(at: dt.datetime) -> str:
    """A UTC time as guji's UTCDateTime stores it in SQLite (SQLAlchemy's DATETIME text)."""
    u = at.astimezone(dt.UTC)
    return (f"{u.year:04d}-{u.month:02d}-{u.day:02d} {u.hour:02d}:{u.minute:02d}:{u.second:02d}."
            f"{u.microsecond:06d}")


@contextmanager
def _write(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed when the block ends, rolled back on any exception; an
    SQLite error becomes :class:`Fallback` (the full application then answers in its words)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise Fallback(str(exc)) from None
    try:
        yield
        conn.execute("COMMIT")
    except BaseException as exc:
        conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise Fallback(str(exc)) from None
        raise


def _touch(conn: sqlite3.Connection, session_id: int, now: dt.datetime) -> None:
    """The write a further call of a session makes (as guji.services.auth.start_session does)."""
    conn.execute("UPDATE user_session SET last_seen_at = ?, calls = calls + 1 WHERE id = ?",
                 (_sqlite_time(now), session_id))


def continue_cli_session(conn: sqlite3.Connection, login: str, password: str) -> Viewer:
    """Sign ``login`` in as a further call of their running command-line session.

    One write transaction: the account and the session are read, the password is checked
    (argon2, always exactly once — against a fresh dummy hash when the login is unknown), and
    the session's ``last_seen_at`` and ``calls`` move on. Anything else raises
    :class:`Fallback` with nothing written (see the module docstring)."""
    login = (login or "").strip()[:64]
    now = dt.datetime.now(dt.UTC)
    with _write(conn):
        user = conn.execute(
            "SELECT id, password_hash, active, failed_logins, locked_until, institution_id FROM user_account "
            "WHERE login = ?", (login,)).fetchone()
        if user is None:
            _hasher().hash("not-a-real-password")  # the time a verify takes
            raise Fallback("unknown login")
        user_id, stored, active, failed, locked_until, institution_id = user
        ok = _verify(stored or "", password or "")
        if not ok or not active or failed or locked_until is not None or _hasher().check_needs_rehash(stored):
            raise Fallback("the full sign-in decides")
        session = conn.execute(
            "SELECT id FROM user_session WHERE user_session.user_id = ? AND user_session.client = 'cli' AND "
            "user_session.last_seen_at > ? ORDER BY user_session.id DESC LIMIT 1",
            (user_id, _sqlite_time(now - CLI_SESSION_IDLE))).fetchone()
        if session is None:
            raise Fallback("a new session (audited)")
        viewer = _viewer(conn, user_id, login, institution_id)
        _touch(conn, session[0], now)
    return viewer


def resume_cli_session(conn: sqlite3.Connection, login: str, token: str) -> Viewer:
    """Sign ``login`` in by the token of the command-line session ``guji login`` opened, as
    :func:`guji.services.auth.resume_cli_session` does: no password, no argon2. The session
    must be alive and the account active and unlocked; otherwise :class:`Fallback`, with
    nothing written (the full application then refuses the token in its words)."""
    login = (login or "").strip()[:64]
    now = dt.datetime.now(dt.UTC)
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    with _write(conn):
        row = conn.execute(
            "SELECT user_session.id, user_account.id, user_account.login, user_account.active, "
            "user_account.locked_until, user_account.institution_id FROM user_session "
            "JOIN user_account ON user_account.id = user_session.user_id "
            "WHERE user_session.token_hash = ? AND user_session.client = 'cli' AND user_session.last_seen_at > ?",
            (digest, _sqlite_time(now - CLI_SESSION_IDLE))).fetchone()
        if row is None:
            raise Fallback("no live session for this token")
        session_id, user_id, user_login, active, locked_until, institution_id = row
        if user_login != login or not active or locked_until is not None:
            raise Fallback("the full sign-in decides")
        viewer = _viewer(conn, user_id, login, institution_id)
        _touch(conn, session_id, now)
    return viewer


def _viewer(conn: sqlite3.Connection, user_id: int, login: str, institution_id: int | None) -> Viewer:
    roles = frozenset(r[0] for r in conn.execute("SELECT role FROM user_role WHERE user_id = ?", (user_id,)))
    inst = None
    if institution_id is not None:
        inst = conn.execute("SELECT is_centre FROM institution WHERE id = ?", (institution_id,)).fetchone()
    at_centre = bool(inst[0]) if inst is not None else "admin" in roles
    return Viewer(user_id, login, roles, institution_id, at_centre)


__all__ = ["Fallback", "Viewer", "check_schema", "connect", "continue_cli_session", "head_revision",
           "resume_cli_session", "sqlite_file"]
