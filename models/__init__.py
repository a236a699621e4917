"""Database models: plain Flask-SQLAlchemy, importing nothing of ours."""

from .base import db, storable
from .cases import Case, CaseStatus
from .consent import ConsentEntry, ConsentGiver, ConsentMethod, ConsentPurpose
from .documents import Document, DocumentKind
from .evaluations import Evaluation
from .exchange import (
    DeliveryStatus,
    HandoverStatus,
    IncomingHandover,
    OutgoingAnswer,
    OutgoingHandover,
    PeerProvince,
    WithdrawnPacket,
)
from .export_grants import ExportGrant
from .facts import CaseFactChoice, CaseFacts
from .incidents import Incident, IncidentSource
from .indicators import (
    CLOSED_PHASE,
    CaseIndicator,
    PhaseCount,
    PhaseDuration,
    TaskCount,
    TaskDuration,
    VictimCount,
)
from .matching import CaseIdentifier, CaseMatch, MatchDecision
from .people import DEPARTMENT_CODES, DEPARTMENTS, Department, Membership, Role, User
from .processes import DiagramDraft, DiagramVersion, PathwayVersion, ProcessInstance
from .referrals import Organisation, OrganisationKind, Referral, ReferralLink, ReferralStatus
from .row_exports import ExportStatus, RowExport
from .saved_views import SavedView
from .service_levels import Escalation, MailStatus, Notification, ServiceLevel
from .task_drafts import TaskDraft
from .tasks import INBOX_ORDER, HumanTask, TaskStatus
from .timeline import AuditEvent, EventType, TimelineEvent
from .tokens import ApiToken, TokenScope

__all__ = [
    "CLOSED_PHASE",
    "DEPARTMENTS",
    "DEPARTMENT_CODES",
    "INBOX_ORDER",
    "ApiToken",
    "AuditEvent",
    "Case",
    "CaseFactChoice",
    "CaseFacts",
    "CaseIdentifier",
    "CaseIndicator",
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
    "Evaluation",
    "EventType",
    "ExportGrant",
    "ExportStatus",
    "HandoverStatus",
    "HumanTask",
    "Incident",
    "IncidentSource",
    "IncomingHandover",
    "MailStatus",
    "MatchDecision",
    "Membership",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "OutgoingAnswer",
    "OutgoingHandover",
    "PathwayVersion",
    "PeerProvince",
    "PhaseCount",
    "PhaseDuration",
    "ProcessInstance",
    "Referral",
    "ReferralLink",
    "ReferralStatus",
    "Role",
    "RowExport",
    "SavedView",
    "ServiceLevel",
    "TaskCount",
    "TaskDraft",
    "TaskDuration",
    "TaskStatus",
    "TimelineEvent",
    "TokenScope",
    "User",
    "VictimCount",
    "WithdrawnPacket",
    "db",
    "storable",
]
