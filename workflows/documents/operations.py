"""Attaching a document to a case or a step, and reading it back."""

from flask import current_app
from sqlalchemy import select

from forms.intake import INTAKE_FORM
from forms.sensitivity import Sensitivity
from models import Case, Document, DocumentKind, EventType, HumanTask, User, db
from models.crypto import keyring

from .. import timeline
from . import store
from .content import content_type
from .errors import TooLarge

# The class of personal information each kind of document holds (webapp/access.py readers).
KIND_CLASSES = {
    DocumentKind.IDENTITY_PAPERS: Sensitivity.IDENTITY,
    DocumentKind.MEDICAL_REPORT: Sensitivity.HEALTH,
    DocumentKind.COURT_PAPERS: Sensitivity.IDENTITY,
}


def attach(
    case: Case, actor: User, *, kind: DocumentKind, filename: str, data: bytes, task=None
) -> Document:
    """Check the file by content, store it encrypted, and note it on the timeline (flushes)."""
    if len(data) > current_app.config["DOCUMENT_MAX_BYTES"]:
        raise TooLarge(f"a document may hold at most {current_app.config['DOCUMENT_MAX_BYTES']}")
    detected = content_type(filename, data)
    document = Document(
        case_id=case.id,
        task_id=task.id if task is not None else None,
        form_key=task.form_key if task is not None else INTAKE_FORM,
        kind=kind,
        content_type=detected,
        size=len(data),
        filename=filename,
        storage_name=store.save(data),
        uploaded_by_id=actor.id,
    )
    db.session.add(document)
    db.session.flush()
    department = task.department if isinstance(task, HumanTask) else None
    timeline.record(
        case, EventType.DOCUMENT_ATTACHED, actor=actor, department=department, task=task,
        kind=kind.value, document=document.id,
    )  # fmt: skip
    return document


def read(document: Document) -> bytes:
    """The document's bytes."""
    return store.load(document.storage_name)


def files_to_rotate() -> list[str]:
    """Storage names of the documents whose file is under another key than the current one."""
    current = keyring().current.id
    names = db.session.scalars(select(Document.storage_name).order_by(Document.id))
    return [name for name in names if store.key_id(name) not in (None, current)]
