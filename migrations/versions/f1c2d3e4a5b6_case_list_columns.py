"""Case columns the case list filters on: age group, sex and origin at intake

Revision ID: f1c2d3e4a5b6
Revises: f1b2c3d4e5a6
Create Date: 2026-12-03 06:00:00.000000

Cases opened before this revision get them from `flask cases fill-profiles` (their intake
is encrypted in the timeline: the migration has no key); until then the list shows unknown.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c2d3e4a5b6'
down_revision = 'f1b2c3d4e5a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_group', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('sex', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('origin', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_age_group'), ['age_group'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_age_group'))
        batch_op.drop_column('origin')
        batch_op.drop_column('sex')
        batch_op.drop_column('age_group')
