"""`flask exchange`: this deployment's hand-over signing key, and the public half for its peers."""

import click
from flask import current_app

from exchange import receiving, registry, sending
from exchange.signing import KeyInvalid, deployment_key, new_signing_key, public_key
from models import db
from workflows import clock

exchange_cli = click.Group("exchange", help="Hand-over between provinces: the signing key.")


@exchange_cli.command("generate-key")
def generate_key_command():
    """Print a fresh Ed25519 signing key (for HOMECOMING_SIGNING_KEY or its file)."""
    click.echo(new_signing_key())


@exchange_cli.command("public-key")
def public_key_command():
    """Print this province's code and public key, which its peers register."""
    config = current_app.config
    key = deployment_key(config)
    if key is None:
        raise click.ClickException("set HOMECOMING_SIGNING_KEY or HOMECOMING_SIGNING_KEY_FILE")
    click.echo(f"{config['HOME_PROVINCE']} {public_key(key)}")


def send_handovers() -> int:
    """The timer worker's chore: forget old withdrawals of packets never received, queue new
    hand-overs for registered peers, take out of those waiting what a consent withdrawn no
    longer lets travel, send those due."""
    receiving.forget_old_withdrawals(clock.now())
    db.session.commit()
    config = current_app.config
    key = deployment_key(config)
    if key is None:  # a deployment without a key exchanges nothing
        return 0
    queued = sending.queue_new(config["HOME_PROVINCE"], key)
    sending.withhold_withdrawn(key)
    db.session.commit()
    return queued + sending.send_due(db.session.commit)


peers_cli = click.Group("peers", help="The registry of peer provinces (code, key, API address).")
exchange_cli.add_command(peers_cli)


@peers_cli.command("add")
@click.argument("code")
@click.argument("key")
@click.argument("api_url")
def add_peer_command(code, key, api_url):
    """Register (or update) a peer province: its code, public key and API address."""
    try:
        peer = registry.set_peer(code, key, api_url)
    except (KeyInvalid, registry.AddressInvalid) as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{peer.code} {peer.api_url}")


@peers_cli.command("list")
def list_peers_command():
    """Every registered peer: code, API address, public key."""
    for peer in registry.peers():
        click.echo(f"{peer.code} {peer.api_url} {peer.public_key}")


@peers_cli.command("remove")
@click.argument("code")
def remove_peer_command(code):
    """Forget a peer: its packets are refused from now on."""
    if not registry.remove_peer(code):
        raise click.ClickException(f"no peer {code!r}")
    db.session.commit()
