"""One head again: the restoration, images and search branches meet here.

Revision ID: 0008_one_head
Revises: 0003_restoration, 0004_images, 0007_search_grams
Create Date: 2026-12-07

Later revisions build on the whole schema (versions on every editable table, the
audit chain, database roles), so they follow one line from here.
"""

from __future__ import annotations

revision = "0008_one_head"
down_revision = ("0003_restoration", "0004_images", "0007_search_grams")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
