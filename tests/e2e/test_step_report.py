"""The reviewer reads a case's steps and departments in a real browser, in Chinese and English."""

import pytest
from pages import log_in_as_is, submit
from playwright.sync_api import expect

from forms.examples import EXAMPLES
from models import db
from workflows import engine

pytestmark = pytest.mark.e2e


def _case_after_aid(users) -> str:
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    while (task := db.session.scalars(engine.open_tasks(case)).first()).form_key != (
        "aid_special_file"
    ):
        engine.complete_task(task.id, EXAMPLES[task.form_key], users[task.department.code])
    number = case.number
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    return number


def test_the_reviewer_reads_who_did_each_step(page, users, screenshot):
    number = _case_after_aid(users)
    log_in_as_is(page, "reviewer")
    page.goto(f"/cases/{number}")
    report = page.locator("section.step-report")
    expect(report.locator("h2")).to_have_text("步骤与部门")
    expect(report.locator("tr[data-outcome='on_time']").first).to_contain_text("按时完成")
    expect(report.locator("tr[data-kind='department']").first).to_contain_text("民政厅")
    report.scroll_into_view_if_needed()
    screenshot(page, "step-report-zh")
    page.get_by_label("语言").select_option("en")
    submit(page, "切换")
    expect(page.get_by_label("Language")).to_have_value("en")
    page.goto(f"/cases/{number}")
    expect(report.locator("h2")).to_have_text("Steps and departments")
    expect(report.locator("tr[data-outcome='on_time']").first).to_contain_text("On time")
    screenshot(page, "step-report-en")
    page.get_by_label("Language").select_option("zh")
    submit(page, "Switch")
    expect(page.get_by_label("语言")).to_have_value("zh")
