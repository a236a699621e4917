"""Re-opening a closed case: who may, with what reason, where it starts again, and its trace."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from forms.examples import EXAMPLES
from forms.reopening import PHASES
from models import (
    DEPARTMENT_CODES,
    Case,
    CaseIndicator,
    CaseStatus,
    EventType,
    Incident,
    IncidentSource,
    TimelineEvent,
    db,
)
from workflows import engine, timeline
from workflows.errors import CaseNotClosed, ReopeningInvalid
from workflows.pathways import deploy
from workflows.reopening import ENTRY_PHASES, REASON_LENGTH, entry_phases, reopen_case

DIAGRAMS = Path(__file__).parent / "diagrams"

REASON = "The victim came back into care after a month at home."


@pytest.fixture
def closed_case(open_case, users):
    """A case closed early during identification."""
    case = open_case("Lin Xiaomei", steps=1)
    engine.close_case(case, users["joint_office"], "victim moved abroad")
    db.session.commit()
    return case


@pytest.fixture
def completed_case(app, open_case, users, monkeypatch):
    """A case closed at the end of its pathway (the joint office's closing review done)."""
    monkeypatch.setitem(app.config, "FOLLOW_UP_INTERVAL", "PT0S")  # the visit is due at once
    case = open_case("Huang Wei", age=30, sex="male", origin_province="fujian")
    answers = {"age": 30, "willing_to_return": True, "legal_aid_requested": False}
    while case.status == CaseStatus.OPEN:
        task = db.session.scalars(engine.open_tasks(case)).first()
        data = {**EXAMPLES[task.form_key], **answers}
        engine.complete_task(task.id, data, users[task.department.code])
    db.session.commit()
    return case


def _department(user, code):
    return next(m.department for m in user.memberships if m.department.code == code)


def _events(case, kind):
    query = select(TimelineEvent).filter_by(case_id=case.id, event_type=kind)
    return db.session.scalars(query).all()


def test_a_closed_case_starts_again_at_the_chosen_phase(closed_case, users):
    office = users["joint_office"]
    reopen_case(
        closed_case, office, _department(office, "joint_office"), phase="rescue", reason=REASON
    )
    db.session.commit()
    case = db.session.get(Case, closed_case.id)
    assert case.status == CaseStatus.OPEN and case.closed_at is None
    assert case.reopenings == 1 and case.reopened_at is not None
    waiting = db.session.scalars(engine.open_tasks(case)).all()
    assert [task.process_id for task in waiting] == ["rescue"]
    (event,) = _events(case, EventType.CASE_REOPENED)
    assert event.data["phase"] == "rescue" and event.data["reason"] == REASON
    assert event.data["closed_at"]
    engine.complete_task(waiting[0].id, EXAMPLES[waiting[0].form_key], users["police"])
    db.session.commit()  # the pathway runs on
    assert db.session.scalars(engine.open_tasks(case)).all()


def test_a_case_reopened_at_the_return_home_goes_on_to_follow_up(closed_case, users):
    head = users["civil_affairs_head"]
    reopen_case(
        closed_case, head, _department(head, "civil_affairs"), phase="return_home", reason=REASON
    )
    db.session.commit()
    (task,) = db.session.scalars(engine.open_tasks(closed_case)).all()
    assert task.form_key == "return_reunion" and task.department.code == "civil_affairs"


def test_an_open_case_is_not_reopened_and_nothing_changes(open_case, users):
    case = open_case("Chen Hua", steps=1)
    office = users["joint_office"]
    with pytest.raises(CaseNotClosed):
        reopen_case(
            case, office, _department(office, "joint_office"), phase="rescue", reason=REASON
        )
    db.session.rollback()
    assert db.session.get(Case, case.id).reopenings == 0


@pytest.mark.parametrize(
    ("phase", "reason"),
    [("rescue", ""), ("rescue", "   "), ("rescue", "x" * (REASON_LENGTH + 1)), ("stay", REASON)],
)
def test_a_reopening_needs_a_reason_and_a_phase_it_can_start_at(closed_case, users, phase, reason):
    office = users["joint_office"]
    with pytest.raises(ReopeningInvalid):
        reopen_case(
            closed_case, office, _department(office, "joint_office"), phase=phase, reason=reason
        )
    db.session.rollback()
    assert db.session.get(Case, closed_case.id).status == CaseStatus.CLOSED


def test_a_case_closed_at_the_end_of_its_pathway_starts_again_without_its_outcome(
    completed_case, users
):
    row = db.session.get(CaseIndicator, completed_case.id)
    assert row.outcome and not row.closed_early and row.phase == "closed"
    office = users["joint_office"]
    department = _department(office, "joint_office")
    reopen_case(completed_case, office, department, phase="return_home", reason=REASON)
    db.session.commit()
    row = db.session.get(CaseIndicator, completed_case.id)
    assert (row.phase, row.outcome, row.closed_at, row.reopenings) == ("return_home", "", None, 1)


@pytest.fixture
def received_case(users):
    """A case handed over by another province (no intake here), closed early."""
    case = engine.open_received_case(
        {"age": 15, "sex": "female"},
        users["civil_affairs"],
        "Lin Xiaomei",
        department="civil_affairs",
        received={"province": "yunnan", "case_number": "YN-1", "packet": "p-1"},
    )
    engine.close_case(case, users["civil_affairs_head"], "victim moved abroad")
    db.session.commit()
    return case


def test_a_case_handed_over_starts_again_only_where_it_has_the_data(received_case, users):
    head = users["civil_affairs_head"]
    department = _department(head, "civil_affairs")
    assert entry_phases(received_case) == ["return_home"]
    with pytest.raises(ReopeningInvalid):  # rescue reads the intake it never had here
        reopen_case(received_case, head, department, phase="rescue", reason=REASON)
    db.session.rollback()
    reopen_case(received_case, head, department, phase="return_home", reason=REASON)
    db.session.commit()
    (task,) = db.session.scalars(engine.open_tasks(received_case)).all()
    assert task.form_key == "return_reunion"


def _reopen(client, case, **form):
    return client.post(
        f"/cases/{case.number}/reopen", data={"phase": "rescue", "reason": REASON, **form}
    )


def _listed(client, **query) -> list[str]:
    page = client.get("/cases/", query_string=query).get_data(as_text=True)
    return re.findall(r">(HC-\d{4}-[A-Z0-9]{6})<", page)


def test_the_joint_office_reopens_from_the_case_page(completed_case, login, audits):
    closed_case = completed_case
    client = login("joint_office", "en")
    assert _listed(client, phase="closed") == [closed_case.number]
    page = client.get(f"/cases/{closed_case.number}").get_data(as_text=True)
    assert "Re-open the case" in page
    response = _reopen(client, closed_case)
    assert response.status_code == 303
    page = client.get(f"/cases/{closed_case.number}").get_data(as_text=True)
    assert "Case re-opened at Rescue and identification: " + REASON in page
    assert "Re-open the case" not in page and "1 time, last on" in page
    assert audits("case_reopened", case_id=closed_case.id, allowed=True) == 1
    assert _listed(client, phase="closed") == []
    assert _listed(client, phase="rescue") == [closed_case.number]


def test_the_reason_stays_with_the_readers_of_identity(completed_case, login):
    """Health saw the case through, so it reads the re-opening, but not why (it may tell the
    victim's situation); the police read it."""
    assert _reopen(login("joint_office", "en"), completed_case).status_code == 303
    health = login("health", "en").get(f"/cases/{completed_case.number}").get_data(as_text=True)
    assert "Case re-opened at Rescue and identification" in health and REASON not in health
    police = login("police", "en").get(f"/cases/{completed_case.number}").get_data(as_text=True)
    assert "Case re-opened at Rescue and identification: " + REASON in police


def test_the_case_page_says_it_in_chinese(closed_case, login):
    client = login("police_head")
    assert _reopen(client, closed_case).status_code == 303
    page = client.get(f"/cases/{closed_case.number}").get_data(as_text=True)
    assert "案件重新开启，从“解救与身份甄别”阶段开始：" + REASON in page  # noqa: RUF001
    assert "1 次，最近一次于" in page  # noqa: RUF001


@pytest.mark.parametrize(
    "username, refusal",
    [
        ("police", "case_reopen_refused"),  # sees the case, re-opens none
        ("health_head", "case_reopen_requested"),  # may not even see it
        ("reviewer", "case_reopen_refused"),  # reads every case, changes none
    ],
)
def test_others_get_403_and_the_refusal_is_audited(closed_case, login, audits, username, refusal):
    client = login(username)
    before = audits(refusal, case_id=closed_case.id, allowed=False)
    page = client.get(f"/cases/{closed_case.number}").get_data(as_text=True)
    assert "/reopen" not in page
    assert _reopen(client, closed_case).status_code == 403
    assert audits(refusal, case_id=closed_case.id, allowed=False) == before + 1
    assert db.session.get(Case, closed_case.id).status == CaseStatus.CLOSED


def test_an_open_case_answers_409(open_case, login):
    case = open_case("Chen Hua", steps=1)
    response = _reopen(login("police_head"), case)
    assert response.status_code == 409
    assert db.session.get(Case, case.id).reopenings == 0


@pytest.mark.parametrize(
    "form",
    [{"reason": ""}, {"reason": "x" * (REASON_LENGTH + 1)}, {"phase": "nowhere"}, {"phase": ""}],
)
def test_hostile_forms_get_422_and_change_nothing(closed_case, login, form):
    response = _reopen(login("police_head", "en"), closed_case, **form)
    assert response.status_code == 422
    assert 'class="error' in response.get_data(as_text=True)
    assert db.session.get(Case, closed_case.id).status == CaseStatus.CLOSED


def test_the_form_offers_exactly_the_phases_a_case_starts_again_at():
    assert [code for code, _ in PHASES] == list(ENTRY_PHASES)


def test_a_reopening_without_a_csrf_token_is_refused(closed_case, csrf_client):
    response = csrf_client.post(f"/cases/{closed_case.number}/reopen", data={"reason": REASON})
    assert response.status_code == 400
    assert db.session.get(Case, closed_case.id).status == CaseStatus.CLOSED


def test_only_the_phases_a_case_can_start_at_are_offered_and_accepted(received_case, login):
    client = login("civil_affairs_head", "en")
    page = client.get(f"/cases/{received_case.number}").get_data(as_text=True)
    assert 'value="return_home"' in page and 'value="rescue"' not in page
    response = _reopen(client, received_case)  # a forged choice: at rescue
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.get(Case, received_case.id).status == CaseStatus.CLOSED


def test_a_case_another_province_took_over_does_not_start_again_here(closed_case, login):
    timeline.record(closed_case, EventType.HANDOVER_ACCEPTED, case_number="HC-2026-YN0001")
    db.session.commit()
    client = login("police_head", "en")
    page = client.get(f"/cases/{closed_case.number}").get_data(as_text=True)
    assert "Re-open the case" not in page
    response = _reopen(client, closed_case)
    assert response.status_code == 409
    assert "Another province has taken this case over" in response.get_data(as_text=True)
    assert db.session.get(Case, closed_case.id).reopenings == 0


def test_a_rule_failing_as_the_case_starts_again_is_an_incident_and_it_stays_closed(
    restore_pathway, closed_case, login
):
    """As at intake: 409 saying a manager has been told, an incident, nothing changed."""
    probe = (DIAGRAMS / "incident_opening_probe.bpmn").read_text()
    failing = probe.replace("RULE", "age / 0 > 1").replace("incident_opening_probe", "case")
    deploy({"case.bpmn": failing.encode()}, DEPARTMENT_CODES)
    db.session.commit()
    client = login("police_head", "en")
    answer = client.post(
        f"/cases/{closed_case.number}/reopen", data={"phase": "rescue", "reason": REASON}
    )
    assert answer.status_code == 409
    assert "a manager has been told" in answer.get_data(as_text=True)
    db.session.rollback()
    (incident,) = db.session.scalars(select(Incident))
    assert (incident.source, incident.error_type) == (
        IncidentSource.CASE_OPENING,
        "ZeroDivisionError",
    )
    assert db.session.get(Case, closed_case.id).status == CaseStatus.CLOSED
