"""Search index v2: bigram tokens with a one-character prefix index, and filter facets.

Revision ID: 0007_search_grams
Revises: 0006_search_years
Create Date: 2026-12-04

SQLite's FTS5 table gets a sixth column, ``facets`` (holding institution, review state,
dynasty, edition type, grades, decades and centuries as tokens), and ``prefix='1'``; its text
columns now hold overlapping bigrams (see ``guji.census.search_index``). FTS5 tables cannot
be altered, so the table is created anew, empty. ``search_index_state`` records which index
format a database holds; it starts empty, so ``guji.db.migrate.upgrade`` rebuilds the index
with the current code right after this migration (the index is derived data, like the search
grams PostgreSQL keeps on the record).

Three indexes of census_record go: ``ix_census_record_filter`` (the covering index the FTS5
join read to test filters, which are facets now) and the single-column indexes on
``institution_id`` and ``year_start`` (prefixes of ``ix_census_record_inst_state`` and
``ix_census_record_years``). Every index costs each insert; a bulk import writes 100,000.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_search_grams"
down_revision = "0006_search_years"
branch_labels = None
depends_on = None

_FTS_V2 = """CREATE VIRTUAL TABLE census_fts USING fts5(
    title, people, edition, ids, other, facets, prefix='1', tokenize = 'unicode61 remove_diacritics 0')"""
_FTS_V1 = """CREATE VIRTUAL TABLE census_fts USING fts5(
    title, people, edition, ids, other, tokenize = 'unicode61 remove_diacritics 0')"""


def upgrade() -> None:
    op.create_table(
        "search_index_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_index_state")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS census_fts")
        op.execute(_FTS_V2)
    op.drop_index("ix_census_record_filter", table_name="census_record")
    op.drop_index("ix_census_record_institution_id", table_name="census_record")
    op.drop_index("ix_census_record_year_start", table_name="census_record")


def downgrade() -> None:
    op.create_index("ix_census_record_year_start", "census_record", ["year_start"])
    op.create_index("ix_census_record_institution_id", "census_record", ["institution_id"])
    op.create_index("ix_census_record_filter", "census_record", [
        "id", "institution_id", "state", "edition_type", "edition_dynasty", "grade", "damage_grade", "year_start",
        "year_end"])
    # The v1 table comes back empty: run "rebuild the search index" with the older program.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS census_fts")
        op.execute(_FTS_V1)
    op.drop_table("search_index_state")
