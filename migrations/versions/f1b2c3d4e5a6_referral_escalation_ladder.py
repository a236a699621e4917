"""Referrals climb the escalation ladder (a rung counter per referral, escalation rows per
referral); match digests note the key they were made under

Revision ID: f1b2c3d4e5a6
Revises: a6c3e9f1b7d4
Create Date: 2026-12-03 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1b2c3d4e5a6'
down_revision = 'a6c3e9f1b7d4'
branch_labels = None
depends_on = None

OPEN = ('requested', 'accepted', 'in-progress')


def _next_rung(row):
    """(step taken, when the next rung is due) of a referral escalated the old way."""
    created, accept, outcome = row.created_at, row.accept_due_at, row.outcome_due_at
    times = [accept, accept + (accept - created), outcome, outcome + (outcome - created)]
    step = 3 if row.outcome_escalated_at else 1 if row.accept_escalated_at else 0
    if row.status not in OPEN or step == len(times):
        return step, None
    return step, times[step]


def upgrade():
    with op.batch_alter_table('referrals') as batch_op:
        batch_op.add_column(sa.Column('escalation_step', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('next_escalation_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_referrals_next_escalation_at'),
                              ['next_escalation_at'], unique=False)
    referrals = sa.table(
        'referrals', sa.column('id', sa.Integer), sa.column('status', sa.String),
        *(sa.column(name, sa.DateTime(timezone=True)) for name in (
            'created_at', 'accept_due_at', 'outcome_due_at', 'accept_escalated_at',
            'outcome_escalated_at', 'next_escalation_at')),
        sa.column('escalation_step', sa.Integer),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(referrals)).all():
        step, due = _next_rung(row)
        connection.execute(referrals.update().where(referrals.c.id == row.id).values(
            escalation_step=step, next_escalation_at=due))
    with op.batch_alter_table('referrals') as batch_op:
        batch_op.drop_column('accept_escalated_at')
        batch_op.drop_column('outcome_escalated_at')
    with op.batch_alter_table('escalations') as batch_op:
        batch_op.alter_column('task_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('referral_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_escalations_referral_id_referrals'),
                                    'referrals', ['referral_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_escalations_referral_id'),
                                          ['referral_id', 'step'])
        batch_op.create_check_constraint(
            'one_subject', '(task_id IS NULL) != (referral_id IS NULL)')


    with op.batch_alter_table('case_identifiers') as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=8), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_identifiers_key_id'), ['key_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_identifiers') as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_identifiers_key_id'))
        batch_op.drop_column('key_id')
    op.execute('DELETE FROM escalations WHERE referral_id IS NOT NULL')
    with op.batch_alter_table('escalations') as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_escalations_one_subject'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_escalations_referral_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_escalations_referral_id_referrals'),
                                 type_='foreignkey')
        batch_op.drop_column('referral_id')
        batch_op.alter_column('task_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('referrals') as batch_op:
        batch_op.add_column(sa.Column('accept_escalated_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('outcome_escalated_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.drop_index(batch_op.f('ix_referrals_next_escalation_at'))
        batch_op.drop_column('next_escalation_at')
        batch_op.drop_column('escalation_step')
