"""One-time links through which an outside organisation answers a referral, without an account.

Only a hash of each token is stored; a link answers once and expires. While the referral stays
open, answering gives the organisation the next link.
"""

import hashlib
import secrets
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select, update

from models import ReferralLink, ReferralStatus, db

from . import referrals
from .errors import LinkNotFound, LinkSpent

TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 64


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(referral) -> str:
    """A new link token for the referral (shown once, stored hashed)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = datetime.now(UTC) + current_app.config["REFERRAL_LINK_LIFETIME"]
    db.session.add(
        ReferralLink(referral_id=referral.id, token_hash=_hash(token), expires_at=expires_at)
    )
    db.session.flush()
    return token


def open_link(token: str) -> ReferralLink:
    """The unused, unexpired link of that token; LinkNotFound or LinkSpent otherwise."""
    if not token or len(token) > TOKEN_MAX_LENGTH or not token.isascii():
        raise LinkNotFound("not a link token")
    link = db.session.scalar(select(ReferralLink).filter_by(token_hash=_hash(token)))
    if link is None:
        raise LinkNotFound("no such link")
    if link.used_at is not None or link.expires_at <= datetime.now(UTC):
        raise LinkSpent("this link was used or has expired")
    if link.referral.status not in referrals.OPEN:
        raise LinkSpent("this referral is closed")
    return link


def answer(token: str, status: ReferralStatus, reason: str | None = None) -> str | None:
    """The organisation's answer through a link (spent at once); the next link, if still open."""
    link = open_link(token)
    spent = db.session.execute(
        update(ReferralLink)
        .where(ReferralLink.id == link.id, ReferralLink.used_at.is_(None))
        .values(used_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise LinkSpent("this link was used already")
    referral = link.referral
    referrals.move(referral, status, reason=reason)
    return issue(referral) if referral.status in referrals.OPEN else None
