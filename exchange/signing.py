"""Each deployment's Ed25519 key: it signs the packets it sends, peers check them by its public key.

A packet is signed over its canonical JSON (sorted keys, no spaces, UTF-8), so that the receiver
checks exactly the bytes the sender meant whatever its own JSON library does with them.
"""

import base64
import binascii
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KEY_BYTES = 32


class KeyInvalid(ValueError):
    """A signing or public key that is not base64 of 32 bytes."""


def new_signing_key() -> str:
    """A fresh private key, as base64 of its 32 raw bytes (for HOMECOMING_SIGNING_KEY)."""
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    return base64.b64encode(raw).decode()


def raw_key(text: str) -> bytes:
    """The 32 bytes of a base64 key, or KeyInvalid."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeyInvalid("a key is base64 of 32 bytes") from error
    if len(raw) != KEY_BYTES:
        raise KeyInvalid("a key is base64 of 32 bytes")
    return raw


def signing_key(text: str | None = None, file: str | None = None) -> Ed25519PrivateKey | None:
    """The deployment's key from its text or a file holding it; None if neither is set."""
    if file:
        text = Path(file).read_text()
    return Ed25519PrivateKey.from_private_bytes(raw_key(text)) if text else None


def deployment_key(config) -> Ed25519PrivateKey | None:
    """This deployment's key, from its configuration (SIGNING_KEY or SIGNING_KEY_FILE)."""
    return signing_key(config["SIGNING_KEY"], config["SIGNING_KEY_FILE"])


def public_key(key: Ed25519PrivateKey) -> str:
    """The public half, as base64 of 32 bytes: what peers register for this province."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def canonical(body: dict) -> bytes:
    """The bytes a signature covers."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(key: Ed25519PrivateKey, body: dict) -> str:
    """The signature of `body`, base64."""
    return base64.b64encode(key.sign(canonical(body))).decode()


def verify(peer_public_key: str, body: dict, signature: str) -> bool:
    """Whether `signature` is the peer's over exactly `body` (a malformed one is simply false)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(raw_key(peer_public_key))
        key.verify(base64.b64decode(signature, validate=True), canonical(body))
    except (InvalidSignature, KeyInvalid, binascii.Error, ValueError, TypeError, RecursionError):
        return False
    return True
