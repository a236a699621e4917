"""The inbox's order as an index: a page is read off it instead of sorting the department

Revision ID: 8d2f61c0a7e4
Revises: 15e6cee60a8a
Create Date: 2026-12-04 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d2f61c0a7e4'
down_revision = '15e6cee60a8a'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_human_tasks_inbox_priority', table_name='human_tasks')
    op.create_index(
        'ix_human_tasks_inbox_order',
        'human_tasks',
        [
            'department_id',
            'status',
            sa.text('priority DESC'),
            sa.text('(due_at IS NULL)'),
            'due_at',
            'id',
            'claimed_by_id',
        ],
    )


def downgrade():
    op.drop_index('ix_human_tasks_inbox_order', table_name='human_tasks')
    op.create_index(
        'ix_human_tasks_inbox_priority',
        'human_tasks',
        ['department_id', 'status', 'priority', 'due_at'],
    )
