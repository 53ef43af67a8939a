"""The audit log: an append-only record of every change made through the services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from guji.db.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    """Who changed what, when, field by field.

    ``changes`` maps a field name to ``[before, after]`` (JSON values). The
    application never updates or deletes rows here, and the database refuses it
    too (triggers installed by the first migration), so even a bug cannot
    rewrite history.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    login: Mapped[str] = mapped_column(String(64))  # kept verbatim: readable without joins, survives renames
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    action: Mapped[str] = mapped_column(String(32))  # create, update, delete, login, or a named action
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)


class AuditChainLink(Base):
    """One link of the audit hash chain (written by the database's own trigger, never by guji).

    ``hash`` is SHA-256 of ``prev_hash`` and the entry's canonical content; ``seq`` is the
    chain's order (see :mod:`guji.db.audit_chain`).
    """

    __tablename__ = "audit_chain"

    seq: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("audit_log.id"), unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
