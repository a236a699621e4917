"""The one place that decides who may see or do what, and audits every look at a victim's file.

A reviewer (joint office) sees every case read-only; a manager sees cases and diagrams; a social
worker sees only cases that have touched their department, and of those only the data of the
steps their department needs. Every read and write of a case writes an AuditEvent, including
refusals, which are committed on their own so that the refusal's rollback cannot erase them.
"""

from typing import NoReturn

from flask import abort
from sqlalchemy import Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from exchange.incoming import RECEIVING_DEPARTMENT
from forms.registry import FORMS
from forms.sensitivity import Sensitivity
from models import (
    AuditEvent,
    Case,
    ConsentEntry,
    ConsentPurpose,
    Department,
    Document,
    Escalation,
    HumanTask,
    Membership,
    ProcessInstance,
    Referral,
    Role,
    TaskStatus,
    User,
    db,
)
from workflows import accountability, consent, engine, escalation
from workflows.documents.operations import KIND_CLASSES

# Whose data each department reads besides its own steps: what its work needs, nothing more.
# Keys are codes of models.people.DEPARTMENTS, values form keys (tests/test_departments.py).
NEEDS = {
    "police": {
        "case_open",
        "rescue_rapid_search",
        "rescue_identification",
        "rescue_dna_sampling",
        "rescue_family_tracing",
        "rescue_child_placement",
        "aid_shelter",
        "home_safety_assessment",
        "return_plan",
        "return_province_handover",
        "follow_up_visit",
        "difficulty_civil_affairs",
        "difficulty_health",
        "difficulty_education",
        "difficulty_justice",
    },
    "civil_affairs": {
        "case_open",
        "rescue_identification",
        "rescue_dna_sampling",
        "rescue_family_tracing",
        "rescue_child_placement",
        "aid_special_file",
        "aid_womens_support",
        "school_enrolment",
        "training_enrolment",
        "training_job_referral",
        "return_repatriation",
        "disability_assessment",
        "follow_up_police_check",
        "difficulty_health",
        "difficulty_education",
        "difficulty_justice",
        "difficulty_police",
    },
    "health": {"case_open", "aid_shelter", "aid_special_file", "disability_assessment"},
    "justice": {"case_open", "rescue_identification", "aid_shelter", "aid_special_file"},
    "education": {"case_open", "aid_shelter", "aid_special_file", "school_adaptation"},
    "hr_social_security": {"case_open", "aid_shelter", "aid_womens_support"},
    "womens_federation": {"case_open", "aid_shelter", "training_enrolment"},
    "disabled_persons_federation": {"case_open", "aid_shelter", "care_medical"},
    "joint_office": {"case_open", "rescue_rapid_search", "rescue_search_review"},
}
NAME_READERS = {"police", "civil_affairs"}
# The department that evaluates how the plan is carried out.
EVALUATION_OFFICE = "joint_office"
# The departments that own a case: they record its consents and read the child's own view.
CASE_OWNERS = {"police", "civil_affairs"}
# Who, besides the recording department and oversight, reads each class of sensitive answer
# in a step they may read; everyone else sees "restricted" in its place.
CLASS_READERS = {
    Sensitivity.BIOMETRIC: {"police", "civil_affairs"},
    Sensitivity.HEALTH: {"health", "civil_affairs", "disabled_persons_federation"},
    Sensitivity.MINOR: {"police", "civil_affairs", "education", "womens_federation"},
    Sensitivity.LOCATION: {"police", "civil_affairs"},
    Sensitivity.RELIGION: {"civil_affairs"},
    Sensitivity.FINANCIAL: {"civil_affairs", "hr_social_security"},
    Sensitivity.IDENTITY: {"police", "civil_affairs", "justice"},
}
OVERSIGHT = (Role.REVIEWER, Role.MANAGER)
# The department a step overdue twice over is escalated to, which then sees that case.
ESCALATION_READER = escalation.OVERSIGHT_DEPARTMENT
# Heads of these departments re-open closed cases (besides the joint office).
REOPENING_HEADS = frozenset({"police", RECEIVING_DEPARTMENT})
# What a referral's recipient reads of the case besides its number and the service: the
# intake's plain facts a service needs to receive the victim (minimum necessary).
REFERRAL_FIELDS = ("age", "sex", "victim_language", "interpreter_needed", "disability")


def oversees(user: User) -> bool:
    """Reviewers and managers read every case (never write)."""
    return any(user.has_role(role) for role in OVERSIGHT)


