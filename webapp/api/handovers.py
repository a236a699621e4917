"""Hand-overs from other provinces' deployments: signed packets in, withdrawals; no token."""

from flask import current_app
from flask_babel import force_locale
from flask_smorest import abort

from exchange import answers, receipts, receiving
from exchange.errors import AlreadyDecided, ExchangeError, PacketInvalid, UnknownSender
from exchange.signing import deployment_key
from exchange.transport import WITHDRAWN_THERE
from models import HandoverStatus

from .. import access
from . import schemas
from .auth import api_blueprint

bp = api_blueprint(
    "api_handovers",
    "/handovers",
    "Between provinces: each request is signed by the sending deployment's key.",
    bearer=False,
)


def _refused(error: ExchangeError, body: dict, party: str = "sender"):
    """Log the refusal and answer 4xx."""
    _log_refusal(error, body, party)
    if isinstance(error, PacketInvalid | UnknownSender):  # what is wrong: no victim data
        abort(422, message=f"packet refused: {type(error).__name__}: {error}")
    abort(403, message=f"packet refused: {type(error).__name__}")


def _log_refusal(error: ExchangeError, body: dict, party: str = "sender") -> None:
    """Which province claimed to sign what, never the victim's data: the sender of a packet,
    the receiver of an answer."""
    packet = body["packet"]
    access.record_refusal(
        None,
        "handover_refused",
        None,
        reason=type(error).__name__,
        **{party: str(packet.get(f"hcd_{party.title()}Province", ""))[:40]},
        packet=str(packet.get("packetId", ""))[:36],
    )


def _taken(take, body: dict, action: str, party: str, kind: str):
    """Take a signed message once with `take` (a domain function returning the record and
    whether it is new): 201, the receipt and an audit row naming the peer (`party`) when new,
    200 for a replay, 4xx and a logged refusal when it is refused."""
    key = _receipt_key()
    try:
        with force_locale("en"):  # a peer's machine reads what is wrong
            record, created = take(body["packet"], body["signature"], home=_home())
    except ExchangeError as error:
        _refused(error, body, party)
    if created:
        access.audit(None, action, None, **{party: getattr(record, party)})
    return _receipt(key, record, kind), 201 if created else 200


def _receipt_key():
    """This deployment's key, which signs its receipts; 503 (nothing taken) if it has none."""
    key = deployment_key(current_app.config)
    if key is None:
        abort(503, message="this province has no signing key yet: it cannot confirm a message")
    return key


def _receipt(key, record, kind: str) -> dict:
    return receipts.receipt(key, record.packet_id, kind, str(record.status), home=_home())


def _home() -> str:
    return current_app.config["HOME_PROVINCE"]


@bp.post("")
@bp.arguments(schemas.SignedPacket)
@bp.response(200, schemas.PacketAnswer)
@bp.alt_response(201, schema=schemas.PacketAnswer)
@bp.alt_response(WITHDRAWN_THERE, schema=schemas.PacketAnswer)
@bp.alt_response(503, response="DEFAULT_ERROR")
def receive(body):
    """Take a signed hand-over packet; a replay is acknowledged and creates nothing; a packet
    its sender withdrew (before it came, too) is answered 410 (withdrawn at both ends). Each
    answer is this deployment's signed receipt."""
    answer, code = _taken(receiving.receive, body, "handover_received", "sender", receipts.HANDOVER)
    if answer["status"] == HandoverStatus.WITHDRAWN:
        return answer, WITHDRAWN_THERE
    return answer, code


@bp.post("/withdraw")
@bp.arguments(schemas.SignedPacket)
@bp.response(200, schemas.PacketAnswer)
@bp.alt_response(409, schema=schemas.PacketAnswer)
@bp.alt_response(503, response="DEFAULT_ERROR")
def withdraw(body):
    """The sender takes back a packet not yet accepted (the request signed like a packet), or
    one not yet here before it comes; answered with this deployment's signed receipt, which
    says, with 409, how the packet was decided when it was first."""
    key = _receipt_key()
    try:
        handover = receiving.withdraw(body["packet"], body["signature"], home=_home())
    except AlreadyDecided as decided:
        _log_refusal(decided, body)
        status, kind = str(decided.status), receipts.WITHDRAWAL
        return receipts.receipt(key, decided.packet_id, kind, status, home=_home()), 409
    except ExchangeError as error:
        _refused(error, body)
    access.audit(None, "handover_withdrawn", None, sender=handover.sender)
    return _receipt(key, handover, receipts.WITHDRAWAL)


@bp.post("/answers")
@bp.arguments(schemas.SignedPacket)
@bp.response(200, schemas.PacketAnswer)
@bp.alt_response(201, schema=schemas.PacketAnswer)
@bp.alt_response(503, response="DEFAULT_ERROR")
def answer(body):
    """The receiver's answer to a packet this deployment sent: accepted or refused (signed)."""
    return _taken(answers.receive_answer, body, "handover_answered", "receiver", receipts.ANSWER)
