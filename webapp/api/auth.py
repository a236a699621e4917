"""Bearer tokens, never the session cookie: who calls the API and what their token allows."""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort

from models import TokenScope

from .. import access
from ..extensions import csrf
from ..ratelimit import limiter
from .bodies import refuse_bad_body
from .tokens import PREFIX_LENGTH, grants, token_user

PREFIX = "/api/v1"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="homecoming"'}


def is_api_request() -> bool:
    """Whether this request is for the API (JSON answers, bearer tokens, no session)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def _authenticate():
    """Find the token's account, or answer 401; an unknown or revoked token is audited."""
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    presented = presented.strip()
    found = token_user(presented) if scheme.lower() == "bearer" and presented else None
    if found is None:
        if presented:
            access.record_refusal(
                None, "api_token_refused", None, token=presented[:PREFIX_LENGTH], path=request.path
            )
        abort(
            401, message="send a valid API token: Authorization: Bearer <token>", headers=CHALLENGE
        )
    g.api_user, g.api_token = found


def api_blueprint(name: str, url_prefix: str, description: str, bearer=True) -> Blueprint:
    """A blueprint of the API: bearer-authenticated (or, between provinces, by signature),
    rate limited, exempt from CSRF, refusing JSON it cannot read or store."""
    blueprint = Blueprint(name, __name__, url_prefix=PREFIX + url_prefix, description=description)
    if bearer:
        blueprint.before_request(_authenticate)
    blueprint.before_request(refuse_bad_body)
    csrf.exempt(blueprint)
    # By address, not by the token presented: made-up tokens must not buy fresh allowances.
    limiter.shared_limit(
        lambda: current_app.config["API_RATE_LIMIT"], scope="api", key_func=get_remote_address
    )(blueprint)
    return blueprint


def caller():
    """The account whose token made this request."""
    return g.api_user


def caller_token():
    """The token this request was made with."""
    return g.api_token


def require(scope: TokenScope, action: str, case=None, **detail) -> None:
    """Answer 403 (audited) unless the request's token grants `scope`."""
    if not grants(g.api_token, scope):
        access.record_refusal(g.api_user, action, case, scope=str(g.api_token.scope), **detail)
        abort(403, message=f"this token's scope ({g.api_token.scope}) does not allow this")


def refuse(action: str, case=None, message: str = "", **detail):
    """Answer 403, with the refusal audited in its own commit."""
    access.record_refusal(g.api_user, action, case, **detail)
    abort(403, message=message or "this account may not see or do this")
