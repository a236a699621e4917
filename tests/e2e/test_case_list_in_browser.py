"""A reviewer follows victims from the case list in a real browser: filters it, saves the
view, reopens it, in Chinese and English, on a phone (390 px) and a desktop (1280 px)."""

import re

import pytest
from pages import log_in_as_is, switch_language
from playwright.sync_api import expect

from forms.examples import EXAMPLES
from models import db
from workflows import engine

pytestmark = pytest.mark.e2e

WORDS = {
    "zh": {
        "age": "年龄组",
        "child": "儿童",
        "show": "显示",
        "save_as": "将这些筛选条件保存为",
        "save": "保存视图",
        "clear": "清除筛选",
        "view": "等待中的儿童",
        "heading": "案件",
    },
    "en": {
        "age": "Age group",
        "child": "Child",
        "show": "Show",
        "save_as": "Save these filters as",
        "save": "Save the view",
        "clear": "Clear the filters",
        "view": "children waiting",
        "heading": "Cases",
    },
}


def _cases(users) -> tuple[str, str]:
    child = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    adult = engine.open_case({**EXAMPLES["case_open"], "age": 34}, users["police"], "Wang Fang")
    numbers = child.number, adult.number
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    return numbers


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.usefixtures("accounts_in_chinese")
def test_reviewer_filters_saves_and_reopens_a_view(page, users, screenshot, locale):
    child, adult = _cases(users)
    words = WORDS[locale]
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in_as_is(page, "reviewer")
    assert page.url.endswith("/cases/")
    if locale == "en":
        switch_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["heading"])
    rows = page.locator("table.case-list tbody tr")
    expect(rows).to_have_count(2)

    page.get_by_label(words["age"]).select_option("child")
    with page.expect_navigation():
        page.get_by_role("button", name=words["show"], exact=True).click()
    assert "age=child" in page.url
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(child)
    expect(rows.first).to_contain_text(words["child"])

    page.get_by_label(words["save_as"]).fill(words["view"])
    with page.expect_navigation():
        page.get_by_role("button", name=words["save"], exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(words["view"])

    with page.expect_navigation():
        page.get_by_role("link", name=words["clear"]).click()
    expect(rows).to_have_count(2)
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"case-list-{locale}-{width}")

    saved = page.get_by_role("region", name=re.compile(".")).get_by_role("link", name=words["view"])
    with page.expect_navigation():
        saved.click()
    page.wait_for_load_state()
    assert "age=child" in page.url
    expect(page.get_by_label(words["age"])).to_have_value("child")
    expect(rows).to_have_count(1)
    expect(rows.first).not_to_contain_text(adult)
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"case-list-view-{locale}-{width}")
    assert errors == []


@pytest.mark.usefixtures("accounts_in_chinese")
def test_the_journey_strip_reads_as_a_list(page, users, screenshot):
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    for _ in range(6):
        task = db.session.scalars(engine.open_tasks(case)).first()
        engine.complete_task(task.id, EXAMPLES[task.form_key], users[task.department.code])
    number = case.number
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    log_in_as_is(page, "reviewer")
    with page.expect_navigation():
        page.get_by_role("link", name=number).click()
    strip = page.get_by_role("region", name="办理进程").get_by_role("list")
    expect(strip.get_by_role("listitem").first).to_contain_text("已完成")
    expect(strip.locator("[aria-current=step]").first).to_contain_text("进行中")
    switch_language(page, "en")
    strip = page.get_by_role("region", name="Journey").get_by_role("list")
    expect(strip.get_by_role("listitem").first).to_contain_text("Done")
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"journey-strip-{width}")
