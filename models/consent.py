"""The consent ledger: what the victim (or a child's guardian) agreed to, purpose by purpose."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .crypto import EncryptedText
from .people import Department, User


class ConsentPurpose(enum.StrEnum):
    """What a consent covers; sharing names the department it is shared with."""

    SHARE_DEPARTMENT = "share_department"
    OUTSIDE_REFERRAL = "outside_referral"
    FAMILY_CONTACT = "family_contact"
    ROW_EXPORT = "row_export"


class ConsentMethod(enum.StrEnum):
    """How the answer was given."""

    WRITTEN = "written"
    VERBAL = "verbal"
    GUARDIAN = "guardian"


class ConsentGiver(enum.StrEnum):
    """Who answered: the victim, or a guardian for a child."""

    VICTIM = "victim"
    GUARDIAN = "guardian"


class ConsentEntry(db.Model):
    """One answer for one purpose; the latest entry for a purpose is the current consent.

    Rows are never changed: a withdrawal is a new entry with `given` false.
    """

    __tablename__ = "consent_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(
        db.Enum(ConsentPurpose, native_enum=False, length=20)
    )
    # The department a sharing consent names; empty for the other purposes.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    given: Mapped[bool]
    method: Mapped[ConsentMethod] = mapped_column(
        db.Enum(ConsentMethod, native_enum=False, length=10)
    )
    given_by: Mapped[ConsentGiver] = mapped_column(
        db.Enum(ConsentGiver, native_enum=False, length=10)
    )
    # Sensitive (the departments owning the case only): a child's own view, in their words.
    child_view: Mapped[str | None] = mapped_column(EncryptedText, info={"sensitive": True})
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    department: Mapped[Department | None] = relationship()
    recorded_by: Mapped[User] = relationship()


@event.listens_for(ConsentEntry, "before_update")
@event.listens_for(ConsentEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    raise ValueError("consent entries are append-only")
