"""Concurrent and interrupted completions: one winner, no lost update, nothing half-done.

Threads and child processes use their own connections, so the test commits what they must see
and holds no transaction while they run (SQLite takes its write lock at BEGIN).
"""

import json
import signal
import subprocess
import sys
import threading
import time
import traceback
from datetime import timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from forms.examples import EXAMPLES
from forms.fields import china_today
from models import (
    HumanTask,
    ProcessInstance,
    TaskStatus,
    TimelineEvent,
    User,
    db,
)
from webapp import create_app
from workflows import drafts, engine, migration
from workflows.errors import (
    CaseNotClosed,
    FormInvalid,
    NotYourDepartment,
    TaskAlreadyCompleted,
    TaskClaimedByOther,
)
from workflows.instances import load
from workflows.reopening import reopen_case
from workflows.routing import workflow_task

ROOT = Path(__file__).resolve().parent.parent
RACERS = 20
ROUNDS = 3


@pytest.fixture(scope="module")
def threads_app(app):
    """The test app with a connection pool wide enough for every racing thread at once.

    The default pool (5 + 10 overflow) would queue five of twenty racers before they reach
    the database.
    """
    options = {"pool_size": RACERS + 2, "max_overflow": 0, "pool_timeout": 60}
    config = type("RaceConfig", (), {**app.config, "SQLALCHEMY_ENGINE_OPTIONS": options})
    wide = create_app(config)
    yield wide
    with wide.app_context():
        db.engine.dispose()


