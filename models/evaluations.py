"""Staged and final evaluations of the plan: figures computed once and never changed."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .people import User


class Evaluation(db.Model):
    """An evaluation for a period, its figures stored as canonical JSON with their SHA-256.

    Counts only (no case numbers); small cells are suppressed when it is exported.
    """

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # "staged" or "final"
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    figures: Mapped[str] = mapped_column(db.Text)
    content_hash: Mapped[str] = mapped_column(String(64))

    created_by: Mapped[User] = relationship(lazy="joined")


@event.listens_for(Evaluation, "before_update")
@event.listens_for(Evaluation, "before_delete")
def _refuse_change(mapper, connection, target):
    raise ValueError("evaluations are immutable")
