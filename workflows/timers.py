"""Firing due timers exactly once, from any number of worker processes.

A worker claims due instances with one atomic UPDATE (rows locked with SKIP LOCKED where the
database has it) and a short lease, which it renews (a heartbeat) after each instance it fires.
A crashed worker stops renewing, its leases run out within seconds and another worker takes the
instances over; firing is safe to repeat because a fired timer is part of the saved state.
"""

import logging
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from models import HumanTask, Incident, IncidentSource, ProcessInstance, TaskStatus, db

from . import clock, escalation, incidents, notifications, workload
from .errors import RuleFailed
from .instances import Step

log = logging.getLogger(__name__)
# Short, because a live worker renews it after every instance it fires (see `renew`).
LEASE = timedelta(seconds=15)
# How long a case whose timer failed on something else than a rule (a bug) is left alone, so
# that it is tried again now and then but never holds up the other cases' timers.
SET_ASIDE = timedelta(minutes=10)


# A timer whose continuation failed waits for a manager's retry instead of refiring at once.
_HELD = exists().where(
    Incident.case_id == ProcessInstance.case_id,
    Incident.source == IncidentSource.TIMER,
    Incident.resolved_at.is_(None),
)


def _due(now: datetime):
    return (
        ProcessInstance.completed.is_(False),
        ProcessInstance.next_timer_at <= now,
        or_(ProcessInstance.timer_lease_until.is_(None), ProcessInstance.timer_lease_until < now),
        ~_HELD,
    )


def claim_due(worker: str, now: datetime, limit: int = 20, lease: timedelta = LEASE) -> list[int]:
    """Lease up to `limit` instances with a due timer to `worker`; returns their ids."""
    candidates = (
        select(ProcessInstance.id)
        .where(*_due(now))
        .order_by(ProcessInstance.next_timer_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = db.session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.id.in_(candidates.scalar_subquery()), *_due(now))
        .values(timer_lease_owner=worker, timer_lease_until=now + lease)
        .returning(ProcessInstance.id)
        .execution_options(synchronize_session=False)
    )
    return [row[0] for row in rows]


def renew(worker: str, instance_ids: list[int], lease: timedelta = LEASE) -> None:
    """The heartbeat: extend `worker`'s leases on the instances it has yet to fire."""
    if instance_ids:
        db.session.execute(
            update(ProcessInstance)
            .where(
                ProcessInstance.id.in_(instance_ids), ProcessInstance.timer_lease_owner == worker
            )
            .values(timer_lease_until=datetime.now(UTC) + lease)
            .execution_options(synchronize_session=False)
        )


def fire(instance_id: int, worker: str) -> int:
    """Fire the due timers of one leased instance; returns how many fired."""
    step = Step.locked(instance_id)
    if step.row.timer_lease_owner != worker:
        return 0
    step.row.timer_lease_owner = step.row.timer_lease_until = None
    step.handed_from = _last_department(step.case)
    with step:
        fired = step.advance(refresh_timers=True)
    return len(fired)


def _last_department(case):
    """A timer hands nothing over: the case stays with whoever acted last."""
    last = db.session.scalars(
        select(HumanTask)
        .filter_by(case_id=case.id, status=TaskStatus.COMPLETED)
        .order_by(HumanTask.completed_at.desc())
        .limit(1)
    ).first()
    return last.department if last else None


def _fire_or_report(instance_id: int, worker: str, rollback) -> int:
    """Fire; a failing rule is rolled back and becomes an incident that holds the timer; any
    other failure but the database's is logged and the case set aside for SET_ASIDE."""
    try:
        return fire(instance_id, worker)
    except RuleFailed as failure:
        rollback()
        case_id = db.session.scalar(select(ProcessInstance.case_id).filter_by(id=instance_id))
        incidents.report(failure, IncidentSource.TIMER, case_id=case_id)
    except Exception as error:
        if _database_down(error):
            raise  # the database itself, not this case: the round stops (see `run`)
        log.exception("the timer of instance %s failed; it is tried again later", instance_id)
        rollback()
        renew(worker, [instance_id], SET_ASIDE)
    return 0


def _database_down(error: Exception) -> bool:
    """Whether an error is the database's being unreachable (a restart, a dropped connection,
    SQLite's lock held too long), not a fault of what was asked of it."""
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def run(worker: str, commit, rollback, *, until_idle=False, batch=20, poll=5.0, chores=()) -> int:
    """The worker loop: claim, commit, fire each in its own transaction, then escalate (tasks
    and referrals), mail and do the chores; returns timers fired.

    Each chore (e.g. sending hand-overs to other provinces) runs once a round and returns how
    much it did; the worker is idle only when no timer was due and nothing else was done.
    """
    fired = 0
    while True:
        try:
            count, busy = _round(worker, commit, rollback, batch, chores)
        except DBAPIError as error:
            if not _database_down(error):
                raise
            log.warning("the database is unavailable (%s); trying again", type(error.orig))
            rollback()  # the connection is dropped: the pool makes a new one
            time.sleep(poll)
            continue
        fired += count
        if not busy:
            if until_idle:
                return fired
            time.sleep(poll)


def _round(worker: str, commit, rollback, batch: int, chores) -> tuple[int, bool]:
    """One round of the loop: timers fired, and whether there was anything to do."""
    fired, ids = 0, claim_due(worker, datetime.now(UTC), batch)
    commit()
    for position, instance_id in enumerate(ids):
        fired += _fire_or_report(instance_id, worker, rollback)
        renew(worker, ids[position + 1 :])
        commit()
    busy = _escalate_and_mail(commit, batch) + sum(_done(chore, rollback) for chore in chores)
    commit()  # a chore's last read ends here: never sleep in a transaction (SQLite's lock)
    return fired, bool(ids or busy)


def _done(chore, rollback) -> int:
    """What a chore did; a chore that fails is logged and rolled back, and did nothing: it is
    never a reason for timers and escalations to stop (in production, for the whole server)."""
    try:
        return chore()
    except Exception:
        log.exception("the chore %s failed; it runs again next round", chore.__name__)
        rollback()
        return 0


def _escalate_and_mail(commit, batch: int) -> bool:
    """Release the claims of those who left, fire due escalation rungs, then mail what is
    unsent; whether there was anything."""
    released = workload.release_lapsed_claims()
    commit()
    now = clock.now()
    rungs = escalation.run_once(now, batch)
    commit()
    messages = notifications.take_mail(batch)
    commit()  # leased before sending: another worker leaves them alone
    notifications.send(messages)
    commit()
    return bool(released or rungs or messages)
