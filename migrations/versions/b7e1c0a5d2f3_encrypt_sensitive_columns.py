"""encrypt sensitive columns: victim name as text, blind index, timeline data as text

Existing rows stay readable (plaintext passes through decryption); run `flask keys rotate`
after upgrading to encrypt them and fill the name index.

Revision ID: b7e1c0a5d2f3
Revises: c7d1e2f3a4b5
Create Date: 2026-12-02 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c0a5d2f3'
down_revision = 'c7d1e2f3a4b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('victim_name_index', sa.String(length=64), nullable=True))
        batch_op.alter_column('victim_name', existing_type=sa.String(length=120),
                              type_=sa.Text(), existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_cases_victim_name_index'), ['victim_name_index'],
                              unique=False)
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.alter_column('data', existing_type=sa.JSON(), type_=sa.Text(),
                              existing_nullable=False, postgresql_using='data::text')


def downgrade():
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.alter_column('data', existing_type=sa.Text(), type_=sa.JSON(),
                              existing_nullable=False, postgresql_using='data::json')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_victim_name_index'))
        batch_op.alter_column('victim_name', existing_type=sa.Text(),
                              type_=sa.String(length=120), existing_nullable=False)
        batch_op.drop_column('victim_name_index')
