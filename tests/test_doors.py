"""Doors an attacker tries: a copied session cookie, a `next` that leaves the site, headers."""

import re
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from models import AuditEvent, TokenScope, db
from tests.conftest import FreshGlobalsClient, demo_code
from webapp.api.tokens import create_token

REDIRECT_CORPUS = [
    "//evil.example/x",
    "/\\evil.example/x",
    "/\t/evil.example/x",
    "/%09/evil.example/x",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%0d%0aSet-Cookie:x=1",
    "/%2f%2fevil.example",
    "/%2F%2Fevil.example",
    "%2f%2fevil.example",
    "/%5cevil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "/ /evil.example",
    "///evil.example",
    "evil.example",
    "/%E3%80%82/evil.example",
]


def _host_a_browser_would_visit(location: str) -> str:
    """The host after a browser's clean-up: tabs and newlines dropped, backslash as slash."""
    cleaned = re.sub(r"[\t\r\n]", "", unquote(location)).replace("\\", "/")
    return urlsplit(urljoin("http://localhost/login", cleaned)).hostname


def _copy_cookies(source: FlaskClient, app) -> FlaskClient:
    thief = FreshGlobalsClient(app, app.response_class)
    for cookie in source._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def test_copied_cookie_is_dead_after_logout(app, login):
    """A cookie copied while logged in opens nothing once its owner logged out."""
    client = login("police", "en")
    thief = _copy_cookies(client, app)
    assert thief.get("/").status_code == 200
    client.post("/logout")
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_admin_ends_every_session_of_an_account(app, login, users):
    """An admin's "end all sessions" kills a social worker's session, and is audited."""
    victim_session = login("health", "en")
    stolen = _copy_cookies(victim_session, app)
    _, secret = create_token(users["health"], "laptop script", TokenScope.READ)
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert stolen.get("/api/v1/inbox", headers=bearer).status_code == 200
    admin = FreshGlobalsClient(app, app.response_class)
    admin.post("/login", data={"username": "admin", "password": app.config["DEMO_PASSWORD"]})
    admin.post("/login/second-factor", data={"code": demo_code("admin")})
    page = admin.get("/admin/accounts")
    assert page.status_code == 200 and b"health" in page.data
    ended = admin.post(f"/admin/accounts/{users['health'].id}/end-sessions")
    assert ended.status_code == 302
    assert stolen.get("/").status_code == 302
    assert stolen.get("/api/v1/inbox", headers=bearer).status_code == 401  # its token too
    row = db.session.scalar(select(AuditEvent).filter_by(action="sessions_ended"))
    assert row.detail == {"account": "health", "tokens_revoked": 1}
    assert row.actor_id == users["admin"].id


def test_a_social_worker_may_not_end_sessions(login, users):
    """The accounts page and its buttons are the admin's only (403, nothing changes)."""
    client = login("police", "en")
    assert client.get("/admin/accounts").status_code == 403
    before = users["health"].session_version
    assert client.post(f"/admin/accounts/{users['health'].id}/end-sessions").status_code == 403
    db.session.expire_all()
    assert db.session.get(type(users["health"]), users["health"].id).session_version == before


@pytest.mark.parametrize("target", REDIRECT_CORPUS)
def test_next_never_leaves_the_site(client, target):
    """Every hostile `next` after login lands on this site, never a 500."""
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "police", "password": "homecoming-demo"},
    )
    assert response.status_code == 302
    assert _host_a_browser_would_visit(response.location) == "localhost"
    client.post("/logout")


def test_a_next_with_nul_is_a_bad_request_and_logs_nobody_in(client):
    """No page reads an address holding NUL (webapp/request_checks.py)."""
    response = client.post(
        "/login",
        query_string={"next": "/\x00/evil.example"},
        data={"username": "police", "password": "homecoming-demo"},
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still to the login page


def test_next_keeps_a_path_on_the_site(client):
    """A plain path with a query survives the login."""
    response = client.post(
        "/login",
        query_string={"next": "/cases/find?number=HC-2026-ABC234"},
        data={"username": "police", "password": "homecoming-demo"},
    )
    assert response.location == "/cases/find?number=HC-2026-ABC234"


def test_session_cookie_is_httponly_and_lax(client):
    """The session cookie is out of reach of scripts and of other sites' POSTs."""
    response = client.post("/login", data={"username": "police", "password": "homecoming-demo"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
