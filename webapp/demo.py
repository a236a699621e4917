"""Demo departments, accounts and cases at different stages, for `make run`."""

from flask import current_app
from sqlalchemy import select

from forms.examples import EXAMPLES
from models import Case, Department, Membership, Organisation, OrganisationKind, Role, User, db
from workflows import engine
from workflows.pathways import deploy_shipped
from workflows.routing import sync_departments

from .passwords import hash_password

MAX_DEMO_STEPS = 60
# The referral directory of the demo (fictitious contacts).
ORGANISATIONS = (
    ("Putian First Hospital", OrganisationKind.HOSPITAL, ["medical_care", "psychological_care"]),
    ("Xianyou County No. 2 Middle School", OrganisationKind.SCHOOL, ["schooling"]),
    ("Fujian Sunflower Women's Shelter", OrganisationKind.SHELTER, ["shelter", "job_training"]),
)
OVERSIGHT_ROLES = {"manager": Role.MANAGER, "reviewer": Role.REVIEWER, "admin": Role.ADMIN}


def seed_users(
    password: str, departments: dict[str, Department], totp_secret: str | None = None
) -> dict[str, User]:
    """One social worker per department (named by its code) and its head (`police_head`, a
    social worker too), plus manager, reviewer, admin (enrolled in the second factor with the
    demo's `totp_secret`)."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    password_hash = hash_password(password)
    worker, head = (Role.SOCIAL_WORKER,), (Role.SOCIAL_WORKER, Role.DEPARTMENT_HEAD)
    wanted = [(code, departments[code], worker) for code in departments]
    wanted += [(f"{code}_head", departments[code], head) for code in departments]
    wanted += [
        (name, departments["joint_office"], (role,)) for name, role in OVERSIGHT_ROLES.items()
    ]
    for username, department, roles in wanted:
        if username in users:
            continue
        user = User(
            username=username,
            display_name=username.replace("_", " ").title(),
            password_hash=password_hash,
            email=f"{username}@homecoming.example",
            totp_secret=totp_secret if roles[0] in OVERSIGHT_ROLES.values() else None,
        )
        for role in roles:
            user.memberships.append(Membership(department=department, role=role))
        db.session.add(user)
        users[username] = user
    db.session.flush()
    return users


def advance_case(
    case: Case, users: dict[str, User], steps: int, answers=None, stop_at=None
) -> None:
    """Complete up to `steps` ready tasks of a case with the example answers, stopping at the
    first ready task with form key `stop_at`."""
    answers = answers or {}
    for _ in range(steps):
        task = db.session.scalars(engine.open_tasks(case)).first()
        if task is None or task.form_key == stop_at:
            return
        data = {**EXAMPLES[task.form_key], **answers.get(task.form_key, {})}
        engine.complete_task(task.id, data, users[task.department.code])


def seed(password: str, totp_secret: str) -> bool:
    """Everything `make run` needs; safe to run twice. Whether the cases were new."""
    departments = sync_departments()
    users = seed_users(password, departments, totp_secret)
    deploy_shipped(users["manager"])
    if db.session.scalar(select(Case.id).limit(1)) is not None:
        return False
    for name, kind, services in ORGANISATIONS:
        contact = "0594-0000000"
        db.session.add(Organisation(name=name, kind=kind, services=services, contact=contact))
    stories = [
        ("Lin Xiaomei", {}, 0, {}),
        ("Chen Hua", {"age": 9}, 4, {"rescue_identification": {"age": 9}}),
        (
            "Nguyen Thi Lan",
            {"age": 24, "origin_country": "VN", "origin_province": ""},
            6,
            {"rescue_identification": {"age": 24}, "aid_shelter": {"willing_to_return": True}},
        ),
        ("Wang Fang", {"age": 19}, 12, {"rescue_identification": {"age": 19}}),
    ]
    for name, intake, steps, answers in stories:
        case = engine.open_case({**EXAMPLES["case_open"], **intake}, users["police"], name)
        advance_case(case, users, steps, answers)
    _seed_follow_up_due(users)
    return True


def _seed_follow_up_due(users: dict[str, User]) -> None:
    """Two cases through to follow-up, whose visits are in civil affairs' inbox at once (so a
    newcomer can reach closure without waiting `HOMECOMING_FOLLOW_UP_INTERVAL`, 30 days by
    default; their later rounds come at once too)."""
    config = current_app.config
    interval, config["FOLLOW_UP_INTERVAL"] = config["FOLLOW_UP_INTERVAL"], "PT0S"
    try:
        for name, intake, answers in [
            (
                "Zheng Li",
                {"age": 31, "origin_province": "fujian"},
                {"rescue_identification": {"age": 31}, "aid_shelter": {"willing_to_return": True}},
            ),
            (
                "Gao Min",
                {"age": 26, "origin_province": "fujian"},
                {"rescue_identification": {"age": 26}, "aid_shelter": {"willing_to_return": False}},
            ),
        ]:
            case = engine.open_case({**EXAMPLES["case_open"], **intake}, users["police"], name)
            advance_case(case, users, MAX_DEMO_STEPS, answers, stop_at="follow_up_visit")
    finally:
        config["FOLLOW_UP_INTERVAL"] = interval
