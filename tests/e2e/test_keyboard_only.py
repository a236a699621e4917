"""A social worker completes a step with the keyboard alone: Tab, Shift+Tab, arrows, Space and
Enter, never a click, and sees where the focus is."""

import pytest
from forms_filler import browser_value
from pages import PASSWORD, answers_for
from playwright.sync_api import Page, expect

from models import db
from workflows import engine

pytestmark = pytest.mark.e2e

# What the focused element is, read in the page.
_FOCUSED = """() => {
    const el = document.activeElement;
    return {tag: el.tagName, type: el.type || '', name: el.name || '', text: el.innerText || '',
            value: el.value || '', checked: !!el.checked, primary: el.classList.contains('primary'),
            href: el.getAttribute('href') || '',
            row: el.closest('tr') ? el.closest('tr').dataset.taskId || '' : ''};
}"""
_FOCUS_RING = """() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        || style.boxShadow !== 'none';
}"""


def focused(page: Page) -> dict:
    """The focused element's tag, type, name, text, value and inbox row."""
    return page.evaluate(_FOCUSED)


def tab_to(page: Page, wanted, *, limit: int = 120) -> dict:
    """Press Tab until the focused element is `wanted(element)`; returns it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError("Tab never reached the element")


def answer(page: Page, element: dict, value) -> None:
    """Give the focused field its answer with the keyboard, as its widget expects."""
    wanted = browser_value(value)
    if element["type"] == "radio":
        for _ in range(10):
            if focused(page)["value"] == wanted and focused(page)["checked"]:
                return
            page.keyboard.press("Space" if focused(page)["value"] == wanted else "ArrowDown")
        raise AssertionError(f"no radio answers {wanted!r}")
    if element["type"] == "checkbox":
        if focused(page)["checked"] != (wanted == "yes"):
            page.keyboard.press("Space")
        return
    if element["tag"] == "SELECT":
        page.keyboard.press("Home")
        for _ in range(300):
            if focused(page)["value"] == wanted:
                return
            page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {wanted!r}")
    if element["type"] in ("date", "datetime-local"):  # en-GB: day, month, year, hours, minutes
        day = value.strftime("%d%m%Y")
        page.keyboard.type(day + value.strftime("%H%M") if element["type"] != "date" else day)
        return
    page.keyboard.press("Control+A")
    page.keyboard.type(wanted)


def test_a_social_worker_claims_and_completes_a_step_with_the_keyboard(
    browser, live_server, open_case, screenshot
):
    case = open_case("林晓梅")
    task = db.session.scalars(engine.open_tasks(case)).one()
    task_id, number, form_key = str(task.id), case.number, task.form_key
    db.session.rollback()  # end our read: SQLite lets one transaction at a time in
    context = browser.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()

    page.goto("/login")
    tab_to(page, lambda el: el["name"] == "username")
    page.keyboard.type("police")
    page.keyboard.press("Tab")
    page.keyboard.type("a typo")
    page.keyboard.press("Shift+Tab")  # back to the user name, then on to a corrected password
    assert focused(page)["name"] == "username"
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    claim = tab_to(page, lambda el: el["row"] == task_id and el["tag"] == "BUTTON")
    assert claim["text"] in ("Claim", "认领"), claim
    assert page.evaluate(_FOCUS_RING), "the focused Claim button shows no focus indicator"
    screenshot(page, "keyboard-claim-focused")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    step = tab_to(page, lambda el: el["href"].endswith(f"/tasks/{task_id}") and el["row"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/tasks/{task_id}"), step

    answers = answers_for(form_key, {})
    waiting = {name: value for name, value in answers.items() if value not in ("", [], None)}
    ticking = set()  # the check-box lists being answered, one box (one Tab stop) at a time
    while True:
        element = tab_to(page, lambda el: el["name"] in waiting or el["primary"])
        for name in ticking - {element["name"]}:
            del waiting[name]
            ticking.discard(name)
        if element["primary"]:
            break
        value = waiting[element["name"]]
        if isinstance(value, list):
            ticking.add(element["name"])
            if (element["value"] in browser_value(value)) != element["checked"]:
                page.keyboard.press("Space")
        else:
            answer(page, element, waiting.pop(element["name"]))
    assert not waiting, f"Tab never reached {sorted(waiting)}"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    screenshot(page, "keyboard-step-completed")
    expect(page.locator("p.flash.success")).to_contain_text(number)
    open_steps = [t.form_key for t in db.session.scalars(engine.open_tasks(case))]
    assert open_steps and form_key not in open_steps, open_steps  # the case moved on
    db.session.rollback()
    context.close()
