"""Department heads: the workload page, reassigning to a colleague (audited, on the timeline,
notified), and what the department waits on elsewhere; refused for others."""

import pytest
from sqlalchemy import select

from models import EventType, HumanTask, Notification, TimelineEvent, db
from webapp import demo
from workflows import engine
from workflows.errors import TaskClaimedByOther


def _task(case) -> HumanTask:
    return db.session.scalars(engine.open_tasks(case)).first()


def _reassign(client, task, to_user):
    return client.post(f"/department/tasks/{task.id}/reassign", data={"to_user": to_user})


@pytest.mark.parametrize(
    ("locale", "heading", "holder"), [("en", "Workload", "Police"), ("zh", "工作量", "公安厅")]
)
def test_the_head_sees_who_holds_what(open_case, users, login, client, locale, heading, holder):
    held, free = open_case(), open_case()
    engine.claim_task(_task(held).id, users["police"])
    db.session.commit()
    login("police_head", locale=locale)
    response = client.get("/department/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and heading in page
    assert held.number in page and free.number in page and holder in page
    assert "Lin Xiaomei" not in page, "the workload shows case numbers, never names"


def test_the_head_reassigns_and_the_colleague_completes(
    open_case, users, login, client, colleague, audits
):
    case = open_case()
    task = _task(case)
    engine.claim_task(task.id, users["police"])
    db.session.commit()
    login("police_head", "en")
    assert _reassign(client, task, colleague.id).status_code == 302
    said = client.get("/department/police").get_data(as_text=True)
    assert f"Identify the victim of case {case.number} is now Officer Zhang&#39;s." in said
    db.session.rollback()
    db.session.refresh(task)
    assert task.claimed_by_id == colleague.id
    event = db.session.scalars(
        select(TimelineEvent).filter_by(task_id=task.id, event_type=EventType.TASK_REASSIGNED)
    ).one()
    assert event.actor_id == users["police_head"].id
    assert event.data["to_user"] == colleague.id and event.data["from_user"] == users["police"].id
    assert audits("task_reassigned", actor_id=users["police_head"].id) == 1
    assert db.session.scalars(
        select(Notification.user_id).filter_by(task_id=task.id, kind="task_reassigned")
    ).all() == [colleague.id]
    with pytest.raises(TaskClaimedByOther):
        demo.advance_case(case, users, 1)
    db.session.rollback()
    demo.advance_case(case, {**users, "police": colleague}, 1)
    db.session.commit()
    assert db.session.get(HumanTask, task.id).completed_by_id == colleague.id


@pytest.mark.parametrize("username", ["police", "health_head"])
def test_a_non_head_or_another_head_is_refused(open_case, users, login, client, username, audits):
    task = _task(open_case())
    db.session.commit()
    login(username)
    assert _reassign(client, task, users["police"].id).status_code == 403
    assert client.get("/department/police").status_code == 403
    db.session.rollback()
    assert db.session.get(HumanTask, task.id).claimed_by_id is None
    assert audits("task_reassign_refused") == 1 and audits("workload_refused") == 1


@pytest.mark.parametrize("to_user", ["health", "manager", "nobody", ""])
def test_a_task_goes_only_to_a_colleague(open_case, users, login, client, to_user):
    task = _task(open_case())
    db.session.commit()
    login("police_head")
    target = users[to_user].id if to_user in users else to_user
    assert _reassign(client, task, target).status_code == 400
    db.session.rollback()
    assert db.session.get(HumanTask, task.id).claimed_by_id is None
    assert client.post("/department/tasks/999999/reassign", data={"to_user": 1}).status_code == 404


def test_the_head_sees_what_waits_elsewhere_and_the_overdue(
    open_case, users, login, client, run_workers
):
    case = open_case(steps=3)
    elsewhere = [
        t for t in db.session.scalars(engine.open_tasks(case)) if t.department.code != "police"
    ]
    assert elsewhere, "premise: the case waits on another department"
    ours = _task(open_case("B"))
    number = ours.case.number
    db.session.commit()
    run_workers(((ours.due_at - ours.created_at) * 1.1).total_seconds(), count=1)
    login("police_head", locale="en")
    page = client.get("/department/police").get_data(as_text=True)
    overdue = page.split("Escalated to you")[1].split("Waiting on other departments")[0]
    waiting = page.split("Waiting on other departments")[1]
    assert number in overdue and case.number not in overdue
    assert case.number in waiting


@pytest.mark.parametrize(
    ("locale", "heading", "unclaimed", "claimer"),
    [
        ("en", "Waiting on whom, since when", "unclaimed", "Police"),
        ("zh", "正在等待谁，自何时起", "未认领", "公安厅"),  # noqa: RUF001
    ],
)
def test_the_case_page_says_whom_it_waits_on(
    open_case, users, login, client, locale, heading, unclaimed, claimer
):
    held, free = open_case(), open_case()
    engine.claim_task(_task(held).id, users["police"])
    db.session.commit()
    login("police", locale=locale)
    for case, holder in ((held, claimer), (free, unclaimed)):
        page = client.get(f"/cases/{case.number}").get_data(as_text=True)
        waiting = page.split(heading)[1].split("</table>")[0]
        assert holder in waiting
        assert _task(case).created_at.isoformat() in waiting
