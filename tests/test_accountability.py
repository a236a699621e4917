"""The step report of one case: every step's department, people, times and outcome, and the
hand-overs, with times set by the test; shown to oversight and the joint office only."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from forms.examples import EXAMPLES
from models import HumanTask, TaskStatus, db
from workflows import engine
from workflows.accountability import HandoverKind, Outcome, step_report

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=50)


def _rows(case):
    return db.session.scalars(
        select(HumanTask).filter_by(case_id=case.id).order_by(HumanTask.id)
    ).all()


def _set(row, **times):
    db.session.execute(update(HumanTask).where(HumanTask.id == row.id).values(**times))


def _timed_case(open_case, users):
    """Identified 6 hours late; then one step overdue by 10 hours, the others waiting."""
    case = open_case(steps=1)
    identification, first_ready, *others = _rows(case)
    assert identification.form_key == "rescue_identification"
    _set(
        identification,
        created_at=T0,
        due_at=T0 + timedelta(hours=24),
        claimed_at=T0 + timedelta(hours=1),
        claimed_by_id=users["police"].id,
        completed_at=T0 + timedelta(hours=30),
    )
    _set(first_ready, created_at=T0 + timedelta(hours=30), due_at=T0 + timedelta(hours=40))
    for row in others:
        _set(row, created_at=T0 + timedelta(hours=30), due_at=T0 + timedelta(days=30))
    db.session.commit()
    db.session.expire_all()
    return case, first_ready, others


def test_each_step_says_who_did_it_when_and_whether_on_time(open_case, users):
    case, first_ready, _ = _timed_case(open_case, users)
    report = step_report(case, now=NOW)
    identification = report.steps[0]
    assert (identification.form_key, identification.department) == (
        "rescue_identification",
        "police",
    )
    assert identification.measure == "二(二)1"
    assert identification.claimed_by == identification.completed_by
    assert identification.completed_by == users["police"].display_name
    assert identification.outcome == Outcome.LATE
    assert identification.overrun == timedelta(hours=6)
    assert identification.took == timedelta(hours=30)
    overdue = next(step for step in report.steps if step.task_id == first_ready.id)
    assert (overdue.outcome, overdue.overrun) == (Outcome.OVERDUE, timedelta(hours=10))
    assert overdue.completed_at is None and overdue.claimed_by is None
    earlier = step_report(case, now=T0 + timedelta(hours=35))
    waiting = next(step for step in earlier.steps if step.task_id == first_ready.id)
    assert (waiting.outcome, waiting.overrun) == (Outcome.WAITING, None)
    assert (report.done, report.count(Outcome.LATE), report.count(Outcome.OVERDUE)) == (1, 1, 1)


def test_a_step_done_in_time_and_a_cancelled_one(open_case, users):
    case, first_ready, _ = _timed_case(open_case, users)
    _set(_rows(case)[0], completed_at=T0 + timedelta(hours=23))
    db.session.commit()
    engine.close_case(case, users["police"], "victim moved abroad")
    db.session.commit()
    db.session.expire_all()
    report = step_report(case, now=NOW)
    assert report.steps[0].outcome == Outcome.ON_TIME and report.steps[0].overrun is None
    cancelled = next(step for step in report.steps if step.task_id == first_ready.id)
    assert cancelled.status == TaskStatus.CANCELLED and cancelled.outcome == Outcome.CANCELLED


def test_hand_overs_say_from_which_department_to_which(open_case):
    case = open_case(steps=4)  # identified, family traced, sheltered, supported
    report = step_report(case, now=NOW)
    moves = [(line.kind, line.source, line.to) for line in report.handovers]
    assert (HandoverKind.DEPARTMENT, "police", "civil_affairs") in moves
    assert (HandoverKind.DEPARTMENT, "civil_affairs", "womens_federation") in moves
    assert all(line.at is not None for line in report.handovers)


def _section(html: str) -> str:
    found = re.search(r'<section class="step-report".*?</section>', html, re.S)
    return found.group(0) if found else ""


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        ("en", ["Steps and departments", "Late (by 6 hours)", "Overdue (by 10 hours)", "二(二)1"]),
        ("zh", ["步骤与部门", "逾期完成 (超出 6小时)", "已逾期 (超出 10小时)", "二(二)1"]),
    ],
)
def test_a_reviewer_reads_the_report_on_the_case_page(
    open_case, users, login, audits, locale, texts, app, monkeypatch
):
    case, _, _ = _timed_case(open_case, users)
    monkeypatch.setitem(app.config, "CLOCK_OFFSET", (NOW - datetime.now(UTC)).total_seconds())
    html = login("reviewer", locale=locale).get(f"/cases/{case.number}").get_data(as_text=True)
    section = _section(html)
    for text in [*texts, users["police"].display_name]:
        assert text in section, text
    # Who and when, never what: no answer of a step, no name of the victim.
    assert EXAMPLES["rescue_identification"]["identification_notes"] not in section
    assert "Lin Xiaomei" not in section
    assert audits("step_report_viewed", case_id=case.id) == 1


def test_a_social_worker_does_not_get_the_report(open_case, users, login, audits):
    case, _, _ = _timed_case(open_case, users)
    response = login("police").get(f"/cases/{case.number}")
    assert response.status_code == 200
    assert _section(response.get_data(as_text=True)) == ""
    assert audits("step_report_viewed") == 0


def test_the_joint_office_reviews_the_steps_on_its_closing_task(
    app, open_case, users, login, audits, monkeypatch
):
    monkeypatch.setitem(app.config, "FOLLOW_UP_INTERVAL", "PT0S")  # the visit is due at once
    case = open_case("Huang Wei", age=30, sex="male", origin_province="fujian")
    answers = {"age": 30, "willing_to_return": True, "legal_aid_requested": False}
    while (task := db.session.scalars(engine.open_tasks(case)).first()).form_key != (
        "closure_review"
    ):
        data = {**EXAMPLES[task.form_key], **answers}
        engine.complete_task(task.id, data, users[task.department.code])
    db.session.commit()
    page = login("joint_office", locale="zh").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "尚无贵部门可查阅的记录" not in page
    section = _section(page)
    assert "步骤与部门" in section and "按时完成" in section
    assert section.count("<tr data-task-id=") == len(_rows(case))
    assert audits("step_report_viewed", case_id=case.id) == 1
