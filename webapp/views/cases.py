"""A case: find it, follow its timeline, see its diagram."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange import incoming, withdrawals
from exchange.errors import AlreadyDecided, PeerNotEnabled, WithdrawalFailed
from exchange.signing import deployment_key
from forms.reopening import ReopenForm
from models import DEPARTMENT_CODES, CaseStatus, IncidentSource, db
from workflows import consent, engine, reopening
from workflows.errors import CaseNotClosed, ReopeningInvalid, RuleFailed
from workflows.matching.decisions import is_retrafficked

from .. import access, case_list, casefile, document_list, match_list, readers, saved_views
from ..cjk_font import CjkFontMissing
from ..request_checks import whole_number
from ..summary_pdf import case_summary_pdf
from ..templating import province_name, rule_failed
from ..transaction import record_incident

bp = Blueprint("cases", __name__, url_prefix="/cases")
NAME_MAX_LENGTH = 120


@bp.context_processor
def phase_names():
    """Phase names, and whether the reader may search by name, for this blueprint's templates."""
    may_search = current_user.is_authenticated and access.may_read_victim_name(current_user)
    return {"phase_name": casefile.phase_name, "may_search_names": may_search}


@bp.route("/")
@login_required
def index():
    """Every case the user may see, filtered, sorted and paged by the query arguments."""
    try:
        listing = case_list.parse(request.args)
    except case_list.BadListArguments as error:
        return render_template("cases/list.html", error=str(error), **_list_choices()), 400
    page = case_list.case_page(listing, current_user)
    return render_template("cases/list.html", listing=listing, page=page, **_list_choices())


@bp.post("/views")
@login_required
def save_view():
    """Keep the list's current filters under the name the user gave them."""
    args = request.form.to_dict()
    name = args.pop("view_name", "")
    args.pop("csrf_token", None)
    try:
        view = saved_views.save_view(current_user, name, args)
    except saved_views.ViewInvalid as error:
        return render_template("cases/list.html", error=str(error), **_list_choices()), 400
    flash(_("View saved: %(name)s", name=view.name), "success")
    return redirect(url_for("cases.open_view", view_id=view.id))


@bp.route("/views/<int:view_id>")
@login_required
def open_view(view_id):
    """The list with the filters of one of the user's views."""
    view = saved_views.view_for(current_user, view_id)
    return redirect(f"{url_for('cases.index')}?{view.query}")


@bp.post("/views/<int:view_id>/delete")
@login_required
def delete_view(view_id):
    """Forget one of the user's views."""
    view = saved_views.view_for(current_user, view_id)
    saved_views.delete_view(view)
    flash(_("View deleted: %(name)s", name=view.name), "success")
    return redirect(url_for("cases.index"))


def _list_choices() -> dict:
    return {
        "saved_views": saved_views.views_of(current_user),
        "phases": case_list.PHASES,
        "holders": sorted(DEPARTMENT_CODES),
        "age_groups": case_list.AGE_GROUPS,
        "sexes": case_list.SEX_NAMES,
        "origins": case_list.ORIGINS,
        "sorts": case_list.SORTS,
        "sees_escalated_only": access.sees_escalated_only(current_user),
    }


@bp.route("/find")
@login_required
def find():
    """Go to a case by its number; a case the user may not see is answered like a missing one.
    A name is never taken from the address (proxies and browser histories keep those)."""
    if "name" in request.args:
        return render_template("cases/find.html", typed="", name_in_address=True), 400
    typed = request.args.get("number", "").strip()
    number = casefile.case_number(typed)
    if not typed or number is None:
        return render_template("cases/find.html", typed=typed), 400 if typed else 200
    case = casefile.find_case(current_user, number)
    if case is None:
        return render_template("cases/find.html", typed=typed, missing=number), 404
    return redirect(url_for("cases.show", number=case.number))


