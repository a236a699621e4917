"""The inbox and its tasks: read, claim, release, complete, as on the web pages."""

from flask_smorest import abort

from models import HumanTask, IncidentSource, TaskStatus, TokenScope, db
from workflows import clock, engine
from workflows.errors import FormInvalid, RuleFailed, TaskAlreadyCompleted, TaskClaimedByOther

from .. import access
from ..case_summary import readable_steps
from ..templating import rule_failed
from ..transaction import record_incident
from . import presenters, schemas
from .auth import api_blueprint, caller, refuse, require

bp = api_blueprint("api_casework", "", "A department's inbox and its tasks.")
CONFLICTS = (TaskAlreadyCompleted, TaskClaimedByOther)


@bp.get("/inbox")
@bp.arguments(schemas.InboxQuery, location="query")
@bp.response(200, schemas.Inbox)
def inbox(query):
    """The ready tasks of one of the caller's departments, most urgent first."""
    user = caller()
    departments = sorted(user.department_codes())
    department = query.get("department") or (departments[0] if departments else None)
    if department is not None and department not in departments:
        refuse("inbox_viewed", department=department[:40])
    body = {"department": department, "departments": departments, "page": query["page"]}
    if department is None:
        return body | {"pages": 0, "total": 0, "items": []}
    chosen = query["filter"]
    select = engine.inbox(
        department,
        user=user if chosen == "mine" else None,
        unclaimed=chosen == "unclaimed",
        due_before=clock.now() if chosen == "overdue" else None,
    )
    page = db.paginate(select, page=query["page"], per_page=query["per_page"], error_out=False)
    items = [presenters.task(row) for row in page.items]
    return body | {"pages": page.pages, "total": page.total, "items": items}


def _task(task_id: int, action: str) -> HumanTask:
    """The task if the caller works in its department; 404, or an audited 403, otherwise."""
    task = db.session.get(HumanTask, task_id)
    if task is None:
        abort(404, message=f"no task {task_id}")
    if not access.may_work_on(caller(), task):
        refuse(action, task.case, "this task belongs to another department", task_id=task.id)
    return task


@bp.get("/tasks/<int:task_id>")
@bp.response(200, schemas.TaskDetail)
def show(task_id):
    """The step's purpose, its form's fields and what the case already holds (audited)."""
    task = _task(task_id, "task_viewed")
    access.audit(caller(), "task_viewed", task.case, task_id=task.id)
    return presenters.task_detail(task, readable_steps(caller(), task.case))


def _conflict(task: HumanTask, error: Exception):
    """409 saying why, read after the rollback (nothing was changed)."""
    db.session.rollback()
    if isinstance(error, TaskClaimedByOther):
        message = "this step is claimed by a colleague"
    elif task.status == TaskStatus.CANCELLED:
        message = "this step was cancelled because the case was closed"
    else:
        message = "this step was already completed"
    abort(409, message=message)


def _act(task_id: int, action: str, verb) -> dict:
    """Check scope and department, run the engine's verb, audit as the web does."""
    require(TokenScope.CASEWORK, action, task_id=task_id)
    task = _task(task_id, action)
    try:
        verb(task)
    except CONFLICTS as error:
        _conflict(task, error)
    access.audit(caller(), action, task.case, task_id=task.id)
    return presenters.task(task)


@bp.post("/tasks/<int:task_id>/claim")
@bp.response(200, schemas.Task)
@bp.alt_response(409, response="DEFAULT_ERROR")
def claim(task_id):
    """Take the task, so that colleagues see who is working on it."""
    return _act(task_id, "task_claimed", lambda task: engine.claim_task(task.id, caller()))


@bp.post("/tasks/<int:task_id>/release")
@bp.response(200, schemas.Task)
@bp.alt_response(409, response="DEFAULT_ERROR")
def release(task_id):
    """Give the task back to the department's inbox."""
    return _act(task_id, "task_released", lambda task: engine.release_task(task.id, caller()))


def _complete(task: HumanTask, data: dict) -> None:
    where = {"case_id": task.case_id, "task_id": task.id}
    try:
        engine.complete_task(task.id, data, caller())
    except FormInvalid as invalid:
        db.session.rollback()
        abort(422, message="nothing was saved: correct the answers named", errors=invalid.errors)
    except RuleFailed as failure:  # as on the web: an incident for the managers, 409
        record_incident(failure, IncidentSource.TASK_COMPLETION, actor=caller(), **where)
        abort(409, message=rule_failed(failure))


@bp.post("/tasks/<int:task_id>/complete")
@bp.arguments(schemas.FormData)
@bp.response(200, schemas.Task)
@bp.alt_response(409, response="DEFAULT_ERROR")
def complete(body, task_id):
    """Record the step's answers (validated by the step's form) and advance the case."""
    return _act(task_id, "task_completed", lambda task: _complete(task, body["data"]))
