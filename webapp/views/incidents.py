"""The managers' page of incidents: diagram rules that failed at run time, and retrying them."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import Incident, IncidentSource, db
from workflows import incidents
from workflows.errors import IncidentResolved, RuleFailed

from ..access import audit, deny, may_manage_incidents
from ..transaction import record_incident

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


@bp.before_request
@login_required
def _managers_only():
    """Managers and admins only (a refusal is audited)."""
    if not may_manage_incidents(current_user):
        deny(current_user, "incidents_refused", None)


@bp.get("")
def index():
    """Every open incident: diagram, element, error, case, first and last seen, count."""
    rows = db.session.scalars(incidents.open_incidents()).all()
    audit(current_user, "incidents_listed", None, incidents=[row.id for row in rows])
    return render_template("incidents/index.html", incidents=rows)


@bp.post("/<int:incident_id>/retry")
def retry(incident_id):
    """Re-run the case's ready engine steps; the incident is resolved if they now succeed."""
    incident = db.session.get(Incident, incident_id)
    case_id = incident.case_id if incident is not None else None
    try:
        incidents.retry(incident_id, current_user)
    except IncidentResolved:
        db.session.rollback()
        flash(_("This incident is no longer open."), "error")
    except RuleFailed as failure:
        record_incident(failure, IncidentSource.RETRY, actor=current_user, case_id=case_id)
        flash(_("The rule still fails: %(detail)s", detail=failure.detail), "error")
    else:
        flash(_("The case continued; the incident is resolved."), "success")
    audit(
        current_user, "incident_retried", incident.case if incident else None, incident=incident_id
    )
    return redirect(url_for("incidents.index"))
