"""Database models: plain Flask-SQLAlchemy, importing nothing of ours."""

from .base import db
from .cases import Case, CaseStatus
from .documents import Document, DocumentKind
from .matching import CaseIdentifier, CaseMatch, MatchDecision
from .people import DEPARTMENT_CODES, DEPARTMENTS, Department, Membership, Role, User
from .processes import DiagramDraft, DiagramVersion, PathwayVersion, ProcessInstance
from .tasks import HumanTask, TaskStatus
from .timeline import AuditEvent, EventType, TimelineEvent

__all__ = [
    "DEPARTMENTS",
    "DEPARTMENT_CODES",
    "AuditEvent",
    "Case",
    "CaseIdentifier",
    "CaseMatch",
    "CaseStatus",
    "Department",
    "DiagramDraft",
    "DiagramVersion",
    "Document",
    "DocumentKind",
    "EventType",
    "HumanTask",
    "MatchDecision",
    "Membership",
    "PathwayVersion",
    "ProcessInstance",
    "Role",
    "TaskStatus",
    "TimelineEvent",
    "User",
    "db",
]
