"""The escalation ladders of tasks and referrals, climbed by the timer worker, each rung once.

A task's ladder: rung 1 at 80 % of the period reminds whoever claimed the task (or its
department); rung 2 at the due time tells the department's heads; rung 3, overdue by a whole
period more, tells the joint office. A referral climbs the last two rungs for each of its
deadlines (acceptance, then outcome) while it waits in a status the deadline concerns: the
referring department's heads, then the joint office. A department without an active head
sends its "overdue" rung to the joint office, so that it tells somebody.

A rung is taken by a compare-and-set on the row's `escalation_step` and recorded under a unique
(task or referral, step) key, so two workers can never fire it twice. A clock moved past
several rungs fires each of them, in order.
"""

from datetime import datetime
from itertools import takewhile

from sqlalchemy import select, update

from models import Escalation, EventType, HumanTask, Referral, ReferralStatus, Role, TaskStatus, db

from . import timeline
from .notifications import members, notify
from .service_levels import NEAR_DUE

RUNGS = (EventType.TASK_NEARLY_DUE, EventType.TASK_OVERDUE, EventType.TASK_ESCALATED)
OVERSIGHT_DEPARTMENT = "joint_office"
OVERDUE_STEP, JOINT_OFFICE_STEP = 2, 3

S = ReferralStatus
REFERRAL_OPEN = (S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS)
# A referral's rungs: (deadline, the statuses it waits in, rung of the task ladder it mirrors).
REFERRAL_RUNGS = (
    ("acceptance", (S.REQUESTED,), OVERDUE_STEP),
    ("acceptance", (S.REQUESTED,), JOINT_OFFICE_STEP),
    ("outcome", REFERRAL_OPEN, OVERDUE_STEP),
    ("outcome", REFERRAL_OPEN, JOINT_OFFICE_STEP),
)
REFERRAL_EVENTS = {
    OVERDUE_STEP: EventType.REFERRAL_OVERDUE,
    JOINT_OFFICE_STEP: EventType.REFERRAL_ESCALATED,
}


def rung_times(task: HumanTask) -> list[datetime]:
    """When each rung of the task's ladder is due."""
    length = task.due_at - task.created_at
    return [task.created_at + length * NEAR_DUE, task.due_at, task.due_at + length]


def referral_rung_times(referral: Referral) -> list[datetime]:
    """When each rung of the referral's ladder is due: each deadline, then a period later."""
    accept, outcome, sent = referral.accept_due_at, referral.outcome_due_at, referral.created_at
    return [accept, accept + (accept - sent), outcome, outcome + (outcome - sent)]


def _due_ids(model, statuses, now: datetime, limit: int) -> list[int]:
    """Rows with a rung due, locked for this transaction (other workers skip them)."""
    return db.session.scalars(
        select(model.id)
        .where(model.status.in_(statuses), model.next_escalation_at <= now)
        .order_by(model.next_escalation_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def _take(model, row, times: list[datetime], statuses, now: datetime) -> list[int]:
    """Compare-and-set the row past the rungs due now (in order); the steps taken, or none
    when another worker took them first."""
    if row.status not in statuses:
        return []
    later = range(row.escalation_step + 1, len(times) + 1)
    due = list(takewhile(lambda step: times[step - 1] <= now, later))
    if not due:
        return []
    last = due[-1]
    taken = db.session.execute(
        update(model)
        .where(
            model.id == row.id,
            model.escalation_step == row.escalation_step,
            model.status.in_(statuses),
        )
        .values(escalation_step=last, next_escalation_at=times[last] if last < len(times) else None)
        .execution_options(synchronize_session=False)
    )
    return due if taken.rowcount == 1 else []


def _fresh(model, row_id: int):
    query = select(model).filter_by(id=row_id).execution_options(populate_existing=True)
    return db.session.scalars(query).one()


def escalate(task_id: int, now: datetime) -> int:
    """Fire the task's rungs that are due; returns how many this call fired."""
    task = _fresh(HumanTask, task_id)
    due = _take(HumanTask, task, rung_times(task), (TaskStatus.READY,), now)
    for step in due:
        db.session.add(Escalation(task_id=task.id, step=step, fired_at=now))
        event = RUNGS[step - 1]
        timeline.record(
            task.case, event, department=task.department, task=task, step=task.name, rung=step
        )
        notify(recipients(task, step), event.value, case_id=task.case_id, task=task)
    db.session.flush()
    return len(due)


def escalate_referral(referral_id: int, now: datetime) -> int:
    """Fire the referral's rungs that are due and still concern its status; returns how many."""
    referral = _fresh(Referral, referral_id)
    status = referral.status
    due = _take(Referral, referral, referral_rung_times(referral), REFERRAL_OPEN, now)
    fired = [step for step in due if status in REFERRAL_RUNGS[step - 1][1]]
    for step in fired:
        deadline, _, rung = REFERRAL_RUNGS[step - 1]
        db.session.add(Escalation(referral_id=referral.id, step=step, fired_at=now))
        event = REFERRAL_EVENTS[rung]
        timeline.record(
            referral.case,
            event,
            department=referral.from_department,
            referral=referral.id,
            deadline=deadline,
            rung=rung,
        )
        notify(told(referral.from_department.code, rung), event.value, case_id=referral.case_id)
    db.session.flush()
    return len(fired)


def recipients(task: HumanTask, step: int):
    """Who a task's rung tells: the claimer or the department, then as `told`."""
    code = task.department.code
    if step == 1:
        return [task.claimed_by] if task.claimed_by else members(code, Role.SOCIAL_WORKER)
    return told(code, step)


def told(department_code: str, step: int):
    """Who a rung past the due time tells: the department's heads (the joint office when it has
    none), then the joint office."""
    heads = members(department_code, Role.DEPARTMENT_HEAD) if step < JOINT_OFFICE_STEP else []
    return heads or members(OVERSIGHT_DEPARTMENT, Role.SOCIAL_WORKER, Role.DEPARTMENT_HEAD)


def run_once(now: datetime, limit: int = 50) -> int:
    """Fire the due rungs of up to `limit` tasks and `limit` referrals; returns how many fired."""
    tasks = sum(escalate(i, now) for i in _due_ids(HumanTask, (TaskStatus.READY,), now, limit))
    referrals = _due_ids(Referral, REFERRAL_OPEN, now, limit)
    return tasks + sum(escalate_referral(i, now) for i in referrals)


def escalation_list(department_code: str):
    """A select of the department's ready tasks that are overdue (rung 2 or more fired)."""
    return (
        select(HumanTask)
        .join(HumanTask.department)
        .filter_by(code=department_code)
        .where(HumanTask.status == TaskStatus.READY, HumanTask.escalation_step >= OVERDUE_STEP)
        .order_by(HumanTask.due_at)
    )
