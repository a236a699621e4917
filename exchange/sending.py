"""Sending hand-overs: a packet per case handed to another province, and the answers to the
packets received, each retried with back-off.

Any number of workers may send at once: each claims a due message with one compare-and-set
UPDATE (its next attempt moved past a lease), and the receiver stores a message once by its
packet id, so one sent twice (a worker killed after sending, before its commit) creates nothing
twice.
"""

import http.client
import time
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from models import (
    Case,
    ConsentEntry,
    ConsentPurpose,
    DeliveryStatus,
    EventType,
    HandoverStatus,
    OutgoingAnswer,
    OutgoingHandover,
    PeerProvince,
    TimelineEvent,
    db,
)
from workflows import clock

from . import receipts, withdrawals
from .packets import (
    HANDOVER_FORM,
    build_packet,
    recorded_answers,
    recorded_consent,
    without_personal_data,
)
from .signing import sign
from .transport import PATHS, WITHDRAWN_THERE, Post, Reply, http_post

FIRST_RETRY = timedelta(seconds=5)
LAST_RETRY = timedelta(hours=1)
LEASE = timedelta(seconds=30)
# Seconds after which a pass of the timer worker starts no more sending (the last attempt may
# take its DEADLINE): what is left waits for the next pass, so that peers that answer slowly
# never keep timers and escalations from firing for long.
PASS_BUDGET = 20
ERROR_LENGTH = OutgoingHandover.__table__.c.last_error.type.length
# Failures before any byte reached the peer: nothing refused the connection, no address.
NEVER_REACHED = {"ConnectionRefusedError", "gaierror", "ValueError"}
GONE = "withdrawn there"  # an attempt's outcome: the peer has the packet withdrawn
Outgoing = OutgoingHandover | OutgoingAnswer


