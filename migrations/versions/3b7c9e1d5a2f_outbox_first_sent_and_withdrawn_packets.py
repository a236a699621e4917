"""When a worker first took each outgoing message to send (from then on the peer may hold it);
the withdrawals of packets not yet received

Revision ID: 3b7c9e1d5a2f
Revises: 8d2f61c0a7e4
Create Date: 2026-12-06 21:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7c9e1d5a2f'
down_revision = '8d2f61c0a7e4'
branch_labels = None
depends_on = None

TABLES = ('outgoing_handovers', 'outgoing_answers')


def upgrade():
    op.create_table(
        'withdrawn_packets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('packet_id', sa.String(length=36), nullable=False),
        sa.Column('sender', sa.String(length=40), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawn_packets')),
        sa.UniqueConstraint('packet_id', name=op.f('uq_withdrawn_packets_packet_id')),
    )
    for table in TABLES:
        op.add_column(table, sa.Column('first_sent_at', sa.DateTime(timezone=True), nullable=True))
        # Whether a worker has taken an existing message is not known: say it may have left.
        op.execute(f'UPDATE {table} SET first_sent_at = next_attempt_at')


def downgrade():
    for table in TABLES:
        op.drop_column(table, 'first_sent_at')
    op.drop_table('withdrawn_packets')
