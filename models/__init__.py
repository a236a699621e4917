"""Database models: plain Flask-SQLAlchemy, importing nothing of ours."""

from .base import db
from .cases import Case, CaseStatus
from .exchange import (
    DeliveryStatus,
    HandoverStatus,
    IncomingHandover,
    OutgoingHandover,
    PeerProvince,
)
from .people import DEPARTMENT_CODES, DEPARTMENTS, Department, Membership, Role, User
from .processes import DiagramDraft, DiagramVersion, PathwayVersion, ProcessInstance
from .tasks import HumanTask, TaskStatus
from .timeline import AuditEvent, EventType, TimelineEvent
from .tokens import ApiToken, TokenScope

__all__ = [
    "DEPARTMENTS",
    "DEPARTMENT_CODES",
    "ApiToken",
    "AuditEvent",
    "Case",
    "CaseStatus",
    "DeliveryStatus",
    "Department",
    "DiagramDraft",
    "DiagramVersion",
    "EventType",
    "HandoverStatus",
    "HumanTask",
    "IncomingHandover",
    "Membership",
    "OutgoingHandover",
    "PathwayVersion",
    "PeerProvince",
    "ProcessInstance",
    "Role",
    "TaskStatus",
    "TimelineEvent",
    "TokenScope",
    "User",
    "db",
]
