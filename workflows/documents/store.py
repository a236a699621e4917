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
    _write(name, data)
    return name


def _write(storage_name: str, data: bytes) -> None:
    """Encrypt the bytes under the current key into the file, replacing it atomically."""
    key = keyring().current
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.cipher.encrypt(nonce, data, storage_name.encode())
    path = _path(storage_name)
    temporary = path.with_suffix(f".{secrets.token_hex(4)}.part")  # one per writer
    temporary.write_bytes(HEADER + key.id.encode() + b":" + nonce + sealed)
    temporary.replace(path)


def key_id(storage_name: str) -> str | None:
    """The id of the key a stored file is encrypted under (None: the file is gone)."""
    try:
        with _path(storage_name).open("rb") as file:
            head = file.read(len(HEADER) + 40)
    except FileNotFoundError:
        return None
    return head.removeprefix(HEADER).partition(b":")[0].decode(errors="replace")


def rotate(storage_name: str) -> bool:
    """Re-encrypt a stored file under the current key if it is under another; whether it was."""
    found = key_id(storage_name)
    if found is None or found == keyring().current.id:
        return False
    _write(storage_name, load(storage_name))
    return True


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
