"""A home for each role: social workers their inbox and the cases of their department,
oversight and the joint office the case list; the header leads to both."""

import re

import pytest
from sqlalchemy import update

from models import Case, CaseStatus, db


def _numbers(html: str) -> set[str]:
    return set(re.findall(r">(HC-\d{4}-[A-Z0-9]{6})<", html))


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["My tasks", "Our open cases", "Waiting on others", "Closed"]),
        ("zh", ["我的任务", "本部门办理中的案件", "等待其他部门", "已结案"]),
    ],
)
def test_social_workers_land_on_their_inbox_with_their_departments_cases(
    open_case, login, client, locale, words
):
    open_case()
    login("police", locale)
    html = client.get("/").get_data(as_text=True)
    assert 'data-task-id="' in html
    for word in words:
        assert word in html, word


@pytest.mark.parametrize("username", ["reviewer", "manager", "joint_office", "admin"])
def test_oversight_and_the_joint_office_land_on_the_case_list(login, client, username):
    login(username, "en")
    home = client.get("/")
    assert home.status_code == 302 and home.location == "/cases/"
    html = client.get("/cases/").get_data(as_text=True)
    assert "<h1>Cases</h1>" in html
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'href="/cases/"' in nav
    assert ("Inbox" in nav) == (username == "joint_office")


def test_the_joint_office_still_opens_its_inbox(login, client):
    login("joint_office", "zh")
    response = client.get("/", query_string={"department": "joint_office"})
    assert response.status_code == 200 and "待办" in response.get_data(as_text=True)


def test_cases_of_my_department_open_waiting_closed(open_case, login, client):
    ours = open_case("Lin Xiaomei").number  # the police's first step is ready
    elsewhere = open_case("Wang Fang", steps=6)  # held by other departments now
    closed = open_case("Chen Jing")
    db.session.execute(update(Case).where(Case.id == closed.id).values(status=CaseStatus.CLOSED))
    db.session.commit()
    elsewhere, closed = elsewhere.number, closed.number
    login("police", "en")

    def tab(which):
        return _numbers(client.get("/cases/", query_string={"ours": which}).get_data(True))

    assert ours in tab("open") and elsewhere not in tab("open")
    assert elsewhere in tab("waiting") and ours not in tab("waiting")
    assert tab("closed") == {closed}
    assert client.get("/cases/", query_string={"ours": "mine"}).status_code == 400
