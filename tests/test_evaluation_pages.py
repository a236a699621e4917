"""The evaluation pages: who reads them, what they count, what reviewers and prints see."""

import pytest
from sqlalchemy import select

from models import AuditEvent, db
from workflows import engine


@pytest.fixture
def cases(open_case, users):
    """Three children and an adult (one closed early): small counts everywhere."""
    open_case("Lin Xiaomei", steps=2)
    open_case("Chen Hua", steps=1, age=9, sex="male")
    open_case("Wang Fang", age=15)
    case = open_case("Nguyen Thi Lan", age=24, origin_country="VN", origin_province="")
    engine.close_case(case, users["joint_office"], "victim moved abroad")
    db.session.commit()


PAGES = ("victims", "pathway", "measures", "departments")


@pytest.mark.parametrize("page", PAGES)
def test_the_joint_office_reads_every_page_in_both_languages(cases, login, audits, page):
    client = login("joint_office", locale="en")
    response = client.get(f"/evaluation/{page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "data-chart=" in html and '<table class="figures"' in html
    assert audits("evaluation_viewed", allowed=True) == 1
    client.post("/locale", data={"locale": "zh"})
    assert "评估" in client.get(f"/evaluation/{page}").get_data(as_text=True)


def test_the_audit_row_keeps_the_filters_and_nothing_else_of_the_address(cases, login):
    """Query parameters named like the audit row's own columns (page, user, case, action,
    allowed) used to give 500; anything else was kept in the row as typed."""
    client = login("joint_office", locale="en")
    query = "page=2&user=x&case=x&action=x&allowed=no&note=Lin+Xiaomei&region=350102&grain=year"
    assert client.get(f"/evaluation/victims?{query}").status_code == 200
    db.session.rollback()
    row = db.session.scalars(
        select(AuditEvent).filter_by(action="evaluation_viewed").order_by(AuditEvent.id.desc())
    ).first()
    assert row.detail == {"page": "victims", "region": "350102", "grain": "year"}


def test_victims_page_counts_small_numbers_for_the_office_and_hides_them_from_reviewers(
    cases, login
):
    office = login("joint_office", locale="en").get("/evaluation/victims").get_data(as_text=True)
    female = '<th scope="row">Female</th><td>'
    # Three women and girls on screen; a print of the same page shows "<11".
    assert (
        f'{female}<span class="screen-only">3</span><span class="print-only">&lt;11</span>'
        in office
    )
    reviewer = login("reviewer", locale="en").get("/evaluation/victims").get_data(as_text=True)
    assert f"{female}&lt;11</td>" in reviewer
    assert 'class="screen-only"' not in reviewer


def test_a_social_worker_is_refused_with_an_audit_row(cases, login, audits):
    client = login("health")
    assert client.get("/evaluation/victims").status_code == 403
    assert client.get("/evaluation/departments").status_code == 403
    assert audits("evaluation_refused", allowed=False) == 2


def test_a_department_head_sees_only_its_own_row(cases, login, audits):
    client = login("police_head", locale="en")
    html = client.get("/evaluation/departments").get_data(as_text=True)
    assert "Public Security" in html
    assert "Civil Affairs" not in html
    assert client.get("/evaluation/departments?department=civil_affairs").status_code == 403
    assert client.get("/evaluation/victims").status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-13",
        "start=yesterday",
        "region=nowhere",
        "grain=week",
        "department=army",
        "start=2026-05&end=2026-01",
    ],
)
def test_hostile_filters_get_a_400(cases, login, query):
    assert login("joint_office").get(f"/evaluation/victims?{query}").status_code == 400


def test_filters_by_period_and_region(cases, login):
    client = login("joint_office", locale="en")
    html = client.get("/evaluation/victims?start=2020-01&end=2020-12").get_data(as_text=True)
    assert "Female" not in html
    assert "Nothing to count in this period." in html
    html = client.get("/evaluation/victims?region=350322&grain=year").get_data(as_text=True)
    assert '<th scope="row">2026</th>' in html
