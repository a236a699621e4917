"""Drafts of task forms: saved as typed, restored after a new log-in, the writer's alone,
encrypted, discarded when the step completes; hostile drafts get a 4xx."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from forms.base import as_formdata
from forms.examples import EXAMPLES
from models import HumanTask, TaskDraft, db
from tests.test_canary import _file_bytes, _stored_files
from workflows import engine

CANARY = "DraftCanary5K2W"
NOTES = f"{CANARY}: arrived with bruises on both arms"


@pytest.fixture
def police_task(open_case) -> int:
    """The first step of a new case, rescue identification (police), ready."""
    case = open_case()
    task_id = db.session.scalars(engine.open_tasks(case)).first().id
    db.session.commit()
    return task_id


def _save(client, task_id, answers, **kwargs):
    return client.post(f"/tasks/{task_id}/draft", json={"answers": answers}, **kwargs)


def _drafts() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(TaskDraft))


@pytest.mark.parametrize(
    ("locale", "notice"),
    [("en", "Your unsubmitted answers of"), ("zh", "已恢复您于")],
)
def test_a_draft_comes_back_after_a_new_log_in(login, client, police_task, locale, notice):
    answers = {"identification_notes": [NOTES], "age": ["15"], "identity_documents": ["hukou"]}
    assert _save(login("police", locale), police_task, answers).status_code == 204
    client.post("/logout")
    assert client.get(f"/tasks/{police_task}").status_code == 302  # the session is gone
    page = login("police", locale).get(f"/tasks/{police_task}").get_data(as_text=True)
    assert notice in page
    assert f"\n{NOTES}</textarea>" in page
    assert 'name="age" required type="number" value="15"' in page
    assert '<input checked id="identity_documents-1" name="identity_documents"' in page


def test_a_colleague_does_not_see_anothers_draft(login, client, colleague, police_task):
    assert _save(login("police"), police_task, {"identification_notes": [NOTES]}).status_code == 204
    client.post("/logout")
    page = login(colleague.username).get(f"/tasks/{police_task}").get_data(as_text=True)
    assert CANARY not in page
    assert "已恢复" not in page


def test_another_department_may_not_save_a_draft(login, police_task, audits):
    response = _save(login("health"), police_task, {"identification_notes": ["x"]})
    assert response.status_code == 403
    assert audits("task_draft_saved", allowed=False) == 1 and _drafts() == 0


def test_the_draft_is_stored_encrypted(login, police_task, database_url):
    assert _save(login("police"), police_task, {"identification_notes": [NOTES]}).status_code == 204
    db.session.commit()
    stored = db.session.scalar(text("SELECT answers FROM task_drafts"))
    assert stored.startswith("hc1:") and CANARY not in stored
    if make_url(database_url).get_backend_name() == "sqlite":
        assert all(CANARY.encode() not in _file_bytes(p) for p in _stored_files(database_url))


def test_completing_the_step_discards_its_drafts(login, client, users, police_task):
    assert _save(login("police"), police_task, {"identification_notes": [NOTES]}).status_code == 204
    assert _drafts() == 1
    answers = as_formdata(EXAMPLES["rescue_identification"])
    response = client.post(f"/tasks/{police_task}", data=answers)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _drafts() == 0
    assert _save(client, police_task, {"identification_notes": ["late"]}).status_code == 409


def test_closing_the_case_discards_the_drafts_of_its_steps(login, users, police_task):
    assert _save(login("police"), police_task, {"identification_notes": [NOTES]}).status_code == 204
    engine.close_case(db.session.get(HumanTask, police_task).case, users["police"], "moved abroad")
    db.session.commit()
    assert _drafts() == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        ([1, 2], 400),
        ({"answers": "notes"}, 400),
        ({"answers": {"no_such_field": ["x"]}}, 400),
        ({"answers": {"identification_notes": [1]}}, 400),
        ({"answers": {"identification_notes": {"a": "b"}}}, 400),
        ({"answers": {"identity_documents": ["hukou"] * 51}}, 400),
        ({"answers": {"identification_notes": ["x" * 20_001]}}, 400),
        ({"answers": {"identification_notes": ["x" * 100_000]}}, 413),
    ],
)
def test_hostile_drafts_are_refused(login, police_task, body, status):
    client = login("police")
    if isinstance(body, str):
        response = client.post(
            f"/tasks/{police_task}/draft", data=body, content_type="application/json"
        )
    else:
        response = client.post(f"/tasks/{police_task}/draft", json=body)
    assert response.status_code == status
    assert _drafts() == 0


def test_a_draft_needs_the_csrf_token(csrf_client, police_task):
    csrf_client.post("/login", data={"username": "police", "password": "x"})
    response = csrf_client.post(f"/tasks/{police_task}/draft", json={"answers": {}})
    assert response.status_code in (400, 302)
    assert _drafts() == 0
