"""The administrator grants (and revokes) sensitive classes in the joint office's row exports;
every grant and revocation is audited."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.export_grants import CLASS_LABELS, ExportGrantForm
from models import ExportGrant, Role, User, db
from workflows import clock
from workflows.evaluation import export_grants

from .. import access
from ..templating import person_name

bp = Blueprint("export_grants", __name__, url_prefix="/admin/export-grants")


@bp.before_request
@login_required
def only_admins():
    """Only an administrator grants (a refusal is audited)."""
    if not current_user.has_role(Role.ADMIN):
        access.deny(current_user, "admin_page_refused", None)


def _exporters() -> list[User]:
    """The users a grant may name: joint-office exporters other than the administrator."""
    users = db.session.scalars(select(User).where(User.active).order_by(User.username))
    return [u for u in users if access.may_export_rows(u) and u.id != current_user.id]


def _form(data=None) -> ExportGrantForm:
    form = ExportGrantForm(data)
    named = [(user.username, person_name(user)) for user in _exporters()]
    form.user.choices = [form.user.choices[0], *named]
    return form


@bp.route("/")
def index(form: ExportGrantForm | None = None, status: int = 200):
    """Every grant given (live, expired, revoked) and the form to give one."""
    return render_template(
        "admin/export_grants.html",
        grants=export_grants.every_grant(),
        now=clock.now(),
        labels=CLASS_LABELS,
        form=form or _form(),
    ), status


@bp.route("/", methods=["POST"])
def give():
    """Grant the chosen classes to a joint-office user for a stated reason and period."""
    form = _form(request.form)
    if not form.validate():
        return index(form, 422)
    user = db.session.scalar(select(User).filter_by(username=form.user.data))
    try:
        grants = export_grants.grant(
            user, form.classes.data, form.reason.data, actor=current_user, now=clock.now(),
            days=form.days.data,
        )  # fmt: skip
    except export_grants.GrantInvalid:
        form.user.errors = [*form.user.errors, _("This permission cannot be given.")]
        return index(form, 422)
    access.audit(
        current_user, "export_grant_given", None, account=user.username,
        classes=form.classes.data, reason=form.reason.data,
        expires=grants[0].expires_at.isoformat(),
    )  # fmt: skip
    message = _("%(name)s may now include these classes in row exports.", name=user.username)
    flash(message, "success")
    return redirect(url_for(".index"), 303)


@bp.route("/<int:grant_id>/revoke", methods=["POST"])
def revoke(grant_id: int):
    """End a grant before it runs out."""
    found = db.session.get(ExportGrant, grant_id)
    if found is None:
        abort(404)
    if not export_grants.revoke(found, actor=current_user, now=clock.now()):
        flash(_("This permission had already ended."), "info")
        return redirect(url_for(".index"), 303)
    access.audit(
        current_user, "export_grant_revoked", None, account=found.user.username,
        classes=[found.sensitivity], grant=found.id,
    )  # fmt: skip
    flash(_("The permission has been revoked."), "success")
    return redirect(url_for(".index"), 303)
