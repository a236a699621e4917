"""Re-opened cases: how often and when last on the case, how often on its indicator row

Revision ID: 15e6cee60a8a
Revises: 2c5cb4f74a10
Create Date: 2026-12-03 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '15e6cee60a8a'
down_revision = '2c5cb4f74a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch_op:
        batch_op.add_column(sa.Column('reopenings', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('case_indicators') as batch_op:
        batch_op.add_column(sa.Column('reopenings', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('case_indicators') as batch_op:
        batch_op.drop_column('reopenings')
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('reopenings')
