"""Each user's PostgreSQL login role (the database is the boundary on a shared server).

Revision ID: 0013_db_roles
Revises: 0012_sign_in
Create Date: 2026-12-07

Only the column: the roles, grants, row-level security and functions are made by
:func:`guji.db.pg_security.install`, which ``guji init`` runs after every upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_db_roles"
down_revision = "0012_sign_in"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("db_role", sa.String(length=63), nullable=True))
        batch.create_unique_constraint(op.f("uq_user_account_db_role"), ["db_role"])


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint(op.f("uq_user_account_db_role"), type_="unique")
        batch.drop_column("db_role")
