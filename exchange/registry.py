"""The registry of peer provinces: who may send this deployment hand-overs, and where to send."""

from urllib.parse import urlparse

from sqlalchemy import select

from models import PeerProvince, db

from .signing import KeyInvalid, raw_key


def set_peer(code: str, key: str, api_url: str) -> PeerProvince:
    """Register a peer, or change its key or address; a bad key or address is refused."""
    raw_key(key)  # refuse what could never verify a signature
    if urlparse(api_url).scheme not in ("http", "https") or not urlparse(api_url).netloc:
        raise KeyInvalid("the API address is an http(s) URL")
    peer = db.session.scalar(select(PeerProvince).filter_by(code=code)) or PeerProvince(code=code)
    peer.public_key, peer.api_url = key.strip(), api_url
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
