"""A department's inbox: ready tasks with filters and pages."""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from models import db
from workflows import engine

bp = Blueprint("inbox", __name__)
FILTERS = ("all", "mine", "unclaimed", "overdue")
DUE_SOON = timedelta(days=1)
PER_PAGE = 20


@bp.route("/")
@login_required
def index():
    """The ready tasks of one of the user's departments."""
    departments = sorted(current_user.department_codes())
    department = request.args.get("department") or (departments[0] if departments else None)
    if department is not None and department not in departments:
        abort(403)
    chosen = request.args.get("filter", "all")
    if chosen not in FILTERS:
        chosen = "all"
    page = None
    if department is not None:
        query = engine.inbox(
            department,
            user=current_user if chosen == "mine" else None,
            unclaimed=chosen == "unclaimed",
            overdue=chosen == "overdue",
        )
        page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template(
        "inbox/index.html",
        page=page,
        department=department,
        departments=departments,
        chosen=chosen,
        filters=FILTERS,
        now=datetime.now(UTC),
        due_soon=DUE_SOON,
    )
