"""Opening a case: the police register a rescued victim or a missing-child report."""

from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/cases/new")


@bp.route("", methods=["GET", "POST"])
def new():
    """Placeholder until the intake page lands."""
    raise NotImplementedError
