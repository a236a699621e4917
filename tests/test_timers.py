"""Timers fire exactly once, from `flask timers run` workers, never before they are due.

The cases run `tests/diagrams/timer_probe.bpmn`: a 2-second timer, then one civil affairs task.
Workers are separate processes on the test database, so the test commits what they must see
and holds no transaction while they run (SQLite takes its write lock at BEGIN).
"""

import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from forms.examples import EXAMPLES
from models import DEPARTMENT_CODES, HumanTask, ProcessInstance, TaskStatus, TimelineEvent, db
from workflows import engine, timers
from workflows.pathways import deploy

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).parent / "diagrams" / "timer_probe.bpmn"
PROBE_DELAY = timedelta(seconds=2)
WORKER = [sys.executable, "-m", "flask", "--app", "webapp", "timers", "run", "--until-idle"]
FIRED = re.compile(r"^(\S+) fired (\d+) timers$", re.MULTILINE)


@pytest.fixture
def probe_version():
    """The timer probe deployed (once: an unchanged diagram deploys nothing) and committed."""
    version = deploy(
        {PROBE.name: PROBE.read_bytes()},
        DEPARTMENT_CODES,
        process_id="timer_probe",
        comment="timer tests",
    )
    db.session.commit()
    return version


def open_probes(users, version, count: int, prefix="Probe", batch=50) -> list[int]:
    """Open `count` cases on the probe, committed in batches; returns their case ids."""
    ids = []
    for i in range(count):
        case = engine.open_case(
            EXAMPLES["case_open"], users["police"], f"{prefix} {i}", version=version
        )
        ids.append(case.id)
        if len(ids) % batch == 0:
            db.session.commit()
    db.session.commit()
    return ids


def wait_until_due(case_ids: list[int]) -> datetime:
    """Sleep until every case's next timer is due; ends the test's transaction first."""
    due = db.session.scalars(
        select(ProcessInstance.next_timer_at).where(ProcessInstance.case_id.in_(case_ids))
    ).all()
    assert len(due) == len(case_ids) and None not in due
    db.session.rollback()
    latest = max(due)
    time.sleep(max((latest - datetime.now(UTC)).total_seconds(), 0) + 0.05)
    return latest