def case_departments(case: Case) -> set[str]:
    """Departments a case has touched: the one that opened it and every task's department."""
    rows = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case.id).distinct())
    return {engine.case_opener()} | {row.department.code for row in rows}


def may_see_case(user: User, case: Case) -> bool:
    """Whether the user may open the case at all."""
    if oversees(user):
        return True
    codes = user.department_codes()
    if ESCALATION_READER in codes and escalated_to_oversight(case):
        return True
    touched = case_departments(case) | consent.shared_with(case)
    return user.has_role(Role.SOCIAL_WORKER) and bool(codes & touched)


def _runs_a_pathway():
    """The case has a workflow: the demo's evaluation-only history (rows the roll-ups count,
    with no workflow behind them) is never listed, found or opened."""
    return exists().where(ProcessInstance.case_id == Case.id)


def case_by_number(number: str) -> Case | None:
    """The case with that number, if it runs a pathway (no access decided here)."""
    return db.session.scalar(select(Case).where(Case.number == number, _runs_a_pathway()))


def visible_cases(user: User) -> Select:
    """The ids of the cases the user may see, as one query (what `may_see_case` allows)."""
    if oversees(user):
        return select(Case.id).where(_runs_a_pathway())
    codes = user.department_codes()
    department_ids = select(Department.id).where(Department.code.in_(codes))
    reasons = []
    if ESCALATION_READER in codes:
        reasons.append(_escalated())
    if user.has_role(Role.SOCIAL_WORKER) and codes:
        touched = exists().where(
            HumanTask.case_id == Case.id, HumanTask.department_id.in_(department_ids)
        )
        opener = true() if engine.case_opener() in codes else false()
        reasons += [opener, touched, _shared_with(department_ids)]
    return select(Case.id).where(or_(*reasons) if reasons else false(), _runs_a_pathway())


def _escalated():
    return _told_oversight(Case.id).exists()


def _told_oversight(case_id):
    """The escalations of the case's steps that told the joint office: twice overdue, or
    overdue in a department with no active head (escalation.told)."""
    headed = (
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.department_id == HumanTask.department_id,
            Membership.role == Role.DEPARTMENT_HEAD,
            User.active,
        )
        .exists()
    )
    return (
        select(Escalation.id)
        .join(HumanTask, HumanTask.id == Escalation.task_id)
        .where(
            HumanTask.case_id == case_id,
            or_(
                Escalation.step == escalation.JOINT_OFFICE_STEP,
                and_(  # while the step waits: whether a head exists is read now
                    Escalation.step == escalation.OVERDUE_STEP,
                    HumanTask.status == TaskStatus.READY,
                    ~headed,
                ),
            ),
        )
    )


def _shared_with(department_ids):
    """The latest share answer for one of the departments is yes (`consent.shared_with`)."""
    later = aliased(ConsentEntry)
    share = ConsentEntry.purpose == ConsentPurpose.SHARE_DEPARTMENT
    newer = exists().where(
        later.case_id == ConsentEntry.case_id,
        later.purpose == ConsentPurpose.SHARE_DEPARTMENT,
        later.department_id == ConsentEntry.department_id,
        later.id > ConsentEntry.id,
    )
    return exists().where(
        and_(
            ConsentEntry.case_id == Case.id,
            share,
            ConsentEntry.department_id.in_(department_ids),
            ConsentEntry.given.is_(True),
            ~newer,
        )
    )


def may_read_step_report(user: User, case: Case) -> bool:
    """Reviewers, managers and the joint office read who did each step of a case, and when
    (never what the steps recorded)."""
    if oversees(user):
        return True
    return ESCALATION_READER in user.department_codes() and may_see_case(user, case)


def sees_escalated_only(user: User) -> bool:
    """Whether the user sees only the cases escalated to the joint office (its own workers)."""
    return not oversees(user) and user.department_codes() == {ESCALATION_READER}


def escalated_to_oversight(case: Case) -> bool:
    """Whether a step of the case went overdue twice over, or overdue with no head to tell
    (the joint office was told, and must look)."""
    return db.session.scalar(_told_oversight(case.id).limit(1)) is not None


def shares_with(user: User, case: Case | None) -> bool:
    """Whether the victim currently agrees to share the case in full with the user's
    department (read at every call: a withdrawal hides the data at once)."""
    return case is not None and bool(user.department_codes() & consent.shared_with(case))


