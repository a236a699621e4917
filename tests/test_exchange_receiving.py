"""Receiving hand-overs: signed by a registered peer, stored once, refused and logged otherwise."""

import threading
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import delete, func, select

from exchange import receipts, receiving
from exchange.signing import new_signing_key, public_key, sign, signing_key
from models import HandoverStatus, IncomingHandover, PeerProvince, WithdrawnPacket, db
from tests.provinces import spawn_worker

SICHUAN = signing_key(new_signing_key())
HOME_KEY = new_signing_key()


@pytest.fixture(autouse=True)
def sichuan_is_a_peer(app, monkeypatch):
    """Sichuan's deployment is registered; this one is the home province of the config, and
    signs its receipts with HOME_KEY."""
    monkeypatch.setitem(app.config, "SIGNING_KEY", HOME_KEY)
    db.session.add(
        PeerProvince(code="sichuan", public_key=public_key(SICHUAN), api_url="http://sc.test")
    )
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(delete(IncomingHandover))
    db.session.execute(delete(WithdrawnPacket))
    db.session.execute(delete(PeerProvince))
    db.session.commit()


def _packet(app, **changes) -> dict:
    return {
        "packetId": str(uuid.uuid4()),
        "hcd_SenderProvince": "sichuan",
        "hcd_ReceiverProvince": app.config["HOME_PROVINCE"],
        "hcd_SenderCaseNumber": "HC-2026-SCAB23",
        "prs_FirstName": "Wang Fang",
        "hcd_SupportHandedOver": ["schooling"],
    } | changes


def _send(client, packet, key=SICHUAN, path=""):
    body = {"packet": packet, "signature": sign(key, packet)}
    return client.post("/api/v1/handovers" + path, json=body)


def _receipt_status(app, answer, packet, kind=receipts.HANDOVER) -> str | None:
    """The status this deployment's receipt gives the message of `kind` about the packet,
    read as its sender reads it."""
    home, key = app.config["HOME_PROVINCE"], public_key(signing_key(HOME_KEY))
    return receipts.confirmed(answer.get_json(), packet["packetId"], kind, home, key)


def _stored() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(IncomingHandover))


def test_a_signed_packet_is_stored_once_whatever_the_replays(client, app, audits):
    packet = _packet(app)
    first = _send(client, packet)
    assert first.status_code == 201
    assert _receipt_status(app, first, packet) == "received"
    for _ in range(2):
        replay = _send(client, packet)
        assert replay.status_code == 200 and _receipt_status(app, replay, packet) == "received"
    assert _stored() == 1
    assert audits("handover_received") == 1
    row = db.session.scalar(select(IncomingHandover))
    assert row.packet["prs_FirstName"] == "Wang Fang" and row.sender_case_number.endswith("AB23")


def test_without_a_signing_key_nothing_is_taken_it_could_not_confirm(client, app, monkeypatch):
    """A deployment that cannot sign its receipt answers 503 and keeps nothing: the sender
    tries again later, once the key is set."""
    monkeypatch.setitem(app.config, "SIGNING_KEY", None)
    packet = _packet(app)
    answer = _send(client, packet)
    assert answer.status_code == 503 and "signing key" in answer.get_json()["message"]
    assert _send(client, _withdrawal(packet), path="/withdraw").status_code == 503
    assert _send(client, packet, path="/answers").status_code == 503
    assert _stored() == 0
    assert db.session.scalar(select(func.count()).select_from(WithdrawnPacket)) == 0


def test_a_bad_signature_is_refused_and_logged(client, app, audits):
    packet = _packet(app)
    forged = _send(client, packet, key=signing_key(new_signing_key()))
    assert forged.status_code == 403
    tampered = {"packet": packet | {"prs_FirstName": "X"}, "signature": sign(SICHUAN, packet)}
    assert client.post("/api/v1/handovers", json=tampered).status_code == 403
    assert _stored() == 0
    assert audits("handover_refused", allowed=False) == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"hcd_SenderProvince": "yunnan"},  # no such peer
        {"hcd_ReceiverProvince": "sichuan"},  # not for this province
        {"packetId": None},
        {"hcd_SenderCaseNumber": "x" * 40},
        {"hcd_Action": "withdraw"},  # a request is no packet
    ],
)
def test_malformed_packets_are_refused(client, app, changes):
    assert _send(client, _packet(app, **changes)).status_code == 422
    assert _stored() == 0


@pytest.mark.parametrize("body", [{}, {"packet": "x", "signature": "y"}, {"packet": {}}, []])
def test_hostile_bodies_are_422(client, body):
    assert client.post("/api/v1/handovers", json=body).status_code == 422


