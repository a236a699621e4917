"""Answers to hand-overs (accepted, refused) sent back to their sender; peers named, disabled

Revision ID: f5b2d7e9a1c3
Revises: 19a932d1712d
Create Date: 2026-12-03 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5b2d7e9a1c3'
down_revision = '19a932d1712d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outgoing_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('packet_id', sa.String(length=36), nullable=False),
        sa.Column('receiver', sa.String(length=40), nullable=False),
        sa.Column('packet', sa.Text(), nullable=False),
        sa.Column('signature', sa.String(length=100), nullable=False),
        sa.Column('status', sa.Enum('PENDING', 'DELIVERED', 'WITHDRAWN', 'ACCEPTED', 'REFUSED',
                                    name='deliverystatus', native_enum=False, length=10),
                  nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_answers')),
        sa.UniqueConstraint('packet_id', name=op.f('uq_outgoing_answers_packet_id')),
    )
    with op.batch_alter_table('outgoing_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_answers_next_attempt_at'),
                              ['next_attempt_at'], unique=False)
    with op.batch_alter_table('incoming_handovers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refusal_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('peer_provinces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=80), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('enabled', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('peer_provinces', schema=None) as batch_op:
        batch_op.drop_column('enabled')
        batch_op.drop_column('name')
    with op.batch_alter_table('incoming_handovers', schema=None) as batch_op:
        batch_op.drop_column('refusal_reason')
    with op.batch_alter_table('outgoing_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_answers_next_attempt_at'))
    op.drop_table('outgoing_answers')
