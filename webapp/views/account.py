"""The user's own page: their API tokens, made, listed and revoked here (audited)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forms.account import ApiTokenForm
from models import TokenScope

from ..api.tokens import TokenRefused, create_token, revoke_token, scopes_for, tokens_of

bp = Blueprint("account", __name__, url_prefix="/account")
SCOPE_NAMES = {
    TokenScope.READ: _l("Read: inbox, tasks, cases, as your account may see them"),
    TokenScope.CASEWORK: _l("Casework: read, and claim, release, complete tasks, open cases"),
    TokenScope.ADMIN: _l("Administration: read, and the administrator's work"),
}


def _form() -> ApiTokenForm:
    form = ApiTokenForm(request.form)
    form.scope.choices = [(str(s), str(SCOPE_NAMES[s])) for s in scopes_for(current_user)]
    return form


def _page(form: ApiTokenForm, secret: str | None = None, status: int = 200):
    page = render_template(
        "account/show.html", form=form, tokens=tokens_of(current_user), secret=secret
    )
    return page, status


@bp.get("")
@login_required
def show():
    """The account's API tokens and the form to make one."""
    return _page(_form())


@bp.post("/tokens")
@login_required
def new_token():
    """Make a token; its secret is shown this once and never again."""
    form = _form()
    if not form.validate():
        return _page(form, status=422)
    try:
        _, secret = create_token(current_user, form.name.data, TokenScope(form.scope.data))
    except TokenRefused:
        abort(400)
    return _page(_form(), secret=secret, status=201)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    """Revoke one of the account's tokens: it stops working at once."""
    token = revoke_token(current_user, token_id)
    if token is None:
        abort(404)
    flash(_("Token %(prefix)s… revoked.", prefix=token.prefix), "success")
    return redirect(url_for(".show"))