@pytest.mark.parametrize("path", ["", "/withdraw", "/answers"])
@pytest.mark.parametrize(
    "field, text",
    [
        ("hcd_SenderProvince", "\ud800"),  # refused before any signature is checked
        ("hcd_ReceiverProvince", "sichuan\x00"),
        ("packetId", "\x00"),
        ("hcd_SenderCaseNumber", "HC-\udfff"),
        ("prs_FirstName", "王\x00芳"),
        ("\ud800", "a key"),
    ],
)
def test_text_no_column_can_store_is_422_and_logs_nothing(client, app, audits, path, field, text):
    hostile = {"packet": _packet(app) | {field: text}, "signature": "AAAA"}
    answer = client.post("/api/v1/handovers" + path, json=hostile)
    assert answer.status_code == 422 and "NUL" in answer.get_json()["message"]
    unsigned = {"packet": _packet(app), "signature": "AAAA\x00"}
    assert client.post("/api/v1/handovers" + path, json=unsigned).status_code == 422
    assert _stored() == 0 and audits() == 0


@pytest.mark.parametrize("path", ["", "/withdraw", "/answers"])
@pytest.mark.parametrize(
    "raw",
    [
        "[" * 200_000 + "]" * 200_000,  # deeper than the JSON parser recurses
        '{"packet": {"packetId": ' + "9" * 5_000 + '}, "signature": "AAAA"}',  # > 4,300 digits
        '{"packet": ',
    ],
)
def test_json_that_cannot_be_read_is_400(client, audits, path, raw):
    answer = client.post("/api/v1/handovers" + path, data=raw, content_type="application/json")
    assert answer.status_code == 400 and "not JSON" in answer.get_json()["message"]
    assert _stored() == 0 and audits() == 0


def _withdrawal(packet: dict) -> dict:
    keys = ("packetId", "hcd_SenderProvince", "hcd_ReceiverProvince", "hcd_SenderCaseNumber")
    return {key: packet[key] for key in keys} | {"hcd_Action": "withdraw"}


def test_the_sender_withdraws_a_packet_not_yet_accepted(client, app, audits):
    packet = _packet(app)
    _send(client, packet)
    withdrawn = _send(client, _withdrawal(packet), path="/withdraw")
    assert _receipt_status(app, withdrawn, packet, receipts.WITHDRAWAL) == "withdrawn"
    assert _receipt_status(app, withdrawn, packet) is None  # not a hand-over's receipt
    replay = _send(client, packet)  # a replay revives nothing
    assert replay.status_code == 410 and _receipt_status(app, replay, packet) == "withdrawn"
    assert audits("handover_withdrawn") == 1


def test_a_packet_withdrawn_before_it_came_is_not_stored_when_it_comes(client, app, audits):
    """A worker was posting it as its sender withdrew it: the withdrawal holds."""
    packet = _packet(app)
    for _ in range(2):  # a replayed withdrawal changes nothing
        withdrawn = _send(client, _withdrawal(packet), path="/withdraw")
        assert withdrawn.status_code == 200
        assert _receipt_status(app, withdrawn, packet, receipts.WITHDRAWAL) == "withdrawn"
    assert _send(client, packet).status_code == 410  # withdrawn at both ends
    assert _stored() == 0  # none of the victim's data is kept
    assert audits("handover_received") == 0 and audits("handover_withdrawn") == 2
    (row,) = db.session.scalars(select(WithdrawnPacket))
    assert (row.packet_id, row.sender) == (packet["packetId"], "sichuan")


def test_the_timer_worker_forgets_withdrawals_of_packets_not_received_after_a_week(worker_env):
    """Such a packet was being posted as its sender withdrew it: it comes within seconds, if
    at all, so the worker forgets the withdrawal after REMEMBERED."""
    now = datetime.now(UTC)
    for packet_id, age in (
        ("old", receiving.REMEMBERED + timedelta(hours=1)),
        ("new", timedelta()),
    ):
        db.session.add(
            WithdrawnPacket(packet_id=packet_id, sender="sichuan", withdrawn_at=now - age)
        )
    db.session.commit()
    spawn_worker(worker_env).wait(timeout=120)
    db.session.rollback()
    assert db.session.scalars(select(WithdrawnPacket.packet_id)).all() == ["new"]


def test_a_peer_has_a_bounded_number_of_withdrawals_of_packets_not_received(
    client, app, monkeypatch
):
    monkeypatch.setattr(receiving, "MOST_REMEMBERED", 2)
    packets = [_packet(app) for _ in range(3)]
    codes = [_send(client, _withdrawal(p), path="/withdraw").status_code for p in packets]
    assert codes == [200, 200, 422]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(WithdrawnPacket)) == 2
    _send(client, packets[0])
    assert _send(client, _withdrawal(packets[0]), path="/withdraw").status_code == 200  # a replay


def test_a_withdrawal_of_another_provinces_packet_is_refused(client, app):
    yunnan = signing_key(new_signing_key())
    db.session.add(PeerProvince(code="yunnan", public_key=public_key(yunnan), api_url="http://y"))
    db.session.commit()
    packet = _packet(app)
    _send(client, packet)
    theirs = _withdrawal(packet) | {"hcd_SenderProvince": "yunnan"}
    assert _send(client, theirs, key=yunnan, path="/withdraw").status_code == 422
    assert db.session.scalar(select(IncomingHandover)).status == HandoverStatus.RECEIVED
    early = _withdrawal(_packet(app)) | {"hcd_SenderProvince": "yunnan"}
    assert _send(client, early, key=yunnan, path="/withdraw").status_code == 200
    taken = _packet(app, packetId=early["packetId"])  # Sichuan sending under Yunnan's id
    assert _send(client, taken).status_code == 422
    assert _stored() == 1


