"""What a user does in the browser: log in, open a case, open and complete a step from the
inbox, wait for the timer worker. Shared by the real-browser journeys."""

import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from forms_filler import field_names, fill_form
from playwright.sync_api import Page, Response, expect

from forms.examples import EXAMPLES
from tests.conftest import demo_code
from webapp.config import TestConfig

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = TestConfig.DEMO_PASSWORD


def submit(page: Page, button: str) -> Response:
    """Click a submit button and wait for the page the server answers with."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button, exact=True).click()
    response = navigation.value
    assert response is not None
    return response


def switch_language(page: Page, locale: str) -> None:
    """Choose a language in the header's selector and press its button."""
    selector = page.locator("#locale")
    selector.select_option(locale)
    with page.expect_navigation():
        page.locator("form:has(#locale)").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en" if locale == "en" else "zh-Hans")


def log_in_as_is(page: Page, username: str, *, on_second_factor=None) -> None:
    """Log in with the keyboard (and the second factor), leaving the interface language as it is;
    `on_second_factor(page)` is called on the second factor's page if it shows."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    if "/login/second-factor" in page.url:
        if on_second_factor is not None:
            on_second_factor(page)
        page.fill("input[name=code]", demo_code(username))
        page.press("input[name=code]", "Enter")
        page.wait_for_load_state()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in from the login page, then read the interface in English."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    response = submit(page, "Log in")
    if "/login/second-factor" in page.url:
        page.get_by_label("Code from the authenticator app").fill(demo_code(username))
        response = submit(page, "Log in")
    assert response.ok, response.status
    case_list = page.url.endswith("/cases/")  # the home of oversight and the joint office
    assert case_list or page.url.endswith("/")
    if page.locator("html").get_attribute("lang") != "en":
        switch_language(page, "en")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Cases" if case_list else "Inbox")


def log_out(page: Page) -> None:
    """Log out from the header."""
    submit(page, "Log out")
    assert page.url.endswith("/login")


def inbox_row(page: Page, number: str):
    """The inbox rows of a case (the inbox lists only the case's ready steps)."""
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    return page.locator("table.inbox tbody tr").filter(
        has=page.get_by_role("link", name=number, exact=True)
    )


def open_task(page: Page, number: str, title: str) -> None:
    """Open a case's step from the inbox."""
    rows = inbox_row(page, number).filter(has=page.get_by_role("link", name=title, exact=True))
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("p.context")).to_contain_text(number)


def answer_form(page: Page):
    """The form of the step's answers (the page also has claim, language and log-out forms)."""
    return page.locator("form:has(button.primary)")


def complete_step(page: Page, number: str, title: str, answers: dict) -> None:
    """Fill the open task's form and complete the step: back to the inbox, with a message."""
    form = answer_form(page)
    assert field_names(form) == set(answers), "the page and EXAMPLES list different fields"
    fill_form(form, answers)
    response = submit(page, "Complete this step")
    assert response.ok, response.status
    expect(page.locator("p.flash.success")).to_have_text(
        f"Step completed: {title} (case {number})."
    )
    expect(inbox_row(page, number).get_by_role("link", name=title, exact=True)).to_have_count(0)


def open_case(page: Page, victim: str, intake: dict) -> str:
    """Register a victim on the intake page; returns the new case's number."""
    page.get_by_role("link", name="Open a case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a case")
    page.get_by_label("Victim's name or care alias").fill(victim)
    fill_form(page.locator("main form"), intake)
    response = submit(page, "Open the case")
    assert response.ok, response.status
    match = re.search(r"/cases/(HC-\d{4}-[A-Z0-9]{6})$", page.url)
    assert match, page.url
    number = match.group(1)
    expect(page.locator("p.flash.success")).to_contain_text(f"Case {number} opened.")
    expect(page.locator("dd.status-open")).to_have_text("Open")
    return number


def answers_for(form_key: str, extra: dict) -> dict:
    """The example answers of a form with `extra`."""
    return {**EXAMPLES[form_key], **extra}


def run_timer_worker(page: Page, number: str, worker_env) -> None:
    """Read on the case page when the follow-up is due, wait for it, run one timer worker."""
    page.goto(f"/cases/{number}")
    due = page.locator("dl.facts dt:text-is('Next follow-up due') + dd time")
    expect(due).to_have_count(1)
    due_at = datetime.fromisoformat(due.get_attribute("datetime"))
    due_at = due_at if due_at.tzinfo else due_at.replace(tzinfo=UTC)
    time.sleep(max((due_at - datetime.now(UTC)).total_seconds(), 0) + 0.05)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "timers", "run", "--until-idle"],
        cwd=ROOT,
        env=worker_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert re.search(r"fired 1 timers$", result.stdout, re.MULTILINE), result.stdout
