"""Page images: stored masters, attachments to census records and restoration jobs, analyses, derivatives.

Revision ID: 0004_images
Revises: 0002
Create Date: 2026-11-23

A capability branch on the census revision. ``job_image.job_id`` has no foreign
key on purpose: the restoration tables come from the sibling branch
0003_restoration, and either branch must be able to land without the other.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from guji.db.base import UTCDateTime

revision = "0004_images"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('relpath', sa.String(length=200), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=True),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('dpi', sa.Float(), nullable=True),
    sa.Column('bit_depth', sa.Integer(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['user_account.id'], name=op.f('fk_stored_image_added_by_user_account')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_stored_image_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_image')),
    sa.UniqueConstraint('sha256', name=op.f('uq_stored_image_sha256'))
    )
    op.create_index(op.f('ix_stored_image_institution_id'), 'stored_image', ['institution_id'], unique=False)
    op.create_table('image_analysis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('analyzer_version', sa.String(length=40), nullable=False),
    sa.Column('dpi', sa.Float(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_image_analysis_created_by_user_account')),
    sa.ForeignKeyConstraint(['image_id'], ['stored_image.id'], name=op.f('fk_image_analysis_image_id_stored_image'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_image_analysis')),
    sa.UniqueConstraint('image_id', 'page', 'analyzer_version', name=op.f('uq_image_analysis_image_id_page_analyzer_version'))
    )
    op.create_index(op.f('ix_image_analysis_image_id'), 'image_analysis', ['image_id'], unique=False)
    op.create_table('image_derivative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.Column('options', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('part', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('relpath', sa.String(length=200), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('dpi', sa.Float(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['image_id'], ['stored_image.id'], name=op.f('fk_image_derivative_image_id_stored_image'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_image_derivative')),
    sa.UniqueConstraint('image_id', 'options', 'kind', 'part', name=op.f('uq_image_derivative_image_id_options_kind_part'))
    )
    op.create_index(op.f('ix_image_derivative_image_id'), 'image_derivative', ['image_id'], unique=False)
    op.create_table('job_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['user_account.id'], name=op.f('fk_job_image_added_by_user_account')),
    sa.ForeignKeyConstraint(['image_id'], ['stored_image.id'], name=op.f('fk_job_image_image_id_stored_image')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_job_image_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_image')),
    sa.UniqueConstraint('job_id', 'image_id', name=op.f('uq_job_image_job_id_image_id'))
    )
    op.create_index(op.f('ix_job_image_image_id'), 'job_image', ['image_id'], unique=False)
    op.create_index(op.f('ix_job_image_job_id'), 'job_image', ['job_id'], unique=False)
    op.create_table('record_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['user_account.id'], name=op.f('fk_record_image_added_by_user_account')),
    sa.ForeignKeyConstraint(['image_id'], ['stored_image.id'], name=op.f('fk_record_image_image_id_stored_image')),
    sa.ForeignKeyConstraint(['record_id'], ['census_record.id'], name=op.f('fk_record_image_record_id_census_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_image')),
    sa.UniqueConstraint('record_id', 'image_id', name=op.f('uq_record_image_record_id_image_id'))
    )
    op.create_index(op.f('ix_record_image_image_id'), 'record_image', ['image_id'], unique=False)
    op.create_index(op.f('ix_record_image_record_id'), 'record_image', ['record_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_record_image_record_id'), table_name='record_image')
    op.drop_index(op.f('ix_record_image_image_id'), table_name='record_image')
    op.drop_table('record_image')
    op.drop_index(op.f('ix_job_image_job_id'), table_name='job_image')
    op.drop_index(op.f('ix_job_image_image_id'), table_name='job_image')
    op.drop_table('job_image')
    op.drop_index(op.f('ix_image_derivative_image_id'), table_name='image_derivative')
    op.drop_table('image_derivative')
    op.drop_index(op.f('ix_image_analysis_image_id'), table_name='image_analysis')
    op.drop_table('image_analysis')
    op.drop_index(op.f('ix_stored_image_institution_id'), table_name='stored_image')
    op.drop_table('stored_image')
