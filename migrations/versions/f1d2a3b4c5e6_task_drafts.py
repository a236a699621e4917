"""Task drafts: a worker's unsubmitted answers per user and task, encrypted

Revision ID: f1d2a3b4c5e6
Revises: f2d3e4a5b6c7
Create Date: 2026-12-03 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1d2a3b4c5e6'
down_revision = 'f2d3e4a5b6c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'task_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.Text(), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['human_tasks.id'],
                                name=op.f('fk_task_drafts_task_id_human_tasks')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_task_drafts_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_task_drafts')),
        sa.UniqueConstraint('task_id', 'user_id', name=op.f('uq_task_drafts_task_id')),
    )
    with op.batch_alter_table('task_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_drafts_task_id'), ['task_id'], unique=False)


def downgrade():
    with op.batch_alter_table('task_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_drafts_task_id'))
    op.drop_table('task_drafts')
