"""The admin's accounts page: end an account's sessions, reset its second factor (audited)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Role, User, db

from .. import second_factor
from ..access import audit, deny
from ..sessions import end_sessions

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_admins():
    """Every page here is an admin's (a refusal is audited)."""
    if not current_user.has_role(Role.ADMIN):
        deny(current_user, "admin_page_refused", None)


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/accounts")
def accounts():
    """Every account, with its second factor's state."""
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template(
        "admin/accounts.html", users=users, needs_second_factor=second_factor.required
    )


@bp.route("/accounts/<int:user_id>/end-sessions", methods=["POST"])
def end_account_sessions(user_id: int):
    """End every session of the account (a stolen laptop, a copied cookie)."""
    user = _account(user_id)
    end_sessions(user)
    audit(current_user, "sessions_ended", None, account=user.username)
    flash(_("Every session of %(name)s has been ended.", name=user.username), "success")
    return redirect(url_for(".accounts"))


@bp.route("/accounts/<int:user_id>/reset-second-factor", methods=["POST"])
def reset_second_factor(user_id: int):
    """Recovery of a lost authenticator: the account enrols again at its next login."""
    user = _account(user_id)
    second_factor.reset(user)
    end_sessions(user)
    audit(current_user, "second_factor_reset", None, account=user.username)
    flash(_("The second factor of %(name)s has been reset.", name=user.username), "success")
    return redirect(url_for(".accounts"))
