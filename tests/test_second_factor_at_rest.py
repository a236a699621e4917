"""The second factor's secrets are encrypted at rest: a dump of the database cannot make codes."""

import pyotp
import pytest
from sqlalchemy import select, text

from models import User, db
from tests.conftest import FreshGlobalsClient
from tests.test_canary import _file_bytes, _pg_dump, _stored_files
from webapp.config import TestConfig

PASSWORD = TestConfig.DEMO_PASSWORD


def _stored_bytes(database_url: str) -> bytes:
    """Everything the database holds on disk (SQLite file, WAL, journal) or in a pg_dump."""
    if database_url.startswith("sqlite"):
        return b"".join(_file_bytes(path) for path in _stored_files(database_url))
    return _pg_dump(database_url)


@pytest.fixture
def enrolled_reviewer(app, login, users):
    """The reviewer enrols a fresh secret at its next login (after an admin's reset)."""
    login("admin").post(f"/admin/accounts/{users['reviewer'].id}/reset-second-factor")
    reviewer = FreshGlobalsClient(app, app.response_class)
    reviewer.post("/login", data={"username": "reviewer", "password": PASSWORD})
    reviewer.get("/login/second-factor/enrol")
    with reviewer.session_transaction() as session:
        secret = session["enrol_secret"]
    enrolled = reviewer.post("/login/second-factor/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert enrolled.status_code == 302 and reviewer.get("/cases/").status_code == 200
    db.session.commit()
    yield secret
    db.session.rollback()
    db.session.get(User, users["reviewer"].id).totp_secret = TestConfig.DEMO_TOTP_SECRET
    db.session.commit()


def test_the_secret_is_absent_from_the_stored_database(enrolled_reviewer, database_url):
    """Neither the enrolled secret nor the demo seed's is anywhere in the file or the dump."""
    db.session.rollback()  # nothing of ours open while another process reads the file
    stored = _stored_bytes(database_url)
    assert enrolled_reviewer.encode() not in stored
    assert TestConfig.DEMO_TOTP_SECRET.encode() not in stored
    raw = db.session.scalar(text("SELECT totp_secret FROM users WHERE username = 'reviewer'"))
    assert raw.startswith("hc1:")


def test_login_with_the_encrypted_secret_still_works(app, enrolled_reviewer, users):
    """After enrolment the reviewer logs in again with a code made from the secret."""
    db.session.execute(
        text("UPDATE users SET totp_last_step = NULL WHERE username = 'reviewer'")
    )  # the enrolment's code was this step's
    db.session.commit()
    client = FreshGlobalsClient(app, app.response_class)
    client.post("/login", data={"username": "reviewer", "password": PASSWORD})
    answer = client.post("/login/second-factor", data={"code": pyotp.TOTP(enrolled_reviewer).now()})
    assert answer.status_code == 302 and client.get("/cases/").status_code == 200


def test_a_secret_stored_before_encryption_is_encrypted_by_rotation(app, users, login):
    """An upgraded database keeps plaintext secrets: they still work, and `keys rotate`
    encrypts them."""
    db.session.execute(
        text("UPDATE users SET totp_secret = :secret WHERE username = 'manager'"),
        {"secret": TestConfig.DEMO_TOTP_SECRET},
    )
    db.session.commit()
    login("manager")  # a plaintext secret passes through decryption
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    raw = db.session.scalar(text("SELECT totp_secret FROM users WHERE username = 'manager'"))
    assert raw.startswith("hc1:") and TestConfig.DEMO_TOTP_SECRET not in raw
    assert db.session.scalar(select(User.totp_secret).filter_by(username="manager")) == (
        TestConfig.DEMO_TOTP_SECRET
    )
    login("manager")
