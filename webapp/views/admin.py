"""The admin's pages: accounts (end sessions, reset a second factor) and the peer provinces
this deployment exchanges hand-overs with; every change audited."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from exchange import backlog, registry
from exchange.signing import KeyInvalid
from forms.exchange import PeerForm
from models import Role, User, db

from .. import second_factor
from ..access import audit, deny
from ..api import tokens
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
    """End every session of the account and revoke its API tokens (a stolen laptop, a copied
    cookie)."""
    user = _account(user_id)
    end_sessions(user)
    revoked = tokens.revoke_all(user)
    audit(current_user, "sessions_ended", None, account=user.username, tokens_revoked=revoked)
    flash(
        _(
            "Every session of %(name)s has been ended, and its API tokens revoked.",
            name=user.username,
        ),
        "success",
    )
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


@bp.route("/peers")
def peers(form: PeerForm | None = None, status: int = 200):
    """The peer provinces: code, name, API address, public key, enabled, what waits to be sent
    to each; and a form to add one."""
    rows, waiting = registry.peers(), backlog.by_peer()
    page = render_template("admin/peers.html", peers=rows, waiting=waiting, form=form or PeerForm())
    return page, status


@bp.route("/peers", methods=["POST"])
def add_peer():
    """Register a peer province (or change one); a bad key or address is the field's error."""
    form = PeerForm(request.form)
    if not form.validate():
        return peers(form, 422)
    try:
        peer = registry.set_peer(
            form.code.data, form.public_key.data, form.api_url.data, name=form.name.data
        )
    except KeyInvalid:
        form.public_key.errors.append(_("A public key is base64 of 32 bytes."))
        return peers(form, 422)
    except registry.AddressInvalid:
        form.api_url.errors.append(
            _(
                "An API address is an http:// or https:// URL: a host name or IP address,"
                " perhaps a port and a path, no query and no user name."
            )
        )
        return peers(form, 422)
    audit(current_user, "peer_set", None, code=peer.code, api_url=peer.api_url)
    flash(_("Peer province %(code)s saved.", code=peer.code), "success")
    return redirect(url_for(".peers"), 303)


@bp.route("/peers/<code>/<any(disable, enable):change>", methods=["POST"])
def change_peer(code: str, change: str):
    """Disable a peer (nothing sent to it, nothing taken from it) or enable it again."""
    peer = registry.set_enabled(code, change == "enable")
    if peer is None:
        abort(404)
    audit(current_user, f"peer_{change}d", None, code=peer.code)
    if peer.enabled:
        message = _("Peer province %(code)s enabled: hand-overs go to it again.", code=peer.code)
    else:
        message = _(
            "Peer province %(code)s disabled: nothing is sent to it or taken from it.",
            code=peer.code,
        )
    flash(message, "success")
    return redirect(url_for(".peers"), 303)
