"""Restoration archive: jobs, assessments and findings, plans, pH sets, materials and stock moves,
dye recipes and trials, repair sessions, photographs, acceptances, settings.

Revision ID: 0003_restoration
Revises: 0002
Create Date: 2026-11-23

A capability branch on the census revision (see guji/db/migrate.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from guji.db.base import UTCDateTime

revision = "0003_restoration"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('restoration_material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('fibre', sa.String(length=40), nullable=True),
    sa.Column('thickness_um', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('ph', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.Column('colour_l', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('colour_a', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('colour_b', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('maker', sa.String(length=200), nullable=True),
    sa.Column('batch', sa.String(length=100), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('low_stock', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_restoration_material_quantity_not_negative')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_restoration_material_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_material'))
    )
    with op.batch_alter_table('restoration_material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_material_institution_id'), ['institution_id'], unique=False)

    op.create_table('restoration_setting',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['user_account.id'], name=op.f('fk_restoration_setting_updated_by_user_account')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_restoration_setting'))
    )
    op.create_table('restoration_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_number', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('requester', sa.String(length=200), nullable=False),
    sa.Column('priority', sa.String(length=12), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('volumes_scope', sa.String(length=200), nullable=True),
    sa.Column('leaves_scope', sa.String(length=200), nullable=True),
    sa.Column('leaves_in_scope', sa.Integer(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('treatment_started_on', sa.Date(), nullable=True),
    sa.Column('accepted_at', UTCDateTime(), nullable=True),
    sa.Column('returned_to_vault_at', UTCDateTime(), nullable=True),
    sa.Column('vault_movement_id', sa.Integer(), nullable=True),
    sa.Column('damage_grade_suggested', sa.String(length=20), nullable=True),
    sa.Column('damage_grade', sa.String(length=20), nullable=True),
    sa.Column('damage_grade_profile', sa.String(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_restoration_job_created_by_user_account')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_restoration_job_institution_id_institution')),
    sa.ForeignKeyConstraint(['record_id'], ['census_record.id'], name=op.f('fk_restoration_job_record_id_census_record')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_restoration_job_reviewer_id_user_account')),
    sa.ForeignKeyConstraint(['vault_movement_id'], ['vault_movement.id'], name=op.f('fk_restoration_job_vault_movement_id_vault_movement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_job')),
    sa.UniqueConstraint('job_number', name=op.f('uq_restoration_job_job_number'))
    )
    with op.batch_alter_table('restoration_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_job_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_restoration_job_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_restoration_job_state'), ['state'], unique=False)

    op.create_table('restoration_acceptance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('quality_grade', sa.String(length=30), nullable=False),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.Column('signed_name', sa.String(length=100), nullable=False),
    sa.Column('signed_at', UTCDateTime(), nullable=False),
    sa.Column('voided_at', UTCDateTime(), nullable=True),
    sa.Column('voided_by', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_acceptance_job_id_restoration_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_restoration_acceptance_reviewer_id_user_account')),
    sa.ForeignKeyConstraint(['voided_by'], ['user_account.id'], name=op.f('fk_restoration_acceptance_voided_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_acceptance')),
    sa.UniqueConstraint('job_id', 'seq', name=op.f('uq_restoration_acceptance_job_id_seq'))
    )
    with op.batch_alter_table('restoration_acceptance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_acceptance_job_id'), ['job_id'], unique=False)

    op.create_table('restoration_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('volume', sa.Integer(), nullable=True),
    sa.Column('leaf_from', sa.Integer(), nullable=True),
    sa.Column('leaf_to', sa.Integer(), nullable=True),
    sa.Column('paper_type', sa.String(length=60), nullable=True),
    sa.Column('fibres', sa.JSON(), nullable=False),
    sa.Column('fibre_method', sa.String(length=100), nullable=True),
    sa.Column('thickness_um', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('thickness_sd_um', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('colour_l', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('colour_a', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('colour_b', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('colour_source', sa.String(length=16), nullable=True),
    sa.Column('illuminant_observer', sa.String(length=12), nullable=True),
    sa.Column('instrument', sa.String(length=100), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by'], ['user_account.id'], name=op.f('fk_restoration_assessment_assessed_by_user_account')),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_assessment_job_id_restoration_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_assessment'))
    )
    with op.batch_alter_table('restoration_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_assessment_job_id'), ['job_id'], unique=False)

    op.create_table('restoration_job_restorer',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_job_restorer_job_id_restoration_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_restoration_job_restorer_user_id_user_account')),
    sa.PrimaryKeyConstraint('job_id', 'user_id', name=op.f('pk_restoration_job_restorer'))
    )
    op.create_table('restoration_ph_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('method', sa.String(length=30), nullable=False),
    sa.Column('instrument', sa.String(length=100), nullable=True),
    sa.Column('electrode', sa.String(length=100), nullable=True),
    sa.Column('calibration', sa.JSON(), nullable=False),
    sa.Column('wait_seconds', sa.Integer(), nullable=True),
    sa.Column('temperature_c', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('measured_by', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_ph_set_job_id_restoration_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measured_by'], ['user_account.id'], name=op.f('fk_restoration_ph_set_measured_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_ph_set'))
    )
    with op.batch_alter_table('restoration_ph_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_ph_set_job_id'), ['job_id'], unique=False)

    op.create_table('restoration_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('operations', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('estimated_hours', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('planned_leaves', sa.Integer(), nullable=True),
    sa.Column('saved_by', sa.Integer(), nullable=True),
    sa.Column('saved_at', UTCDateTime(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['user_account.id'], name=op.f('fk_restoration_plan_approved_by_user_account')),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_plan_job_id_restoration_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_by'], ['user_account.id'], name=op.f('fk_restoration_plan_saved_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_plan')),
    sa.UniqueConstraint('job_id', name=op.f('uq_restoration_plan_job_id'))
    )
    op.create_table('restoration_recipe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('base_paper_id', sa.Integer(), nullable=True),
    sa.Column('dyes', sa.JSON(), nullable=False),
    sa.Column('mordant', sa.String(length=200), nullable=True),
    sa.Column('bath_temperature_c', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('dips', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('drying', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['base_paper_id'], ['restoration_material.id'], name=op.f('fk_restoration_recipe_base_paper_id_restoration_material')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_restoration_recipe_created_by_user_account')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_restoration_recipe_institution_id_institution')),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_recipe_job_id_restoration_job'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_recipe'))
    )
    with op.batch_alter_table('restoration_recipe', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_recipe_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_restoration_recipe_job_id'), ['job_id'], unique=False)

    op.create_table('restoration_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('restorer_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('leaves', sa.Integer(), nullable=False),
    sa.Column('operations', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('hours >= 0 AND hours <= 24', name=op.f('ck_restoration_session_hours_range')),
    sa.CheckConstraint('leaves >= 0', name=op.f('ck_restoration_session_leaves_not_negative')),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_session_job_id_restoration_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['restorer_id'], ['user_account.id'], name=op.f('fk_restoration_session_restorer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_session'))
    )
    with op.batch_alter_table('restoration_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_session_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_restoration_session_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_restoration_session_restorer_id'), ['restorer_id'], unique=False)

    op.create_table('restoration_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('damage_type', sa.String(length=40), nullable=False),
    sa.Column('metric', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['restoration_assessment.id'], name=op.f('fk_restoration_finding_assessment_id_restoration_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_finding'))
    )
    with op.batch_alter_table('restoration_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_finding_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('restoration_ph_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('leaf', sa.String(length=40), nullable=False),
    sa.Column('position', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.CheckConstraint('value >= 0 AND value <= 14', name=op.f('ck_restoration_ph_point_ph_range')),
    sa.ForeignKeyConstraint(['set_id'], ['restoration_ph_set.id'], name=op.f('fk_restoration_ph_point_set_id_restoration_ph_set'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_ph_point'))
    )
    with op.batch_alter_table('restoration_ph_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_ph_point_set_id'), ['set_id'], unique=False)

    op.create_table('restoration_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_path', sa.Text(), nullable=True),
    sa.Column('leaf', sa.String(length=40), nullable=True),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['user_account.id'], name=op.f('fk_restoration_photo_added_by_user_account')),
    sa.ForeignKeyConstraint(['assessment_id'], ['restoration_assessment.id'], name=op.f('fk_restoration_photo_assessment_id_restoration_assessment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_photo_job_id_restoration_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['restoration_session.id'], name=op.f('fk_restoration_photo_session_id_restoration_session'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_photo'))
    )
    with op.batch_alter_table('restoration_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_photo_job_id'), ['job_id'], unique=False)

    op.create_table('restoration_plan_material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['material_id'], ['restoration_material.id'], name=op.f('fk_restoration_plan_material_material_id_restoration_material')),
    sa.ForeignKeyConstraint(['plan_id'], ['restoration_plan.id'], name=op.f('fk_restoration_plan_material_plan_id_restoration_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_plan_material'))
    )
    with op.batch_alter_table('restoration_plan_material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_plan_material_plan_id'), ['plan_id'], unique=False)

    op.create_table('restoration_session_material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['restoration_material.id'], name=op.f('fk_restoration_session_material_material_id_restoration_material')),
    sa.ForeignKeyConstraint(['session_id'], ['restoration_session.id'], name=op.f('fk_restoration_session_material_session_id_restoration_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_session_material'))
    )
    with op.batch_alter_table('restoration_session_material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_session_material_session_id'), ['session_id'], unique=False)

    op.create_table('restoration_stock_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('balance', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['material_id'], ['restoration_material.id'], name=op.f('fk_restoration_stock_move_material_id_restoration_material')),
    sa.ForeignKeyConstraint(['session_id'], ['restoration_session.id'], name=op.f('fk_restoration_stock_move_session_id_restoration_session'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_restoration_stock_move_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_stock_move'))
    )
    with op.batch_alter_table('restoration_stock_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_stock_move_material_id'), ['material_id'], unique=False)

    op.create_table('restoration_trial',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipe_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('measured_l', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('measured_a', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('measured_b', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('target_l', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('target_a', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('target_b', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('illuminant_observer', sa.String(length=12), nullable=False),
    sa.Column('instrument', sa.String(length=100), nullable=True),
    sa.Column('formula', sa.String(length=20), nullable=False),
    sa.Column('de00', sa.Float(), nullable=False),
    sa.Column('de_ab', sa.Float(), nullable=False),
    sa.Column('dl', sa.Float(), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('measured_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['restoration_job.id'], name=op.f('fk_restoration_trial_job_id_restoration_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measured_by'], ['user_account.id'], name=op.f('fk_restoration_trial_measured_by_user_account')),
    sa.ForeignKeyConstraint(['recipe_id'], ['restoration_recipe.id'], name=op.f('fk_restoration_trial_recipe_id_restoration_recipe'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restoration_trial'))
    )
    with op.batch_alter_table('restoration_trial', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restoration_trial_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_restoration_trial_recipe_id'), ['recipe_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('restoration_trial', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_trial_recipe_id'))
        batch_op.drop_index(batch_op.f('ix_restoration_trial_job_id'))

    op.drop_table('restoration_trial')
    with op.batch_alter_table('restoration_stock_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_stock_move_material_id'))

    op.drop_table('restoration_stock_move')
    with op.batch_alter_table('restoration_session_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_session_material_session_id'))

    op.drop_table('restoration_session_material')
    with op.batch_alter_table('restoration_plan_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_plan_material_plan_id'))

    op.drop_table('restoration_plan_material')
    with op.batch_alter_table('restoration_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_photo_job_id'))

    op.drop_table('restoration_photo')
    with op.batch_alter_table('restoration_ph_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_ph_point_set_id'))

    op.drop_table('restoration_ph_point')
    with op.batch_alter_table('restoration_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_finding_assessment_id'))

    op.drop_table('restoration_finding')
    with op.batch_alter_table('restoration_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_session_restorer_id'))
        batch_op.drop_index(batch_op.f('ix_restoration_session_job_id'))
        batch_op.drop_index(batch_op.f('ix_restoration_session_day'))

    op.drop_table('restoration_session')
    with op.batch_alter_table('restoration_recipe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_recipe_job_id'))
        batch_op.drop_index(batch_op.f('ix_restoration_recipe_institution_id'))

    op.drop_table('restoration_recipe')
    op.drop_table('restoration_plan')
    with op.batch_alter_table('restoration_ph_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_ph_set_job_id'))

    op.drop_table('restoration_ph_set')
    op.drop_table('restoration_job_restorer')
    with op.batch_alter_table('restoration_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_assessment_job_id'))

    op.drop_table('restoration_assessment')
    with op.batch_alter_table('restoration_acceptance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_acceptance_job_id'))

    op.drop_table('restoration_acceptance')
    with op.batch_alter_table('restoration_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_job_state'))
        batch_op.drop_index(batch_op.f('ix_restoration_job_record_id'))
        batch_op.drop_index(batch_op.f('ix_restoration_job_institution_id'))

    op.drop_table('restoration_job')
    op.drop_table('restoration_setting')
    with op.batch_alter_table('restoration_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restoration_material_institution_id'))

    op.drop_table('restoration_material')
