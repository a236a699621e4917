"""The consent ledger's verbs: record an answer, read the current consent (never cached)."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from forms.intake import INTAKE_FORM
from models import (
    Case,
    ConsentEntry,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Department,
    EventType,
    TimelineEvent,
    User,
    db,
)

from . import referrals, timeline
from .errors import ConsentInvalid
from .matching.identity import AGES
from .notifications import N_

# The answer of each step that says the family was (or is being) contacted.
FAMILY_CONTACT_ANSWERS = {
    "rescue_family_tracing": "family_contact_date",
    "return_plan": "return_family_contacted",
}
# Later steps whose form also asks the consents (the shelter's admission, legal aid).
STEP_CONSENTS = {"aid_shelter", "legal_eligibility"}
FAMILY_CONTACT_REFUSED = N_(
    "The family may not be contacted: the consent ledger holds no agreement to it "
    "(or it was withdrawn). Record the consent on the case's consent page first."
)


@dataclass(frozen=True)
class ConsentAnswer:
    """One answer to record: purpose (and department for sharing), yes or no, how, by whom."""

    purpose: ConsentPurpose
    given: bool
    method: ConsentMethod
    given_by: ConsentGiver
    department: str | None = None
    child_view: str | None = None


def _department(answer: ConsentAnswer) -> Department | None:
    needs_one = answer.purpose == ConsentPurpose.SHARE_DEPARTMENT
    if needs_one != bool(answer.department):
        raise ConsentInvalid("a sharing consent names one department; no other purpose does")
    if not needs_one:
        return None
    department = db.session.scalar(select(Department).filter_by(code=answer.department))
    if department is None:
        raise ConsentInvalid(f"no department {answer.department!r}")
    return department


def record(case: Case, answer: ConsentAnswer, *, actor: User, department: Department):
    """Append an answer to the ledger and the timeline; a "no" withdraws what was given."""
    if answer.given_by == ConsentGiver.GUARDIAN and not answer.child_view:
        raise ConsentInvalid("a guardian's answer for a child records the child's own view")
    if answer.purpose == ConsentPurpose.SHARE_DEPARTMENT and answer.department == department.code:
        raise ConsentInvalid("a department never shares the file with itself")
    named = _department(answer)
    withdrawn = not answer.given and is_given(case, answer.purpose, answer.department)
    entry = _entry(case, answer, named, actor)
    kind = EventType.CONSENT_WITHDRAWN if withdrawn else EventType.CONSENT_RECORDED
    timeline.record(
        case,
        kind,
        actor=actor,
        department=department,
        purpose=answer.purpose.value,
        shared_with=answer.department,
        given=answer.given,
        method=answer.method.value,
        given_by=answer.given_by.value,
    )
    if withdrawn and answer.purpose == ConsentPurpose.OUTSIDE_REFERRAL:
        referrals.stop_outside(case, actor=actor, department=department)
    return entry


def _entry(case: Case, answer: ConsentAnswer, named: Department | None, actor: User):
    entry = ConsentEntry(
        case_id=case.id,
        purpose=answer.purpose,
        department_id=named.id if named else None,
        given=answer.given,
        method=answer.method,
        given_by=answer.given_by,
        child_view=answer.child_view or None,
        recorded_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _entries(case: Case, purpose: ConsentPurpose, department: str | None):
    query = select(ConsentEntry).filter_by(case_id=case.id, purpose=purpose)
    if department is not None:
        query = query.join(ConsentEntry.department).where(Department.code == department)
    return query.order_by(ConsentEntry.id.desc())


def is_given(case: Case, purpose: ConsentPurpose, department: str | None = None) -> bool:
    """Whether the latest answer for the purpose (and department) is yes; read every time."""
    latest = db.session.scalars(_entries(case, purpose, department).limit(1)).first()
    return latest is not None and latest.given


def allows_export(case: Case, *, unasked: bool = False) -> bool:
    """Whether the victim's personal data may leave in an export (a row-level export, a
    hand-over packet): the current `row_export` answer, read at every call, so a withdrawal
    stops the next export; a case never asked counts as `unasked` (a row-level export: no)."""
    latest = db.session.scalars(_entries(case, ConsentPurpose.ROW_EXPORT, None).limit(1)).first()
    return unasked if latest is None else latest.given


def exporting_case_ids() -> Select:
    """The cases whose current `row_export` answer is yes: `allows_export` (never asked: no)
    for every case in one query, for a row-level export of many cases."""
    latest = (
        select(func.max(ConsentEntry.id))
        .where(ConsentEntry.purpose == ConsentPurpose.ROW_EXPORT)
        .group_by(ConsentEntry.case_id)
    )
    return select(ConsentEntry.case_id).where(ConsentEntry.id.in_(latest), ConsentEntry.given)


def victim_is_child(case: Case) -> bool:
    """Whether the latest age the case's steps state is under 18 (as the service levels read)."""
    events = db.session.scalars(
        select(TimelineEvent)
        .filter_by(case_id=case.id)
        .where(TimelineEvent.event_type.in_([EventType.CASE_OPENED, EventType.TASK_COMPLETED]))
        .order_by(TimelineEvent.id.desc())
    )
    for event in events:
        data = event.data or {}
        form_key = data.get("form_key", INTAKE_FORM)
        age = (data.get("data") or {}).get(AGES[form_key][0]) if form_key in AGES else None
        if isinstance(age, int):
            return age < 18
    return False


