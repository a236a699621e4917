"""Referrals in the app: send one from a case, the department's list, answer or cancel."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.referrals import STATUS_NAMES, ReferralAnswerForm, ReferralForm
from models import Case, Department, Organisation, Referral, ReferralStatus, db
from workflows import referral_links, referrals
from workflows.errors import ConsentMissing, ReferralStateInvalid

from .. import access
from ..case_summary import referral_facts

bp = Blueprint("referrals", __name__)


def _organisations():
    query = select(Organisation).filter_by(active=True).order_by(Organisation.name)
    return db.session.scalars(query).all()


@bp.route("/cases/<number>/refer", methods=["GET", "POST"])
@login_required
def new(number):
    """Refer the case to a department or an outside organisation for a service."""
    case = access.case_for(current_user, number, "referral_form_viewed")
    if not access.may_refer(current_user, case):
        access.deny(current_user, "referral_sent", case)
    form = ReferralForm(request.form).offer(_organisations())
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 422
        return render_template("referrals/new.html", case=case, form=form), status
    organisation = db.session.get(Organisation, int(form.organisation.data or 0))
    target = db.session.scalar(select(Department).filter_by(code=form.to_department.data))
    sender = access.acting_department(current_user, current_user.department_codes())
    try:
        referral = referrals.send(
            case,
            form.service.data,
            actor=current_user,
            department=sender,
            to_department=target,
            organisation=organisation,
        )
    except ReferralStateInvalid:
        db.session.rollback()
        return render_template("referrals/new.html", case=case, form=form), 422
    except ConsentMissing:
        db.session.rollback()
        problem = _("The victim has not agreed to a referral outside: nothing was sent.")
        page = render_template("referrals/new.html", case=case, form=form, problem=problem)
        return page, 409
    access.audit(current_user, "referral_sent", case, referral=referral.id)
    if organisation is None:
        flash(_("Referral sent."), "success")
        return redirect(url_for("referrals.index"))
    link = url_for("links.answer", token=referral_links.issue(referral), _external=True)
    return render_template("referrals/sent.html", case=case, referral=referral, link=link)


@bp.route("/referrals")
@login_required
def index():
    """The referrals received and sent by the user's departments; overdue ones marked."""
    rows = [
        (code, *referrals.for_department(code)) for code in sorted(current_user.department_codes())
    ]
    for _code, received, _sent in rows:
        for referral in received:
            access.audit(current_user, "referral_viewed", _case(referral))
    return render_template(
        "referrals/index.html",
        rows=rows,
        facts=lambda referral: referral_facts(_case(referral)),
        case_of=_case,
        overdue=referrals.overdue,
        answer_form=ReferralAnswerForm(),
    )


def _case(referral: Referral) -> Case:
    return db.session.get(Case, referral.case_id)


@bp.route("/referrals/<int:referral_id>", methods=["POST"])
@login_required
def answer(referral_id):
    """The receiving department answers; the sending department may only cancel."""
    referral = db.session.get(Referral, referral_id) or abort(404)
    form = ReferralAnswerForm(request.form)
    if not form.validate():
        abort(422)
    status = ReferralStatus(form.status.data)
    cancelling = status == ReferralStatus.CANCELLED
    may = access.may_cancel_referral if cancelling else access.may_answer_referral
    if not may(current_user, referral):
        access.deny(current_user, "referral_answered", _case(referral), referral=referral.id)
    department = referral.from_department if cancelling else referral.to_department
    try:
        referrals.move(
            referral,
            status,
            reason=form.reason.data or None,
            actor=current_user,
            department=department,
        )
    except ReferralStateInvalid:
        db.session.rollback()
        flash(_("That answer does not fit the referral as it stands: nothing changed."), "error")
        return redirect(url_for("referrals.index")), 303
    access.audit(current_user, "referral_answered", _case(referral), status=status.value)
    flash(_("Referral %(status)s.", status=STATUS_NAMES[status]), "success")
    return redirect(url_for("referrals.index"))
