"""One case's steps as the joint office evaluates them: who did what, when, and on time or not.

Only the bookkeeping of each step (department, people, times, the plan measure) and of each
hand-over (to which department, province or organisation): never what a step recorded.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.choices import PROVINCE_CODES
from models import (
    DEPARTMENT_CODES,
    Case,
    EventType,
    HumanTask,
    IncomingHandover,
    OutgoingHandover,
    Referral,
    TaskStatus,
    TimelineEvent,
    db,
)

from . import clock


class Outcome(enum.StrEnum):
    """How a step stands against its due time."""

    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"  # still open, past its due time
    WAITING = "waiting"  # still open, within its due time (or without one)
    CANCELLED = "cancelled"
    NO_DUE_TIME = "no_due_time"  # done, but had no due time


class HandoverKind(enum.StrEnum):
    """Where a case went: another department, a referral, another province or country."""

    DEPARTMENT = "department"
    REFERRAL = "referral"
    PROVINCE = "province"
    EXCHANGE_SENT = "exchange_sent"
    EXCHANGE_RECEIVED = "exchange_received"


@dataclass(frozen=True)
class StepLine:
    """One step that ran: its department, people and times."""

    task_id: int
    form_key: str
    measure: str | None
    department: str
    status: TaskStatus
    created_at: datetime
    claimed_at: datetime | None
    claimed_by: str | None
    completed_at: datetime | None
    completed_by: str | None
    due_at: datetime | None
    outcome: Outcome
    # How far past the due time it was done (late) or is now (overdue).
    overrun: timedelta | None
    took: timedelta | None


@dataclass(frozen=True)
class HandoverLine:
    """One hand-over of the case: when, what kind, from and to whom, and how it stands."""

    at: datetime
    kind: HandoverKind
    source: str | None
    to: str | None
    status: str | None = None


@dataclass(frozen=True)
class StepReport:
    """The steps of a case in the order they became ready, its hand-overs, and the totals."""

    steps: list[StepLine]
    handovers: list[HandoverLine]

    def count(self, *outcomes: Outcome) -> int:
        """How many steps stand at one of the outcomes."""
        return sum(1 for step in self.steps if step.outcome in outcomes)

    @property
    def done(self) -> int:
        """Steps completed."""
        return sum(1 for step in self.steps if step.status == TaskStatus.COMPLETED)


def _outcome(row: HumanTask, now: datetime) -> tuple[Outcome, timedelta | None]:
    due = row.due_at
    if row.status == TaskStatus.CANCELLED:
        return Outcome.CANCELLED, None
    if row.status == TaskStatus.COMPLETED:
        if due is None:
            return Outcome.NO_DUE_TIME, None
        if row.completed_at <= due:
            return Outcome.ON_TIME, None
        return Outcome.LATE, row.completed_at - due
    if due is not None and now > due:
        return Outcome.OVERDUE, now - due
    return Outcome.WAITING, None


def _step(row: HumanTask, now: datetime) -> StepLine:
    outcome, overrun = _outcome(row, now)
    done = row.status == TaskStatus.COMPLETED
    return StepLine(
        task_id=row.id,
        form_key=row.form_key,
        measure=row.measure,
        department=row.department.code,
        status=row.status,
        created_at=row.created_at,
        claimed_at=row.claimed_at,
        claimed_by=row.claimed_by.display_name if row.claimed_by else None,
        completed_at=row.completed_at if done else None,
        completed_by=row.completed_by.display_name if done and row.completed_by else None,
        due_at=row.due_at,
        outcome=outcome,
        overrun=overrun,
        took=row.completed_at - row.created_at if done else None,
    )


def _known(code) -> str | None:
    """A receiver worth naming: a department or province code, never free text."""
    return code if code in DEPARTMENT_CODES or code in PROVINCE_CODES else None


def _timeline_handovers(case: Case) -> list[HandoverLine]:
    events = db.session.scalars(
        select(TimelineEvent)
        .filter_by(case_id=case.id, event_type=EventType.CASE_HANDED_OVER)
        .order_by(TimelineEvent.id)
    )
    lines = []
    for event in events:
        data = event.data or {}
        if "form_key" in data:  # out of the province (return_home's hand-over steps)
            kind, source = (
                HandoverKind.PROVINCE,
                event.department.code if event.department else None,
            )
        else:
            kind, source = HandoverKind.DEPARTMENT, _known(data.get("source"))
        lines.append(HandoverLine(event.created_at, kind, source, _known(data.get("to"))))
    return lines


def _other_handovers(case: Case) -> list[HandoverLine]:
    referrals = db.session.scalars(
        select(Referral)
        .filter_by(case_id=case.id)
        .options(selectinload(Referral.from_department), selectinload(Referral.to_department))
    )
    lines = [
        HandoverLine(
            r.created_at,
            HandoverKind.REFERRAL,
            r.from_department.code,
            r.to_department.code if r.to_department else r.organisation.name,
            r.status.value,
        )
        for r in referrals
    ]
    for sent in db.session.scalars(select(OutgoingHandover).filter_by(case_id=case.id)):
        at = sent.delivered_at or sent.next_attempt_at
        lines.append(
            HandoverLine(at, HandoverKind.EXCHANGE_SENT, None, sent.receiver, sent.status.value)
        )
    for got in db.session.scalars(select(IncomingHandover).filter_by(case_id=case.id)):
        lines.append(
            HandoverLine(
                got.received_at, HandoverKind.EXCHANGE_RECEIVED, got.sender, None, got.status.value
            )
        )
    return lines


def step_report(case: Case, *, now: datetime | None = None) -> StepReport:
    """Every step of the case that ran, and every hand-over, oldest first."""
    now = now or clock.now()
    rows = db.session.scalars(
        select(HumanTask)
        .filter_by(case_id=case.id)
        .options(selectinload(HumanTask.claimed_by), selectinload(HumanTask.completed_by))
        .order_by(HumanTask.created_at, HumanTask.id)
    )
    handovers = _timeline_handovers(case) + _other_handovers(case)
    return StepReport(
        steps=[_step(row, now) for row in rows],
        handovers=sorted(handovers, key=lambda line: line.at),
    )
