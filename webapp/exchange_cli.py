"""`flask exchange`: this deployment's hand-over signing key, and the public half for its peers."""

import click
from flask import current_app

from exchange.signing import new_signing_key, public_key, signing_key

exchange_cli = click.Group("exchange", help="Hand-over between provinces: the signing key.")


@exchange_cli.command("generate-key")
def generate_key_command():
    """Print a fresh Ed25519 signing key (for HOMECOMING_SIGNING_KEY or its file)."""
    click.echo(new_signing_key())


@exchange_cli.command("public-key")
def public_key_command():
    """Print this province's code and public key, which its peers register."""
    config = current_app.config
    key = signing_key(config["SIGNING_KEY"], config["SIGNING_KEY_FILE"])
    if key is None:
        raise click.ClickException("set HOMECOMING_SIGNING_KEY or HOMECOMING_SIGNING_KEY_FILE")
    click.echo(f"{config['HOME_PROVINCE']} {public_key(key)}")
