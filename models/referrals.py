"""Closed-loop referrals: a case sent to a department or an outside organisation for a service."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .cases import Case
from .crypto import EncryptedText
from .people import Department


class OrganisationKind(enum.StrEnum):
    """What an outside organisation of the directory is."""

    HOSPITAL = "hospital"
    SCHOOL = "school"
    SHELTER = "shelter"
    OTHER = "other"


class Organisation(db.Model):
    """An outside organisation cases may be referred to (managed by managers and admins)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        db.Enum(OrganisationKind, native_enum=False, length=10)
    )
    services: Mapped[list] = mapped_column(JSON, default=list)
    contact: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class ReferralStatus(enum.StrEnum):
    """The HL7 FHIR Task statuses a referral passes through."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Referral(db.Model):
    """One referral of a case, to a department or to an organisation, for one service."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    to_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    service: Mapped[str] = mapped_column(String(30))
    status: Mapped[ReferralStatus] = mapped_column(
        db.Enum(ReferralStatus, native_enum=False, length=12),
        default=ReferralStatus.REQUESTED,
        index=True,
    )
    # Sensitive (sender and recipient): why it was rejected, failed or stopped.
    reason: Mapped[str | None] = mapped_column(EncryptedText, info={"sensitive": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    accept_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    outcome_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The last rung of its escalation ladder taken (workflows/escalation.py), and when the
    # next one is due (None: the ladder is over).
    escalation_step: Mapped[int] = mapped_column(default=0)
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    case: Mapped[Case] = relationship()
    from_department: Mapped[Department] = relationship(foreign_keys=[from_department_id])
    to_department: Mapped[Department | None] = relationship(foreign_keys=[to_department_id])
    organisation: Mapped[Organisation | None] = relationship()


class ReferralLink(db.Model):
    """A one-time link for an outside organisation to answer a referral; only its hash is kept."""

    __tablename__ = "referral_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    referral: Mapped[Referral] = relationship()
