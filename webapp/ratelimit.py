"""The login rate limit, per account and per address, shared by every worker through Redis."""

from flask import current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Storage and key prefix come from the app's RATELIMIT_* config (REDIS_URL when set).
limiter = Limiter(key_func=get_remote_address)


def _failed(response) -> bool:
    """Only refused attempts count: a colleague logging in many times is no attacker."""
    return response.status_code == 401


def _account() -> str:
    """The account being tried: the username typed, or the one waiting for its second factor."""
    pending = session.get("pending_login") or {}
    name = request.form.get("username") or pending.get("username", "")
    return "account:" + name.strip().lower()[:80]


def limit_logins(view):
    """Refuse (429) further attempts on an account or from an address past their limits."""
    per_address = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
        methods=["POST"],
        deduct_when=_failed,
        scope="login-address",
    )
    per_account = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
        key_func=_account,
        methods=["POST"],
        deduct_when=_failed,
        scope="login-account",
    )
    return per_address(per_account(view))
