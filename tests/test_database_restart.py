"""A database that drops the app's connections (a restart, a failover) costs no 500."""

import http.cookiejar
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT
from tests.test_rate_limit import _free_port, _NoRedirect, _wait_until_up
from webapp.config import TestConfig

APP_NAME = f"wt8a-restart-{uuid.uuid4().hex[:8]}"


def _logged_in(base: str, username: str):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
    )
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": TestConfig.DEMO_PASSWORD, "csrf_token": token}
    ).encode()
    try:
        opener.open(f"{base}/login", data=body, timeout=10)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
    return opener


def _load(opener, base, statuses, stop):
    while not stop.is_set():
        for path in ("/", "/cases/find"):
            try:
                statuses.append(opener.open(f"{base}{path}", timeout=20).status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)


@pytest.fixture
def pg_gunicorn(database_url, worker_env):
    """Two gunicorn workers on the PostgreSQL test database, their connections named."""
    if not database_url.startswith("postgresql"):
        pytest.skip("terminating backends needs PostgreSQL")
    port = _free_port()
    joiner = "&" if "?" in database_url else "?"
    env = {
        **worker_env,
        "SECRET_KEY": uuid.uuid4().hex,
        "DATABASE_URL": f"{database_url}{joiner}application_name={APP_NAME}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "--threads",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "webapp.wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_terminated_backends_cost_no_500(pg_gunicorn, database_url):
    """Kill the app's PostgreSQL backends ten times under load: not one answer is a 500."""
    openers = [_logged_in(pg_gunicorn, "police") for _ in range(4)]
    statuses, stop = [], threading.Event()
    threads = [
        threading.Thread(target=_load, args=(o, pg_gunicorn, statuses, stop)) for o in openers
    ]
    for thread in threads:
        thread.start()
    killer = create_engine(database_url)
    killed = 0
    try:
        with killer.connect() as connection:
            for _ in range(10):
                time.sleep(0.3)
                killed += len(
                    connection.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = :name"
                        ),
                        {"name": APP_NAME},
                    ).all()
                )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        killer.dispose()
    print(f"\n{killed} backends terminated; {len(statuses)} requests; {statuses.count(500)} x 500")
    assert killed >= 10 and len(statuses) > 50
    assert statuses.count(500) == 0
    assert set(statuses) <= {200, 404}
