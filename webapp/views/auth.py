"""Logging in and out, and choosing the interface language."""

import time

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from forms.account import LoginForm
from models import User, db

from .. import second_factor
from ..api import is_api_request
from ..extensions import login_manager
from ..passwords import check_password, hash_password
from ..ratelimit import limit_logins
from ..redirects import safe_next
from ..sessions import end_sessions, session_user

bp = Blueprint("auth", __name__)
LOCALES = ("zh", "en")
# Verifying against a real hash for unknown users keeps the answer time the same.
_DUMMY_HASH = hash_password("not a password")


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Flask-Login: the account behind a session, unless that session was ended."""
    user_id = token.partition(":")[0]
    return session_user(db.session.get(User, int(user_id)) if user_id.isdigit() else None, token)


@bp.route("/login", methods=["GET", "POST"])
@limit_logins
def login():
    """The login page; a wrong username or password gets the same generic error."""
    form = LoginForm(request.form)
    error = None
    if request.method == "POST" and form.validate():
        user = db.session.scalar(select(User).filter_by(username=form.username.data))
        password_hash = user.password_hash if user is not None else _DUMMY_HASH
        if check_password(password_hash, form.password.data) and user and user.active:
            return password_accepted(user, safe_next(request.args.get("next")))
        error = _("Unknown username or wrong password.")
    return render_template("auth/login.html", form=form, error=error), 401 if error else 200


def password_accepted(user: User, next_url: str | None):
    """Log in, or ask for the second factor first when the account's roles require one."""
    session.clear()
    if not second_factor.required(user):
        return finish_login(user, next_url)
    session["pending_login"] = {
        "id": user.id,
        "username": user.username,
        "version": user.session_version,
        "next": next_url,
    }
    endpoint = "second_factor.verify" if user.totp_secret else "second_factor.enrol"
    return redirect(url_for(endpoint))


def finish_login(user: User, next_url: str | None):
    """Start a fresh session for `user` and go where they were heading."""
    session.clear()
    session.permanent = True
    session["last_seen"] = time.time()
    login_user(user)
    return redirect(next_url or url_for("inbox.index"))


@bp.before_app_request
def expire_idle_session():
    """Log out a session idle for longer than PERMANENT_SESSION_LIFETIME (checked here,
    not only by the cookie's expiry, which the browser is trusted to honour). The API never
    reads the session: a call with a cookie keeps no session alive."""
    if is_api_request() or not current_user.is_authenticated:
        return
    now, last_seen = time.time(), session.get("last_seen", 0)
    if now - last_seen > current_app.permanent_session_lifetime.total_seconds():
        logout_user()
        session.clear()
    else:
        session["last_seen"] = now


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session, and every copy of it (the account's other sessions too)."""
    end_sessions(current_user)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/locale", methods=["POST"])
def set_locale():
    """Switch the interface language; remembered on the account and in the session."""
    locale = request.form.get("locale")
    if locale in LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
    return redirect(safe_next(request.form.get("next")) or url_for("inbox.index"))


def select_locale() -> str:
    """Flask-Babel's locale selector: the user's choice, else the browser's, else Chinese."""
    if not has_request_context():
        return "zh"
    if is_api_request():  # by the caller's Accept-Language, never the session's account
        return request.accept_languages.best_match(LOCALES) or "zh"
    if current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return session.get("locale") or request.accept_languages.best_match(LOCALES) or "zh"
