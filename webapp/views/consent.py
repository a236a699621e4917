"""The consent ledger of a case: read it, and record or withdraw a consent."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.consent import ConsentForm
from workflows import consent
from workflows.errors import ConsentInvalid

from .. import access

bp = Blueprint("consent", __name__, url_prefix="/cases")


@bp.route("/<number>/consent", methods=["GET", "POST"])
@login_required
def record(number):
    """The form to give or withdraw a consent (departments owning the case only)."""
    case = access.case_for(current_user, number, "consent_viewed")
    if not access.may_record_consent(current_user, case):
        access.deny(current_user, "consent_recorded", case)
    form = ConsentForm(request.form)
    if request.method == "GET":
        return _page(case, form)
    if not form.validate():
        return _page(case, form, 422)
    try:
        department = access.acting_department(current_user, access.CASE_OWNERS)
        consent.record(case, consent.answer_from(form), actor=current_user, department=department)
    except ConsentInvalid:
        return _page(case, form, 422)
    access.audit(current_user, "consent_recorded", case, purpose=form.purpose.data)
    flash(_("The consent is recorded and takes effect now."), "success")
    return redirect(url_for("cases.show", number=case.number) + "#consent")


def _page(case, form, status=200):
    problem = None
    if status == 422:
        problem = _("Nothing was saved: please correct the answers marked below.")
    page = render_template("consent/record.html", case=case, form=form, problem=problem)
    return page, status
