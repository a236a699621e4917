"""Sending hand-overs in one process: one packet per case, back-off, acknowledgement."""

import http.client
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from exchange import receipts, sending, withdrawals
from exchange.errors import AlreadyDecided, WithdrawalFailed
from exchange.packets import HANDOVER_FORM
from exchange.receipts import ANSWER, HANDOVER, WITHDRAWAL
from exchange.registry import AddressInvalid, set_peer
from exchange.signing import KeyInvalid, new_signing_key, public_key, signing_key, verify
from exchange.transport import Reply
from models import (
    DeliveryStatus,
    OutgoingAnswer,
    OutgoingHandover,
    PeerProvince,
    TimelineEvent,
    db,
)
from webapp import demo

KEY = signing_key(new_signing_key())
YUNNAN = signing_key(new_signing_key())


def yunnan_answers(code: int, status: str = "received", key=YUNNAN, altered=None, kind=None):
    """A fake Yunnan answering `code` with its receipt for the message posted (its kind read
    from the path unless `kind` says otherwise; `altered`: fields changed after signing);
    records the URLs posted to in `.urls`."""

    def post(url, body):
        post.urls.append(url)
        answered = kind or PATH_KINDS.get(url.rsplit("/", 1)[-1], HANDOVER)
        packet_id = body["packet"]["packetId"]
        receipt = receipts.receipt(key, packet_id, answered, status, home="yunnan")
        return Reply(code, receipt | (altered or {}))

    post.urls = []
    return post


PATH_KINDS = {"withdraw": WITHDRAWAL, "answers": ANSWER}


def nested(depth: int) -> list:
    """A list `depth` deep, built without recursion (as a hostile peer's JSON would be)."""
    value = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.fixture
def handed_over(open_case, users):
    """A case carried through its hand-over to Yunnan, a registered peer."""
    set_peer("yunnan", public_key(YUNNAN), "http://yunnan.test")
    case = open_case()
    demo.advance_case(case, users, 60, stop_at=HANDOVER_FORM)
    demo.advance_case(case, users, 1)
    db.session.commit()
    yield case
    db.session.rollback()
    db.session.execute(delete(OutgoingAnswer))
    db.session.execute(delete(OutgoingHandover))
    db.session.execute(delete(PeerProvince))
    db.session.commit()


def test_one_signed_packet_per_case(handed_over):
    assert sending.queue_new("fujian", KEY) == 1
    assert sending.queue_new("fujian", KEY) == 0
    outgoing = db.session.scalar(select(OutgoingHandover))
    assert outgoing.receiver == "yunnan" and outgoing.case_id == handed_over.id
    assert verify(public_key(KEY), outgoing.packet, outgoing.signature)


def test_no_packet_for_a_province_not_registered(handed_over):
    db.session.execute(delete(PeerProvince))
    assert sending.queue_new("fujian", KEY) == 0


def test_failures_back_off_until_acknowledged(handed_over):
    sending.queue_new("fujian", KEY)
    sent = []

    def down(url, body):
        sent.append(url)
        raise ConnectionRefusedError

    assert sending.send_due(db.session.commit, down) == 1
    outgoing = db.session.scalar(select(OutgoingHandover))
    assert outgoing.attempts == 1 and outgoing.last_error == "ConnectionRefusedError"
    assert sending.send_due(db.session.commit, down) == 0  # not due again for 5 s
    outgoing.next_attempt_at = datetime.now(UTC)
    assert sending.send_due(db.session.commit, lambda url, body: Reply(503, None)) == 1
    assert outgoing.attempts == 2 and outgoing.last_error == "HTTP 503"
    outgoing.next_attempt_at = datetime.now(UTC)
    sending.send_due(db.session.commit, yunnan_answers(201))
    assert outgoing.status == DeliveryStatus.DELIVERED and outgoing.last_error is None
    assert sent == ["http://yunnan.test/api/v1/handovers"]


