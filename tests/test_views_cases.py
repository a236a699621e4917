"""Case pages: who may find, read and draw which case; audit; timeline; filters; progress marks."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from forms.examples import EXAMPLES
from models import db
from workflows import engine
from workflows.progress import COMPLETED, CURRENT, WAITING, case_progress, instance_of

ROOT = Path(__file__).resolve().parents[1]
MINE = {
    "webapp/casefile.py",
    "webapp/views/cases.py",
    "webapp/templates/cases/show.html",
    "webapp/templates/cases/diagram.html",
    "webapp/templates/cases/find.html",
}
MISSING = "HC-2026-ZZZZZZ"
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
OVERSIGHT = {"manager", "reviewer"}


def _advance(case, users, until=None, **overrides):
    """Complete the oldest ready task until one with form key `until` is ready (or none is)."""
    while True:
        ready = db.session.scalars(engine.open_tasks(case)).all()
        if not ready or any(task.form_key == until for task in ready):
            break
        task = ready[0]
        data = EXAMPLES[task.form_key] | overrides.get(task.form_key, {})
        engine.complete_task(task.id, data, users[task.department.code])
    db.session.commit()
    return case


@pytest.fixture
def speak(users):
    """`speak(locale, *usernames)` sets accounts' language; restores it after the test."""
    before = {name: user.locale for name, user in users.items()}

    def switch(locale, *names):
        for name in names:
            users[name].locale = locale
        db.session.commit()

    yield switch
    for name, locale in before.items():
        users[name].locale = locale
    db.session.commit()


@pytest.fixture
def english(speak):
    """`english(*usernames)`: English pages for readable assertions."""
    return lambda *names: speak("en", *names)


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- who may see what ---------------------------------------------------------------------


def test_the_case_page_links_the_users_own_waiting_step(open_case, users, login):
    """A worker on the case's page finds the step waiting for their department as a link to
    it; a step of another department is not one."""
    case = _advance(open_case(), users, until="care_medical")
    (task,) = [
        t for t in db.session.scalars(engine.open_tasks(case)) if t.form_key == "care_medical"
    ]
    link = f'href="/tasks/{task.id}"'
    assert link in login("health", "en").get(f"/cases/{case.number}").get_data(as_text=True)
    assert link not in login("police", "en").get(f"/cases/{case.number}").get_data(as_text=True)


@pytest.mark.parametrize("username", ACCOUNTS)
def test_status_codes_for_every_account(open_case, username, users, login, client):
    """A fresh case is police's; after rescue civil affairs joins; missing cases are 404."""
    fresh = open_case("A")
    rescued = _advance(open_case("B"), users, until="aid_shelter")
    fresh_number, rescued_number = fresh.number, rescued.number
    login(username)
    readers = {
        fresh_number: {"police"} | OVERSIGHT,
        rescued_number: {"police", "civil_affairs"} | OVERSIGHT,
    }
    for number, allowed in readers.items():
        expected = 200 if username in allowed else 403
        for path in ("", "/diagram", "/diagram.json"):
            assert client.get(f"/cases/{number}{path}").status_code == expected, (number, path)
        found = client.get("/cases/find", query_string={"number": number})
        if username in allowed:
            assert found.status_code == 302
            assert found.headers["Location"].endswith(f"/cases/{number}")
        else:
            assert found.status_code == 404
    for path in ("", "/diagram", "/diagram.json"):
        assert client.get(f"/cases/{MISSING}{path}").status_code == 404
    assert client.get("/cases/find", query_string={"number": MISSING}).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/cases/{n}", "/cases/{n}/diagram", "/cases/{n}/diagram.json", "/cases/find?number={n}"],
)
def test_anonymous_users_are_sent_to_login(open_case, path, client):
    number = open_case().number
    response = client.get(path.format(n=number))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_health_sees_a_case_only_once_care_starts(open_case, users, login, client):
    case = _advance(open_case(), users, until="aid_special_file")
    number = case.number
    login("health")
    assert client.get(f"/cases/{number}").status_code == 403
    _advance(case, users, until="care_medical")
    assert client.get(f"/cases/{number}").status_code == 200


# --- audit --------------------------------------------------------------------------------


def test_allowed_reads_are_audited(audits, open_case, login, client):
    case = open_case()
    case_id, number = case.id, case.number
    login("police")
    client.get(f"/cases/{number}")
    client.get(f"/cases/{number}/diagram")
    client.get(f"/cases/{number}/diagram.json")
    assert audits(case_id=case_id, action="case_viewed", allowed=True) == 1
    assert audits(case_id=case_id, action="diagram_viewed", allowed=True) == 2
    assert audits(allowed=False) == 0


