"""A case: find it, follow its timeline, see its diagram."""

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import access, casefile, readers

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.context_processor
def phase_names():
    """Phase names for this blueprint's templates."""
    return {"phase_name": casefile.phase_name}


@bp.route("/find")
@login_required
def find():
    """Go to a case by its number; a case the user may not see is answered like a missing one."""
    typed = request.args.get("number", "").strip()
    number = casefile.case_number(typed)
    if not typed or number is None:
        return render_template("cases/find.html", typed=typed), 400 if typed else 200
    case = casefile.find_case(current_user, number)
    if case is None:
        return render_template("cases/find.html", typed=typed, missing=number), 404
    return redirect(url_for("cases.show", number=case.number))


@bp.route("/<number>")
@login_required
def show(number):
    """The case's facts, how long each phase took, and its timeline with filters."""
    case = access.case_for(current_user, number, "case_viewed")
    department = request.args.get("department") or None
    phase = request.args.get("phase") or None
    page = casefile.case_page(case, current_user, department, phase)
    seen_by = readers.readers(case) if readers.may_see_readers(current_user, case) else None
    return render_template("cases/show.html", case=case, page=page, seen_by=seen_by)


@bp.route("/<number>/diagram")
@login_required
def diagram(number):
    """The pathway diagram of the case, with the steps done, ready and waiting marked."""
    case = access.case_for(current_user, number, "diagram_viewed")
    phases = casefile.diagram_phases(case)
    chosen = request.args.get("process")
    if chosen not in {pid for pid, _, _ in phases}:
        chosen = phases[0][0]
    return render_template("cases/diagram.html", case=case, phases=phases, chosen=chosen)


@bp.route("/<number>/diagram.json")
@login_required
def diagram_data(number):
    """The diagrams of the case's pathway version and the progress marks, for diagram.js."""
    case = access.case_for(current_user, number, "diagram_viewed")
    return jsonify(casefile.diagram_data(case))