def race(app, actions) -> list:
    """Run `(username, action)` pairs in threads released together; each commits on success.

    Returns one outcome per action: "ok", "already" (TaskAlreadyCompleted, or CaseNotClosed for
    a re-opening) or the traceback of any other exception.
    """
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, username, action):
        with app.app_context():
            try:
                user = db.session.scalar(select(User).filter_by(username=username))
                db.session.commit()  # hold no transaction (and no SQLite lock) at the barrier
                barrier.wait(timeout=60)
                action(user)
                db.session.commit()
                outcomes[index] = "ok"
            except (TaskAlreadyCompleted, CaseNotClosed):
                db.session.rollback()
                outcomes[index] = "already"
            except Exception:
                db.session.rollback()
                outcomes[index] = traceback.format_exc()

    threads = [threading.Thread(target=run, args=(i, *pair)) for i, pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return outcomes


def _complete(task_id: int, form_key: str, overrides=None):
    data = {**EXAMPLES[form_key], **(overrides or {})}
    return lambda user: engine.complete_task(task_id, data, user)


def _ready(case_id: int) -> list[HumanTask]:
    return list(
        db.session.scalars(
            select(HumanTask)
            .filter_by(case_id=case_id, status=TaskStatus.READY)
            .order_by(HumanTask.id)
        )
    )


def _events(case_id: int, event_type: str, task_id: int | None = None) -> int:
    query = (
        select(func.count())
        .select_from(TimelineEvent)
        .filter_by(case_id=case_id, event_type=event_type)
    )
    if task_id is not None:
        query = query.filter_by(task_id=task_id)
    return db.session.scalar(query)


def _snapshot(case_id: int) -> dict:
    """Everything a completion changes: instance row, task rows, timeline."""
    version, state, next_timer_at = db.session.execute(
        select(
            ProcessInstance.version, ProcessInstance.state, ProcessInstance.next_timer_at
        ).filter_by(case_id=case_id)
    ).one()
    tasks = db.session.execute(
        select(HumanTask.id, HumanTask.status, HumanTask.completed_by_id)
        .filter_by(case_id=case_id)
        .order_by(HumanTask.id)
    ).all()
    timeline = db.session.scalars(
        select(TimelineEvent.id).filter_by(case_id=case_id).order_by(TimelineEvent.id)
    ).all()
    return {
        "version": version,
        "state": state,
        "next_timer_at": next_timer_at,
        "tasks": [tuple(t) for t in tasks],
        "timeline": list(timeline),
    }


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_twenty_simultaneous_completions_of_one_task(open_case, threads_app, users, round_no):
    """Twenty officers press "complete" at once: one wins, nineteen hear it was done."""
    case = open_case(f"Race {round_no}")
    task = db.session.scalars(engine.open_tasks(case)).one()
    assert task.form_key == "rescue_identification"
    case_id, task_id = case.id, task.id
    version_before = _snapshot(case_id)["version"]
    db.session.commit()

    outcomes = race(threads_app, [("police", _complete(task_id, "rescue_identification"))] * RACERS)

    errors = [o for o in outcomes if o not in ("ok", "already")]
    assert not errors, "\n".join(errors)
    assert outcomes.count("ok") == 1
    assert outcomes.count("already") == RACERS - 1
    assert _events(case_id, "task_completed", task_id) == 1
    row = db.session.get(HumanTask, task_id)
    assert row.status == TaskStatus.COMPLETED
    assert row.completed_by_id == users["police"].id
    assert _snapshot(case_id)["version"] == version_before + 1
    # Identity established, aged 15: family tracing comes next, once.
    rows = db.session.scalars(select(HumanTask).filter_by(case_id=case_id)).all()
    assert sorted(r.form_key for r in rows) == ["rescue_family_tracing", "rescue_identification"]
    (tracing,) = _ready(case_id)
    assert tracing.form_key == "rescue_family_tracing"
    assert _events(case_id, "task_ready", tracing.id) == 1


def test_ten_simultaneous_reopenings_of_one_case(open_case, threads_app, users):
    """Ten heads press "re-open" at once: the case starts again once, nine hear it is open."""
    case = open_case("Race reopened")
    engine.close_case(case, users["police_head"], "victim moved abroad")
    case_id = case.id
    db.session.commit()

    def reopen(user):
        department = next(m.department for m in user.memberships if m.department.code == "police")
        reopen_case(
            db.session.get(type(case), case_id), user, department, phase="rescue", reason="back"
        )

    outcomes = race(threads_app, [("police_head", reopen)] * 10)

    errors = [o for o in outcomes if o not in ("ok", "already")]
    assert not errors, "\n".join(errors)
    assert outcomes.count("ok") == 1
    assert _events(case_id, "case_reopened") == 1
    assert [t.form_key for t in _ready(case_id)] == ["rescue_identification"]


def test_ten_simultaneous_closures_of_one_case(open_case, threads_app, users):
    """Ten heads close a case at once: it is closed once, with one reason on its timeline."""
    case = open_case("Race closed")
    case_id = case.id
    db.session.commit()

    def close(user):
        engine.close_case(db.session.get(type(case), case_id), user, "victim moved abroad")

    outcomes = race(threads_app, [("police_head", close)] * 10)

    errors = [o for o in outcomes if o != "ok"]
    assert not errors, "\n".join(errors)
    assert _events(case_id, "case_closed") == 1
    assert _ready(case_id) == []


def _drive_to_parallel_block(case, users, wanted: set[str], answers) -> dict[str, HumanTask]:
    """Complete the first ready task with example answers (and `answers` by form key) until
    every `wanted` form is ready."""
    for _ in range(12):
        ready = {t.form_key: t for t in _ready(case.id)}
        if wanted <= ready.keys():
            return ready
        task = next(iter(ready.values()))
        data = {**EXAMPLES[task.form_key], **answers.get(task.form_key, {})}
        engine.complete_task(task.id, data, users[task.department.code])
    raise AssertionError(f"never reached {wanted}; ready: {sorted(ready)}")


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_parallel_branches_completed_at_once_lose_nothing(open_case, threads_app, users, round_no):
    """Health and education finish their branches in the same instant: both steps stick."""
    case = open_case(f"Parallel {round_no}")  # 14 years old: school branch runs
    unsafe_home = {"home_safety_assessment": {"home_safe": False}}  # so she stays here
    ready = _drive_to_parallel_block(case, users, {"care_medical", "school_enrolment"}, unsafe_home)
    medical, school = ready["care_medical"], ready["school_enrolment"]
    case_id, ids = case.id, (medical.id, school.id)
    version_before = _snapshot(case_id)["version"]
    db.session.commit()

    outcomes = race(
        threads_app,
        [
            ("health", _complete(ids[0], "care_medical")),
            ("education", _complete(ids[1], "school_enrolment")),
        ],
    )

    assert outcomes == ["ok", "ok"], "\n".join(str(o) for o in outcomes)
    assert _snapshot(case_id)["version"] == version_before + 2
    for task_id in ids:
        assert db.session.get(HumanTask, task_id).status == TaskStatus.COMPLETED
        assert _events(case_id, "task_completed", task_id) == 1
    now_ready = {t.form_key: t for t in _ready(case_id)}
    assert {"care_psychological", "school_adaptation"} <= now_ready.keys()
    assert not {"care_medical", "school_enrolment"} & now_ready.keys()
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case_id))
    workflow, _ = load(instance)
    for task_id in ids:
        spiff_task = workflow_task(workflow, db.session.get(HumanTask, task_id))
        assert spiff_task.state == TaskState.COMPLETED
    # Each branch carries its own answers on to its next step.
    psych = workflow_task(workflow, now_ready["care_psychological"])
    adaptation = workflow_task(workflow, now_ready["school_adaptation"])
    assert psych.data["medical_exam_date"] == "2024-03-03"
    assert adaptation.data["school_name"] == EXAMPLES["school_enrolment"]["school_name"]


