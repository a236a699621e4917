"""Saved views of the case list: name the filters, keep them, open and delete them; a view
is its owner's only."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from models import SavedView, User, db
from tests.conftest import demo_code
from webapp.config import TestConfig


def _save(client, name, **filters):
    return client.post("/cases/views", data={"view_name": name, **filters})


def _views(username="reviewer") -> list[SavedView]:
    """The user's committed views, read in a transaction ended at once (SQLite: the other
    app of the CSRF test writes next)."""
    db.session.rollback()
    user = db.session.scalar(select(User).filter_by(username=username))
    views = db.session.scalars(select(SavedView).filter_by(user_id=user.id)).all()
    db.session.expunge_all()
    db.session.rollback()
    return views


@pytest.mark.parametrize(
    ("locale", "saved", "heading"),
    [("en", "View saved", "My saved views"), ("zh", "视图已保存", "我保存的视图")],
)
def test_save_open_and_delete_a_view(open_case, login, client, locale, saved, heading):
    child, adult = open_case("Lin Xiaomei").number, open_case("Wang Fang", age=34).number
    login("reviewer", locale)
    response = _save(client, "children waiting over 30 days", age="child", sort="waiting")
    assert response.status_code == 302
    (view,) = _views()
    assert parse_qs(view.query) == {"age": ["child"], "sort": ["waiting"], "dir": ["asc"]}
    opened = client.get(response.location)
    assert opened.status_code == 302
    assert parse_qs(urlsplit(opened.location).query)["age"] == ["child"]
    html = client.get(opened.location).get_data(as_text=True)
    assert saved in html and heading in html and "children waiting over 30 days" in html
    assert child in html and adult not in html
    assert client.post(f"/cases/views/{view.id}/delete").status_code == 302
    assert _views() == []


def test_the_same_name_replaces_the_filters(login, client):
    login("reviewer", "en")
    _save(client, "mine", sex="female")
    _save(client, "mine", sex="male")
    (view,) = _views()
    assert "sex=male" in view.query


def test_hostile_names_are_escaped(login, client):
    login("reviewer", "en")
    name = '<img src=x onerror="alert(1)">'
    response = _save(client, name, age="child")
    html = client.get("/cases/").get_data(as_text=True)
    assert response.status_code == 302 and name not in html
    assert "&lt;img src=x onerror=" in html


@pytest.mark.parametrize(
    ("name", "filters", "message"),
    [
        ("", {}, "Name the view in 1 to 80 printable characters."),
        ("x" * 81, {}, "Name the view in 1 to 80 printable characters."),
        ("bad\x00name", {}, "Name the view in 1 to 80 printable characters."),
        ("ok", {"phase": "nowhere"}, "There is no such phase."),
    ],
)
def test_bad_views_are_a_clear_400(login, client, name, filters, message):
    login("reviewer", "en")
    response = _save(client, name, **filters)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _views() == []


def test_another_users_view_is_not_found(login, client):
    login("reviewer", "en")
    _save(client, "Reviewer only: girls", age="child")
    (view,) = _views()
    client.post("/logout")
    login("manager", "en")
    assert client.get(f"/cases/views/{view.id}").status_code == 404
    assert client.post(f"/cases/views/{view.id}/delete").status_code == 404
    assert "Reviewer only: girls" not in client.get("/cases/").get_data(as_text=True)
    assert len(_views()) == 1


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_saving_and_deleting_need_the_csrf_token(csrf_client):
    db.session.rollback()  # SQLite: let the other app's requests write
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    csrf_client.post(
        "/login",
        data={"username": "reviewer", "csrf_token": token, "password": TestConfig.DEMO_PASSWORD},
    )
    token = _token(csrf_client.get("/login/second-factor").get_data(as_text=True))
    csrf_client.post(
        "/login/second-factor", data={"code": demo_code("reviewer"), "csrf_token": token}
    )
    token = _token(csrf_client.get("/cases/").get_data(as_text=True))
    assert csrf_client.post("/cases/views", data={"view_name": "x"}).status_code == 400
    assert _views() == []
    data = {"view_name": "x", "csrf_token": token}
    assert csrf_client.post("/cases/views", data=data).status_code == 302
    (view,) = _views()
    assert csrf_client.post(f"/cases/views/{view.id}/delete").status_code == 400
    assert len(_views()) == 1