def test_denied_reads_are_audited_and_survive_the_refusal(audits, open_case, login, client):
    case = open_case()
    case_id, number = case.id, case.number
    login("health")
    assert client.get(f"/cases/{number}").status_code == 403
    assert client.get(f"/cases/{number}/diagram.json").status_code == 403
    assert client.get("/cases/find", query_string={"number": number}).status_code == 404
    assert audits(case_id=case_id, action="case_viewed", allowed=False) == 1
    assert audits(case_id=case_id, action="diagram_viewed", allowed=False) == 1
    assert audits(case_id=case_id, action="case_found", allowed=False) == 1
    assert audits(allowed=True) == 0


def test_a_missing_case_writes_no_audit_row(audits, login, client):
    login("police")
    assert client.get(f"/cases/{MISSING}").status_code == 404
    assert audits() == 0


# --- find ---------------------------------------------------------------------------------


def test_find_answers_a_hidden_case_exactly_like_a_missing_one(open_case, english, login, client):
    number = open_case().number
    english("health")
    login("health")
    hidden = client.get("/cases/find", query_string={"number": number})
    missing = client.get("/cases/find", query_string={"number": MISSING})
    assert hidden.status_code == missing.status_code == 404
    assert "among the cases you may see" in _text(hidden)
    assert _text(hidden).replace(number, "N") == _text(missing).replace(MISSING, "N")


