"""The case page and the diagram view in a real browser: bpmn-js draws the marks."""

import pytest
from pages import log_in_as_is

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
