"""The administrator's API: every account's tokens, and revoking any of them (audited)."""

from datetime import UTC, datetime

from flask_smorest import abort
from sqlalchemy import select

from models import ApiToken, Role, TokenScope, db

from .. import access
from . import schemas
from .auth import api_blueprint, caller, refuse, require

bp = api_blueprint("api_admin", "/admin", "Administration: API tokens of every account.")


def _admin(action: str) -> None:
    """An admin's token of admin scope, or an audited 403."""
    require(TokenScope.ADMIN, action)
    if not caller().has_role(Role.ADMIN):
        refuse(action, message="for administrators only")


def _shown(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "scope": str(token.scope),
        "username": token.user.username,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@bp.get("/tokens")
@bp.response(200, schemas.TokenRow(many=True))
def tokens():
    """Every API token of every account, newest first (never the secret)."""
    _admin("api_tokens_listed")
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc()))
    access.audit(caller(), "api_tokens_listed", None)
    return [_shown(row) for row in rows]


@bp.post("/tokens/<int:token_id>/revoke")
@bp.response(200, schemas.TokenRow)
def revoke(token_id):
    """Revoke any account's token (a lost laptop, a leaked script)."""
    _admin("api_token_revoked")
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404, message=f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        access.audit(caller(), "api_token_revoked", None, token=token.prefix)
    return _shown(token)
