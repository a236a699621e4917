"""The deployed pathway versions, and the token the caller is using."""

from sqlalchemy import select

from models import PathwayVersion, db

from .. import access
from . import schemas
from .auth import api_blueprint, caller, caller_token, refuse

bp = api_blueprint("api_pathways", "", "The diagrams' versions; the caller's own token.")


@bp.get("/diagrams/versions")
@bp.response(200, schemas.PathwayVersion(many=True))
def versions():
    """Every deployed pathway version, newest first, with its diagrams (managers)."""
    if not access.may_edit_diagrams(caller()):
        refuse("diagrams_refused", message="the diagrams are for managers")
    rows = db.session.scalars(select(PathwayVersion).order_by(PathwayVersion.id.desc()))
    access.audit(caller(), "diagram_versions_listed", None)
    return [
        {
            "id": row.id,
            "process_id": row.process_id,
            "comment": row.comment,
            "deployed_at": row.deployed_at,
            "deployed_by": row.deployed_by.display_name if row.deployed_by else None,
            "diagrams": row.diagrams,
        }
        for row in rows
    ]


@bp.get("/me")
@bp.response(200, schemas.TokenInfo)
def me():
    """The account and scope of the token this request was made with."""
    user, token = caller(), caller_token()
    return {
        "name": token.name,
        "prefix": token.prefix,
        "scope": str(token.scope),
        "username": user.username,
        "departments": sorted(user.department_codes()),
    }
