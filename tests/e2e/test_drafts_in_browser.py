"""A half-filled task form survives an expired session: saved as typed, restored after log-in."""

import pytest
from pages import answer_form, log_in
from playwright.sync_api import expect
from sqlalchemy import text

from forms.examples import EXAMPLES
from models import db
from workflows import engine

pytestmark = pytest.mark.e2e
CANARY = "BrowserDraftCanary8M3"


def test_typed_answers_are_back_after_the_session_expired(page, users, screenshot):
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    task_id = db.session.scalars(engine.open_tasks(case)).first().id
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    log_in(page, "police")
    page.goto(f"/tasks/{task_id}")
    form = answer_form(page)
    with page.expect_response(lambda r: r.url.endswith(f"/tasks/{task_id}/draft")) as saved:
        form.locator("[name=identification_notes]").fill(f"{CANARY}: speaks only Vietnamese")
        form.locator("[name=age]").fill("15")
    assert saved.value.status == 204
    expect(form.locator(".draft-status")).to_have_text("Draft saved.")
    page.wait_for_timeout(1200)  # the last keystroke's save, too
    page.context.clear_cookies()  # the session expires
    page.goto(f"/tasks/{task_id}")
    assert "/login" in page.url
    log_in(page, "police")
    page.goto(f"/tasks/{task_id}")
    form = answer_form(page)
    expect(page.locator("[data-draft=restored]")).to_contain_text("Your unsubmitted answers of")
    expect(form.locator("[name=identification_notes]")).to_have_value(
        f"{CANARY}: speaks only Vietnamese"
    )
    expect(form.locator("[name=age]")).to_have_value("15")
    screenshot(page, "task-draft-restored")
    db.session.rollback()
    stored = db.session.scalar(text("SELECT answers FROM task_drafts"))
    assert stored.startswith("hc1:") and CANARY not in stored
    db.session.commit()
