"""The police's decisions on possible matches: link two cases as one victim, or dismiss."""

from sqlalchemy import select

from models import Case, CaseMatch, Department, EventType, MatchDecision, Role, User, db

from .. import timeline
from ..engine import case_opener, may_open_cases
from ..errors import NotYourDepartment
from ..notifications import members, notify
from .candidates import case_matches, decisions
from .errors import AlreadyDecided, NotAMatch

# The department told when a victim is rescued again.
ALERTED = "joint_office"


def _check(case: Case, other: Case, actor: User) -> None:
    if not may_open_cases(actor):
        raise NotYourDepartment(f"only {case_opener()} decides on matches")
    if other.id in decisions(case.id):
        raise AlreadyDecided(f"{case.number} and {other.number} were already decided")
    if other.id not in {c.case.id for c in case_matches(case)}:
        raise NotAMatch(f"{other.number} is not a possible match of {case.number}")


def _decide(case: Case, other: Case, actor: User, decision, retrafficked=False) -> CaseMatch:
    _check(case, other, actor)
    low, high = sorted((case, other), key=lambda c: c.id)
    row = CaseMatch(
        case_id=low.id,
        other_case_id=high.id,
        decision=decision,
        retrafficked=retrafficked,
        decided_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _department(code: str) -> Department:
    return db.session.scalar(select(Department).filter_by(code=code))


def link(case: Case, other: Case, actor: User, *, retrafficked: bool) -> CaseMatch:
    """Link two cases as one victim; rescued again, both are marked re-trafficked and the
    joint office is told on both timelines and notified (of the newer case's number)."""
    row = _decide(case, other, actor, MatchDecision.LINKED, retrafficked)
    police = _department(case_opener())
    for this, that in ((case, other), (other, case)):
        timeline.record(
            this, EventType.CASES_LINKED, actor=actor, department=police, other=that.number
        )
        if retrafficked:
            timeline.record(
                this,
                EventType.VICTIM_RETRAFFICKED,
                actor=actor,
                department=_department(ALERTED),
                other=that.number,
            )
    if retrafficked:
        office = members(ALERTED, Role.SOCIAL_WORKER, Role.DEPARTMENT_HEAD)
        newer = max(case, other, key=lambda c: c.id)
        notify(office, EventType.VICTIM_RETRAFFICKED.value, case_id=newer.id)
    return row


def dismiss(case: Case, other: Case, actor: User) -> CaseMatch:
    """Record that the two cases are different victims: the match is no longer shown."""
    return _decide(case, other, actor, MatchDecision.DISMISSED)


def is_retrafficked(case: Case) -> bool:
    """Whether the victim of the case was linked to another case as rescued again."""
    query = select(CaseMatch.id).where(
        CaseMatch.retrafficked,
        (CaseMatch.case_id == case.id) | (CaseMatch.other_case_id == case.id),
    )
    return db.session.scalar(query.limit(1)) is not None


def retrafficking_alerts(limit: int = 200) -> list[CaseMatch]:
    """The re-trafficking links, newest first: what the joint office is told."""
    query = select(CaseMatch).where(CaseMatch.retrafficked).order_by(CaseMatch.id.desc())
    return list(db.session.scalars(query.limit(limit)))
