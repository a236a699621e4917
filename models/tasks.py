"""Human tasks materialised as rows, so a department's inbox is one indexed query."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .cases import Case
from .people import Department, User


class TaskStatus(enum.StrEnum):
    """Lifecycle of a human task row."""

    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class HumanTask(db.Model):
    """A user task of a running workflow, owned by the department of its lane."""

    __tablename__ = "human_tasks"
    __table_args__ = (Index("ix_human_tasks_inbox", "department_id", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    workflow_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    bpmn_id: Mapped[str] = mapped_column(String(100))
    process_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str] = mapped_column(String(100))
    # The plan measure the step carries out (its `measure` tag, workflows/measures.py).
    measure: Mapped[str | None] = mapped_column(String(20), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    status: Mapped[TaskStatus] = mapped_column(
        db.Enum(TaskStatus, native_enum=False, length=10), default=TaskStatus.READY
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 0-100, higher first in the inbox (a child's steps rank higher).
    priority: Mapped[int] = mapped_column(default=50, server_default="50")
    # The escalation ladder: the last rung fired (0 none) and when the next one is due.
    escalation_step: Mapped[int] = mapped_column(default=0, server_default="0")
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    department: Mapped[Department] = relationship(lazy="joined")
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])


# A department's inbox order: highest priority, then least time left (no due time last), then
# oldest. The index holds exactly this order, so a page is read off it, never sorted; the
# claimer comes last so that counting the unclaimed (or one's own) reads only the index.
INBOX_ORDER = (
    HumanTask.priority.desc(),
    HumanTask.due_at.is_(None),
    HumanTask.due_at,
    HumanTask.id,
)
Index(
    "ix_human_tasks_inbox_order",
    HumanTask.department_id,
    HumanTask.status,
    *INBOX_ORDER,
    HumanTask.claimed_by_id,
)