def run_worker(env, *args) -> int:
    """One `flask timers run --until-idle` process; returns how many timers it fired."""
    result = subprocess.run(
        [*WORKER, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return int(FIRED.search(result.stdout).group(2))


def fired_per_case(case_ids: list[int]) -> dict[int, int]:
    """How many `timer_fired` events each case has (cases without any are left out)."""
    return dict(
        db.session.execute(
            select(TimelineEvent.case_id, func.count())
            .where(TimelineEvent.case_id.in_(case_ids), TimelineEvent.event_type == "timer_fired")
            .group_by(TimelineEvent.case_id)
        ).all()
    )


def ready_visits_per_case(case_ids: list[int]) -> dict[int, int]:
    """How many ready `follow_up_visit` tasks each case has."""
    return dict(
        db.session.execute(
            select(HumanTask.case_id, func.count())
            .where(
                HumanTask.case_id.in_(case_ids),
                HumanTask.status == TaskStatus.READY,
                HumanTask.form_key == "follow_up_visit",
            )
            .group_by(HumanTask.case_id)
        ).all()
    )


def test_four_workers_fire_five_hundred_timers_exactly_once(users, probe_version, worker_env):
    """500 due timers, four workers started together: each fires once, none is missed."""
    count, workers = 500, 4
    started = time.perf_counter()
    case_ids = open_probes(users, probe_version, count)
    opened = time.perf_counter()
    wait_until_due(case_ids)

    procs = [
        subprocess.Popen(
            [*WORKER, "--batch", "10"],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    outputs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        outputs.append(stdout)
    done = time.perf_counter()

    split = {m.group(1): int(m.group(2)) for m in map(FIRED.search, outputs)}
    assert len(split) == workers
    assert sum(split.values()) == count
    per_case = fired_per_case(case_ids)
    assert len(per_case) == count, f"{count - len(per_case)} timers never fired"
    assert set(per_case.values()) == {1}, "some timers fired twice"
    visits = ready_visits_per_case(case_ids)
    assert len(visits) == count and set(visits.values()) == {1}
    leftover = db.session.scalar(
        select(func.count())
        .select_from(ProcessInstance)
        .where(
            ProcessInstance.case_id.in_(case_ids),
            (ProcessInstance.next_timer_at.is_not(None))
            | ProcessInstance.timer_lease_owner.is_not(None),
        )
    )
    assert leftover == 0
    print(
        f"\nopened {count} probe cases in {opened - started:.1f}s; {workers} workers fired "
        f"them in {done - opened:.1f}s (incl. the wait until due); split: "
        f"{sorted(split.values(), reverse=True)}"
    )


def test_crashed_workers_lease_is_taken_over(users, probe_version, worker_env):
    """Timers leased by a worker that died wait for the lease, then fire exactly once."""
    lease = timedelta(minutes=10)  # holds while the worker runs, however loaded the machine
    case_ids = open_probes(users, probe_version, 8, prefix="Lease")
    wait_until_due(case_ids)
    now = datetime.now(UTC)
    crashed = timers.claim_due("crashed", now, limit=5, lease=lease)
    db.session.commit()
    assert len(crashed) == 5
    crashed_cases = set(
        db.session.scalars(select(ProcessInstance.case_id).where(ProcessInstance.id.in_(crashed)))
    )
    db.session.rollback()

    assert run_worker(worker_env) == 3  # the unleased ones only
    per_case = fired_per_case(case_ids)
    assert set(per_case) == set(case_ids) - crashed_cases
    owners = db.session.scalars(
        select(ProcessInstance.timer_lease_owner).where(ProcessInstance.id.in_(crashed))
    ).all()
    assert owners == ["crashed"] * 5

    # Ten minutes pass (the real wait is test_a_killed_workers_timers_fire_within_30_seconds).
    db.session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.id.in_(crashed))
        .values(timer_lease_until=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.session.commit()
    assert run_worker(worker_env) == 5
    assert fired_per_case(case_ids) == dict.fromkeys(case_ids, 1)
    assert ready_visits_per_case(case_ids) == dict.fromkeys(case_ids, 1)
    # The crashed worker coming back to life fires nothing: the lease is no longer its own.
    assert [timers.fire(instance_id, "crashed") for instance_id in crashed] == [0] * 5
    db.session.commit()
    assert fired_per_case(case_ids) == dict.fromkeys(case_ids, 1)


def test_timer_waits_for_the_worker_and_its_due_time(users, probe_version, worker_env):
    """Opening a probe case only schedules the timer; a run before it is due does nothing."""
    before = datetime.now(UTC)
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Early", version=probe_version)
    after = datetime.now(UTC)
    db.session.commit()
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    due = instance.next_timer_at
    assert before + PROBE_DELAY <= due <= after + PROBE_DELAY
    assert db.session.scalars(engine.open_tasks(case)).all() == []

    assert timers.run("early", db.session.commit, db.session.rollback, until_idle=True) == 0
    assert datetime.now(UTC) < due, "premise: the run finished before the timer was due"
    assert fired_per_case([case.id]) == {}
    assert db.session.scalars(engine.open_tasks(case)).all() == []
    assert db.session.get(ProcessInstance, instance.id).next_timer_at == due

    wait_until_due([case.id])
    assert run_worker(worker_env) == 1
    (task,) = db.session.scalars(engine.open_tasks(case)).all()
    assert (task.form_key, task.department.code) == ("follow_up_visit", "civil_affairs")
    assert fired_per_case([case.id]) == {case.id: 1}
    assert db.session.get(ProcessInstance, instance.id).next_timer_at is None


DOOMED_WORKER = """
import time
from models import db
from webapp import create_app
from workflows import timers

def hang(instance_id, worker):
    print("holding", flush=True)
    time.sleep(600)

timers.fire = hang  # the worker has claimed and committed its leases, then hangs until killed
with create_app().app_context():
    timers.run("doomed", db.session.commit, db.session.rollback, batch=50)
"""


def test_a_killed_workers_timers_fire_within_30_seconds(users, probe_version, worker_env):
    """kill -9 a worker holding leases: another worker fires each of its timers once, in 30 s."""
    case_ids = open_probes(users, probe_version, 6, prefix="Killed")
    wait_until_due(case_ids)
    db.session.rollback()
    doomed = subprocess.Popen(
        [sys.executable, "-c", DOOMED_WORKER],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert doomed.stdout.readline().strip() == "holding"
    doomed.kill()
    doomed.wait()
    doomed.stdout.close()
    killed_at = time.monotonic()
    assert (
        db.session.scalar(select(func.count()).where(ProcessInstance.timer_lease_owner == "doomed"))
        == 6
    )
    db.session.rollback()
    rescuer = subprocess.Popen(
        [sys.executable, "-m", "flask", "timers", "run", "--poll", "0.5"],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.DEVNULL,
    )
    try:
        while fired_per_case(case_ids) != dict.fromkeys(case_ids, 1):
            db.session.rollback()
            assert time.monotonic() - killed_at < 30, fired_per_case(case_ids)
            time.sleep(0.5)
    finally:
        rescuer.terminate()
        rescuer.wait(timeout=30)
    print(f"\ntaken over and fired in {time.monotonic() - killed_at:.1f}s after kill -9")
    time.sleep(1)
    assert fired_per_case(case_ids) == dict.fromkeys(case_ids, 1)
    assert ready_visits_per_case(case_ids) == dict.fromkeys(case_ids, 1)


def test_a_failing_chore_is_logged_and_timers_still_fire(users, probe_version, worker_env, caplog):
    """A chore that raises (a hand-over to a peer sending what nothing expected) does not
    stop the worker: the due timer fires, and the failure is in the log."""
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Chore", version=probe_version)
    db.session.commit()
    wait_until_due([case.id])

    def send_handovers():
        raise RuntimeError("a peer's answer nothing expected")

    assert timers.run("w", db.session.commit, db.session.rollback, until_idle=True,
                      chores=(send_handovers,)) == 1  # fmt: skip
    assert fired_per_case([case.id]) == {case.id: 1}
    assert "the chore send_handovers failed" in caplog.text
