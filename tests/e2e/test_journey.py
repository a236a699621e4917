"""A case from rescue to closure in a real browser, as the departments' social workers see it.

Everything goes through the pages a user sees: log in, the inbox, the task page and its form,
the case page and the diagram. The only things done behind the browser's back are what no
user does either: running the timer worker once the follow-up is due, and adding (then
removing) a second police account for the test of two people completing the same step.

Accounts open in Chinese (their stored language); `log_in` switches to English with the
language selector, as a user would, so every check below reads the English interface.
Stored languages are put back after each test.
"""

import re
from datetime import timedelta
from uuid import uuid4

import pytest
from forms_filler import expected_values, fill_form, form_values
from pages import (
    PASSWORD,
    answer_form,
    answers_for,
    complete_step,
    inbox_row,
    log_in,
    log_out,
    open_case,
    open_task,
    run_timer_worker,
    submit,
)
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select

from forms.examples import EXAMPLES
from forms.fields import china_today
from models import (
    Department,
    Membership,
    Role,
    User,
    db,
)
from tests.conftest import CASE_TABLES
from webapp.passwords import hash_password

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("accounts_in_chinese")]

# A 30-year-old man from Fujian, rescued, no disability: the short path through the pathway.
INTAKE = {
    **EXAMPLES["case_open"],
    "report_type": "rescue",
    "age": 30,
    "sex": "male",
    "disability": False,
    "origin_country": "CN",
    "origin_province": "fujian",
    "report_location": "Fuqing, Fuzhou",
    "intake_notes": "Found at a construction site during a labour inspection.",
}
VICTIM = "Huang Jianguo"
# (form key, department code, step title, answers beyond EXAMPLES[form key]): in the order
# the steps become ready. The decision fields keep the path short.
JOURNEY = [
    (
        "rescue_identification",
        "police",
        "Identify the victim",
        {
            "age": 30,
            "identity_documents": ["id_card", "hukou"],
            "age_evidence": "documents",
            "criminal_case_filed": False,
            "identification_notes": "Resident identity card found on him; checked with the hukou.",
        },
    ),
    (
        "aid_shelter",
        "civil_affairs",
        "Give temporary shelter",
        {"willing_to_return": True, "legal_aid_requested": False},
    ),
    ("aid_special_file", "police", "Open the special file", {"referred_difficulties": ["income"]}),
    ("difficulty_civil_affairs", "civil_affairs", "Solve housing or income difficulties", {}),
    (
        "return_plan",
        "civil_affairs",
        "Plan the return home",
        {"return_destination": "Fuding, Ningde"},
    ),
    ("care_medical", "health", "Provide medical care", {}),
    (
        "return_reunion",
        "civil_affairs",
        "Reunite with the family",
        {"reunion_place": "Fuding, Ningde"},
    ),
    ("care_psychological", "health", "Provide psychological care", {}),
    ("follow_up_visit", "civil_affairs", "Follow up", {"case_can_close": True}),
    ("closure_review", "joint_office", "Review and close the case", {}),
]
DEPARTMENT_NAMES = {
    "police": "Public Security",
    "civil_affairs": "Civil Affairs",
    "health": "Health",
    "joint_office": "Joint Conference Office",
}
SAVED_NOTHING = "Nothing was saved: please correct the answers marked below."


# --- the tests ---------------------------------------------------------------------------


def test_a_case_from_rescue_to_closure_in_the_browser(page, worker_env, screenshot):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # Chromium logs the invalid submission's answer (422) as a console error: expected.
    expected = "Failed to load resource: the server responded with a status of 422"

    log_in(page, "police")
    number = open_case(page, VICTIM, INTAKE)
    rows = inbox_row(page, number)
    expect(rows.get_by_role("link", name="Identify the victim", exact=True)).to_be_visible()
    screenshot(page, "journey-1-inbox")

    for form_key, department, title, extra in JOURNEY:
        if form_key != "rescue_identification":  # the police officer is still logged in
            log_in(page, department)
        if form_key == "follow_up_visit":
            expect(inbox_row(page, number)).to_have_count(0)  # nothing before the timer
            run_timer_worker(page, number, worker_env)
        open_task(page, number, title)
        answers = answers_for(form_key, extra)
        if form_key == "rescue_identification":
            fill_form(answer_form(page), answers)
            screenshot(page, "journey-2-task-form")
        if form_key == "aid_shelter":
            check_an_invalid_submission(page, answers, screenshot)
        complete_step(page, number, title, answers)
        log_out(page)

    log_in(page, "reviewer")
    page.goto(f"/cases/{number}")
    expect(page.locator("dd.status-closed")).to_have_text("Closed")
    check_the_timeline(page)
    screenshot(page, "journey-4-timeline")
    check_the_diagram(page, number)
    screenshot(page, "journey-5-diagram")
    assert [e for e in errors if not e.startswith(expected)] == []


