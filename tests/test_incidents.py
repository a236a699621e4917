"""A diagram rule that fails at run time: nothing changes, the worker is told, a manager sees an
incident, and the case resumes once the diagram is fixed, the case moved and the rule retried.

The cases run `tests/diagrams/incident_probe.bpmn` (a visit, then a gateway whose condition is
the test's rule) or `incident_timer_probe.bpmn` (a one-second timer before the gateway).
"""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from forms.base import as_formdata
from forms.examples import EXAMPLES
from models import (
    DEPARTMENT_CODES,
    Case,
    EventType,
    HumanTask,
    Incident,
    IncidentSource,
    ProcessInstance,
    TimelineEvent,
    TokenScope,
    db,
)
from webapp.api.tokens import create_token
from workflows import engine
from workflows.errors import RuleFailed
from workflows.pathways import deploy

DIAGRAMS = Path(__file__).parent / "diagrams"
FIXED_RULE = "age > 100"
# (rule, error type kept): each passes `workflows check` and fails only when it runs.
CORPUS = [
    ("age / 0 > 1", "ZeroDivisionError"),
    ("shelter_type == 'rescue_station'", "NameError"),  # a known field this case lacks yet
    ("age + report_location == 1", "TypeError"),
    ("int(report_location) > 0", "ValueError"),  # Python's message quotes the location
    ("len(report_location * 9000) > 0", "result too large"),  # a string bomb, stopped
    ("{'rescue': 1}[report_source] > 0", "KeyError"),  # the message would name the source
]
CASE_TEXT = ("Xianyou County, Putian", "police_operation", "Back at school")
STUCK_EN = (
    "This step cannot continue: the diagram's rule Probe rule failed; a manager has been told."
)
STUCK_ZH = "此步骤无法继续：流程图规则“Probe rule”出错，已通知管理员。"  # noqa: RUF001


def probe(rule: str, name: str = "incident_probe"):
    """The probe deployed with `rule` on its gateway (flushed)."""
    xml = (DIAGRAMS / f"{name}.bpmn").read_text().replace("RULE", rule)
    return deploy({f"{name}.bpmn": xml.encode()}, DEPARTMENT_CODES, process_id=name)


@pytest.fixture
def probe_case(restore_pathway, users):
    """`probe_case(rule)`: a committed case on the probe, its first visit ready."""

    def open_(rule: str, name: str = "incident_probe"):
        case = engine.open_case(
            EXAMPLES["case_open"], users["police"], "Lin Xiaomei", version=probe(rule, name)
        )
        db.session.commit()
        return case

    return open_


def _visit() -> dict:
    return as_formdata(EXAMPLES["follow_up_visit"]).to_dict(flat=False)


def _ready(case) -> list[HumanTask]:
    return db.session.scalars(engine.open_tasks(case)).all()


def _snapshot(case) -> tuple:
    """The case as stored: raw workflow state and version, and every task row."""
    state = db.session.execute(
        text("SELECT state, version, pathway_version_id FROM process_instances WHERE case_id=:c"),
        {"c": case.id},
    ).one()
    tasks = db.session.execute(
        text("SELECT * FROM human_tasks WHERE case_id=:c ORDER BY id"), {"c": case.id}
    ).all()
    return tuple(state), [tuple(row) for row in tasks]


def _incidents(case=None) -> list[Incident]:
    query = select(Incident).order_by(Incident.id)
    if case is not None:
        query = query.where(Incident.case_id == case.id)
    return db.session.scalars(query).all()


def _events(case, event_type) -> int:
    return db.session.scalar(
        select(func.count()).where(
            TimelineEvent.case_id == case.id, TimelineEvent.event_type == event_type
        )
    )


