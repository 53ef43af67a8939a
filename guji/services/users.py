"""User accounts and roles (centre administrators manage them; everyone may change their own password)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guji.db import pg_security
from guji.db.base import utcnow
from guji.errors import Conflict, NotFound, PermissionDenied, ValidationError
from guji.models.institution import Institution
from guji.models.user import Role, User, UserRole, UserSession
from guji.services import audit, versions, visibility
from guji.services.context import Changes, ServiceContext
from guji.services.institutions import parse_institution_code
from guji.services.passwords import check_rules, hash_password, verify_password
from guji.services.permissions import can_manage_users

_LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
FIELDS = ("login", "full_name", "institution_id", "active")


def validate_login(login: str) -> str:
    login = (login or "").strip()
    if not _LOGIN_RE.match(login):
        raise ValidationError(
            f"{login!r} is not a valid login: 2-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            "login",
        )
    return login


def parse_roles(roles: Iterable[str | Role]) -> frozenset[Role]:
    out: set[Role] = set()
    for r in roles:
        if isinstance(r, Role):
            out.add(r)
            continue
        key = str(r).strip()
        for role in Role:
            if key in (role.value, role.label_zh, role.name.lower()):
                out.add(role)
                break
        else:
            known = ", ".join(f"{x.value} ({x.label_zh})" for x in Role)
            raise ValidationError(f"unknown role {key!r}; roles are {known}", "roles")
    if not out:
        raise ValidationError("give at least one role", "roles")
    return frozenset(out)


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    full_name: str
    roles: frozenset[Role]
    institution_code: str | None
    institution_name: str | None
    active: bool
    version: int = 0


def _info(u: User) -> UserInfo:
    inst = u.institution
    return UserInfo(u.id, u.login, u.full_name, u.roles, inst.code if inst else None, inst.name if inst else None,
                    u.active, u.version)


def _snap(u: User) -> dict[str, object]:
    snap = audit.snapshot(u, FIELDS)
    snap["roles"] = sorted(r.value for r in u.roles)
    return snap


class UserService:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def _require_admin(self, action: str) -> None:
        if not can_manage_users(self.ctx.actor):
            raise PermissionDenied(f"{self.ctx.actor.login} may not {action}: needs the role 中心管理员 (admin)")

    def _institution(self, s: Session, code: str | None) -> Institution | None:
        if code is None or code == "":
            return None
        region, unit = parse_institution_code(code)
        inst = s.scalar(select(Institution).where(Institution.region_code == region, Institution.unit_code == unit))
        if inst is None:
            raise NotFound(f"no institution with the code {code}; add it first with `guji institution add`")
        return inst

    def add_user(
        self, login: str, password: str, roles: Iterable[str | Role], *, institution: str | None = None,
        full_name: str = "",
    ) -> UserInfo:
        """Create an account (administrators only). Non-administrators must belong to an institution."""
        self._require_admin("add users")
        login = validate_login(login)
        role_set = parse_roles(roles)
        check_rules(password, login)
        if institution in (None, "") and role_set != {Role.ADMIN}:
            raise ValidationError("census staff, reviewers and restorers must belong to an institution", "institution")
        try:
            with self.ctx.write() as s:
                if s.scalar(select(User).where(User.login == login)):
                    raise Conflict(f"the login {login!r} is already taken")
                inst = self._institution(s, institution)
                user = User(
                    login=login, full_name=full_name.strip(), password_hash=hash_password(password),
                    institution_id=inst.id if inst else None, active=True,
                )
                user.role_rows = [UserRole(role=r.value) for r in sorted(role_set, key=lambda r: r.value)]
                s.add(user)
                s.flush()
                pg_security.sync_login(s.connection(), user.id, login, password)
                s.refresh(user)
                audit.record_create(s, self.ctx.actor, "user_account", user.id, _snap(user))
                return _info(user)
        except IntegrityError:
            raise Conflict(f"the login {login!r} was just taken by someone else") from None

    def list_users(self) -> list[UserInfo]:
        """The accounts the actor may see: all for the centre and administrators, else their
        own institution's (:mod:`guji.services.visibility`)."""
        with self.ctx.read() as s:
            stmt = select(User).order_by(User.login)
            vis = visibility.condition(self.ctx.actor, User.institution_id)
            if vis is not True:
                stmt = stmt.where(vis)
            return [_info(u) for u in s.scalars(stmt)]

    def get(self, login: str) -> UserInfo:
        with self.ctx.read() as s:
            u = s.scalar(select(User).where(User.login == login))
            if u is None or not (u.id == self.ctx.actor.user_id
                                 or visibility.may_see(self.ctx.actor, u.institution_id)):
                raise NotFound(f"no user {login!r}")
            return _info(u)

    def change_password(self, login: str, new_password: str, *, old_password: str | None = None) -> Changes:
        """Set a password: an administrator for anyone, a user for themself (with the old password)."""
        actor = self.ctx.actor
        own = login == actor.login
        if not own and not can_manage_users(actor):
            raise PermissionDenied(f"{actor.login} may not change the password of {login!r}")
        check_rules(new_password, login)
        db = self.ctx.db
        if own and not can_manage_users(actor) and db.is_postgres and db.url.username and db.url.password:
            # A desk on a shared database: the server checks the old password, and the new one is
            # set through the database's own function (desks cannot read or write password hashes).
            self._check_own_password_with_server(old_password)
            with self.ctx.write() as s:
                if pg_security.set_own_password(s.connection(), new_password, hash_password(new_password)):
                    audit.record(s, actor, "passwd", "user_account", actor.user_id or "-",
                                 {"password": ["***", "***"]})
                    return Changes.of("user", [actor.user_id or 0])
        with self.ctx.write() as s:
            u = s.scalar(select(User).where(User.login == login))
            if u is None:
                raise NotFound(f"no user {login!r}")
            if own and not can_manage_users(actor) and (
                    old_password is None or not verify_password(u.password_hash, old_password)):
                raise PermissionDenied("the current password is wrong")
            u.password_hash = hash_password(new_password)
            u.password_changed_at = utcnow()
            # A new password ends the command-line sessions kept by `guji login` tokens.
            s.execute(update(UserSession).where(UserSession.user_id == u.id).values(token_hash=None))
            pg_security.sync_login(s.connection(), u.id, u.login, new_password)
            # The hash itself never goes into the log; the fact of the change does.
            audit.record(s, actor, "passwd", "user_account", u.id, {"password": ["***", "***"]})
            return Changes.of("user", [u.id])

    def update_user(
        self, login: str, *, roles: Iterable[str | Role] | None = None, institution: str | None = None,
        full_name: str | None = None, active: bool | None = None, unlock: bool = False,
        expected_version: int | None = None,
    ) -> Changes:
        """Change a user's roles, institution, name or state, or lift a sign-in lock
        (administrators); ``expected_version`` is the version of the account the administrator saw."""
        self._require_admin("change users")
        with self.ctx.write() as s:
            u = s.scalar(select(User).where(User.login == login).with_for_update(of=User)
                         .execution_options(populate_existing=True))
            if u is None:
                raise NotFound(f"no user {login!r}")
            versions.check(s, u, expected_version, entity="user_account", what=login, merge=False)
            before = _snap(u)
            if roles is not None:
                role_set = parse_roles(roles)
                if u.id == self.ctx.actor.user_id and Role.ADMIN not in role_set:
                    raise Conflict("you cannot remove your own administrator role")
                u.role_rows = [UserRole(role=r.value) for r in sorted(role_set, key=lambda r: r.value)]
            if institution is not None:
                inst = self._institution(s, institution)
                u.institution_id = inst.id if inst else None
            if full_name is not None:
                u.full_name = full_name.strip()
            if unlock:
                u.failed_logins, u.locked_until = 0, None
            if active is not None:
                if u.id == self.ctx.actor.user_id and not active:
                    raise Conflict("you cannot disable your own account")
                u.active = active
            s.flush()
            pg_security.sync_login(s.connection(), u.id, u.login)
            s.expire(u, ["institution"])
            audit.record_update(s, self.ctx.actor, "user_account", u.id, before, _snap(u))
            return Changes.of("user", [u.id])

    def _check_own_password_with_server(self, old_password: str | None) -> None:
        from guji.errors import DatabaseUnavailable

        db = self.ctx.db
        try:
            db.as_role(db.url.username or "", old_password or "").dispose()
        except DatabaseUnavailable as exc:
            if pg_security.refused_sign_in(exc):
                raise PermissionDenied("the current password is wrong") from None
            raise
