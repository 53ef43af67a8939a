"""A version on every editable table; at most one open vault movement per item; single-reviewer
institutions; books sent to another institution's workshop (送修).

Revision ID: 0010_versions
Revises: 0009_audit_chain
Create Date: 2026-12-07

The version is the row's compare-and-set token (SQLAlchemy's ``version_id_col``, see
:mod:`guji.services.versions`); existing rows start at 1. Before the unique index on
open vault movements is created, items that are out more than once (concurrent
check-outs let that happen) keep their earliest movement open; the later ones are
checked in with a note, and the repair is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0010_versions"
down_revision = "0009_audit_chain"
branch_labels = None
depends_on = None

VERSIONED = ("restoration_job", "restoration_assessment", "restoration_plan", "restoration_recipe",
             "restoration_trial", "restoration_session", "restoration_material", "restoration_setting",
             "vault_movement", "user_account", "institution")
REPAIR_NOTE = "升级时关闭的重复出库记录 (duplicate check-out closed on upgrade)"


def _close_duplicate_checkouts() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT m.id, m.record_id FROM vault_movement m WHERE m.returned_at IS NULL AND EXISTS ("
        " SELECT 1 FROM vault_movement o WHERE o.record_id = m.record_id AND o.returned_at IS NULL AND o.id < m.id)"
        " ORDER BY m.id")).all()
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if bind.dialect.name == "sqlite" else now
    for movement_id, record_id in rows:
        bind.execute(sa.text("UPDATE vault_movement SET returned_at = :at, return_note = :n WHERE id = :i"),
                     {"at": stamp, "n": REPAIR_NOTE, "i": movement_id})
        bind.execute(sa.text(
            "INSERT INTO audit_log (at, user_id, login, institution_id, action, entity, entity_id, changes, note) "
            "VALUES (:at, NULL, 'system', NULL, 'repair', 'vault_movement', :e, :c, :n)"),
            {"at": stamp, "e": str(movement_id), "n": REPAIR_NOTE,
             "c": json.dumps({"returned_at": [None, now.isoformat()], "record_id": [record_id, record_id]})})


def upgrade() -> None:
    for table in VERSIONED:
        # The server default fills the existing rows (and costs no table rebuild on SQLite).
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("institution", sa.Column("single_reviewer", sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    # 送修: a book sent to another institution's workshop, and the job that workshop performs.
    with op.batch_alter_table("vault_movement") as batch:
        batch.add_column(sa.Column("to_institution_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_vault_movement_to_institution_id_institution"), "institution",
                                 ["to_institution_id"], ["id"])
    with op.batch_alter_table("restoration_job") as batch:
        batch.add_column(sa.Column("workshop_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_restoration_job_workshop_id_institution"), "institution",
                                 ["workshop_id"], ["id"])
        batch.create_index(op.f("ix_restoration_job_workshop_id"), ["workshop_id"])
    _close_duplicate_checkouts()
    op.create_index("uq_vault_movement_one_out", "vault_movement", ["record_id"], unique=True,
                    sqlite_where=sa.text("returned_at IS NULL"), postgresql_where=sa.text("returned_at IS NULL"))


def downgrade() -> None:
    op.drop_index("uq_vault_movement_one_out", table_name="vault_movement")
    with op.batch_alter_table("restoration_job") as batch:
        batch.drop_index(op.f("ix_restoration_job_workshop_id"))
        batch.drop_constraint(op.f("fk_restoration_job_workshop_id_institution"), type_="foreignkey")
        batch.drop_column("workshop_id")
    with op.batch_alter_table("vault_movement") as batch:
        batch.drop_constraint(op.f("fk_vault_movement_to_institution_id_institution"), type_="foreignkey")
        batch.drop_column("to_institution_id")
    with op.batch_alter_table("institution") as batch:
        batch.drop_column("single_reviewer")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
