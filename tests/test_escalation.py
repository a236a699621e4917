"""The escalation ladder: four `flask timers run` workers on a moved clock climb each task's
ladder one rung at a time, each rung exactly once, none missed, telling the right people.

The clock is moved with HOMECOMING_CLOCK_OFFSET in the workers' environment, as a rehearsal
would; the test holds no transaction while they run (SQLite takes its write lock at BEGIN).
"""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import (
    Department,
    Escalation,
    EventType,
    Notification,
    Referral,
    ReferralStatus,
    TimelineEvent,
    User,
    db,
)
from webapp import demo
from workflows import engine, referrals

RUNGS = (EventType.TASK_NEARLY_DUE, EventType.TASK_OVERDUE, EventType.TASK_ESCALATED)


def rungs(task_ids) -> Counter:
    """How many times each (task, rung) fired, from the escalation rows."""
    db.session.rollback()
    rows = db.session.execute(
        select(Escalation.task_id, Escalation.step).where(Escalation.task_id.in_(task_ids))
    )
    return Counter(tuple(row) for row in rows)


def events(task_ids) -> Counter:
    """How many ladder events each (task, event type) has on the timeline."""
    rows = db.session.execute(
        select(TimelineEvent.task_id, TimelineEvent.event_type).where(
            TimelineEvent.task_id.in_(task_ids), TimelineEvent.event_type.in_(RUNGS)
        )
    )
    return Counter(tuple(row) for row in rows)


def told(task_id: int, kind: EventType) -> set[str]:
    """Usernames notified of `kind` about the task."""
    return set(
        db.session.scalars(
            select(User.username)
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.task_id == task_id, Notification.kind == kind.value)
        )
    )


def test_four_workers_climb_each_ladder_once(open_case, users, run_workers, colleague):
    """Near due, overdue, twice overdue: each rung once per task, whatever the workers race."""
    cases = [open_case(f"Ladder {i}", age=9 if i % 2 else 30) for i in range(12)]
    tasks = [db.session.scalars(engine.open_tasks(case)).one() for case in cases]
    engine.claim_task(tasks[0].id, colleague)
    db.session.commit()
    ids = [task.id for task in tasks]
    period = max((t.due_at - t.created_at).total_seconds() for t in tasks)
    assert {t.priority for t in tasks} == {70, 50}, "a child's step ranks higher"

    # Not yet due, then each rung with four workers racing, then nothing is left to fire.
    for rung, (share, workers) in enumerate(((0.5, 1), (0.85, 4), (1.05, 4), (2.05, 4), (3.0, 2))):
        run_workers(period * share, count=workers)
        fired = min(rung, 3) if share > 0.5 else 0
        expected = Counter({(task_id, step): 1 for task_id in ids for step in range(1, fired + 1)})
        assert rungs(ids) == expected, f"after moving the clock by {share} of the period"
        assert events(ids) == Counter(
            {(task_id, RUNGS[step - 1].value): 1 for task_id, step in expected}
        )

    assert told(ids[0], EventType.TASK_NEARLY_DUE) == {"police_colleague"}
    assert told(ids[1], EventType.TASK_NEARLY_DUE) == {"police", "police_head", "police_colleague"}
    assert told(ids[1], EventType.TASK_OVERDUE) == {"police_head"}
    assert told(ids[1], EventType.TASK_ESCALATED) == {"joint_office", "joint_office_head"}
    ladder = db.session.scalars(
        select(TimelineEvent).where(
            TimelineEvent.task_id.in_(ids), TimelineEvent.event_type.in_(RUNGS)
        )
    ).all()
    assert all("Ladder" not in repr(event.data) for event in ladder)


def test_a_completed_task_climbs_no_further(open_case, users, run_workers):
    """Completing a task before it is due stops its ladder."""
    case = open_case(age=9)
    task = db.session.scalars(engine.open_tasks(case)).one()
    period = (task.due_at - task.created_at).total_seconds()
    run_workers(period * 0.9, count=1)
    assert rungs([task.id]) == Counter({(task.id, 1): 1})
    demo.advance_case(case, users, 1)
    db.session.commit()
    run_workers(period * 3, count=1)
    assert rungs([task.id]) == Counter({(task.id, 1): 1})


def referral_rungs(referral_id: int) -> Counter:
    """How many times each rung of the referral's ladder fired, from the escalation rows."""
    db.session.rollback()
    rows = db.session.scalars(select(Escalation.step).filter_by(referral_id=referral_id))
    return Counter(rows)


def told_of(case_id: int, kind: str) -> Counter:
    """Usernames notified of `kind` about the case, with how many times."""
    return Counter(
        db.session.scalars(
            select(User.username)
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.case_id == case_id, Notification.kind == kind)
        )
    )


