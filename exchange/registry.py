"""The registry of peer provinces: who may send this deployment hand-overs, and where to send."""

from sqlalchemy import select

from models import PeerProvince, db

from .signing import raw_key
from .transport import address


class AddressInvalid(ValueError):
    """An API address no connection can use (see exchange.transport.address)."""


def set_peer(code: str, key: str, api_url: str, *, name: str | None = None) -> PeerProvince:
    """Register (and enable) a peer, or change its key, address or name; a bad key
    (KeyInvalid) or address (AddressInvalid) is refused."""
    raw_key(key)  # refuse what could never verify a signature
    try:
        address(api_url)
    except ValueError as error:
        raise AddressInvalid(f"the API address is not one to connect to: {error}") from None
    peer = db.session.scalar(select(PeerProvince).filter_by(code=code)) or PeerProvince(code=code)
    peer.public_key, peer.api_url, peer.enabled = key.strip(), api_url, True
    if name is not None:
        peer.name = name
    db.session.add(peer)
    db.session.flush()
    return peer


def peers() -> list[PeerProvince]:
    """Every registered peer, by code."""
    return list(db.session.scalars(select(PeerProvince).order_by(PeerProvince.code)))


def remove_peer(code: str) -> bool:
    """Forget a peer; False if there was none."""
    peer = db.session.scalar(select(PeerProvince).filter_by(code=code))
    if peer is not None:
        db.session.delete(peer)
    return peer is not None


def set_enabled(code: str, enabled: bool) -> PeerProvince | None:
    """Disable a peer (nothing is sent to it or taken from it) or enable it again."""
    peer = db.session.scalar(select(PeerProvince).filter_by(code=code))
    if peer is not None:
        peer.enabled = enabled
        db.session.flush()
    return peer
