"""The evaluation's roll-ups (case indicators, victim, phase and task counts); frozen evaluations

Revision ID: 19a932d1712d
Revises: a7b8c9d0e1f2
Create Date: 2026-12-03 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '19a932d1712d'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_indicators',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('region', sa.String(length=12), nullable=False),
        sa.Column('report_type', sa.String(length=20), nullable=False),
        sa.Column('sex', sa.String(length=10), nullable=False),
        sa.Column('age', sa.Integer(), nullable=True),
        sa.Column('origin_country', sa.String(length=10), nullable=False),
        sa.Column('origin_province', sa.String(length=40), nullable=False),
        sa.Column('exploitation_types', sa.JSON(), nullable=False),
        sa.Column('means_of_control', sa.JSON(), nullable=False),
        sa.Column('recruiter_relation', sa.String(length=30), nullable=False),
        sa.Column('phase', sa.String(length=40), nullable=False),
        sa.Column('phase_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.String(length=40), nullable=False),
        sa.Column('closed_early', sa.Boolean(), nullable=False),
        sa.Column('close_reason', sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_indicators_case_id_cases')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_indicators')),
    )
    op.create_index('ix_case_indicators_phase', 'case_indicators', ['phase', 'phase_since'])
    op.create_table(
        'victim_counts',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('region', sa.String(length=12), nullable=False),
        sa.Column('dimension', sa.String(length=30), nullable=False),
        sa.Column('value', sa.String(length=80), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'region', 'dimension', 'value',
                                name=op.f('pk_victim_counts')),
    )
    op.create_table(
        'phase_durations',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('region', sa.String(length=12), nullable=False),
        sa.Column('phase', sa.String(length=40), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'region', 'phase', 'days',
                                name=op.f('pk_phase_durations')),
    )
    for name, columns in (
        ('task_counts', [
            sa.Column('day', sa.Date(), nullable=False),
            sa.Column('department_id', sa.Integer(), nullable=False),
            sa.Column('measure', sa.String(length=100), nullable=False),
            sa.Column('region', sa.String(length=12), nullable=False),
            sa.Column('received', sa.Integer(), nullable=False),
            sa.Column('completed', sa.Integer(), nullable=False),
            sa.Column('on_time', sa.Integer(), nullable=False),
            sa.Column('handovers', sa.Integer(), nullable=False),
        ]),
        ('task_durations', [
            sa.Column('month', sa.Date(), nullable=False),
            sa.Column('department_id', sa.Integer(), nullable=False),
            sa.Column('measure', sa.String(length=100), nullable=False),
            sa.Column('region', sa.String(length=12), nullable=False),
            sa.Column('days', sa.Integer(), nullable=False),
            sa.Column('count', sa.Integer(), nullable=False),
        ]),
    ):
        key = [c.name for c in columns if c.name not in (
            'received', 'completed', 'on_time', 'handovers', 'count')]
        op.create_table(
            name,
            *columns,
            sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                    name=op.f(f'fk_{name}_department_id_departments')),
            sa.PrimaryKeyConstraint(*key, name=op.f(f'pk_{name}')),
        )


    op.create_table(
        'evaluations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_evaluations_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations')),
    )


def downgrade():
    op.drop_table('evaluations')
    for name in ('task_durations', 'task_counts', 'phase_durations', 'victim_counts'):
        op.drop_table(name)
    op.drop_index('ix_case_indicators_phase', table_name='case_indicators')
    op.drop_table('case_indicators')
