"""Engine cost: raw SpiffWorkflow in memory vs the app's engine with persistence, and growth.

Run: `PYTHONPATH=. .venv/bin/python benchmarks/engine.py [--rounds 1000]` (SQLite in a temp
file, or DATABASE_URL, whose tables it drops; PYTHONPATH makes it measure this checkout, not
the one the venv was installed from). Prints figures and ratios measured in one run; aims: app
overhead within 3x of the raw step, the 1,000th follow-up round no more than 2x the 10th, and
encryption at rest adding at most 20 % to a completion. The cache-miss line is what a gunicorn
worker sees; CPU ratios are the ones to trust on a loaded machine (wall time waits for a core).
"""

import argparse
import json
import os
import tempfile
import time
from statistics import median
from typing import NamedTuple

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event

from forms.examples import EXAMPLES
from forms.registry import get_form_class
from models import Case, ProcessInstance, User, db
from models.crypto import Keyring, keyring
from webapp import create_app, demo
from webapp.config import TestConfig
from workflows import engine, instances
from workflows.failures import script_engine
from workflows.parsing import build_specs, diagram_files
from workflows.pathways import deploy_shipped, pathway
from workflows.routing import sync_departments
from workflows.serialization import dump_state, load_state

ANSWERS = {
    "age": 30,
    "willing_to_return": True,
    "legal_aid_requested": False,
    "identity_established": True,
    "criminal_case_filed": False,
}
START = {
    **EXAMPLES["case_open"],
    "age": 30,
    "sex": "male",
    "origin_province": "fujian",
    "home_province": "fujian",
    "follow_up_interval": "PT0S",
}


def _answers(form_key, **extra):
    form = get_form_class(form_key).from_data({**EXAMPLES[form_key], **ANSWERS, **extra})
    assert form.validate(), form.errors
    return form.workflow_data()


class Completion(NamedTuple):
    """One timed completion: its form, wall and CPU seconds, statements sent."""

    form_key: str
    seconds: float
    cpu: float
    statements: int


class Statements:
    """Counts the SQL statements the engine sends (a SQLAlchemy cursor event)."""

    def __init__(self, bind):
        self.count = 0
        event.listen(bind, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        self.count += 1


def raw_steps() -> tuple[list[float], list[float], int]:
    """Seconds (wall, this process's CPU) per user-task completion of one case, SpiffWorkflow
    alone, in memory.

    Also the size of SpiffWorkflow's own serialization (specs included) at the last step.
    """
    spec, subs = build_specs(diagram_files(), "case")
    workflow = BpmnWorkflow(spec, subs, script_engine=script_engine())
    workflow.task_tree.data.update(_answers("case_open") | START)
    workflow.do_engine_steps()
    times, cpu = [], []
    while True:
        ready = [
            t
            for t in workflow.get_tasks(state=TaskState.READY)
            if isinstance(t.task_spec, UserTask)
        ]
        if not ready:
            serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
            return times, cpu, len(json.dumps(serializer.to_dict(workflow), default=str))
        task = ready[0]
        extra = {"case_can_close": True} if task.task_spec.form.key == "follow_up_visit" else {}
        data = _answers(task.task_spec.form.key, **extra)
        started, cpu_started = time.perf_counter(), time.process_time()
        task.data.update(data)
        task.run()
        workflow.refresh_timers()
        workflow.do_engine_steps()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)


def _complete_next(case, users, cold=False, statements=None, **extra) -> Completion:
    """Complete the case's next task; cold: a fresh session and no workflow kept in memory.

    Times the completion and its commit only: the acting user is loaded first, as a request
    has its user before the view runs."""
    task = db.session.scalars(engine.open_tasks(case)).first()
    data = {**EXAMPLES[task.form_key], **ANSWERS, **extra}
    task_id, actor_id, form_key = task.id, users[task.department.code].id, task.form_key
    if cold:  # what a gunicorn worker sees: another worker may have served the last step
        db.session.expunge_all()
        instances._recent.entries.clear()
    actor = db.session.get(User, actor_id)
    actor.department_codes()
    before = statements.count if statements else 0
    started, cpu_started = time.perf_counter(), time.process_time()
    engine.complete_task(task_id, data, actor)
    db.session.commit()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return Completion(form_key, seconds, cpu, (statements.count if statements else 0) - before)


def _next_form(case_id: int) -> str:
    return db.session.scalars(engine.open_tasks(db.session.get(Case, case_id))).first().form_key


def cold_and_warm(statements: Statements, cases: int = 3) -> dict:
    """Per completion, cache hit and miss: median seconds (wall, this process's CPU),
    median statements, state bytes."""
    users = {u.username: u for u in db.session.scalars(db.select(User))}
    figures = {}
    for cold in (False, True):
        done = []
        for _ in range(cases):
            case_id = engine.open_case(START, users["police"], "Benchmark").id
            db.session.commit()
            while _next_form(case_id) != "follow_up_visit":
                users = {u.username: u for u in db.session.scalars(db.select(User))}
                done.append(_complete_next(db.session.get(Case, case_id), users, cold, statements))
        state = db.session.scalar(db.select(ProcessInstance.state).filter_by(case_id=case_id))
        figures[cold] = (
            median(c.seconds for c in done),
            median(c.cpu for c in done),
            median(c.statements for c in done),
            len(state),
        )
    return figures


def state_floor(repeat: int = 50) -> tuple[float, float]:
    """CPU seconds a step spends on the state of a case at its follow-up visits before any
    SQL, apart from sealing it: restoring it lean and serialising it (medians)."""
    instance = db.session.scalars(db.select(ProcessInstance).order_by(ProcessInstance.id)).first()
    state, specs = str(instance.state), pathway(instance.pathway_version).specs
    workflow = load_state(state, specs, whole=False)

    def cpu(action) -> float:
        samples = []
        for _ in range(repeat):
            started = time.process_time()
            action()
            samples.append(time.process_time() - started)
        return median(samples)

    return cpu(lambda: load_state(state, specs, whole=False)), cpu(lambda: dump_state(workflow))


