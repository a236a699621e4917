"""The case list `/cases/`: who sees what, filters, sorting, pages, hostile arguments, audit,
and a fixed number of statements per page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, update

from models import Case, CaseStatus, HumanTask, TaskStatus, db
from webapp import case_list


def _listed(client, **query) -> list[str]:
    response = client.get("/cases/", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.findall(r">(HC-\d{4}-[A-Z0-9]{6})<", response.get_data(as_text=True))


def _age(case, days):
    """Move the case's ready tasks back in time: created `days` ago, due yesterday."""
    then = datetime.now(UTC) - timedelta(days=days)
    db.session.execute(
        update(HumanTask)
        .where(HumanTask.case_id == case.id, HumanTask.status == TaskStatus.READY)
        .values(created_at=then, due_at=datetime.now(UTC) - timedelta(days=1))
    )
    db.session.commit()


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_reviewer_lists_every_case_with_names(open_case, login, client, locale):
    lin, wang = open_case("Lin Xiaomei"), open_case("Wang Fang", steps=2, age=34, sex="male")
    login("reviewer", locale)
    html = client.get("/cases/").get_data(as_text=True)
    assert lin.number in html and wang.number in html
    assert "Lin Xiaomei" in html and "Wang Fang" in html
    words = {
        "en": ["Cases", "Held by", "Child", "Adult", "Female", "Yunnan", "Public Security"],
        "zh": ["案件", "办理部门", "儿童", "成人", "女", "云南", "公安"],
    }[locale]
    for word in words:
        assert word in html, word


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_departments_without_names_see_their_cases_only(open_case, login, client, locale):
    ours, theirs = open_case("Lin Xiaomei", steps=6), open_case("Wang Fang")
    login("health", locale)
    html = client.get("/cases/").get_data(as_text=True)
    assert ours.number in html and theirs.number not in html
    assert "Lin Xiaomei" not in html and "Wang Fang" not in html
    assert ">Name<" not in html and ">姓名<" not in html


def test_social_worker_of_the_opening_department_reads_names(open_case, login, client):
    open_case("Lin Xiaomei")
    login("police", "en")
    assert "Lin Xiaomei" in client.get("/cases/").get_data(as_text=True)


def test_filters(open_case, login, client):
    child = open_case("Lin Xiaomei")
    adult = open_case("Wang Fang", age=34, sex="male", origin_province="guizhou")
    abroad = open_case("Nguyen Thi", age=19, origin_country="VN", origin_province="")
    _age(child, 40)
    login("reviewer", "en")
    assert _listed(client, age="child") == [child.number]
    assert set(_listed(client, age="adult")) == {adult.number, abroad.number}
    assert _listed(client, sex="male") == [adult.number]
    assert _listed(client, origin="VN") == [abroad.number]
    assert _listed(client, origin="guizhou") == [adult.number]
    assert _listed(client, waiting="30") == [child.number]
    assert _listed(client, overdue="1") == [child.number]
    assert set(_listed(client, holder="police")) == {child.number, adult.number, abroad.number}
    assert _listed(client, holder="health") == []
    assert set(_listed(client, phase="rescue")) == {child.number, adult.number, abroad.number}
    assert _listed(client, phase="closed") == []
    db.session.execute(update(Case).where(Case.id == adult.id).values(status=CaseStatus.CLOSED))
    db.session.execute(
        update(Case)
        .where(Case.id == abroad.id)
        .values(opened_at=datetime(2026, 3, 10, 4, tzinfo=UTC))
    )
    db.session.commit()
    assert _listed(client, phase="closed") == [adult.number]
    assert _listed(client, **{"from": "2026-03-01", "to": "2026-03-31"}) == [abroad.number]
    assert set(_listed(client, **{"from": "2026-03-11"})) == {adult.number, child.number}
    assert _listed(client, age="child", waiting="30", overdue="1") == [child.number]


def test_sorting_by_each_column(open_case, login, client):
    cases = [open_case(name) for name in ("Lin Xiaomei", "Wang Fang", "Chen Jing")]
    _age(cases[1], 5)
    login("reviewer", "en")
    newest_first = [case.number for case in reversed(cases)]
    assert _listed(client) == newest_first
    assert _listed(client, sort="opened", dir="asc") == newest_first[::-1]
    numbers = sorted(case.number for case in cases)
    assert _listed(client, sort="number", dir="asc") == numbers
    assert _listed(client, sort="number", dir="desc") == numbers[::-1]
    assert _listed(client, sort="waiting", dir="asc")[0] == cases[1].number
    assert _listed(client, sort="overdue", dir="desc")[0] == cases[1].number
    for key in case_list.SORTS:
        assert sorted(_listed(client, sort=key)) == numbers, key


