"""Frozen evaluations: the joint office creates them; evaluators list, compare and download."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import BadRequest

from models import Evaluation, db
from workflows import clock
from workflows.evaluation.frozen import KINDS, EvaluationInvalid, evaluations, freeze, verifies

from .. import access
from ..evaluation_exports import exported_tables, to_csv, to_pdf, to_xlsx
from ..evaluation_tables import cell
from ..request_checks import whole_number
from .evaluation import parse_month

bp = Blueprint("frozen", __name__, url_prefix="/evaluation/frozen")
FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "pdf": ("application/pdf", to_pdf),
}


def _check(action: str, *, create=False) -> None:
    allowed = (
        access.may_freeze_evaluations(current_user)
        if create
        else (access.may_evaluate(current_user, "victims"))
    )
    if not allowed:
        access.deny(current_user, action, None)


def _evaluation(evaluation_id: int) -> Evaluation:
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None:
        abort(404)
    return evaluation


@bp.route("/")
@login_required
def index(problem: str | None = None, status: int = 200):
    """Every evaluation, newest first, and (joint office) the form for a new one (with what
    was typed and what is wrong, after a refused one)."""
    _check("evaluations_refused")
    access.audit(current_user, "evaluations_listed", None)
    page = render_template(
        "evaluation/frozen_list.html",
        evaluations=db.session.scalars(evaluations()).all(),
        kinds=KINDS,
        may_create=access.may_freeze_evaluations(current_user),
        problem=problem,
        typed={k: v for k, v in request.form.items() if v.isprintable()} if problem else {},
    )
    return page, status


@bp.route("/", methods=["POST"])
@login_required
def create():
    """Freeze the figures of a period; a bad title or period is the page again, saying so."""
    _check("evaluation_create_refused", create=True)
    try:
        start, end = (parse_month(request.form.get(name)) for name in ("start", "end"))
    except BadRequest:
        start = end = None
    if start is None or end is None:
        return index(_("Enter both months as YYYY-MM, between 2000 and 2100."), 422)
    if start > end:
        return index(_("The period ends before it starts: nothing was frozen."), 422)
    try:
        evaluation = freeze(
            request.form.get("title", ""),
            request.form.get("kind", ""),
            start,
            end,
            current_user,
            clock.now(),
        )
    except EvaluationInvalid:
        return index(_("Give a title of at most 200 characters and a kind."), 422)
    access.audit(current_user, "evaluation_created", None, evaluation_id=evaluation.id)
    flash(_("The evaluation is frozen."), "success")
    return redirect(url_for(".show", evaluation_id=evaluation.id))


@bp.route("/<int:evaluation_id>")
@login_required
def show(evaluation_id: int):
    """One evaluation's figures (suppressed, as exported) and whether its hash verifies."""
    _check("evaluation_refused")
    evaluation = _evaluation(evaluation_id)
    access.audit(current_user, "evaluation_read", None, evaluation_id=evaluation_id)
    return render_template(
        "evaluation/frozen_show.html",
        evaluation=evaluation,
        pages=exported_tables(evaluation),
        verified=verifies(evaluation),
        cell=cell,
    )


@bp.route("/compare")
@login_required
def compare():
    """Two evaluations side by side."""
    _check("evaluation_refused")
    a = _evaluation(request.args.get("a", type=whole_number) or 0)
    b = _evaluation(request.args.get("b", type=whole_number) or 0)
    access.audit(current_user, "evaluations_compared", None, evaluations=[a.id, b.id])
    return render_template(
        "evaluation/frozen_compare.html",
        pair=[(a, exported_tables(a)), (b, exported_tables(b))],
        cell=cell,
    )


@bp.route("/<int:evaluation_id>.<fmt>")
@login_required
def download(evaluation_id: int, fmt: str):
    """The evaluation as CSV, XLSX or PDF in the user's language (suppressed, audited)."""
    _check("evaluation_export_refused")
    if fmt not in FORMATS:
        abort(404)
    evaluation = _evaluation(evaluation_id)
    mimetype, write = FORMATS[fmt]
    access.audit(current_user, "evaluation_exported", None, evaluation_id=evaluation_id, fmt=fmt)
    name = f"evaluation-{evaluation.id}-{evaluation.period_start:%Y%m}-{evaluation.period_end:%Y%m}"
    return Response(
        write(evaluation),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
