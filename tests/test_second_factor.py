"""Oversight accounts pass a TOTP second factor; production refuses to start without secrets."""

import os
import subprocess
import sys

import pyotp
import pytest
from sqlalchemy import select

from models import AuditEvent, User, db
from tests.conftest import ROOT, FreshGlobalsClient, demo_code
from webapp.config import TEST_DATA_KEY, TestConfig

PASSWORD = TestConfig.DEMO_PASSWORD


def _password(client, username):
    return client.post("/login", data={"username": username, "password": PASSWORD})


@pytest.mark.parametrize("username", ["manager", "reviewer", "admin"])
def test_oversight_password_alone_opens_nothing(client, username):
    """After the password an oversight account is asked for a code, and is not logged in."""
    response = _password(client, username)
    assert response.location == "/login/second-factor"
    assert client.get("/").location.startswith("/login?next=")  # not the case list
    page = client.get("/login/second-factor")
    assert page.status_code == 200 and "身份验证器应用中的验证码" in page.get_data(as_text=True)


def test_a_wrong_code_is_refused_and_the_right_one_logs_in(client):
    """A wrong code: 401 with a clear error (en and zh); the current code: the case list."""
    _password(client, "manager")
    wrong = client.post("/login/second-factor", data={"code": "000000"})
    assert "验证码错误或已过期" in wrong.get_data(as_text=True)
    client.post("/locale", data={"locale": "en"})
    wrong = client.post("/login/second-factor", data={"code": "000000"})
    assert wrong.status_code == 401 and "wrong or has expired" in wrong.get_data(as_text=True)
    assert client.get("/").location.startswith("/login?next=")
    right = client.post("/login/second-factor", data={"code": demo_code("manager")})
    assert right.status_code == 302 and client.get(right.location).location == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_a_short_code_and_an_empty_log_in_are_refused_in_the_pages_language(client):
    """The page asks for six digits in Chinese: WTForms' own messages follow it (they were
    English), and a phone offers its number keys for the code."""
    empty = client.post("/login", data={"username": "", "password": ""})
    assert "该字段是必填字段。" in empty.get_data(as_text=True)  # "This field is required."
    _password(client, "manager")
    page = client.get("/login/second-factor").get_data(as_text=True)
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    short = client.post("/login/second-factor", data={"code": "12345"}).get_data(as_text=True)
    assert "字段长度必须介于 6 到 8 个字符之间" in short and "Field must be" not in short


def test_the_code_page_without_a_password_is_a_400(client):
    """Nobody reaches the second factor without the password."""
    assert client.post("/login/second-factor", data={"code": demo_code()}).status_code == 400


def test_social_workers_need_no_second_factor(client):
    """A department's social worker logs in with the password only."""
    assert _password(client, "police").location == "/"


def test_admin_reset_makes_the_account_enrol_again(app, login, users):
    """Recovery: the admin resets; the reviewer enrols a new secret shown as QR (SVG) and text."""
    admin = login("admin")
    reset = admin.post(f"/admin/accounts/{users['reviewer'].id}/reset-second-factor")
    assert reset.status_code == 302
    assert db.session.scalar(select(AuditEvent).filter_by(action="second_factor_reset"))
    reviewer = FreshGlobalsClient(app, app.response_class)
    assert _password(reviewer, "reviewer").location == "/login/second-factor/enrol"
    page = reviewer.get("/login/second-factor/enrol").get_data(as_text=True)
    assert "<svg" in page  # drawn here: no image service ever sees the secret
    with reviewer.session_transaction() as session:
        secret = session["enrol_secret"]
    assert secret in page
    done = reviewer.post("/login/second-factor/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and reviewer.get("/cases/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, users["reviewer"].id).totp_secret == secret
    users["reviewer"].totp_secret = TestConfig.DEMO_TOTP_SECRET
    db.session.commit()


@pytest.mark.parametrize("missing", ["SECRET_KEY", "HOMECOMING_DATA_KEY"])
def test_production_refuses_to_start_without_its_secrets(worker_env, missing):
    """`HOMECOMING_ENV=production` without a secret: exit 1 with a message naming it."""
    env = {
        **worker_env,
        "HOMECOMING_ENV": "production",
        "SECRET_KEY": "k" * 64,
        "HOMECOMING_DATA_KEY": TEST_DATA_KEY,
    }
    env.pop(missing)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "prod", "serve", "--workers", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"without {missing}" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_keeps_cookies_on_https(worker_env):
    """Production sets the session cookie Secure (and HttpOnly, SameSite=Lax)."""
    env = {
        **worker_env,
        "HOMECOMING_ENV": "production",
        "SECRET_KEY": "k" * 64,
        "HOMECOMING_DATA_KEY": TEST_DATA_KEY,
    }
    code = (
        "from webapp import create_app; c = create_app().config; "
        "print(c['SESSION_COOKIE_SECURE'], c['SESSION_COOKIE_HTTPONLY'], "
        "c['SESSION_COOKIE_SAMESITE'], c['SECRET_KEY'] == 'k' * 64)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "Lax", "True"]
    assert os.environ.get("HOMECOMING_ENV") != "production"
