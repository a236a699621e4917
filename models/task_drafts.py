"""Answers a worker has typed into a task form and not yet submitted, kept per user and task."""

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, utcnow
from .crypto import EncryptedJSON


class TaskDraft(db.Model):
    """One user's unsubmitted answers to one task, as the browser would post them."""

    __tablename__ = "task_drafts"
    __table_args__ = (UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Sensitive: the victim's data being typed; read only by the user who typed it.
    answers: Mapped[dict] = mapped_column(EncryptedJSON, default=dict, info={"sensitive": True})
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