def backoff(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed tries: doubling from 5 s, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def queue_new(sender: str, key: Ed25519PrivateKey) -> int:
    """Build and sign a packet for every case handed to a registered peer and not yet queued."""
    peers = set(db.session.scalars(select(PeerProvince.code).filter_by(enabled=True)))
    queued = select(OutgoingHandover.case_id)
    events = db.session.scalars(
        select(TimelineEvent).where(
            TimelineEvent.event_type == EventType.CASE_HANDED_OVER,
            TimelineEvent.case_id.not_in(queued),
        )
    ).all()
    count = 0
    for event in events:
        if event.data.get("form_key") != HANDOVER_FORM or event.data.get("to") not in peers:
            continue
        packet = build_packet(db.session.get(Case, event.case_id), sender=sender)
        outgoing = OutgoingHandover(
            packet_id=packet["packetId"],
            case_id=event.case_id,
            receiver=packet["hcd_ReceiverProvince"],
            packet=packet,
            signature=sign(key, packet),
        )
        try:
            with db.session.begin_nested():  # another worker may have queued it meanwhile
                db.session.add(outgoing)
        except IntegrityError:
            continue
        count += 1
    db.session.flush()
    return count


def withhold_withdrawn(key: Ed25519PrivateKey) -> int:
    """Take the victim's personal data out of each packet no worker has taken to send yet
    (its receiver disabled, say) whose victim has withdrawn the consent since it was built
    (re-signed: the same packet id); how many. One that may have reached the receiver is
    left as it is, so that this deployment's record stays true: a withdrawal calls it back."""
    refused = select(ConsentEntry.case_id).where(
        ConsentEntry.purpose == ConsentPurpose.ROW_EXPORT, ConsentEntry.given.is_(False)
    )
    waiting = select(OutgoingHandover).where(
        OutgoingHandover.status == DeliveryStatus.PENDING,
        OutgoingHandover.first_sent_at.is_(None),
        OutgoingHandover.case_id.in_(refused),
    )
    count = 0
    for outgoing in db.session.scalars(waiting):
        case = db.session.get(Case, outgoing.case_id)
        if not outgoing.packet["hcd_PersonalDataShared"] or recorded_consent(
            case, recorded_answers(case)
        ):
            continue  # already without, or given again since
        outgoing.packet = without_personal_data(outgoing.packet)
        outgoing.signature = sign(key, outgoing.packet)
        count += 1
    db.session.flush()
    return count


def claim_due(now: datetime, skip: Collection[str] = ()) -> tuple[Outgoing, bool] | None:
    """Lease the pending message, packet or answer (to an enabled peer not in `skip`), that
    has been due the longest, and whether this is its first sending; None if none."""
    due = [found for model in PATHS if (found := _longest_due(model, now, skip)) is not None]
    if not due:
        return None
    _, model, candidate, sent_before = min(due, key=lambda found: found[0])
    won = db.session.execute(
        update(model)
        .where(
            model.id == candidate,
            model.status == DeliveryStatus.PENDING,  # not withdrawn meanwhile
            model.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + LEASE, first_sent_at=func.coalesce(model.first_sent_at, now))
    ).rowcount
    return (db.session.get(model, candidate), sent_before is None) if won == 1 else None


def _longest_due(model: type[Outgoing], now: datetime, skip: Collection[str]):
    """(due at, model, id, first sent at) of the message of this kind due the longest, or
    None."""
    found = db.session.execute(
        select(model.next_attempt_at, model.id, model.first_sent_at)
        .join(PeerProvince, PeerProvince.code == model.receiver)
        .where(
            model.status == DeliveryStatus.PENDING,
            model.next_attempt_at <= now,
            PeerProvince.enabled.is_(True),
            model.receiver.not_in(skip),
        )
        .order_by(model.next_attempt_at)
        .limit(1)
    ).first()
    return None if found is None else (found.next_attempt_at, model, found.id, found.first_sent_at)


class Delivery(NamedTuple):
    """A message on its way: the peer's URL, the body posted there, and what checks the
    peer's receipt for it."""

    url: str
    body: dict
    packet_id: str
    kind: str
    peer: str
    peer_key: str


KINDS = {OutgoingHandover: receipts.HANDOVER, OutgoingAnswer: receipts.ANSWER}


def addressed(outgoing: Outgoing) -> Delivery:
    """Where a message goes and what is posted there."""
    peer = db.session.scalar(select(PeerProvince).filter_by(code=outgoing.receiver))
    body = {"packet": outgoing.packet, "signature": outgoing.signature}
    url = peer.api_url.rstrip("/") + PATHS[type(outgoing)]
    kind = KINDS[type(outgoing)]
    return Delivery(url, body, outgoing.packet_id, kind, peer.code, peer.public_key)


def attempt(delivery: Delivery, post: Post = http_post) -> str | None:
    """Post a message once: None if the peer acknowledged it with its receipt, GONE if its
    receipt says the packet is withdrawn there, else what went wrong. The signed status
    decides, not the HTTP code (nobody signs that)."""
    try:
        reply = post(delivery.url, delivery.body)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return type(exc).__name__  # down, unreachable, not speaking HTTP, a broken address
    if reply.status not in (200, 201, WITHDRAWN_THERE):
        return _refusal(reply)
    peer = delivery.peer
    status = receipts.confirmed(
        reply.body, delivery.packet_id, delivery.kind, peer, delivery.peer_key
    )
    if status is None:
        return f"HTTP {reply.status} without a receipt signed by {peer}"
    if delivery.kind == receipts.HANDOVER and status == HandoverStatus.WITHDRAWN:
        return GONE
    return f"HTTP {reply.status}" if reply.status == WITHDRAWN_THERE else None


def _refusal(reply: Reply) -> str:
    """'HTTP <status>' and the peer's own message, if it sent one (as one printable line), cut
    to what `last_error` holds: what the peer's administrator must fix, such as a field of the
    packet their deployment refuses, or this province not registered there."""
    message = reply.body.get("message") if reply.body else None
    text = f"HTTP {reply.status}"
    if isinstance(message, str):
        line = " ".join("".join(c if c.isprintable() else " " for c in message).split())
        text += f": {line}" if line else ""
    return text[:ERROR_LENGTH]


def _unsent_again(outgoing: Outgoing, claimed_at: datetime) -> None:
    """Undo the claim's "first sent" (it wrote `claimed_at`): this first attempt never reached
    the peer, which holds nothing, so the packet may still be changed or withdrawn here."""
    model = type(outgoing)
    db.session.execute(
        update(model)
        .where(model.id == outgoing.id, model.first_sent_at == claimed_at)
        .values(first_sent_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(outgoing, ["first_sent_at"])


def record(outgoing: Outgoing, error: str | None) -> bool:
    """Note an attempt: acknowledged marks the message delivered (a compare-and-set, so that an
    answer recorded meanwhile stays), a packet the peer has withdrawn is withdrawn here too,
    else its next try is later; whether it was acknowledged."""
    now = clock.now()
    if error == GONE and isinstance(outgoing, OutgoingHandover):  # an answer is never GONE
        withdrawals.withdrawn_there(outgoing)
        return True
    outgoing.last_error, outgoing.last_attempt_at = error, now
    if error is not None:
        outgoing.attempts += 1
        outgoing.next_attempt_at = now + backoff(outgoing.attempts)
        return False
    outgoing.delivered_at = now
    model = type(outgoing)
    db.session.flush()
    db.session.execute(
        update(model)
        .where(model.id == outgoing.id, model.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.DELIVERED)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(outgoing)
    return True


def send_due(commit, post: Post = http_post, budget: float = PASS_BUDGET) -> int:
    """Deliver due packets and answers, the longest due first, each in its own transaction,
    starting none after `budget` seconds; how many were tried. A peer that fails once is not
    tried again in the pass: one that is down or hangs costs one attempt, not one per message
    queued for it, and holds back no other peer's messages.

    No transaction stays open while a peer is called: the lease is committed first and the
    outcome recorded afterwards, so a slow peer holds no lock (on SQLite, the database's)."""
    deadline, failing, tried = time.monotonic() + budget, set(), 0
    while time.monotonic() < deadline:
        now = clock.now()
        claimed = claim_due(now, failing)
        if claimed is None:
            break
        outgoing, first = claimed
        delivery = addressed(outgoing)
        commit()
        error = attempt(delivery, post)
        if first and error in NEVER_REACHED:  # it left no trace there: a packet never sent
            _unsent_again(outgoing, now)
        if not record(outgoing, error):
            failing.add(delivery.peer)
        commit()
        tried += 1
    return tried
