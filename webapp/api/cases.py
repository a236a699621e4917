"""Cases: open one (police), its status and its timeline as the caller may see them."""

from flask_smorest import abort

from forms.base import as_formdata
from forms.intake import INTAKE_FORM, VictimNameForm
from forms.registry import get_form_class
from models import Case, IncidentSource, TokenScope, db
from workflows import engine, progress
from workflows.errors import FormInvalid, RuleFailed

from .. import access, casefile
from ..templating import rule_failed
from ..transaction import record_incident
from . import presenters, schemas
from .auth import api_blueprint, caller, refuse, require

bp = api_blueprint("api_cases", "/cases", "Open a case; read its status and timeline.")


@bp.post("")
@bp.arguments(schemas.OpenCase)
@bp.response(201, schemas.CaseOpened)
@bp.alt_response(409, response="DEFAULT_ERROR")
def open_case(body):
    """Register a rescued victim or a missing-child report and start its pathway (police)."""
    require(TokenScope.CASEWORK, "case_opened")
    if not access.may_open_cases(caller()):
        refuse("case_opened", message="only the police open cases")
    form = get_form_class(INTAKE_FORM).from_data(body["data"])
    names = VictimNameForm(formdata=as_formdata({"victim_name": body["victim_name"]}))
    if not names.validate():  # as on the web page, with the intake's errors at once
        form.validate()
        _invalid(form.errors | {"victim_name": [str(e) for e in names.victim_name.errors]})
    try:
        case = engine.open_case(form, caller(), names.victim_name.data)
    except FormInvalid as invalid:
        db.session.rollback()
        _invalid(invalid.errors)
    except RuleFailed as failure:  # as on the web: an incident for the managers, 409
        record_incident(failure, IncidentSource.CASE_OPENING, actor=caller())
        abort(409, message=rule_failed(failure))
    access.audit(caller(), "case_opened", case)
    return {"number": case.number}


def _invalid(errors: dict):
    abort(422, message="nothing was saved: correct the answers named", errors=errors)


def _case(number: str, action: str) -> Case:
    """The case if the caller may see it (audited); 404 or an audited 403 otherwise."""
    found = casefile.case_number(number)
    case = access.case_by_number(found) if found else None
    if case is None:
        abort(404, message="no such case")
    if not access.may_see_case(caller(), case):
        refuse(action, case)
    access.audit(caller(), action, case)
    return case


@bp.get("/<number>")
@bp.response(200, schemas.CaseStatus)
def status(number):
    """The case's status, its open steps and, for those who may read it, the victim's name."""
    case = _case(number, "case_viewed")
    instance = progress.instance_of(case)
    tasks = db.session.scalars(engine.open_tasks(case))
    return {
        "number": case.number,
        "status": str(case.status),
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "victim_name": case.victim_name if access.may_read_victim_name(caller()) else None,
        "next_timer_at": None if instance.completed else instance.next_timer_at,
        "open_tasks": [presenters.task(row) for row in tasks],
    }


@bp.get("/<number>/timeline")
@bp.arguments(schemas.PageQuery, location="query")
@bp.response(200, schemas.Timeline)
def timeline(query, number):
    """The case's events, oldest first, with step data only where the caller may read it."""
    case = _case(number, "case_viewed")
    entries = casefile.timeline(case, caller())
    start = (query["page"] - 1) * query["per_page"]
    shown = entries[start : start + query["per_page"]]
    items = [presenters.entry(item) for item in shown]
    return {"page": query["page"], "total": len(entries), "items": items}
