"""Two real deployments: this one (Fujian) hands a case over to Yunnan's, through HTTP.

Yunnan's app runs as its own process on its own port and SQLite file (or PostgreSQL database,
TEST_DATABASE_URL + "_yunnan"); Fujian's timer worker, another process, sends the packet.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, delete, text

from exchange import sending
from exchange.packets import HANDOVER_FORM
from exchange.registry import set_peer
from exchange.signing import new_signing_key, public_key, sign, signing_key
from models import DeliveryStatus, OutgoingHandover, PeerProvince, db
from webapp import demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUJIAN_KEY = new_signing_key()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env: dict, *args: str, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True, timeout=120, **kwargs
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


@pytest.fixture
def yunnan(tmp_path, worker_env):
    """Yunnan's deployment, migrated, with Fujian registered as its peer; not yet serving."""
    database = _fresh_database(tmp_path)
    env = worker_env | {"DATABASE_URL": database, "HOMECOMING_PROVINCE": "yunnan"}
    env.pop("HOMECOMING_SIGNING_KEY", None)
    _flask(env, "db", "upgrade", capture_output=True)
    fujian = public_key(signing_key(FUJIAN_KEY))
    _flask(env, "exchange", "peers", "add", "fujian", fujian, "http://127.0.0.1:1")
    port = _free_port()
    server = {"env": env, "port": port, "url": f"http://127.0.0.1:{port}", "process": None}
    yield server
    if server["process"]:
        server["process"].terminate()
        server["process"].wait(timeout=10)
    create_engine(database).dispose()


def _serve(server: dict) -> None:
    """Start Yunnan's app and wait until it answers."""
    server["process"] = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(server["port"])],
        cwd=ROOT,
        env=server["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(server["url"] + "/api/v1/openapi.json", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("Yunnan's app did not start")


def _received(server: dict) -> list[tuple]:
    engine = create_engine(server["env"]["DATABASE_URL"])
    with engine.connect() as connection:
        rows = connection.execute(text("select packet_id, status from incoming_handovers"))
        found = list(rows)
    engine.dispose()
    return found


@pytest.fixture
def fujian(app, users, open_case, worker_env, yunnan):
    """A case of this deployment carried through its hand-over to Yunnan, and Fujian's worker."""
    set_peer("yunnan", public_key(signing_key(new_signing_key())), yunnan["url"])
    case = open_case()
    demo.advance_case(case, users, 60, stop_at=HANDOVER_FORM)
    demo.advance_case(case, users, 1)
    db.session.commit()
    env = worker_env | {"HOMECOMING_SIGNING_KEY": FUJIAN_KEY}

    def work() -> OutgoingHandover:
        db.session.rollback()  # no open read: SQLite lets one transaction at a time in
        _flask(env, "timers", "run", "--until-idle", capture_output=True)
        return db.session.scalar(db.select(OutgoingHandover))

    yield work
    db.session.rollback()
    db.session.execute(delete(OutgoingHandover))
    db.session.execute(delete(PeerProvince))
    db.session.commit()


def _post(url: str, body: dict) -> int:
    return sending.http_post(url + "/api/v1/handovers", body)


def test_a_hand_over_reaches_a_receiver_that_was_down(fujian, yunnan):
    first = fujian()  # Yunnan is not serving yet
    assert first.status == DeliveryStatus.PENDING and first.attempts == 1
    assert first.last_error == "URLError"
    _serve(yunnan)
    time.sleep(max((first.next_attempt_at - datetime.now(UTC)).total_seconds(), 0) + 0.1)
    delivered = fujian()
    assert delivered.status == DeliveryStatus.DELIVERED
    assert _received(yunnan) == [(delivered.packet_id, "RECEIVED")]
    assert fujian().attempts == 1  # nothing is sent again once acknowledged


def test_replay_bad_signature_and_withdrawal_over_http(fujian, yunnan):
    _serve(yunnan)
    outgoing = fujian()
    body = {"packet": outgoing.packet, "signature": outgoing.signature}
    assert _post(yunnan["url"], body) == 200  # a replay: acknowledged, nothing new
    forged = body | {"signature": sign(signing_key(new_signing_key()), outgoing.packet)}
    assert _post(yunnan["url"], forged) == 403
    changed = {"packet": outgoing.packet | {"prs_FirstName": "X"}, "signature": body["signature"]}
    assert _post(yunnan["url"], changed) == 403
    assert len(_received(yunnan)) == 1
    assert sending.withdraw(outgoing, signing_key(FUJIAN_KEY)) == 200
    db.session.commit()
    assert _received(yunnan) == [(outgoing.packet_id, "WITHDRAWN")]