PROXY_PAGE = None  # a proxy's or captive portal's HTML: no JSON
FORGED = signing_key(new_signing_key())


@pytest.mark.parametrize(
    "reply",
    [
        lambda url, body: Reply(200, PROXY_PAGE),
        lambda url, body: Reply(410, {"code": 410, "status": "Gone", "message": "no such path"}),
        yunnan_answers(201, key=FORGED),
        yunnan_answers(201, altered={"packetId": "another-packet"}),
        yunnan_answers(201, altered={"hcd_ReceiptBy": "sichuan"}),
        yunnan_answers(410, "received", altered={"status": "withdrawn"}),
        yunnan_answers(410, "withdrawn", altered={"signature": "bm90IGEgc2lnbmF0dXJl"}),
        yunnan_answers(200, "withdrawn", kind=ANSWER),  # a receipt for another message
        yunnan_answers(201, altered={"status": nested(5000)}),
    ],
    ids=[
        "proxy-200",
        "proxy-410",
        "forged",
        "other-packet",
        "other-signer",
        "altered",
        "bad-sig",
        "other-kind",
        "nested",
    ],
)
def test_only_the_receivers_signed_receipt_marks_a_packet_delivered_or_withdrawn(
    handed_over, reply
):
    """A wrong address, a proxy or a forger answering 200 or 410 marks nothing: the packet
    stays pending, to be sent again, and the timeline says nothing of a withdrawal."""
    sending.queue_new("fujian", KEY)
    assert sending.send_due(db.session.commit, reply) == 1
    outgoing = db.session.scalar(select(OutgoingHandover))
    db.session.refresh(outgoing)
    assert outgoing.status == DeliveryStatus.PENDING and outgoing.delivered_at is None
    assert outgoing.attempts == 1 and "without a receipt signed by yunnan" in outgoing.last_error
    withdrawn = {"case_id": handed_over.id, "event_type": "handover_withdrawn"}
    assert db.session.scalars(select(TimelineEvent).filter_by(**withdrawn)).all() == []


@pytest.mark.parametrize("code", [410, 200])
def test_a_packet_the_receiver_has_withdrawn_is_withdrawn_here_too(handed_over, code):
    """The receiver withdrew it but its answer to the withdrawal was lost: the next sending is
    answered 410 with its receipt, and the packet ends withdrawn at both ends, on the timeline
    once. The receipt's signed word decides, not the HTTP code: a replayed 200 with the
    receiver's "withdrawn" receipt does not make it delivered."""
    sending.queue_new("fujian", KEY)
    assert sending.send_due(db.session.commit, yunnan_answers(code, "withdrawn")) == 1
    outgoing = db.session.scalar(select(OutgoingHandover))
    db.session.refresh(outgoing)
    assert outgoing.status == DeliveryStatus.WITHDRAWN and outgoing.delivered_at is None
    withdrawn = {"case_id": handed_over.id, "event_type": "handover_withdrawn"}
    (event,) = db.session.scalars(select(TimelineEvent).filter_by(**withdrawn))
    assert event.actor_id is None
    assert event.data == {"province": "yunnan", "packet": outgoing.packet_id}
    outgoing.next_attempt_at = datetime.now(UTC)
    db.session.commit()
    assert sending.send_due(db.session.commit, yunnan_answers(410, "withdrawn")) == 0