def refer(client, login, number: str, to: str = "health") -> int:
    """Police refer the case to a department; the referral's id."""
    login("police")
    data = {"service": "medical_care", "to_department": to}
    assert client.post(f"/cases/{number}/refer", data=data).status_code == 302
    db.session.commit()
    return db.session.scalar(select(Referral.id).order_by(Referral.id.desc()))


def test_four_workers_climb_a_referrals_ladder_once(open_case, login, client, run_workers):
    """Not accepted in time: the referring department's heads, then the joint office; the
    outcome deadline climbs the same two rungs; each rung once whatever the workers race."""
    case = open_case("Ladder Referral")
    referral_id = refer(client, login, case.number)
    hour = timedelta(hours=1).total_seconds()
    climbs = ((71, set()), (73, {1}), (145, {1, 2}), (24 * 31, {1, 2, 3}), (24 * 61, {1, 2, 3, 4}))
    for hours, fired in (*climbs, (24 * 90, {1, 2, 3, 4})):
        run_workers(hours * hour, count=4)
        assert referral_rungs(referral_id) == Counter(fired), f"after {hours} hours"

    kinds = Counter(
        (e.event_type, e.data["deadline"])
        for e in db.session.scalars(select(TimelineEvent).filter_by(case_id=case.id))
        if e.event_type in ("referral_overdue", "referral_escalated")
    )
    assert kinds == Counter(
        {
            ("referral_overdue", "acceptance"): 1,
            ("referral_escalated", "acceptance"): 1,
            ("referral_overdue", "outcome"): 1,
            ("referral_escalated", "outcome"): 1,
        }
    )
    assert told_of(case.id, "referral_overdue") == Counter({"police_head": 2})
    office = Counter({"joint_office": 2, "joint_office_head": 2})
    assert told_of(case.id, "referral_escalated") == office
    login("police", "en")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Referral not accepted in twice the time, the joint office told" in page


def test_an_accepted_referral_skips_the_acceptance_rungs(open_case, login, client, run_workers):
    """Accepted in time, only the outcome deadline can climb."""
    case = open_case()
    referral_id = refer(client, login, case.number)
    referral = db.session.get(Referral, referral_id)
    referrals.move(referral, ReferralStatus.ACCEPTED)
    db.session.commit()
    run_workers(timedelta(days=31).total_seconds(), count=2)
    assert referral_rungs(referral_id) == Counter({3: 1})


@pytest.fixture
def headless(users):
    """The police without an active head, for the length of the test."""
    head = users["police_head"]
    head.active = False
    db.session.commit()
    yield
    db.session.rollback()
    db.session.get(User, head.id).active = True
    db.session.commit()


def test_without_a_head_the_overdue_rung_tells_the_joint_office(
    headless, open_case, login, client, run_workers
):
    """A department with no head would tell nobody: its overdue task and referral go to the
    joint office instead."""
    case = open_case("Headless Ladder")
    task = db.session.scalars(engine.open_tasks(case)).one()
    period = (task.due_at - task.created_at).total_seconds()
    run_workers(period * 1.05, count=2)
    office = {"joint_office", "joint_office_head"}
    assert told(task.id, EventType.TASK_OVERDUE) == office
    assert not told(task.id, EventType.TASK_ESCALATED)
    # The link in its notification opens the case (it gave 403 until the rung after).
    assert login("joint_office").get(f"/cases/{case.number}").status_code == 200
    assert case.number in client.get("/cases/").get_data(as_text=True)

    other = open_case("Headless Referral")
    refer(client, login, other.number)
    run_workers(timedelta(hours=73).total_seconds(), count=2)
    assert set(told_of(other.id, "referral_overdue")) == office


@pytest.mark.parametrize("leaves", ["deactivated", "moved to health"])
def test_a_step_whose_claimer_left_goes_back_to_the_department(
    open_case, users, run_workers, colleague, leaves
):
    """The officer who claimed it left the service, or the department: the worker gives the
    step back, so a colleague can take it, and its reminder goes to those still there."""
    case = open_case("Claimed Then Left")
    task = db.session.scalars(engine.open_tasks(case)).one()
    engine.claim_task(task.id, colleague)
    if leaves == "deactivated":
        colleague.active = False
    else:
        (membership,) = colleague.memberships
        membership.department = db.session.scalar(select(Department).filter_by(code="health"))
    db.session.commit()
    period = (task.due_at - task.created_at).total_seconds()
    run_workers(period * 0.85, count=1)
    db.session.refresh(task)
    assert task.claimed_by_id is None
    assert "police_colleague" not in told(task.id, EventType.TASK_NEARLY_DUE)
    assert "police" in told(task.id, EventType.TASK_NEARLY_DUE)
    released = db.session.scalars(
        select(TimelineEvent).filter_by(task_id=task.id, event_type=EventType.TASK_RELEASED)
    ).all()
    assert len(released) == 1 and released[0].actor_id is None
    assert engine.claim_task(task.id, users["police"]).claimed_by_id == users["police"].id