@bp.post("/find")
@login_required
def find_by_name():
    """The cases of that victim name the user may see (the name is never stored or logged,
    and is posted: never in an address)."""
    name = request.form.get("name", "").strip()
    if not name or len(name) > NAME_MAX_LENGTH or not name.isprintable():
        return render_template("cases/find.html", typed="", bad_name=True), 400
    cases = casefile.find_by_name(current_user, name)
    status = 200 if cases else 404
    return render_template("cases/find.html", typed="", name=name, found=cases), status


@bp.route("/<number>")
@login_required
def show(number, reopen_form: ReopenForm | None = None, status: int = 200):
    """The case's facts, how long each phase took, and its timeline with filters."""
    case = access.case_for(current_user, number, "case_viewed")
    department = request.args.get("department") or None
    phase = request.args.get("phase") or None
    timeline_page = max(1, request.args.get("page", 1, type=whole_number))
    page = casefile.case_page(case, current_user, department, phase, timeline_page)
    seen_by = readers.readers(case) if readers.may_see_readers(current_user, case) else None
    ledger = consent.ledger(case)
    waiting = db.session.scalars(engine.open_tasks(case)).all()
    return render_template(
        "cases/show.html",
        case=case,
        page=page,
        seen_by=seen_by,
        ledger=ledger,
        may_record_consent=access.may_record_consent(current_user, case),
        may_read_child_view=access.may_read_child_view(current_user),
        may_refer=access.may_refer(current_user, case),
        waiting=waiting,
        mine={task.id for task in waiting if access.may_work_on(current_user, task)},
        matches=match_list.for_case(current_user, case),
        decide=access.may_open_cases(current_user),
        retrafficked=is_retrafficked(case),
        documents=document_list.readable(current_user, case),
        attach_to=document_list.targets(current_user, case),
        kind_names=document_list.KIND_NAMES,
        report=access.step_report_for(current_user, case),
        reopen_form=_reopen_form(case, reopen_form),
        handover_out=withdrawals.withdrawable(case),
        may_withdraw=access.may_receive_handovers(current_user),
    ), status


def _reopen_form(case, form: ReopenForm | None) -> ReopenForm | None:
    """The re-opening form, on a closed case the user may re-open and that can start again."""
    if case.status != CaseStatus.CLOSED or not access.may_reopen(current_user, case):
        return None
    return form or _reopen_choices(ReopenForm(), case)


def _reopen_choices(form: ReopenForm, case) -> ReopenForm | None:
    """The form offering only the phases the case can start again at (None: no phase)."""
    phases = reopening.entry_phases(case)
    form.phase.choices = [c for c in form.phase.choices if c.value in ("", *phases)]
    return form if phases else None


@bp.post("/<number>/reopen")
@login_required
def reopen(number):
    """Re-open a closed case at a phase, with the reason: 403 (audited) for those who may not,
    409 if it is open, 422 without a valid reason or phase."""
    case = access.case_for(current_user, number, "case_reopen_requested")
    if not access.may_reopen(current_user, case):
        access.deny(current_user, "case_reopen_refused", case)
    form = _reopen_choices(ReopenForm(request.form), case)
    if form is None:  # accepted by another province: the case lives on there
        flash(_("Another province has taken this case over: it cannot start again here."), "error")
        return show(number, status=409)
    if not form.validate():
        return show(number, reopen_form=form, status=422)
    department = access.acting_department(current_user, access.reopening_departments(current_user))
    try:
        reopening.reopen_case(
            case, current_user, department, phase=form.phase.data, reason=form.reason.data
        )
    except CaseNotClosed:  # raised before any change, as is ReopeningInvalid
        flash(_("This case is open: nothing changed."), "error")
        return show(number, status=409)
    except ReopeningInvalid:  # a phase this case cannot start at (e.g. rescue, handed over)
        form.phase.errors = [_("This case cannot start again at this phase: choose another.")]
        return show(number, reopen_form=form, status=422)
    except RuleFailed as failure:  # the case stays closed; a manager is told
        record_incident(failure, IncidentSource.CASE_OPENING, actor=current_user)
        flash(rule_failed(failure), "error")
        return show(number, reopen_form=form, status=409)
    access.audit(current_user, "case_reopened", case, phase=form.phase.data)
    flash(_("Case re-opened: its pathway starts again."), "success")
    return redirect(url_for("cases.show", number=case.number), 303)


