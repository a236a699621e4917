"""Two real deployments: this one (Fujian) hands cases over to Yunnan's, through HTTP.

Each deployment is an app process on its own port: Yunnan's on its own SQLite file (or
PostgreSQL database, TEST_DATABASE_URL + "_yunnan"), Fujian's on the tests' database. Each
one's timer worker, another process, sends what that side has to send: Fujian its packets,
Yunnan its answers. One pair of app processes serves every test of the session (conftest
imports the fixtures); a test that kills one starts it again with `serve`.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import requests
from sqlalchemy import create_engine, delete, select, text

from exchange import transport
from exchange.packets import HANDOVER_FORM
from exchange.registry import set_peer
from exchange.signing import new_signing_key, public_key, signing_key
from models import EventType, OutgoingHandover, PeerProvince, TimelineEvent, db
from webapp import demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUJIAN_KEY = new_signing_key()
YUNNAN_KEY = new_signing_key()
PASSWORD = "yunnan-demo-password"
FLASK = (sys.executable, "-m", "flask")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(env: dict, *args: str):
    """Run a `flask` command to its end."""
    return subprocess.run(
        [*FLASK, *args], cwd=ROOT, env=env, check=True, timeout=120, capture_output=True
    )


def spawn_worker(env: dict, offset: float = 0) -> subprocess.Popen:
    """Start a timer worker (until idle) on a clock moved by `offset` seconds."""
    env = env | {"HOMECOMING_CLOCK_OFFSET": str(offset)}
    command = [*FLASK, "timers", "run", "--until-idle"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def run_worker(env: dict, offset: float = 0) -> None:
    """Run a timer worker until idle."""
    assert spawn_worker(env, offset).wait(timeout=120) == 0


def _fresh_database(tmp_path) -> str:
    """An empty SQLite file, or a PostgreSQL database beside the tests' one made anew."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'yunnan.sqlite'}"
    server, name = url.rsplit("/", 1)
    admin = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'drop database if exists "{name}_yunnan" with (force)'))
        connection.execute(text(f'create database "{name}_yunnan"'))
    admin.dispose()
    return f"{url}_yunnan"


def _server(env: dict) -> dict:
    port = _free_port()
    return {"env": env, "port": port, "url": f"http://127.0.0.1:{port}", "process": None}


def serve(server: dict) -> None:
    """Start a deployment's app (if it is not serving yet) and wait until it answers."""
    if server["process"] is not None:
        return
    server["process"] = subprocess.Popen(
        [*FLASK, "run", "--port", str(server["port"])],
        cwd=ROOT,
        env=server["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(server["url"] + "/api/v1/openapi.json", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the app did not start")


def stop(server: dict, sig: int = signal.SIGTERM) -> None:
    """Stop a deployment's app (SIGKILL: killed, whatever it was doing)."""
    if server["process"]:
        server["process"].send_signal(sig)
        server["process"].wait(timeout=10)
        server["process"] = None


@pytest.fixture(scope="session")
def fujian_server(app, database_url):
    """This deployment's app as a process on the tests' database (answers come to it); it
    starts after `app` made that database and stops before `app` drops it."""
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "webapp"}
    server = _server(env | {"HOMECOMING_SIGNING_KEY": FUJIAN_KEY})
    yield server
    stop(server)


@pytest.fixture(scope="session")
def yunnan(tmp_path_factory, database_url, fujian_server):
    """Yunnan's deployment, seeded (civil affairs can log in), with Fujian as its peer; it
    serves once a test calls `serve`."""
    database = _fresh_database(tmp_path_factory.mktemp("yunnan"))
    env = {**os.environ, "DATABASE_URL": database, "FLASK_APP": "webapp"} | {
        "HOMECOMING_PROVINCE": "yunnan",
        "HOMECOMING_SIGNING_KEY": YUNNAN_KEY,
        "HOMECOMING_DEMO_PASSWORD": PASSWORD,
    }
    flask(env, "demo", "seed")
    fujian = public_key(signing_key(FUJIAN_KEY))
    flask(env, "exchange", "peers", "add", "fujian", fujian, fujian_server["url"])
    server = _server(env)
    yield server
    stop(server)
    create_engine(database).dispose()


def yunnan_rows(server: dict, query: str, **params) -> list[tuple]:
    """Rows of Yunnan's database."""
    engine = create_engine(server["env"]["DATABASE_URL"])
    with engine.connect() as connection:
        found = list(connection.execute(text(query), params))
    engine.dispose()
    return found


