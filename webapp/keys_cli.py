"""`flask keys`: make a data key, and rotate everything keyed by it onto the current key."""

import click

from models import db
from models.crypto import new_key
from models.rotation import ENCRYPTED_COLUMNS, rotate_batch, rows_to_rotate
from workflows.documents import store
from workflows.documents.operations import files_to_rotate
from workflows.matching.index import cases_to_reindex, reindex_batch

keys_cli = click.Group("keys", help="The data keys that encrypt victims' data at rest.")


@keys_cli.command("generate")
def generate_command():
    """Print a fresh random data key (put it first in HOMECOMING_DATA_KEY)."""
    click.echo(new_key())


@keys_cli.command("rotate")
@click.option("--batch", default=200, show_default=True, help="Rows re-encrypted per commit.")
def rotate_command(batch):
    """Re-encrypt every sensitive value, re-index every case's match digests and re-encrypt
    every document's file under the first key; safe to stop and run again.

    Each batch is its own transaction, unlike other commands: a rotation runs while the app
    serves, and holds a few hundred rows locked at a time, never the whole table. Each file is
    replaced atomically on its own. The digests come last: they are made from the answers,
    which every configured key must still decrypt.
    """
    files = files_to_rotate()
    total = sum(rows_to_rotate(db.session, *target) for target in ENCRYPTED_COLUMNS)
    total += cases_to_reindex() + len(files)
    db.session.commit()
    with click.progressbar(length=total, label="re-encrypting") as bar:
        for target in ENCRYPTED_COLUMNS:
            while done := rotate_batch(db.session, *target, size=batch):
                db.session.commit()
                bar.update(done)
        while done := reindex_batch(batch):
            db.session.commit()
            bar.update(done)
        for name in files:
            store.rotate(name)
            bar.update(1)
    click.echo(f"{total} values now under the current key; older keys may be removed")
