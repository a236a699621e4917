"""The domain verbs of casework. Each takes the acting user, flushes, and never commits."""

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from forms.base import TaskForm
from forms.intake import INTAKE_FORM
from forms.registry import get_form_class
from models import (
    INBOX_ORDER,
    Case,
    CaseStatus,
    Department,
    EventType,
    HumanTask,
    ProcessInstance,
    TaskStatus,
    User,
    db,
)

from . import consent, facts, incidents, service_levels, timeline
from .errors import (
    FormInvalid,
    NotYourDepartment,
    TaskAlreadyCompleted,
    TaskClaimedByOther,
    TaskNotFound,
)
from .instances import Step
from .locks import lock_with_task
from .matching.identity import IDENTIFYING_FORMS
from .matching.index import index_case
from .pathways import RECEIVED_PROCESS, latest_version, pathway
from .routing import workflow_task
from .serialization import new_workflow
from .task_drafts import discard_drafts

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Completing one of these hands the victim over to another province or country.
HANDOVER_FIELDS = {
    "return_province_handover": "receiving_province",
    "return_repatriation": "receiving_authority",
}


def validated_data(form_key: str, data: Mapping | TaskForm) -> dict:
    """The task form's clean data for `data` (plain data, or the form already bound to it),
    or FormInvalid with every field's errors (they are on the bound form too)."""
    form_class = get_form_class(form_key)
    form = data if isinstance(data, TaskForm) else form_class.from_data(data)
    if type(form) is not form_class:
        raise TypeError(f"a {type(form).__name__} is not the {form_key!r} form")
    if not form.validate():
        raise FormInvalid({name: list(errors) for name, errors in form.errors.items()})
    return form.workflow_data()


def _new_case_number() -> str:
    year = datetime.now(UTC).year
    return f"HC-{year}-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))


def case_opener() -> str:
    """The department that opens cases: the one the intake form belongs to."""
    return get_form_class(INTAKE_FORM).department


def may_open_cases(actor: User) -> bool:
    """Whether the actor works in the department that opens cases."""
    return case_opener() in actor.department_codes()


def open_case(data: Mapping | TaskForm, actor: User, victim_name: str, version=None) -> Case:
    """Register a rescued victim or a missing-child report and start its pathway."""
    if not may_open_cases(actor):
        raise NotYourDepartment(f"only {case_opener()} opens cases")
    case_data = with_settings(validated_data(INTAKE_FORM, data))
    department = _department(actor, case_opener())
    case = _new_case(actor, victim_name, case_data)
    timeline.record(case, EventType.CASE_OPENED, actor=actor, department=department, data=case_data)
    facts.record(case, INTAKE_FORM, case_data)
    index_case(case)
    _start(case, case_data, version or latest_version(), actor, department)
    return case


def open_received_case(
    data: Mapping, actor: User, victim_name: str, *, department: str, received: dict
) -> Case:
    """Open the case of a victim another province handed over to `department`: its pathway
    (`received`) starts at the reunion at home, then follow-up. `data` is what the sender
    shared (age, sex, disability, origin), `received` what the timeline says of the sender."""
    acting = _department(actor, department)
    case_data = with_settings(data)
    case = _new_case(actor, victim_name, case_data)
    timeline.record(
        case, EventType.CASE_RECEIVED, actor=actor, department=acting, data=case_data, **received
    )
    _start(case, case_data, latest_version(RECEIVED_PROCESS), actor, acting)
    return case


def _department(actor: User, code: str) -> Department:
    return next(
        m.department for m in actor.memberships if m.department and m.department.code == code
    )


def _new_case(actor: User, victim_name: str, case_data: dict) -> Case:
    case = Case(
        number=_new_case_number(),
        opened_by_id=actor.id,
        victim_name=victim_name,
        **service_levels.case_profile(case_data),
    )
    db.session.add(case)
    db.session.flush()
    return case


def with_settings(data: Mapping) -> dict:
    """A new case's data with what the deployment sets (see docs/pathway.md)."""
    config = current_app.config
    return {
        **data,
        "home_province": config["HOME_PROVINCE"],
        "follow_up_interval": config["FOLLOW_UP_INTERVAL"],
        "search_review_interval": config["SEARCH_REVIEW_INTERVAL"],
    }


