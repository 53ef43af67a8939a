"""Permission rules in one place, so GUI and CLI cannot differ.

These are called by the services at the start of each action; the GUI may also
ask them to grey out a button, but hiding a button is never the protection.
"""

from __future__ import annotations

from guji.models.user import Role
from guji.services.context import Actor


def can_manage_institutions(actor: Actor) -> bool:
    return actor.has(Role.ADMIN)


def can_manage_users(actor: Actor) -> bool:
    return actor.has(Role.ADMIN)


def can_edit_records_of(actor: Actor, institution_id: int | None) -> bool:
    """Census staff edit records of their own institution; administrators anywhere."""
    if actor.has(Role.ADMIN):
        return True
    return actor.has(Role.CENSUS) and institution_id is not None and institution_id == actor.institution_id


def can_review_at_unit(actor: Actor, institution_id: int | None) -> bool:
    """Unit review: a reviewer of the record's own institution (or a centre reviewer)."""
    if not actor.has(Role.REVIEWER):
        return False
    return actor.at_centre or (institution_id is not None and institution_id == actor.institution_id)


def can_review_at_centre(actor: Actor) -> bool:
    """Centre review: only reviewers of the provincial centre approve across institutions."""
    return actor.has(Role.REVIEWER) and actor.at_centre
