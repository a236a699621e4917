"""A family suspected of taking part in the sale, in a real browser: from the police's tracing
form to the placement in civil affairs' inbox, and never a way back to that family."""

import re

import pytest
from forms_filler import fill_form
from pages import (
    answer_form,
    answers_for,
    complete_step,
    inbox_row,
    log_in,
    log_out,
    open_case,
    open_task,
    submit,
)
from playwright.sync_api import expect

from forms.examples import EXAMPLES

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("accounts_in_chinese")]

VICTIM = "Chen Hao"
INTAKE = {
    **EXAMPLES["case_open"],
    "age": 10,
    "sex": "male",
    "origin_province": "jiangxi",
    "report_location": "Hanjiang District, Putian",
    "intake_notes": "Boy found with a couple who could show no papers for him.",
}
TRACING = answers_for(
    "rescue_family_tracing",
    {
        "parents_found": True,
        "family_safety_concern": True,
        "tracing_notes": "Neighbours say the father took money for the boy.",
    },
)


def test_suspected_family_sends_the_child_to_civil_affairs_placement(page, screenshot):
    log_in(page, "police")
    number = open_case(page, VICTIM, INTAKE)
    open_task(page, number, "Identify the victim")
    complete_step(
        page, number, "Identify the victim", answers_for("rescue_identification", {"age": 10})
    )

    open_task(page, number, "Trace the family")
    expect(
        answer_form(page).get_by_text(
            "Concern that the family took part in the sale or would harm the child"
        )
    ).to_be_visible()
    screenshot(page, "suspected-1-tracing-form")
    complete_step(page, number, "Trace the family", TRACING)

    investigation = "Investigate the family's part in the sale"
    expect(
        inbox_row(page, number).get_by_role("link", name=investigation, exact=True)
    ).to_be_visible()  # the police are told at once
    log_out(page)

    log_in(page, "civil_affairs")
    rows = inbox_row(page, number)
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link", name="Place the child", exact=True)).to_be_visible()
    screenshot(page, "suspected-2-civil-affairs-inbox")
    open_task(page, number, "Place the child")
    tracing = page.locator("details.recorded-step[data-form-key=rescue_family_tracing]")
    expect(tracing).to_have_count(1)  # what sent the child here
    expect(tracing.locator("dd", has_text="Neighbours say")).to_have_count(0)  # police's notes

    placement = answers_for("rescue_child_placement", {"not_with_suspected_family": False})
    fill_form(answer_form(page), placement)
    response = submit(page, "Complete this step")
    assert response.status == 422
    field = answer_form(page).locator("div.field:has([name=not_with_suspected_family])")
    expect(field).to_have_class(re.compile(r"\bhas-errors\b"))
    expect(field.locator("ul.errors")).to_have_text(
        "A child may never be placed with a family suspected of taking part in the sale."
    )
    screenshot(page, "suspected-3-placement-refused")

    complete_step(page, number, "Place the child", answers_for("rescue_child_placement", {}))
    page.goto(f"/cases/{number}")
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("li.event-task_ready", has_text=investigation)).to_have_count(1)
    expect(timeline.locator("li", has_text="Plan the return home")).to_have_count(0)
    expect(timeline.locator("li", has_text="Assess whether home is safe")).to_have_count(0)
    screenshot(page, "suspected-4-timeline")
