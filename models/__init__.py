"""Database models: plain Flask-SQLAlchemy, importing nothing of ours."""

from .base import db
from .cases import Case, CaseStatus
from .consent import ConsentEntry, ConsentGiver, ConsentMethod, ConsentPurpose
from .people import DEPARTMENT_CODES, DEPARTMENTS, Department, Membership, Role, User
from .processes import DiagramDraft, DiagramVersion, PathwayVersion, ProcessInstance
from .referrals import Organisation, OrganisationKind, Referral, ReferralLink, ReferralStatus
from .tasks import HumanTask, TaskStatus
from .timeline import AuditEvent, EventType, TimelineEvent

__all__ = [
    "DEPARTMENTS",
    "DEPARTMENT_CODES",
    "AuditEvent",
    "Case",
    "CaseStatus",
    "ConsentEntry",
    "ConsentGiver",
    "ConsentMethod",
    "ConsentPurpose",
    "Department",
    "DiagramDraft",
    "DiagramVersion",
    "EventType",
    "HumanTask",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "PathwayVersion",
    "ProcessInstance",
    "Referral",
    "ReferralLink",
    "ReferralStatus",
    "Role",
    "TaskStatus",
    "TimelineEvent",
    "User",
    "db",
]
