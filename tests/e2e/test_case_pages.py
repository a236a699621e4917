"""The case page and the diagram view in a real browser: bpmn-js draws the marks."""

import pytest
from pages import log_in_as_is, submit, switch_language
from playwright.sync_api import expect

from forms.examples import EXAMPLES
from models import db
from workflows import engine

pytestmark = pytest.mark.e2e


def _case_in_temporary_aid(users):
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    while True:
        task = db.session.scalars(engine.open_tasks(case)).first()
        if task.form_key == "aid_special_file":
            break
        engine.complete_task(task.id, EXAMPLES[task.form_key], users[task.department.code])
    number = case.number
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    return number


def test_the_diagram_marks_done_and_ready_steps(page, users, screenshot):
    number = _case_in_temporary_aid(users)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in_as_is(page, "reviewer")
    page.goto(f"/cases/{number}")
    screenshot(page, "case-page")
    page.click(f"a[href='/cases/{number}/diagram']")
    page.locator('[data-element-id="CallActivity_rescue"].mark-completed').wait_for()
    assert page.locator('[data-element-id="CallActivity_temporary_aid"].mark-current').count() == 1
    screenshot(page, "case-diagram")
    page.select_option("#process", "temporary_aid")
    page.locator('[data-element-id="Task_aid_special_file"].mark-current').wait_for()
    assert page.locator('[data-element-id="Task_aid_shelter"].mark-completed').count() == 1
    assert "process=temporary_aid" in page.url
    assert errors == []


def test_a_department_head_reopens_a_closed_case(page, users, screenshot, accounts_in_chinese):
    """The police head re-opens a case closed early: a reason is required, then the case is
    open again at rescue, the timeline says why; in Chinese, then in English."""
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    engine.close_case(case, users["police_head"], "victim moved abroad")
    number = case.number
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    log_in_as_is(page, "police_head")
    page.goto(f"/cases/{number}")
    page.select_option("select[name=phase]", "rescue")
    assert submit(page, "重新开启案件").status == 422
    expect(page.locator("#reason-errors")).to_have_text("请说明重新开启案件的原因。")
    page.fill("textarea[name=reason]", "被害人重新回到救助机构")
    screenshot(page, "case-reopen-zh")
    assert submit(page, "重新开启案件").status == 200
    expect(page.locator("dd.status-open")).to_be_visible()
    timeline = "案件重新开启，从“解救与身份甄别”阶段开始：被害人重新回到救助机构"  # noqa: RUF001
    expect(page.get_by_text(timeline)).to_be_visible()
    switch_language(page, "en")
    expect(page.get_by_text("Case re-opened at Rescue and identification")).to_be_visible()
    screenshot(page, "case-reopened-en")