def test_pages(open_case, login, client, monkeypatch):
    monkeypatch.setattr(case_list, "PER_PAGE", 2)
    cases = [open_case(name) for name in ("Lin Xiaomei", "Wang Fang", "Chen Jing")]
    login("reviewer", "en")
    first, second = _listed(client), _listed(client, page="2")
    assert len(first) == 2 and len(second) == 1
    assert set(first + second) == {case.number for case in cases}
    html = client.get("/cases/", query_string={"page": "2", "age": "child"}).get_data(True)
    assert "Page 2 of 2" in html and "age=child" in html and "page=1" in html
    assert _listed(client, page="3") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"phase": "<script>alert(1)</script>"}, "There is no such phase."),
        ({"waiting": "-1"}, "Waiting is a number of days"),
        ({"waiting": "\uff11\uff12"}, "Waiting is a number of days"),
        ({"waiting": "99999999999999999999"}, "Waiting is a number of days"),
        ({"holder": "' OR 1=1 --"}, "There is no such department."),
        ({"overdue": "yes"}, "Overdue is 1 or left out."),
        ({"age": "old"}, "The age group is child or adult."),
        ({"sex": "x"}, "The sex is female or male."),
        ({"origin": "atlantis"}, "There is no such province or country of origin."),
        ({"from": "2026-13-01"}, "Enter the opening dates as YYYY-MM-DD."),
        ({"from": "20260301"}, "Enter the opening dates as YYYY-MM-DD."),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "The first opening date comes after"),
        ({"sort": "victim_name"}, "The list cannot be sorted that way."),
        ({"dir": "sideways"}, "The order is asc or desc."),
        ({"page": "0"}, "The page is a number from 1."),
        ({"page": "10001"}, "The page is a number from 1."),
    ],
)
def test_hostile_arguments_are_a_clear_400(login, client, query, message):
    login("reviewer", "en")
    response = client.get("/cases/", query_string=query)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert "<script>alert(1)</script>" not in html


def test_hostile_arguments_in_chinese(login, client):
    login("reviewer", "zh")
    response = client.get("/cases/", query_string={"sort": "x"})
    assert response.status_code == 400 and "无法按此方式排序" in response.get_data(True)


def test_each_listed_case_is_audited(open_case, login, client, audits, monkeypatch):
    monkeypatch.setattr(case_list, "PER_PAGE", 2)
    cases = [open_case(name) for name in ("Lin Xiaomei", "Wang Fang", "Chen Jing")]
    login("reviewer", "en")
    before = audits("case_listed")
    _listed(client)
    assert audits("case_listed") == before + 2
    _listed(client, page="2")
    assert audits("case_listed") == before + 3
    for case in cases:
        assert audits("case_listed", case_id=case.id) == 1


def _statements(client, **query) -> int:
    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        assert _listed(client, **query) is not None
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count


def test_statements_per_page_do_not_grow_with_the_cases(open_case, login, client):
    open_case("Lin Xiaomei", steps=2)
    login("reviewer", "en")
    _listed(client)  # warm caches (user, departments)
    few = _statements(client)
    for name in ("Wang Fang", "Chen Jing", "Zhao Min", "Sun Li", "Zhou Yan"):
        open_case(name, steps=3)
    many = _statements(client)
    assert many == few <= 10


def test_the_filter_form_sorts_too(open_case, login, client):
    """On a phone the column headings are hidden: the form's sort and order choose instead."""
    cases = [open_case(name).number for name in ("Lin Xiaomei", "Wang Fang")]
    login("reviewer", "zh")
    html = client.get("/cases/", query_string={"sort": "number", "dir": "asc"}).get_data(True)
    assert '<option value="number" selected>案件</option>' in html
    assert '<option value="asc" selected>升序</option>' in html
    assert _listed(client, sort="number", dir="asc") == sorted(cases)


def test_cases_opened_before_the_list_get_their_columns_from_the_cli(app, open_case, login, client):
    case = open_case("Nguyen Thi", age=19, sex="female", origin_country="VN", origin_province="")
    db.session.execute(
        update(Case).where(Case.id == case.id).values(age_group=None, sex=None, origin=None)
    )
    db.session.commit()
    login("reviewer", "en")
    assert _listed(client, age="adult") == []
    result = app.test_cli_runner().invoke(args=["cases", "fill-profiles"])
    assert result.exit_code == 0 and "filled 1 cases" in result.output
    assert _listed(client, age="adult", origin="VN", sex="female") == [case.number]


@pytest.mark.parametrize(
    ("username", "shown"), [("joint_office", True), ("police", False), ("reviewer", False)]
)
def test_the_joint_office_is_told_which_cases_it_sees(login, username, shown):
    page = login(username, "en").get("/cases/").get_data(as_text=True)
    assert ("The joint office sees the cases whose steps were escalated to it" in page) is shown
