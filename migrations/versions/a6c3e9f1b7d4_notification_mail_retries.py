"""Notification e-mails: status (pending, sent, failed), attempts and next attempt, for retries

Rows already mailed become sent; unmailed rows of users with an address become pending.

Revision ID: a6c3e9f1b7d4
Revises: f5b9d2e7a1c3
Create Date: 2026-12-03 06:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6c3e9f1b7d4'
down_revision = 'f5b9d2e7a1c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_status', sa.Enum('PENDING', 'SENT', 'FAILED',
                                                             name='mailstatus', native_enum=False,
                                                             length=10), nullable=True))
        batch_op.add_column(sa.Column('mail_attempts', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('mail_next_attempt_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_notifications_mail_due',
                              ['mail_status', 'mail_next_attempt_at'], unique=False)
    op.execute("UPDATE notifications SET mail_status = 'SENT' WHERE mailed_at IS NOT NULL")
    op.execute(
        "UPDATE notifications SET mail_status = 'PENDING', mail_next_attempt_at = created_at "
        "WHERE mailed_at IS NULL AND user_id IN (SELECT id FROM users WHERE email IS NOT NULL)"
    )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_mail_due')
        batch_op.drop_column('mail_next_attempt_at')
        batch_op.drop_column('mail_attempts')
        batch_op.drop_column('mail_status')
