"""Re-encryption of every sensitive column under the current data key, one batch at a time.

What is left to do is read from the ciphertexts themselves (each names its key), so a rotation
that stops halfway resumes where it stopped. Rows are compared and set on their stored
ciphertext: a row the app rewrote meanwhile (under the current key already) is left alone.
"""

from sqlalchemy import Text, column, func, select, table, update

from .crypto import keyring

# (table, encrypted column): every column that holds an EncryptedText or EncryptedJSON.
ENCRYPTED_COLUMNS = (
    ("cases", "victim_name"),
    ("timeline_events", "data"),
    ("process_instances", "state"),
    ("incidents", "message"),
    ("consent_entries", "child_view"),
    ("referrals", "reason"),
    ("documents", "filename"),
    ("incoming_handovers", "packet"),
    ("outgoing_handovers", "packet"),
    ("users", "totp_secret"),
    ("task_drafts", "answers"),
)


def _raw(table_name: str, column_name: str):
    """The table seen as stored: ciphertext as plain text, no decryption on the way."""
    columns = [column("id"), column(column_name, Text)]
    if table_name == "cases":
        columns.append(column("victim_name_index"))
    return table(table_name, *columns)


def _pending(raw, column_name: str):
    stored = raw.c[column_name]
    return stored.is_not(None) & ~stored.startswith(keyring().current_prefix(), autoescape=True)


def rows_to_rotate(session, table_name: str, column_name: str) -> int:
    """How many rows of the column are not yet under the current key."""
    raw = _raw(table_name, column_name)
    query = select(func.count()).select_from(raw).where(_pending(raw, column_name))
    return session.scalar(query)


def rotate_batch(session, table_name: str, column_name: str, size: int = 200) -> int:
    """Re-encrypt up to `size` rows under the current key (rows locked); returns how many."""
    keys, raw = keyring(), _raw(table_name, column_name)
    stored = raw.c[column_name]
    rows = session.execute(
        select(raw.c.id, stored)
        .where(_pending(raw, column_name))
        .order_by(raw.c.id)
        .limit(size)
        .with_for_update()
    ).all()
    for row_id, old in rows:
        plain = keys.decrypt(old)
        values = {column_name: keys.encrypt(plain)}
        if table_name == "cases":
            values["victim_name_index"] = keys.current.blind_index(plain)
        session.execute(update(raw).where(raw.c.id == row_id, stored == old).values(values))
    session.flush()
    return len(rows)
