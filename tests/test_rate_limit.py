"""The login rate limit holds per account and per address, on one process and across workers."""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import redis

from tests.conftest import ROOT, demo_code
from webapp.config import TestConfig

PASSWORD = TestConfig.DEMO_PASSWORD
REDIS_URL = "redis://127.0.0.1:6379/0"


def _attempt(client, username, password):
    return client.post("/login", data={"username": username, "password": password}).status_code


def test_wrong_passwords_then_the_right_one_is_refused(client):
    """Five wrong passwords on one account: the sixth try, even right, gets a 429 page."""
    codes = [_attempt(client, "police", f"guess-{n}") for n in range(8)]
    assert codes == [401] * 5 + [429] * 3
    assert _attempt(client, "police", PASSWORD) == 429
    page = client.post("/login", data={"username": "police", "password": PASSWORD})
    assert "尝试次数过多" in page.get_data(as_text=True)
    client.post("/locale", data={"locale": "en"})
    page = client.post("/login", data={"username": "police", "password": PASSWORD})
    assert "Too many attempts to log in" in page.get_data(as_text=True)
    assert _attempt(client, "health", PASSWORD) == 302  # another account is not locked out


def test_one_address_trying_many_accounts_is_stopped(client):
    """Twenty failures from one address over many accounts: the address is refused."""
    codes = [_attempt(client, f"someone{n}", "guess") for n in range(22)]
    assert codes == [401] * 20 + [429] * 2


def test_wrong_codes_count_against_the_account(client):
    """Guessing the second factor is limited too."""
    client.post("/login", data={"username": "manager", "password": PASSWORD})
    codes = [
        client.post("/login/second-factor", data={"code": f"{n:06d}"}).status_code for n in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2
    assert (
        client.post("/login/second-factor", data={"code": demo_code("manager")}).status_code == 429
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def _try_login(base: str, username: str, password: str) -> int:
    """One login in a fresh browser (cookie jar, CSRF token), over a new connection."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
    )
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": token}
    ).encode()
    try:
        return opener.open(f"{base}/login", data=body, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn(worker_env):
    """Four gunicorn workers on a free port, limits in Redis under a key prefix of their own."""
    if not _redis_reachable():
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    port, prefix = _free_port(), f"wt8a:test-{uuid.uuid4().hex}"
    env = {
        **worker_env,
        "REDIS_URL": REDIS_URL,
        "HOMECOMING_RATELIMIT_PREFIX": prefix,
        "SECRET_KEY": uuid.uuid4().hex,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "webapp.wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/login", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def test_the_limit_holds_across_four_gunicorn_workers(gunicorn):
    """40 wrong passwords spread over 4 workers: exactly 5 are tried, then the right one is 429."""
    codes = [_try_login(gunicorn, "police", f"guess-{n}") for n in range(40)]
    assert codes.count(401) == 5 and codes.count(429) == 35
    assert _try_login(gunicorn, "police", PASSWORD) == 429
    assert _try_login(gunicorn, "health", PASSWORD) == 302