@pytest.mark.parametrize(("rule", "error_type"), CORPUS)
def test_a_failing_rule_answers_409_and_changes_nothing(
    rule, error_type, probe_case, login, client
):
    """In English then Chinese: a clear 409 with the typed answers kept, the case as it was,
    one incident counted twice, naming the element and the error, quoting no case data."""
    case = probe_case(rule)
    task = _ready(case)[0]
    before = _snapshot(case)
    login("civil_affairs", locale="en")
    first = client.post(f"/tasks/{task.id}", data=_visit())
    assert first.status_code == 409
    page = first.get_data(as_text=True)
    assert STUCK_EN in page.replace("&#39;", "'")
    assert "Back at school; family receives the minimum living allowance." in page
    client.post("/locale", data={"locale": "zh"})
    second = client.post(f"/tasks/{task.id}", data=_visit())
    assert second.status_code == 409
    assert STUCK_ZH in second.get_data(as_text=True)
    db.session.rollback()
    assert _snapshot(case) == before
    [incident] = _incidents(case)
    assert (incident.count, incident.element_id, incident.element_name) == (
        2,
        "Gateway_rule",
        "Probe rule",
    )
    assert (incident.error_type, incident.task_id, incident.resolved_at) == (
        error_type,
        task.id,
        None,
    )
    assert rule in incident.message
    assert not any(value in incident.message for value in CASE_TEXT)
    assert _events(case, EventType.TASK_COMPLETED) == 0
    assert _events(case, EventType.INCIDENT_OPENED) == 1


def _migrate(client, version, case) -> None:
    instance_id = db.session.scalar(select(ProcessInstance.id).filter_by(case_id=case.id))
    response = client.post(
        f"/diagrams/versions/{version.id}/migrate", data={"instance": str(instance_id)}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(("rule", "error_type"), CORPUS)
def test_fix_migrate_and_retry_resume_the_case(rule, error_type, probe_case, login, client):
    """The manager sees the incident, deploys the fix and moves the case; the retry resolves
    it and the worker's second try goes through to the next visit."""
    case = probe_case(rule)
    task = _ready(case)[0]
    login("civil_affairs", locale="en")
    assert client.post(f"/tasks/{task.id}", data=_visit()).status_code == 409
    assert "Stuck since" in client.get(f"/cases/{case.number}").get_data(as_text=True)
    login("manager", locale="en")
    listing = client.get("/incidents").get_data(as_text=True)
    assert all(text in listing for text in (case.number, "Gateway_rule", error_type))
    marks = client.get(f"/cases/{case.number}/diagram.json").get_json()["marks"]
    assert marks["incident_probe"]["Gateway_rule"] == "failed"
    fixed = probe(FIXED_RULE)
    db.session.commit()
    _migrate(client, fixed, case)
    [incident] = _incidents(case)
    assert client.post(f"/incidents/{incident.id}/retry").status_code == 302
    db.session.rollback()
    assert _incidents(case)[0].resolved_at is not None
    login("civil_affairs", locale="en")
    assert client.post(f"/tasks/{task.id}", data=_visit()).status_code == 302
    db.session.rollback()
    assert [t.bpmn_id for t in _ready(case)] == ["Task_after"]
    page = client.get(f"/cases/{case.number}").get_data(as_text=True).replace("&#39;", "'")
    assert "Stuck since" not in page
    assert "Stuck: the diagram's rule Probe rule failed; a manager has been told" in page
    assert "The diagram's rule Probe rule works again; the case continues" in page
    assert _events(case, EventType.INCIDENT_RESOLVED) == 1


def test_the_workers_retry_after_the_fix_resolves_the_incident(probe_case, login, client, users):
    """Without a manager's retry, the same completion after fix and migration goes through."""
    case = probe_case(CORPUS[0][0])
    task = _ready(case)[0]
    login("civil_affairs")
    assert client.post(f"/tasks/{task.id}", data=_visit()).status_code == 409
    fixed = probe(FIXED_RULE)
    db.session.commit()
    login("manager")
    _migrate(client, fixed, case)
    login("civil_affairs")
    assert client.post(f"/tasks/{task.id}", data=_visit()).status_code == 302
    db.session.rollback()
    [incident] = _incidents(case)
    assert incident.resolved_by_id == users["civil_affairs"].id


def _instance(case) -> ProcessInstance:
    return db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))


