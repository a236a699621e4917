"""The joint office's row-level export (HTCDS v2): state a purpose, see the count, download."""

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from forms.export_grants import CLASS_LABELS
from workflows import clock
from workflows.evaluation import export, export_grants

from .. import access
from .evaluation import parse_month

bp = Blueprint("row_export", __name__, url_prefix="/evaluation/export")


def _check() -> None:
    if not access.may_export_rows(current_user):
        access.deny(current_user, "row_export_refused", None)


def _page(status: int = 200, **context):
    held = export_grants.live_classes(current_user, clock.now())
    offered = {value: CLASS_LABELS[value] for value in export_grants.GRANTABLE if value in held}
    return (
        render_template(
            "evaluation/export.html", limit=export.PURPOSE_LIMIT, offered=offered, **context
        ),
        status,
    )


def _classes() -> frozenset:
    """The sensitive classes asked for: 400 for a name the export cannot carry, 403 (audited)
    for a class the user holds no live grant of."""
    try:
        asked = export_grants.asked_classes(request.form.getlist("classes"))
    except export.ExportInvalid:
        abort(400)
    missing = asked - export_grants.live_classes(current_user, clock.now())
    if missing:
        access.deny(current_user, "row_export_refused", None, classes=sorted(missing))
    return export.EXPORTED_CLASSES | asked


def _request() -> export.ExportRequest | str:
    """The export the form asks for, or the message saying what is wrong (400 on nonsense)."""
    start, end = parse_month(request.form.get("start")), parse_month(request.form.get("end"))
    try:
        purpose = export.stated_purpose(request.form.get("purpose"))
    except export.ExportInvalid:
        return _(
            "State the purpose of the export (at most %(limit)s characters, no control "
            "characters).",
            limit=export.PURPOSE_LIMIT,
        )
    return export.ExportRequest(purpose, start, end, _classes())


@bp.route("/")
@login_required
def index():
    """The form: purpose and period."""
    _check()
    return _page(form=MultiDict())


@bp.route("/", methods=["POST"])
@login_required
def prepare():
    """How many rows the export will hold, and its download button."""
    _check()
    asked = _request()
    if isinstance(asked, str):
        return _page(400, form=request.form, error=asked)
    count, columns = export.row_count(asked), export.header(asked.classes)
    return _page(form=request.form, count=count, columns=columns)


@bp.route("/download", methods=["POST"])
@login_required
def download():
    """The CSV, streamed as it is written; one audit row with the purpose and row count."""
    _check()
    asked = _request()
    if isinstance(asked, str):
        return _page(400, form=request.form, error=asked)
    count = export.row_count(asked)
    access.audit(
        current_user,
        "rows_exported",
        None,
        purpose=asked.purpose,
        rows=count,
        classes=sorted(asked.classes),
        start=request.form.get("start", ""),
        end=request.form.get("end", ""),
    )
    headers = {
        "Content-Disposition": 'attachment; filename="htcds-export.csv"',
        "Cache-Control": "no-store",
    }
    lines = stream_with_context(export.csv_lines(asked))
    return Response(lines, mimetype="text/csv", headers=headers)
