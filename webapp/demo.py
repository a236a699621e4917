"""Demo departments, accounts and cases at different stages, for `make run`."""

# ruff: noqa: RUF001 (Chinese text is written with its own punctuation)

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
    ("莆田市第一医院", OrganisationKind.HOSPITAL, ["medical_care", "psychological_care"]),
    ("仙游县第二中学", OrganisationKind.SCHOOL, ["schooling"]),
    ("福建向日葵妇女庇护中心", OrganisationKind.SHELTER, ["shelter", "job_training"]),
)
# The demo's places and notes in Chinese, over the (English) example answers of every form.
CHINESE_ANSWERS = {
    "case_open": {
        "report_location": "莆田市仙游县",
        "intake_notes": "接群众举报后，在走访一户农村家庭时发现。",
    },
    "rescue_rapid_search": {"last_seen_place": "昭通汽车客运站"},
    "rescue_search_review": {"search_review_notes": "已核查昭通至昆明沿线的汽车票。"},
    "rescue_identification": {"identification_notes": "经昭通户籍登记核实身份。"},
    "rescue_family_tracing": {"tracing_notes": "父母已于2023年报案称其失踪。"},
    "rescue_child_placement": {"placement_institution": "莆田市儿童福利院"},
    "rescue_family_investigation": {
        "investigating_unit": "昭通市公安局刑事侦查支队",
        "investigation_notes": "其叔叔涉嫌安排拐卖。",
    },
    "aid_shelter": {"shelter_name": "莆田市救助管理站"},
    "home_safety_assessment": {
        "child_views": "她想念妈妈和弟弟。",
        "assessment_notes": "父母寻找她一年；村委会为其担保。",
    },
    **{
        f"difficulty_{code}": {"difficulty_notes": "已会同乡镇政府解决。"}
        for code in ("civil_affairs", "health", "education", "justice", "police")
    },
    "care_medical": {"medical_notes": "体重偏轻；已开具补铁药物。"},
    "legal_eligibility": {"legal_aid_centre": "莆田市法律援助中心"},
    "legal_representation": {"lawyer_name": "林华"},
    "school_enrolment": {"school_name": "昭通市第三中学"},
    "school_adaptation": {"adaptation_notes": "正在补习数学。"},
    "return_plan": {"return_destination": "云南省昭通市"},
    "return_repatriation": {"receiving_authority": "越南老街省公安厅"},
    "return_province_handover": {"receiving_agency": "昭通市民政局"},
    "return_reunion": {"reunion_place": "莆田市荔城区"},
    "training_enrolment": {"training_provider": "莆田市职业技能培训中心"},
    "training_job_referral": {"employer_name": "莆田市颐养院"},
    "follow_up_visit": {"visit_notes": "已返校上学；家庭领取最低生活保障金。"},
}


def _in_chinese(answers: dict) -> dict:
    """A story's own answers over the demo's Chinese texts, per form."""
    forms = CHINESE_ANSWERS.keys() | answers.keys()
    return {key: {**CHINESE_ANSWERS.get(key, {}), **answers.get(key, {})} for key in forms}


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


def _intake(intake: dict) -> dict:
    return {**EXAMPLES["case_open"], **CHINESE_ANSWERS["case_open"], **intake}


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
        ("林晓梅", {}, 0, {}),
        ("陈华", {"age": 9}, 4, {"rescue_identification": {"age": 9}}),
        (
            "阮氏兰",
            {"age": 24, "origin_country": "VN", "origin_province": ""},
            6,
            {"rescue_identification": {"age": 24}, "aid_shelter": {"willing_to_return": True}},
        ),
        ("王芳", {"age": 19}, 12, {"rescue_identification": {"age": 19}}),
    ]
    for name, intake, steps, answers in stories:
        case = engine.open_case(_intake(intake), users["police"], name)
        advance_case(case, users, steps, _in_chinese(answers))
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
                "郑丽",
                {"age": 31, "origin_province": "fujian"},
                {"rescue_identification": {"age": 31}, "aid_shelter": {"willing_to_return": True}},
            ),
            (
                "高敏",
                {"age": 26, "origin_province": "fujian"},
                {"rescue_identification": {"age": 26}, "aid_shelter": {"willing_to_return": False}},
            ),
        ]:
            case = engine.open_case(_intake(intake), users["police"], name)
            advance_case(
                case, users, MAX_DEMO_STEPS, _in_chinese(answers), stop_at="follow_up_visit"
            )
    finally:
        config["FOLLOW_UP_INTERVAL"] = interval