KILLED_WORKER = """
import json, sys, time
from sqlalchemy import select
from forms.examples import EXAMPLES
from models import ProcessInstance, User, db
from webapp import create_app
from workflows import engine

task_id, marker = int(sys.argv[1]), sys.argv[2]
app = create_app()
with app.app_context():
    police = db.session.scalar(select(User).filter_by(username="police"))
    task = engine.complete_task(task_id, EXAMPLES["rescue_identification"], police)
    instance = db.session.get(ProcessInstance, task.instance_id)
    with open(marker + ".tmp", "w") as out:
        json.dump({"status": str(task.status), "version": instance.version}, out)
    import os
    os.replace(marker + ".tmp", marker)
    time.sleep(60)
"""


def test_worker_killed_mid_completion_leaves_the_case_as_before(
    open_case, users, worker_env, tmp_path
):
    """SIGKILL after the engine flushed everything but before the commit: nothing happened."""
    case = open_case()
    task_id, case_id = db.session.scalars(engine.open_tasks(case)).one().id, case.id
    before = _snapshot(case_id)
    db.session.commit()
    marker = tmp_path / "flushed.json"

    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER, str(task_id), str(marker)],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, f"the worker died early:\n{child.stderr.read()}"
            assert time.monotonic() < deadline, "the worker never reached the commit"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    flushed = json.loads(marker.read_text())
    assert flushed == {"status": "completed", "version": before["version"] + 1}

    assert _snapshot(case_id) == before
    assert [t.id for t in _ready(case_id)] == [task_id]
    engine.complete_task(task_id, EXAMPLES["rescue_identification"], users["police"])
    db.session.commit()
    assert [t.form_key for t in _ready(case_id)] == ["rescue_family_tracing"]
    assert _events(case_id, "task_completed", task_id) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", 200),
        ("identification_date", china_today() + timedelta(days=2)),
        ("identity_established", None),  # None: the answer is left out
    ],
    ids=["age-200", "future-date", "missing-yes-no"],
)
def test_invalid_form_changes_nothing(open_case, users, field, value):
    """A rejected form names the field and leaves task, workflow and timeline untouched."""
    case = open_case()
    task = db.session.scalars(engine.open_tasks(case)).one()
    db.session.commit()
    before = _snapshot(case.id)
    data = {**EXAMPLES["rescue_identification"], field: value}
    if value is None:
        del data[field]

    with pytest.raises(FormInvalid) as raised:
        engine.complete_task(task.id, data, users["police"])

    assert field in raised.value.errors
    assert list(raised.value.errors) == [field]
    assert _snapshot(case.id) == before
    assert db.session.get(HumanTask, task.id).status == TaskStatus.READY


