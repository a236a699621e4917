"""Conditional fields in a real browser: revealed by conditions.js, usable without JavaScript."""

import pytest
from pages import answer_form, log_in, submit
from playwright.sync_api import expect

from forms.examples import EXAMPLES
from models import db
from workflows import engine

pytestmark = pytest.mark.e2e
STEP = "Assess eligibility and offer legal aid"
COMMON = {
    "legal_application_date": "2024-03-11",
    "legal_aid_centre": "Putian Legal Aid Centre",
}


def _legal_aid_task(users) -> int:
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    while (task := db.session.scalars(engine.open_tasks(case)).first()).form_key != (
        "legal_eligibility"
    ):
        engine.complete_task(task.id, EXAMPLES[task.form_key], users[task.department.code])
    task_id = task.id
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    return task_id


def _fill_common(form):
    for name, value in COMMON.items():
        form.locator(f'[name="{name}"]').fill(value)


def test_the_ground_appears_on_choosing_yes(page, users, screenshot):
    task_id = _legal_aid_task(users)
    log_in(page, "justice")
    page.goto(f"/tasks/{task_id}")
    form = answer_form(page)
    ground = form.locator("[data-shown-when]:has([name=eligibility_ground])")
    reason = form.locator("[data-shown-when]:has([name=ineligibility_reason])")
    expect(ground).to_be_hidden()
    expect(reason).to_be_hidden()
    form.locator("[name=legal_aid_eligible][value=yes]").check()
    expect(ground).to_be_visible()
    expect(ground).to_contain_text("Only if “Eligible for legal aid” is “Yes”.")
    expect(reason).to_be_hidden()
    screenshot(page, "conditional-fields-eligible")
    form.locator("[name=legal_aid_eligible][value=no]").check()
    expect(ground).to_be_hidden()
    expect(reason).to_be_visible()
    _fill_common(form)
    form.locator("[name=ineligibility_reason]").fill("Income above the legal-aid threshold")
    assert submit(page, "Complete this step").ok
    expect(page.locator("p.flash.success")).to_contain_text(f"Step completed: {STEP}")


def test_without_javascript_every_field_shows_its_rule_and_the_form_completes(
    browser, live_server, users, screenshot
):
    task_id = _legal_aid_task(users)
    context = browser.new_context(base_url=live_server, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "justice")
        page.goto(f"/tasks/{task_id}")
        form = answer_form(page)
        expect(form.locator("[name=eligibility_ground]")).to_be_visible()
        expect(form.locator("[name=ineligibility_reason]")).to_be_visible()
        expect(form.locator("p.only-if")).to_have_text(
            [
                "Only if “Eligible for legal aid” is “Yes”.",
                "Only if “Eligible for legal aid” is “No”.",
                "Only if “Eligible for legal aid” is “Yes”.",
            ]
        )
        screenshot(page, "conditional-fields-without-javascript")
        _fill_common(form)
        form.locator("[name=legal_aid_eligible][value=no]").check()
        form.locator("[name=eligibility_ground]").select_option("minor")  # ignored: not eligible
        form.locator("[name=ineligibility_reason]").fill("Income above the legal-aid threshold")
        assert submit(page, "Complete this step").ok
        expect(page.locator("p.flash.success")).to_contain_text(f"Step completed: {STEP}")
    finally:
        context.close()