class _Unencrypted(Keyring):
    """Stores plaintext (decryption passes it through): the baseline of the encryption cost."""

    def encrypt(self, text: str) -> str:
        """The text itself."""
        return text


def _pathway_steps(users):
    """A new case carried to the follow-up visits: the case and seconds per completion."""
    case = engine.open_case(START, users["police"], "Benchmark")
    db.session.commit()
    times = []
    while db.session.scalars(engine.open_tasks(case)).first().form_key != "follow_up_visit":
        times.append(_complete_next(case, users).seconds)
    return case, times


def encryption_cost(app, cases: int = 4) -> tuple[float, float, int, float]:
    """Median completion with and without encryption (alternating cases), state size, seal cost."""
    users = {u.username: u for u in db.session.scalars(db.select(User))}
    encrypted, keys = app.extensions["data_keys"], keyring()
    plain = _Unencrypted([os.urandom(32)])
    samples = {True: [], False: []}
    _pathway_steps(users)  # warm-up: the first case loads specs and caches for both modes
    for index in range(2 * cases):
        on = index % 2 == 0
        app.extensions["data_keys"] = encrypted if on else plain
        samples[on] += _pathway_steps(users)[1]
    app.extensions["data_keys"] = encrypted
    state = max(len(row.state) for row in db.session.scalars(db.select(ProcessInstance)))
    text = "x" * state
    started = time.perf_counter()
    for _ in range(50):
        keys.decrypt(keys.encrypt(text))
    seal = (time.perf_counter() - started) / 50
    return median(samples[True]), median(samples[False]), state, seal


def app_run(rounds: int):
    """Seconds per completion through the engine, and per follow-up round at checkpoints."""
    users = {u.username: u for u in db.session.scalars(db.select(User))}
    case, path = _pathway_steps(users)
    checkpoints = {10: [], 100: [], 1000: []}
    for round_no in range(1, rounds + 1):
        seconds = _complete_next(case, users, case_can_close=False).seconds
        for mark, samples in checkpoints.items():
            if mark - 2 <= round_no <= mark + 2:
                samples.append(seconds)
    return path, {mark: samples for mark, samples in checkpoints.items() if samples}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite"
        config = type(
            "BenchConfig",
            (TestConfig,),
            {"SQLALCHEMY_DATABASE_URI": url, "FOLLOW_UP_INTERVAL": "PT0S"},
        )
        app = create_app(config)
        with app.app_context():
            db.drop_all()
            db.create_all()
            demo.seed_users("bench", sync_departments())
            deploy_shipped()
            db.session.commit()
            statements = Statements(db.engine)
            raw, raw_cpu, raw_bytes = raw_steps()
            warm_cold = cold_and_warm(statements)
            floor = state_floor()
            with_key, without_key, state_size, seal = encryption_cost(app)
            path, rounds = app_run(args.rounds)
            db.session.remove()
            db.drop_all()
    raw_ms, app_ms = median(raw) * 1000, median(path) * 1000
    raw_cpu_ms = median(raw_cpu) * 1000
    print(f"database: {url.split(':')[0]}")
    print(
        f"raw SpiffWorkflow step, in memory:  median {raw_ms:7.2f} ms over {len(raw)} tasks"
        f" (CPU {raw_cpu_ms:.1f} ms)"
    )
    print(f"app engine step, with persistence: median {app_ms:7.2f} ms over {len(path)} tasks")
    print(f"app / raw ratio:                   {app_ms / raw_ms:7.1f}x   (aim <= 3x)")
    for cold, (seconds, cpu, count, size) in warm_cold.items():
        name = "miss (load from db)" if cold else "hit (kept in memory)"
        print(
            f"cache {name:<21} median {seconds * 1000:7.2f} ms"
            f" = {seconds * 1000 / raw_ms:5.1f}x raw (CPU {cpu * 1000:.1f} ms"
            f" = {cpu * 1000 / raw_cpu_ms:.1f}x raw CPU),"
            f" {count} statements, state {size / 1000:.1f} kB"
            f" = {size / raw_bytes:.2f}x raw serialization ({raw_bytes / 1000:.1f} kB)"
        )
    restore, serialise = (part * 1000 for part in floor)
    kept = restore + serialise + seal * 1000
    print(
        f"keeping the state, no SQL:         {kept:7.2f} ms CPU = {kept / raw_cpu_ms:.1f}x raw CPU"
        f" (restore {restore:.2f}, serialise {serialise:.2f}, seal + open {seal * 1000:.2f});"
        f" with the raw step {(kept + raw_cpu_ms) / raw_cpu_ms:.1f}x: the floor before SQL"
    )
    print(f"completion, encrypted at rest:     median {with_key * 1000:7.2f} ms")
    print(f"completion, plaintext (baseline):  median {without_key * 1000:7.2f} ms")
    print(
        f"encryption cost:                   {(with_key / without_key - 1) * 100:+7.1f} %"
        "   (aim <= +20 %)"
    )
    print(f"encrypt + decrypt a {state_size / 1000:.0f} kB state:  {seal * 1000:7.3f} ms")
    medians = {mark: median(samples) * 1000 for mark, samples in rounds.items()}
    for mark, value in medians.items():
        print(f"follow-up round ~{mark:>4}:             median {value:7.2f} ms")
    if 10 in medians and 1000 in medians:
        growth = medians[1000] / medians[10]
        print(f"round 1000 / round 10:             {growth:7.1f}x   (aim <= 2x)")


if __name__ == "__main__":
    main()
