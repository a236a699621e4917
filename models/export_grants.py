"""Permissions to include a sensitivity class in the joint office's row-level exports."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .people import User


class ExportGrant(db.Model):
    """An administrator lets one user include one sensitivity class in row exports, for a
    stated reason, until it expires or is revoked. Rows are kept after either (the history)."""

    __tablename__ = "export_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # A forms/sensitivity.py `Sensitivity` value (models import nothing of ours).
    sensitivity: Mapped[str] = mapped_column(String(20))
    # Why the export needs the class, as the administrator stated it (no victim data).
    reason: Mapped[str] = mapped_column(String(300))
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def live(self, now: datetime) -> bool:
        """Whether the grant holds at `now`: not revoked, not expired."""
        return self.revoked_at is None and now < self.expires_at