def test_a_failing_timer_is_held_while_other_timers_fire(probe_case, run_worker, login, client):
    """A real worker: the failing continuation is rolled back into an incident and not fired
    again (no hot loop) while another case's timer fires; a retry without a fix counts."""
    stuck = probe_case(CORPUS[0][0], "incident_timer_probe")
    fine = probe_case(FIXED_RULE, "incident_timer_probe")
    before = _snapshot(stuck)
    run_worker(_instance(fine))  # both are due: only the fine one fires
    assert [t.bpmn_id for t in _ready(fine)] == ["Task_after"]
    assert _snapshot(stuck) == before
    [incident] = _incidents(stuck)
    assert (incident.source, incident.count, incident.element_id) == (
        IncidentSource.TIMER,
        1,
        "Gateway_rule",
    )
    later = probe_case(FIXED_RULE, "incident_timer_probe")
    run_worker(_instance(later))  # the held timer is not tried again
    assert [t.bpmn_id for t in _ready(later)] == ["Task_after"]
    assert _incidents(stuck)[0].count == 1
    login("manager", locale="en")
    response = client.post(f"/incidents/{incident.id}/retry", follow_redirects=True)
    page = response.get_data(as_text=True).replace("&#39;", "'").replace("&gt;", ">")
    assert "The rule still fails: ZeroDivisionError in 'age / 0 > 1'" in page
    db.session.rollback()
    [again] = _incidents(stuck)
    assert (again.count, again.resolved_at) == (2, None)
    assert _snapshot(stuck) == before


@pytest.mark.parametrize("username", ["civil_affairs", "police", "reviewer"])
def test_only_managers_and_admins_see_incidents(username, login, client, audits):
    """Others get 403 on the page and on retry, and each refusal is audited."""
    login(username)
    assert client.get("/incidents").status_code == 403
    assert client.post("/incidents/1/retry").status_code == 403
    assert audits("incidents_refused") == 2


def test_managers_page_is_audited(login, client, audits):
    """A manager's look at the incidents is an audit row."""
    login("admin")
    assert client.get("/incidents").status_code == 200
    assert audits("incidents_listed") == 1


def test_a_case_that_fails_to_open_is_not_opened(restore_pathway, login, client, audits):
    """A rule failing as the case opens: 409 with the intake kept, no case, one incident."""
    xml = (DIAGRAMS / "incident_opening_probe.bpmn").read_text()
    xml = xml.replace("RULE", "int(report_location) > 0").replace("incident_opening_probe", "case")
    deploy({"case.bpmn": xml.encode()}, DEPARTMENT_CODES)
    db.session.commit()
    posted = as_formdata({**EXAMPLES["case_open"], "victim_name": "Lin Xiaomei"})
    answers = [login("police", "en").post("/cases/new", data=posted.to_dict(flat=False))]
    answers.append(login("police", "zh").post("/cases/new", data=posted.to_dict(flat=False)))
    assert [answer.status_code for answer in answers] == [409, 409]
    assert STUCK_EN in answers[0].get_data(as_text=True).replace("&#39;", "'")
    assert STUCK_ZH in answers[1].get_data(as_text=True)
    assert "Xianyou County, Putian" in answers[1].get_data(as_text=True)  # the intake, kept
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    [incident] = _incidents()
    assert (incident.case_id, incident.count, incident.error_type) == (None, 2, "ValueError")
    assert "Xianyou" not in incident.message


def test_the_cli_says_why_and_records_the_incident(probe_case, app):
    """`cases complete` on a failing rule: exit 1 with the clear sentence, one incident."""
    case = probe_case(CORPUS[2][0])
    task_id = _ready(case)[0].id
    db.session.rollback()
    data = json.dumps(EXAMPLES["follow_up_visit"], default=str)
    args = ["cases", "complete", str(task_id), "--as", "civil_affairs", "--data", data]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1
    assert "the diagram's rule Probe rule failed; a manager has been told" in result.output
    [incident] = _incidents(case)
    assert (incident.source, incident.task_id) == (IncidentSource.TASK_COMPLETION, task_id)


