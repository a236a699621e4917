"""Two real deployments: this one (Fujian) hands cases over to Yunnan's, through HTTP.

Each deployment is an app process on its own port: Yunnan's on its own SQLite file (or
PostgreSQL database, TEST_DATABASE_URL + "_yunnan"), Fujian's on the tests' database. Each
one's timer worker, another process, sends what that side has to send: Fujian its packets,
Yunnan its answers. One pair of app processes serves every test of this module.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import create_engine, delete, select, text

from exchange import sending
from exchange.packets import HANDOVER_FORM
from exchange.registry import set_peer
from exchange.signing import new_signing_key, public_key, sign, signing_key
from models import (
    Case,
    DeliveryStatus,
    EventType,
    OutgoingHandover,
    PeerProvince,
    TimelineEvent,
    db,
)
from webapp import demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUJIAN_KEY = new_signing_key()
YUNNAN_KEY = new_signing_key()
PASSWORD = "yunnan-demo-password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env: dict, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )


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


def _serve(server: dict) -> None:
    """Start a deployment's app (if it is not serving yet) and wait until it answers."""
    if server["process"] is not None:
        return
    server["process"] = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(server["port"])],
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


def _stop(server: dict) -> None:
    if server["process"]:
        server["process"].terminate()
        server["process"].wait(timeout=10)


@pytest.fixture(scope="module")
def fujian_server(database_url):
    """This deployment's app as a process on the tests' database (answers come to it)."""
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "webapp"}
    server = _server(env | {"HOMECOMING_SIGNING_KEY": FUJIAN_KEY})
    yield server
    _stop(server)


@pytest.fixture(scope="module")
def yunnan(tmp_path_factory, database_url, fujian_server):
    """Yunnan's deployment, seeded (civil affairs can log in), with Fujian as its peer; it
    serves once a test calls `_serve` (the first test finds it down)."""
    database = _fresh_database(tmp_path_factory.mktemp("yunnan"))
    env = {**os.environ, "DATABASE_URL": database, "FLASK_APP": "webapp"} | {
        "HOMECOMING_PROVINCE": "yunnan",
        "HOMECOMING_SIGNING_KEY": YUNNAN_KEY,
        "HOMECOMING_DEMO_PASSWORD": PASSWORD,
    }
    _flask(env, "demo", "seed")
    fujian = public_key(signing_key(FUJIAN_KEY))
    _flask(env, "exchange", "peers", "add", "fujian", fujian, fujian_server["url"])
    server = _server(env)
    yield server
    _stop(server)
    create_engine(database).dispose()


def _yunnan_rows(server: dict, query: str, **params) -> list[tuple]:
    engine = create_engine(server["env"]["DATABASE_URL"])
    with engine.connect() as connection:
        found = list(connection.execute(text(query), params))
    engine.dispose()
    return found


