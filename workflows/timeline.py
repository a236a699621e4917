"""The only writer of timeline events (and so of the evaluation's roll-ups)."""

from models import EventType, TimelineEvent, db

from .evaluation import recorder


def record(case, event_type: EventType, *, actor=None, department=None, task=None, **data):
    """Append one event to a case's timeline (flushed with the caller's transaction), and
    count it in the evaluation's roll-ups."""
    event = TimelineEvent(
        case_id=case.id,
        event_type=event_type,
        actor_id=actor.id if actor is not None else None,
        department_id=department.id if department is not None else None,
        task_id=task.id if task is not None else None,
        data=data,
    )
    db.session.add(event)
    recorder.record(case, event_type, department=department, task=task, data=data)
    return event