def test_find_accepts_lower_case_and_spaces(open_case, login, client):
    number = open_case().number
    login("police")
    response = client.get("/cases/find", query_string={"number": f"  {number.lower()} "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{number}")


def test_find_explains_empty_and_garbage_input(english, login, client):
    english("police")
    login("police")
    empty = client.get("/cases/find", query_string={"number": ""})
    assert empty.status_code == 200
    assert "Enter the number of a case" in _text(empty)
    garbage = client.get("/cases/find", query_string={"number": "<script>x"})
    assert garbage.status_code == 400
    assert "is not a case number" in _text(garbage)
    assert "<script>x" not in _text(garbage)


# --- the case page ------------------------------------------------------------------------


def _full_story(open_case, users):
    """A girl of 14 rescued, cared for, taken home to Yunnan; the follow-up timer waits."""
    case = _advance(open_case(), users, until="follow_up_visit")
    assert instance_of(case).next_timer_at is not None
    return case


def test_the_timeline_reads_like_a_story(open_case, users, english, login, client):
    number = _full_story(open_case, users).number
    english("reviewer")
    login("reviewer")
    page = _text(client.get(f"/cases/{number}"))
    assert "Lin Xiaomei" in page
    for text in (
        "Case opened",
        "Public Security",
        "Civil Affairs",
        "Health",
        "Step completed: Identify the victim",
        "Handed over from Public Security to Civil Affairs",
        "Victim handed over to the province of Yunnan",
        "Rescue and identification",
        "Return home",
        "Next follow-up due",
    ):
        assert text in page, text
    # Field labels, choice labels and Yes/No instead of stored codes.
    assert re.search(r"<dt>Estimated age</dt><dd>14</dd>", page)
    assert re.search(r"<dt>Type of report</dt><dd>Rescued victim</dd>", page)
    assert re.search(r"<dt>Interpreter needed</dt><dd>Yes</dd>", page)
    assert re.search(
        r"<dt>Services given</dt><dd>General examination, Screening for "
        r"infections, Vaccination</dd>",
        page,
    )
    assert "chinese_dialect" not in page and "restricted to the departments" not in page


def test_the_page_follows_the_users_language(open_case, speak, login, client):
    number = open_case().number
    speak("zh", "police")
    login("police")
    page = _text(client.get(f"/cases/{number}"))
    assert re.search(r"<dt>估计年龄</dt><dd>14</dd>", page) and "<dd>是</dd>" in page


def test_health_does_not_see_legal_details_nor_the_name(open_case, users, english, login, client):
    number = _full_story(open_case, users).number
    english("health")
    login("health")
    page = _text(client.get(f"/cases/{number}"))
    assert "Lin Xiaomei" not in page
    assert "Step completed: Assess eligibility and offer legal aid" in page
    assert "Putian Legal Aid Centre" not in page
    assert "Details restricted to the departments concerned." in page
    assert "Underweight; iron supplements prescribed." in page  # its own step
    assert "Estimated age" in page  # the intake, but not the police's notes on it
    assert "Found during a check of a rural household" not in page


def test_education_does_not_see_medical_notes(open_case, users, english, login, client):
    number = _full_story(open_case, users).number
    english("education")
    login("education")
    page = _text(client.get(f"/cases/{number}"))
    assert "Step completed: Provide medical care" in page
    assert "Underweight; iron supplements prescribed." not in page
    assert "Step completed: Solve a schooling difficulty" in page  # passed on by the police
    assert "Handled with the township office." in page  # its own step
    assert "Estimated age" in page  # every department reads the intake


def test_filters_by_department_and_phase(open_case, users, english, login, client):
    number = _full_story(open_case, users).number
    english("reviewer")
    login("reviewer")
    health = _text(client.get(f"/cases/{number}", query_string={"department": "health"}))
    assert "Step completed: Provide medical care" in health
    assert "Step completed: Identify the victim" not in health
    legal = _text(client.get(f"/cases/{number}", query_string={"phase": "legal_aid"}))
    legal = legal.split('id="timeline"')[1]  # the step report above lists every step
    assert "Represent the victim" in legal and "Provide medical care" not in legal
    assert "Case opened" not in legal
    both = _text(
        client.get(f"/cases/{number}", query_string={"department": "health", "phase": "legal_aid"})
    )
    assert "No events match these filters." in both
    unknown = _text(client.get(f"/cases/{number}", query_string={"department": "nope"}))
    assert "Step completed: Identify the victim" in unknown


def test_phase_durations_are_listed(open_case, users, english, login, client):
    number = _full_story(open_case, users).number
    english("reviewer")
    login("reviewer")
    page = _text(client.get(f"/cases/{number}"))
    table = page.split('<table class="phases">')[1].split("</table>")[0]
    for name in (
        "Rescue and identification",
        "Temporary aid",
        "Legal aid",
        "Return home",
        "Difficulties passed to departments",
    ):
        assert name in table
    assert "in progress" not in table
    running = _text(client.get(f"/cases/{open_case('Other').number}"))
    assert "in progress" in running.split('<table class="phases">')[1]


# --- the diagram --------------------------------------------------------------------------


def test_the_diagram_page_loads_the_viewer_and_a_legend(open_case, users, english, login, client):
    number = _advance(open_case(), users, until="aid_shelter").number
    english("manager")
    login("manager")
    page = _text(client.get(f"/cases/{number}/diagram", query_string={"process": "rescue"}))
    assert "/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page
    assert "/static/diagram.js" in page and "<script>" not in page
    assert f'data-source="/cases/{number}/diagram.json"' in page
    assert '<option value="rescue" selected>Rescue and identification (done)</option>' in page
    assert "Temporary aid (in progress)" in page
    for state in ("mark-completed", "mark-current", "mark-waiting"):
        assert f"swatch {state}" in page
    with client.get("/static/diagram.js") as script:
        assert script.status_code == 200


def test_the_diagram_data_holds_every_diagram_and_the_marks(open_case, users, login, client):
    case = _advance(open_case(), users, until="aid_shelter")
    number, marks = case.number, case_progress(case)
    login("reviewer")
    data = client.get(f"/cases/{number}/diagram.json").get_json()
    assert data["top"] == "case"
    assert {"case", "rescue", "temporary_aid", "care", "follow_up", "closure"} <= set(
        data["diagrams"]
    )
    assert data["marks"] == marks
    for process_id, elements in marks.items():
        for element_id in elements:
            assert f'id="{element_id}"' in data["diagrams"][process_id]


def test_progress_marks_completed_and_current_steps(open_case, users):
    case = _advance(open_case(), users, until="aid_special_file")
    marks = case_progress(case)
    assert marks["rescue"] == {
        "Task_rescue_identification": COMPLETED,
        "Task_rescue_family_tracing": COMPLETED,
    }
    assert marks["temporary_aid"] == {
        "Task_aid_shelter": COMPLETED,
        "Task_aid_womens_support": COMPLETED,
        "Task_aid_special_file": CURRENT,
        "Task_home_safety_assessment": CURRENT,
    }
    assert marks["case"] == {
        "CallActivity_rescue": COMPLETED,
        "CallActivity_temporary_aid": CURRENT,
    }


def test_progress_marks_parallel_phases_and_the_waiting_timer(open_case, users):
    case = _advance(open_case(), users, until="legal_representation")
    marks = case_progress(case)
    assert marks["case"]["CallActivity_return_home"] == CURRENT
    assert marks["return_home"]["CallActivity_legal_aid_before_travel"] == CURRENT
    assert "CallActivity_stay" not in marks["case"]
    _advance(case, users, until="follow_up_visit")
    marks = case_progress(case)
    assert marks["follow_up"] == {"TimerEvent_follow_up_interval": WAITING}
    assert marks["case"]["CallActivity_follow_up"] == WAITING
    assert marks["case"]["CallActivity_return_home"] == COMPLETED
    assert set(marks["return_home"].values()) == {COMPLETED}


# --- translations -------------------------------------------------------------------------


def _messages_of_these_pages() -> set[str]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {
        message
        for path, _, message, *_ in extract_from_dir(
            ROOT, method_map, options_map, directory_filter=lambda path: "node_modules" not in path
        )
        if path in MINE
    }


def test_every_text_of_the_case_pages_is_translated():
    messages = _messages_of_these_pages()
    with (ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    assert len(messages) > 40
    assert sorted(m for m in messages if not getattr(catalog.get(m), "string", "")) == []
