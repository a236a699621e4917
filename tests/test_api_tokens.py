"""API tokens on the user's own page: made, shown once, listed by prefix, revoked (audited)."""

import re

import pytest
from sqlalchemy import delete, select

from models import ApiToken, db


@pytest.fixture(autouse=True)
def no_tokens_left():
    """Tokens made by a test are removed after it."""
    yield
    db.session.rollback()
    db.session.execute(delete(ApiToken))
    db.session.commit()


def _me(client, secret):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})


def _make(client, name="laptop script", scope="casework"):
    response = client.post("/account/tokens", data={"name": name, "scope": scope})
    found = re.search(r"hc_[A-Za-z0-9_-]{20,}", response.get_data(as_text=True))
    return response, found.group(0) if found else None


def test_a_token_is_shown_once_then_only_by_prefix(login, audits):
    client = login("police", "en")
    response, secret = _make(client)
    assert response.status_code == 201 and secret
    page = client.get("/account").get_data(as_text=True)
    assert secret not in page
    assert secret[:11] + "…" in page and "laptop script" in page
    assert audits("api_token_created") == 1
    assert _me(client, secret).get_json()["scope"] == "casework"


def test_revoking_stops_the_token(login, audits):
    client = login("police")
    _, secret = _make(client)
    token = db.session.scalar(select(ApiToken))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert _me(client, secret).status_code == 401
    assert audits("api_token_revoked") == 1


def test_nobody_revokes_anothers_token(login, client):
    _, secret = _make(login("police"))
    token = db.session.scalar(select(ApiToken))
    client.post("/logout")
    assert login("health").post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert _me(client, secret).status_code == 200


@pytest.mark.parametrize(
    ("username", "scope"), [("police", "admin"), ("manager", "casework"), ("reviewer", "admin")]
)
def test_a_scope_the_account_may_not_give_is_refused(login, username, scope):
    response, secret = _make(login(username), scope=scope)
    assert response.status_code == 422 and secret is None
    assert db.session.scalar(select(ApiToken)) is None


@pytest.mark.parametrize("name", ["", "x" * 81, "bad\x00name"])
def test_a_bad_name_is_refused(login, name):
    response, secret = _make(login("police"), name=name)
    assert response.status_code in (400, 422) and secret is None


def test_the_page_needs_a_login(client):
    assert client.get("/account").status_code == 302


def test_the_page_in_chinese_and_english(login):
    client = login("police")
    assert "API 令牌" in client.get("/account").get_data(as_text=True)
    client.post("/locale", data={"locale": "en"})
    assert "API tokens" in client.get("/account").get_data(as_text=True)
