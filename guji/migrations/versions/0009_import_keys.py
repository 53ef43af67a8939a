"""Index on the call numbers of an institution's records, for the Excel import's matching.

Revision ID: 0009_import_keys
Revises: 0008_one_head
Create Date: 2026-12-07

A row of an imported register without a 普查編號 is the record of the same institution with
the same 索書號 (guji.census.bulk): re-importing a file whose rows had no number must not
register them twice. The import looks its rows' call numbers up in batches of 900; without
this index each lookup read every record of the institution.
"""

from __future__ import annotations

from alembic import op

revision = "0009_import_keys"
down_revision = "0008_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_census_record_inst_call", "census_record", ["institution_id", "call_number"])


def downgrade() -> None:
    op.drop_index("ix_census_record_inst_call", table_name="census_record")
