"""Search before create, in a real browser: the police see the earlier case and link it."""

import pytest
from forms_filler import fill_form
from pages import log_in, submit
from playwright.sync_api import expect

from forms.examples import EXAMPLES
from models import db

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("accounts_in_chinese")]


def test_police_see_the_likely_match_and_link_it(page, open_case, screenshot):
    earlier = open_case("林小梅").number
    db.session.commit()  # no open read: SQLite would make the live server wait for it
    log_in(page, "police")
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Victim's name or care alias").fill("Xiaomei Lin")
    fill_form(page.locator("main form"), EXAMPLES["case_open"])
    submit(page, "Open the case")
    row = page.locator("#matches tr.match")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(earlier)
    expect(row).to_contain_text("same name")
    expect(row).to_contain_text("林小梅")
    screenshot(page, "matching-1-before-create")
    submit(page, "Open a new case all the same")
    expect(page.locator("p.flash.success")).to_contain_text("opened.")
    submit(page, "Link: same victim")
    expect(page.locator("p.flash.success")).to_contain_text(f"{earlier}")
    expect(page.locator("dd.retrafficked")).to_be_visible()
    expect(page.locator("table.matches tr.match")).to_contain_text("Linked: the same victim")
    screenshot(page, "matching-2-linked")
