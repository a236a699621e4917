"""Export grants: an administrator lets a joint-office user include a sensitive class in row
exports, with a reason and an expiry; revocable, kept as history

Revision ID: 1c46740da130
Revises: b7e1c9d3f5a2
Create Date: 2026-12-03 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1c46740da130'
down_revision = 'b7e1c9d3f5a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_grants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('sensitivity', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=False),
        sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_export_grants_user_id_users')),
        sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'],
                                name=op.f('fk_export_grants_granted_by_id_users')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name=op.f('fk_export_grants_revoked_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_grants')),
    )
    with op.batch_alter_table('export_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_grants_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_grants_user_id'))
    op.drop_table('export_grants')
