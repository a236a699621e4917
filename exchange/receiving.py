"""Receiving hand-overs: check the sender's signature, store each packet once, let it withdraw.

A withdrawal of a packet not (yet) here is remembered (`WithdrawnPacket`), so that the packet
arriving after it (a worker was posting it at that moment) is answered as withdrawn and not
stored: a withdrawal the receiver confirmed holds for as long as it is remembered. Each
message locks its signer's peer row, so a packet and its withdrawal arriving at once are
taken one after the other. Such a packet is one its sender was posting when it withdrew it,
which arrives within seconds: the withdrawal is forgotten after a week, and a peer may have
at most 10,000 remembered at once.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from models import HandoverStatus, IncomingHandover, PeerProvince, WithdrawnPacket, db

from .errors import AlreadyDecided, PacketInvalid, SignatureRefused, UnknownSender
from .packets import victim_errors, without_personal_data
from .signing import verify

WITHDRAW = "withdraw"
PROVINCES = ("hcd_SenderProvince", "hcd_ReceiverProvince")
REQUIRED = ("packetId", *PROVINCES, "hcd_SenderCaseNumber")
REMEMBERED = timedelta(days=7)  # how long a withdrawal of a packet not received is kept
MOST_REMEMBERED = 10_000  # of them, from one peer: a peer's bug or a stolen key fills no disk


def verified(message: dict, signature: str, *, home: str, signer: str) -> PeerProvince:
    """The registered peer that signed a well-formed message for `home`: a packet or a
    withdrawal (`signer` is hcd_SenderProvince) or an answer (hcd_ReceiverProvince); the
    other province field must be this deployment."""
    if not all(isinstance(message.get(name), str) for name in REQUIRED):
        raise PacketInvalid("a packet names its id, sender, receiver and case number")
    if len(message["packetId"]) > 36 or len(message["hcd_SenderCaseNumber"]) > 20:
        raise PacketInvalid("packet id or case number too long")
    (addressee,) = set(PROVINCES) - {signer}
    if message[addressee] != home:
        raise PacketInvalid(f"this deployment is {home}")
    peer = db.session.scalar(select(PeerProvince).filter_by(code=message[signer]))
    if peer is None or not peer.enabled:
        raise UnknownSender(message[signer])
    if not verify(peer.public_key, message, signature):
        raise SignatureRefused(peer.code)
    db.session.refresh(peer, with_for_update=True)  # only once signed: no lock for a forgery
    return peer


def receive(
    packet: dict, signature: str, *, home: str
) -> tuple[IncomingHandover | WithdrawnPacket, bool]:
    """Store a signed packet once; a replay returns the stored one (and False: nothing new),
    a packet withdrawn before it came its withdrawal."""
    if "hcd_Action" in packet:
        raise PacketInvalid("a packet is no request")
    peer = verified(packet, signature, home=home, signer="hcd_SenderProvince")
    wrong = victim_errors(packet)
    if wrong:
        raise PacketInvalid("; ".join(wrong))
    stored = _stored(packet["packetId"], peer)
    if stored is not None:
        return stored, False
    handover = IncomingHandover(
        packet_id=packet["packetId"],
        sender=peer.code,
        sender_case_number=packet["hcd_SenderCaseNumber"],
        packet=packet,
        signature=signature,
    )
    try:
        with db.session.begin_nested():  # the same packet arriving twice at once: one row
            db.session.add(handover)
    except IntegrityError:
        stored = _stored(packet["packetId"], peer)
        if stored is None:  # a clash on something else than the packet id
            raise
        return stored, False
    return handover, True


def _stored(packet_id: str, peer) -> IncomingHandover | WithdrawnPacket | None:
    """The packet already received under this id, or its withdrawal, if any; PacketInvalid if
    another province sent it."""
    stored = db.session.scalar(select(IncomingHandover).filter_by(packet_id=packet_id))
    if stored is None:
        stored = db.session.scalar(select(WithdrawnPacket).filter_by(packet_id=packet_id))
    if stored is not None and stored.sender != peer.code:
        raise PacketInvalid("another province sent a packet with this id")
    return stored


def withdraw(request: dict, signature: str, *, home: str) -> IncomingHandover | WithdrawnPacket:
    """The sender takes back a packet not yet accepted: a request signed like a packet, with
    `hcd_Action: withdraw`, so that a replayed packet can never withdraw itself. A packet not
    here is withdrawn before it comes."""
    if request.get("hcd_Action") != WITHDRAW:
        raise PacketInvalid("a withdrawal says hcd_Action: withdraw")
    peer = verified(request, signature, home=home, signer="hcd_SenderProvince")
    stored = _stored(request["packetId"], peer)
    if stored is None:
        remembered = select(func.count()).select_from(WithdrawnPacket).filter_by(sender=peer.code)
        if db.session.scalar(remembered) >= MOST_REMEMBERED:
            raise PacketInvalid(f"{MOST_REMEMBERED} withdrawals of packets not received are kept")
        stored = WithdrawnPacket(packet_id=request["packetId"], sender=peer.code)
        db.session.add(stored)
        db.session.flush()
    elif stored.status != HandoverStatus.WITHDRAWN:
        decide(stored, HandoverStatus.WITHDRAWN)
    return stored


def forget_old_withdrawals(now: datetime) -> int:
    """Forget the withdrawals of packets not received that are older than REMEMBERED (the
    timer worker's chore); how many."""
    old = delete(WithdrawnPacket).where(WithdrawnPacket.withdrawn_at < now - REMEMBERED)
    return db.session.execute(old).rowcount


def decide(handover: IncomingHandover, status: HandoverStatus, **values) -> None:
    """Move a packet not yet decided to `status`, or AlreadyDecided: one compare-and-set, so
    of an acceptance, a refusal and a withdrawal at once exactly one wins. A packet refused or
    withdrawn keeps none of the victim's personal data: no case here needs it."""
    if status in (HandoverStatus.REFUSED, HandoverStatus.WITHDRAWN):
        values["packet"] = without_personal_data(handover.packet)
    won = db.session.execute(
        update(IncomingHandover)
        .where(
            IncomingHandover.id == handover.id, IncomingHandover.status == HandoverStatus.RECEIVED
        )
        .values(status=status, decided_at=datetime.now(UTC), **values)
    ).rowcount
    db.session.refresh(handover)
    if won != 1:
        raise AlreadyDecided(handover.packet_id, handover.status)
