"""No lost update: the version a user saw, checked when they save.

Every editable table carries a ``version`` column that SQLAlchemy uses as its
``version_id_col``: each ORM UPDATE is ``... WHERE id = :id AND version = :seen`` and
bumps the version, so two writers can never both win on one row. On top of that, a
service method that saves what a person edited takes ``expected_version`` (the version
the person loaded) and refuses a stale one with :class:`StaleEdit`, which names who
changed the row and when, so the desktop can offer reload, merge or overwrite.

Write paths load the row ``FOR UPDATE`` (:func:`locked`): on PostgreSQL a second desk
then waits for the first one's commit and reads the row as it is afterwards (a clear
"already accepted" instead of a silent overwrite); SQLite's write lock serialises
writers already.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from guji.errors import Conflict, NotFound
from guji.messages import msg
from guji.models.audit import AuditEntry
from guji.models.user import User

T = TypeVar("T")


class StaleEdit(Conflict):
    """The row changed since the person loaded it; nothing was written.

    ``current_version`` is the row's version now; ``who`` and ``when`` the last change.
    """

    def __init__(self, message: str, *, entity: str, entity_id: int | str, current_version: int | None,
                 who: str | None, when: dt.datetime | None):
        super().__init__(message)
        self.entity = entity
        self.entity_id = entity_id
        self.current_version = current_version
        self.who = who
        self.when = when


def local_time(at: dt.datetime | None) -> str:
    """A timestamp as the person at the desk reads it (their local time, to the minute)."""
    if at is None:
        return "?"
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def last_change(s: Session, entity: str, entity_id: int | str,
                actions: tuple[str, ...] | None = None) -> tuple[str | None, dt.datetime | None]:
    """Who made the latest audited change to an entity, and when (``actions`` narrows it)."""
    stmt = (select(AuditEntry.login, AuditEntry.at, User.full_name)
            .outerjoin(User, User.id == AuditEntry.user_id)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id),
                   AuditEntry.action != "login")
            .order_by(AuditEntry.id.desc()).limit(1))
    if actions:
        stmt = stmt.where(AuditEntry.action.in_(actions))
    row = s.execute(stmt).first()
    if row is None:
        return None, None
    login, at, full_name = row
    return (f"{full_name}（{login}）" if full_name else login), at


def stale(s: Session, *, entity: str, entity_id: int | str, what: str, current_version: int | None,
          actions: tuple[str, ...] | None = None, merge: bool = True) -> StaleEdit:
    """The :class:`StaleEdit` for ``what`` (a name a person recognises: a census number, a job number).

    ``merge``: whether the desktop offers a merge for this kind of data (census records) or
    only a reload (a job's state, a plan); the words say which."""
    who, when = last_change(s, entity, entity_id, actions)
    if who is None:
        text = msg("edit.stale_unknown", what=what)
    else:
        text = msg("edit.stale" if merge else "edit.stale_reload", what=what, who=who, when=local_time(when))
    return StaleEdit(text, entity=entity, entity_id=entity_id, current_version=current_version, who=who, when=when)


def check(s: Session, row: Any, expected: int | None, *, entity: str, what: str,
          actions: tuple[str, ...] | None = None, merge: bool = True) -> None:
    """Refuse the save when ``expected`` (the version the person saw) is not the row's version."""
    if expected is not None and row.version != expected:
        raise stale(s, entity=entity, entity_id=row.id, what=what, current_version=row.version, actions=actions,
                    merge=merge)


def locked(s: Session, model: type[T], key: Any, *, missing: str) -> T:
    """``model`` row ``key`` read for update (PostgreSQL row lock until commit); NotFound with ``missing``."""
    row = s.get(model, key, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(missing)
    return row


__all__ = ["StaleEdit", "check", "last_change", "local_time", "locked", "stale"]
