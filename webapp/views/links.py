"""The page an outside organisation opens from its one-time link: no account, minimum data."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _

from forms.referrals import ReferralAnswerForm
from models import Case, ReferralStatus, db
from workflows import referral_links
from workflows.errors import LinkNotFound, LinkSpent, ReferralStateInvalid

from .. import access
from ..case_summary import referral_facts

bp = Blueprint("links", __name__, url_prefix="/r")
# What an organisation may answer: never cancel (that is the sender's).
ORGANISATION_ANSWERS = {s.value for s in ReferralStatus} - {"requested", "cancelled"}


def _link(token: str):
    try:
        return referral_links.open_link(token)
    except LinkNotFound:
        abort(404)
    except LinkSpent:
        return None


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token):
    """Read the referral (audited) and answer it once; the answer gives the next link."""
    link = _link(token)
    if link is None:
        return render_template("referrals/link_spent.html"), 410
    referral = link.referral
    case = db.session.get(Case, referral.case_id)
    access.audit(None, "referral_link_opened", case, organisation=referral.organisation_id)
    form = ReferralAnswerForm(request.form)
    page = {"referral": referral, "case": case, "facts": referral_facts(case), "form": form}
    if request.method == "GET":
        return render_template("referrals/link.html", **page)
    if not form.validate() or form.status.data not in ORGANISATION_ANSWERS:
        return render_template("referrals/link.html", **page, problem=True), 422
    try:
        status = ReferralStatus(form.status.data)
        next_token = referral_links.answer(token, status, form.reason.data or None)
    except (LinkSpent, ReferralStateInvalid):
        db.session.rollback()
        message = _("That answer does not fit the referral as it stands: nothing changed.")
        return render_template("referrals/link.html", **page, refused=message), 409
    next_link = url_for("links.answer", token=next_token, _external=True) if next_token else None
    return render_template("referrals/answered.html", referral=referral, next_link=next_link)
