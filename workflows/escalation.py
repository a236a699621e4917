"""The escalation ladder of a task, climbed by the timer worker, each rung exactly once.

Rung 1 at 80 % of the period reminds whoever claimed the task (or its department); rung 2 at
the due time tells the department's heads; rung 3, overdue by a whole period more, tells the
joint office. A rung is taken by a compare-and-set on the task's `escalation_step` and recorded
under a unique (task, step) key, so two workers can never fire it twice. A clock moved past
several rungs fires each of them, in order.
"""

from datetime import datetime

from sqlalchemy import select, update

from models import Escalation, EventType, HumanTask, Role, TaskStatus, db

from . import timeline
from .notifications import members, notify
from .service_levels import NEAR_DUE

RUNGS = (EventType.TASK_NEARLY_DUE, EventType.TASK_OVERDUE, EventType.TASK_ESCALATED)
OVERSIGHT_DEPARTMENT = "joint_office"
JOINT_OFFICE_STEP = 3


def rung_times(task: HumanTask) -> list[datetime]:
    """When each rung of the task's ladder is due."""
    length = task.due_at - task.created_at
    return [task.created_at + length * NEAR_DUE, task.due_at, task.due_at + length]


def due_task_ids(now: datetime, limit: int) -> list[int]:
    """Ready tasks with a rung due, locked for this transaction (others skip them)."""
    return db.session.scalars(
        select(HumanTask.id)
        .where(HumanTask.status == TaskStatus.READY, HumanTask.next_escalation_at <= now)
        .order_by(HumanTask.next_escalation_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def escalate(task_id: int, now: datetime) -> int:
    """Fire the task's rungs that are due; returns how many this call fired."""
    task = db.session.scalars(
        select(HumanTask).filter_by(id=task_id).execution_options(populate_existing=True)
    ).one()
    times = rung_times(task)
    steps = range(task.escalation_step + 1, len(RUNGS) + 1)
    due = [step for step in steps if times[step - 1] <= now]
    if not due or task.status != TaskStatus.READY:
        return 0
    last = due[-1]
    taken = db.session.execute(
        update(HumanTask)
        .where(
            HumanTask.id == task.id,
            HumanTask.escalation_step == task.escalation_step,
            HumanTask.status == TaskStatus.READY,
        )
        .values(escalation_step=last, next_escalation_at=times[last] if last < len(RUNGS) else None)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return 0
    for step in due:
        db.session.add(Escalation(task_id=task.id, step=step, fired_at=now))
        _announce(task, step)
    db.session.flush()
    return len(due)


def _announce(task: HumanTask, step: int) -> None:
    """The rung on the case's timeline (no victim data) and to the people it concerns."""
    event = RUNGS[step - 1]
    timeline.record(
        task.case, event, department=task.department, task=task, step=task.name, rung=step
    )
    notify(recipients(task, step), event.value, task)


def recipients(task: HumanTask, step: int):
    """Who a rung tells: the claimer or the department, its heads, the joint office."""
    code = task.department.code
    if step == 1:
        return [task.claimed_by] if task.claimed_by else members(code, Role.SOCIAL_WORKER)
    if step < JOINT_OFFICE_STEP:
        return members(code, Role.DEPARTMENT_HEAD)
    return members(OVERSIGHT_DEPARTMENT, Role.SOCIAL_WORKER, Role.DEPARTMENT_HEAD)


def run_once(now: datetime, limit: int = 50) -> int:
    """Fire the due rungs of up to `limit` tasks; returns how many rungs fired."""
    return sum(escalate(task_id, now) for task_id in due_task_ids(now, limit))


def escalation_list(department_code: str):
    """A select of the department's ready tasks that are overdue (rung 2 or more fired)."""
    return (
        select(HumanTask)
        .join(HumanTask.department)
        .filter_by(code=department_code)
        .where(HumanTask.status == TaskStatus.READY, HumanTask.escalation_step >= 2)
        .order_by(HumanTask.due_at)
    )
