"""Re-opening a closed case: its pathway starts again at a chosen phase, with the reason why.

A phase a case can start at is a top process (as `received` starts a handed-over case at the
return home): the case's one workflow is replaced by a fresh one of that process's newest
version, started from the data the closed workflow began with and today's settings.
"""

from datetime import UTC, datetime

from sqlalchemy import select

from forms.reopening import REASON_LENGTH
from models import (
    Case,
    CaseStatus,
    Department,
    EventType,
    ProcessInstance,
    TimelineEvent,
    User,
    db,
)

from . import timeline
from .engine import with_settings
from .errors import CaseNotClosed, ReopeningInvalid
from .instances import Step
from .pathways import CASE_PROCESS, RECEIVED_PROCESS, latest_version, pathway
from .serialization import new_workflow

# The phase a re-opened case starts at -> the top process that starts there.
ENTRY_PHASES = {"rescue": CASE_PROCESS, "return_home": RECEIVED_PROCESS}
# Phases whose pathway reads the intake: a case handed over from another province has none.
NEEDS_INTAKE = frozenset({"rescue"})


def _has_event(case: Case, event_type: EventType) -> bool:
    query = select(TimelineEvent.id).filter_by(case_id=case.id, event_type=event_type)
    return db.session.scalar(query.limit(1)) is not None


def entry_phases(case: Case) -> list[str]:
    """The phases the case can start again at: none once another province has accepted it
    (the victim's case lives on there), and not those reading an intake it never had here."""
    if _has_event(case, EventType.HANDOVER_ACCEPTED):
        return []
    opened_here = _has_event(case, EventType.CASE_OPENED)
    return [phase for phase in ENTRY_PHASES if opened_here or phase not in NEEDS_INTAKE]


def clean_reason(reason: str) -> str:
    """The stated reason, trimmed; ReopeningInvalid if empty or too long."""
    reason = (reason or "").strip()
    if not 0 < len(reason) <= REASON_LENGTH:
        raise ReopeningInvalid(f"a re-opening says why, in at most {REASON_LENGTH} characters")
    return reason


def reopen_case(case: Case, actor: User, department: Department, *, phase: str, reason: str):
    """Start a closed case's pathway again at `phase`; CaseNotClosed if it is open,
    ReopeningInvalid for a bad reason or a phase it cannot start at."""
    reason = clean_reason(reason)
    if phase not in entry_phases(case):
        raise ReopeningInvalid(f"case {case.number} cannot start again at {phase!r}")
    instance_id = db.session.scalar(select(ProcessInstance.id).filter_by(case_id=case.id))
    with Step.locked(instance_id, actor, handed_from=department) as step:
        if step.case.status != CaseStatus.CLOSED:  # read under the lock: one re-opening wins
            raise CaseNotClosed(f"case {case.number} is open")
        version = latest_version(ENTRY_PHASES[phase])
        data = with_settings(step.workflow.task_tree.data)
        step.restart(version, new_workflow(pathway(version).specs, data))
        closed_at = step.case.closed_at
        step.case.status, step.case.closed_at = CaseStatus.OPEN, None
        step.case.reopenings += 1
        step.case.reopened_at = datetime.now(UTC)
        timeline.record(
            step.case,
            EventType.CASE_REOPENED,
            actor=actor,
            department=department,
            phase=phase,
            reason=reason,
            closed_at=closed_at.isoformat() if closed_at else None,
        )
        step.advance()
