"""Civil affairs' incoming hand-overs: the list, a packet's preview, accept or refuse it."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange import incoming
from exchange.errors import AlreadyDecided, NoSigningKey, PacketInvalid
from exchange.signing import deployment_key
from forms.exchange import HandoverRefusalForm
from models import HandoverStatus, IncidentSource, IncomingHandover, db
from workflows.errors import RuleFailed

from .. import access
from ..handover_preview import STATUS_NAMES, preview
from ..templating import province_name, rule_failed
from ..transaction import record_incident

bp = Blueprint("handovers", __name__, url_prefix="/handovers")


@bp.before_request
@login_required
def _civil_affairs_only():
    """Only the receiving civil affairs (a refusal is audited)."""
    if not access.may_receive_handovers(current_user):
        access.deny(current_user, "handovers_refused", None, path=request.path[:200])


def _handover(handover_id: int) -> IncomingHandover:
    return db.session.get(IncomingHandover, handover_id) or abort(404)


def _key():
    return deployment_key(current_app.config)


@bp.get("")
def index():
    """Every hand-over received, newest first, waiting ones marked."""
    rows = incoming.received()
    access.audit(current_user, "handovers_listed", None, handovers=[row.id for row in rows])
    return render_template(
        "handovers/index.html", handovers=rows, status_name=STATUS_NAMES, province=province_name
    )


@bp.get("/<int:handover_id>")
def show(handover_id: int, form: HandoverRefusalForm | None = None, status: int = 200):
    """What the sender shared, and the answers still possible (a read of the victim's data:
    audited)."""
    handover = _handover(handover_id)
    access.audit(current_user, "handover_previewed", handover.case, packet=handover.packet_id)
    page = render_template(
        "handovers/show.html",
        handover=handover,
        fields=preview(handover),
        form=form or HandoverRefusalForm(),
        waiting=handover.status == HandoverStatus.RECEIVED,
        status_name=STATUS_NAMES,
        province=province_name,
    )
    return page, status


def _conflict(handover: IncomingHandover):
    """The packet was decided or withdrawn meanwhile: 409, saying so."""
    db.session.rollback()
    flash(_("This hand-over was already answered or withdrawn: nothing changed."), "error")
    return show(handover.id, status=409)


def _no_key(handover: IncomingHandover):
    db.session.rollback()
    flash(_("This deployment has no signing key: it cannot answer hand-overs."), "error")
    return show(handover.id, status=503)


def _unusable(handover: IncomingHandover, invalid: PacketInvalid):
    """What the packet says of the victim cannot open a case: 422, naming what is wrong."""
    db.session.rollback()
    flash(
        _(
            "This hand-over cannot open a case: %(wrong)s. Refuse it with this reason, so that"
            " the sending province can correct it and send it again.",
            wrong=str(invalid),
        ),
        "error",
    )
    return show(handover.id, status=422)


@bp.post("/<int:handover_id>/accept")
def accept(handover_id: int):
    """Open the victim's case here, in the received pathway, and tell the sender its number."""
    handover = _handover(handover_id)
    home = current_app.config["HOME_PROVINCE"]
    try:
        case = incoming.accept(handover, current_user, _key(), home=home)
    except AlreadyDecided:
        return _conflict(handover)
    except NoSigningKey:
        return _no_key(handover)
    except PacketInvalid as invalid:
        return _unusable(handover, invalid)
    except RuleFailed as failure:  # no case opened, the packet still waits; a manager is told
        record_incident(failure, IncidentSource.CASE_OPENING, actor=current_user)
        flash(rule_failed(failure), "error")
        return show(handover.id, status=409)
    access.audit(current_user, "handover_accepted", case, packet=handover.packet_id)
    flash(_("Hand-over accepted: case %(number)s is open.", number=case.number), "success")
    return redirect(url_for("cases.show", number=case.number), 303)


@bp.post("/<int:handover_id>/refuse")
def refuse(handover_id: int):
    """Refuse the hand-over with a reason, which the sender reads."""
    handover = _handover(handover_id)
    form = HandoverRefusalForm(request.form)
    if not form.validate():
        return show(handover.id, form=form, status=422)
    home = current_app.config["HOME_PROVINCE"]
    try:
        incoming.refuse(handover, form.reason.data, _key(), home=home)
    except AlreadyDecided:
        return _conflict(handover)
    except NoSigningKey:
        return _no_key(handover)
    access.audit(current_user, "handover_declined", None, packet=handover.packet_id)
    flash(_("Hand-over refused; the sending province will be told why."), "success")
    return redirect(url_for("handovers.index"), 303)
