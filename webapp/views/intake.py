"""Opening a case: the police register a rescued victim or a missing-child report."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.intake import CaseOpenForm, IntakeConsentForm, VictimNameForm
from models import IncidentSource, db
from workflows import consent, engine
from workflows.errors import FormInvalid, RuleFailed

from .. import access, match_list
from ..access import audit, deny, may_open_cases
from ..templating import rule_failed_message
from ..transaction import record_incident

bp = Blueprint("intake", __name__, url_prefix="/cases/new")


def _page(form, name_form, consent_form, status=200, problem=None, matches=None):
    if status == 422:
        problem = _("Nothing was saved: please correct the answers marked below.")
    return render_template(
        "intake/new.html",
        form=form,
        name_form=name_form,
        consent_form=consent_form,
        problem=problem,
        matches=matches,
    ), status


@bp.route("", methods=["GET", "POST"])
@login_required
def new():
    """The intake form (police only); a valid answer opens the case and starts its pathway."""
    if not may_open_cases(current_user):
        deny(current_user, "case_opened", None)
    form, name_form = CaseOpenForm(request.form), VictimNameForm(request.form)
    consent_form = IntakeConsentForm(request.form, recorded_by=engine.case_opener())
    if request.method == "GET":
        return _page(form, name_form, consent_form)
    # List every form's errors at once.
    if not (name_form.validate() & consent_form.validate() & form.validate()):
        return _page(form, name_form, consent_form, 422)
    if request.form.get("confirmed") != "yes":
        # Search before create: recomputed here from the answers, whatever the page said.
        matches = match_list.for_intake(
            current_user, name_form.victim_name.data, form.workflow_data()
        )
        if matches:
            return _page(form, name_form, consent_form, matches=matches)
    try:
        case = engine.open_case(form, current_user, name_form.victim_name.data)
    except FormInvalid:  # the engine validated this form: its errors are on it
        db.session.rollback()
        return _page(form, name_form, consent_form, 422)
    except RuleFailed as failure:
        record_incident(failure, IncidentSource.CASE_OPENING, actor=current_user)
        return _page(form, name_form, consent_form, 409, rule_failed_message(failure))
    _record_consents(case, consent_form)
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


def _record_consents(case, consent_form) -> None:
    """The consents asked at intake go to the ledger, recorded by the police."""
    police = access.acting_department(current_user, {engine.case_opener()})
    for answer in consent.intake_answers(consent_form):
        consent.record(case, answer, actor=current_user, department=police)
