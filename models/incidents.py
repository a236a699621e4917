"""Incidents: a diagram's rule that failed at run time, kept until a manager resolves it."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .cases import Case
from .crypto import EncryptedText
from .people import User
from .processes import PathwayVersion

OPEN = text("resolved_at IS NULL")


class IncidentSource(enum.StrEnum):
    """What was running when the rule failed."""

    CASE_OPENING = "case_opening"
    TASK_COMPLETION = "task_completion"
    TIMER = "timer"
    MIGRATION = "migration"
    RETRY = "retry"


class Incident(db.Model):
    """One failing element of a case's diagram; a repeat counts here instead of a new row."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index(
            "uq_incidents_open",
            "case_id",
            "process_id",
            "element_id",
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None when the case could not even be opened (its opening was rolled back).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    pathway_version_id: Mapped[int] = mapped_column(ForeignKey("pathway_versions.id"))
    process_id: Mapped[str] = mapped_column(String(100))
    element_id: Mapped[str] = mapped_column(String(100))
    element_name: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[IncidentSource] = mapped_column(
        db.Enum(IncidentSource, native_enum=False, length=20)
    )
    # The task whose completion failed, so that its successful completion resolves this.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    error_type: Mapped[str] = mapped_column(String(100))
    # The failing rule's own text and error type, never evaluated values; encrypted all the
    # same, since a diagram's text may quote what a manager typed. Managers and admins read it.
    message: Mapped[str] = mapped_column(EncryptedText, info={"sensitive": True})
    count: Mapped[int] = mapped_column(default=1)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case | None] = relationship()
    pathway_version: Mapped[PathwayVersion] = relationship()
    triggered_by: Mapped[User | None] = relationship(foreign_keys=[triggered_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
