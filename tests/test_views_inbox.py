"""A department's inbox: what is listed, filters, claim state, overdue, pages."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import HumanTask, db
from workflows import engine


def _page(client, **query):
    response = client.get("/", query_string={"department": None, **query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_new_case_is_in_the_police_inbox_only(open_case, login, client):
    case = open_case()
    login("police")
    assert case.number in _page(client)
    client.post("/logout")
    login("health")
    assert case.number not in _page(client)


@pytest.mark.parametrize(
    ("locale", "column"), [("en", "<th>Reminder</th>"), ("zh", "<th>提醒时间</th>")]
)
def test_the_reminder_column_is_not_named_like_the_follow_up_visit(
    open_case, login, client, locale, column
):
    """Its heading shared the follow-up visit's title: every step seemed to have a visit."""
    open_case()
    page = _page(login("police", locale))
    assert column in page and "跟踪回访" not in page and "Follow up<" not in page


@pytest.mark.parametrize("username", ["manager", "reviewer", "admin"])
def test_oversight_accounts_have_no_inbox(open_case, username, login, client):
    case = open_case()
    login(username)
    home = client.get("/")
    assert home.status_code == 302 and home.location == "/cases/"
    page = client.get(home.location).get_data(as_text=True)
    assert "Claim" not in page and "认领" not in page
    assert (case.number in page) == (username != "admin")
    assert client.get("/", query_string={"department": "joint_office"}).status_code == 403


def test_another_departments_inbox_is_refused(login, client):
    login("health")
    assert client.get("/", query_string={"department": "police"}).status_code == 403


def test_filters_mine_unclaimed_overdue(open_case, users, login, client):
    first, second = open_case("A"), open_case("B")
    task = db.session.scalars(engine.open_tasks(first)).first()
    engine.claim_task(task.id, users["police"])
    other = db.session.scalars(engine.open_tasks(second)).first()
    other.due_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    login("police")
    mine, unclaimed = _page(client, filter="mine"), _page(client, filter="unclaimed")
    assert first.number in mine and second.number not in mine
    assert second.number in unclaimed and first.number not in unclaimed
    overdue = _page(client, due="overdue")
    assert second.number in overdue and first.number not in overdue
    assert 'class="overdue"' in overdue


def test_pages_of_twenty(open_case, login, client):
    numbers = [open_case(f"Victim {i}").number for i in range(23)]
    login("police")
    first, second = _page(client), _page(client, page=2)
    assert sum(n in first for n in numbers) == 20
    assert sum(n in second for n in numbers) == 3


def test_claimed_task_shows_who_has_it(open_case, users, login, client):
    case = open_case()
    task = db.session.scalar(select(HumanTask).filter_by(case_id=case.id))
    engine.claim_task(task.id, users["police"])
    db.session.commit()
    login("police")
    row = _page(client).split(f'data-task-id="{task.id}"')[1].split("</tr>")[0]
    assert "<td>公安厅</td>" in row  # the desk account reads as its department
    login("police", locale="en")
    row = _page(client).split(f'data-task-id="{task.id}"')[1].split("</tr>")[0]
    assert f"<td>{users['police'].display_name}</td>" in row


def _rows(page: str) -> list[str]:
    """Case numbers in the order the inbox lists them."""
    return re.findall(r'<tr class="[^"]*" data-task-id="\d+">\s*<td><a [^>]*>(HC-[^<]+)</a>', page)


def _tasks(open_case, count: int) -> list[HumanTask]:
    cases = [open_case(f"Sort {i}", age=30) for i in range(count)]
    return [db.session.scalars(engine.open_tasks(case)).one() for case in cases]


def test_sorted_by_priority_then_least_time_left(open_case, login, client):
    now = datetime.now(UTC)
    tasks = _tasks(open_case, 4)
    for task, (priority, due) in zip(
        tasks,
        [(50, now + timedelta(hours=1)), (90, now + timedelta(days=2)), (90, now), (50, None)],
        strict=True,
    ):
        task.priority, task.due_at = priority, due
    db.session.commit()
    login("police")
    order = [tasks[i].case.number for i in (2, 1, 0, 3)]
    assert _rows(_page(client)) == order


def test_filters_by_due_follow_up_and_priority(open_case, login, client):
    now = datetime.now(UTC)
    shanghai = ZoneInfo("Asia/Shanghai")
    tonight = datetime.combine(
        now.astimezone(shanghai).date() + timedelta(days=1), time(), shanghai
    )
    sunday_night = tonight + timedelta(days=6 - now.astimezone(shanghai).weekday())
    late, today, this_week, next_week = _tasks(open_case, 4)
    late.due_at, late.follow_up_at, late.priority = (
        now - timedelta(hours=1),
        now - timedelta(hours=2),
        80,
    )
    today.due_at = tonight - timedelta(minutes=1)
    this_week.due_at = sunday_night - timedelta(minutes=1)
    next_week.due_at = sunday_night + timedelta(hours=1)
    db.session.commit()
    login("police", locale="en")

    def listed(**query):
        return set(_rows(_page(client, **query)))

    number = {t: t.case.number for t in (late, today, this_week, next_week)}

    def due_before(moment):  # on a Sunday, this week ends tonight
        return {number[t] for t in number if t.due_at < moment}

    assert listed(due="overdue") == {number[late]}
    assert listed(due="today") == due_before(tonight) >= {number[late], number[today]}
    assert listed(due="week") == due_before(sunday_night) >= {number[this_week]}
    assert number[next_week] not in listed(due="week")
    assert listed(due="no-such", priority="x", follow_up="maybe") == set(number.values())
    assert listed(follow_up="1") == {number[late]}
    assert listed(priority="high") == {number[late]}
    page = _page(client, due="week")
    assert "Due this week" in page and "due=week" in page.split("Follow-up due")[0]
