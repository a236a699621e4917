"""Police find a victim by name through the blind index; others cannot; every find is audited."""

from sqlalchemy import func, select, text

from forms.examples import EXAMPLES
from models import AuditEvent, Case, db
from workflows import engine


def _open(users, name):
    case = engine.open_case(EXAMPLES["case_open"], users["police"], name)
    db.session.commit()
    return case


def _finds(**filters) -> int:
    db.session.rollback()
    query = (
        select(func.count())
        .select_from(AuditEvent)
        .filter_by(action="case_found_by_name", **filters)
    )
    return db.session.scalar(query)


def test_police_find_a_victim_by_name_whatever_the_spacing_and_case(users, login, client):
    wanted = _open(users, "林 小梅")
    other = _open(users, "Chen Jie")
    login("police")
    for typed in ("林小梅", " 林 小梅 "):
        page = client.post("/cases/find", data={"name": typed})
        assert page.status_code == 200
        assert wanted.number in page.get_data(as_text=True)
        assert other.number not in page.get_data(as_text=True)
    page = client.post("/cases/find", data={"name": "CHEN  jie"})
    assert other.number in page.get_data(as_text=True)
    assert _finds(case_id=wanted.id, allowed=True) == 2


def test_the_database_holds_neither_the_name_nor_an_unkeyed_hash(users):
    case = _open(users, "Lin Xiaomei")
    row = db.session.execute(
        text("SELECT victim_name, victim_name_index FROM cases WHERE id = :id"), {"id": case.id}
    ).one()
    assert "Lin" not in row.victim_name and row.victim_name.startswith("hc1:")
    assert len(row.victim_name_index) == 64 and "Lin" not in row.victim_name_index
    again = _open(users, "Lin Xiaomei")
    stored = db.session.scalar(
        text("SELECT victim_name FROM cases WHERE id = :id"), {"id": again.id}
    )
    assert stored != row.victim_name  # a fresh nonce each time: equal names look different


def test_departments_that_may_not_read_names_cannot_search_by_one(users, login, client):
    case = _open(users, "Lin Xiaomei")
    login("health")
    page = client.post("/cases/find", data={"name": "Lin Xiaomei"})
    assert page.status_code == 404
    assert case.number not in page.get_data(as_text=True)
    assert _finds(allowed=False) == 1


def test_a_name_finds_only_cases_the_reader_may_see(users, login, client):
    case = _open(users, "Lin Xiaomei")  # only the police have worked on it so far
    login("civil_affairs")
    page = client.post("/cases/find", data={"name": "Lin Xiaomei"})
    assert page.status_code == 404 and case.number not in page.get_data(as_text=True)
    login("reviewer")
    page = client.post("/cases/find", data={"name": "Lin Xiaomei"})
    assert page.status_code == 200 and case.number in page.get_data(as_text=True)


def test_hostile_names_get_a_clear_400_and_change_nothing(users, login, client):
    _open(users, "Lin Xiaomei")
    login("police")
    for hostile in ("", "a" * 121, "Lin\x00Xiaomei", "Lin\r\nXiaomei"):
        assert client.post("/cases/find", data={"name": hostile}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    assert _finds() == 0


def test_name_search_speaks_chinese(users, login, client):
    _open(users, "Lin Xiaomei")
    login("police")
    page = client.post("/cases/find", data={"name": "Nobody"}).get_data(as_text=True)
    assert "没有" in page or "找不到" in page


def test_a_name_in_the_address_is_never_searched(open_case, login):
    """Proxies and browser histories keep addresses: the name is posted, never in one."""
    open_case("Lin Xiaomei")
    client = login("police", "en")
    page = client.get("/cases/find", query_string={"name": "Lin Xiaomei"})
    assert page.status_code == 400 and "Lin Xiaomei" not in page.get_data(as_text=True)
    assert "Search by name with the form below" in page.get_data(as_text=True)
    form = client.get("/cases/find").get_data(as_text=True)
    assert '<form method="post" action="/cases/find" role="search">' in form
