"""The victim's case file."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, utcnow
from .crypto import EncryptedText, keyring


class CaseStatus(enum.StrEnum):
    """Whether the pathway is still running for this victim."""

    OPEN = "open"
    CLOSED = "closed"


class Case(db.Model):
    """One rescued victim (or missing-child report), known outside police files by a pseudonym."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Pseudonymous: carries nothing about the victim, safe to show to every department.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[CaseStatus] = mapped_column(
        db.Enum(CaseStatus, native_enum=False, length=10), default=CaseStatus.OPEN, index=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How often the case was re-opened after a closure, and when last.
    reopenings: Mapped[int] = mapped_column(default=0, server_default="0")
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sensitive (police and civil affairs only): the victim's name or the alias used in care,
    # encrypted at rest.
    victim_name: Mapped[str] = mapped_column(EncryptedText, info={"sensitive": True})
    # The keyed blind index of the name (HMAC): finds a victim by name, reveals nothing alone.
    victim_name_index: Mapped[str | None] = mapped_column(String(64), index=True)
    # Plain facts of the intake every department reading the case reads (its `case_open`
    # step), kept as columns so that lists filter and sort on them: "child" or "adult" at
    # intake, the sex, and the province of origin (a country code for a victim from abroad).
    age_group: Mapped[str | None] = mapped_column(String(10), index=True)
    sex: Mapped[str | None] = mapped_column(String(10))
    origin: Mapped[str | None] = mapped_column(String(40))


@event.listens_for(Case.victim_name, "set")
def _index_name(case, name, _old, _initiator):
    case.victim_name_index = keyring().current.blind_index(name) if name else None
