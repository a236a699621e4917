"""Closed-loop referrals: send, answer through the FHIR Task statuses, stop (their deadlines
climb the escalation ladder: `escalation.escalate_referral`)."""

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select, update

from models import (
    Case,
    ConsentPurpose,
    Department,
    EventType,
    Organisation,
    Referral,
    ReferralStatus,
    User,
    db,
)

from . import consent, timeline
from .errors import ConsentMissing, ReferralStateInvalid

S = ReferralStatus
# Where each status may go next; the sender may cancel any referral still open.
NEXT = {
    S.REQUESTED: {S.ACCEPTED, S.REJECTED, S.CANCELLED},
    S.ACCEPTED: {S.IN_PROGRESS, S.FAILED, S.CANCELLED},
    S.IN_PROGRESS: {S.COMPLETED, S.FAILED, S.CANCELLED},
}
OPEN = tuple(NEXT)
NEEDS_REASON = {S.REJECTED, S.FAILED, S.CANCELLED}
CONSENT_WITHDRAWN = "consent withdrawn"


def send(
    case: Case,
    service: str,
    *,
    actor: User,
    department: Department,
    to_department: Department | None = None,
    organisation: Organisation | None = None,
) -> Referral:
    """Refer the case for a service; an outside organisation needs the victim's consent."""
    if (to_department is None) == (organisation is None):
        raise ReferralStateInvalid("a referral goes to one department or one organisation")
    if organisation is not None and not consent.is_given(case, ConsentPurpose.OUTSIDE_REFERRAL):
        raise ConsentMissing("the victim has not agreed to a referral outside")
    now, config = datetime.now(UTC), current_app.config
    referral = Referral(
        case_id=case.id,
        from_department_id=department.id,
        to_department_id=to_department.id if to_department else None,
        organisation_id=organisation.id if organisation else None,
        service=service,
        status=S.REQUESTED,
        created_by_id=actor.id,
        created_at=now,
        accept_due_at=now + config["REFERRAL_ACCEPT_PERIOD"],
        outcome_due_at=now + config["REFERRAL_OUTCOME_PERIOD"],
        next_escalation_at=now + config["REFERRAL_ACCEPT_PERIOD"],
    )
    db.session.add(referral)
    db.session.flush()
    timeline.record(
        case, EventType.REFERRAL_SENT, actor=actor, department=department, **_about(referral)
    )
    return referral


def _about(referral: Referral) -> dict:
    """What the timeline says of a referral: which, for what, to whom (no victim data)."""
    return {
        "referral": referral.id,
        "service": referral.service,
        "to": referral.to_department.code if referral.to_department else None,
        "organisation": referral.organisation.name if referral.organisation else None,
    }


def move(referral: Referral, status: ReferralStatus, *, reason=None, actor=None, department=None):
    """Move the referral to `status` (compare-and-set: of two answers at once, one wins)."""
    if status not in NEXT.get(referral.status, ()):
        raise ReferralStateInvalid(f"a {referral.status} referral cannot become {status}")
    if status in NEEDS_REASON and not reason:
        raise ReferralStateInvalid(f"say why the referral is {status}")
    result = db.session.execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.status == referral.status)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ReferralStateInvalid("the referral was answered by someone else first")
    db.session.refresh(referral)
    referral.reason = reason or referral.reason
    case = db.session.get(Case, referral.case_id)
    timeline.record(
        case,
        EventType.REFERRAL_STATUS_CHANGED,
        actor=actor,
        department=department,
        status=status.value,
        reason=reason,
        **_about(referral),
    )
    db.session.flush()


def stop_outside(case: Case, *, actor: User, department: Department) -> list[Referral]:
    """Cancel every open referral of the case to an outside organisation (consent withdrawn)."""
    pending = db.session.scalars(
        select(Referral).where(
            Referral.case_id == case.id,
            Referral.organisation_id.is_not(None),
            Referral.status.in_(OPEN),
        )
    ).all()
    for referral in pending:
        move(referral, S.CANCELLED, reason=CONSENT_WITHDRAWN, actor=actor, department=department)
    return list(pending)


def for_department(code: str) -> tuple[list[Referral], list[Referral]]:
    """(received, sent) referrals of a department, newest first."""
    department = db.session.scalar(select(Department).filter_by(code=code))
    newest = Referral.id.desc()
    received = select(Referral).filter_by(to_department_id=department.id).order_by(newest)
    sent = select(Referral).filter_by(from_department_id=department.id).order_by(newest)
    return list(db.session.scalars(received)), list(db.session.scalars(sent))


def overdue(referral: Referral, now: datetime | None = None) -> bool:
    """Whether the referral waits past its deadline for acceptance or for its outcome."""
    now = now or datetime.now(UTC)
    if referral.status == S.REQUESTED:
        return referral.accept_due_at <= now
    return referral.status in OPEN and referral.outcome_due_at <= now
