"""On a phone every table keeps its column names: it scrolls sideways, within the page; the
case list, whose cells name their column, stacks its rows."""

import pytest
from pages import log_in

from models import db

pytestmark = pytest.mark.e2e

# Cells shown with neither a visible column heading nor a label of their own.
UNLABELLED = """(selector) => [...document.querySelectorAll(selector + ' tbody td')]
    .filter((td) => td.textContent.trim() && td.offsetParent !== null)
    .filter((td) => {
        const before = getComputedStyle(td, '::before').content;
        const head = td.closest('table').querySelector('thead');
        return (!before || before === 'none' || before === 'normal')
            && (!head || getComputedStyle(head).display === 'none');
    }).length"""
PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth + 1"


def test_tables_keep_their_column_names_on_a_phone(page, open_case, screenshot):
    number = open_case("Lin Xiaomei").number
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server
    log_in(page, "police")
    page.set_viewport_size({"width": 390, "height": 844})
    for path, table in (("/", "table.inbox"), (f"/cases/{number}", "table.waiting")):
        page.goto(path)
        assert page.locator(f"{table} tbody td").count() > 0, path
        assert page.evaluate(UNLABELLED, table) == 0, path
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), path  # the table scrolls, not the page
    screenshot(page, "case-page-phone")
    page.goto("/cases/")
    assert page.evaluate(UNLABELLED, "table.case-list") == 0
    assert page.locator("table.case-list thead").is_hidden()  # stacked rows, each cell labelled
