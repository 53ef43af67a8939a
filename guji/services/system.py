"""Reading and writing the installation's settings (table ``system_setting``).

Settings are plain text under a dotted key. They belong to the database, not to a
desk: every desktop of a shared PostgreSQL installation sees the same values.
Writes happen in the caller's transaction (so they commit with the change that
needs them); :func:`put` appends the audit row when an actor is given.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from guji.db.base import utcnow
from guji.models.system import SystemSetting
from guji.services import audit
from guji.services.context import Actor

ENTITY = "system_setting"


def get(s: Session, key: str) -> str | None:
    """The value of ``key``, or None when it was never set."""
    return s.scalar(select(SystemSetting.value).where(SystemSetting.key == key))


def get_many(s: Session, keys: Iterable[str]) -> dict[str, str]:
    """``{key: value}`` for those of ``keys`` that are set."""
    wanted = sorted(set(keys))
    return dict(s.execute(select(SystemSetting.key, SystemSetting.value)
                          .where(SystemSetting.key.in_(wanted))).all())


def put(s: Session, key: str, value: str, *, actor: Actor | None = None, action: str = "settings",
        expected_version: int | None = None) -> int:
    """Set ``key`` to ``value`` in the caller's transaction; return the row's new version.

    With ``actor``, an audit row ``action`` on ``system_setting``/``key`` records the old and
    new value. With ``expected_version``, a row changed meanwhile raises ``ValueError`` (the
    caller turns it into a Conflict with its own words).
    """
    row = s.get(SystemSetting, key, with_for_update=True)
    before = row.value if row is not None else None
    if row is None:
        if expected_version not in (None, 0):
            raise ValueError(f"setting {key} was removed meanwhile")
        row = SystemSetting(key=key, value=value, version=1, updated_at=utcnow(),
                            updated_by=actor.user_id if actor is not None else None)
        s.add(row)
    else:
        if expected_version is not None and row.version != expected_version:
            raise ValueError(f"setting {key} was changed meanwhile (version {row.version})")
        row.value = value
        row.version += 1
        row.updated_at = utcnow()
        row.updated_by = actor.user_id if actor is not None else None
    s.flush()
    if actor is not None and before != value:
        audit.record(s, actor, action, ENTITY, key, {"value": [before, value]})
    return row.version
