"""The receiving civil affairs' side of a hand-over: the packets received, accepted (a case
opens in the `received` pathway, linked to the sender's) or refused with a reason; either
answer is signed and queued for the sender."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from models import Case, HandoverStatus, IncomingHandover, User, db
from workflows import engine

from .answers import REASON_LENGTH, queue_answer
from .errors import AlreadyDecided, NoSigningKey, PacketInvalid
from .packets import case_data, victim_errors
from .receiving import decide

RECEIVING_DEPARTMENT = "civil_affairs"


def received(*, status: HandoverStatus | None = None) -> list[IncomingHandover]:
    """The packets received, newest first (only those in `status` if given)."""
    query = select(IncomingHandover).order_by(IncomingHandover.id.desc())
    if status is not None:
        query = query.filter_by(status=status)
    return list(db.session.scalars(query))


def waiting() -> int:
    """How many packets received wait for civil affairs' answer (the menu shows it)."""
    query = select(func.count()).select_from(IncomingHandover)
    return db.session.scalar(query.filter_by(status=HandoverStatus.RECEIVED))


def _signing(key: Ed25519PrivateKey | None) -> Ed25519PrivateKey:
    if key is None:
        raise NoSigningKey("set HOMECOMING_SIGNING_KEY to answer hand-overs")
    return key


def accept(
    handover: IncomingHandover, actor: User, key: Ed25519PrivateKey | None, *, home: str
) -> Case:
    """Open the victim's case here and tell the sender its number; AlreadyDecided if the packet
    was accepted, refused or withdrawn meanwhile, PacketInvalid if what it says of the victim
    is what the intake page refuses (a packet stored before such packets were refused)."""
    key = _signing(key)
    if handover.status != HandoverStatus.RECEIVED:
        raise AlreadyDecided(handover.packet_id)
    packet = handover.packet
    wrong = victim_errors(packet)
    if wrong:
        raise PacketInvalid("; ".join(wrong))
    case = engine.open_received_case(
        case_data(packet),
        actor,
        packet.get("prs_FirstName") or "",
        department=RECEIVING_DEPARTMENT,
        received={
            "province": handover.sender,
            "case_number": handover.sender_case_number,
            "packet": handover.packet_id,
        },
    )
    decide(handover, HandoverStatus.ACCEPTED, case_id=case.id)
    queue_answer(handover, key, home=home, case_number=case.number)
    return case


def refuse(
    handover: IncomingHandover, reason: str, key: Ed25519PrivateKey | None, *, home: str
) -> None:
    """Refuse the hand-over with a reason the sender reads; AlreadyDecided if decided meanwhile."""
    key = _signing(key)
    reason = reason.strip()
    if not 0 < len(reason) <= REASON_LENGTH:
        raise PacketInvalid(f"a refusal gives its reason (at most {REASON_LENGTH} characters)")
    decide(handover, HandoverStatus.REFUSED, refusal_reason=reason)
    queue_answer(handover, key, home=home, reason=reason)


def received_from(case: Case) -> IncomingHandover | None:
    """The hand-over a case was opened from, if it was."""
    return db.session.scalar(select(IncomingHandover).filter_by(case_id=case.id))