def check_an_invalid_submission(page: Page, answers: dict, screenshot) -> None:
    """A date in the future, no shelter type, no answer on going home: each error sits next
    to its field, nothing is saved, and everything typed is still there."""
    next_week = china_today() + timedelta(days=7)  # in the future on either side of midnight
    wrong = {
        **answers,
        "admission_date": next_week,
        "shelter_type": None,
        "willing_to_return": None,
        "shelter_notes": "Arrived without luggage.",
    }
    fill_form(answer_form(page), wrong)
    response = submit(page, "Complete this step")
    assert response.status == 422
    expect(page.get_by_role("alert")).to_have_text(SAVED_NOTHING)
    expect(page.get_by_role("heading", level=1)).to_have_text("Give temporary shelter")
    screenshot(page, "journey-3-invalid-submission")

    form = answer_form(page)
    expected_errors = {
        "admission_date": "This date cannot be in the future.",
        "shelter_type": "Please choose an option.",
        "willing_to_return": "Please answer yes or no.",
    }
    for name, message in expected_errors.items():
        field = form.locator(f"div.field:has([name={name}])")
        expect(field).to_have_class(re.compile(r"\bhas-errors\b"))
        expect(field.locator(f"ul.errors#{name}-errors")).to_have_text(message)
    expect(form.get_by_label("Date of admission")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Date of admission")).to_have_attribute(
        "aria-describedby", "admission_date-errors"
    )
    expect(form.locator("fieldset:has([name=willing_to_return])")).to_have_attribute(
        "aria-describedby", "willing_to_return-errors"
    )
    expect(form.locator("div.field.has-errors")).to_have_count(len(expected_errors))
    assert form_values(form, wrong) == expected_values(wrong)


def check_the_timeline(page: Page) -> None:
    """Every step, by the right department, in order; newest first: closed on top, opened last."""
    events = page.locator("ol.timeline > li")
    kinds = [
        re.search(r"event-(\w+)", c).group(1)
        for c in events.evaluate_all("(els) => els.map((e) => e.className)")
    ][::-1]  # the page lists newest first; read it in the order things happened
    assert kinds[0] == "case_opened" and kinds[-1] == "case_closed"
    expect(events.last.locator(".summary")).to_have_text("Case opened")
    expect(events.last.locator(".department")).to_have_text("Public Security")
    expect(events.first.locator(".summary")).to_have_text(
        "Case closed: every step of the pathway is done"
    )

    completed = page.locator("ol.timeline > li.event-task_completed")
    expect(completed).to_have_count(len(JOURNEY))
    seen = [
        (item.locator(".summary").inner_text(), item.locator(".department").inner_text())
        for item in completed.all()
    ]
    assert seen == [
        (f"Step completed: {title}", DEPARTMENT_NAMES[department])
        for _, department, title, _ in reversed(JOURNEY)
    ]

    # The follow-up waited for its timer: fired after the reunion, before the visit.
    fired = kinds.index("timer_fired")
    done = [i for i, kind in enumerate(kinds) if kind == "task_completed"]
    assert done[-3] < fired < done[-2]


def check_the_diagram(page: Page, number: str) -> None:
    """The whole pathway marks the phases gone through; the return marks its care steps."""
    page.get_by_role("link", name="See where the case stands on the pathway diagram").click()
    page.wait_for_url(f"**/cases/{number}/diagram*")
    for phase in ("rescue", "temporary_aid", "return_home", "difficulties", "follow_up", "closure"):
        page.locator(f'[data-element-id="CallActivity_{phase}"].mark-completed').wait_for()
    expect(page.locator('[data-element-id="CallActivity_stay"]')).not_to_have_class(
        re.compile(r"\bmark-")
    )
    expect(page.locator("#process option[value=return_home]")).to_have_text("Return home (done)")

    page.get_by_label("Show").select_option("return_home")
    for task in (
        "Task_return_plan",
        "Task_care_medical_before_travel",
        "Task_return_reunion",
        "Task_care_psychological_at_home",
    ):
        page.locator(f'[data-element-id="{task}"].mark-completed').wait_for()
    expect(page.locator("#diagram .mark-current, #diagram .mark-waiting")).to_have_count(0)
    assert "process=return_home" in page.url


