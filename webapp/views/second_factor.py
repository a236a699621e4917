"""The second step of an oversight account's login: enrol a TOTP secret, or give a code."""

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from forms.account import SecondFactorForm
from models import User, db

from .. import second_factor
from ..access import audit
from ..ratelimit import limit_logins
from .auth import finish_login

bp = Blueprint("second_factor", __name__, url_prefix="/login/second-factor")


def _pending_user() -> User:
    """The account whose password was just accepted (400 without one, or if it changed since)."""
    pending = session.get("pending_login") or {}
    user = db.session.get(User, pending.get("id") or 0)
    if user is None or not user.active or user.session_version != pending.get("version"):
        abort(400)
    return user


def _refuse(form, user: User, reason: str) -> None:
    """One generic error for a wrong, expired or reused code; the refusal and its reason are
    audited (a reused code may be someone else's replay)."""
    form.code.errors.append(_("This code is wrong or has expired."))
    audit(user, "second_factor_refused", None, allowed=False, reason=reason)


@bp.route("", methods=["GET", "POST"])
@limit_logins
def verify():
    """Ask for the current code; a wrong one is refused and counted against the account."""
    user = _pending_user()
    if not user.totp_secret:
        return redirect(url_for(".enrol"))
    form = SecondFactorForm(request.form)
    if request.method == "POST" and form.validate():
        outcome = second_factor.verify(user, form.code.data)
        if outcome == "accepted":
            return finish_login(user, session["pending_login"].get("next"))
        _refuse(form, user, outcome)
    status = 401 if form.errors else 200
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/enrol", methods=["GET", "POST"])
@limit_logins
def enrol():
    """Show a new secret (QR code and text); a correct code from it completes the enrolment."""
    user = _pending_user()
    if user.totp_secret:
        return redirect(url_for(".verify"))
    secret = session.setdefault("enrol_secret", second_factor.new_secret())
    form = SecondFactorForm(request.form)
    if request.method == "POST" and form.validate():
        outcome = second_factor.verify(user, form.code.data, secret=secret)
        if outcome == "accepted":
            user.totp_secret = secret
            return finish_login(user, session["pending_login"].get("next"))
        _refuse(form, user, outcome)
    return render_template(
        "auth/enrol.html", form=form, secret=secret, qr=second_factor.qr_svg(user, secret)
    ), 401 if form.errors else 200