@bp.get("/<number>/summary.pdf")
@login_required
def summary_pdf(number):
    """The case summary as a PDF for the paper file, what the reader may see (audited)."""
    case = access.case_for(current_user, number, "case_summary_printed")
    try:
        document = case_summary_pdf(case, current_user)
    except CjkFontMissing:
        message = _(
            "No Chinese font is installed on the server: ask the administrator to install "
            "fonts-noto-cjk."
        )
        return render_template(
            "errors/error.html", code=503, title=_("The PDF could not be made"), message=message
        ), 503
    filename = f"{case.number}-summary.pdf"
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<number>/diagram")
@login_required
def diagram(number):
    """The pathway diagram of the case, with the steps done, ready and waiting marked."""
    case = access.case_for(current_user, number, "diagram_viewed")
    phases = casefile.diagram_phases(case)
    chosen = request.args.get("process")
    if chosen not in {pid for pid, _, _ in phases}:
        chosen = phases[0][0]
    return render_template("cases/diagram.html", case=case, phases=phases, chosen=chosen)


@bp.route("/<number>/diagram.json")
@login_required
def diagram_data(number):
    """The diagrams of the case's pathway version and the progress marks, for diagram.js."""
    case = access.case_for(current_user, number, "diagram_viewed")
    return jsonify(casefile.diagram_data(case))


@bp.post("/<number>/handover/withdraw")
@login_required
def withdraw_handover(number: str):
    """Take back the case's packet the receiving province has not answered: 409 if it has (or
    nothing was sent), 503 if it could not be asked; nothing changes then."""
    case = access.case_for(current_user, number, "handover_withdrawal_requested")
    if not access.may_receive_handovers(current_user):
        access.deny(current_user, "handover_withdrawal_refused", case)
    outgoing = withdrawals.withdrawable(case)
    key = deployment_key(current_app.config)
    if outgoing is None or key is None:
        return _not_withdrawn(case, outgoing is None)
    department = access.acting_department(current_user, {incoming.RECEIVING_DEPARTMENT})
    packet_id = outgoing.packet_id
    try:
        withdrawals.withdraw(outgoing, current_user, department, key, commit=db.session.commit)
    except AlreadyDecided:
        return _not_withdrawn(case, True)
    except PeerNotEnabled as off:  # trying again later will not help: an admin must act
        message = _(
            "The province of %(province)s is disabled or no longer registered here, so it"
            " cannot be asked to withdraw the hand-over; this case is unchanged. An"
            " administrator can enable it on Peer provinces.",
            province=province_name(str(off)),
        )
        flash(message, "error")
        return show(case.number, status=409)
    except WithdrawalFailed:  # raised, as AlreadyDecided, with nothing written
        flash(
            _(
                "The receiving province did not confirm the withdrawal; this case is unchanged."
                " Try again later."
            ),
            "error",
        )
        return show(case.number, status=503)
    access.audit(current_user, "handover_withdrawn", case, packet=packet_id)
    flash(_("Hand-over withdrawn: the receiving province will not open the case."), "success")
    return redirect(url_for("cases.show", number=case.number), 303)


def _not_withdrawn(case, answered: bool):
    """409 (answered, withdrawn or never sent) or 503 (no signing key), on the case's page."""
    if answered:
        flash(_("This hand-over was already answered or withdrawn: nothing changed."), "error")
        return show(case.number, status=409)
    flash(_("This deployment has no signing key: it cannot withdraw hand-overs."), "error")
    return show(case.number, status=503)
