"""Nothing lost or doubled when either side of a hand-over is killed mid-exchange (SIGKILL).

Real processes (tests/provinces.py), and a relay between them (tests/relay.py) that holds the
message at the chosen point until the test has killed a process there; a worker restarted on
a clock moved past the killed one's lease or back-off stands for the time that passes.
"""

import os
import signal

import pytest

from exchange import sending
from models import DeliveryStatus, EventType
from tests.provinces import (
    answers_sent,
    decide,
    received,
    serve,
    spawn_worker,
    stop,
    timeline,
    yunnan_rows,
    yunnan_sql,
)
from tests.relay import Relay

AFTER_LEASE = sending.LEASE.total_seconds() + 1
AFTER_BACKOFF = sending.backoff(1).total_seconds() + 1


@pytest.fixture
def relay_to(yunnan, fujian_server):
    """`relay_to(server)`: a relay in front of that deployment's app."""
    relays = []

    def start(server: dict) -> Relay:
        relays.append(Relay(server["port"]))
        return relays[-1]

    yield start
    for relay in relays:
        relay.release.set()
        relay.close()


def _killed_at(relay: Relay, hold: str, worker, victim=None) -> None:
    """Wait until the relay holds the worker's message at `hold`, SIGKILL the victim (the
    worker, or a deployment's app), then let the relay go on."""
    assert relay.held.wait(60), "the message never reached the relay"
    if victim is None:
        os.kill(worker.pid, signal.SIGKILL)
    else:
        stop(victim, signal.SIGKILL)
    relay.release.set()
    worker.wait(timeout=60)


def _yunnan_routes_answers_to(yunnan: dict, url: str) -> None:
    yunnan_sql(yunnan, "update peer_provinces set api_url = :url where code = 'fujian'", url=url)


def _answer(yunnan: dict, packet_id: str) -> list[tuple]:
    query = "select status, attempts from outgoing_answers where packet_id = :p"
    return yunnan_rows(yunnan, query, p=packet_id)


def test_the_sender_killed_before_recording_the_acknowledgement_sends_once_more(
    fujian, yunnan, relay_to
):
    serve(yunnan)
    relay = relay_to(yunnan)
    fujian.route_to(relay.url)
    case_id = fujian.hand_over()
    relay.arm("answer")  # Yunnan has stored the packet; its 201 waits in the relay
    worker = fujian.spawn()
    _killed_at(relay, "answer", worker)
    assert worker.returncode == -signal.SIGKILL
    killed = fujian.outgoing(case_id)
    assert killed.status == DeliveryStatus.PENDING and killed.delivered_at is None
    assert received(yunnan, killed.packet_id) == [("RECEIVED", None)]

    restarted = fujian(case_id, offset=AFTER_LEASE)  # the killed worker's lease has run out
    assert relay.statuses == [201, 200]  # sent again, acknowledged as a replay by packet id
    assert restarted.packet_id == killed.packet_id
    assert restarted.status == DeliveryStatus.DELIVERED and restarted.attempts == 0
    assert received(yunnan, killed.packet_id) == [("RECEIVED", None)]
    fujian(case_id, offset=AFTER_LEASE)
    assert relay.statuses == [201, 200]  # acknowledged once: never sent again


def test_the_receiver_killed_mid_request_stores_the_packet_once_on_the_retry(
    fujian, yunnan, relay_to
):
    serve(yunnan)
    relay = relay_to(yunnan)
    fujian.route_to(relay.url)
    case_id = fujian.hand_over()
    relay.arm("request")  # Yunnan's app is inside the request, reading its body
    worker = fujian.spawn()
    _killed_at(relay, "request", worker, victim=yunnan)
    assert worker.returncode == 0  # the sender lives on and tries again later
    failed = fujian.outgoing(case_id)
    assert failed.status == DeliveryStatus.PENDING and failed.attempts == 1
    assert failed.last_error == "RemoteDisconnected"
    assert received(yunnan, failed.packet_id) == []  # nothing half-stored

    serve(yunnan)
    delivered = fujian(case_id, offset=AFTER_BACKOFF)
    assert delivered.status == DeliveryStatus.DELIVERED and relay.statuses == [201]
    assert received(yunnan, failed.packet_id) == [("RECEIVED", None)]


def test_an_answer_whose_delivery_is_cut_reaches_the_senders_timeline_once(
    fujian, yunnan, fujian_server, relay_to
):
    serve(yunnan)
    serve(fujian_server)
    outgoing = fujian()
    assert decide(yunnan, outgoing.packet_id, "accept").status_code == 303
    relay = relay_to(fujian_server)
    _yunnan_routes_answers_to(yunnan, relay.url)
    try:
        # Fujian's app is killed inside the answer's request: nothing recorded, sent again.
        relay.arm("request")
        _killed_at(relay, "request", spawn_worker(yunnan["env"]), victim=fujian_server)
        assert _answer(yunnan, outgoing.packet_id) == [("PENDING", 1)]
        assert timeline(outgoing.case_id, EventType.HANDOVER_ACCEPTED) == []
        serve(fujian_server)
        # Fujian records it; Yunnan's worker is killed before it records the acknowledgement.
        relay.arm("answer")
        worker = spawn_worker(yunnan["env"], AFTER_BACKOFF)
        _killed_at(relay, "answer", worker)
        assert _answer(yunnan, outgoing.packet_id) == [("PENDING", 1)]
        answers_sent(yunnan, AFTER_BACKOFF + AFTER_LEASE)
        assert relay.statuses == [201, 200]
    finally:
        _yunnan_routes_answers_to(yunnan, fujian_server["url"])
    assert len(timeline(outgoing.case_id, EventType.HANDOVER_ACCEPTED)) == 1
    assert fujian.outgoing(outgoing.case_id).status == DeliveryStatus.ACCEPTED


def test_an_answer_that_comes_while_the_sender_awaits_its_acknowledgement_stays(
    fujian, yunnan, fujian_server, relay_to
):
    serve(yunnan)
    serve(fujian_server)
    relay = relay_to(yunnan)
    fujian.route_to(relay.url)
    case_id = fujian.hand_over()
    relay.arm("answer")
    worker = fujian.spawn()
    assert relay.held.wait(60)
    (packet_id,) = yunnan_rows(yunnan, "select packet_id from incoming_handovers order by id desc")[
        0
    ]
    # Yunnan accepts and answers while Fujian's worker still waits for the 201: the answer is
    # stored (the worker holds no lock while it waits) and the late 201 does not undo it.
    assert decide(yunnan, packet_id, "accept").status_code == 303
    answers_sent(yunnan)
    relay.release.set()
    assert worker.wait(timeout=60) == 0
    assert fujian.outgoing(case_id).status == DeliveryStatus.ACCEPTED
    # The answer sent once more (a worker killed after sending it) is a replay.
    resend = "update outgoing_answers set status = 'PENDING', next_attempt_at = delivered_at"
    yunnan_sql(yunnan, resend + " where packet_id = :p", p=packet_id)
    answers_sent(yunnan)
    assert len(timeline(case_id, EventType.HANDOVER_ACCEPTED)) == 1
    assert fujian.outgoing(case_id).status == DeliveryStatus.ACCEPTED
