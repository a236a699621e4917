"""A department's inbox: what is listed, filters, claim state, overdue, pages."""

from datetime import UTC, datetime, timedelta

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


@pytest.mark.parametrize("username", ["manager", "reviewer", "admin"])
def test_oversight_accounts_have_no_inbox(open_case, username, login, client):
    case = open_case()
    login(username)
    page = _page(client)
    assert case.number not in page and "Claim" not in page and "认领" not in page
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
    assert users["police"].display_name in row
