"""Evaluation roll-ups indexed by region; cases in each phase now as a roll-up (phase_counts)

Revision ID: b7e1c9d3f5a2
Revises: f5b2d7e9a1c3
Create Date: 2026-12-03 07:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c9d3f5a2'
down_revision = 'f5b2d7e9a1c3'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_victim_counts_region', 'victim_counts', ['region', 'dimension', 'month']),
    ('ix_phase_durations_region', 'phase_durations', ['region', 'month']),
    ('ix_task_counts_region', 'task_counts', ['region', 'day']),
    ('ix_task_durations_region', 'task_durations', ['region', 'month']),
    ('ix_case_indicators_region_phase', 'case_indicators', ['region', 'phase', 'phase_since']),
)


def upgrade():
    op.create_table(
        'phase_counts',
        sa.Column('region', sa.String(length=12), nullable=False),
        sa.Column('phase', sa.String(length=40), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('region', 'phase', name=op.f('pk_phase_counts')),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    # Open cases already counted: their region's row and the all-regions row ("*").
    op.execute(
        "INSERT INTO phase_counts (region, phase, count) "
        "SELECT region, phase, count(*) FROM case_indicators "
        "WHERE phase NOT IN ('', 'closed') GROUP BY region, phase"
    )
    op.execute(
        "INSERT INTO phase_counts (region, phase, count) "
        "SELECT '*', phase, count(*) FROM case_indicators "
        "WHERE phase NOT IN ('', 'closed') GROUP BY phase"
    )


def downgrade():
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table('phase_counts')
