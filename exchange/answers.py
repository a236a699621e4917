"""Answers to hand-overs: the receiver's decision, signed and sent back to the sender (accepted
with the case number it opened, or refused with a reason); the sender's case shows it, once.

An answer keeps the packet's vocabulary: `hcd_SenderProvince` is still the province that sent
the hand-over (the answer's recipient), `hcd_ReceiverProvince` the one that answers and signs.
"""

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, update

from forms.registry import get_form_class
from models import (
    Case,
    DeliveryStatus,
    EventType,
    IncomingHandover,
    OutgoingAnswer,
    OutgoingHandover,
    Role,
    db,
)
from workflows import timeline
from workflows.notifications import members, notify

from .errors import PacketInvalid
from .packets import HANDOVER_FORM
from .receiving import verified
from .signing import sign

ACCEPTED, REFUSED = "accepted", "refused"
# What each answer makes of the packet and of the sender's timeline.
OUTCOMES = {
    ACCEPTED: (DeliveryStatus.ACCEPTED, EventType.HANDOVER_ACCEPTED),
    REFUSED: (DeliveryStatus.REFUSED, EventType.HANDOVER_REFUSED),
}
REASON_LENGTH = 1000
# Where a packet stands once nothing can change it: answered, or withdrawn (the receiver
# confirmed it, or never had it), so that an answer after that changes nothing either.
SETTLED = (DeliveryStatus.ACCEPTED, DeliveryStatus.REFUSED, DeliveryStatus.WITHDRAWN)


def queue_answer(
    handover: IncomingHandover,
    key: Ed25519PrivateKey,
    *,
    home: str,
    case_number: str | None = None,
    reason: str | None = None,
) -> OutgoingAnswer:
    """Sign the answer to a packet just decided and queue it for the worker to send."""
    answer = {
        "packetId": handover.packet_id,
        "hcd_SenderProvince": handover.sender,
        "hcd_ReceiverProvince": home,
        "hcd_SenderCaseNumber": handover.sender_case_number,
        "hcd_Action": ACCEPTED if case_number else REFUSED,
        "hcd_AnsweredAt": datetime.now(UTC).isoformat(),
    }
    if case_number:
        answer["hcd_ReceiverCaseNumber"] = case_number
    else:
        answer["hcd_RefusalReason"] = reason
    outgoing = OutgoingAnswer(
        packet_id=handover.packet_id,
        receiver=handover.sender,
        packet=answer,
        signature=sign(key, answer),
    )
    db.session.add(outgoing)
    db.session.flush()
    return outgoing


def _checked(answer: dict) -> None:
    action = answer.get("hcd_Action")
    if not isinstance(action, str) or action not in OUTCOMES:
        raise PacketInvalid("an answer says hcd_Action: accepted or refused")
    if answer["hcd_Action"] == ACCEPTED:
        number = answer.get("hcd_ReceiverCaseNumber")
        if not isinstance(number, str) or not 0 < len(number) <= 20:
            raise PacketInvalid("an acceptance names the case number it opened")
    else:
        reason = answer.get("hcd_RefusalReason")
        if not isinstance(reason, str) or not 0 < len(reason) <= REASON_LENGTH:
            raise PacketInvalid("a refusal gives its reason")


def _answered(outgoing: OutgoingHandover, status: DeliveryStatus) -> bool:
    """Mark the packet answered unless it was already, or withdrawn: one compare-and-set, so
    that of an answer and its replay arriving at once exactly one is recorded."""
    won = db.session.execute(
        update(OutgoingHandover)
        .where(OutgoingHandover.id == outgoing.id, OutgoingHandover.status.not_in(SETTLED))
        .values(status=status)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(outgoing)
    return won == 1


def receive_answer(answer: dict, signature: str, *, home: str) -> tuple[OutgoingHandover, bool]:
    """Record a signed answer to a packet this deployment sent, on its case's timeline; a
    replay, or an answer to a packet withdrawn, returns the packet (and False: nothing new;
    the receipt says where it stands)."""
    _checked(answer)
    peer = verified(answer, signature, home=home, signer="hcd_ReceiverProvince")
    outgoing = db.session.scalar(
        select(OutgoingHandover).filter_by(packet_id=answer["packetId"], receiver=peer.code)
    )
    if outgoing is None:
        raise PacketInvalid("no such packet sent to this province")
    status, event_type = OUTCOMES[answer["hcd_Action"]]
    if not _answered(outgoing, status):
        return outgoing, False
    detail = {"province": peer.code, "packet": outgoing.packet_id}
    if status == DeliveryStatus.ACCEPTED:
        detail["case_number"] = answer["hcd_ReceiverCaseNumber"]
    else:
        detail["reason"] = answer["hcd_RefusalReason"]
    case = db.session.get(Case, outgoing.case_id)
    timeline.record(case, event_type, **detail)
    if status == DeliveryStatus.REFUSED:  # the victim is still this province's to place
        handing = members(get_form_class(HANDOVER_FORM).department, Role.SOCIAL_WORKER)
        notify(handing, "handover_refused", case_id=case.id)
    db.session.flush()
    return outgoing, True
