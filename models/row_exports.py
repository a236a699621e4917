"""Row-level exports prepared by the timer worker: the request, its progress and its file."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .people import User


class ExportStatus(enum.StrEnum):
    """Where a prepared export is: waiting, being written, ready, taken, gone, or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    DOWNLOADED = "downloaded"
    EXPIRED = "expired"
    FAILED = "failed"  # its file could not be stored (a full disk): asked again, it may work


class RowExport(db.Model):
    """One export the joint office asked for; its file is deleted once downloaded or expired."""

    __tablename__ = "row_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The one user who may download it.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(300))
    start: Mapped[date | None]
    end: Mapped[date | None]
    # The sensitivity classes of its columns (forms/sensitivity.py values), sorted.
    classes: Mapped[list] = mapped_column(JSON)
    status: Mapped[ExportStatus] = mapped_column(
        db.Enum(ExportStatus, native_enum=False, length=10), default=ExportStatus.QUEUED
    )
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_written: Mapped[int] = mapped_column(default=0)
    # A worker's claim; a crashed worker's claim runs out and another starts the export again.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The encrypted CSV under DOCUMENTS_DIR (workflows/documents/store.py) while it is ready.
    storage_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
