"""Carrying a case through the pathway with realistic answers, for the scenario tests.

Every step goes through the engine (validate, run, save, sync rows, timeline); timers fire
from a real `flask timers run` worker process (the `run_worker` fixture).
"""

from collections import Counter

from sqlalchemy import select

from forms.examples import EXAMPLES
from models import CaseStatus, Department, ProcessInstance, TimelineEvent, db
from workflows import engine
from workflows.instances import load
from workflows.serialization import dump_state, load_state

MAX_STEPS = 80


def answers(form_key: str, overrides: dict, done: int) -> dict:
    """The example answers of a form with the scenario's; a list gives one per repetition."""
    extra = overrides.get(form_key, {})
    if isinstance(extra, list):
        extra = extra[min(done, len(extra) - 1)]
    return {**EXAMPLES[form_key], **extra}


def assert_roundtrip(instance: ProcessInstance) -> None:
    """Saving and restoring the workflow mid-run loses nothing."""
    workflow, definition = load(instance)
    state = dump_state(workflow)
    restored = load_state(state, definition.specs)
    assert dump_state(restored) == state
    assert {str(t.id) for t in restored.get_tasks()} == {str(t.id) for t in workflow.get_tasks()}


def carry(case, users, overrides, run_worker, *, until=None) -> list[tuple[str, str]]:
    """Complete every ready task with realistic answers until the case closes.

    Returns the (form key, department) of each completed step. `until(case)` stops early
    when it returns true; a timer is waited for whenever no task is ready.
    """
    steps, done = [], Counter()
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    while case.status == CaseStatus.OPEN and not (until and until(case)):
        task = db.session.scalars(engine.open_tasks(case)).first()
        if task is None:
            db.session.commit()
            assert instance.next_timer_at is not None, "the case stalled with nothing to do"
            run_worker(instance)
            db.session.expire_all()
            continue
        key, department = task.form_key, task.department.code
        engine.complete_task(task.id, answers(key, overrides, done[key]), users[department])
        done[key] += 1
        steps.append((key, department))
        if len(steps) == 4:
            assert_roundtrip(instance)
        assert len(steps) < MAX_STEPS
    db.session.commit()
    return steps


def events(case) -> list[TimelineEvent]:
    """The case's timeline, oldest first."""
    return list(
        db.session.scalars(
            select(TimelineEvent).filter_by(case_id=case.id).order_by(TimelineEvent.id)
        )
    )


def department_of(event) -> str | None:
    """The code of the department an event names, if any."""
    return db.session.get(Department, event.department_id).code if event.department_id else None


def open_case(users, name, **intake):
    """A case opened by the police with the example intake and `intake`, committed."""
    case = engine.open_case({**EXAMPLES["case_open"], **intake}, users["police"], name)
    db.session.commit()
    return case


def check_timeline(case, steps, rounds):
    """The timeline opens and closes the case, readies and completes each step, and has
    one `timer_fired` per round."""
    timeline = events(case)
    kinds = [e.event_type for e in timeline]
    assert kinds[0] == "case_opened" and kinds[-1] == "case_closed"
    completed = [
        (e.data["form_key"], department_of(e)) for e in timeline if e.event_type == "task_completed"
    ]
    assert completed == steps
    ready = [
        (e.data["form_key"], department_of(e)) for e in timeline if e.event_type == "task_ready"
    ]
    assert sorted(ready) == sorted(steps)
    assert kinds.count("timer_fired") == rounds
    return timeline
