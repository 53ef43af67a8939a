"""Index on the Gregorian years of census records, for the year filter of the search.

Revision ID: 0006_search_years
Revises: 0005_search_indexes
Create Date: 2026-11-23

The year filter tests ``coalesce(year_end, year_start)`` against the start year and
``year_start`` against the end year; with both columns in one index the range scan on
``year_start`` decides the other test from the index alone instead of reading each record
(a year-range search on a million records read ~200,000 rows).
"""

from __future__ import annotations

from alembic import op

revision = "0006_search_years"
down_revision = "0005_search_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_census_record_years", "census_record", ["year_start", "year_end"])


def downgrade() -> None:
    op.drop_index("ix_census_record_years", table_name="census_record")
