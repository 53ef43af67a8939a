"""Sign-in: failed attempts and temporary locks, sessions (one login entry per session).

Revision ID: 0012_sign_in
Revises: 0011_exchange, 0009_image_store, 0009_import_keys
Create Date: 2026-12-07

Also joins the branches that grew beside each other (image store, import keys,
exchange) into one head again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from guji.db.base import UTCDateTime

revision = "0012_sign_in"
down_revision = ("0011_exchange", "0009_image_store", "0009_import_keys")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user_account", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("user_account", sa.Column("locked_until", UTCDateTime(), nullable=True))
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_user_session_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_user_session_user_id"), table_name="user_session")
    op.drop_table("user_session")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