def test_wrong_department_is_refused(open_case, users):
    """Health cannot complete (or claim) the police's identification."""
    case = open_case()
    task = db.session.scalars(engine.open_tasks(case)).one()
    before = _snapshot(case.id)
    with pytest.raises(NotYourDepartment):
        engine.complete_task(task.id, EXAMPLES["rescue_identification"], users["health"])
    with pytest.raises(NotYourDepartment):
        engine.claim_task(task.id, users["health"])
    assert _snapshot(case.id) == before


def test_claimed_task_is_held_until_released(open_case, users, colleague):
    """A claim keeps colleagues out until it is released; both are on the timeline."""
    officer = users["police"]
    case = open_case()
    task = db.session.scalars(engine.open_tasks(case)).one()
    data = EXAMPLES["rescue_identification"]

    engine.claim_task(task.id, officer)
    assert (task.claimed_by_id, _events(case.id, "task_claimed", task.id)) == (officer.id, 1)
    engine.claim_task(task.id, officer)  # claiming again is a no-op
    assert _events(case.id, "task_claimed", task.id) == 1
    before = _snapshot(case.id)
    for action in (
        lambda: engine.complete_task(task.id, data, colleague),
        lambda: engine.claim_task(task.id, colleague),
        lambda: engine.release_task(task.id, colleague),
    ):
        with pytest.raises(TaskClaimedByOther):
            action()
    assert _snapshot(case.id) == before

    engine.release_task(task.id, officer)
    assert task.claimed_by_id is None
    assert _events(case.id, "task_released", task.id) == 1
    engine.claim_task(task.id, colleague)
    engine.complete_task(task.id, data, colleague)
    assert task.completed_by_id == colleague.id
    events = db.session.scalars(
        select(TimelineEvent.event_type).filter_by(task_id=task.id).order_by(TimelineEvent.id)
    ).all()
    assert events == [
        "task_ready",
        "task_claimed",
        "task_released",
        "task_claimed",
        "task_completed",
    ]


def test_a_completion_that_waited_for_a_migration_runs_on_the_version_moved_to(
    open_case, threads_app, users, restore_pathway
):
    """A manager moves the case to a new version of its diagrams while a social worker
    completes its waiting step: the completion waits for the lock, then runs on the version
    the case moved to (on PostgreSQL a statement that waited re-reads the rows it locks, not
    the version it joins)."""
    case = open_case("Lin Xiaomei", steps=2)
    (task,) = _ready(case.id)
    aid = (ROOT / "workflows/diagrams/temporary_aid.bpmn").read_bytes()
    renamed = aid.replace(b'name="Shelter the victim"', b'name="Shelter them"')
    drafts.save_draft("temporary_aid", renamed, users["manager"])
    target = drafts.deploy_draft("temporary_aid", users["manager"], "renamed")
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    task_id, form_key, target_id = task.id, task.form_key, target.id
    actor = task.department.code
    db.session.commit()

    migration.migrate_instance(instance.id, target, users["manager"])  # holds the lock
    outcome = []
    waiter = threading.Thread(
        target=lambda: outcome.extend(race(threads_app, [(actor, _complete(task_id, form_key))]))
    )
    waiter.start()
    time.sleep(1)
    assert waiter.is_alive(), "the completion did not wait for the migration's lock"
    db.session.commit()
    waiter.join(timeout=60)
    assert outcome == ["ok"]
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).pathway_version_id == target_id
    assert db.session.get(HumanTask, task_id).status == TaskStatus.COMPLETED
