"""API tokens (per user, scoped, revocable, stored hashed); peer provinces and hand-overs received

Revision ID: e3a8c4d1f6b2
Revises: d4e8f1a2b3c6
Create Date: 2026-12-02 20:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a8c4d1f6b2'
down_revision = 'd4e8f1a2b3c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('scope', sa.Enum('READ', 'CASEWORK', 'ADMIN', name='tokenscope',
                                   native_enum=False, length=10), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_api_tokens_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)
    op.create_table(
        'peer_provinces',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('api_url', sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_provinces')),
        sa.UniqueConstraint('code', name=op.f('uq_peer_provinces_code')),
    )
    op.create_table(
        'incoming_handovers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('packet_id', sa.String(length=36), nullable=False),
        sa.Column('sender', sa.String(length=40), nullable=False),
        sa.Column('sender_case_number', sa.String(length=20), nullable=False),
        sa.Column('packet', sa.Text(), nullable=False),
        sa.Column('signature', sa.String(length=100), nullable=False),
        sa.Column('status', sa.Enum('RECEIVED', 'ACCEPTED', 'REFUSED', 'WITHDRAWN',
                                    name='handoverstatus', native_enum=False, length=10),
                  nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_incoming_handovers_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_handovers')),
        sa.UniqueConstraint('packet_id', name=op.f('uq_incoming_handovers_packet_id')),
    )
    op.create_table(
        'outgoing_handovers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('packet_id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('receiver', sa.String(length=40), nullable=False),
        sa.Column('packet', sa.Text(), nullable=False),
        sa.Column('signature', sa.String(length=100), nullable=False),
        sa.Column('status', sa.Enum('PENDING', 'DELIVERED', 'WITHDRAWN', name='deliverystatus',
                                    native_enum=False, length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_outgoing_handovers_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_handovers')),
        sa.UniqueConstraint('case_id', name=op.f('uq_outgoing_handovers_case_id')),
        sa.UniqueConstraint('packet_id', name=op.f('uq_outgoing_handovers_packet_id')),
    )
    with op.batch_alter_table('outgoing_handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_handovers_next_attempt_at'),
                              ['next_attempt_at'], unique=False)


def downgrade():
    op.drop_table('outgoing_handovers')
    op.drop_table('incoming_handovers')
    op.drop_table('peer_provinces')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
