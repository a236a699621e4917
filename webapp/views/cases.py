"""A case: find it, follow its timeline, see its diagram."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/find")
def find():
    """Placeholder until the case pages land."""
    raise NotImplementedError


@bp.route("/<number>")
def show(number):
    """Placeholder."""
    raise NotImplementedError
