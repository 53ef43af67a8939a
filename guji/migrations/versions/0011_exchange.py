"""Signed exchange packages: registered institution keys, the package log, exchange marks.

Revision ID: 0011_exchange
Revises: 0010_versions
Create Date: 2026-12-09

``institution_key`` holds the Ed25519 public keys the centre (or a unit) registered for
other institutions; ``exchange_package`` one row per package exported or imported (its
signer, sequence and manifest hash: replays and out-of-order packages are refused by
it); ``exchange_mark`` what a restoration archive looked like at its last exchange.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from guji.db.base import UTCDateTime

revision = "0011_exchange"
down_revision = "0010_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "institution_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["institution_id"], ["institution.id"],
                                name=op.f("fk_institution_key_institution_id_institution")),
        sa.ForeignKeyConstraint(["registered_by"], ["user_account.id"],
                                name=op.f("fk_institution_key_registered_by_user_account")),
        sa.ForeignKeyConstraint(["revoked_by"], ["user_account.id"],
                                name=op.f("fk_institution_key_revoked_by_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_key")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_institution_key_fingerprint")),
    )
    op.create_index(op.f("ix_institution_key_institution_id"), "institution_key", ["institution_id"])
    op.create_table(
        "exchange_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("signer_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=True),
        sa.Column("until", UTCDateTime(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["institution_id"], ["institution.id"],
                                name=op.f("fk_exchange_package_institution_id_institution")),
        sa.ForeignKeyConstraint(["holder_id"], ["institution.id"],
                                name=op.f("fk_exchange_package_holder_id_institution")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_exchange_package_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_package")),
        sa.UniqueConstraint("direction", "institution_id", "sequence",
                            name=op.f("uq_exchange_package_direction_institution_id_sequence")),
    )
    op.create_index("ix_exchange_package_manifest", "exchange_package", ["manifest_sha256"])
    op.create_table(
        "exchange_mark",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_key", sa.String(length=64), nullable=False),
        sa.Column("there_hash", sa.String(length=64), nullable=False),
        sa.Column("here_hash", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "entity_key", name=op.f("pk_exchange_mark")),
    )


def downgrade() -> None:
    op.drop_table("exchange_mark")
    op.drop_index("ix_exchange_package_manifest", table_name="exchange_package")
    op.drop_table("exchange_package")
    op.drop_index(op.f("ix_institution_key_institution_id"), table_name="institution_key")
    op.drop_table("institution_key")
