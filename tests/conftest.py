"""Fixtures: one app and database per session; case tables emptied before each test.

The database is a file (SQLite) or TEST_DATABASE_URL (PostgreSQL), never in memory, so that
timer workers and concurrent completions in other processes see the same data.
"""

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pyotp
import pytest
from aiosmtpd.controller import Controller
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, update

from forms.examples import EXAMPLES
from models import (
    AuditEvent,
    Case,
    CaseFactChoice,
    CaseFacts,
    CaseIdentifier,
    CaseIndicator,
    CaseMatch,
    ConsentEntry,
    Department,
    DiagramDraft,
    DiagramVersion,
    Document,
    Escalation,
    ExportGrant,
    HumanTask,
    Incident,
    IncomingHandover,
    Membership,
    Notification,
    OutgoingAnswer,
    OutgoingHandover,
    PathwayVersion,
    PhaseCount,
    PhaseDuration,
    ProcessInstance,
    Referral,
    ReferralLink,
    Role,
    RowExport,
    SavedView,
    TaskCount,
    TaskDraft,
    TaskDuration,
    TimelineEvent,
    User,
    VictimCount,
    db,
)
from models.processes import pathway_diagrams
from tests.provinces import fujian, fujian_server, yunnan  # noqa: F401 (fixtures)
from webapp import create_app, demo
from webapp.config import TEST_DATA_KEY, TestConfig
from webapp.ratelimit import limiter
from workflows import engine
from workflows.pathways import deploy_shipped
from workflows.routing import sync_departments

ROOT = Path(__file__).resolve().parent.parent
CASE_TABLES = (
    RowExport,
    ExportGrant,
    SavedView,
    VictimCount,
    PhaseCount,
    PhaseDuration,
    TaskCount,
    TaskDuration,
    CaseIndicator,
    OutgoingAnswer,
    IncomingHandover,
    OutgoingHandover,
    Incident,
    Notification,
    Escalation,
    AuditEvent,
    TimelineEvent,
    ConsentEntry,
    ReferralLink,
    Referral,
    CaseFactChoice,
    CaseFacts,
    CaseIdentifier,
    CaseMatch,
    Document,
    TaskDraft,
    HumanTask,
    ProcessInstance,
    Case,
)
# `flask` subprocesses (timer workers, the CLI) read the test database with the tests' key.
os.environ.setdefault("HOMECOMING_DATA_KEY", TEST_DATA_KEY)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """TEST_DATABASE_URL, or a fresh SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'homecoming.sqlite'}"
    )


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app on the test database, seeded with departments, users and the pathway."""
    documents = tmp_path_factory.mktemp("documents")
    config = type(
        "SessionConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "DOCUMENTS_DIR": str(documents)},
    )
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo.seed_users(TestConfig.DEMO_PASSWORD, sync_departments(), TestConfig.DEMO_TOTP_SECRET)
        deploy_shipped()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def app_context(app):
    """An app context per test, on a database without cases, and no login attempts counted."""
    limiter.reset()
    with app.app_context():
        for model in CASE_TABLES:
            db.session.execute(delete(model))
        db.session.commit()
        yield
        db.session.rollback()
        db.session.remove()


@pytest.fixture
def users() -> dict[str, User]:
    """The demo accounts by username: one per department code, manager, reviewer, admin."""
    return {u.username: u for u in db.session.scalars(select(User))}


@pytest.fixture
def worker_env(database_url) -> dict[str, str]:
    """Environment for a `flask --app webapp …` subprocess on the test database."""
    return {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "webapp"}


@pytest.fixture
def run_worker(worker_env):
    """Wait until the case's next timer is due, then run one timer worker to idle."""

    def run(instance: ProcessInstance) -> None:
        wait = (instance.next_timer_at - datetime.now(UTC)).total_seconds()
        db.session.rollback()  # end our read: SQLite lets one transaction at a time in
        time.sleep(max(wait, 0) + 0.05)
        result = subprocess.run(
            [sys.executable, "-m", "flask", "timers", "run", "--until-idle"],
            cwd=ROOT,
            env=worker_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert "fired 1 timers" in result.stdout

    return run


@pytest.fixture
def run_workers(worker_env):
    """`run_workers(offset_seconds, count=4, **env)`: `count` timer workers started together on
    a clock moved by `offset_seconds` (HOMECOMING_CLOCK_OFFSET), run until idle."""

    def run(offset_seconds: float, count: int = 4, **env) -> None:
        db.session.rollback()  # end our read: SQLite lets one transaction at a time in
        environment = {**worker_env, **env, "HOMECOMING_CLOCK_OFFSET": str(offset_seconds)}
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "flask", "timers", "run", "--until-idle"],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(count)
        ]
        for proc in procs:
            _, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr

    return run


