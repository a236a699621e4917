"""Incidents: recording a diagram rule's run-time failure, listing, resolving and retrying.

The failing change was rolled back, so the caller records the incident after its rollback
and commits it on its own (as `webapp.access.record_refusal` does with a refusal). A repeat
of an open incident (same case and element) counts on it instead of opening another.
"""

from datetime import UTC, datetime

from sqlalchemy import select

from models import EventType, Incident, IncidentSource, ProcessInstance, User, db

from . import timeline
from .errors import IncidentResolved, RuleFailed
from .instances import Step
from .locks import lock_instance


def _instance_id(case_id: int) -> int | None:
    return db.session.scalar(select(ProcessInstance.id).filter_by(case_id=case_id))


def _open_for(case_id: int | None, failure: RuleFailed) -> Incident | None:
    return db.session.scalar(
        select(Incident).where(
            Incident.case_id.is_(None) if case_id is None else Incident.case_id == case_id,
            Incident.process_id == failure.process_id,
            Incident.element_id == failure.element_id,
            Incident.resolved_at.is_(None),
        )
    )


def report(
    failure: RuleFailed,
    source: IncidentSource,
    *,
    actor: User | None = None,
    case_id: int | None = None,
    task_id: int | None = None,
) -> Incident:
    """Open the incident for a failure (flushed), or count a repeat on the open one."""
    if case_id is not None:  # serialises reports of one case: one open row per element
        lock_instance(_instance_id(case_id))
    incident = _open_for(case_id, failure)
    if incident is not None:
        incident.count += 1
        incident.last_seen = datetime.now(UTC)
        incident.message = failure.detail
        db.session.flush()
        return incident
    incident = Incident(
        case_id=case_id,
        pathway_version_id=failure.pathway_version_id,
        process_id=failure.process_id,
        element_id=failure.element_id,
        element_name=failure.element_name,
        source=source,
        task_id=task_id,
        error_type=failure.error_type[:100],
        message=failure.detail,
        triggered_by_id=actor.id if actor is not None else None,
    )
    db.session.add(incident)
    db.session.flush()
    if incident.case is not None:
        _record(incident, EventType.INCIDENT_OPENED, actor=actor, source=str(source))
    return incident


def _record(incident: Incident, event_type: EventType, *, actor, **data) -> None:
    timeline.record(
        incident.case,
        event_type,
        actor=actor,
        incident=incident.id,
        element=incident.element_id,
        name=incident.element_name,
        process=incident.process_id,
        **data,
    )


def resolve(incident: Incident, actor: User, how: str) -> None:
    """Mark the incident resolved, with how on the case's timeline."""
    incident.resolved_at = datetime.now(UTC)
    incident.resolved_by_id = actor.id
    db.session.flush()
    if incident.case is not None:
        _record(incident, EventType.INCIDENT_RESOLVED, actor=actor, how=how)


def resolve_for_task(task_id: int, actor: User) -> None:
    """The task whose completion had failed was completed: its open incidents are over."""
    rows = db.session.scalars(
        select(Incident).where(Incident.task_id == task_id, Incident.resolved_at.is_(None))
    )
    for incident in rows:
        resolve(incident, actor, "completed")


def open_incidents(case_id: int | None = None):
    """A select of the open incidents (of one case if given), oldest first."""
    query = select(Incident).where(Incident.resolved_at.is_(None))
    if case_id is not None:
        query = query.where(Incident.case_id == case_id)
    return query.order_by(Incident.first_seen, Incident.id)


def retry(incident_id: int, actor: User) -> Incident:
    """Re-run the case's ready engine steps and due timers; success resolves the incident.

    A failure raises RuleFailed with nothing changed: the caller rolls back and reports it,
    which counts on this incident if the same element failed again.
    """
    incident = db.session.get(Incident, incident_id)
    if incident is None or incident.resolved_at is not None:
        raise IncidentResolved(f"incident {incident_id} is not open")
    if incident.case_id is None:  # a case that failed to open: the police open it again
        resolve(incident, actor, "retried")
        return incident
    with Step.locked(_instance_id(incident.case_id), actor) as step:
        step.advance(refresh_timers=True)
    resolve(incident, actor, "retried")
    return incident
