"""Opening a case: police only, the victim's name kept apart, errors in place, CSRF."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forms.base import as_formdata
from forms.examples import EXAMPLES
from forms.fields import china_today
from models import AuditEvent, Case, TimelineEvent, db
from webapp import create_app
from webapp.config import TestConfig

OTHERS = [
    "civil_affairs",
    "health",
    "justice",
    "education",
    "hr_social_security",
    "womens_federation",
    "disabled_persons_federation",
    "joint_office",
    "manager",
    "reviewer",
    "admin",
]


def _posted(name: str | None = "Lin Xiaomei", **changes) -> dict:
    """The intake form as a browser posts it (a change to None leaves that field out)."""
    answers = {**EXAMPLES["case_open"], "victim_name": name, **changes}
    return as_formdata({k: v for k, v in answers.items() if v is not None}).to_dict(flat=False)


def _field(html: str, name: str) -> str:
    """The rendered field (label, widget, errors) whose input is called `name`."""
    found = [chunk for chunk in html.split('<div class="field')[1:] if f'name="{name}"' in chunk]
    assert len(found) == 1, name
    return found[0]


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def test_anonymous_users_are_sent_to_log_in(client):
    for response in (client.get("/cases/new"), client.post("/cases/new", data=_posted())):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    assert _cases() == 0


def test_the_police_get_the_form(log_in):
    html = log_in("police").get("/cases/new").get_data(as_text=True)
    assert "Record a rescued victim or a missing-child report" in html
    assert html.index('name="victim_name"') < html.index('name="report_type"')
    assert "Only the police and civil affairs see it" in html
    assert 'action="/cases/new"' in html


@pytest.mark.parametrize("username", OTHERS)
def test_only_the_police_open_cases(username, log_in):
    client = log_in(username)
    assert client.get("/cases/new").status_code == 403
    assert client.post("/cases/new", data=_posted()).status_code == 403
    assert _cases() == 0
    refused = db.session.scalar(
        select(func.count()).select_from(AuditEvent).filter_by(action="case_opened", allowed=False)
    )
    assert refused == 2


def test_a_case_is_opened_and_lands_in_the_police_inbox(log_in):
    client = log_in("police")
    response = client.post("/cases/new", data=_posted())
    case = db.session.scalar(select(Case))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.number}"
    with client.session_transaction() as session:
        ((category, message),) = session.pop("_flashes")
    assert category == "success" and message.startswith(f"Case {case.number} opened.")
    assert case.victim_name == "Lin Xiaomei"
    opened = db.session.scalar(
        select(TimelineEvent).filter_by(case_id=case.id, event_type="case_opened")
    )
    assert "victim_name" not in opened.data["data"]
    assert "Lin Xiaomei" not in str(opened.data)
    assert db.session.scalar(select(AuditEvent).filter_by(action="case_opened")).case_id == case.id
    assert case.number in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("name", ["", "   ", "Lin Xiaomei"])
def test_invalid_answers_are_shown_next_to_their_fields_and_nothing_is_saved(name, log_in):
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    data = _posted(
        name, age=200, report_date=tomorrow, disability=None, intake_notes="Typed, keep me."
    )
    response = log_in("police").post("/cases/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was saved: please correct the answers marked below." in html
    assert "Age must be between 0 and 120." in _field(html, "age")
    assert 'value="200"' in _field(html, "age")
    assert "This date cannot be in the future." in _field(html, "report_date")
    assert f'value="{tomorrow}"' in _field(html, "report_date")
    assert "Please answer yes or no." in _field(html, "disability")
    assert "Typed, keep me." in _field(html, "intake_notes")
    assert 'value="FJ-PT-2024-0117"' in _field(html, "police_file_number")
    assert re.search(r'<input checked[^>]* value="yes"', _field(html, "interpreter_needed"))
    name_field = _field(html, "victim_name")
    assert ("This field is required." in name_field) == (not name.strip())
    assert _cases() == 0


def test_a_missing_name_alone_is_refused(log_in):
    response = log_in("police").post("/cases/new", data=_posted(None))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This field is required." in _field(html, "victim_name")
    assert html.count('class="errors"') == 1
    assert _cases() == 0


def test_a_post_without_a_csrf_token_opens_nothing(database_url):
    config = type(
        "CsrfConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True},
    )
    app = create_app(config)
    db.session.commit()  # the second app writes: hold no SQLite transaction meanwhile
    try:
        client = app.test_client()
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
        client.post(
            "/login",
            data={"username": "police", "csrf_token": token, "password": TestConfig.DEMO_PASSWORD},
        )
        assert client.post("/cases/new", data=_posted()).status_code == 400
        assert _cases() == 0
        db.session.commit()
        token = re.search(
            r'name="csrf_token" value="([^"]+)"', client.get("/cases/new").get_data(as_text=True)
        )[1]
        response = client.post("/cases/new", data={**_posted(), "csrf_token": token})
        assert response.status_code == 302
        assert _cases() == 1
    finally:
        with app.app_context():
            db.engine.dispose()
