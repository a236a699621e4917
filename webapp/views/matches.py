"""The police link two cases as one victim or dismiss the match; the joint office's alerts."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.errors import NotYourDepartment
from workflows.matching import decisions
from workflows.matching.errors import AlreadyDecided, NotAMatch

from .. import access

bp = Blueprint("matches", __name__)


def _pair(number: str, other: str, action: str):
    if not access.may_open_cases(current_user):
        access.deny(current_user, action, None, number=number[:20])
    case = access.case_for(current_user, number, action)
    return case, access.case_for(current_user, other, action)


@bp.post("/cases/<number>/matches/<other>/link")
@login_required
def link(number, other):
    """Link the two cases; "rescued again" marks both re-trafficked and tells the joint office."""
    case, match = _pair(number, other, "cases_linked")
    again = request.form.get("retrafficked") == "yes"
    try:
        decisions.link(case, match, current_user, retrafficked=again)
    except (NotAMatch, AlreadyDecided, NotYourDepartment):
        access.record_refusal(current_user, "cases_linked", case, other=match.number)
        abort(409)
    flash(_("Cases %(a)s and %(b)s are linked.", a=case.number, b=match.number), "success")
    return redirect(url_for("cases.show", number=case.number) + "#matches")


@bp.post("/cases/<number>/matches/<other>/dismiss")
@login_required
def dismiss(number, other):
    """Record that the two cases are different victims."""
    case, match = _pair(number, other, "match_dismissed")
    try:
        decisions.dismiss(case, match, current_user)
    except (NotAMatch, AlreadyDecided, NotYourDepartment):
        access.record_refusal(current_user, "match_dismissed", case, other=match.number)
        abort(409)
    flash(_("The match with %(b)s was dismissed.", b=match.number), "success")
    return redirect(url_for("cases.show", number=case.number) + "#matches")


@bp.get("/alerts/retrafficking")
@login_required
def alerts():
    """Victims rescued again: the joint office's (and oversight's) list, case numbers only."""
    if not (access.oversees(current_user) or decisions.ALERTED in current_user.department_codes()):
        access.deny(current_user, "alerts_viewed", None)
    rows = decisions.retrafficking_alerts()
    for row in rows:
        access.audit(current_user, "alerts_viewed", row.case, other=row.other_case.number)
    return render_template("matches/alerts.html", rows=rows)