def may_read_step(user: User, form_key: str, case: Case | None = None) -> bool:
    """Whether the user may read the data submitted with a step's form (of that case)."""
    if oversees(user) or shares_with(user, case):
        return True
    form = FORMS.get(form_key)
    owner = form.department if form else None
    return any(code == owner or form_key in NEEDS.get(code, ()) for code in user.department_codes())


def may_read_notes(user: User, form_key: str) -> bool:
    """Free-text notes stay with the department that wrote them: they may hold what only it
    should know."""
    form = FORMS.get(form_key)
    return form is not None and form.department in user.department_codes()


def readable_classes(user: User, form_key: str, case: Case | None = None) -> set[Sensitivity]:
    """The classes of a step's answers the user reads in full (the rest shows as restricted)."""
    form = FORMS.get(form_key)
    codes = user.department_codes()
    owner = form is not None and form.department in codes
    if oversees(user) or owner or shares_with(user, case):
        return set(Sensitivity)
    return {Sensitivity.PLAIN} | {
        kind for kind, readers in CLASS_READERS.items() if readers & codes
    }


def reads_class(user: User, kind: Sensitivity, case: Case, recorded_by: str | None) -> bool:
    """Whether the user reads a sensitive value of `kind` outside a step's answers (e.g. the
    reason a case was re-opened): oversight, the recording department, its class's readers."""
    codes = user.department_codes()
    if oversees(user) or recorded_by in codes or shares_with(user, case):
        return True
    return bool(CLASS_READERS.get(kind, set()) & codes)


def may_record_consent(user: User, case: Case) -> bool:
    """Social workers of the departments owning the case record and withdraw its consents."""
    owner = bool(user.department_codes() & CASE_OWNERS)
    return owner and user.has_role(Role.SOCIAL_WORKER) and may_see_case(user, case)


def may_record_consent_on(user: User, task: HumanTask) -> bool:
    """Whoever completes a step that asks the consents records them through its form."""
    return task.form_key in consent.STEP_CONSENTS and may_work_on(user, task)


def may_read_child_view(user: User) -> bool:
    """A child's own view of a consent stays with the departments owning the case."""
    return oversees(user) or bool(user.department_codes() & CASE_OWNERS)


def may_refer(user: User, case: Case) -> bool:
    """Social workers of a department that may see the case refer it for a service."""
    return user.has_role(Role.SOCIAL_WORKER) and may_see_case(user, case)


def may_answer_referral(user: User, referral: Referral) -> bool:
    """The receiving department answers a referral made to it."""
    to = referral.to_department
    return (
        to is not None and user.has_role(Role.SOCIAL_WORKER) and to.code in user.department_codes()
    )


def may_cancel_referral(user: User, referral: Referral) -> bool:
    """The sending department may cancel its referral."""
    sender = referral.from_department.code
    return user.has_role(Role.SOCIAL_WORKER) and sender in user.department_codes()


def may_manage_directory(user: User) -> bool:
    """Managers and admins keep the directory of outside organisations."""
    return user.has_role(Role.MANAGER) or user.has_role(Role.ADMIN)


def acting_department(user: User, codes) -> Department:
    """The user's department among `codes`: the one a recorded action names."""
    return next(
        m.department for m in user.memberships if m.department and m.department.code in codes
    )


def reopening_departments(user: User) -> set[str]:
    """The departments in whose name the user re-opens closed cases: the joint office (its
    social workers) and the heads of police and civil affairs."""
    office = user.department_codes() & {EVALUATION_OFFICE}
    return office | (user.headed_department_codes() & REOPENING_HEADS)


def may_reopen(user: User, case: Case) -> bool:
    """Whether the user may re-open the case (once it is closed): a reopener who may see it."""
    return bool(reopening_departments(user)) and may_see_case(user, case)


def may_work_on(user: User, task: HumanTask) -> bool:
    """Social workers of the task's department claim and complete it (the engine's rule)."""
    return engine.may_work_on(user, task)


def may_open_cases(user: User) -> bool:
    """The police register rescued victims and missing-child reports."""
    return engine.may_open_cases(user)


def may_receive_handovers(user: User) -> bool:
    """Civil affairs' social workers see, accept and refuse the hand-overs other provinces
    send, and withdraw those they sent: the packets carry the victim's data, so admins (who
    register the peers) do not."""
    return user.has_role(Role.SOCIAL_WORKER) and RECEIVING_DEPARTMENT in user.department_codes()


def may_manage_peers(user: User) -> bool:
    """Admins keep the registry of peer provinces (code, key, address); nobody else."""
    return user.has_role(Role.ADMIN)


