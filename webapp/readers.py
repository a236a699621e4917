""" "Who has seen this file": every audited read and write of one case, and who may see that list.

The list names colleagues and what they did, so it is shown only to the departments that own
the case now (the one that opened it and those holding one of its ready steps) and to
oversight — not to every department that ever touched the case.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models import AuditEvent, Case, HumanTask, TaskStatus, db
from workflows import engine

from .access import oversees
from .templating import person_name

MAX_ROWS = 500


@dataclass
class Reader:
    """One audited look at (or change to) the case."""

    when: datetime
    who: str | None
    departments: list[str]
    action: str
    allowed: bool


def owning_departments(case: Case) -> set[str]:
    """The opener's department and those with a ready step of the case."""
    ready = db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == TaskStatus.READY)
    )
    return {engine.case_opener()} | {task.department.code for task in ready}


def may_see_readers(user, case: Case) -> bool:
    """Whether the user may see who has seen the case."""
    return oversees(user) or bool(user.department_codes() & owning_departments(case))


def readers(case: Case) -> list[Reader]:
    """The case's audit rows, newest first (at most MAX_ROWS)."""
    rows = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.id.desc())
        .limit(MAX_ROWS)
    )
    return [_reader(row) for row in rows]


def _reader(row: AuditEvent) -> Reader:
    actor = row.actor
    codes = {m.department.code for m in actor.memberships if m.department} if actor else set()
    who = person_name(actor) if actor else None
    return Reader(row.created_at, who, sorted(codes), row.action, row.allowed)