# --- two social workers, one step ------------------------------------------------------------


@pytest.fixture
def second_police_worker():
    """Another police social worker (a unique account), removed with what it left behind."""
    police = db.session.scalar(select(Department).filter_by(code="police"))
    user = User(
        username=f"police-{uuid4().hex[:8]}",
        display_name="Second Officer",
        password_hash=hash_password(PASSWORD),
    )
    user.memberships.append(Membership(department=police, role=Role.SOCIAL_WORKER))
    db.session.add(user)
    db.session.flush()
    username, user_id = user.username, user.id  # read before the commit expires them:
    db.session.commit()  # a read after it would hold SQLite's write lock (BEGIN IMMEDIATE)
    yield username
    db.session.rollback()
    for model in CASE_TABLES:  # emptied before every test anyway; they refer to the account
        db.session.execute(delete(model))
    db.session.delete(db.session.get(User, user_id))
    db.session.commit()


def test_two_browsers_completing_the_same_task(
    browser, live_server, second_police_worker, screenshot
):
    first_context = browser.new_context(base_url=live_server, locale="en-US")
    second_context = browser.new_context(base_url=live_server, locale="en-US")
    try:
        first, second = first_context.new_page(), second_context.new_page()
        log_in(first, "police")
        number = open_case(first, VICTIM, INTAKE)
        log_in(second, second_police_worker)

        title = "Identify the victim"
        open_task(first, number, title)
        open_task(second, number, title)
        mine = answers_for("rescue_identification", {"age": 30})
        theirs = answers_for(
            "rescue_identification",
            {
                "age": 31,
                "identity_documents": ["passport"],
                "age_evidence": "statement",
                "identification_notes": "Typed by the second officer, who came too late.",
            },
        )
        fill_form(answer_form(first), mine)
        fill_form(answer_form(second), theirs)

        complete_step(first, number, title, mine)

        response = submit(second, "Complete this step")
        assert response.status == 409
        expect(second.get_by_role("heading", level=1)).to_have_text(title)  # no error page
        expect(second.get_by_role("alert")).to_have_text(
            "This step was already completed by someone else. Nothing you typed was saved; "
            "it is still below so that you can copy it."
        )
        expect(second.locator("[data-state=completed]")).to_contain_text("Completed by Police")
        expect(second.get_by_role("heading", name="What you typed (not saved)")).to_be_visible()
        typed = second.locator("div.typed")
        assert form_values(typed, theirs) == expected_values(theirs)
        expect(second.get_by_role("button", name="Complete this step")).to_have_count(0)
        screenshot(second, "journey-6-already-completed")

        # What the first officer recorded is what the case holds.
        second.goto(f"/cases/{number}")
        recorded = second.locator("ol.timeline > li.event-task_completed")
        expect(recorded).to_have_count(1)
        expect(recorded.locator(".person")).to_have_text("Police")
        expect(recorded.locator("dd", has_text=mine["identification_notes"])).to_have_count(1)
        expect(recorded.locator("dd", has_text="came too late")).to_have_count(0)
    finally:
        first_context.close()
        second_context.close()


# --- the interface language ------------------------------------------------------------------


def test_switching_language(page):
    page.goto("/login")
    page.get_by_label("Username").fill("police")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Log in")
    heading = page.get_by_role("heading", level=1)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")  # the account's default
    expect(heading).to_contain_text("待办")

    page.get_by_label("语言").select_option("en")
    submit(page, "切换")
    expect(heading).to_contain_text("Inbox")
    expect(page.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    expect(page.get_by_label("Language")).to_have_value("en")

    log_out(page)
    page.get_by_label("Username").fill("police")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Log in")
    expect(heading).to_contain_text("Inbox")  # remembered on the account

    page.get_by_label("Language").select_option("zh")
    submit(page, "Switch")
    expect(heading).to_contain_text("待办")
    expect(page.get_by_role("link", name="待办", exact=True)).to_be_visible()

    submit(page, "退出登录")
    page.get_by_label("Username").fill("police")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Log in")
    expect(heading).to_contain_text("待办")
    expect(page.get_by_label("语言")).to_have_value("zh")
