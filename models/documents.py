"""Files attached to a case or one of its steps; the bytes live encrypted outside the database."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .cases import Case
from .crypto import EncryptedText
from .people import User
from .tasks import HumanTask


class DocumentKind(enum.StrEnum):
    """What a document is; it decides which sensitivity class its readers need."""

    IDENTITY_PAPERS = "identity_papers"
    MEDICAL_REPORT = "medical_report"
    COURT_PAPERS = "court_papers"


class Document(db.Model):
    """One uploaded file: who may read it follows its step (or the case's intake)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    # The step whose readers may read the file (the intake's for a file on the whole case).
    form_key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[DocumentKind] = mapped_column(db.Enum(DocumentKind, native_enum=False, length=20))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    # Sensitive (may hold the victim's name): encrypted at rest, shown to the file's readers.
    filename: Mapped[str] = mapped_column(EncryptedText, info={"sensitive": True})
    # A random name under the documents directory: nothing the uploader chose reaches a path.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    task: Mapped[HumanTask | None] = relationship()
    uploaded_by: Mapped[User] = relationship()
