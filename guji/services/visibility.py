"""Who may see which institution's data: the one rule every reading service uses.

The provincial centre (its staff) and the administrators see every institution; anyone
else sees their own institution's data. A restoration job is also seen by the workshop
that performs it (a book sent to another institution's workshop), so rules take the
institution columns that make a row visible: a job is visible to its holding
institution and to its workshop.

``may_see`` answers for one row already read; ``condition`` is the same rule as an SQL
condition for a query (``True`` when the actor sees everything).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_

from guji.models.user import Role
from guji.services.context import Actor


def sees_all(actor: Actor) -> bool:
    """The centre's staff and administrators see every institution."""
    return actor.at_centre or actor.has(Role.ADMIN)


def may_see(actor: Actor, *institution_ids: int | None) -> bool:
    """Whether ``actor`` may see a row that belongs to (any of) ``institution_ids``."""
    if sees_all(actor):
        return True
    own = actor.institution_id
    return own is not None and any(i == own for i in institution_ids if i is not None)


def condition(actor: Actor, *columns: Any) -> Any:
    """The SQL form of :func:`may_see` over ``columns`` (institution id columns of the row);
    Python ``True`` when the actor sees everything, so a query can leave the condition out."""
    if sees_all(actor):
        return True
    own = actor.institution_id if actor.institution_id is not None else -1
    conds = [c == own for c in columns]
    return conds[0] if len(conds) == 1 else or_(*conds)


__all__ = ["condition", "may_see", "sees_all"]
