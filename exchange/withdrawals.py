"""The sender takes back a hand-over packet the receiving province has not answered yet.

No transaction stays open while the receiver is asked (on SQLite it would hold the database's
write lock for as long as the peer takes): the caller's `commit` ends it first, and the outcome
is written in a new one as a compare-and-set, so that an answer arriving meanwhile wins. A
withdrawn packet is not sent any more (workers send only pending ones).
"""

import http.client

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, true, update

from models import (
    Case,
    DeliveryStatus,
    Department,
    EventType,
    HandoverStatus,
    OutgoingHandover,
    PeerProvince,
    User,
    db,
)
from workflows import timeline

from . import receipts
from .errors import AlreadyDecided, PeerNotEnabled, WithdrawalFailed
from .receiving import REQUIRED, WITHDRAW
from .signing import sign
from .transport import PATHS, Post, http_post

WITHDRAWABLE = (DeliveryStatus.PENDING, DeliveryStatus.DELIVERED)
# What a receiver's signed 409 to a withdrawal may say: it answered the packet first.
DECIDED = (HandoverStatus.ACCEPTED, HandoverStatus.REFUSED)


def withdrawable(case: Case) -> OutgoingHandover | None:
    """The case's packet to another province, if it is not answered or withdrawn yet."""
    return db.session.scalar(
        select(OutgoingHandover).where(
            OutgoingHandover.case_id == case.id, OutgoingHandover.status.in_(WITHDRAWABLE)
        )
    )


def _request(
    outgoing: OutgoingHandover, key: Ed25519PrivateKey
) -> tuple[PeerProvince | None, dict]:
    """The receiver (None if it was removed or disabled: it is not asked) and the signed
    withdrawal request (no victim data, only the ids)."""
    request = {name: outgoing.packet[name] for name in REQUIRED} | {"hcd_Action": WITHDRAW}
    body = {"packet": request, "signature": sign(key, request)}
    peer = db.session.scalar(select(PeerProvince).filter_by(code=outgoing.receiver))
    return (peer if peer is not None and peer.enabled else None), body


def withdraw(
    outgoing: OutgoingHandover,
    actor: User,
    department: Department,
    key: Ed25519PrivateKey,
    *,
    commit,
    post: Post = http_post,
) -> None:
    """Take the packet back, on the receiver's side too, and say so on the case's timeline.

    A packet no worker has taken to send never left: it is withdrawn here only. Any other may
    be held by the receiver (a lost acknowledgement, a worker killed after posting) or reach it
    yet (a worker posting it now), so the receiver withdraws it first, there or before it
    comes (exchange.receiving). AlreadyDecided if the receiver answered it (or it was withdrawn)
    first; WithdrawalFailed, with nothing changed here, if the receiver did not confirm.
    """
    if outgoing.status not in WITHDRAWABLE:
        raise AlreadyDecided(outgoing.packet_id)
    unsent = outgoing.status == DeliveryStatus.PENDING and outgoing.first_sent_at is None
    # A worker may take it meanwhile: its claim and this are each a compare-and-set.
    if unsent and _mark(outgoing, OutgoingHandover.first_sent_at.is_(None), actor, department):
        return
    _ask(outgoing, key, commit, post)
    if not _mark(outgoing, true(), actor, department):
        raise AlreadyDecided(outgoing.packet_id)  # answered, or found withdrawn, meanwhile


def withdrawn_there(outgoing: OutgoingHandover) -> None:
    """A sending of the packet was answered that the receiver has it withdrawn (a withdrawal
    whose answer was lost): withdrawn here too, on the timeline with no actor."""
    _mark(outgoing, OutgoingHandover.status == DeliveryStatus.PENDING, None, None)


def _mark(outgoing: OutgoingHandover, allowed, actor, department) -> bool:
    """Compare-and-set the packet withdrawn, if it still may be and `allowed` holds, and say
    so on the case's timeline; whether it was."""
    won = db.session.execute(
        update(OutgoingHandover)
        .where(OutgoingHandover.id == outgoing.id, OutgoingHandover.status.in_(WITHDRAWABLE))
        .where(allowed)
        .values(status=DeliveryStatus.WITHDRAWN)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        return False
    timeline.record(
        db.session.get(Case, outgoing.case_id),
        EventType.HANDOVER_WITHDRAWN,
        actor=actor,
        department=department,
        province=outgoing.receiver,
        packet=outgoing.packet_id,
    )
    db.session.flush()
    return True


def _ask(outgoing: OutgoingHandover, key: Ed25519PrivateKey, commit, post: Post) -> None:
    """Ask the receiver, with no transaction open, to withdraw the packet; returns if its
    signed receipt says it did."""
    packet_id, receiver = outgoing.packet_id, outgoing.receiver
    peer, body = _request(outgoing, key)
    if peer is None:
        commit()
        raise PeerNotEnabled(receiver)
    url = peer.api_url.rstrip("/") + PATHS[OutgoingHandover] + "/withdraw"
    peer_key = peer.public_key
    commit()
    try:
        reply = post(url, body)
    except (OSError, http.client.HTTPException, ValueError):  # as a sending (exchange.sending)
        raise WithdrawalFailed(receiver) from None
    confirmed = receipts.confirmed(reply.body, packet_id, receipts.WITHDRAWAL, receiver, peer_key)
    if reply.status == 409 and confirmed in DECIDED:  # the receiver's answer came first
        raise AlreadyDecided(packet_id, confirmed)
    if reply.status != 200 or confirmed != HandoverStatus.WITHDRAWN:
        raise WithdrawalFailed(receiver)
