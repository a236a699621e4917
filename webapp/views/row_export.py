"""The joint office's row-level export (HTCDS v2): state a purpose, see the count, let the timer
worker prepare it while its progress shows, download it once."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from forms.export_grants import CLASS_LABELS
from forms.sensitivity import Sensitivity
from models import ExportStatus, RowExport, db
from workflows import clock
from workflows.evaluation import export, export_grants, export_jobs

from .. import access
from .evaluation import parse_month

bp = Blueprint("row_export", __name__, url_prefix="/evaluation/export")
STATUS_NAMES = {
    ExportStatus.QUEUED: _l("waiting for the worker"),
    ExportStatus.RUNNING: _l("being prepared"),
    ExportStatus.READY: _l("ready to download"),
    ExportStatus.DOWNLOADED: _l("downloaded"),
    ExportStatus.EXPIRED: _l("expired"),
    ExportStatus.FAILED: _l("failed"),
}


def _check() -> None:
    if not access.may_export_rows(current_user):
        access.deny(current_user, "row_export_refused", None)


def _page(status: int = 200, **context):
    held = export_grants.live_classes(current_user, clock.now())
    offered = {value: CLASS_LABELS[value] for value in export_grants.GRANTABLE if value in held}
    return (
        render_template(
            "evaluation/export.html",
            limit=export.PURPOSE_LIMIT,
            offered=offered,
            status_names=STATUS_NAMES,
            status_now=export_jobs.status_now,
            now=clock.now(),
            **context,
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
    _refuse_unheld(asked)
    return export.EXPORTED_CLASSES | asked


def _refuse_unheld(classes: frozenset) -> None:
    """403 (audited) if the user holds no live grant of one of the sensitive classes."""
    sensitive = classes - export.EXPORTED_CLASSES
    missing = sensitive - export_grants.live_classes(current_user, clock.now())
    if missing:
        access.deny(current_user, "row_export_refused", None, classes=sorted(missing))


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
    """The form (purpose, period, the classes the user holds a grant for) and their exports."""
    _check()
    return _page(form=MultiDict(), jobs=export_jobs.jobs_of(current_user))


@bp.route("/", methods=["POST"])
@login_required
def prepare():
    """How many rows the export will hold, and the button that has it prepared."""
    _check()
    asked = _request()
    if isinstance(asked, str):
        return _page(400, form=request.form, error=asked)
    count, columns = export.row_count(asked), export.header(asked.classes)
    return _page(form=request.form, count=count, columns=columns)


@bp.route("/jobs", methods=["POST"])
@login_required
def queue():
    """Hand the export to the timer worker, and show its progress."""
    _check()
    asked = _request()
    if isinstance(asked, str):
        return _page(400, form=request.form, error=asked)
    job = export_jobs.request_export(asked, current_user, clock.now())
    access.audit(current_user, "row_export_requested", None, job=job.id, **_detail(job))
    return redirect(url_for(".job", job_id=job.id), 303)


def _detail(job: RowExport) -> dict:
    """What an audit row keeps of an export: why, which months, how many rows, which classes."""
    period = {key: value.isoformat()[:7] if value else "" for key, value in
              (("start", job.start), ("end", job.end))}  # fmt: skip
    return {"purpose": job.purpose, "rows": job.rows_total, "classes": job.classes, **period}


def _job(job_id: int) -> RowExport:
    """The user's own export; anyone else's (or none) is a 404, the attempt audited."""
    job = db.session.get(RowExport, job_id)
    if job is None or job.user_id != current_user.id:
        access.record_refusal(current_user, "row_export_refused", None, job=job_id)
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """The export's progress (refreshed by row_export.js, or by the page itself without
    scripts), then its download button; 410 once downloaded or expired."""
    _check()
    found = _job(job_id)
    gone = export_jobs.is_gone(found, clock.now())
    return render_template("evaluation/export_job.html", job=found, gone=gone), 410 if gone else 200


@bp.route("/jobs/<int:job_id>/progress")
@login_required
def progress(job_id: int):
    """Rows written of rows in total, and the export's status (what row_export.js shows)."""
    _check()
    found = _job(job_id)
    status = "gone" if export_jobs.is_gone(found, clock.now()) else found.status.value
    return {"status": status, "written": found.rows_written, "total": found.rows_total}


@bp.route("/jobs/<int:job_id>/download", methods=["POST"])
@login_required
def download(job_id: int):
    """The CSV, once (its file is then deleted); one audit row with what went out."""
    _check()
    found = _job(job_id)
    _refuse_unheld(frozenset(Sensitivity(value) for value in found.classes))
    try:
        data = export_jobs.take(found, clock.now())
    except export_jobs.ConsentWithdrawn:
        message = _(
            "A victim withdrew their consent to row-level exports after this export was asked:"
            " its file was deleted. Ask for the export again."
        )
        flash(message, "error")
        return render_template("evaluation/export_job.html", job=found, gone=True), 410
    except export_jobs.ExportGone:
        return render_template("evaluation/export_job.html", job=found, gone=True), 410
    access.audit(current_user, "rows_exported", None, job=found.id, **_detail(found))
    headers = {
        "Content-Disposition": f'attachment; filename="htcds-export-{found.id}.csv"',
        "Cache-Control": "no-store",
    }
    return Response(data, mimetype="text/csv", headers=headers)
