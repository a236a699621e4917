"""Lanes to departments, and keeping the human-task rows in step with the workflow."""

from uuid import UUID

from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from models import DEPARTMENTS, Department, HumanTask, TaskStatus, db

from . import service_levels
from .errors import UnknownDepartment
from .measures import parse_tags
from .task_drafts import discard_drafts


def sync_departments() -> dict[str, Department]:
    """The departments of `models.people.DEPARTMENTS` in the database, created or renamed."""
    existing = {d.code: d for d in db.session.scalars(select(Department))}
    for code, name_en, name_zh in DEPARTMENTS:
        if code not in existing:
            existing[code] = Department(code=code)
            db.session.add(existing[code])
        existing[code].name_en, existing[code].name_zh = name_en, name_zh
    db.session.flush()
    return existing


def is_user_task(task) -> bool:
    """Whether a workflow task is a user task (a form in a department's inbox)."""
    return isinstance(task.task_spec, UserTask)


def ready_user_tasks(workflow):
    """READY user tasks of the workflow and all its called processes."""
    return [t for t in workflow.get_tasks(state=TaskState.READY) if is_user_task(t)]


def lane_departments(tasks) -> dict[str, Department]:
    """The departments named by the tasks' lanes, by code, in one query."""
    lanes = {t.task_spec.lane for t in tasks if t.task_spec.lane}
    if not lanes:
        return {}
    return {
        d.code: d for d in db.session.scalars(select(Department).where(Department.code.in_(lanes)))
    }


def department_for(task, departments: dict[str, Department]) -> Department:
    """The department owning a workflow task: the lane it sits in (from lane_departments)."""
    lane = task.task_spec.lane
    department = departments.get(lane) if lane else None
    if department is None:
        bpmn_id = task.task_spec.bpmn_id
        raise UnknownDepartment(f"task {bpmn_id!r} is in lane {lane!r}: no such department")
    return department


def sync_tasks(instance, ready_tasks, pathway) -> list[HumanTask]:
    """Create rows for newly ready user tasks and cancel rows of tasks no longer ready.

    `ready_tasks` are the workflow's ready user tasks (`ready_user_tasks`). Returns the new rows.
    """
    ready = {str(t.id): t for t in ready_tasks}
    rows = db.session.scalars(
        select(HumanTask).filter_by(instance_id=instance.id, status=TaskStatus.READY)
    ).all()
    cancelled = [row for row in rows if row.workflow_task_id not in ready]
    for row in cancelled:
        row.status = TaskStatus.CANCELLED
    discard_drafts(row.id for row in cancelled)
    known = {row.workflow_task_id for row in rows}
    new = {task_id: task for task_id, task in ready.items() if task_id not in known}
    departments = lane_departments(new.values())
    levels = service_levels.levels_for({t.task_spec.form.key for t in new.values()})
    created = []
    for task_id, task in new.items():
        row = HumanTask(
            case_id=instance.case_id,
            instance_id=instance.id,
            workflow_task_id=task_id,
            bpmn_id=task.task_spec.bpmn_id,
            process_id=task.workflow.spec.name,
            name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
            form_key=task.task_spec.form.key,
            measure=parse_tags(getattr(task.task_spec, "extensions", None) or {}).measure,
            department=department_for(task, departments),
            **service_levels.terms(task, pathway, task.task_spec.form.key, levels),
        )
        db.session.add(row)
        created.append(row)
    db.session.flush()
    return created


def workflow_task(workflow, row: HumanTask):
    """The workflow task behind a human-task row."""
    return workflow.get_task_from_id(UUID(row.workflow_task_id))
