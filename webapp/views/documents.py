"""Uploading a document to a case or a step, and downloading it (never shown inline)."""

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import Document as DocumentRow
from models import DocumentKind, HumanTask, db
from workflows.documents import operations
from workflows.documents.errors import BadFilename, TooLarge, UnsafeContent

from .. import access
from .cases import phase_names
from .cases import show as case_page

bp = Blueprint("documents", __name__, url_prefix="/cases/<number>/documents")
bp.context_processor(phase_names)  # a refused upload shows the case page again
STATUS = {BadFilename: 400, TooLarge: 413, UnsafeContent: 415}
MESSAGES = {
    BadFilename: lambda: _("Give the file a plain name ending in .pdf, .jpg or .png."),
    TooLarge: lambda: _("The file is too large: at most %(size)s MB.", size=max_megabytes()),
    UnsafeContent: lambda: _("Only plain PDF, JPEG and PNG files are accepted."),
}


def max_megabytes() -> int:
    """The largest document accepted, in MB (what the upload form says)."""
    return current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)


def _task(case, raw: str | None) -> HumanTask | None:
    if not raw:
        return None
    task = (
        db.session.get(HumanTask, int(raw))
        if raw.isascii() and raw.isdigit() and len(raw) < 10
        else None
    )
    if task is None or task.case_id != case.id:
        abort(400)
    return task


@bp.post("")
@login_required
def upload(number):
    """Attach the posted file; a refused file is answered 4xx with the reason, nothing kept."""
    try:
        return _upload(number)
    finally:
        for posted in request.files.values():
            posted.close()


def _upload(number):
    case = access.case_for(current_user, number, "document_attached")
    task = _task(case, request.form.get("task_id"))
    kind = request.form.get("kind", "")
    if not access.may_attach(current_user, case, task):
        access.deny(current_user, "document_attached", case)
    upload = request.files.get("file")
    if upload is None or kind not in set(DocumentKind):
        abort(400)
    try:
        operations.attach(
            case, current_user, kind=DocumentKind(kind), filename=upload.filename or "",
            data=upload.read(), task=task,
        )  # fmt: skip
    except tuple(STATUS) as error:
        access.record_refusal(current_user, "document_attached", case, reason=type(error).__name__)
        flash(MESSAGES[type(error)](), "error")
        return case_page(case.number, status=STATUS[type(error)])
    flash(_("The document was attached."), "success")
    return redirect(url_for("cases.show", number=case.number) + "#documents")


@bp.get("/<int:document_id>")
@login_required
def download(number, document_id):
    """The file as an attachment of its checked type, each download audited."""
    case = access.case_for(current_user, number, "document_downloaded")
    document = db.session.get(DocumentRow, document_id)
    if document is None or document.case_id != case.id:
        abort(404)
    if not access.may_read_document(current_user, document):
        access.deny(current_user, "document_downloaded", case, document=document.id)
    name = quote(document.filename)
    return Response(
        operations.read(document),
        mimetype=document.content_type,
        headers={
            "Content-Disposition": f"attachment; filename=document-{document.id}; "
            f"filename*=UTF-8''{name}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "no-store",
        },
    )
