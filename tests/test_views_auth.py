"""Logging in and out, idle expiry, CSRF, language choice."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import User, db
from webapp.config import TestConfig


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("username,password", [("police", "wrong"), ("nobody", "wrong")])
def test_wrong_password_and_unknown_user_get_the_same_answer(client, username, password):
    response = client.post(
        "/login",
        data={"username": username, "password": password},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "Unknown username or wrong password." in response.get_data(as_text=True)


def test_login_then_logout(login, client):
    login("police")
    assert client.get("/").status_code == 200
    assert client.get("/logout").status_code == 405  # logging out takes a POST (CSRF)
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_login_follows_only_local_next_paths(client):
    data = {"username": "police", "password": TestConfig.DEMO_PASSWORD}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


def test_a_session_expires_when_idle(app, login, client, monkeypatch):
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=1))
    login("police")
    assert client.get("/").status_code == 200
    time.sleep(1.5)
    assert client.get("/").status_code == 302


def test_a_post_without_csrf_token_is_refused(csrf_client):
    response = csrf_client.post(
        "/login", data={"username": "police", "password": TestConfig.DEMO_PASSWORD}
    )
    assert response.status_code == 400
    assert "police" not in response.get_data(as_text=True)


def test_the_chosen_language_is_used_and_remembered(login, client):
    login("police")
    client.post("/locale", data={"locale": "en"})
    assert ">Inbox" in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(User.locale).filter_by(username="police")) == "en"
    client.post("/locale", data={"locale": "zh"})
    page = client.get("/").get_data(as_text=True)
    assert ">待办" in page and 'lang="zh-Hans"' in page
    client.post("/locale", data={"locale": "fr"})  # unknown: ignored
    assert db.session.scalar(select(User.locale).filter_by(username="police")) == "zh"


def test_error_pages_say_what_happened_without_details(login, client):
    login("police")
    client.post("/locale", data={"locale": "en"})
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)