def yunnan_sql(server: dict, statement: str, **params) -> None:
    """Change Yunnan's database (committed)."""
    engine = create_engine(server["env"]["DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text(statement), params)
    engine.dispose()


def received(server: dict, packet_id: str) -> list[tuple]:
    """Status and case of each packet Yunnan stored with this id."""
    query = "select status, case_id from incoming_handovers where packet_id = :packet"
    return yunnan_rows(server, query, packet=packet_id)


class Fujian:
    """This deployment's side: cases handed over to Yunnan, and runs of its timer worker."""

    def __init__(self, users, open_case, env: dict, yunnan: dict):
        self.users, self.open_case, self.env = users, open_case, env
        self.route_to(yunnan["url"])

    def route_to(self, url: str) -> None:
        """Send to Yunnan at `url` (its app, or a relay in front of it)."""
        set_peer("yunnan", public_key(signing_key(YUNNAN_KEY)), url)
        db.session.commit()

    def hand_over(self) -> int:
        """A case of this deployment carried through its hand-over to Yunnan."""
        case = self.open_case()
        demo.advance_case(case, self.users, 60, stop_at=HANDOVER_FORM)
        demo.advance_case(case, self.users, 1)
        db.session.commit()
        return case.id

    def spawn(self, offset: float = 0) -> subprocess.Popen:
        """Start Fujian's timer worker (it queues and sends the packets due)."""
        db.session.rollback()  # no open read: SQLite lets one transaction at a time in
        return spawn_worker(self.env, offset)

    def outgoing(self, case_id: int) -> OutgoingHandover:
        """The case's packet as Fujian's database has it now."""
        db.session.rollback()
        (found,) = _read(select(OutgoingHandover).filter_by(case_id=case_id)) or (None,)
        return found

    def __call__(self, case_id: int | None = None, offset: float = 0) -> OutgoingHandover:
        """A run of Fujian's worker (for a new hand-over unless `case_id`); the case's packet."""
        case_id = case_id or self.hand_over()
        assert self.spawn(offset).wait(timeout=120) == 0
        return self.outgoing(case_id)


@pytest.fixture
def fujian(app, users, open_case, worker_env, yunnan, fujian_server):
    """`fujian()`: a case of this deployment handed over to Yunnan, and a run of Fujian's worker
    (returns the case's packet); see `Fujian` for the parts."""
    yield Fujian(users, open_case, worker_env | {"HOMECOMING_SIGNING_KEY": FUJIAN_KEY}, yunnan)
    db.session.rollback()
    db.session.execute(delete(OutgoingHandover))
    db.session.execute(delete(PeerProvince))
    db.session.commit()


def post(url: str, body: dict, path: str = "/api/v1/handovers") -> int:
    """POST a signed message to a deployment; its HTTP status."""
    return transport.http_post(url + path, body).status


def _csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def civil_affairs(server: dict) -> requests.Session:
    """A browser session of Yunnan's civil affairs, logged in through the login page."""
    browser = requests.Session()
    login = browser.get(server["url"] + "/login")
    form = {"username": "civil_affairs", "password": PASSWORD, "csrf_token": _csrf(login)}
    answer = browser.post(server["url"] + "/login", data=form, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return browser


def decide(server: dict, packet_id: str, action: str, **form) -> requests.Response:
    """Civil affairs find the packet on the incoming list, open it and answer it."""
    browser = civil_affairs(server)
    listing = browser.get(server["url"] + "/handovers")
    assert listing.status_code == 200
    (handover_id,) = yunnan_rows(
        server, "select id from incoming_handovers where packet_id = :p", p=packet_id
    )[0]
    assert f'data-handover="{handover_id}"' in listing.text
    page = browser.get(f"{server['url']}/handovers/{handover_id}")
    form["csrf_token"] = _csrf(page)
    url = f"{server['url']}/handovers/{handover_id}/{action}"
    return browser.post(url, data=form, allow_redirects=False)


def answers_sent(server: dict, offset: float = 0) -> None:
    """Run Yunnan's timer worker: it sends its answers to Fujian, which acknowledges them."""
    db.session.rollback()  # no open read: SQLite lets one transaction at a time in
    run_worker(server["env"], offset)
    sent = yunnan_rows(server, "select status, attempts, last_error from outgoing_answers")
    assert all(status == "DELIVERED" for status, *_ in sent), sent


def timeline(case_id: int, event_type: EventType) -> list[TimelineEvent]:
    """The case's events of this type in Fujian's database now."""
    db.session.rollback()
    return _read(select(TimelineEvent).filter_by(case_id=case_id, event_type=event_type))


def _read(query) -> list:
    """Rows of Fujian's database, read in a transaction that ends at once (on SQLite an open
    one would hold the database's lock: Fujian's app could not write while the test looks)."""
    found = list(db.session.scalars(query))
    for row in found:
        db.session.expunge(row)
    db.session.rollback()
    return found
