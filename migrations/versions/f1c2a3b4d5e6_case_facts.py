"""Case facts: the plain codes the evaluation counts (intake and identification)

Revision ID: f1c2a3b4d5e6
Revises: e3a8c4d1f6b2
Create Date: 2026-12-03 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c2a3b4d5e6'
down_revision = 'e3a8c4d1f6b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_facts',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('report_type', sa.String(length=20), nullable=False),
        sa.Column('reported_on', sa.Date(), nullable=False),
        sa.Column('sex', sa.String(length=10), nullable=True),
        sa.Column('age', sa.Integer(), nullable=True),
        sa.Column('origin_country', sa.String(length=10), nullable=True),
        sa.Column('origin_province', sa.String(length=30), nullable=True),
        sa.Column('rescue_place', sa.String(length=10), nullable=True),
        sa.Column('identified_on', sa.Date(), nullable=True),
        sa.Column('trafficking_confirmed', sa.Boolean(), nullable=True),
        sa.Column('recruiter_relation', sa.String(length=20), nullable=True),
        sa.Column('recruitment_place', sa.String(length=10), nullable=True),
        sa.Column('exploitation_place', sa.String(length=10), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_facts_case_id_cases')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_facts')),
    )
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_facts_reported_on'), ['reported_on'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_case_facts_rescue_place'), ['rescue_place'],
                              unique=False)
    op.create_table(
        'case_fact_choices',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('fact', sa.String(length=30), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_fact_choices_case_id_cases')),
        sa.PrimaryKeyConstraint('case_id', 'fact', 'code', name=op.f('pk_case_fact_choices')),
    )
    with op.batch_alter_table('case_fact_choices', schema=None) as batch_op:
        batch_op.create_index('ix_case_fact_choices_fact_code', ['fact', 'code'], unique=False)


def downgrade():
    with op.batch_alter_table('case_fact_choices', schema=None) as batch_op:
        batch_op.drop_index('ix_case_fact_choices_fact_code')
    op.drop_table('case_fact_choices')
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_facts_rescue_place'))
        batch_op.drop_index(batch_op.f('ix_case_facts_reported_on'))
    op.drop_table('case_facts')
