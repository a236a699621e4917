"""A department's inbox: ready tasks by priority and time left, with filters and pages."""

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required

from models import db
from workflows import clock, engine

from .. import access
from ..request_checks import whole_number

bp = Blueprint("inbox", __name__)
FILTERS = ("all", "mine", "unclaimed")
DUE_FILTERS = ("any", "overdue", "today", "week")
PRIORITIES = {"any": None, "high": 70}  # "high": a child's steps by default
DUE_SOON = timedelta(days=1)
PER_PAGE = 20


def _choice(name: str, allowed) -> str:
    """A query argument from `allowed`, or its first value (hostile input lists everything)."""
    value = request.args.get(name, allowed[0])
    return value if value in allowed else allowed[0]


def due_before(chosen: str, now: datetime) -> datetime | None:
    """The end of the due filter's window: now, tonight or Sunday night, in the user's zone."""
    if chosen == "overdue":
        return now
    if chosen not in ("today", "week"):
        return None
    local = now.astimezone(get_timezone())
    days = 1 if chosen == "today" else 7 - local.weekday()
    midnight = datetime.combine(local.date() + timedelta(days=days), time(), local.tzinfo)
    return midnight


def lands_on_case_list(user) -> bool:
    """Oversight, the joint office and users without a department follow cases rather than
    work an inbox: their home is the case list (the joint office still opens its inbox)."""
    codes = user.department_codes()
    return access.oversees(user) or codes <= {access.ESCALATION_READER}


@bp.route("/")
@login_required
def index():
    """The user's home: the ready tasks of one of their departments, or the case list."""
    if "department" not in request.args and lands_on_case_list(current_user):
        return redirect(url_for("cases.index"))
    departments = sorted(current_user.department_codes())
    department = request.args.get("department") or (departments[0] if departments else None)
    if department is not None and department not in departments:
        abort(403)
    chosen = {
        "filter": _choice("filter", FILTERS),
        "due": _choice("due", DUE_FILTERS),
        "priority": _choice("priority", tuple(PRIORITIES)),
        "follow_up": _choice("follow_up", ("", "1")),
    }
    now, page = clock.now(), None
    if department is not None:
        query = engine.inbox(
            department,
            user=current_user if chosen["filter"] == "mine" else None,
            unclaimed=chosen["filter"] == "unclaimed",
            due_before=due_before(chosen["due"], now),
            follow_up_before=now if chosen["follow_up"] else None,
            min_priority=PRIORITIES[chosen["priority"]],
        )
        number = request.args.get("page", 1, type=whole_number)
        page = db.paginate(query, page=max(number, 1), per_page=PER_PAGE, error_out=False)
    return render_template(
        "inbox/index.html",
        page=page,
        department=department,
        departments=departments,
        chosen=chosen,
        filters=FILTERS,
        due_filters=DUE_FILTERS,
        now=now,
        due_soon=DUE_SOON,
    )
