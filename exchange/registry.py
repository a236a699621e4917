"""The registry of peer provinces: who may send this deployment hand-overs, and where to send."""

from urllib.parse import urlparse

from sqlalchemy import select

from models import PeerProvince, db

from .signing import raw_key


class AddressInvalid(ValueError):
    """An API address that is not an http(s) URL."""


def set_peer(code: str, key: str, api_url: str, *, name: str | None = None) -> PeerProvince:
    """Register (and enable) a peer, or change its key, address or name; a bad key
    (KeyInvalid) or address (AddressInvalid) is refused."""
    raw_key(key)  # refuse what could never verify a signature
    if urlparse(api_url).scheme not in ("http", "https") or not urlparse(api_url).netloc:
        raise AddressInvalid("the API address is an http(s) URL")
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
