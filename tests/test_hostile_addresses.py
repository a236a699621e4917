"""Hostile addresses and odd values on the web pages: a clear 4xx (or the page, bounded),
never a 500, and nothing changed. Most of these were database errors on PostgreSQL (ids past
its integer, NUL in text, offsets past bigint) or Python's (dates past year 9999)."""

import pytest
from sqlalchemy import func, select

from models import (
    DiagramDraft,
    Evaluation,
    Organisation,
    PeerProvince,
    ServiceLevel,
    TaskDraft,
    db,
)
from workflows import engine

HUGE = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("police", "/tasks/{}"),
        ("police", "/cases/views/{}"),
        ("manager", "/diagrams/versions/{}"),
        ("joint_office", "/evaluation/frozen/{}"),
        ("admin", "/incidents/{}"),
    ],
)
def test_an_id_no_column_holds_is_no_such_page(login, username, path, number):
    assert login(username).get(path.format(number)).status_code == 404


@pytest.mark.parametrize("number", HUGE)
def test_a_posted_id_no_column_holds_changes_nothing(login, number):
    client = login("police")
    assert client.post("/notifications/read", data={"id": str(number)}).status_code == 400
    assert client.post(f"/tasks/{number}/claim").status_code == 404


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("police", "/cases/HC-2026%00AB"),
        ("police", "/cases/HC%00/diagram.json"),
        ("manager", "/diagrams/case%00x/edit"),
        ("admin", "/audit/?who=a%00b"),
        ("admin", "/audit/export.csv?action=a%00b"),
        ("police", "/cases/?origin=%00"),
    ],
)
def test_nul_in_an_address_is_a_bad_request(login, username, path):
    assert login(username).get(path).status_code == 400


def test_nul_in_a_posted_address_is_a_bad_request_and_changes_nothing(login):
    assert login("admin").post("/admin/peers/yun%00nan/disable").status_code == 400
    assert db.session.scalars(select(PeerProvince)).all() == []


@pytest.mark.parametrize("page", ["9223372036854775807", "99999999999999999999", "-5", "x"])
@pytest.mark.parametrize(("username", "path"), [("police", "/"), ("admin", "/audit/")])
def test_any_page_number_shows_a_page(login, username, path, page):
    assert login(username).get(f"{path}?page={page}").status_code == 200


@pytest.mark.parametrize(
    "query", ["from=0001-01-01", "to=9999-12-31", "from=20240101", "from=1899-12-31"]
)
def test_a_day_out_of_any_plausible_range_is_a_bad_request(login, query):
    client = login("police", "en")
    listed = client.get(f"/cases/?{query}")
    assert listed.status_code == 400
    assert "Enter the opening dates as YYYY-MM-DD." in listed.get_data(as_text=True)
    name, value = query.split("=")
    saved = client.post("/cases/views", data={"view_name": "odd", name: value})
    assert saved.status_code == 400
    admin = login("admin")
    assert admin.get(f"/audit/?until={value}").status_code == 400
    assert admin.get(f"/audit/export.csv?since={value}").status_code == 400


REQUIRED = "Say why you deploy (a comment is required)."
UNSTORABLE = "The comment holds characters that cannot be stored: type it again."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([1], REQUIRED),
        ("x", REQUIRED),
        (1, REQUIRED),
        (True, REQUIRED),
        ({"comment": "  "}, REQUIRED),
        ({"comment": "a\x00b"}, UNSTORABLE),
        ({"comment": "\ud800"}, UNSTORABLE),
    ],
)
def test_a_deployment_without_a_plain_comment_is_refused(login, body, message):
    answer = login("manager", "en").post("/diagrams/api/case/deploy", json=body)
    assert answer.status_code == 400
    assert [p["message"] for p in answer.get_json()["problems"]] == [message]


def test_a_process_id_no_diagram_can_have_is_refused(login):
    client = login("manager", "en")
    for process_id in ["p" * 150, "9lives", "a b"]:
        xml = f'<?xml version="1.0"?><definitions><process id="{process_id}"/></definitions>'
        answer = client.post(f"/diagrams/api/{process_id}/draft", data=xml.encode())
        assert answer.status_code == 400, process_id
        assert "a process id is 1 to 100 letters" in answer.get_data(as_text=True)
    assert db.session.scalars(select(DiagramDraft)).all() == []


def test_a_draft_answer_no_page_could_show_is_refused(login, open_case):
    case = open_case()
    task = db.session.scalars(engine.open_tasks(case)).first()
    client = login("police")
    kept = {"answers": {"identification_notes": ["Met at the shelter"]}}
    assert client.post(f"/tasks/{task.id}/draft", json=kept).status_code == 204
    poison = {"answers": {"identification_notes": ["\ud800"]}}
    assert client.post(f"/tasks/{task.id}/draft", json=poison).status_code == 400
    assert "Met at the shelter" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TaskDraft)) == 1


def test_a_directory_name_with_nul_is_a_field_error(login):
    posted = {"name": "Shelter\x00", "kind": "shelter", "services": "shelter", "contact": "110"}
    assert login("manager").post("/directory", data=posted).status_code == 422
    assert db.session.scalars(select(Organisation)).all() == []


def test_a_frozen_evaluation_titled_with_nul_is_refused(login):
    posted = {"title": "2024\x00", "kind": "staged", "start": "2024-01", "end": "2024-12"}
    assert login("joint_office").post("/evaluation/frozen/", data=posted).status_code == 422
    assert db.session.scalars(select(Evaluation)).all() == []


@pytest.mark.parametrize(("form_key", "profile"), [("\x00", "child"), ("nonsense", "child")])
def test_clearing_the_service_level_of_no_step_is_refused(login, audits, form_key, profile):
    posted = {"form_key": form_key, "profile": profile, "clear": "1"}
    assert login("manager").post("/service-levels/", data=posted).status_code == 400
    assert db.session.scalars(select(ServiceLevel)).all() == []
    assert audits("service_level_changed") == 0
