"""`access.visible_cases` lists exactly the cases `access.may_see_case` lets each role open."""

from sqlalchemy import select

from models import (
    Case,
    ConsentEntry,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Department,
    Escalation,
    HumanTask,
    db,
)
from webapp import access
from workflows.escalation import JOINT_OFFICE_STEP


def _share(case, users, code, given):
    department = db.session.scalar(select(Department).filter_by(code=code))
    db.session.add(
        ConsentEntry(
            case_id=case.id,
            purpose=ConsentPurpose.SHARE_DEPARTMENT,
            department_id=department.id,
            given=given,
            method=ConsentMethod.WRITTEN,
            given_by=ConsentGiver.VICTIM,
            recorded_by_id=users["police"].id,
        )
    )


def _escalate(case, step=JOINT_OFFICE_STEP):
    task = db.session.scalars(select(HumanTask).filter_by(case_id=case.id)).first()
    db.session.add(Escalation(task_id=task.id, step=step))


def test_visible_cases_agree_with_may_see_case_for_every_demo_account(open_case, users):
    fresh = open_case("Lin Xiaomei")
    advanced = open_case("Wang Fang", steps=6)
    shared = open_case("Chen Jing")
    _share(shared, users, "health", True)
    _share(shared, users, "education", True)
    _share(shared, users, "education", False)  # withdrawn: the latest answer counts
    escalated = open_case("Zhao Min", steps=1)
    _escalate(escalated)
    nearly = open_case("Sun Li", steps=1)
    _escalate(nearly, step=JOINT_OFFICE_STEP - 1)  # only the head was told
    db.session.commit()
    cases = db.session.scalars(select(Case)).all()

    for user in users.values():
        listed = set(db.session.scalars(access.visible_cases(user)))
        allowed = {case.id for case in cases if access.may_see_case(user, case)}
        assert listed == allowed, user.username

    def seen(name):
        return set(db.session.scalars(access.visible_cases(users[name])))

    assert seen("reviewer") == seen("manager") == {case.id for case in cases}
    assert seen("police") == {case.id for case in cases}
    assert shared.id in seen("health") and shared.id not in seen("education")
    assert escalated.id in seen("joint_office") and nearly.id not in seen("joint_office")
    assert fresh.id not in seen("health") and advanced.id in seen("civil_affairs")
    assert seen("admin") == set()
