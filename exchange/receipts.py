"""Receipts: a deployment's signed word on where a message it was sent stands.

Every answer of the hand-over API to a peer's message (stored, a replay, withdrawn) carries one,
signed by the answering deployment's key. The sender counts a message delivered, or withdrawn,
only on a receipt the peer signed for that message: a proxy, a captive portal or a wrong address
answering 200 or 410 marks nothing, and the message is tried again.
"""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .signing import sign, verify

SIGNED = ("packetId", "status", "hcd_ReceiptBy")


def receipt(key: Ed25519PrivateKey, packet_id: str, status: str, *, home: str) -> dict:
    """The answer to a message about `packet_id`: where it stands here, signed by `home`."""
    body = {"packetId": packet_id, "status": status, "hcd_ReceiptBy": home}
    return body | {"signature": sign(key, body)}


def confirmed(answer: dict | None, packet_id: str, peer: str, peer_key: str) -> str | None:
    """The status a receipt gives the message `packet_id`, if `answer` is one the peer signed
    for it; None for anything else (no JSON, another packet, another signer, a forgery)."""
    if not isinstance(answer, dict):
        return None
    body = {name: answer.get(name) for name in SIGNED}
    if body["packetId"] != packet_id or body["hcd_ReceiptBy"] != peer:
        return None
    signature = answer.get("signature")
    if not isinstance(signature, str) or not verify(peer_key, body, signature):
        return None
    return body["status"] if isinstance(body["status"], str) else None
