"""Every page each kind of user reaches passes axe-core (WCAG 2 A and AA) with no serious or
critical violation, and fits a 390 px phone without scrolling sideways (a wide table scrolls in
its own `.table-scroll` box); screenshots at 390 and 1280 px go to test-artifacts/.

The pages come from the app's GET routes, filled with the ids of a demo case; a page the user
may not see (4xx) is not theirs and is skipped. axe-core is vendored by `make vendor`.
"""

from pathlib import Path

import pytest
from flask import Flask
from pages import log_in_as_is, switch_language

from models import Case, db
from workflows import engine
from workflows.drafts import process_files
from workflows.evaluation.pages import PAGES
from workflows.pathways import latest_version

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "webapp/static/vendor/axe-core/axe.min.js"
# Not pages: data, files, the API, log-in steps, one-time links.
NOT_PAGES = ("/api/", "/static/", "/login", "/r/", "/diagrams/api/", "/documents/")
NOT_PAGE_ENDINGS = (".bpmn", ".json", ".csv", ".pdf", ".<fmt>")
ROLES = ("police", "police_head", "joint_office", "reviewer", "manager", "admin")
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def route_values(cases: list[Case]) -> dict[str, list]:
    """The values filled into the routes' arguments (a route with an unknown one is left out):
    the last case's pages, the open tasks of every case."""
    version = latest_version()
    return {
        "number": [cases[-1].number],
        "task_id": [t.id for case in cases for t in db.session.scalars(engine.open_tasks(case))],
        "code": ["police"],
        "page": list(PAGES),
        "process_id": sorted(process_files(version))[:1],
        "version_id": [version.id],
    }


def site_pages(app: Flask, values: dict[str, list]) -> list[str]:
    """The URL of every HTML page of the app, one per value of its argument."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.rule.startswith(NOT_PAGES):
            continue
        if rule.rule.endswith(NOT_PAGE_ENDINGS):
            continue
        arguments = sorted(rule.arguments)
        if any(not values.get(a) for a in arguments):
            continue
        if not arguments:
            urls.append(rule.rule)
            continue
        (first, *rest) = arguments
        for value in values[first]:
            filled = {first: value, **{a: values[a][0] for a in rest}}
            with app.test_request_context():
                urls.append(app.url_for(rule.endpoint, **filled))
    return urls


def axe_violations(page) -> list[str]:
    """Serious and critical WCAG 2 A/AA violations on the page, as "rule: target" lines."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations']})).violations"""
    )
    return [
        f"{v['id']} ({v['impact']}): {' '.join(node['target'][0] for node in v['nodes'][:5])}"
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def demo_cases(open_case):
    """A case just opened (its task is the police's) and one a few steps in."""
    return [open_case("林晓梅"), open_case("陈华", steps=3, age=9)]


@pytest.fixture
def scan_context(browser, live_server):
    """A desktop context in Chinese that lets the injected axe script run despite the CSP."""
    context = browser.new_context(
        base_url=live_server, locale="zh-CN", bypass_csp=True, viewport=DESKTOP
    )
    yield context
    context.close()


def overflow(page) -> int | None:
    """How many pixels the page is wider than the viewport, if it is."""
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width if width > 0 else None


def on_a_phone(page, url: str, name: str, screenshot) -> int | None:
    """Reload at 390 px: screenshots at both widths, and any sideways overflow at 390 px."""
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    page.reload(wait_until="networkidle")
    screenshot(page, f"{name}-390")
    wider = overflow(page)
    page.set_viewport_size(DESKTOP)
    return wider


@pytest.mark.parametrize("username", ROLES)
def test_every_page_passes_axe_and_fits_a_phone(
    app, scan_context, demo_cases, username, accounts_in_chinese, screenshot
):
    pages = site_pages(app, route_values(demo_cases))
    db.session.rollback()  # end our read: SQLite lets one transaction at a time in
    page = scan_context.new_page()
    found, scanned = {}, 0
    for url in ("/login", "/no-such-page"):  # the log-in and error pages, before logging in
        page.goto(url)
        found[url] = axe_violations(page)

    def scan_second_factor(page):
        found["/login/second-factor"] = axe_violations(page)

    log_in_as_is(page, username, on_second_factor=scan_second_factor)
    too_wide = {}
    for url in pages:
        response = page.goto(url)
        if response is None or response.status >= 400:
            continue
        page.wait_for_load_state("networkidle")
        scanned += 1
        found[url] = axe_violations(page)
        too_wide[url] = on_a_phone(page, url, f"{username}{url}-zh", screenshot)
    switch_language(page, "en")
    home = page.url
    too_wide[f"{home} (en)"] = on_a_phone(page, home, f"{username}-home-en", screenshot)
    found = {url: violations for url, violations in found.items() if violations}
    too_wide = {url: pixels for url, pixels in too_wide.items() if pixels}
    print(f"{username}: {scanned} pages scanned")
    assert scanned >= 8, scanned
    assert not found, "\n".join(f"{url}\n  " + "\n  ".join(v) for url, v in found.items())
    assert not too_wide, f"wider than 390 px (by pixels): {too_wide}"
