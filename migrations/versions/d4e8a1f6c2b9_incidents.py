"""incidents: diagram rules that failed at run time

Revision ID: d4e8a1f6c2b9
Revises: b7e1c0a5d2f3
Create Date: 2026-12-02 20:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e8a1f6c2b9'
down_revision = 'b7e1c0a5d2f3'
branch_labels = None
depends_on = None

OPEN = sa.text('resolved_at IS NULL')


def upgrade():
    op.create_table(
        'incidents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('pathway_version_id', sa.Integer(), nullable=False),
        sa.Column('process_id', sa.String(length=100), nullable=False),
        sa.Column('element_id', sa.String(length=100), nullable=False),
        sa.Column('element_name', sa.String(length=200), nullable=False),
        sa.Column('source', sa.Enum('CASE_OPENING', 'TASK_COMPLETION', 'TIMER', 'MIGRATION',
                                    'RETRY', name='incidentsource', native_enum=False,
                                    length=20), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('error_type', sa.String(length=100), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
        sa.Column('triggered_by_id', sa.Integer(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_incidents_case_id_cases')),
        sa.ForeignKeyConstraint(['pathway_version_id'], ['pathway_versions.id'],
                                name=op.f('fk_incidents_pathway_version_id_pathway_versions')),
        sa.ForeignKeyConstraint(['task_id'], ['human_tasks.id'],
                                name=op.f('fk_incidents_task_id_human_tasks')),
        sa.ForeignKeyConstraint(['triggered_by_id'], ['users.id'],
                                name=op.f('fk_incidents_triggered_by_id_users')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'],
                                name=op.f('fk_incidents_resolved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_resolved_at'), ['resolved_at'],
                              unique=False)
        batch_op.create_index('uq_incidents_open', ['case_id', 'process_id', 'element_id'],
                              unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('uq_incidents_open')
        batch_op.drop_index(batch_op.f('ix_incidents_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_incidents_case_id'))
    op.drop_table('incidents')