def may_edit_diagrams(user: User) -> bool:
    """Managers see, edit, deploy and migrate the diagrams; nobody else."""
    return user.has_role(Role.MANAGER)


def may_manage_incidents(user: User) -> bool:
    """Managers and admins see the incidents of every case and retry them."""
    return user.has_role(Role.MANAGER) or user.has_role(Role.ADMIN)


def may_edit_service_levels(user: User) -> bool:
    """Managers set how long each step may take; nobody else."""
    return user.has_role(Role.MANAGER)


def may_head(user: User, department_code: str) -> bool:
    """Heads see their department's workload and reassign its tasks (the engine's rule)."""
    return department_code in user.headed_department_codes()


def may_read_victim_name(user: User) -> bool:
    """The victim's name is for police and civil affairs (and oversight) only."""
    return oversees(user) or bool(user.department_codes() & NAME_READERS)


def may_read_document(user: User, document: Document) -> bool:
    """A document is read by those who read its step and the class of what it holds; one
    attached to the whole case (no step: no step's owner reads it all), by who attached it
    and the readers of its class."""
    needed = KIND_CLASSES[document.kind]
    if not may_see_case(user, document.case):
        return False
    if document.task_id is None:
        mine = document.uploaded_by_id == user.id
        return mine or reads_class(user, needed, document.case, recorded_by=None)
    return may_read_step(user, document.form_key) and needed in readable_classes(
        user, document.form_key
    )


def may_attach(user: User, case: Case, task: HumanTask | None) -> bool:
    """A step's department attaches to its step; a department the case touched, to the case."""
    if task is not None:
        return task.case_id == case.id and may_work_on(user, task)
    return user.has_role(Role.SOCIAL_WORKER) and may_see_case(user, case)


def may_evaluate(user: User, page: str) -> bool:
    """The joint office, reviewers and managers read the evaluation; a department's head only
    its own row of the departments page."""
    if oversees(user) or EVALUATION_OFFICE in user.department_codes():
        return True
    return page == "departments" and bool(user.headed_department_codes())


def evaluation_rows(user: User) -> tuple[str, ...]:
    """The departments whose rows a user's evaluation is limited to (empty: every one)."""
    if oversees(user) or EVALUATION_OFFICE in user.department_codes():
        return ()
    return tuple(sorted(user.headed_department_codes()))


def sees_small_counts(user: User) -> bool:
    """Counts of 1-10 victims show on screen to the joint office (and to a department's head
    for its own row); everyone else, and every export, reads "<11"."""
    return EVALUATION_OFFICE in user.department_codes() or bool(evaluation_rows(user))


def may_freeze_evaluations(user: User) -> bool:
    """The joint office creates staged and final evaluations (and exports them)."""
    return EVALUATION_OFFICE in user.department_codes()


def may_export_rows(user: User) -> bool:
    """Only the joint office exports case rows (HTCDS v2, pseudonymous, consenting cases)."""
    return EVALUATION_OFFICE in user.department_codes()


def audit(user: User | None, action: str, case: Case | None, allowed=True, **detail):
    """Record an access in the caller's transaction."""
    db.session.add(
        AuditEvent(
            actor_id=user.id if user else None,
            action=action,
            case_id=case.id if case else None,
            allowed=allowed,
            detail=detail,
        )
    )


def record_refusal(user: User | None, action: str, case: Case | None, **detail) -> None:
    """Roll back, and record the refusal in its own commit (the refusal's answer keeps nothing)."""
    case_id = case.id if case is not None else None
    db.session.rollback()
    db.session.add(
        AuditEvent(
            actor_id=user.id if user else None,
            action=action,
            case_id=case_id,
            allowed=False,
            detail=detail,
        )
    )
    db.session.commit()


def deny(user: User | None, action: str, case: Case | None, **detail) -> NoReturn:
    """Record the refusal in its own commit, and answer 403."""
    record_refusal(user, action, case, **detail)
    abort(403)


def step_report_for(user: User, case: Case):
    """The case's step report if the user may read it (audited as a read), else None."""
    if not may_read_step_report(user, case):
        return None
    audit(user, "step_report_viewed", case)
    return accountability.step_report(case)


def case_for(user: User, number: str, action: str) -> Case:
    """The case with that number if the user may see it (audited); 404 or 403 otherwise."""
    case = case_by_number(number)
    if case is None:
        abort(404)
    if not may_see_case(user, case):
        deny(user, action, case)
    audit(user, action, case)
    return case
