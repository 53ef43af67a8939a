"""Signing in and the very first account of a new database."""

from __future__ import annotations

from sqlalchemy import func, select

from guji.db.engine import Database
from guji.errors import AuthenticationError, Conflict
from guji.models.user import Role, User, UserRole
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


def authenticate(db: Database, login: str, password: str) -> Actor:
    """The actor for ``login`` if ``password`` is right; :class:`AuthenticationError` otherwise.

    The message does not say whether the login or the password was wrong.
    A successful sign-in is written to the audit log.
    """
    login = (login or "").strip()
    with db.write_session() as s:
        user = s.scalar(select(User).where(User.login == login))
        if user is None:
            verify_password(_DUMMY_HASH, password or "")
            raise AuthenticationError(f"unknown user or wrong password for {login!r}")
        if not verify_password(user.password_hash, password or ""):
            raise AuthenticationError(f"unknown user or wrong password for {login!r}")
        if not user.active:
            raise AuthenticationError(f"the account {login!r} is disabled")
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        actor = actor_for(user)
        audit.record(s, actor, "login", "user_account", user.id)
        return actor


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
    check_rules(password)
    with db.write_session() as s:
        if s.scalar(select(func.count()).select_from(User)):
            raise Conflict("the database already has users; sign in as an administrator to add more")
        user = User(login=login, full_name=full_name, password_hash=hash_password(password), active=True)
        user.role_rows = [UserRole(role=Role.ADMIN.value)]
        s.add(user)
        s.flush()
        audit.record_create(s, SYSTEM, "user_account", user.id, {"login": login, "roles": ["admin"]})
        return actor_for(user)
