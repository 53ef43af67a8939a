"""Signing in and the very first account of a new database."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from guji.db.base import utcnow
from guji.db.engine import Database
from guji.errors import AuthenticationError, Conflict, DatabaseUnavailable
from guji.messages import msg
from guji.models.audit import AuditEntry
from guji.models.user import Role, User, UserRole, UserSession
from guji.services import audit
from guji.services.context import SYSTEM, Actor
from guji.services.passwords import check_rules, hash_password, needs_rehash, verify_password

# Verifying against a fixed hash when the login is unknown keeps the time of a
# failed sign-in the same for both cases, so logins cannot be probed by timing.
_DUMMY_HASH = hash_password("not-a-real-password")


def actor_for(user: User) -> Actor:
    inst = user.institution
    return Actor(
        user_id=user.id,
        login=user.login,
        roles=user.roles,
        institution_id=user.institution_id,
        institution_code=inst.code if inst else None,
        institution_name=inst.name if inst else None,
        at_centre=bool(inst.is_centre) if inst else Role.ADMIN in user.roles,
        full_name=user.full_name,
    )


LOCK_AFTER = 5  # failed sign-ins in a row that lock an account
LOCK_FOR = dt.timedelta(minutes=15)
CLI_SESSION_IDLE = dt.timedelta(minutes=30)  # command-line calls closer than this are one session
MAX_DELAY_S = 8.0


def failure_delay(failures: int) -> float:
    """Seconds a failed sign-in waits before it answers: 0.25 s, doubling with each failure in a
    row, at most 8 s (so a guesser gets a few tries a minute, not seven a second)."""
    return 0.0 if failures <= 0 else min(0.25 * 2 ** (failures - 1), MAX_DELAY_S)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _local(at: dt.datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def authenticate(db: Database, login: str, password: str, *, client: str = "desktop") -> Actor:
    """The actor for ``login`` if ``password`` is right; :class:`AuthenticationError` otherwise.

    The message does not say whether the login or the password was wrong. A failed sign-in
    is written to the audit log (``login_failed``) and answered only after a delay that grows
    with the failures in a row; after :data:`LOCK_AFTER` of them the account is locked for
    :data:`LOCK_FOR` (an administrator can unlock it sooner). A good sign-in starts a session
    with one ``login`` entry (see :class:`~guji.models.user.UserSession`).
    """
    login = (login or "").strip()[:64]
    now = utcnow()
    failures = 0
    error: AuthenticationError | None = None
    with db.write_session() as s:
        user = s.scalar(select(User).where(User.login == login).with_for_update(of=User)
                        .execution_options(populate_existing=True))
        ok = verify_password(user.password_hash if user is not None else _DUMMY_HASH, password or "")
        if user is not None and user.locked_until is not None and user.locked_until > now:
            error = AuthenticationError(msg("login.locked", login=login, until=_local(user.locked_until)))
            audit.record(s, _someone(login, user), "login_refused", "user_account", user.id, {},
                         note="locked")
        elif user is None or not ok:
            if user is None:
                failures = 1 + int(s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "login_failed", AuditEntry.login == login,
                    AuditEntry.at > now - LOCK_FOR)) or 0)
                entity_id: int | str = "-"
                changes: dict[str, Any] = {}
            else:
                user.failed_logins += 1
                failures = user.failed_logins
                changes = {"failed_logins": [failures - 1, failures]}
                if failures >= LOCK_AFTER:
                    user.locked_until = now + LOCK_FOR
                    changes["locked_until"] = [None, user.locked_until.isoformat()]
                entity_id = user.id
            audit.record(s, _someone(login, user), "login_failed", "user_account", entity_id, changes)
            error = AuthenticationError(msg("login.failed", login=login))
        elif not user.active:
            error = AuthenticationError(msg("login.disabled", login=login))
        else:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            if user.failed_logins or user.locked_until is not None:
                user.failed_logins, user.locked_until = 0, None
            actor = actor_for(user)
            start_session(s, actor, client, now)
            return actor
    _sleep(failure_delay(failures))
    raise error


def sign_in_as_role(db: Database, login: str, password: str, *, client: str = "desktop") -> tuple[Database, Actor]:
    """Sign in on a shared PostgreSQL database as the user's own role (guji.db.pg_security).

    The server checks the password. Before trying, the gate says whether the account is locked;
    after a failed try, the gate records it (audited, counted, locking after five), and the
    answer waits as on SQLite. Returns the database reached as that role, and the actor.
    """
    from guji.db import pg_security

    login = (login or "").strip()[:64]
    prefix = pg_security.prefix_for(db.url.database or "")
    gate = db.as_role(pg_security.group(prefix, "gate"), pg_security.GATE_PASSWORD)
    try:
        with gate.write_session() as s:
            locked = s.execute(text("SELECT guji_login_state(:l)"), {"l": login}).scalar()
        if locked is not None:
            raise AuthenticationError(msg("login.locked", login=login, until=_local(locked)))
        try:
            mine = db.as_role(pg_security.user_role(prefix, login), password or "")
        except DatabaseUnavailable as exc:
            if not pg_security.refused_sign_in(exc):
                raise
            with gate.write_session() as s:
                failures, locked = s.execute(text("SELECT * FROM guji_login_failed(:l)"), {"l": login}).one()
            _sleep(failure_delay(int(failures)))
            if locked is not None:
                raise AuthenticationError(msg("login.locked", login=login, until=_local(locked))) from None
            raise AuthenticationError(msg("login.failed", login=login)) from None
    finally:
        gate.dispose()
    with mine.write_session() as s:
        user = s.scalar(select(User).where(User.login == login))
        if user is None or not user.active:
            mine.dispose()
            raise AuthenticationError(msg("login.disabled", login=login))
        s.execute(text("SELECT guji_login_succeeded()"))
        actor = actor_for(user)
        start_session(s, actor, client, utcnow())
    return mine, actor


def _someone(login: str, user: User | None) -> Actor:
    """Who a failed sign-in is written under: the account tried, when it exists."""
    if user is None:
        return Actor(user_id=None, login=login or "?", roles=frozenset(), institution_id=None)
    return Actor(user_id=user.id, login=user.login, roles=user.roles, institution_id=user.institution_id)


def start_session(s: Session, actor: Actor, client: str, now: dt.datetime) -> None:
    """Begin a session with its one ``login`` entry, or continue the person's command-line
    session when their last call was less than :data:`CLI_SESSION_IDLE` ago."""
    if client == "cli":
        current = s.scalar(select(UserSession).where(
            UserSession.user_id == actor.user_id, UserSession.client == "cli",
            UserSession.last_seen_at > now - CLI_SESSION_IDLE).order_by(UserSession.id.desc()).limit(1))
        if current is not None:
            current.last_seen_at = now
            current.calls += 1
            return
    session = UserSession(user_id=actor.user_id, client=client, started_at=now, last_seen_at=now, calls=1)
    s.add(session)
    s.flush()
    audit.record(s, actor, "login", "user_account", actor.user_id or "-", {"client": [None, client]})


def token_digest(token: str) -> str:
    """What the database keeps of a session token: its SHA-256 (the token itself stays in the person's file)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_cli_token(db: Database, actor: Actor) -> str:
    """A new random token for ``actor``'s running command-line session (``guji login``).

    The caller signed in with the password just before (``client="cli"``), so the session is
    the one that sign-in started or continued. The token replaces any earlier one of that session.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with db.write_session() as s:
        session = s.scalar(select(UserSession).where(
            UserSession.user_id == actor.user_id, UserSession.client == "cli",
            UserSession.last_seen_at > now - CLI_SESSION_IDLE).order_by(UserSession.id.desc()).limit(1)
            .with_for_update())
        if session is None:
            raise AuthenticationError(msg("login.session_ended", login=actor.login))
        session.token_hash = token_digest(token)
    return token


def resume_cli_session(db: Database, login: str, token: str) -> Actor:
    """The actor of the command-line session ``token`` belongs to, as a further call of it.

    Refused (:class:`AuthenticationError`, nothing written) when the token is unknown or
    another person's, the session has been idle for :data:`CLI_SESSION_IDLE`, or the account is
    disabled or locked since; the caller then asks for the password.
    """
    now = utcnow()
    with db.write_session() as s:
        session = s.scalar(select(UserSession).where(UserSession.token_hash == token_digest(token),
                                                      UserSession.client == "cli").with_for_update())
        user = s.get(User, session.user_id) if session is not None else None
        if (session is None or user is None or user.login != (login or "").strip()
                or session.last_seen_at <= now - CLI_SESSION_IDLE or not user.active
                or (user.locked_until is not None and user.locked_until > now)):
            raise AuthenticationError(msg("login.session_ended", login=login))
        session.last_seen_at = now
        session.calls += 1
        return actor_for(user)


def end_cli_session(db: Database, login: str, token: str) -> bool:
    """End the command-line session of ``token`` (``guji logout``): the token no longer signs in and
    the next call starts a new, audited session. False when there was no such session."""
    now = utcnow()
    with db.write_session() as s:
        session = s.scalar(select(UserSession).where(UserSession.token_hash == token_digest(token),
                                                      UserSession.client == "cli").with_for_update())
        user = s.get(User, session.user_id) if session is not None else None
        if session is None or user is None or user.login != (login or "").strip():
            return False
        session.token_hash = None
        session.last_seen_at = min(session.last_seen_at, now - CLI_SESSION_IDLE)
        audit.record(s, actor_for(user), "logout", "user_account", user.id, {"client": ["cli", None]})
        return True


def user_count(db: Database) -> int:
    with db.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


def bootstrap_admin(db: Database, login: str, password: str, full_name: str = "") -> Actor:
    """Create the first centre administrator of an empty database.

    Only allowed while the database has no users at all: afterwards accounts are
    made by an administrator through :class:`~guji.services.users.UserService`.
    """
    from guji.services.users import validate_login

    login = validate_login(login)
    check_rules(password, login)
    with db.write_session() as s:
        if s.scalar(select(func.count()).select_from(User)):
            raise Conflict("the database already has users; sign in as an administrator to add more")
        user = User(login=login, full_name=full_name, password_hash=hash_password(password), active=True)
        user.role_rows = [UserRole(role=Role.ADMIN.value)]
        s.add(user)
        s.flush()
        from guji.db import pg_security

        pg_security.sync_login(s.connection(), user.id, login, password)
        audit.record_create(s, SYSTEM, "user_account", user.id, {"login": login, "roles": ["admin"]})
        return actor_for(user)
