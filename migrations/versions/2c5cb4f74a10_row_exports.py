"""Row exports prepared by the timer worker: request, progress, lease, encrypted file, expiry

Revision ID: 2c5cb4f74a10
Revises: 1c46740da130
Create Date: 2026-12-03 11:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2c5cb4f74a10'
down_revision = '1c46740da130'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'row_exports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=300), nullable=False),
        sa.Column('start', sa.Date(), nullable=True),
        sa.Column('end', sa.Date(), nullable=True),
        sa.Column('classes', sa.JSON(), nullable=False),
        sa.Column('status', sa.Enum('QUEUED', 'RUNNING', 'READY', 'DOWNLOADED', 'EXPIRED',
                                    'FAILED',
                                    name='exportstatus', native_enum=False, length=10),
                  nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_written', sa.Integer(), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('storage_name', sa.String(length=64), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_row_exports_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_row_exports')),
        sa.UniqueConstraint('storage_name', name=op.f('uq_row_exports_storage_name')),
    )
    with op.batch_alter_table('row_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_row_exports_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('row_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_row_exports_user_id'))
    op.drop_table('row_exports')
