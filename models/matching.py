"""Keyed digests that identify victims across cases, and the police's decisions on matches."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .cases import Case
from .people import User


class CaseIdentifier(db.Model):
    """One keyed digest (HMAC) of an identifier a case holds; reveals nothing without the key."""

    __tablename__ = "case_identifiers"
    __table_args__ = (UniqueConstraint("case_id", "kind", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), index=True)
    # The data key whose index key made the digest (None: indexed before keys were noted);
    # `flask keys rotate` re-indexes the cases with digests under any other key.
    key_id: Mapped[str | None] = mapped_column(String(8), index=True)


class MatchDecision(enum.StrEnum):
    """What the police decided about two cases that may be the same victim."""

    LINKED = "linked"
    DISMISSED = "dismissed"


class CaseMatch(db.Model):
    """A decided pair of cases (the lower case id first): linked as one victim, or dismissed."""

    __tablename__ = "case_matches"
    __table_args__ = (UniqueConstraint("case_id", "other_case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    decision: Mapped[MatchDecision] = mapped_column(
        db.Enum(MatchDecision, native_enum=False, length=10)
    )
    # Linked because the victim was rescued again: both cases are marked re-trafficked.
    retrafficked: Mapped[bool] = mapped_column(default=False)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    other_case: Mapped[Case] = relationship(foreign_keys=[other_case_id])
    decided_by: Mapped[User] = relationship()
