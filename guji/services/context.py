"""Who is acting, on which database, and what a change touched."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from guji.db.engine import Database
from guji.errors import PermissionDenied
from guji.models.user import Role


@dataclass(frozen=True)
class Actor:
    """The signed-in user as plain data (safe to pass between threads).

    ``institution_id`` is None for a centre-level account with no unit. An actor
    whose institution is the provincial centre (``at_centre``) reviews across
    institutions.
    """

    user_id: int | None
    login: str
    roles: frozenset[Role]
    institution_id: int | None
    institution_code: str | None = None
    institution_name: str | None = None
    at_centre: bool = False
    full_name: str = ""

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    def require(self, *roles: Role, action: str) -> None:
        """Raise :class:`PermissionDenied` unless the actor holds one of ``roles``."""
        if not self.has(*roles):
            wanted = " or ".join(r.label_zh + f" ({r.value})" for r in roles)
            raise PermissionDenied(f"{self.login} may not {action}: needs the role {wanted}")

    def require_institution(self, institution_id: int | None, *, action: str) -> None:
        """Raise unless the actor belongs to ``institution_id`` (centre administrators may act anywhere)."""
        if Role.ADMIN in self.roles:
            return
        if institution_id is None or institution_id != self.institution_id:
            raise PermissionDenied(f"{self.login} may not {action}: the record belongs to another institution")

    @property
    def is_system(self) -> bool:
        return self.user_id is None


SYSTEM = Actor(user_id=None, login="system", roles=frozenset(Role), institution_id=None, at_centre=True)


@dataclass(frozen=True)
class Changes:
    """What a service call changed: the GUI refreshes views that show ``kind``."""

    kind: str
    ids: tuple[int, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, kind: str, ids: Iterable[int] = (), **detail: Any) -> Changes:
        return cls(kind, tuple(ids), dict(detail))


class ServiceContext:
    """A database plus the actor on whose behalf services run."""

    def __init__(self, db: Database, actor: Actor):
        self.db = db
        self.actor = actor

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read_session() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.db.write_session() as session:
            yield session
