"""API tokens: made, listed and revoked by their owner, found by the hash of what is presented."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import ApiToken, Role, TokenScope, User, db

from .. import access

TOKEN_PREFIX = "hc_"
PREFIX_LENGTH = 11  # "hc_" and eight characters: enough to tell one's tokens apart
LAST_USED_PRECISION = timedelta(minutes=1)
# What each scope lets a token do besides reading.
GRANTS = {
    TokenScope.READ: {TokenScope.READ},
    TokenScope.CASEWORK: {TokenScope.READ, TokenScope.CASEWORK},
    TokenScope.ADMIN: {TokenScope.READ, TokenScope.ADMIN},
}


class TokenRefused(Exception):
    """The account may not hold a token of that scope, or the name is unusable."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_for(user: User) -> list[TokenScope]:
    """The scopes this account may give a token: casework for social workers, admin for admins."""
    scopes = [TokenScope.READ]
    if user.department_codes():
        scopes.append(TokenScope.CASEWORK)
    if user.has_role(Role.ADMIN):
        scopes.append(TokenScope.ADMIN)
    return scopes


def create_token(actor: User, name: str, scope: TokenScope) -> tuple[ApiToken, str]:
    """A new token of the actor's (audited); the secret is returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 80 or not name.isprintable():
        raise TokenRefused("a token needs a name of at most 80 printable characters")
    if scope not in scopes_for(actor):
        raise TokenRefused(f"this account may not hold a {scope} token")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name,
        scope=scope,
        prefix=secret[:PREFIX_LENGTH],
        token_hash=_digest(secret),
    )
    db.session.add(token)
    db.session.flush()
    access.audit(actor, "api_token_created", None, token=token.prefix, scope=str(scope))
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included."""
    query = select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.id.desc())
    return list(db.session.scalars(query))


def revoke_token(actor: User, token_id: int) -> ApiToken | None:
    """Revoke one of the actor's tokens (audited); None if it is not theirs."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        access.audit(actor, "api_token_revoked", None, token=token.prefix)
        db.session.flush()
    return token


def revoke_all(user: User) -> int:
    """Revoke every live token of the account (its sessions ended by an admin: a stolen laptop
    holds its scripts' tokens too); how many."""
    live = [token for token in tokens_of(user) if token.revoked_at is None]
    for token in live:
        token.revoked_at = datetime.now(UTC)
    db.session.flush()
    return len(live)


def token_user(presented: str) -> tuple[User, ApiToken] | None:
    """The active account and live token behind a presented secret, or None."""
    if not presented.startswith(TOKEN_PREFIX) or len(presented) > 100:
        return None
    token = db.session.scalar(select(ApiToken).filter_by(token_hash=_digest(presented)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now  # not on every call: a read should not write every time
    return token.user, token


def grants(token: ApiToken, scope: TokenScope) -> bool:
    """Whether the token's scope allows what `scope` names."""
    return scope in GRANTS[token.scope]
