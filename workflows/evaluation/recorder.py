"""The roll-ups' one writer: each timeline event a case's indicators count adds to them.

`timeline.record` calls `record` in the caller's transaction, so a roll-up is never ahead of or
behind the casework it counts; `rebuild` replays every case's timeline from scratch.
"""

from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session, SessionTransactionOrigin

from models import (
    CLOSED_PHASE,
    Case,
    CaseIndicator,
    EventType,
    HumanTask,
    PhaseCount,
    PhaseDuration,
    TaskCount,
    TaskDuration,
    TimelineEvent,
    VictimCount,
    db,
)

from .counters import bump_rows
from .facts import (
    FACT_FIELDS,
    LIST_FACTS,
    PATHWAY_COMPLETED,
    closing_values,
    opening_values,
    phase_rank,
)

# The region of the rows summing every region: unfiltered pages read a few rows, not one per
# county.
ALL_REGIONS = "*"
ROLL_UPS = (VictimCount, PhaseCount, PhaseDuration, TaskCount, TaskDuration, CaseIndicator)
CLOSURE_OUTCOME = "closure_outcome"
_HELD = "held_indicators"


def month_of(moment: datetime) -> date:
    """The first day of the (UTC) month of a moment."""
    return date(moment.year, moment.month, 1)


def whole_days(start: datetime, end: datetime) -> int:
    """Whole days from start to end (never negative)."""
    return max((end - start).days, 0)


def measure_of(task: HumanTask) -> str:
    """The plan measure a task carries out (its form key if its step names none)."""
    return task.measure or task.form_key


def record(case: Case, kind: str, *, department=None, task=None, data=None, at=None) -> None:
    """Count one timeline event of the case (other kinds count for nothing); `data` is the
    event's data, a step's answers under "data"."""
    handler = _HANDLERS.get(kind)
    if handler is not None:
        handler(case, department, task, data or {}, at or datetime.now(UTC))


def _opened(case, department, task, data, at) -> None:
    row = CaseIndicator(case_id=case.id, opened_at=case.opened_at or at)
    answers = data.get("data") or {}
    for key, column in FACT_FIELDS.items():
        setattr(row, column, _fact(key, answers.get(key)))
    db.session.add(row)
    _held()[case.id] = row
    _count(row, opening_values(row), row.opened_at, +1)


def _held() -> dict:
    """Indicator rows read in this transaction, by case id: the session keeps a loaded row only
    while something refers to it, and one completion counts several events of its case."""
    return db.session.info.setdefault(_HELD, {})


def _indicator(case: Case) -> CaseIndicator | None:
    held = _held()
    if case.id not in held:
        held[case.id] = db.session.get(CaseIndicator, case.id)
    return held[case.id]


@listens_for(Session, "after_transaction_end")
def _forget_held(session, transaction) -> None:
    """A commit, a rollback or a savepoint's end: what was held may be stale or gone."""
    if transaction.origin is not SessionTransactionOrigin.SUBTRANSACTION:  # not a flush's
        session.info.pop(_HELD, None)


def _task_ready(case, department, task, data, at) -> None:
    row = _indicator(case)
    _bump(TaskCount, _task_key(task, row, (task.created_at or at).date()), received=1)
    entered = phase_rank(task.process_id)
    if row is None or entered is None or row.phase == CLOSED_PHASE:
        return
    current = phase_rank(row.phase)
    if current is None or entered[1] > current[1]:
        _leave_phase(row, task.created_at or at)
        _in_phase(row, -1)
        row.phase, row.phase_since = entered[0], task.created_at or at
        _in_phase(row, +1)


def _task_completed(case, department, task, data, at) -> None:
    row = _indicator(case)
    done = task.completed_at or at
    on_time = task.due_at is None or done <= task.due_at
    _bump(TaskCount, _task_key(task, row, done.date()), completed=1, on_time=int(on_time))
    days = whole_days(task.created_at or done, done)
    _bump(TaskDuration, {**_task_key(task, row, month_of(done), "month"), "days": days}, count=1)
    if row is None:
        return
    answers = data.get("data") or {}
    facts = {FACT_FIELDS[k]: _fact(k, answers[k]) for k in FACT_FIELDS if k in answers}
    if facts:
        before = _victim_changes(row, opening_values(row), row.opened_at, -1)
        left = _phase_changes(row, -1)
        for column, value in facts.items():
            setattr(row, column, value)
        after = _victim_changes(row, opening_values(row), row.opened_at, +1)
        bump_rows(VictimCount, before + after)  # only the values that changed move
        bump_rows(PhaseCount, left + _phase_changes(row, +1))  # only if the region changed
    if answers.get(CLOSURE_OUTCOME):
        row.outcome = answers[CLOSURE_OUTCOME]


def _handed_over(case, department, task, data, at) -> None:
    if department is not None and "source" in data:  # a hand-over to a department here
        row = _indicator(case)
        key = {"day": at.date(), "department_id": department.id, "measure": ""}
        _bump(TaskCount, {**key, "region": row.region if row else ""}, handovers=1)


