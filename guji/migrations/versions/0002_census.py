"""Census register: records, authors, seals, annotations, review rounds, vault movements, serials, search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from guji.db.base import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Search index. SQLite: an FTS5 table with one token per character (so one- and
# two-character queries work, which a trigram index cannot serve), one column
# per field group so that title matches rank first. PostgreSQL: a GIN index over
# the record's character unigrams and bigrams (search_grams).
_FTS = """CREATE VIRTUAL TABLE census_fts USING fts5(
    title, people, edition, ids, other, tokenize = 'unicode61 remove_diacritics 0')"""


def upgrade() -> None:
    op.create_table('census_serial',
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('last_serial', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_census_serial_institution_id_institution')),
    sa.PrimaryKeyConstraint('institution_id', name=op.f('pk_census_serial'))
    )
    op.create_table('census_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('census_number', sa.String(length=19), nullable=False),
    sa.Column('call_number', sa.String(length=100), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('author_statement', sa.Text(), nullable=True),
    sa.Column('edition_statement', sa.Text(), nullable=True),
    sa.Column('volumes', sa.Integer(), nullable=True),
    sa.Column('extant', sa.Text(), nullable=True),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('juan_count', sa.Integer(), nullable=True),
    sa.Column('cases', sa.Integer(), nullable=True),
    sa.Column('other_titles', sa.Text(), nullable=True),
    sa.Column('class_branch', sa.String(length=40), nullable=True),
    sa.Column('class_category', sa.String(length=60), nullable=True),
    sa.Column('class_subcategory', sa.String(length=80), nullable=True),
    sa.Column('edition_dynasty', sa.String(length=20), nullable=True),
    sa.Column('edition_era', sa.String(length=20), nullable=True),
    sa.Column('edition_year_of_era', sa.Integer(), nullable=True),
    sa.Column('edition_ganzhi', sa.String(length=4), nullable=True),
    sa.Column('year_start', sa.Integer(), nullable=True),
    sa.Column('year_end', sa.Integer(), nullable=True),
    sa.Column('date_precision', sa.String(length=12), nullable=True),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('publication_place', sa.String(length=100), nullable=True),
    sa.Column('edition_type', sa.String(length=40), nullable=True),
    sa.Column('edition_subtype', sa.String(length=40), nullable=True),
    sa.Column('edition_supplement', sa.Text(), nullable=True),
    sa.Column('frame_height_cm', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('frame_width_cm', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('frame_edge', sa.String(length=8), nullable=True),
    sa.Column('frame_is_half', sa.Boolean(), nullable=True),
    sa.Column('lines_per_half_leaf', sa.Integer(), nullable=True),
    sa.Column('chars_per_line', sa.Integer(), nullable=True),
    sa.Column('layout_statement', sa.Text(), nullable=True),
    sa.Column('commentary', sa.String(length=60), nullable=True),
    sa.Column('banko', sa.String(length=20), nullable=True),
    sa.Column('fishtail', sa.String(length=30), nullable=True),
    sa.Column('border', sa.String(length=20), nullable=True),
    sa.Column('shu_er', sa.String(length=40), nullable=True),
    sa.Column('binding', sa.String(length=20), nullable=True),
    sa.Column('grade', sa.String(length=4), nullable=True),
    sa.Column('damage_grade', sa.String(length=8), nullable=True),
    sa.Column('national_list_number', sa.String(length=10), nullable=True),
    sa.Column('provincial_list', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('preface_colophon', sa.Text(), nullable=True),
    sa.Column('publisher_mark', sa.Text(), nullable=True),
    sa.Column('carvers', sa.Text(), nullable=True),
    sa.Column('taboo_notes', sa.Text(), nullable=True),
    sa.Column('incomplete_note', sa.Text(), nullable=True),
    sa.Column('storage_note', sa.Text(), nullable=True),
    sa.Column('acquisition', sa.Text(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('bound_with_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('review_round', sa.Integer(), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('search_grams', sa.ARRAY(sa.Text()).with_variant(sa.JSON(), 'sqlite'), nullable=True),
    sa.Column('title_key', sa.String(length=400), nullable=False),
    sa.Column('edition_key', sa.String(length=400), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('exchange_hash', sa.String(length=64), nullable=True),
    sa.CheckConstraint('volumes IS NULL OR volumes > 0', name=op.f('ck_census_record_volumes_positive')),
    sa.ForeignKeyConstraint(['bound_with_id'], ['census_record.id'], name=op.f('fk_census_record_bound_with_id_census_record'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_census_record_created_by_user_account')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_census_record_institution_id_institution')),
    sa.ForeignKeyConstraint(['parent_id'], ['census_record.id'], name=op.f('fk_census_record_parent_id_census_record'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_census_record')),
    sa.UniqueConstraint('census_number', name=op.f('uq_census_record_census_number'))
    )
    op.create_index(op.f('ix_census_record_damage_grade'), 'census_record', ['damage_grade'], unique=False)
    op.create_index('ix_census_record_dup', 'census_record', ['institution_id', 'title_key', 'edition_key'], unique=False)
    op.create_index(op.f('ix_census_record_edition_type'), 'census_record', ['edition_type'], unique=False)
    op.create_index(op.f('ix_census_record_grade'), 'census_record', ['grade'], unique=False)
    op.create_index('ix_census_record_inst_state', 'census_record', ['institution_id', 'state'], unique=False)
    op.create_index(op.f('ix_census_record_institution_id'), 'census_record', ['institution_id'], unique=False)
    op.create_index(op.f('ix_census_record_parent_id'), 'census_record', ['parent_id'], unique=False)
    op.create_index(op.f('ix_census_record_state'), 'census_record', ['state'], unique=False)
    op.create_index(op.f('ix_census_record_year_start'), 'census_record', ['year_start'], unique=False)
    op.create_table('record_annotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('person', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['census_record.id'], name=op.f('fk_record_annotation_record_id_census_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_annotation'))
    )
    op.create_index(op.f('ix_record_annotation_record_id'), 'record_annotation', ['record_id'], unique=False)
    op.create_table('record_author',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('dynasty', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['census_record.id'], name=op.f('fk_record_author_record_id_census_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_author'))
    )
    op.create_index(op.f('ix_record_author_record_id'), 'record_author', ['record_id'], unique=False)
    op.create_table('record_seal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('position', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['census_record.id'], name=op.f('fk_record_seal_record_id_census_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_seal'))
    )
    op.create_index(op.f('ix_record_seal_record_id'), 'record_seal', ['record_id'], unique=False)
    op.create_table('review_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('field_comments', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('diff', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['census_record.id'], name=op.f('fk_review_round_record_id_census_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_review_round_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_round')),
    sa.UniqueConstraint('record_id', 'seq', name=op.f('uq_review_round_record_id_seq'))
    )
    op.create_index(op.f('ix_review_round_record_id'), 'review_round', ['record_id'], unique=False)
    op.create_table('vault_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('to_whom', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('out_at', UTCDateTime(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('returned_at', UTCDateTime(), nullable=True),
    sa.Column('out_by', sa.Integer(), nullable=True),
    sa.Column('in_by', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('return_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['in_by'], ['user_account.id'], name=op.f('fk_vault_movement_in_by_user_account')),
    sa.ForeignKeyConstraint(['out_by'], ['user_account.id'], name=op.f('fk_vault_movement_out_by_user_account')),
    sa.ForeignKeyConstraint(['record_id'], ['census_record.id'], name=op.f('fk_vault_movement_record_id_census_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vault_movement'))
    )
    op.create_index('ix_vault_movement_open', 'vault_movement', ['record_id', 'returned_at'], unique=False)
    op.create_index(op.f('ix_vault_movement_record_id'), 'vault_movement', ['record_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_FTS)
    else:
        op.execute("CREATE INDEX ix_census_record_search_grams ON census_record USING gin (search_grams)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS census_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_census_record_search_grams")

    op.drop_index(op.f('ix_vault_movement_record_id'), table_name='vault_movement')
    op.drop_index('ix_vault_movement_open', table_name='vault_movement')
    op.drop_table('vault_movement')
    op.drop_index(op.f('ix_review_round_record_id'), table_name='review_round')
    op.drop_table('review_round')
    op.drop_index(op.f('ix_record_seal_record_id'), table_name='record_seal')
    op.drop_table('record_seal')
    op.drop_index(op.f('ix_record_author_record_id'), table_name='record_author')
    op.drop_table('record_author')
    op.drop_index(op.f('ix_record_annotation_record_id'), table_name='record_annotation')
    op.drop_table('record_annotation')
    op.drop_index(op.f('ix_census_record_year_start'), table_name='census_record')
    op.drop_index(op.f('ix_census_record_state'), table_name='census_record')
    op.drop_index(op.f('ix_census_record_parent_id'), table_name='census_record')
    op.drop_index(op.f('ix_census_record_institution_id'), table_name='census_record')
    op.drop_index('ix_census_record_inst_state', table_name='census_record')
    op.drop_index(op.f('ix_census_record_grade'), table_name='census_record')
    op.drop_index(op.f('ix_census_record_edition_type'), table_name='census_record')
    op.drop_index('ix_census_record_dup', table_name='census_record')
    op.drop_index(op.f('ix_census_record_damage_grade'), table_name='census_record')
    op.drop_table('census_record')
    op.drop_table('census_serial')