def _start(case: Case, case_data: dict, version, actor: User, department: Department) -> None:
    """Run the new case's pathway up to its first waiting steps."""
    workflow = new_workflow(pathway(version).specs, case_data)
    instance = ProcessInstance(case_id=case.id, pathway_version=version, state="")
    db.session.add(instance)
    with Step(instance, actor, handed_from=department, workflow=workflow) as step:
        step.advance()


def get_task(task_id: int) -> HumanTask:
    """A task row by id, or TaskNotFound."""
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise TaskNotFound(f"no task {task_id}")
    return task


def may_work_on(actor: User, task: HumanTask) -> bool:
    """Social workers of the task's department claim and complete it; nobody else."""
    return task.department.code in actor.department_codes()


def _check_actor(task: HumanTask, actor: User) -> None:
    if not may_work_on(actor, task):
        raise NotYourDepartment(f"this task belongs to {task.department.code}")


def _set_status(task: HumanTask, status: TaskStatus, actor: User) -> None:
    """Compare-and-set READY -> status: exactly one of any concurrent callers wins."""
    values = {"status": status, "completed_by_id": actor.id, "completed_at": datetime.now(UTC)}
    result = db.session.execute(
        update(HumanTask)
        .where(HumanTask.id == task.id, HumanTask.status == TaskStatus.READY)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TaskAlreadyCompleted(f"task {task.id} was already completed")
    for name, value in values.items():  # what the row now holds, without reading it back
        set_committed_value(task, name, value)
    db.session.expire(task, ["completed_by"])


def complete_task(task_id: int, data: Mapping | TaskForm, actor: User) -> HumanTask:
    """Validate the form, run the task, advance the workflow, sync rows, write the timeline."""
    step, task = _locked_task(task_id, actor)
    with step:
        if task.status != TaskStatus.READY:
            raise TaskAlreadyCompleted(f"task {task.id} was already completed")
        _check_actor(task, actor)
        if task.claimed_by_id not in (None, actor.id):
            raise TaskClaimedByOther(f"task {task.id} is claimed by {task.claimed_by.display_name}")
        clean = validated_data(task.form_key, data)
        _refuse_family_contact(task, data, clean)
        _set_status(task, TaskStatus.COMPLETED, actor)
        discard_drafts([task.id])
        spiff_task = workflow_task(step.workflow, task)
        spiff_task.data.update(clean)
        spiff_task.run()
        _record_completion(task, actor, clean)
        facts.record(task.case, task.form_key, clean)
        if task.form_key in IDENTIFYING_FORMS:
            index_case(task.case)
        step.advance()
    incidents.resolve_for_task(task.id, actor)
    return task


def _locked_task(task_id: int, actor: User) -> tuple[Step, HumanTask]:
    """A step on the task's instance, locked, and the task row read under the lock."""
    try:
        row, case, task = lock_with_task(task_id)
    except NoResultFound:
        raise TaskNotFound(f"no task {task_id}") from None
    return Step(row, actor, task.department, case=case), task


def _refuse_family_contact(task: HumanTask, data, clean: dict) -> None:
    """FormInvalid when the answers contact the family the consent ledger does not allow to
    be contacted (the error is on the bound form too)."""
    field = consent.family_contact_refused(task.case, task.form_key, clean)
    if field is None:
        return
    message = gettext(consent.FAMILY_CONTACT_REFUSED)
    if isinstance(data, TaskForm):
        data[field].errors = [*data[field].errors, message]
    raise FormInvalid({field: [message]})


def _record_completion(task: HumanTask, actor: User, clean: dict) -> None:
    """The step's answers on the timeline, and a hand-over out of the province if it is one."""
    timeline.record(
        task.case,
        EventType.TASK_COMPLETED,
        actor=actor,
        department=task.department,
        task=task,
        form_key=task.form_key,
        step=task.name,
        data=clean,
    )
    if task.form_key in HANDOVER_FIELDS:
        timeline.record(
            task.case,
            EventType.CASE_HANDED_OVER,
            actor=actor,
            department=task.department,
            task=task,
            to=clean.get(HANDOVER_FIELDS[task.form_key]),
            form_key=task.form_key,
        )


def claim_task(task_id: int, actor: User) -> HumanTask:
    """Take a ready task so colleagues see who is working on it."""
    task = get_task(task_id)
    _check_actor(task, actor)
    result = db.session.execute(
        update(HumanTask)
        .where(
            HumanTask.id == task_id,
            HumanTask.status == TaskStatus.READY,
            HumanTask.claimed_by_id.is_(None),
        )
        .values(claimed_by_id=actor.id, claimed_at=datetime.now(UTC))
    )
    db.session.refresh(task)
    if result.rowcount != 1:
        if task.status != TaskStatus.READY:
            raise TaskAlreadyCompleted(f"task {task.id} was already completed")
        if task.claimed_by_id != actor.id:
            raise TaskClaimedByOther(f"task {task.id} is claimed by {task.claimed_by.display_name}")
        return task
    timeline.record(
        task.case,
        EventType.TASK_CLAIMED,
        actor=actor,
        department=task.department,
        task=task,
        step=task.name,
    )
    return task


def release_task(task_id: int, actor: User) -> HumanTask:
    """Give a claimed task back to the department's inbox."""
    task = get_task(task_id)
    _check_actor(task, actor)
    if task.status != TaskStatus.READY:
        raise TaskAlreadyCompleted(f"task {task.id} was already completed")
    if task.claimed_by_id not in (None, actor.id):
        raise TaskClaimedByOther(f"task {task.id} is claimed by {task.claimed_by.display_name}")
    if task.claimed_by_id is not None:
        task.claimed_by_id = None
        task.claimed_at = None
        timeline.record(
            task.case,
            EventType.TASK_RELEASED,
            actor=actor,
            department=task.department,
            task=task,
            step=task.name,
        )
        db.session.flush()
    return task


def inbox(
    department_code: str,
    *,
    user: User | None = None,
    unclaimed=False,
    due_before: datetime | None = None,
    follow_up_before: datetime | None = None,
    min_priority: int | None = None,
):
    """A select of the department's ready tasks: highest priority, then least time left, first.

    Each row comes with its case's number and its claimer's names in the same statement (an
    inbox shows them; the victim's name stays unread and undecrypted)."""
    # The department's id as a value, not a join, so ix_human_tasks_inbox_order gives the order.
    department_id = select(Department.id).filter_by(code=department_code).scalar_subquery()
    query = (
        select(HumanTask)
        .where(HumanTask.department_id == department_id, HumanTask.status == TaskStatus.READY)
        .order_by(*INBOX_ORDER)
        .options(
            joinedload(HumanTask.case).load_only(Case.number),
            joinedload(HumanTask.claimed_by)
            .load_only(User.username, User.display_name)
            .lazyload(User.memberships),
        )
    )
    if user is not None:
        query = query.where(HumanTask.claimed_by_id == user.id)
    if unclaimed:
        query = query.where(HumanTask.claimed_by_id.is_(None))
    if due_before is not None:
        query = query.where(HumanTask.due_at < due_before)
    if follow_up_before is not None:
        query = query.where(HumanTask.follow_up_at < follow_up_before)
    if min_priority is not None:
        query = query.where(HumanTask.priority >= min_priority)
    return query


def close_case(case: Case, actor: User, reason: str) -> None:
    """Stop a case's pathway early (e.g. the victim died or moved abroad), cancelling its tasks."""
    if case.status == CaseStatus.CLOSED:
        return
    instance_id = db.session.scalar(select(ProcessInstance.id).filter_by(case_id=case.id))
    step = Step.locked(instance_id, actor)
    if step.case.status == CaseStatus.CLOSED:  # read under the lock: one closure wins
        return
    with step:
        step.workflow.cancel()  # its task rows are cancelled when the step syncs them
        step.close(reason)


def open_tasks(case: Case):
    """A select of the case's ready tasks, oldest first."""
    return (
        select(HumanTask)
        .where(HumanTask.case_id == case.id, HumanTask.status == TaskStatus.READY)
        .order_by(HumanTask.id)
    )