def _closed(case, department, task, data, at) -> None:
    row = _indicator(case)
    if row is None or row.closed_at is not None:
        return
    closed_at = _case_time(case.closed_at, at, row.reopenings == case.reopenings)
    _leave_phase(row, closed_at)
    _in_phase(row, -1)
    reason = str(data.get("reason") or "")
    row.phase, row.phase_since, row.closed_at = CLOSED_PHASE, closed_at, closed_at
    row.closed_early = reason != PATHWAY_COMPLETED
    if row.closed_early:
        row.outcome, row.close_reason = "closed_early", reason[:80]
    _count(row, closing_values(row), closed_at, +1)


def _reopened(case, department, task, data, at) -> None:
    """The closure's counts are withdrawn (a case closes, and counts its outcome, once); the
    case is open again in the phase it starts at, its time there counted from now."""
    row = _indicator(case)
    if row is None or row.closed_at is None:
        return
    _count(row, closing_values(row), row.closed_at, -1)
    row.reopenings += 1
    since = _case_time(case.reopened_at, at, row.reopenings == case.reopenings)
    row.phase, row.phase_since, row.closed_at = str(data.get("phase") or ""), since, None
    row.outcome, row.closed_early, row.close_reason = "", False, ""
    _in_phase(row, +1)


def _case_time(column: datetime | None, at: datetime, latest: bool) -> datetime:
    """When a closure or re-opening happened: the case's column for its latest one (what the
    case says, tests move it), the event's time for earlier ones a rebuild replays."""
    return column if latest and column is not None else at


def _leave_phase(row: CaseIndicator, at: datetime) -> None:
    if row.phase and row.phase_since is not None and row.phase != CLOSED_PHASE:
        key = {"month": month_of(at), "region": row.region, "phase": row.phase}
        _bump(PhaseDuration, {**key, "days": whole_days(row.phase_since, at)}, count=1)


def _in_phase(row: CaseIndicator, sign: int) -> None:
    """Count the case in (+1) or out of (-1) the open cases of its phase and region."""
    bump_rows(PhaseCount, _phase_changes(row, sign))


def _phase_changes(row: CaseIndicator, sign: int) -> list:
    """The changes that count the case in or out of its phase, in its region and in all."""
    if not row.phase or row.phase == CLOSED_PHASE:
        return []
    key = {"region": row.region, "phase": row.phase}
    return [(key, {"count": sign}), ({**key, "region": ALL_REGIONS}, {"count": sign})]


def _count(row: CaseIndicator, values, moment: datetime, sign: int) -> None:
    bump_rows(VictimCount, _victim_changes(row, values, moment, sign))


def _victim_changes(row: CaseIndicator, values, moment: datetime, sign: int) -> list:
    """The changes to the victim counts of the case's region and of all regions."""
    changes = []
    for region in (row.region, ALL_REGIONS):
        key = {"month": month_of(moment), "region": region}
        changes += [
            ({**key, "dimension": dimension, "value": value[:80]}, {"count": sign})
            for dimension, value in values
        ]
    return changes


def _bump(model, key: dict, **amounts: int) -> None:
    """Add to the row of the case's region and to the row of all regions."""
    bump_rows(model, [(key, amounts), ({**key, "region": ALL_REGIONS}, amounts)])


def _task_key(task: HumanTask, row: CaseIndicator | None, day: date, name: str = "day") -> dict:
    return {
        name: day,
        "department_id": task.department_id,
        "measure": measure_of(task),
        "region": row.region if row is not None else "",
    }


def _fact(key: str, value):
    if key in LIST_FACTS:
        return sorted(str(v) for v in value or [])
    if key == "age":
        return int(value) if value not in (None, "") else None
    return str(value or "")


_HANDLERS = {
    EventType.CASE_OPENED: _opened,
    EventType.CASE_RECEIVED: _opened,  # from another province: counted from what it shared
    EventType.TASK_READY: _task_ready,
    EventType.TASK_COMPLETED: _task_completed,
    EventType.CASE_HANDED_OVER: _handed_over,
    EventType.CASE_CLOSED: _closed,
    EventType.CASE_REOPENED: _reopened,
}


def rebuild(batch: int = 500) -> int:
    """Empty the roll-ups and replay every case's timeline into them; returns cases counted."""
    for model in ROLL_UPS:
        db.session.execute(delete(model))
    _held().clear()
    kinds = list(_HANDLERS)
    case_ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
    for start in range(0, len(case_ids), batch):
        ids = case_ids[start : start + batch]
        cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(ids)))}
        tasks = {
            t.id: t for t in db.session.scalars(select(HumanTask).where(HumanTask.case_id.in_(ids)))
        }
        events = db.session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.case_id.in_(ids), TimelineEvent.event_type.in_(kinds))
            .order_by(TimelineEvent.case_id, TimelineEvent.id)
        )
        for event in events:
            record(
                cases[event.case_id],
                event.event_type,
                department=event.department,
                task=tasks.get(event.task_id),
                data=event.data,
                at=event.created_at,
            )
        db.session.flush()
        db.session.expire_all()
    return len(case_ids)
