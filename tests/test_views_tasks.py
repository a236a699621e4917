"""A task's page: who may open it, what it shows, completing, conflicts, claim and release, CSRF."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import delete, func, select

from forms.base import as_formdata
from forms.examples import EXAMPLES
from forms.fields import china_today
from models import (
    AuditEvent,
    Case,
    Department,
    HumanTask,
    Membership,
    ProcessInstance,
    Role,
    TaskStatus,
    TimelineEvent,
    User,
    db,
)
from webapp import demo
from webapp.config import TestConfig
from workflows import engine

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = [
    "police",
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
CASE_TABLES = (AuditEvent, TimelineEvent, HumanTask, ProcessInstance, Case)
ALREADY_DONE = "This step was already completed by someone else."
NOT_SAVED = "Nothing you typed was saved; it is still below so that you can copy it."


@pytest.fixture
def colleague(users):
    """A second police social worker who can log in; removed after the test with its cases."""
    police = db.session.scalar(select(Department).filter_by(code="police"))
    user = User(
        username="police_colleague",
        display_name="Officer Zhang",
        password_hash=users["police"].password_hash,
    )
    user.memberships.append(Membership(department=police, role=Role.SOCIAL_WORKER))
    db.session.add(user)
    db.session.commit()
    yield user
    db.session.rollback()
    for model in CASE_TABLES:
        db.session.execute(delete(model))
    db.session.delete(user)
    db.session.commit()


def _open(users, steps: int = 0) -> Case:
    """A committed case whose first `steps` tasks are done with the example answers."""
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    demo.advance_case(case, users, steps)
    db.session.commit()
    return case


def _ready(case: Case) -> HumanTask:
    return db.session.scalars(engine.open_tasks(case)).first()


def _answers(form_key: str, **changes) -> dict:
    """Form data as a browser posts it: the example answer with `changes` (None: not sent)."""
    data = as_formdata(
        {k: v for k, v in {**EXAMPLES[form_key], **changes}.items() if v is not None}
    )
    return data.to_dict(flat=False)


def _field(html: str, name: str) -> str:
    """The rendered field (label, widget, errors) whose input is called `name`."""
    chunks = html.split('<div class="field')
    found = [chunk for chunk in chunks[1:] if f'name="{name}"' in chunk]
    assert len(found) == 1, name
    return found[0]


def _completions(case: Case) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(TimelineEvent)
        .filter_by(case_id=case.id, event_type="task_completed")
    )


def _flashes(client) -> list[str]:
    """The flash messages waiting for the next page (taken, as that page would)."""
    with client.session_transaction() as session:
        return [message for _, message in session.pop("_flashes", [])]


def _audits(action: str, allowed=True) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).filter_by(action=action, allowed=allowed)
    )


def test_anonymous_users_are_sent_to_log_in(users, client):
    task = _ready(_open(users))
    for method, path in [
        ("get", f"/tasks/{task.id}"),
        ("post", f"/tasks/{task.id}"),
        ("post", f"/tasks/{task.id}/claim"),
        ("post", f"/tasks/{task.id}/release"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("username", ACCOUNTS)
def test_only_the_tasks_department_may_open_it(username, users, log_in):
    police_task = _ready(_open(users))
    civil_task = _ready(_open(users, steps=2))
    assert (police_task.department.code, civil_task.department.code) == ("police", "civil_affairs")
    client = log_in(username)
    expected = {"police": (200, 403), "civil_affairs": (403, 200)}.get(username, (403, 403))
    got = tuple(client.get(f"/tasks/{task.id}").status_code for task in (police_task, civil_task))
    assert got == expected
    assert client.get("/tasks/999999").status_code == 404
    assert _audits("task_viewed") == expected.count(200)
    assert _audits("task_viewed", allowed=False) == expected.count(403)


@pytest.mark.parametrize("username", ["health", "civil_affairs", "manager", "reviewer", "admin"])
def test_other_accounts_cannot_complete_claim_or_release(username, users, log_in):
    case = _open(users)
    task = _ready(case)
    client = log_in(username)
    data = _answers(task.form_key)
    assert client.post(f"/tasks/{task.id}", data=data).status_code == 403
    assert client.post(f"/tasks/{task.id}/claim").status_code == 403
    assert client.post(f"/tasks/{task.id}/release").status_code == 403
    db.session.refresh(task)
    assert (task.status, task.claimed_by_id, _completions(case)) == (TaskStatus.READY, None, 0)
    assert _audits("task_completed", allowed=False) == 1
    assert client.post("/tasks/999999", data=data).status_code == 404


def test_oversight_accounts_do_no_casework_even_in_the_joint_office(users):
    assert users["joint_office"].department_codes() == {"joint_office"}
    for username in ("manager", "reviewer", "admin"):
        assert users[username].department_codes() == set()


def test_the_page_shows_the_purpose_what_the_case_holds_and_the_form(users, log_in):
    case = _open(users, steps=2)
    task = _ready(case)
    html = log_in("civil_affairs").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Give temporary shelter" in html and "ask whether they want to go home" in html
    assert case.number in html and "Lin Xiaomei" in html  # civil affairs may read the name
    steps = re.findall(r'data-form-key="(\w+)"', html)
    assert steps == ["case_open", "rescue_identification", "rescue_family_tracing"]
    assert "Xianyou County, Putian" in html and "Household register" in html
    assert "Estimated age" in html and "<dd>14</dd>" in html and "<dd>Yes</dd>" in html
    # Free-text notes stay with the department that wrote them.
    assert EXAMPLES["case_open"]["intake_notes"] not in html
    assert EXAMPLES["rescue_identification"]["identification_notes"] not in html
    assert f'<form method="post" action="/tasks/{task.id}"' in html
    assert 'name="admission_date"' in html and 'name="shelter_type"' in html


def test_a_department_reads_only_the_steps_it_needs(users, log_in):
    case = _open(users)
    demo.advance_case(case, users, 20, stop_at="care_medical")
    db.session.commit()
    task = db.session.scalar(select(HumanTask).filter_by(case_id=case.id, form_key="care_medical"))
    html = log_in("health").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert re.findall(r'data-form-key="(\w+)"', html) == [
        "case_open",
        "aid_shelter",
        "aid_special_file",
    ]
    assert "Lin Xiaomei" not in html
    assert EXAMPLES["rescue_identification"]["identification_notes"] not in html


def test_the_own_departments_notes_are_shown(users, log_in):
    case = _open(users, steps=1)
    html = log_in("police").get(f"/tasks/{_ready(case).id}").get_data(as_text=True)
    assert EXAMPLES["case_open"]["intake_notes"] in html
    assert EXAMPLES["rescue_identification"]["identification_notes"] in html


def test_invalid_answers_are_shown_next_to_their_fields_and_nothing_is_saved(users, log_in):
    case = _open(users)
    task = _ready(case)
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    data = _answers(
        "rescue_identification",
        age=200,
        identification_date=tomorrow,
        identity_established=None,
        identification_notes="Typed, keep me.",
    )
    response = log_in("police").post(f"/tasks/{task.id}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Age must be between 0 and 120." in _field(html, "age")
    assert 'value="200"' in _field(html, "age")
    assert "This date cannot be in the future." in _field(html, "identification_date")
    assert f'value="{tomorrow}"' in _field(html, "identification_date")
    assert "Please answer yes or no." in _field(html, "identity_established")
    assert "Typed, keep me." in _field(html, "identification_notes")
    assert re.search(r'<input checked[^>]* value="yes"', _field(html, "trafficking_confirmed"))
    assert "Age must be" not in _field(html, "identification_date")
    db.session.refresh(task)
    assert task.status == TaskStatus.READY and _completions(case) == 0


def test_a_completed_step_hands_the_case_to_the_next_department(users, log_in):
    case = _open(users, steps=1)
    task = _ready(case)
    assert task.form_key == "rescue_family_tracing"
    client = log_in("police")
    response = client.post(f"/tasks/{task.id}", data=_answers(task.form_key))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _flashes(client) == [f"Step completed: Trace the family (case {case.number})."]
    db.session.refresh(task)
    assert task.status == TaskStatus.COMPLETED and task.completed_by_id == users["police"].id
    assert _audits("task_completed") == 1
    client.post("/logout")
    assert case.number in log_in("civil_affairs").get("/").get_data(as_text=True)


def test_a_step_completed_by_someone_else_first_keeps_what_was_typed(users, log_in):
    case = _open(users)
    task = _ready(case)
    client = log_in("police")
    assert client.get(f"/tasks/{task.id}").status_code == 200
    engine.complete_task(task.id, EXAMPLES[task.form_key], users["police"])  # a colleague
    db.session.commit()
    data = _answers(task.form_key, identification_notes="My own notes, not lost.")
    response = client.post(f"/tasks/{task.id}", data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"{ALREADY_DONE} {NOT_SAVED}" in html
    assert "My own notes, not lost." in _field(html, "identification_notes")
    assert f'action="/tasks/{task.id}"' not in html  # nothing to submit twice
    assert "Completed by Police on" in html
    assert _completions(case) == 1


def test_a_completed_or_cancelled_step_is_read_only(users, log_in):
    case = _open(users)
    task = _ready(case)
    engine.complete_task(task.id, EXAMPLES[task.form_key], users["police"])
    db.session.commit()
    client = log_in("police")
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Completed by Police on" in html
    assert f'action="/tasks/{task.id}"' not in html and "/claim" not in html
    follow_up = _ready(case)
    engine.close_case(case, users["police"], "moved abroad")
    db.session.commit()
    html = client.get(f"/tasks/{follow_up.id}").get_data(as_text=True)
    assert "This step was cancelled because the case was closed." in html
    assert f'action="/tasks/{follow_up.id}"' not in html
    response = client.post(f"/tasks/{follow_up.id}", data=_answers(follow_up.form_key))
    assert response.status_code == 409
    assert "This step was cancelled because the case was closed." in response.get_data(as_text=True)


def test_claim_and_release_from_the_inbox_and_the_task_page(users, log_in):
    case = _open(users)
    task = _ready(case)
    client = log_in("police")
    response = client.post(f"/tasks/{task.id}/claim")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _flashes(client) == [f"You claimed Identify the victim (case {case.number})."]
    db.session.refresh(task)
    assert task.claimed_by_id == users["police"].id
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Claimed by Police since" in html and f"/tasks/{task.id}/release" in html
    response = client.post(f"/tasks/{task.id}/release", data={"back": "task"})
    assert response.headers["Location"] == f"/tasks/{task.id}"
    db.session.refresh(task)
    assert task.claimed_by_id is None
    assert _audits("task_claimed") == 1 and _audits("task_released") == 1
    assert "Nobody has claimed this step yet." in client.get(f"/tasks/{task.id}").get_data(
        as_text=True
    )


def test_a_step_claimed_by_a_colleague_says_who_has_it(users, colleague, log_in):
    case = _open(users)
    task = _ready(case)
    engine.claim_task(task.id, colleague)
    db.session.commit()
    client = log_in("police")
    assert "Claimed by Officer Zhang since" in client.get(f"/tasks/{task.id}").get_data(
        as_text=True
    )
    for action in ("claim", "release"):
        client.post(f"/tasks/{task.id}/{action}")
        assert _flashes(client) == ["This step is claimed by Officer Zhang."]
    response = client.post(f"/tasks/{task.id}", data=_answers(task.form_key))
    assert response.status_code == 409
    assert f"This step is claimed by Officer Zhang. {NOT_SAVED}" in response.get_data(as_text=True)
    db.session.refresh(task)
    assert task.status == TaskStatus.READY and task.claimed_by_id == colleague.id


def test_claiming_a_completed_step_says_so(users, log_in):
    task = _ready(_open(users))
    engine.complete_task(task.id, EXAMPLES[task.form_key], users["police"])
    db.session.commit()
    client = log_in("police")
    client.post(f"/tasks/{task.id}/claim")
    assert _flashes(client) == [ALREADY_DONE]


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def test_posts_without_a_csrf_token_are_refused(users, csrf_client):
    task = _ready(_open(users))
    path, data = f"/tasks/{task.id}", _answers(task.form_key)
    db.session.commit()  # the second app writes: hold no SQLite transaction meanwhile
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    csrf_client.post(
        "/login",
        data={"username": "police", "csrf_token": token, "password": TestConfig.DEMO_PASSWORD},
    )
    for target in (path, f"{path}/claim", f"{path}/release"):
        assert csrf_client.post(target, data=data).status_code == 400
    token = _token(csrf_client.get(path).get_data(as_text=True))
    assert csrf_client.post(path, data={**data, "csrf_token": token}).status_code == 302
    db.session.refresh(task)
    assert (task.status, task.claimed_by_id) == (TaskStatus.COMPLETED, None)
    assert _completions(task.case) == 1


def test_every_text_of_the_task_and_intake_pages_is_translated():
    mine = {
        "webapp/views/tasks.py",
        "webapp/views/intake.py",
        "webapp/templates/tasks/show.html",
        "webapp/templates/intake/new.html",
        "forms/intake.py",
    }
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = [
        (path, message)
        for path, _, message, *_ in extract_from_dir(
            ROOT, method_map, options_map, directory_filter=lambda path: "node_modules" not in path
        )
        if path in mine
    ]
    with (ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    assert len({path for path, _ in found}) == len(mine)
    untranslated = [m for _, m in found if not getattr(catalog.get(m), "string", "")]
    assert untranslated == []
