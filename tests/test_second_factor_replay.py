"""A second-factor code is good once: a replayed code is refused, even by two racing logins."""

import threading
import time

import pyotp
import pytest
from sqlalchemy import select

from models import AuditEvent, User, db
from tests.conftest import FreshGlobalsClient, demo_code
from webapp import create_app
from webapp.config import TestConfig

PASSWORD = TestConfig.DEMO_PASSWORD
TOTP = pyotp.TOTP(TestConfig.DEMO_TOTP_SECRET)


def _password(client, username="manager"):
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.location == "/login/second-factor"


def _code(client, code):
    return client.post("/login/second-factor", data={"code": code})


def _refusals(reason: str) -> int:
    db.session.rollback()
    rows = db.session.scalars(select(AuditEvent).filter_by(action="second_factor_refused"))
    return sum(1 for row in rows if row.detail.get("reason") == reason and not row.allowed)


def test_an_overheard_code_is_refused_and_the_next_one_works(app, client):
    """The manager logs in; an attacker who saw the code replays it: refused, generic error,
    audited as a reuse. An earlier step's code is refused too; the next step's code works."""
    code = demo_code("manager")
    _password(client)
    assert _code(client, code).status_code == 302 and client.get("/cases/").status_code == 200

    attacker = FreshGlobalsClient(app, app.response_class)
    _password(attacker)
    attacker.post("/locale", data={"locale": "en"})
    replay = _code(attacker, code)
    assert replay.status_code == 401 and "wrong or has expired" in replay.get_data(as_text=True)
    assert attacker.get("/cases/").status_code == 302  # to the log-in page
    assert _refusals("reused") == 1

    earlier = TOTP.at(time.time() - 30)
    assert _code(attacker, earlier).status_code == 401 and _refusals("reused") == 2
    later = TOTP.at(time.time() + 30)  # the next step's code, within the drift window
    assert _code(attacker, later).status_code == 302  # (the attacker stands for the manager)
    assert _refusals("wrong") == 0


def test_a_wrong_code_is_audited_as_wrong(client):
    _password(client)
    assert _code(client, "123456" if TOTP.now() != "123456" else "654321").status_code == 401
    assert _refusals("wrong") == 1


@pytest.fixture
def two_apps(database_url):
    """Two more apps on the test database, each with its own connections: two web workers."""
    apps = [
        create_app(type("WorkerConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url}))
        for _ in range(2)
    ]
    yield apps
    for worker in apps:
        with worker.app_context():
            db.engine.dispose()


def test_two_racing_logins_with_one_code_let_one_in(two_apps):
    """Both send the same code at the same moment from two workers: exactly one gets in."""
    code = demo_code("manager")
    clients = [worker.test_client() for worker in two_apps]
    for worker, worker_client in zip(two_apps, clients, strict=True):
        with worker.app_context():
            _password(worker_client)
    barrier, answers = threading.Barrier(2), []

    def send(worker, worker_client):
        with worker.app_context():
            barrier.wait()
            answers.append(_code(worker_client, code).status_code)

    threads = [
        threading.Thread(target=send, args=pair) for pair in zip(two_apps, clients, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [302, 401]
    assert _refusals("reused") == 1
    last = db.session.scalar(select(User.totp_last_step).filter_by(username="manager"))
    assert TOTP.at(last * TOTP.interval) == code
