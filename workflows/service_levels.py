"""Service levels: when a task is due, when to follow it up and how it ranks.

The period comes from the manager's table (per form key and victim profile) where a row
exists, else from the diagram's `camunda:dueDate`. Rows apply to tasks created after the
change: a task's times and priority are fixed when it becomes ready.
"""

from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import select

from forms.registry import FORMS
from models import Case, EventType, ServiceLevel, TimelineEvent, db

from . import clock
from .errors import ServiceLevelInvalid

CHILD, ADULT = "child", "adult"
PROFILES = (CHILD, ADULT)
DEFAULT_PRIORITY = {CHILD: 70, ADULT: 50}
NEAR_DUE = 0.8  # share of the period after which the claimer is reminded
FOLLOW_UP = 0.5  # share of the period after which the task comes up for follow-up
SHORTEST, LONGEST = timedelta(minutes=1), timedelta(days=366)


def profile(task) -> str:
    """The victim profile of a workflow task's case: child under 18, else adult."""
    return age_group(task.data)


def age_group(data) -> str:
    """Child under 18 at intake, else adult."""
    age = data.get("age")
    return CHILD if isinstance(age, int) and age < 18 else ADULT


def case_profile(data) -> dict:
    """The case's columns lists filter on, from its intake: age group, sex and origin (the
    province for a victim from China, else the country)."""
    origin = data.get("origin_province") or data.get("origin_country")
    return {"age_group": age_group(data), "sex": data.get("sex"), "origin": origin}


def fill_case_profiles(batch: int = 500) -> int:
    """Give up to `batch` cases opened before the case list their columns, from the intake
    their timeline holds (decrypted here, as the case page does); returns how many."""
    rows = db.session.execute(
        select(Case, TimelineEvent)
        .join(TimelineEvent, TimelineEvent.case_id == Case.id)
        .where(Case.age_group.is_(None), TimelineEvent.event_type == EventType.CASE_OPENED)
        .limit(batch)
    ).all()
    for case, opened in rows:
        for name, value in case_profile((opened.data or {}).get("data", {})).items():
            setattr(case, name, value)
    db.session.flush()
    return len(rows)


def period(text: str, start: datetime) -> timedelta:
    """The length of an ISO-8601 duration from `start`."""
    parsed = TimerEventDefinition.parse_iso_duration(text)
    return TimerEventDefinition.get_timedelta_from_start(parsed, start)


def level(form_key: str, profile_: str) -> ServiceLevel | None:
    """The manager's row for a step and profile, if any."""
    return db.session.scalar(select(ServiceLevel).filter_by(form_key=form_key, profile=profile_))


def levels_for(form_keys) -> dict[tuple[str, str], ServiceLevel]:
    """The manager's rows for these steps, by (form key, profile), in one query."""
    if not form_keys:
        return {}
    rows = db.session.scalars(select(ServiceLevel).where(ServiceLevel.form_key.in_(form_keys)))
    return {(r.form_key, r.profile): r for r in rows}


def terms(task, pathway, form_key: str, levels: dict) -> dict:
    """created_at, due_at, follow_up_at, priority and next_escalation_at of a new task row;
    `levels` holds the manager's rows for its step (levels_for)."""
    now = clock.now()
    who = profile(task)
    row = levels.get((form_key, who))
    text = (
        row.due_period
        if row
        else pathway.due_periods.get(f"{task.workflow.spec.name}/{task.task_spec.bpmn_id}")
    )
    priority = row.priority if row else DEFAULT_PRIORITY[who]
    if not text:
        return {"created_at": now, "priority": priority}
    length = period(text, now)
    return {
        "created_at": now,
        "due_at": now + length,
        "follow_up_at": now + length * FOLLOW_UP,
        "priority": priority,
        "next_escalation_at": now + length * NEAR_DUE,
    }


def _checked(form_key: str, profile_: str, due_period: str, priority) -> tuple[str, int]:
    """The period and priority, or ServiceLevelInvalid naming what is wrong."""
    if form_key not in FORMS or profile_ not in PROFILES:
        raise ServiceLevelInvalid("unknown step or profile")
    try:
        length = period(due_period.strip(), clock.now())
    except Exception as exc:  # SpiffWorkflow raises bare exceptions on a bad duration
        raise ServiceLevelInvalid("the period must be an ISO-8601 duration, e.g. P3D") from exc
    if not SHORTEST <= length <= LONGEST:
        raise ServiceLevelInvalid("the period must be between one minute and a year")
    if not isinstance(priority, int) or not 0 <= priority <= 100:
        raise ServiceLevelInvalid("the priority must be a whole number from 0 to 100")
    return due_period.strip(), priority


def set_level(form_key: str, profile_: str, due_period: str, priority, *, actor) -> tuple:
    """Set (or replace) a step's service level; returns (old, new) as plain dicts."""
    due_period, priority = _checked(form_key, profile_, due_period, priority)
    row = level(form_key, profile_)
    old = describe(row)
    if row is None:
        row = ServiceLevel(form_key=form_key, profile=profile_)
        db.session.add(row)
    row.due_period, row.priority = due_period, priority
    row.updated_by_id, row.updated_at = actor.id, clock.now()
    db.session.flush()
    return old, describe(row)


def clear_level(form_key: str, profile_: str) -> dict | None:
    """Remove a step's row (the diagram's period applies again); returns what it was
    (ServiceLevelInvalid for an unknown step or profile)."""
    if form_key not in FORMS or profile_ not in PROFILES:
        raise ServiceLevelInvalid("unknown step or profile")
    row = level(form_key, profile_)
    if row is None:
        return None
    old = describe(row)
    db.session.delete(row)
    db.session.flush()
    return old


def describe(row: ServiceLevel | None) -> dict | None:
    """A row as plain data, for the audit log."""
    return row and {"due_period": row.due_period, "priority": row.priority}


def table() -> dict[tuple[str, str], ServiceLevel]:
    """Every row, by (form key, profile)."""
    return {(r.form_key, r.profile): r for r in db.session.scalars(select(ServiceLevel))}
