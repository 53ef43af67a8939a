"""System settings: where the database keeps its image store, and the store's id.

Revision ID: 0009_image_store
Revises: 0008_one_head
Create Date: 2026-12-08

A database without these settings (every one made before this revision) keeps
working: an SQLite database uses the folder beside its file, and a PostgreSQL
database refuses image actions until an administrator sets the store's path
(``guji settings image-store PATH``). Nothing is moved by the upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from guji.db.base import UTCDateTime

revision = "0009_image_store"
down_revision = "0008_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "system_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["user_account.id"],
                                name=op.f("fk_system_setting_updated_by_user_account")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_system_setting")),
    )


def downgrade() -> None:
    op.drop_table("system_setting")
