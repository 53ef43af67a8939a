"""Appending to and reading the audit log."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from guji.db import audit_chain
from guji.errors import PermissionDenied, ValidationError
from guji.messages import msg
from guji.models.audit import AuditEntry
from guji.models.user import Role
from guji.services import visibility
from guji.services.context import Actor, ServiceContext


def jsonable(value: Any) -> Any:
    """A JSON-safe form of a field value for the audit diff."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return str(value)


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of ``fields`` on ``obj`` (before/after a change)."""
    return {f: jsonable(getattr(obj, f)) for f in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field-level ``{field: [before, after]}`` for every field whose value changed."""
    out: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b != a:
            out[key] = [b, a]
    return out


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | str,
    changes: Mapping[str, Any] | None = None,
    note: str | None = None,
) -> AuditEntry:
    """Append one audit row in the caller's transaction (so it commits or rolls back with the change)."""
    entry = AuditEntry(
        user_id=actor.user_id,
        login=actor.login,
        institution_id=actor.institution_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        changes=dict(changes or {}),
        note=note,
    )
    session.add(entry)
    return entry


def record_create(session: Session, actor: Actor, entity: str, entity_id: int, values: Mapping[str, Any]) -> None:
    record(session, actor, "create", entity, entity_id, {k: [None, v] for k, v in values.items() if v is not None})


def record_update(
    session: Session, actor: Actor, entity: str, entity_id: int, before: Mapping[str, Any], after: Mapping[str, Any],
    action: str = "update", note: str | None = None,
) -> bool:
    """Append an update row if anything changed; return whether it did."""
    changes = diff(before, after)
    if not changes and note is None:
        return False
    record(session, actor, action, entity, entity_id, changes, note)
    return True


# Which institutions an audited entity belongs to, for the visibility of its history: one query
# per kind of entity, naming the institution columns that make a row visible (a job: its holding
# institution and its workshop; an image: who stored it and whose records and jobs show it).
OWNER_SQL: dict[str, str] = {
    "census_record": "SELECT institution_id FROM census_record WHERE id = :id",
    "vault_movement": "SELECT r.institution_id, m.to_institution_id FROM vault_movement m "
                      "JOIN census_record r ON r.id = m.record_id WHERE m.id = :id",
    "restoration_job": "SELECT institution_id, workshop_id FROM restoration_job WHERE id = :id",
    "restoration_material": "SELECT institution_id FROM restoration_material WHERE id = :id",
    "restoration_recipe": "SELECT institution_id FROM restoration_recipe WHERE id = :id",
    "restoration_trial": "SELECT r.institution_id FROM restoration_trial t "
                         "JOIN restoration_recipe r ON r.id = t.recipe_id WHERE t.id = :id",
    "user_account": "SELECT institution_id FROM user_account WHERE id = :id",
    "stored_image": "SELECT institution_id FROM stored_image WHERE id = :id "
                    "UNION ALL SELECT c.institution_id FROM record_image ri "
                    "JOIN census_record c ON c.id = ri.record_id WHERE ri.image_id = :id "
                    "UNION ALL SELECT institution_id FROM job_image WHERE image_id = :id",
}


def owners_of(s: Session, entity: str, entity_id: int | str) -> list[int | None]:
    """The institutions an entity belongs to (empty: no such entity, or one of no institution,
    which only the centre and administrators see)."""
    sql = OWNER_SQL.get(entity)
    key = str(entity_id)
    if sql is None or not key.isdigit() or len(key) > 18:
        return []
    owners = [v for row in s.execute(text(sql), {"id": int(key)}) for v in row]
    return owners if any(o is not None for o in owners) else []


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    login: str
    action: str
    entity: str
    entity_id: str
    changes: dict[str, Any]
    note: str | None


class AuditService:
    """Reading the log (writing happens inside each service's own transaction)."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def history(self, entity: str | None = None, entity_id: int | str | None = None,
                limit: int = 500) -> list[AuditRow]:
        """Newest first; filtered by entity and id when given.

        Who reads what (:mod:`guji.services.visibility`): the centre and administrators read the
        whole log; anyone else reads the history of an entity of their own institution (an
        entity whose owner is unknown is the centre's) and, in the whole log, the entries made
        by people of their own institution.

        The history of one entity starts at its latest ``create``: SQLite gives the id of a
        deleted newest row to the next one inserted, and the entries of that deleted
        predecessor (which stay in the log) are not the new row's history.
        """
        actor = self.ctx.actor
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if entity is not None:
            stmt = stmt.where(AuditEntry.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditEntry.entity_id == str(entity_id))
        with self.ctx.read() as s:
            if not visibility.sees_all(actor):
                if entity is not None and entity_id is not None:
                    owners = owners_of(s, entity, entity_id)
                    if not owners or not visibility.may_see(actor, *owners):
                        raise PermissionDenied(msg("perm.other_institution", login=actor.login))
                else:
                    stmt = stmt.where(visibility.condition(actor, AuditEntry.institution_id))
            if entity is not None and entity_id is not None:
                born = s.scalar(select(func.max(AuditEntry.id)).where(
                    AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id), AuditEntry.action == "create"))
                if born is not None:
                    stmt = stmt.where(AuditEntry.id >= born)
            return [
                AuditRow(e.id, e.at, e.login, e.action, e.entity, e.entity_id, dict(e.changes), e.note)
                for e in s.scalars(stmt)
            ]

    def verify_chain(self, expect: str | audit_chain.ChainHead | None = None) -> audit_chain.ChainReport:
        """Walk the audit hash chain (administrators); ``expect`` is a head recorded elsewhere
        (``entries:hash`` from a backup or export header) that the chain must pass through."""
        actor = self.ctx.actor
        if not actor.has(Role.ADMIN):
            raise PermissionDenied(msg("perm.admin_only", login=actor.login, action=msg("action.verify_audit")))
        if isinstance(expect, str):
            try:
                expect = audit_chain.ChainHead.parse(expect)
            except ValueError:
                raise ValidationError(msg("audit.chain.bad_head", value=expect), "expect") from None
        with self.ctx.read() as s:
            return audit_chain.verify(s.connection(), expect=expect)

    def entity_chain_state(self, entity: str, entity_id: int | str) -> audit_chain.ChainProblem | None:
        """Whether the audit entries of one entity are intact links of the chain (None: intact);
        for a history panel. Whoever may read the entity's history may ask."""
        rows = self.history(entity, entity_id, limit=10_000)
        with self.ctx.read() as s:
            return audit_chain.verify_entries(s.connection(), [r.id for r in rows])


def describe_chain(report: audit_chain.ChainReport, expect: audit_chain.ChainHead | None = None) -> str:
    """One line for a person: the chain is intact, or where it first breaks."""
    p = report.problem
    if p is None:
        if report.head is None:
            return msg("audit.chain.empty")
        return msg("audit.chain.ok", entries=report.entries, head=str(report.head))
    return msg(f"audit.chain.{p.kind}", position=p.position, entry=p.entry_id if p.entry_id is not None else "-",
               expected=expect.entries if expect is not None else "?")
