"""A department head's page: the workload, the overdue list, what waits elsewhere; reassigning."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import HumanTask, db
from workflows import clock, escalation, workload
from workflows.errors import NotAColleague, NotDepartmentHead, TaskAlreadyCompleted

from ..access import audit, deny, may_head
from ..request_checks import whole_number
from ..templating import person_name, step_title

bp = Blueprint("department", __name__, url_prefix="/department")


@bp.route("/")
@login_required
def mine():
    """The first department the user heads."""
    headed = sorted(current_user.headed_department_codes())
    if not headed:
        deny(current_user, "workload_refused", None)
    return redirect(url_for(".show", code=headed[0]))


@bp.route("/<code>")
@login_required
def show(code: str):
    """Who holds what since when, the escalation list, and what the department waits on."""
    if not may_head(current_user, code):
        deny(current_user, "workload_refused", None, department=code[:40])
    audit(current_user, "workload_viewed", None, department=code)
    return render_template(
        "department/show.html",
        code=code,
        tasks=db.session.scalars(workload.workload(code)).all(),
        overdue=db.session.scalars(escalation.escalation_list(code)).all(),
        elsewhere=db.session.scalars(workload.waiting_elsewhere(code)).all(),
        colleagues=workload.colleagues(code),
        now=clock.now(),
    )


@bp.route("/tasks/<int:task_id>/reassign", methods=["POST"])
@login_required
def reassign(task_id: int):
    """Give the task to a colleague; only the head of its department may (audited)."""
    task = db.session.get(HumanTask, task_id)
    if task is None:
        abort(404)
    to_user = request.form.get("to_user", type=whole_number)
    try:
        workload.reassign_task(task_id, to_user or 0, current_user)
    except NotDepartmentHead:
        deny(current_user, "task_reassign_refused", task.case, task_id=task_id)
    except NotAColleague:
        flash(_("A task can only go to a social worker of its department."), "error")
        return redirect(url_for(".show", code=task.department.code)), 400
    except TaskAlreadyCompleted:
        flash(_("This task was completed meanwhile."), "error")
        return redirect(url_for(".show", code=task.department.code)), 409
    audit(current_user, "task_reassigned", task.case, task_id=task_id, to_user=to_user)
    message = _(
        "%(step)s of case %(number)s is now %(person)s's.",
        step=step_title(task.form_key),
        number=task.case.number,
        person=person_name(task.claimed_by),
    )
    flash(message, "success")
    return redirect(url_for(".show", code=task.department.code))
