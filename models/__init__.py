"""Database models: plain Flask-SQLAlchemy, importing nothing of ours."""

from .base import db
from .cases import Case, CaseStatus
from .consent import ConsentEntry, ConsentGiver, ConsentMethod, ConsentPurpose
from .documents import Document, DocumentKind
from .incidents import Incident, IncidentSource
from .matching import CaseIdentifier, CaseMatch, MatchDecision
from .people import DEPARTMENT_CODES, DEPARTMENTS, Department, Membership, Role, User
from .processes import DiagramDraft, DiagramVersion, PathwayVersion, ProcessInstance
from .referrals import Organisation, OrganisationKind, Referral, ReferralLink, ReferralStatus
from .service_levels import Escalation, Notification, ServiceLevel
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
    "ConsentEntry",
    "ConsentGiver",
    "ConsentMethod",
    "ConsentPurpose",
    "Department",
    "DiagramDraft",
    "DiagramVersion",
    "Document",
    "DocumentKind",
    "Escalation",
    "EventType",
    "HumanTask",
    "Incident",
    "IncidentSource",
    "MatchDecision",
    "Membership",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "PathwayVersion",
    "ProcessInstance",
    "Referral",
    "ReferralLink",
    "ReferralStatus",
    "Role",
    "ServiceLevel",
    "TaskStatus",
    "TimelineEvent",
    "User",
    "db",
]