VICTIM = {
    "prs_Gender": "Female",
    "prs_Nationality": "CN",
    "prs_MailingState": "fujian",
    "hcd_Age": 14,
    "hcd_Disability": False,
}


def test_a_packet_with_all_the_victims_data_is_taken(client, app):
    assert _send(client, _packet(app, **VICTIM)).status_code == 201
    assert _stored() == 1


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"hcd_Age": float("nan")}, "hcd_Age: a int"),
        ({"hcd_Age": "fourteen"}, "hcd_Age: a int"),
        ({"hcd_Age": {"years": 14}}, "hcd_Age: a int"),
        ({"hcd_Age": True}, "hcd_Age: a int"),
        ({"hcd_Age": 200}, "hcd_Age: Age must be between 0 and 120."),
        ({"hcd_Age": 10**400}, "hcd_Age: Age must be between 0 and 120."),
        ({"hcd_Disability": "no"}, "hcd_Disability: a bool"),
        ({"prs_Gender": ["Female"]}, "prs_Gender: a str"),
        ({"prs_Gender": "Other"}, "prs_Gender: Female, Male or Unknown"),
        ({"prs_Nationality": "Atlantis"}, "prs_Nationality: "),
        ({"prs_FirstName": "Wang\x1bFang"}, "prs_FirstName: "),
        ({"prs_FirstName": "x" * 121}, "prs_FirstName: Keep this under 120 characters."),
        ({"prs_FirstName": ["Wang", "Fang"]}, "prs_FirstName: a str"),
    ],
    ids=repr,
)
def test_a_signed_packet_whose_victim_data_the_intake_would_refuse_is_refused(
    client, app, changes, named
):
    """A peer's bug, even signed, is refused when it comes (422 saying which field), never
    stored to fail when civil affairs accept it."""
    answer = _send(client, _packet(app, **VICTIM | changes))
    assert answer.status_code == 422
    assert named in answer.get_json()["message"]
    assert _stored() == 0


def test_a_replayed_packet_cannot_withdraw_itself(client, app):
    packet = _packet(app)
    _send(client, packet)
    assert _send(client, packet, path="/withdraw").status_code == 422
    forged = {"packet": _withdrawal(packet), "signature": sign(SICHUAN, packet)}
    assert client.post("/api/v1/handovers/withdraw", json=forged).status_code == 403
    assert db.session.scalar(select(IncomingHandover)).status == HandoverStatus.RECEIVED


@pytest.mark.parametrize("decision", [HandoverStatus.ACCEPTED, HandoverStatus.REFUSED])
def test_a_decided_packet_cannot_be_withdrawn_and_the_receipt_says_how_it_was_decided(
    client, app, decision
):
    packet = _packet(app)
    _send(client, packet)
    row = db.session.scalar(select(IncomingHandover))
    row.status = decision
    db.session.commit()
    refused = _send(client, _withdrawal(packet), path="/withdraw")
    assert refused.status_code == 409
    assert _receipt_status(app, refused, packet, receipts.WITHDRAWAL) == decision
    db.session.refresh(row)
    assert row.status == decision


def _at_once(app, calls) -> list:
    """Run each call in a thread of its own, all let go at once, each committing what it did;
    their results (any failure is the test's finding)."""
    barrier, results, failures = threading.Barrier(len(calls)), [], []

    def run(call):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                results.append(call())
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                failures.append(repr(error))

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    return results


def test_the_same_packet_arriving_ten_times_at_once_is_stored_once(app):
    """A sender retrying while its first post is still in flight: one row, every post answered."""
    packet = _packet(app)
    signature, home = sign(SICHUAN, packet), app.config["HOME_PROVINCE"]
    created = _at_once(app, [lambda: receiving.receive(packet, signature, home=home)[1]] * 10)
    assert sorted(created) == [False] * 9 + [True]
    assert _stored() == 1


def test_a_packet_and_its_withdrawal_at_once_end_withdrawn(app):
    """The sender withdrawing while a worker posts the packet: whichever comes first, the
    packet ends withdrawn, stored withdrawn or not stored at all (five rounds, five posts of
    each)."""
    home = app.config["HOME_PROVINCE"]
    for _ in range(5):
        packet = _packet(app)
        request = _withdrawal(packet)
        posts = [
            partial(receiving.receive, packet, sign(SICHUAN, packet), home=home),
            partial(receiving.withdraw, request, sign(SICHUAN, request), home=home),
        ]
        _at_once(app, posts * 5)
        db.session.rollback()
        stored = db.session.scalars(
            select(IncomingHandover.status).filter_by(packet_id=packet["packetId"])
        ).all()
        early = db.session.scalars(
            select(WithdrawnPacket.id).filter_by(packet_id=packet["packetId"])
        ).all()
        db.session.rollback()  # no transaction held (on SQLite, the write lock) into the next
        assert (stored, len(early)) in (([HandoverStatus.WITHDRAWN], 0), ([], 1))