def _yunnan_sql(server: dict, statement: str) -> None:
    engine = create_engine(server["env"]["DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def _received(server: dict, packet_id: str) -> list[tuple]:
    query = "select status, case_id from incoming_handovers where packet_id = :packet"
    return _yunnan_rows(server, query, packet=packet_id)


@pytest.fixture
def fujian(app, users, open_case, worker_env, yunnan, fujian_server):
    """`fujian()`: a case of this deployment handed over to Yunnan, and a run of Fujian's worker
    (returns the case's packet)."""
    set_peer("yunnan", public_key(signing_key(YUNNAN_KEY)), yunnan["url"])
    db.session.commit()
    env = worker_env | {"HOMECOMING_SIGNING_KEY": FUJIAN_KEY}

    def hand_over() -> int:
        case = open_case()
        demo.advance_case(case, users, 60, stop_at=HANDOVER_FORM)
        demo.advance_case(case, users, 1)
        db.session.commit()
        return case.id

    def work(case_id: int | None = None) -> OutgoingHandover:
        case_id = case_id or hand_over()
        db.session.rollback()  # no open read: SQLite lets one transaction at a time in
        _flask(env, "timers", "run", "--until-idle")
        return db.session.scalar(select(OutgoingHandover).filter_by(case_id=case_id))

    yield work
    db.session.rollback()
    db.session.execute(delete(OutgoingHandover))
    db.session.execute(delete(PeerProvince))
    db.session.commit()


def _post(url: str, body: dict, path: str = "/api/v1/handovers") -> int:
    return sending.http_post(url + path, body)


def _csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _civil_affairs(server: dict) -> requests.Session:
    """A browser session of Yunnan's civil affairs, logged in through the login page."""
    browser = requests.Session()
    login = browser.get(server["url"] + "/login")
    form = {"username": "civil_affairs", "password": PASSWORD, "csrf_token": _csrf(login)}
    answer = browser.post(server["url"] + "/login", data=form, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return browser


def _decide(server: dict, packet_id: str, action: str, **form) -> requests.Response:
    """Civil affairs find the packet on the incoming list, open it and answer it."""
    browser = _civil_affairs(server)
    listing = browser.get(server["url"] + "/handovers")
    assert listing.status_code == 200
    (handover_id,) = _yunnan_rows(
        server, "select id from incoming_handovers where packet_id = :p", p=packet_id
    )[0]
    assert f'data-handover="{handover_id}"' in listing.text
    page = browser.get(f"{server['url']}/handovers/{handover_id}")
    form["csrf_token"] = _csrf(page)
    url = f"{server['url']}/handovers/{handover_id}/{action}"
    return browser.post(url, data=form, allow_redirects=False)


def _answers_sent(server: dict) -> None:
    """Run Yunnan's timer worker: it sends its answers to Fujian, which acknowledges them."""
    db.session.rollback()  # no open read: SQLite lets one transaction at a time in
    _flask(server["env"], "timers", "run", "--until-idle")
    sent = _yunnan_rows(server, "select status, attempts, last_error from outgoing_answers")
    assert all(status == "DELIVERED" for status, *_ in sent), sent


def _timeline(case_id: int, event_type: EventType) -> list[TimelineEvent]:
    db.session.rollback()
    query = select(TimelineEvent).filter_by(case_id=case_id, event_type=event_type)
    return list(db.session.scalars(query))


def test_a_hand_over_reaches_a_receiver_that_was_down(fujian, yunnan, fujian_server):
    if yunnan["process"] is not None:
        pytest.skip("Yunnan is serving already")
    first = fujian()  # Yunnan is not serving yet
    assert first.status == DeliveryStatus.PENDING and first.attempts == 1
    assert first.last_error == "URLError"
    _serve(yunnan)
    _serve(fujian_server)
    time.sleep(max((first.next_attempt_at - datetime.now(UTC)).total_seconds(), 0) + 0.1)
    delivered = fujian(first.case_id)
    assert delivered.status == DeliveryStatus.DELIVERED
    assert _received(yunnan, delivered.packet_id) == [("RECEIVED", None)]
    assert fujian(first.case_id).attempts == 1  # nothing is sent again once acknowledged


def test_accepted_through_the_web_the_answer_reaches_the_senders_timeline(
    fujian, yunnan, fujian_server, client, login
):
    _serve(yunnan)
    _serve(fujian_server)
    outgoing = fujian()
    assert outgoing.status == DeliveryStatus.DELIVERED
    accepted = _decide(yunnan, outgoing.packet_id, "accept")
    assert accepted.status_code == 303 and "/cases/HC-" in accepted.headers["Location"]
    ((status, case_id),) = _received(yunnan, outgoing.packet_id)
    number = _yunnan_rows(yunnan, "select number from cases where id = :c", c=case_id)[0][0]
    assert status == "ACCEPTED" and accepted.headers["Location"].endswith(number)
    _answers_sent(yunnan)
    (event,) = _timeline(outgoing.case_id, EventType.HANDOVER_ACCEPTED)
    assert event.data["case_number"] == number and event.data["province"] == "yunnan"
    assert db.session.get(OutgoingHandover, outgoing.id).status == DeliveryStatus.ACCEPTED
    login("police", locale="en")
    page = client.get(f"/cases/{db.session.get(Case, outgoing.case_id).number}")
    assert f"Hand-over accepted by the province of Yunnan: their case {number}" in page.text

    # Replays create nothing twice: the packet sent again, the answer sent again (as by a
    # worker killed after sending, before its commit), an acceptance clicked again.
    packet = {"packet": outgoing.packet, "signature": outgoing.signature}
    assert _post(yunnan["url"], packet) == 200
    assert _decide(yunnan, outgoing.packet_id, "accept").status_code == 409
    db.session.rollback()
    _yunnan_sql(
        yunnan,
        "update outgoing_answers set status = 'PENDING', next_attempt_at = delivered_at",
    )
    _answers_sent(yunnan)
    assert len(_timeline(outgoing.case_id, EventType.HANDOVER_ACCEPTED)) == 1
    assert len(_received(yunnan, outgoing.packet_id)) == 1
    received = "select count(*) from timeline_events where event_type = 'case_received'"
    assert _yunnan_rows(yunnan, received) == [(1,)]
    delivered = "select status from outgoing_answers where packet_id = :p"
    assert _yunnan_rows(yunnan, delivered, p=outgoing.packet_id) == [("DELIVERED",)]


def test_refused_with_a_reason_the_sender_reads_it(fujian, yunnan, fujian_server):
    _serve(yunnan)
    _serve(fujian_server)
    outgoing = fujian()
    reason = "The family now lives in Guizhou: please hand the case to Guizhou."
    refused = _decide(yunnan, outgoing.packet_id, "refuse", reason=reason)
    assert refused.status_code == 303
    assert _received(yunnan, outgoing.packet_id) == [("REFUSED", None)]
    _answers_sent(yunnan)
    (event,) = _timeline(outgoing.case_id, EventType.HANDOVER_REFUSED)
    assert event.data["reason"] == reason
    assert db.session.get(OutgoingHandover, outgoing.id).status == DeliveryStatus.REFUSED


def test_replay_bad_signature_and_withdrawal_over_http(fujian, yunnan, fujian_server):
    _serve(yunnan)
    outgoing = fujian()
    body = {"packet": outgoing.packet, "signature": outgoing.signature}
    assert _post(yunnan["url"], body) == 200  # a replay: acknowledged, nothing new
    forged = body | {"signature": sign(signing_key(new_signing_key()), outgoing.packet)}
    assert _post(yunnan["url"], forged) == 403
    changed = {"packet": outgoing.packet | {"prs_FirstName": "X"}, "signature": body["signature"]}
    assert _post(yunnan["url"], changed) == 403
    assert len(_received(yunnan, outgoing.packet_id)) == 1
    assert sending.withdraw(outgoing, signing_key(FUJIAN_KEY)) == 200
    db.session.commit()
    assert _received(yunnan, outgoing.packet_id) == [("WITHDRAWN", None)]
    assert _decide(yunnan, outgoing.packet_id, "accept").status_code == 409
