"""A case as its page shows it: facts, phases, and the timeline each reader may see."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from forms.consent import PURPOSES
from forms.exchange import REFUSAL_CLASS
from forms.intake import INTAKE_FORM
from forms.referrals import SERVICES, STATUS_NAMES
from forms.registry import FORMS
from forms.reopening import REASON_CLASS
from models import Case, EventType, HumanTask, TimelineEvent, User, db
from models.crypto import keyring
from workflows import incidents, progress
from workflows.referrals import CONSENT_WITHDRAWN

from . import access, journey
from .case_summary import answers
from .templating import department_name, province_name, step_title

NUMBER_PATTERN = re.compile(r"HC-\d{4}-[A-Z0-9]{6}")
PHASE_NAMES = {
    "case": _l("Whole pathway"),
    "received": _l("Whole pathway (received from another province)"),
    "rescue": _l("Rescue and identification"),
    "temporary_aid": _l("Temporary aid"),
    "care": _l("Medical and psychological care"),
    "legal_aid": _l("Legal aid"),
    "schooling": _l("Schooling"),
    "disability_support": _l("Disability support"),
    "return_home": _l("Return home"),
    "stay": _l("Support where the victim stays"),
    "difficulties": _l("Difficulties passed to departments"),
    "missing_search": _l("Continuing search for a missing child"),
    "job_training": _l("Job training"),
    "follow_up": _l("Follow-up visits"),
    "closure": _l("Case closure"),
}
# Timeline events per page of the case page, newest first.
EVENTS_PER_PAGE = 100
# Events that carry a step's submitted data (under "data").
PURPOSE_NAMES = dict(PURPOSES)
SERVICE_NAMES = dict(SERVICES)
DATA_EVENTS = {EventType.CASE_OPENED, EventType.TASK_COMPLETED}


def phase_name(process_id: str | None, fallback: str | None = None) -> str:
    """A phase's name in the user's language (a diagram's own name for phases added later)."""
    name = PHASE_NAMES.get(process_id or "")
    return str(name) if name else (fallback or process_id or "")


def case_number(text: str | None) -> str | None:
    """The typed text as a case number (trimmed, upper case), or None if it is not one."""
    number = (text or "").strip().upper()
    return number if NUMBER_PATTERN.fullmatch(number) else None


def find_case(user: User, number: str) -> Case | None:
    """The case if the user may see it; a refused look-up is audited in its own commit."""
    case = access.case_by_number(number)
    if case is None:
        return None
    if access.may_see_case(user, case):
        access.audit(user, "case_found", case, number=number)
        return case
    access.record_refusal(user, "case_found", case, number=number)
    return None


def find_by_name(user: User, name: str) -> list[Case]:
    """The cases of that victim name the user may see, by blind index; each find is audited.

    Only readers of names may search by one: anyone else could confirm a name they guessed.
    """
    if not access.may_read_victim_name(user):
        access.audit(user, "case_found_by_name", None, allowed=False)
        return []
    indexes = keyring().blind_indexes(name)
    matches = db.session.scalars(
        select(Case).where(Case.victim_name_index.in_(indexes)).order_by(Case.id)
    ).all()
    found = [case for case in matches if access.may_see_case(user, case)]
    for case in found:
        access.audit(user, "case_found_by_name", case)
    if not found:
        access.audit(user, "case_found_by_name", None, matches=0)
    return found


@dataclass
class Entry:
    """One timeline event as a reader sees it."""

    event: TimelineEvent
    phase: str | None
    summary: str
    departments: set[str]
    details: list[tuple[str, str]] = field(default_factory=list)
    restricted: bool = False


@dataclass
class CasePage:
    """Everything the case page shows besides the case row itself."""

    entries: list[Entry]
    spans: list[progress.PhaseSpan]
    departments: list[str]
    phases: list[str]
    show_name: bool
    department: str | None
    phase: str | None
    next_timer_at: datetime | None
    incidents: list = field(default_factory=list)
    timeline_page: int = 1
    has_older: bool = False
    stages: list[journey.Stage] = field(default_factory=list)


def case_page(
    case: Case, user: User, department: str | None, phase: str | None, timeline_page: int = 1
) -> CasePage:
    """The timeline (filtered by department and phase, a page of it newest first), phase
    durations and filter choices."""
    marks = progress.case_progress(case)
    entries = timeline(case, user)
    departments = sorted({code for entry in entries for code in entry.departments})
    instance = progress.instance_of(case)
    order = [p.process_id for p in progress.phases(instance)]
    present = {entry.phase for entry in entries}
    phases = [pid for pid in order if pid in present]
    department = department if department in departments else None
    phase = phase if phase in phases else None
    shown = [
        e
        for e in reversed(entries)
        if (department is None or department in e.departments)
        and (phase is None or e.phase == phase)
    ]
    start = (timeline_page - 1) * EVENTS_PER_PAGE
    spans = progress.phase_spans(case, marks)
    return CasePage(
        shown[start : start + EVENTS_PER_PAGE],
        spans,
        departments,
        phases,
        access.may_read_victim_name(user),
        department,
        phase,
        None if instance.completed else instance.next_timer_at,
        db.session.scalars(incidents.open_incidents(case.id)).all(),
        timeline_page,
        len(shown) > start + EVENTS_PER_PAGE,
        journey.journey(case, order, marks, spans),
    )


def timeline(case: Case, user: User) -> list[Entry]:
    """Every event of the case in order, with step data only where the reader may read it."""
    events = db.session.scalars(
        select(TimelineEvent).filter_by(case_id=case.id).order_by(TimelineEvent.id)
    ).all()
    tasks = {
        row.id: row for row in db.session.scalars(select(HumanTask).filter_by(case_id=case.id))
    }
    entries, phase, ready_in = [], None, {}
    for event in events:
        task = tasks.get(event.task_id)
        data = event.data or {}
        if task is not None:
            phase = task.process_id
            ready_in[task.department.code] = phase
        elif event.event_type == EventType.CASE_HANDED_OVER:
            # A hand-over belongs to the phase of the step it made ready for the receiver.
            phase = ready_in.get(data.get("to"), phase)
        else:
            phase = data.get("process", phase)
        entries.append(_entry(event, task, phase, user, case))
    return entries


def _entry(
    event: TimelineEvent, task: HumanTask | None, phase: str | None, user: User, case: Case
) -> Entry:
    codes = {event.department.code} if event.department else set()
    data = event.data or {}
    if event.event_type == EventType.CASE_HANDED_OVER and data.get("source"):
        codes.add(data["source"])
    case_level = event.event_type in CASE_LEVEL
    entry = Entry(event, None if case_level else phase, _summary(event, task), codes)
    form_key = data.get("form_key", INTAKE_FORM)
    if event.event_type in DATA_EVENTS and form_key in FORMS:
        if access.may_read_step(user, form_key, case):
            notes = access.may_read_notes(user, form_key)
            classes = access.readable_classes(user, form_key, case)
            entry.details = answers(form_key, data.get("data", {}), notes, classes)
        else:
            entry.restricted = True
    elif event.event_type == EventType.CASE_REOPENED:
        recorded_by = event.department.code if event.department else None
        if not access.reads_class(user, REASON_CLASS, case, recorded_by):
            entry.summary = _("Case re-opened at %(phase)s", phase=phase_name(data.get("phase")))
            entry.restricted = True
    elif event.event_type == EventType.HANDOVER_REFUSED and not access.reads_class(
        user, REFUSAL_CLASS, case, None
    ):
        entry.summary = _(
            "Hand-over refused by the province of %(province)s", province=_province(data)
        )
        entry.restricted = True
    return entry


def _summary(event: TimelineEvent, task: HumanTask | None) -> str:
    data = event.data or {}
    step = step_title(task.form_key) if task else data.get("step", "")
    summary = SUMMARIES.get(event.event_type)
    return summary(step, data) if summary else event.event_type


def _closed(data: dict) -> str:
    reason = data.get("reason") or ""
    if reason == "pathway completed":
        reason = _("every step of the pathway is done")
    return _("Case closed: %(reason)s", reason=reason)


def _handover(data: dict) -> str:
    target = data.get("to") or ""
    if data.get("form_key") == "return_province_handover":
        province = province_name(target)
        return _("Victim handed over to the province of %(province)s", province=province)
    if data.get("form_key") == "return_repatriation":
        return _("Victim handed over abroad to %(authority)s", authority=target)
    if data.get("source"):
        return _(
            "Handed over from %(source)s to %(target)s",
            source=department_name(data["source"]),
            target=department_name(target),
        )
    return _("Handed over to %(target)s", target=department_name(target))


def _province(data: dict) -> str:
    return province_name(data.get("province"))


def _purpose(data: dict) -> str:
    purpose = str(PURPOSE_NAMES.get(data.get("purpose"), data.get("purpose", "")))
    if data.get("shared_with"):
        purpose += f" ({department_name(data['shared_with'])})"
    return purpose


def _consent(data: dict) -> str:
    if data.get("given"):
        return _("Consent given: %(purpose)s", purpose=_purpose(data))
    return _("Consent refused: %(purpose)s", purpose=_purpose(data))


def _recipient(data: dict) -> str:
    return data.get("organisation") or department_name(data.get("to") or "")


def _referral_moved(data: dict) -> str:
    service = SERVICE_NAMES.get(data.get("service"), data.get("service"))
    if data.get("reason") == CONSENT_WITHDRAWN:
        return _("Referral for %(service)s stopped: the consent was withdrawn", service=service)
    status = STATUS_NAMES.get(data.get("status"), data.get("status"))
    return _("Referral for %(service)s: %(status)s", service=service, status=status)


def _referral_overdue(data: dict) -> str:
    if data.get("deadline") == "acceptance":
        return _("Referral not accepted in time")
    return _("Referral outcome overdue")


def _referral_escalated(data: dict) -> str:
    if data.get("deadline") == "acceptance":
        return _("Referral not accepted in twice the time, the joint office told")
    return _("Referral outcome overdue twice over, the joint office told")


# Events of the whole case, in no phase.
CASE_LEVEL = (
    EventType.CASE_OPENED,
    EventType.CASE_RECEIVED,
    EventType.CASE_CLOSED,
    EventType.CASE_REOPENED,
)
# What the case page says of each kind of event: (step title, event data) -> text.
SUMMARIES = {
    EventType.CASE_OPENED: lambda step, data: _("Case opened"),
    EventType.TASK_READY: lambda step, data: _("Step ready: %(step)s", step=step),
    EventType.TASK_CLAIMED: lambda step, data: _("Step claimed: %(step)s", step=step),
    EventType.TASK_RELEASED: lambda step, data: _("Step released: %(step)s", step=step),
    EventType.TASK_COMPLETED: lambda step, data: _("Step completed: %(step)s", step=step),
    EventType.TIMER_FIRED: lambda step, data: _(
        "Waiting time over: %(phase)s", phase=phase_name(data.get("process"))
    ),
    EventType.TASK_NEARLY_DUE: lambda step, data: _("Step nearly due: %(step)s", step=step),
    EventType.TASK_OVERDUE: lambda step, data: _(
        "Step overdue, the department head told: %(step)s", step=step
    ),
    EventType.TASK_ESCALATED: lambda step, data: _(
        "Step overdue twice over, the joint office told: %(step)s", step=step
    ),
    EventType.TASK_REASSIGNED: lambda step, data: _("Step reassigned: %(step)s", step=step),
    EventType.CASE_HANDED_OVER: lambda step, data: _handover(data),
    EventType.CASE_CLOSED: lambda step, data: _closed(data),
    EventType.CASE_REOPENED: lambda step, data: _(
        "Case re-opened at %(phase)s: %(reason)s",
        phase=phase_name(data.get("phase")),
        reason=data.get("reason", ""),
    ),
    EventType.CASE_RECEIVED: lambda step, data: _(
        "Case received from the province of %(province)s (their case %(number)s)",
        province=_province(data),
        number=data.get("case_number", ""),
    ),
    EventType.HANDOVER_ACCEPTED: lambda step, data: _(
        "Hand-over accepted by the province of %(province)s: their case %(number)s",
        province=_province(data),
        number=data.get("case_number", ""),
    ),
    EventType.HANDOVER_WITHDRAWN: lambda step, data: _(
        "Hand-over to the province of %(province)s withdrawn", province=_province(data)
    ),
    EventType.HANDOVER_REFUSED: lambda step, data: _(
        "Hand-over refused by the province of %(province)s: %(reason)s",
        province=_province(data),
        reason=data.get("reason", ""),
    ),
    EventType.INCIDENT_OPENED: lambda step, data: _(
        "Stuck: the diagram's rule %(rule)s failed; a manager has been told",
        rule=data.get("name") or data.get("element"),
    ),
    EventType.INCIDENT_RESOLVED: lambda step, data: _(
        "The diagram's rule %(rule)s works again; the case continues",
        rule=data.get("name") or data.get("element"),
    ),
    EventType.CONSENT_RECORDED: lambda step, data: _consent(data),
    EventType.REFERRAL_SENT: lambda step, data: _(
        "Referred for %(service)s to %(recipient)s",
        service=SERVICE_NAMES.get(data.get("service"), data.get("service")),
        recipient=_recipient(data),
    ),
    EventType.REFERRAL_STATUS_CHANGED: lambda step, data: _referral_moved(data),
    EventType.REFERRAL_OVERDUE: lambda step, data: _referral_overdue(data),
    EventType.REFERRAL_ESCALATED: lambda step, data: _referral_escalated(data),
    EventType.CONSENT_WITHDRAWN: lambda step, data: _(
        "Consent withdrawn: %(purpose)s", purpose=_purpose(data)
    ),
    EventType.DOCUMENT_ATTACHED: lambda step, data: _("Document attached"),
    EventType.CASES_LINKED: lambda step, data: _(
        "Linked with case %(other)s: the same victim", other=data.get("other", "")
    ),
    EventType.VICTIM_RETRAFFICKED: lambda step, data: _(
        "Victim rescued again (see case %(other)s): the joint office was told",
        other=data.get("other", ""),
    ),
}


def diagram_phases(case: Case) -> list[tuple[str, str, str | None]]:
    """(process id, name, state) of the top process and every phase, for the picker."""
    instance = progress.instance_of(case)
    states = progress.phase_states(instance, progress.case_progress(case))
    top = instance.pathway_version.process_id
    rows = [(top, phase_name(top), None)]
    rows += [
        (p.process_id, phase_name(p.process_id, p.name), states.get(p.process_id))
        for p in progress.phases(instance)
    ]
    return rows


def diagram_data(case: Case) -> dict:
    """The XML of every process of the case's pathway version, and the progress marks."""
    instance = progress.instance_of(case)
    marks = progress.case_progress(case)
    for incident in db.session.scalars(incidents.open_incidents(case.id)):
        marks.setdefault(incident.process_id, {})[incident.element_id] = "failed"
    return {
        "top": instance.pathway_version.process_id,
        "diagrams": progress.diagrams_by_process(instance),
        "marks": marks,
    }
