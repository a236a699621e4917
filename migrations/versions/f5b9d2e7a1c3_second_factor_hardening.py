"""Second factor: the last accepted TOTP time step (a code is good once); the secret encrypted

Secrets already stored stay readable (plaintext passes through decryption); run
`flask keys rotate` after upgrading to encrypt them.

Revision ID: f5b9d2e7a1c3
Revises: e3a8c4d1f6b2
Create Date: 2026-12-03 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5b9d2e7a1c3'
down_revision = 'e3a8c4d1f6b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64),
                              type_=sa.Text(), existing_nullable=True)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.Text(),
                              type_=sa.String(length=64), existing_nullable=True)
        batch_op.drop_column('totp_last_step')