class FreshGlobalsClient(FlaskClient):
    """Each request starts with an empty `g`, as it would in its own app context.

    Requests share the test's app context (and database session, so SQLite's single writer
    is never contended), but per-request caches such as the locale and the logged-in user
    must not leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        """Clear `g`, then make the request."""
        if has_app_context():
            vars(g).clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    """A test client (CSRF is off in TestConfig; one test turns it on)."""
    app.test_client_class = FreshGlobalsClient
    return app.test_client()


def demo_code(username: str | None = None) -> str:
    """The current second-factor code of the demo's oversight accounts.

    A code is good once per account: with `username`, the account's last accepted code is
    forgotten first (committed), as if its previous login had been 30 s ago.
    """
    if username is not None:
        db.session.execute(update(User).filter_by(username=username).values(totp_last_step=None))
        db.session.commit()
    return pyotp.TOTP(TestConfig.DEMO_TOTP_SECRET).now()


@pytest.fixture
def login(client):
    """`login(username, locale=None)`: log the client in as a demo account, in `locale` if
    given (every account is back to Chinese after the test); returns the client."""

    def as_user(username: str, locale: str | None = None):
        response = client.post(
            "/login", data={"username": username, "password": TestConfig.DEMO_PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        if response.location.startswith("/login/second-factor"):
            response = client.post("/login/second-factor", data={"code": demo_code(username)})
            assert response.status_code == 302, response.get_data(as_text=True)
        if locale:
            client.post("/locale", data={"locale": locale})
        return client

    yield as_user
    db.session.rollback()
    db.session.execute(update(User).values(locale="zh"))
    db.session.commit()


@pytest.fixture
def open_case(users):
    """`open_case(name="Lin Xiaomei", *, steps=0, **intake)`: a committed case on the example
    intake (changed by `intake`), its first `steps` tasks done with the example answers."""

    def open_(name: str = "Lin Xiaomei", *, steps: int = 0, **intake) -> Case:
        case = engine.open_case({**EXAMPLES["case_open"], **intake}, users["police"], name)
        demo.advance_case(case, users, steps)
        db.session.commit()
        return case

    return open_


@pytest.fixture
def colleague(users):
    """A second police social worker who can log in; removed after the test with its cases."""
    police = db.session.scalar(select(Department).filter_by(code="police"))
    user = User(
        username="police_colleague",
        display_name="Officer Zhang",
        password_hash=users["police"].password_hash,
    )
    user.memberships.append(Membership(department=police, role=Role.SOCIAL_WORKER))
    db.session.add(user)
    db.session.commit()
    yield user
    db.session.rollback()
    for model in CASE_TABLES:
        db.session.execute(delete(model))
    db.session.delete(user)
    db.session.commit()


@pytest.fixture
def audits():
    """`audits(action=None, **filters)`: how many committed audit rows match."""

    def count(action: str | None = None, **filters) -> int:
        db.session.rollback()  # only what was committed counts
        if action is not None:
            filters["action"] = action
        return db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(**filters))

    return count


@pytest.fixture
def csrf_client(database_url):
    """A client of a second app on the test database that checks CSRF tokens, as production."""
    config = type(
        "CsrfConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True},
    )
    csrf_app = create_app(config)
    yield csrf_app.test_client()
    with csrf_app.app_context():
        db.engine.dispose()


@pytest.fixture
def restore_pathway(app_context):
    """Versions, diagrams, drafts and cases a test adds are removed again, so that other tests
    see the shipped pathway as the latest."""
    baseline = db.session.scalar(select(func.max(PathwayVersion.id)))
    db.session.commit()  # no open read: SQLite would make a live server or worker wait for it
    yield
    db.session.rollback()
    for model in (*CASE_TABLES, DiagramDraft):
        db.session.execute(delete(model))
    newer = select(PathwayVersion.id).where(PathwayVersion.id > baseline)
    db.session.execute(
        delete(pathway_diagrams).where(pathway_diagrams.c.pathway_version_id.in_(newer))
    )
    db.session.execute(delete(PathwayVersion).where(PathwayVersion.id > baseline))
    used = select(pathway_diagrams.c.diagram_version_id)
    db.session.execute(delete(DiagramVersion).where(DiagramVersion.id.not_in(used)))
    db.session.commit()


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        """Keep the message; accept it."""
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    """A real SMTP server on a free local port; yields (port, received messages)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler.messages
    controller.stop()
