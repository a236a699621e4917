"""A child's step passes its due time, the police head reassigns it, the new worker completes it.

The manager sets the child's service level in the browser; the only thing done behind the
browser's back is what no user does either: timer workers on a clock moved past the due time.
"""

import pytest
from pages import answers_for, complete_step, log_in, log_out, open_task
from playwright.sync_api import expect
from sqlalchemy import delete

from forms.examples import EXAMPLES
from models import ServiceLevel, db
from workflows import engine

pytestmark = pytest.mark.e2e
STEP, TITLE = "rescue_identification", "Identify the victim"


@pytest.fixture
def no_service_levels():
    """The table is empty again after the test."""
    yield
    db.session.rollback()
    db.session.execute(delete(ServiceLevel))
    db.session.commit()


def test_overdue_child_step_reassigned_and_completed(
    page, users, colleague, run_workers, accounts_in_chinese, no_service_levels, screenshot
):
    log_in(page, "manager")
    page.get_by_role("link", name="Service levels").click()
    row = page.locator(f'tr[data-form-key="{STEP}"][data-profile="child"]')
    row.get_by_label("Due within").fill("PT2H")
    row.get_by_label("Priority").fill("90")
    with page.expect_navigation():
        row.get_by_role("button", name="Save").click()
    expect(page.locator("p.flash.success")).to_contain_text("Saved.")
    log_out(page)

    case = engine.open_case({**EXAMPLES["case_open"], "age": 9}, users["police"], "Lin Xiaomei")
    task = db.session.scalars(engine.open_tasks(case)).one()
    engine.claim_task(task.id, users["police"])
    number, task_id, priority = case.number, task.id, task.priority
    holder, holder_login = colleague.display_name, colleague.username
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    assert priority == 90
    run_workers(2 * 3600 * 1.1, count=2)  # the clock moved past the due time

    log_in(page, "police_head")
    expect(page.locator(".notifications-link .badge")).to_have_text("1")
    page.get_by_role("link", name="My department").click()
    expect(page.locator("ul.escalated")).to_contain_text(number)
    row = page.locator(f'table.workload tr[data-task-id="{task_id}"]')
    expect(row).to_contain_text("Police")
    row.get_by_label("Give to").select_option(label=holder)
    with page.expect_navigation():
        row.get_by_role("button", name="Reassign").click()
    said = f"{TITLE} of case {number} is now {holder}'s."
    expect(page.locator("p.flash.success")).to_have_text(said)
    expect(row).to_contain_text(holder)
    screenshot(page, "department-head-workload")
    log_out(page)

    log_in(page, holder_login)
    expect(page.locator(".notifications-link .badge")).to_have_text("1")
    open_task(page, number, TITLE)
    complete_step(page, number, TITLE, answers_for(STEP, {}))
    page.goto(f"/cases/{number}")
    timeline = page.locator("main")
    expect(timeline).to_contain_text(f"Step overdue, the department head told: {TITLE}")
    expect(timeline).to_contain_text(f"Step reassigned: {TITLE}")
    expect(timeline).to_contain_text(f"Step completed: {TITLE}")