def allows_family_contact(case: Case) -> bool:
    """Whether the family may be contacted. An adult decides: only the current "yes" allows
    it. For a child the police trace the parents by duty, so only a recorded "no" (a guardian's,
    with the child's own view) stops it."""
    query = _entries(case, ConsentPurpose.FAMILY_CONTACT, None).limit(1)
    latest = db.session.scalars(query).first()
    return victim_is_child(case) if latest is None else latest.given


def family_contact_refused(case: Case, form_key: str, answers: dict) -> str | None:
    """The field of a step's answers that contacts the family against the ledger, if any."""
    field = FAMILY_CONTACT_ANSWERS.get(form_key)
    if field is None or not answers.get(field) or allows_family_contact(case):
        return None
    return field


def shared_with(case: Case) -> set[str]:
    """The departments the case is currently shared with beyond need-to-know."""
    entries = db.session.scalars(
        select(ConsentEntry)
        .filter_by(case_id=case.id, purpose=ConsentPurpose.SHARE_DEPARTMENT)
        .order_by(ConsentEntry.id)
    )
    latest = {entry.department.code: entry.given for entry in entries}
    return {code for code, given in latest.items() if given}


def ledger(case: Case) -> list[ConsentEntry]:
    """Every answer recorded for the case, newest first."""
    query = select(ConsentEntry).filter_by(case_id=case.id).order_by(ConsentEntry.id.desc())
    return list(db.session.scalars(query))


def answer_from(form) -> ConsentAnswer:
    """The answer a validated forms.consent.ConsentForm holds."""
    return ConsentAnswer(
        purpose=ConsentPurpose(form.purpose.data),
        given=form.given.data,
        method=ConsentMethod(form.method.data),
        given_by=ConsentGiver(form.given_by.data),
        department=form.department.data or None,
        child_view=form.child_view.data or None,
    )


def intake_answers(form) -> list[ConsentAnswer]:
    """The answers a validated forms.intake.IntakeConsentForm holds (none if left blank), at
    intake or on a step of STEP_CONSENTS."""
    if not form.answered():
        return []
    flags = {
        ConsentPurpose.OUTSIDE_REFERRAL: form.consent_outside_referral.data,
        ConsentPurpose.FAMILY_CONTACT: form.consent_family_contact.data,
        ConsentPurpose.ROW_EXPORT: form.consent_row_export.data,
    }
    common = {
        "method": ConsentMethod(form.consent_method.data),
        "given_by": ConsentGiver(form.consent_given_by.data),
        "child_view": form.consent_child_view.data or None,
    }
    answers = [ConsentAnswer(p, given, **common) for p, given in flags.items() if given is not None]
    shares = form.consent_share_departments.data or []
    sharing = ConsentPurpose.SHARE_DEPARTMENT
    return answers + [ConsentAnswer(sharing, True, department=code, **common) for code in shares]
