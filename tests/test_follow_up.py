"""Follow-up visits repeat until the case can close: 1,000 rounds must not stall."""

import json
import time

from sqlalchemy import func, select

from forms.examples import EXAMPLES
from models import CaseStatus, HumanTask, ProcessInstance, TimelineEvent, db
from workflows import engine
from workflows.pathways import pathway
from workflows.serialization import dump_state, load_state

ROUNDS = 1_000


def _complete_next(case, users, **answers):
    task = db.session.scalars(engine.open_tasks(case)).first()
    engine.complete_task(
        task.id, {**EXAMPLES[task.form_key], **answers}, users[task.department.code]
    )
    return task


def test_follow_up_survives_a_thousand_rounds(app, users, open_case, monkeypatch):
    """A victim visited 1,000 times before closure: every round lands in civil affairs."""
    monkeypatch.setitem(app.config, "FOLLOW_UP_INTERVAL", "PT0S")  # due at once
    case = open_case("Huang Wei", age=30, sex="male", origin_province="fujian")
    answers = {"age": 30, "willing_to_return": True, "legal_aid_requested": False}
    while db.session.scalars(engine.open_tasks(case)).first().form_key != "follow_up_visit":
        _complete_next(case, users, **answers)
    sizes, started = [], time.perf_counter()
    for round_no in range(ROUNDS):
        task = _complete_next(case, users, case_can_close=False)
        assert (task.form_key, task.department.code) == ("follow_up_visit", "civil_affairs")
        if round_no in (9, 99, 999):
            state = db.session.scalar(select(ProcessInstance.state).filter_by(case_id=case.id))
            sizes.append(len(state))
    elapsed = time.perf_counter() - started
    assert _complete_next(case, users, case_can_close=True).form_key == "follow_up_visit"
    assert _complete_next(case, users).form_key == "closure_review"
    assert case.status == CaseStatus.CLOSED
    visits = db.session.scalar(
        select(func.count())
        .select_from(HumanTask)
        .filter_by(case_id=case.id, form_key="follow_up_visit")
    )
    assert visits == ROUNDS + 1
    fired = db.session.scalar(
        select(func.count())
        .select_from(TimelineEvent)
        .filter_by(case_id=case.id, event_type="timer_fired")
    )
    assert fired == ROUNDS + 1  # the interval before each visit
    print(f"\n{ROUNDS} rounds in {elapsed:.1f}s; state after 10/100/1000 rounds: {sizes} bytes")


def test_a_step_leaves_finished_called_processes_as_saved(app, users, open_case, monkeypatch):
    """A lean load restores only what still runs; its save writes the finished called
    processes back as they were, and a finished round's process does not come back."""
    monkeypatch.setitem(app.config, "FOLLOW_UP_INTERVAL", "PT0S")
    case = open_case("Huang Wei", age=30, sex="male", origin_province="fujian")
    answers = {"age": 30, "willing_to_return": True, "legal_aid_requested": False}
    while db.session.scalars(engine.open_tasks(case)).first().form_key != "follow_up_visit":
        _complete_next(case, users, **answers)
    for _ in range(3):
        _complete_next(case, users, case_can_close=False)
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    specs = pathway(instance.pathway_version).specs
    whole = load_state(instance.state, specs)
    lean = load_state(instance.state, specs, whole=False)
    restored = {sub.spec.name for sub in lean.subprocesses.values()}
    assert {"rescue", "return_home"} <= {sub.spec.name for sub in whole.subprocesses.values()}
    assert "follow_up" in restored and not {"rescue", "return_home"} & restored
    assert json.loads(dump_state(lean)) == json.loads(dump_state(whole))
    before = len(json.loads(instance.state)["subprocesses"])
    _complete_next(case, users, case_can_close=False)
    assert len(json.loads(instance.state)["subprocesses"]) == before
