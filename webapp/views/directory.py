"""The directory of outside organisations cases may be referred to (managers and admins)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.referrals import OrganisationForm
from models import Organisation, OrganisationKind, db

from .. import access

bp = Blueprint("directory", __name__, url_prefix="/directory")


@bp.before_request
@login_required
def only_managers():
    """Every page here is a manager's or an admin's (a refusal is audited)."""
    if not access.may_manage_directory(current_user):
        access.deny(current_user, "directory_refused", None)


@bp.route("", methods=["GET", "POST"])
def index():
    """Every organisation of the directory, and the form to add one."""
    form = OrganisationForm(request.form)
    if request.method == "POST":
        if form.validate() and not _named(form.name.data):
            organisation = Organisation(kind=OrganisationKind(form.kind.data), active=True)
            form.populate_obj(organisation)
            db.session.add(organisation)
            access.audit(current_user, "organisation_added", None, name=organisation.name)
            flash(_("Organisation added to the directory."), "success")
            return redirect(url_for("directory.index"))
        if form.name.data and not form.name.errors and _named(form.name.data):
            form.name.errors = [*form.name.errors, _("The directory already has that name.")]
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "referrals/directory.html", form=form, organisations=organisations
    ), status


def _named(name: str) -> bool:
    return db.session.scalar(select(Organisation.id).filter_by(name=name)) is not None


@bp.route("/<int:organisation_id>/active", methods=["POST"])
def toggle(organisation_id):
    """Take an organisation off the list offered for referrals, or back on."""
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    organisation.active = not organisation.active
    access.audit(current_user, "organisation_changed", None, active=organisation.active)
    return redirect(url_for("directory.index"))