@pytest.mark.parametrize(
    ("timer", "error_type"), [("report_location", "Exception"), ("age", "AttributeError")]
)
def test_a_timer_text_that_is_no_duration_names_its_element(
    timer, error_type, restore_pathway, users
):
    """SpiffWorkflow's own bare error on what a timer rule returned still names the timer."""
    xml = (DIAGRAMS / "incident_timer_probe.bpmn").read_text().replace("RULE", FIXED_RULE)
    xml = xml.replace(">PT1S<", f">{timer}<")
    version = deploy({"t.bpmn": xml.encode()}, DEPARTMENT_CODES, process_id="incident_timer_probe")
    with pytest.raises(RuleFailed) as failed:
        engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei", version=version)
    assert (failed.value.element_id, failed.value.error_type) == ("Timer_first", error_type)
    assert "Xianyou" not in str(failed.value)


def test_retrying_what_is_not_open_changes_nothing(probe_case, login, client):
    """An unknown or already resolved incident: a clear message, no 500, nothing changed."""
    case = probe_case(CORPUS[0][0])
    login("civil_affairs")
    client.post(f"/tasks/{_ready(case)[0].id}", data=_visit())
    db.session.rollback()
    [incident] = _incidents(case)
    login("manager", locale="en")
    assert client.post(f"/incidents/{incident.id}/retry").status_code == 302
    for target in (incident.id, 99999):
        response = client.post(f"/incidents/{target}/retry", follow_redirects=True)
        assert "This incident is no longer open." in response.get_data(as_text=True)
    assert client.post("/incidents/x/retry").status_code == 404
    db.session.rollback()
    assert _events(case, EventType.INCIDENT_RESOLVED) == 1


def _bearer(users, username: str) -> dict:
    """The Authorization header of a fresh casework token of the user (committed)."""
    _, secret = create_token(users[username], "tests", TokenScope.CASEWORK)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(("locale", "stuck"), [("en", STUCK_EN), ("zh", STUCK_ZH)])
def test_a_failing_rule_through_the_api_is_409_and_an_incident(
    probe_case, client, users, locale, stuck
):
    """The API answers as the page does: 409 saying why in the caller's language, nothing
    changed, the incident recorded for the managers."""
    case = probe_case("int(report_location) > 0")
    task = _ready(case)[0]
    before = _snapshot(case)
    headers = _bearer(users, "civil_affairs") | {"Accept-Language": locale}
    answer = client.post(
        f"/api/v1/tasks/{task.id}/complete", json={"data": _visit()}, headers=headers
    )
    assert answer.status_code == 409 and answer.get_json()["message"] == stuck
    db.session.rollback()
    assert _snapshot(case) == before
    [incident] = _incidents(case)
    assert (incident.task_id, incident.error_type, incident.source) == (
        task.id,
        "ValueError",
        IncidentSource.TASK_COMPLETION,
    )


def test_a_case_that_fails_to_open_through_the_api_is_409_and_an_incident(
    restore_pathway, client, users
):
    xml = (DIAGRAMS / "incident_opening_probe.bpmn").read_text()
    xml = xml.replace("RULE", "int(report_location) > 0").replace("incident_opening_probe", "case")
    deploy({"case.bpmn": xml.encode()}, DEPARTMENT_CODES)
    db.session.commit()
    intake = as_formdata(EXAMPLES["case_open"]).to_dict(flat=False)
    body = {"victim_name": "Lin Xiaomei", "data": intake}
    headers = _bearer(users, "police") | {"Accept-Language": "en"}
    answer = client.post("/api/v1/cases", json=body, headers=headers)
    assert answer.status_code == 409 and answer.get_json()["message"] == STUCK_EN
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    [incident] = _incidents()
    assert (incident.source, incident.error_type) == (IncidentSource.CASE_OPENING, "ValueError")
