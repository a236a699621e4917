"""Real-browser fixtures: the app served on 127.0.0.1 in a thread, driven by Playwright.

Playwright launches Debian's Chromium (/usr/bin/chromium, installed by `make browser`, which
`make test` runs); it never downloads a browser of its own, so never run `playwright install`.
The app is the session `app` from tests/conftest.py (seeded database; case tables emptied
before each test), served by werkzeug on a free port. Screenshots go to test-artifacts/.
"""

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from models import User, db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI and developers run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # only the registries are reachable: ask nothing else
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: real-browser test (Playwright driving Debian's Chromium on a live server)"
    )


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app served on 127.0.0.1 (a free port) in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, one per session."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: `make browser` installs Debian's chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page (own context: no cookies shared between tests) on the live server."""
    context = browser.new_context(base_url=live_server, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot() -> Callable:
    """`screenshot(page, name)` saves test-artifacts/NAME.png (full page) and returns its path."""

    def save(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def accounts_in_chinese():
    """Every account starts in Chinese, its default; what the test switched is put back."""
    before = dict(db.session.execute(select(User.id, User.locale)).all())
    for user in db.session.scalars(select(User)):
        user.locale = "zh"
    db.session.commit()  # and no open transaction: SQLite's BEGIN IMMEDIATE would block
    yield
    db.session.rollback()
    for user in db.session.scalars(select(User)):
        user.locale = before.get(user.id, user.locale)
    db.session.commit()
