"""Command-line sessions opened with ``guji login`` carry the digest of their token.

Revision ID: 0014_cli_token
Revises: 0013_db_roles
Create Date: 2026-12-07

``guji login`` checks the password once and leaves a random token in a file only the
person's operating-system account can read; the database keeps its SHA-256 on the
session row, so later calls of that session sign in by the token (no password prompt,
no argon2 check) until the session has been idle for 30 minutes or ``guji logout`` ends it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_cli_token"
down_revision = "0013_db_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_session") as batch:
        batch.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_user_session_token_hash"), "user_session", ["token_hash"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_user_session_token_hash"), table_name="user_session")
    with op.batch_alter_table("user_session") as batch:
        batch.drop_column("token_hash")
