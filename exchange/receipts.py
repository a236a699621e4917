"""Receipts: a deployment's signed word on where a message it was sent stands.

Every answer of the hand-over API to a peer's message (stored, a replay, withdrawn) carries one,
signed by the answering deployment's key. The sender counts a message delivered, or withdrawn,
only on a receipt the peer signed for that message: a proxy, a captive portal or a wrong address
answering 200 or 410 marks nothing, and the message is tried again.
"""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .signing import sign, verify

SIGNED = ("packetId", "hcd_ReceiptFor", "status", "hcd_ReceiptBy")
# The kinds of message a receipt answers, so that one kind's receipt never passes for another's
# (an answer carries the id of the packet it answers).
HANDOVER, WITHDRAWAL, ANSWER = "handover", "withdrawal", "answer"


def receipt(key: Ed25519PrivateKey, packet_id: str, kind: str, status: str, *, home: str) -> dict:
    """The answer to a message of `kind` about `packet_id`: where it stands here, signed by
    `home`."""
    body = {"packetId": packet_id, "hcd_ReceiptFor": kind, "status": status, "hcd_ReceiptBy": home}
    return body | {"signature": sign(key, body)}


def confirmed(answer, packet_id: str, kind: str, peer: str, peer_key: str) -> str | None:
    """The status a receipt gives the message of `kind` about `packet_id`, if `answer` is one
    the peer signed for it; None for anything else (no JSON, another packet or kind, another
    signer, a forgery, a field that is not text)."""
    if not isinstance(answer, dict):
        return None
    body = {name: answer.get(name) for name in SIGNED}
    signature = answer.get("signature")
    if not all(isinstance(value, str) for value in (*body.values(), signature)):
        return None
    if (body["packetId"], body["hcd_ReceiptFor"], body["hcd_ReceiptBy"]) != (
        packet_id,
        kind,
        peer,
    ):
        return None
    return body["status"] if verify(peer_key, body, signature) else None
