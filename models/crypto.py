"""Authenticated encryption of sensitive columns (AES-GCM) and the keyed blind index of names.

Keys come from outside the database: `HOMECOMING_DATA_KEY` (one or more base64 keys, the first
encrypts, the others only decrypt during a rotation) or a file named by
`HOMECOMING_DATA_KEY_FILE`. Each ciphertext names the key that made it (`hc1:<key id>:...`), so
a rotation can tell which rows are still to do from the ciphertexts alone.
"""

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

PREFIX = "hc1"
NONCE_BYTES = 12


class MissingDataKey(RuntimeError):
    """No data key is configured, or a ciphertext names a key that is no longer configured."""


def new_key() -> str:
    """A fresh random 256-bit data key, as `HOMECOMING_DATA_KEY` takes it."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def normalised_name(name: str) -> str:
    """A name as the blind index sees it: NFKC, case-folded, without spaces or dots."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in ".·・")


def _decode_key(text: str) -> bytes:
    key = base64.urlsafe_b64decode(text.strip().encode())
    if len(key) != 32:
        raise MissingDataKey("a data key must be 32 bytes, base64-encoded (see the README)")
    return key


class DataKey:
    """One 256-bit key: its id, its AES-GCM cipher and the HMAC key of its blind index."""

    def __init__(self, key: bytes):
        self.id = hashlib.sha256(b"homecoming key id" + key).hexdigest()[:8]
        self.cipher = AESGCM(key)
        self.index_key = HKDF(
            hashes.SHA256(), 32, salt=None, info=b"homecoming blind index"
        ).derive(key)

    def blind_index(self, name: str) -> str:
        """The HMAC of the normalised name under this key."""
        digest = hmac.new(self.index_key, normalised_name(name).encode(), hashlib.sha256)
        return digest.hexdigest()


class Keyring:
    """The configured keys; the first one encrypts, every one decrypts."""

    def __init__(self, keys: list[bytes]):
        if not keys:
            raise MissingDataKey("no data key configured")
        self.keys = [DataKey(key) for key in keys]
        self.by_id = {key.id: key for key in self.keys}
        self.current = self.keys[0]

    @classmethod
    def from_text(cls, text: str) -> "Keyring":
        """Keys separated by commas, spaces or lines; `#` starts a comment."""
        lines = [line.split("#", 1)[0] for line in text.splitlines()]
        words = " ".join(lines).replace(",", " ").split()
        return cls([_decode_key(word) for word in words])

    def encrypt(self, text: str) -> str:
        """The text encrypted and authenticated under the current key."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.current.cipher.encrypt(nonce, text.encode(), self.current.id.encode())
        return f"{PREFIX}:{self.current.id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        """The plaintext of a stored value; a value from before encryption passes unchanged."""
        if not stored.startswith(PREFIX + ":"):
            return stored  # written before encryption: `flask keys rotate` encrypts it
        _, key_id, body = stored.split(":", 2)
        key = self.by_id.get(key_id)
        if key is None:
            raise MissingDataKey(f"the data key {key_id} is not configured")
        raw = base64.b64decode(body)
        return key.cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()).decode()

    def current_prefix(self) -> str:
        """How every value encrypted under the current key begins."""
        return f"{PREFIX}:{self.current.id}:"

    def blind_indexes(self, name: str) -> list[str]:
        """The name's blind index under every key (rows not yet rotated keep the old one)."""
        return [key.blind_index(name) for key in self.keys]


def keyring_from_config(config) -> Keyring:
    """The keyring of DATA_KEY, else DATA_KEY_FILE; refuses clearly when neither is set."""
    if config.get("DATA_KEY"):
        return Keyring.from_text(config["DATA_KEY"])
    if config.get("DATA_KEY_FILE"):
        return Keyring.from_text(Path(config["DATA_KEY_FILE"]).read_text())
    raise MissingDataKey(
        "Homecoming will not start without a data key: set HOMECOMING_DATA_KEY or "
        "HOMECOMING_DATA_KEY_FILE (make a key with: python -c "
        "'from models.crypto import new_key; print(new_key())')"
    )


def init_app(app) -> None:
    """Load the app's keyring (the app refuses to start without one)."""
    app.extensions["data_keys"] = keyring_from_config(app.config)


def keyring() -> Keyring:
    """The current app's keyring."""
    return current_app.extensions["data_keys"]


class Plaintext(str):
    """A decrypted text that prints redacted: a DEBUG dump of result rows shows no victim data."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<decrypted text>"


class PlainDocument(dict):
    """A decrypted JSON document that prints redacted (see Plaintext)."""

    def __repr__(self) -> str:
        return "<decrypted document>"


class EncryptedText(TypeDecorator):
    """Text stored encrypted with the app's current data key; read back as plaintext."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Encrypt on the way in."""
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        """Decrypt on the way out."""
        return None if value is None else Plaintext(keyring().decrypt(value))


class EncryptedJSON(EncryptedText):
    """A JSON document stored encrypted (see EncryptedText)."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Serialise, then encrypt."""
        return None if value is None else super().process_bind_param(json.dumps(value), dialect)

    def process_result_value(self, value, dialect):
        """Decrypt, then parse."""
        if value is None:
            return None
        document = json.loads(super().process_result_value(value, dialect))
        return PlainDocument(document) if isinstance(document, dict) else document
