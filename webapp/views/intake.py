"""Opening a case: the police register a rescued victim or a missing-child report."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.intake import CaseOpenForm, VictimNameForm
from models import db
from workflows import engine
from workflows.errors import FormInvalid

from .. import match_list
from ..access import audit, deny, may_open_cases

bp = Blueprint("intake", __name__, url_prefix="/cases/new")


def _page(form: CaseOpenForm, name_form: VictimNameForm, status: int = 200, matches=None):
    problem = None
    if status == 422:
        problem = _("Nothing was saved: please correct the answers marked below.")
    return render_template(
        "intake/new.html", form=form, name_form=name_form, problem=problem, matches=matches
    ), status


@bp.route("", methods=["GET", "POST"])
@login_required
def new():
    """The intake form (police only); a valid answer opens the case and starts its pathway."""
    if not may_open_cases(current_user):
        deny(current_user, "case_opened", None)
    form, name_form = CaseOpenForm(request.form), VictimNameForm(request.form)
    if request.method == "GET":
        return _page(form, name_form)
    if not (name_form.validate() & form.validate()):  # list both forms' errors at once
        return _page(form, name_form, 422)
    if request.form.get("confirmed") != "yes":
        # Search before create: recomputed here from the answers, whatever the page said.
        matches = match_list.for_intake(
            current_user, name_form.victim_name.data, form.workflow_data()
        )
        if matches:
            return _page(form, name_form, matches=matches)
    try:
        case = engine.open_case(form, current_user, name_form.victim_name.data)
    except FormInvalid:  # the engine validated this form: its errors are on it
        db.session.rollback()
        return _page(form, name_form, 422)
    audit(current_user, "case_opened", case)
    flash(
        _(
            "Case %(number)s opened. Use this number, never the victim's name, when you "
            "speak or write about the case.",
            number=case.number,
        ),
        "success",
    )
    return redirect(url_for("cases.show", number=case.number))
