"""The audit log becomes a hash chain (tamper-evident).

Revision ID: 0009_audit_chain
Revises: 0008_one_head
Create Date: 2026-12-07

Adds ``audit_chain`` (one link per audit entry) and the triggers that write it, then
links the entries already in the log in id order (see :mod:`guji.db.audit_chain`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from guji.db import audit_chain

revision = "0009_audit_chain"
down_revision = "0008_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["audit_log.id"], name=op.f("fk_audit_chain_entry_id_audit_log")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_chain")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_audit_chain_entry_id")),
    )
    audit_chain.install(op.get_bind())


def downgrade() -> None:
    audit_chain.uninstall(op.get_bind())
    op.drop_table("audit_chain")
