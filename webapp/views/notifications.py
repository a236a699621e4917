"""Each user's notifications: reminders, escalations, tasks given to them; marking them read."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Notification, db
from workflows import notifications

from ..request_checks import whole_number

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
SHOWN = 100


@bp.route("/")
@login_required
def index():
    """The user's latest notifications, unread first."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
        .limit(SHOWN)
    ).all()
    return render_template("notifications/index.html", notifications=rows)


@bp.route("/read", methods=["POST"])
@login_required
def mark_read():
    """Mark one notification (`id`) or, with no id, all of the user's read; others' ids change
    nothing, and an id that is no number is a bad request (not "all")."""
    one = request.form.get("id")
    try:
        chosen = None if one is None else [whole_number(one)]
    except ValueError:
        abort(400)
    notifications.mark_read(current_user, chosen)
    return redirect(url_for(".index"))
