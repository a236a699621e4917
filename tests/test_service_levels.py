"""The managers' service-level table: a child's steps due sooner and ranked higher, new tasks
only, every change audited with old and new; bad input and other roles refused."""

import pytest
from sqlalchemy import delete, select

from models import AuditEvent, ServiceLevel, db
from workflows import engine

STEP = "rescue_identification"  # the first step of the example intake


@pytest.fixture(autouse=True)
def empty_table():
    """No row before or after each test."""
    yield
    db.session.rollback()
    db.session.execute(delete(ServiceLevel))
    db.session.commit()


def _first_task(open_case, age):
    case = open_case(f"Age {age}", age=age)
    return db.session.scalars(engine.open_tasks(case)).one()


def _set(client, **form):
    return client.post("/service-levels/", data={"form_key": STEP, "profile": "child", **form})


def test_a_childs_step_is_due_sooner_and_ranks_higher_for_new_tasks(open_case, login, client):
    before = _first_task(open_case, 9)
    period = before.due_at - before.created_at
    login("manager", locale="en")
    response = _set(client, due_period="PT12H", priority="95")
    assert response.status_code == 302
    child, adult = _first_task(open_case, 9), _first_task(open_case, 30)
    assert (child.due_at - child.created_at).total_seconds() == 12 * 3600
    assert child.priority == 95
    assert (adult.due_at - adult.created_at, adult.priority) == (period, 50)
    db.session.refresh(before)
    assert (before.due_at - before.created_at, before.priority) == (period, 70), "old tasks keep"
    page = client.get("/service-levels/").get_data(as_text=True)
    assert 'value="PT12H"' in page and "Service levels" in page


def test_every_change_is_audited_with_old_and_new(login, client, users):
    login("manager")
    _set(client, due_period="P1D", priority="80")
    _set(client, due_period="PT6H", priority="90")
    _set(client, clear="1")
    db.session.rollback()
    details = [
        (row.actor_id, row.detail["old"], row.detail["new"])
        for row in db.session.scalars(
            select(AuditEvent).filter_by(action="service_level_changed").order_by(AuditEvent.id)
        )
    ]
    manager = users["manager"].id
    assert details == [
        (manager, None, {"due_period": "P1D", "priority": 80}),
        (manager, {"due_period": "P1D", "priority": 80}, {"due_period": "PT6H", "priority": 90}),
        (manager, {"due_period": "PT6H", "priority": 90}, None),
    ]
    assert db.session.scalars(select(ServiceLevel)).all() == []


@pytest.mark.parametrize(
    "form",
    [
        {"due_period": "P3X", "priority": "50"},
        {"due_period": "PT0S", "priority": "50"},
        {"due_period": "P1000D", "priority": "50"},
        {"due_period": "'; drop table cases; --", "priority": "50"},
        {"due_period": "P1D", "priority": "101"},
        {"due_period": "P1D", "priority": "-1"},
        {"due_period": "P1D", "priority": "high"},
        {"due_period": "P1D", "priority": "50", "form_key": "no_such_form"},
        {"due_period": "P1D", "priority": "50", "profile": "elderly"},
    ],
)
def test_bad_rows_are_refused_with_a_clear_400(login, client, form):
    login("manager", locale="zh")
    response = _set(client, **form)
    assert response.status_code == 400
    assert "未修改" in response.get_data(as_text=True)
    assert db.session.scalars(select(ServiceLevel)).all() == []


@pytest.mark.parametrize("username", ["police", "police_head", "reviewer"])
def test_only_managers_see_or_change_the_table(login, client, audits, username):
    login(username)
    assert client.get("/service-levels/").status_code == 403
    assert _set(client, due_period="P1D", priority="50").status_code == 403
    assert db.session.scalars(select(ServiceLevel)).all() == []
    assert audits("service_levels_refused") == 2
