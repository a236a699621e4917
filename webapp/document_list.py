"""The documents of a case a reader may download, and where they may attach new ones."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import Case, Document, DocumentKind, HumanTask, User, db

from . import access
from .templating import step_title

KIND_NAMES = {
    DocumentKind.IDENTITY_PAPERS: _l("Identity papers"),
    DocumentKind.MEDICAL_REPORT: _l("Medical report"),
    DocumentKind.COURT_PAPERS: _l("Court papers"),
}


def readable(user: User, case: Case) -> list[Document]:
    """The case's documents the user may read (the list itself shows no file name to others)."""
    rows = db.session.scalars(select(Document).filter_by(case_id=case.id).order_by(Document.id))
    return [row for row in rows if access.may_read_document(user, row)]


def targets(user: User, case: Case) -> list[tuple[str, str]]:
    """(task id or "", label) of where the user may attach: the case, and their steps."""
    found = [("", str(_l("The whole case")))] if access.may_attach(user, case, None) else []
    tasks = db.session.scalars(select(HumanTask).filter_by(case_id=case.id).order_by(HumanTask.id))
    found += [
        (str(task.id), step_title(task.form_key))
        for task in tasks
        if access.may_attach(user, case, task)
    ]
    return found
