"""The encrypted file store: AES-GCM under the data key, one random file name per document."""

import os
import secrets
from pathlib import Path

from flask import current_app

from models.crypto import MissingDataKey, keyring

NONCE_BYTES = 12
HEADER = b"hcdoc1:"


def _path(storage_name: str) -> Path:
    directory = Path(current_app.config["DOCUMENTS_DIR"])
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory / storage_name


def save(data: bytes) -> str:
    """Encrypt and write the bytes (atomically); returns the new file's storage name."""
    name = secrets.token_hex(16)
    key = keyring().current
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.cipher.encrypt(nonce, data, name.encode())
    path = _path(name)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(HEADER + key.id.encode() + b":" + nonce + sealed)
    temporary.replace(path)
    return name


def load(storage_name: str) -> bytes:
    """The decrypted bytes of a stored file (authenticated: a changed file fails)."""
    raw = _path(storage_name).read_bytes()
    key_id, _, body = raw.removeprefix(HEADER).partition(b":")
    key = keyring().by_id.get(key_id.decode(errors="replace"))
    if not raw.startswith(HEADER) or key is None:
        raise MissingDataKey(f"the data key of document {storage_name} is not configured")
    return key.cipher.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], storage_name.encode())


def remove(storage_name: str) -> None:
    """Delete a stored file (an upload whose transaction failed)."""
    _path(storage_name).unlink(missing_ok=True)
