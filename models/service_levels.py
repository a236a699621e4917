"""Service levels set by managers, the escalation ladder's fired rungs, and notifications."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .cases import Case
from .people import User
from .tasks import HumanTask


class ServiceLevel(db.Model):
    """How long a step may take, and how it ranks, for one victim profile (child or adult)."""

    __tablename__ = "service_levels"
    __table_args__ = (UniqueConstraint("form_key", "profile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_key: Mapped[str] = mapped_column(String(100))
    profile: Mapped[str] = mapped_column(String(10))
    due_period: Mapped[str] = mapped_column(String(40))  # ISO-8601 duration, e.g. P3D
    priority: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Escalation(db.Model):
    """One rung of a task's or a referral's escalation ladder, fired once: the unique keys
    refuse a second."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("task_id", "step"),
        UniqueConstraint("referral_id", "step"),
        CheckConstraint("(task_id IS NULL) != (referral_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    step: Mapped[int] = mapped_column()
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[HumanTask | None] = relationship()


class MailStatus(enum.StrEnum):
    """Where a notification's e-mail stands (none: the user has no address)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(db.Model):
    """Something a user should act on: a reminder, an escalation, a task given to them."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_unread", "user_id", "read_at"),
        Index("ix_notifications_mail_due", "mail_status", "mail_next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The e-mail: pending until the SMTP server takes it, retried with back-off, then given up.
    mail_status: Mapped[MailStatus | None] = mapped_column(
        db.Enum(MailStatus, native_enum=False, length=10)
    )
    mail_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # When a worker may try (again); moved past a lease while one is sending.
    mail_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the SMTP server accepted the e-mail.
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship()
    case: Mapped[Case] = relationship()
    task: Mapped[HumanTask | None] = relationship()