def test_a_worker_taking_the_packet_first_makes_the_withdrawal_ask(handed_over, users):
    """The page read it as never sent, a worker took it before the withdrawal's update: the
    receiver is asked after all, and nothing is withdrawn here unless it confirms."""
    sending.queue_new("fujian", KEY)
    outgoing = db.session.scalar(select(OutgoingHandover))
    assert outgoing.first_sent_at is None
    db.session.execute(  # the worker's claim, in its own transaction: the page's row is stale
        update(OutgoingHandover)
        .values(first_sent_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    civil_affairs = users["civil_affairs"]
    department = civil_affairs.memberships[0].department
    unconfirmed = [
        lambda url, body: Reply(503, None),
        lambda url, body: Reply(200, PROXY_PAGE),
        yunnan_answers(200, "withdrawn", key=FORGED),
        yunnan_answers(200, "received"),  # not what was asked
        lambda url, body: Reply(409, None),  # "already decided", from anyone
        yunnan_answers(409, "accepted", key=FORGED),
        yunnan_answers(409, "withdrawn"),  # said 409, so not confirmed either
    ]
    for post in unconfirmed:
        with pytest.raises(WithdrawalFailed):
            withdrawals.withdraw(
                outgoing, civil_affairs, department, KEY, commit=db.session.commit, post=post
            )
        db.session.refresh(outgoing)
        assert outgoing.status == DeliveryStatus.PENDING
    confirming = yunnan_answers(200, "withdrawn")
    withdrawals.withdraw(
        outgoing, civil_affairs, department, KEY, commit=db.session.commit, post=confirming
    )
    db.session.commit()
    db.session.refresh(outgoing)
    assert outgoing.status == DeliveryStatus.WITHDRAWN
    assert confirming.urls == ["http://yunnan.test/api/v1/handovers/withdraw"]


@pytest.mark.parametrize("decision", ["accepted", "refused"])
def test_a_withdrawal_the_receiver_answered_first_is_already_decided(handed_over, users, decision):
    """Yunnan's signed 409 says how it decided the packet: nothing is withdrawn here, and the
    page is told it was decided (its answer comes by itself)."""
    sending.queue_new("fujian", KEY)
    sending.send_due(db.session.commit, yunnan_answers(201))
    outgoing = db.session.scalar(select(OutgoingHandover))
    civil_affairs = users["civil_affairs"]
    department = civil_affairs.memberships[0].department
    with pytest.raises(AlreadyDecided) as decided:
        withdrawals.withdraw(
            outgoing,
            civil_affairs,
            department,
            KEY,
            commit=db.session.commit,
            post=yunnan_answers(409, decision),
        )
    assert decided.value.status == decision
    db.session.refresh(outgoing)
    assert outgoing.status == DeliveryStatus.DELIVERED


def test_an_answer_is_delivered_on_its_own_receipt_and_never_withdraws_a_packet(handed_over):
    """An answer to a packet Yunnan sent (refused here): a 410 or a receipt for another kind
    of message is a failed attempt, and no hand-over of this deployment is withdrawn by it;
    Yunnan's receipt for the answer delivers it."""
    sending.queue_new("fujian", KEY)
    handover = db.session.scalar(select(OutgoingHandover))
    refusal = {"packetId": "yn-packet-1", "hcd_Action": "refused"}
    answer = OutgoingAnswer(
        packet_id="yn-packet-1",
        receiver="yunnan",
        packet=refusal,
        signature="x",
        next_attempt_at=datetime.now(UTC),
    )
    db.session.add(answer)
    handover.next_attempt_at = datetime.now(UTC) + timedelta(hours=1)  # not due in this test
    db.session.commit()
    for post, error in [
        (yunnan_answers(410, "withdrawn"), "HTTP 410"),
        (yunnan_answers(201, "refused", kind=HANDOVER), "without a receipt signed by yunnan"),
    ]:
        answer.next_attempt_at = datetime.now(UTC)
        db.session.commit()
        assert sending.send_due(db.session.commit, post) == 1
        assert post.urls == ["http://yunnan.test/api/v1/handovers/answers"]
        db.session.refresh(answer)
        assert answer.status == DeliveryStatus.PENDING and error in answer.last_error
        db.session.refresh(handover)
        assert handover.status == DeliveryStatus.PENDING
    answer.next_attempt_at = datetime.now(UTC)
    db.session.commit()
    sending.send_due(db.session.commit, yunnan_answers(201, "refused"))
    db.session.refresh(answer)
    assert answer.status == DeliveryStatus.DELIVERED and answer.last_error is None


def _answers_due(receiver: str, count: int) -> list[OutgoingAnswer]:
    """`count` answers for `receiver`, due now (to packets it sent, refused here)."""
    answers = [
        OutgoingAnswer(
            packet_id=f"{receiver}-packet-{n}",
            receiver=receiver,
            packet={"packetId": f"{receiver}-packet-{n}", "hcd_Action": "refused"},
            signature="x",
            next_attempt_at=datetime.now(UTC),
        )
        for n in range(count)
    ]
    db.session.add_all(answers)
    db.session.commit()
    return answers


def test_a_peer_that_fails_is_tried_once_a_pass_and_the_others_are_still_served(handed_over):
    """Sichuan hangs: of the three messages waiting for it one is tried (and backs off), the
    two others wait, untouched, for the next pass; Yunnan's packet and answer are delivered."""
    set_peer("sichuan", public_key(signing_key(new_signing_key())), "http://sichuan.test")
    sending.queue_new("fujian", KEY)
    to_sichuan = _answers_due("sichuan", 3)
    to_yunnan = _answers_due("yunnan", 1)
    yunnan = yunnan_answers(201, "refused")
    hung = []

    def post(url, body):
        if url.startswith("http://sichuan.test"):
            hung.append(url)
            raise TimeoutError("timed out")
        return yunnan(url, body)

    assert sending.send_due(db.session.commit, post) == 3
    assert len(hung) == 1
    assert sorted(yunnan.urls) == [
        "http://yunnan.test/api/v1/handovers",
        "http://yunnan.test/api/v1/handovers/answers",
    ]
    assert db.session.scalar(select(OutgoingHandover)).status == DeliveryStatus.DELIVERED
    assert to_yunnan[0].status == DeliveryStatus.DELIVERED
    tried = [a for a in to_sichuan if a.attempts]
    waiting = [a for a in to_sichuan if not a.attempts]
    assert len(tried) == 1 and tried[0].last_error == "TimeoutError"
    assert len(waiting) == 2 and all(a.status == DeliveryStatus.PENDING for a in waiting)
    assert sending.send_due(db.session.commit, post) == 1  # the next one, the first backs off
    assert len(hung) == 2 and sum(1 for a in to_sichuan if a.attempts) == 2


def test_a_pass_stops_sending_when_its_time_is_spent(handed_over):
    """A slow peer's answers take the pass's budget: what is left is sent by the next pass."""
    answers = _answers_due("yunnan", 4)
    yunnan = yunnan_answers(201, "refused")

    def slow(url, body):
        time.sleep(0.2)
        return yunnan(url, body)

    assert sending.send_due(db.session.commit, slow, budget=0.3) == 2
    assert [a.status for a in answers].count(DeliveryStatus.DELIVERED) == 2
    assert sending.send_due(db.session.commit, slow) == 2
    assert all(a.status == DeliveryStatus.DELIVERED for a in answers)


def test_the_message_due_longest_goes_first_whatever_its_kind(handed_over):
    """An answer waiting an hour for Yunnan is not held back by a packet for Sichuan that
    hangs until the pass's time is spent: the longest due is sent first."""
    set_peer("sichuan", public_key(signing_key(new_signing_key())), "http://sichuan.test")
    sending.queue_new("fujian", KEY)
    db.session.execute(update(OutgoingHandover).values(receiver="sichuan"))
    (answer,) = _answers_due("yunnan", 1)
    answer.next_attempt_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    yunnan, order = yunnan_answers(201, "refused"), []

    def post(url, body):
        order.append(url)
        if url.startswith("http://sichuan.test"):
            time.sleep(0.3)
            raise TimeoutError("timed out")
        return yunnan(url, body)

    assert sending.send_due(db.session.commit, post, budget=0.2) == 2
    assert order == [
        "http://yunnan.test/api/v1/handovers/answers",
        "http://sichuan.test/api/v1/handovers",
    ]
    assert answer.status == DeliveryStatus.DELIVERED


def test_a_stored_address_no_connection_can_use_is_a_failed_attempt(handed_over):
    """An address stored before the registry refused such ones (a space in the host) is a
    failed attempt that backs off, never an error of the worker's pass."""
    sending.queue_new("fujian", KEY)
    db.session.execute(update(PeerProvince).values(api_url="http://yun nan.test"))
    db.session.commit()
    assert sending.send_due(db.session.commit) == 1
    outgoing = db.session.scalar(select(OutgoingHandover))
    assert (outgoing.attempts, outgoing.last_error) == (1, "ValueError")
    assert outgoing.status == DeliveryStatus.PENDING


def test_backoff_doubles_up_to_an_hour():
    seconds = [sending.backoff(n).total_seconds() for n in (1, 2, 3, 20)]
    assert seconds == [5, 10, 20, 3600]


@pytest.mark.parametrize(
    ("key", "url", "error"),
    [("c2hvcnQ=", "http://x.test", KeyInvalid), (public_key(KEY), "ftp://x.test", AddressInvalid)],
)
def test_the_registry_refuses_bad_keys_and_addresses(key, url, error):
    with pytest.raises(error):
        set_peer("sichuan", key, url)


def test_a_peer_not_speaking_http_is_a_failed_attempt(handed_over):
    sending.queue_new("fujian", KEY)

    def garbled(url, body):
        raise http.client.BadStatusLine("SSH-2.0-OpenSSH_9.2")

    assert sending.send_due(db.session.commit, garbled) == 1  # the worker lives on
    outgoing = db.session.scalar(select(OutgoingHandover))
    assert outgoing.status == DeliveryStatus.PENDING and outgoing.last_error == "BadStatusLine"


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        (
            {"message": "packet refused: PacketInvalid: hcd_Age: a int"},
            "HTTP 422: packet refused: PacketInvalid: hcd_Age: a int",
        ),
        ({"message": "bad\x00\x01 line\n\tbreaks \ud800 here"}, "HTTP 422: bad line breaks here"),
        ({"message": "x" * 5000}, "HTTP 422: " + "x" * 190),
        ({"message": ["not", "text"]}, "HTTP 422"),
        ({"message": " \n "}, "HTTP 422"),
        (None, "HTTP 422"),
    ],
    ids=["reason", "control-characters", "long", "not-text", "blank", "no-json"],
)
def test_a_peers_refusal_is_kept_in_its_own_words_as_one_printable_line(handed_over, body, stored):
    """What the peer said is what its administrator must fix; a hostile peer's text is cut
    to one printable line that the column holds (PostgreSQL refuses NUL and longer text)."""
    sending.queue_new("fujian", KEY)
    before = datetime.now(UTC)
    assert sending.send_due(db.session.commit, lambda url, body_: Reply(422, body)) == 1
    db.session.expire_all()
    outgoing = db.session.scalar(select(OutgoingHandover))
    assert (outgoing.status, outgoing.attempts) == (DeliveryStatus.PENDING, 1)
    assert outgoing.last_error == stored and outgoing.last_attempt_at >= before


@pytest.mark.parametrize(
    ("failure", "may_hold"),
    [(ConnectionRefusedError, False), (TimeoutError, True), (ConnectionResetError, True)],
)
def test_only_an_attempt_that_may_have_reached_the_peer_counts_as_sent(
    handed_over, failure, may_hold
):
    """A refused connection left nothing there: the packet is still one never sent (withdrawn
    here alone, changed before it leaves); a timeout or a reset may have delivered it."""
    sending.queue_new("fujian", KEY)

    def fails(url, body):
        raise failure

    assert sending.send_due(db.session.commit, fails) == 1
    db.session.expire_all()
    outgoing = db.session.scalar(select(OutgoingHandover))
    assert outgoing.attempts == 1 and (outgoing.first_sent_at is not None) is may_hold
