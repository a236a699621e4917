"""When each outgoing message was last tried (what its sender's pages show of a peer's silence)

Revision ID: 4c8d0f2e6b1a
Revises: 3b7c9e1d5a2f
Create Date: 2026-12-08 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c8d0f2e6b1a'
down_revision = '3b7c9e1d5a2f'
branch_labels = None
depends_on = None

TABLES = ('outgoing_handovers', 'outgoing_answers')


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for table in TABLES:
        op.drop_column(table, 'last_attempt_at')
