"""service levels, escalation ladder, notifications, department heads' e-mail

Revision ID: 5e1a2b3c4d6f
Revises: d4e8a1f6c2b9
Create Date: 2026-12-02 20:02:36.549259

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e1a2b3c4d6f"
down_revision = "d4e8a1f6c2b9"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "service_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=100), nullable=False),
        sa.Column("profile", sa.String(length=10), nullable=False),
        sa.Column("due_period", sa.String(length=40), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_service_levels_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_levels")),
        sa.UniqueConstraint("form_key", "profile", name=op.f("uq_service_levels_form_key")),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["human_tasks.id"], name=op.f("fk_escalations_task_id_human_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("task_id", "step", name=op.f("uq_escalations_task_id")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notifications_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["human_tasks.id"], name=op.f("fk_notifications_task_id_human_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_mailed_at"), ["mailed_at"], unique=False)
        batch_op.create_index("ix_notifications_unread", ["user_id", "read_at"], unique=False)

    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("priority", sa.Integer(), server_default="50", nullable=False)
        )
        batch_op.add_column(
            sa.Column("escalation_step", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("next_escalation_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_human_tasks_inbox_priority",
            ["department_id", "status", "priority", "due_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_human_tasks_next_escalation_at"), ["next_escalation_at"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=255), nullable=True))


def downgrade():

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")

    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_human_tasks_next_escalation_at"))
        batch_op.drop_index("ix_human_tasks_inbox_priority")
        batch_op.drop_column("next_escalation_at")
        batch_op.drop_column("escalation_step")
        batch_op.drop_column("priority")
        batch_op.drop_column("follow_up_at")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_unread")
        batch_op.drop_index(batch_op.f("ix_notifications_mailed_at"))
        batch_op.drop_index(batch_op.f("ix_notifications_case_id"))

    op.drop_table("notifications")
    op.drop_table("escalations")
    op.drop_table("service_levels")
