"""Follow-up visits repeat until the case can close: 1,000 rounds must not stall."""

import time

from sqlalchemy import func, select

from forms.examples import EXAMPLES
from models import CaseStatus, HumanTask, ProcessInstance, TimelineEvent, db
from workflows import engine

ROUNDS = 1_000


def _complete_next(case, users, **answers):
    task = db.session.scalars(engine.open_tasks(case)).first()
    engine.complete_task(
        task.id, {**EXAMPLES[task.form_key], **answers}, users[task.department.code]
    )
    return task


def test_follow_up_survives_a_thousand_rounds(app, users, monkeypatch):
    """A victim visited 1,000 times before closure: every round lands in civil affairs."""
    monkeypatch.setitem(app.config, "FOLLOW_UP_INTERVAL", "PT0S")  # due at once
    case = engine.open_case(
        {**EXAMPLES["case_open"], "age": 30, "sex": "male", "origin_province": "fujian"},
        users["police"],
        "Huang Wei",
    )
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
