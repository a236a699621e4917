"""Database models: plain Flask-SQLAlchemy, importing nothing of ours."""

from .base import db
from .cases import Case, CaseStatus
from .consent import ConsentEntry, ConsentGiver, ConsentMethod, ConsentPurpose
from .documents import Document, DocumentKind
from .exchange import (
    DeliveryStatus,
    HandoverStatus,
    IncomingHandover,
    OutgoingAnswer,
    OutgoingHandover,
    PeerProvince,
)
from .incidents import Incident, IncidentSource
from .matching import CaseIdentifier, CaseMatch, MatchDecision
from .people import DEPARTMENT_CODES, DEPARTMENTS, Department, Membership, Role, User
from .processes import DiagramDraft, DiagramVersion, PathwayVersion, ProcessInstance
from .referrals import Organisation, OrganisationKind, Referral, ReferralLink, ReferralStatus
from .service_levels import Escalation, Notification, ServiceLevel
from .tasks import HumanTask, TaskStatus
from .timeline import AuditEvent, EventType, TimelineEvent
from .tokens import ApiToken, TokenScope

__all__ = [
    "DEPARTMENTS",
    "DEPARTMENT_CODES",
    "ApiToken",
    "AuditEvent",
    "Case",
    "CaseIdentifier",
    "CaseMatch",
    "CaseStatus",
    "ConsentEntry",
    "ConsentGiver",
    "ConsentMethod",
    "ConsentPurpose",
    "DeliveryStatus",
    "Department",
    "DiagramDraft",
    "DiagramVersion",
    "Document",
    "DocumentKind",
    "Escalation",
    "EventType",
    "HandoverStatus",
    "HumanTask",
    "Incident",
    "IncidentSource",
    "IncomingHandover",
    "MatchDecision",
    "Membership",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "OutgoingAnswer",
    "OutgoingHandover",
    "PathwayVersion",
    "PeerProvince",
    "ProcessInstance",
    "Referral",
    "ReferralLink",
    "ReferralStatus",
    "Role",
    "ServiceLevel",
    "TaskStatus",
    "TimelineEvent",
    "TokenScope",
    "User",
    "db",
]
