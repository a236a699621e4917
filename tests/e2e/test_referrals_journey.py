"""A health referral to an outside hospital in a real browser: sent by the police, accepted,
started and completed by the hospital through its one-time links; withdrawing the victim's
referral consent on the consent page then stops another pending referral."""

import pytest
from pages import answers_for, log_in, open_case, submit
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from models import Organisation, Referral, ReferralLink, db

pytestmark = pytest.mark.e2e
HOSPITAL = "Putian First Hospital"
CONSENT = {
    "consent_outside_referral": True,
    "consent_given_by": "victim",
    "consent_method": "written",
}


@pytest.fixture
def hospital():
    """The hospital in the directory (committed: the live server reads it)."""
    db.session.add(
        Organisation(name=HOSPITAL, kind="hospital", services=["medical_care"], contact="0594")
    )
    db.session.commit()
    yield
    db.session.rollback()
    for model in (ReferralLink, Referral, Organisation):
        db.session.execute(delete(model))
    db.session.commit()


def _refer(page: Page, number: str, service: str) -> str:
    """Send a referral to the hospital from the case page; returns the link shown once."""
    page.goto(f"/cases/{number}")
    page.get_by_role("link", name="Refer this case for a service").click()
    page.get_by_label("Service needed").select_option(label=service)
    page.get_by_label("Or to an outside organisation").select_option(label=HOSPITAL)
    assert submit(page, "Send the referral").ok
    return page.get_by_label("Link for the organisation").input_value()


def _answer(hospital_page: Page, link: str, status: str) -> str:
    """The hospital answers through a link; returns the next link ("" once closed)."""
    hospital_page.goto(link)
    hospital_page.get_by_label(status, exact=True).check()
    assert submit(hospital_page, "Send the answer").ok
    expect(hospital_page.locator("main")).to_contain_text(f"The referral is now: {status}.")
    next_link = hospital_page.get_by_label("Your next link")
    return next_link.input_value() if next_link.count() else ""


def test_a_referral_closes_its_loop_and_withdrawal_stops_the_next(page, browser, hospital):
    log_in(page, "police")
    number = open_case(page, "Lin Xiaomei", answers_for("case_open", CONSENT))
    first = _refer(page, number, "Medical care")
    second = _refer(page, number, "Psychological care")

    outside = browser.new_context(locale="en-US").new_page()
    outside.goto(first)
    expect(outside.locator("main")).to_contain_text(number)
    expect(outside.locator("main")).not_to_contain_text("Lin Xiaomei")
    link = _answer(outside, first, "accepted")
    assert outside.goto(first).status == 410  # the used link is spent
    link = _answer(outside, link, "in progress")
    assert _answer(outside, link, "completed") == ""

    page.goto(f"/cases/{number}/consent")
    page.get_by_label("Purpose").select_option(label="Referral to an outside organisation")
    page.locator("input[name=given][value=no]").check()
    page.locator("input[name=method][value=verbal]").check()
    page.locator("input[name=given_by][value=victim]").check()
    assert submit(page, "Record the answer").ok
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Referral for Medical care: completed")
    expect(timeline).to_contain_text(
        "Referral for Psychological care stopped: the consent was withdrawn"
    )
    assert outside.goto(second).status == 410
    outside.context.close()
