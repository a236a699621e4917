"""A task's page: what the step is for, what the case holds, its form; claim and release."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from forms.intake import IntakeConsentForm
from forms.registry import get_form_class
from models import HumanTask, IncidentSource, TaskStatus, db
from workflows import consent, engine, task_drafts
from workflows.errors import (
    DraftRefused,
    FormInvalid,
    RuleFailed,
    TaskAlreadyCompleted,
    TaskClaimedByOther,
)

from ..access import (
    audit,
    deny,
    may_read_victim_name,
    may_record_consent_on,
    may_work_on,
    step_report_for,
)
from ..case_summary import readable_steps
from ..templating import person_name, rule_failed_message, step_title
from ..transaction import record_incident

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
CONFLICTS = (TaskAlreadyCompleted, TaskClaimedByOther)
# A draft's JSON, with room for escaping around task_drafts.MAX_DRAFT_CHARS.
MAX_DRAFT_REQUEST = 4 * task_drafts.MAX_DRAFT_CHARS
# Steps that evaluate the case: their page shows who did each step and when.
REPORT_STEPS = {"closure_review"}


def _task(task_id: int, action: str) -> HumanTask:
    """The task if the user works in its department; 404, or an audited 403, otherwise."""
    task = db.session.get(HumanTask, task_id)
    if task is None:
        abort(404)
    if not may_work_on(current_user, task):
        deny(current_user, action, task.case, task_id=task.id)
    return task


def _consent_form(task: HumanTask) -> IntakeConsentForm | None:
    """The consents the ready step asks too, bound to what was posted (None: it asks none)."""
    if task.status != TaskStatus.READY or not may_record_consent_on(current_user, task):
        return None
    formdata = request.form if request.method == "POST" else None
    return IntakeConsentForm(formdata, recorded_by=task.department.code)


def _page(
    task: HumanTask,
    form,
    status: int = 200,
    problem: str | None = None,
    *,
    draft=None,
    consents=None,
):
    """The task page, audited as a look at the case."""
    audit(current_user, "task_viewed", task.case, task_id=task.id)
    page = render_template(
        "tasks/show.html",
        task=task,
        step=get_form_class(task.form_key),
        form=form,
        draft=draft,
        problem=problem,
        steps=readable_steps(current_user, task.case),
        show_name=may_read_victim_name(current_user),
        family_contact_refused=_family_contact_refused(task),
        report=step_report_for(current_user, task.case) if task.form_key in REPORT_STEPS else None,
        consent_form=consents or _consent_form(task),
    )
    return page, status


def _family_contact_refused(task: HumanTask) -> bool:
    """Whether the ready step would contact a family the consent ledger keeps uncontacted."""
    contacts = task.form_key in consent.FAMILY_CONTACT_ANSWERS
    ready = task.status == TaskStatus.READY
    return contacts and ready and not consent.allows_family_contact(task.case)


def _conflict(task: HumanTask, error: Exception) -> str:
    """Why a colleague got in the way, read after the rollback."""
    if isinstance(error, TaskClaimedByOther):
        holder = person_name(task.claimed_by) if task.claimed_by else _("a colleague")
        return _("This step is claimed by %(name)s.", name=holder)
    if task.status == TaskStatus.CANCELLED:
        return _("This step was cancelled because the case was closed.")
    return _("This step was already completed by someone else.")


def _names(task: HumanTask) -> dict[str, str]:
    return {"step": step_title(task.form_key), "number": task.case.number}


def _back(task: HumanTask) -> str:
    """Back to the task page if the button was on it, else to the inbox."""
    if request.form.get("back") == "task":
        return url_for("tasks.show", task_id=task.id)
    return url_for("inbox.index")


@bp.get("/<int:task_id>")
@login_required
def show(task_id):
    """The step's purpose, what the case holds, and the form (read-only once done), filled
    with the user's own draft if they left one."""
    task = _task(task_id, "task_viewed")
    if task.status != TaskStatus.READY:
        return _page(task, None)
    draft = task_drafts.draft_for(task, current_user)
    answers = MultiDict(draft.answers) if draft else None
    return _page(task, get_form_class(task.form_key)(formdata=answers), draft=draft)


@bp.post("/<int:task_id>/draft")
@login_required
def save_draft(task_id):
    """Keep what the user typed so far (JSON `{"answers": {name: [values]}}`); 204."""
    task = _task(task_id, "task_draft_saved")
    request.max_content_length = MAX_DRAFT_REQUEST  # a longer body gets 413
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    try:
        task_drafts.save_draft(task, current_user, body.get("answers"))
    except DraftRefused:
        abort(400)
    except TaskAlreadyCompleted:
        abort(409)
    return "", 204


@bp.post("/<int:task_id>")
@login_required
def complete(task_id):
    """Record the step's answers; errors and conflicts show the form again as it was typed."""
    task = _task(task_id, "task_completed")
    form = get_form_class(task.form_key).from_data(request.form)
    consents = _consent_form(task)
    if consents is not None and not consents.validate():
        problem = _("Nothing was saved: please correct the consent answers.")
        return _page(task, form, 422, problem, consents=consents)
    try:
        engine.complete_task(task.id, form, current_user)
    except FormInvalid:  # the engine validated this form: its errors are on it
        db.session.rollback()
        return _page(
            task, form, 422, _("Nothing was saved: please correct the answers marked below.")
        )
    except CONFLICTS as error:
        db.session.rollback()
        problem = " ".join(
            [
                _conflict(task, error),
                _("Nothing you typed was saved; it is still below so that you can copy it."),
            ]
        )
        return _page(task, form, 409, problem)
    except RuleFailed as failure:
        where = {"case_id": task.case_id, "task_id": task.id}
        record_incident(failure, IncidentSource.TASK_COMPLETION, actor=current_user, **where)
        return _page(task, form, 409, rule_failed_message(failure))
    for answer in consent.intake_answers(consents) if consents is not None else ():
        consent.record(task.case, answer, actor=current_user, department=task.department)
    audit(current_user, "task_completed", task.case, task_id=task.id)
    flash(_("Step completed: %(step)s (case %(number)s).", **_names(task)), "success")
    return redirect(url_for("inbox.index"))


def _claim_or_release(task_id: int, action: str, verb, done_message):
    """Run engine.claim_task or release_task, audit, say what happened, go back."""
    task = _task(task_id, action)
    try:
        verb(task.id, current_user)
    except CONFLICTS as error:
        db.session.rollback()
        flash(_conflict(task, error), "error")
    else:
        audit(current_user, action, task.case, task_id=task.id)
        flash(done_message(**_names(task)), "success")
    return redirect(_back(task))


@bp.post("/<int:task_id>/claim")
@login_required
def claim(task_id):
    """Take the task, so that colleagues see who is working on it."""
    return _claim_or_release(
        task_id,
        "task_claimed",
        engine.claim_task,
        lambda **names: _("You claimed %(step)s (case %(number)s).", **names),
    )


@bp.post("/<int:task_id>/release")
@login_required
def release(task_id):
    """Give the task back to the department's inbox."""
    return _claim_or_release(
        task_id,
        "task_released",
        engine.release_task,
        lambda **names: _(
            "You released %(step)s (case %(number)s); it is back in the inbox.", **names
        ),
    )
