"""A department head's view of the department: who holds what, what waits elsewhere, and
giving a task to a colleague."""

from sqlalchemy import or_, select, update

from models import Department, EventType, HumanTask, Membership, Role, TaskStatus, User, db

from . import clock, timeline
from .engine import get_task
from .errors import NotAColleague, NotDepartmentHead, TaskAlreadyCompleted
from .notifications import members, notify


def workload(department_code: str):
    """A select of the department's ready tasks: unclaimed first, then by who holds them."""
    return (
        select(HumanTask)
        .join(HumanTask.department)
        .filter_by(code=department_code)
        .where(HumanTask.status == TaskStatus.READY)
        .order_by(
            HumanTask.claimed_by_id.is_not(None),
            HumanTask.claimed_by_id,
            HumanTask.priority.desc(),
            HumanTask.due_at.asc().nulls_last(),
        )
    )


def waiting_elsewhere(department_code: str):
    """A select of other departments' ready tasks on the cases this department works on."""
    ours = (
        select(HumanTask.case_id)
        .join(Department, Department.id == HumanTask.department_id)
        .where(Department.code == department_code)
    )
    return (
        select(HumanTask)
        .join(HumanTask.department)
        .where(
            HumanTask.status == TaskStatus.READY,
            Department.code != department_code,
            HumanTask.case_id.in_(ours),
        )
        .order_by(HumanTask.created_at)
    )


def release_lapsed_claims() -> int:
    """Give back to its department each ready task whose claimer can no longer work on it
    (deactivated, or no longer a social worker of the department), on the record; how many.
    The timer worker's chore: else no colleague could claim it, and its reminders would go
    to someone who has left."""
    member = (
        select(Membership.id)
        .where(
            Membership.user_id == HumanTask.claimed_by_id,
            Membership.department_id == HumanTask.department_id,
            Membership.role == Role.SOCIAL_WORKER,
        )
        .exists()
    )
    inactive = select(User.id).where(User.id == HumanTask.claimed_by_id, ~User.active).exists()
    lapsed = db.session.scalars(
        select(HumanTask).where(
            HumanTask.status == TaskStatus.READY,
            HumanTask.claimed_by_id.is_not(None),
            or_(inactive, ~member),
        )
    ).all()
    released = 0
    for task in lapsed:  # a compare-and-set: a head may give it to a colleague meanwhile
        won = db.session.execute(
            update(HumanTask)
            .where(
                HumanTask.id == task.id,
                HumanTask.status == TaskStatus.READY,
                HumanTask.claimed_by_id == task.claimed_by_id,
            )
            .values(claimed_by_id=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won == 1:
            timeline.record(
                task.case, EventType.TASK_RELEASED, department=task.department, task=task,
                step=task.name,
            )  # fmt: skip
            released += 1
    db.session.flush()
    return released


def colleagues(department_code: str) -> list[User]:
    """The social workers a head may give the department's tasks to."""
    return sorted(members(department_code, Role.SOCIAL_WORKER), key=lambda u: u.username)


def reassign_task(task_id: int, to_user_id: int, actor: User) -> HumanTask:
    """Give a ready task to a colleague of its department (the head's decision), on the record."""
    task = get_task(task_id)
    code = task.department.code
    if code not in actor.headed_department_codes():
        raise NotDepartmentHead(f"only the head of {code} reassigns its tasks")
    to_user = next((u for u in colleagues(code) if u.id == to_user_id), None)
    if to_user is None:
        raise NotAColleague(f"the task can only go to a social worker of {code}")
    previous = task.claimed_by_id
    result = db.session.execute(
        update(HumanTask)
        .where(HumanTask.id == task.id, HumanTask.status == TaskStatus.READY)
        .values(claimed_by_id=to_user.id, claimed_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TaskAlreadyCompleted(f"task {task.id} was already completed")
    db.session.refresh(task)
    timeline.record(
        task.case,
        EventType.TASK_REASSIGNED,
        actor=actor,
        department=task.department,
        task=task,
        step=task.name,
        from_user=previous,
        to_user=to_user.id,
    )
    notify([to_user], EventType.TASK_REASSIGNED.value, case_id=task.case_id, task=task)
    db.session.flush()
    return task
