"""The append-only timeline of what happened to each case."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .crypto import EncryptedJSON
from .people import Department, User


class EventType(enum.StrEnum):
    """What happened to a case, named subject_past_verb."""

    CASE_OPENED = "case_opened"
    TASK_READY = "task_ready"
    TASK_CLAIMED = "task_claimed"
    TASK_RELEASED = "task_released"
    TASK_COMPLETED = "task_completed"
    TIMER_FIRED = "timer_fired"
    TASK_NEARLY_DUE = "task_nearly_due"
    TASK_OVERDUE = "task_overdue"
    TASK_ESCALATED = "task_escalated"
    TASK_REASSIGNED = "task_reassigned"
    CASE_HANDED_OVER = "case_handed_over"
    CASE_RECEIVED = "case_received"
    HANDOVER_ACCEPTED = "handover_accepted"
    HANDOVER_REFUSED = "handover_refused"
    HANDOVER_WITHDRAWN = "handover_withdrawn"
    DIAGRAM_MIGRATED = "diagram_migrated"
    CASE_CLOSED = "case_closed"
    CASE_REOPENED = "case_reopened"
    INCIDENT_OPENED = "incident_opened"
    INCIDENT_RESOLVED = "incident_resolved"
    CONSENT_RECORDED = "consent_recorded"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    REFERRAL_SENT = "referral_sent"
    REFERRAL_STATUS_CHANGED = "referral_status_changed"
    REFERRAL_OVERDUE = "referral_overdue"
    REFERRAL_ESCALATED = "referral_escalated"
    CASES_LINKED = "cases_linked"
    VICTIM_RETRAFFICKED = "victim_retrafficked"
    DOCUMENT_ATTACHED = "document_attached"


class TimelineEvent(db.Model):
    """One event in a case's life; rows are never updated or deleted."""

    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    # Sensitive: submitted form data, encrypted at rest; shown per department by the web
    # layer's access rules.
    data: Mapped[dict] = mapped_column(EncryptedJSON, default=dict, info={"sensitive": True})

    actor: Mapped[User | None] = relationship()
    department: Mapped[Department | None] = relationship()


@event.listens_for(TimelineEvent, "before_update")
@event.listens_for(TimelineEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise ValueError("timeline events are append-only")


class AuditEvent(db.Model):
    """Who read or changed (or tried to) which victim's file, and when; append-only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    allowed: Mapped[bool] = mapped_column(default=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
    case: Mapped["Case | None"] = relationship()  # noqa: F821 (registry name, no import cycle)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_change(mapper, connection, target):
    raise ValueError("audit events are append-only")
