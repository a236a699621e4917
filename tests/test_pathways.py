"""One test per path through the pathway, each with a realistic victim profile.

Every step goes through the engine (validate, run, save, sync rows, timeline); follow-up
timers fire from a real `flask timers run` worker process.
"""

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from forms.examples import EXAMPLES
from models import CaseStatus, Department, ProcessInstance, TimelineEvent, db
from workflows import engine
from workflows.instances import load
from workflows.serialization import dump_state, load_state

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run_worker(worker_env):
    """Wait until the case's next timer is due, then run one timer worker to idle."""

    def run(instance: ProcessInstance) -> None:
        wait = (instance.next_timer_at - datetime.now(UTC)).total_seconds()
        db.session.rollback()  # end our read: SQLite lets one transaction at a time in
        time.sleep(max(wait, 0) + 0.05)
        result = subprocess.run(
            [sys.executable, "-m", "flask", "timers", "run", "--until-idle"],
            cwd=ROOT, env=worker_env, capture_output=True, text=True, timeout=60, check=True,
        )
        assert "fired 1 timers" in result.stdout

    return run


def _answers(form_key: str, overrides: dict, round_no: int) -> dict:
    extra = overrides.get(form_key, {})
    if isinstance(extra, list):  # one answer per follow-up round
        extra = extra[min(round_no, len(extra) - 1)]
    return {**EXAMPLES[form_key], **extra}


def _assert_roundtrip(instance: ProcessInstance) -> None:
    """Saving and restoring the workflow mid-run loses nothing."""
    workflow, definition = load(instance)
    state = dump_state(workflow)
    restored = load_state(state, definition.specs)
    assert dump_state(restored) == state
    assert {str(t.id) for t in restored.get_tasks()} == {str(t.id) for t in workflow.get_tasks()}


def carry(case, users, overrides, run_worker) -> list[tuple[str, str]]:
    """Complete every ready task with realistic answers until the case closes."""
    steps, rounds = [], 0
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    while case.status == CaseStatus.OPEN:
        task = db.session.scalars(engine.open_tasks(case)).first()
        if task is None:
            db.session.commit()
            assert instance.next_timer_at is not None, "the case stalled with nothing to do"
            run_worker(instance)
            db.session.expire_all()
            continue
        key, department = task.form_key, task.department.code
        engine.complete_task(task.id, _answers(key, overrides, rounds), users[department])
        rounds += key == "follow_up_visit"
        steps.append((key, department))
        if len(steps) == 4:
            _assert_roundtrip(instance)
        assert len(steps) < 60
    db.session.commit()
    return steps


def _events(case) -> list[TimelineEvent]:
    return list(db.session.scalars(
        select(TimelineEvent).filter_by(case_id=case.id).order_by(TimelineEvent.id)
    ))


def _department(event) -> str | None:
    return db.session.get(Department, event.department_id).code if event.department_id else None


def _check_timeline(case, steps, rounds):
    events = _events(case)
    kinds = [e.event_type for e in events]
    assert kinds[0] == "case_opened" and kinds[-1] == "case_closed"
    completed = [(e.data["form_key"], _department(e)) for e in events
                 if e.event_type == "task_completed"]
    assert completed == steps
    ready = [(e.data["form_key"], _department(e)) for e in events if e.event_type == "task_ready"]
    assert sorted(ready) == sorted(steps)
    assert kinds.count("timer_fired") == rounds
    return events


FOLLOW_UP_TWO_ROUNDS = [{"case_can_close": False}, {"case_can_close": True}]
NO_EXTRAS = {"legal_aid_requested": False}


def test_child_whose_parents_are_found_returns_to_them(open_case, users, run_worker):
    """A 7-year-old reported missing in Fujian is found, identified and reunited at home."""
    case = open_case("Zhang Xiaoyu", report_type="missing_child", age=7,
                 origin_province="fujian")
    steps = carry(case, users, {
        "rescue_identification": {"age": 7, "identity_established": True},
        "rescue_family_tracing": {"parents_found": True},
        "aid_shelter": {**NO_EXTRAS, "willing_to_return": True},
        "follow_up_visit": FOLLOW_UP_TWO_ROUNDS,
    }, run_worker)
    assert steps == [
        ("rescue_rapid_search", "police"), ("rescue_identification", "police"),
        ("rescue_family_tracing", "police"), ("aid_shelter", "civil_affairs"),
        ("aid_special_file", "police"), ("care_medical", "health"),
        ("school_enrolment", "education"), ("care_psychological", "health"),
        ("school_adaptation", "civil_affairs"), ("return_plan", "civil_affairs"),
        ("return_reunion", "civil_affairs"), ("follow_up_visit", "civil_affairs"),
        ("follow_up_visit", "civil_affairs"), ("closure_review", "joint_office"),
    ]
    events = _check_timeline(case, steps, rounds=2)
    handovers = [e.data["to"] for e in events if e.event_type == "case_handed_over"]
    assert handovers[:4] == ["civil_affairs", "police", "education", "health"]


def test_child_whose_parents_are_not_found_is_placed_by_civil_affairs(open_case, users, run_worker):
    """An unidentified 9-year-old: DNA finds no match, civil affairs places her, she stays."""
    case = open_case("Xiao Hong", age=9)
    steps = carry(case, users, {
        "rescue_identification": {"age": 9, "identity_established": False},
        "rescue_dna_sampling": {"parents_found": False},
        "aid_shelter": {**NO_EXTRAS, "willing_to_return": False},
        "follow_up_visit": [{"case_can_close": True}],
    }, run_worker)
    keys = [key for key, _ in steps]
    assert keys[:4] == ["rescue_identification", "rescue_dna_sampling",
                        "rescue_child_placement", "aid_shelter"]
    assert ("rescue_child_placement", "civil_affairs") in steps
    assert {"school_enrolment", "school_adaptation"} <= set(keys)
    assert not {"return_plan", "training_enrolment", "rescue_family_tracing"} & set(keys)
    _check_timeline(case, steps, rounds=1)


def test_school_age_child_returns_home_to_another_province(open_case, users, run_worker):
    """A 12-year-old from Sichuan: schooling meanwhile, then handed over to Sichuan."""
    case = open_case("Li Ming", age=12, origin_province="sichuan", sex="male")
    steps = carry(case, users, {
        "rescue_identification": {"age": 12, "identity_established": True},
        "rescue_family_tracing": {"parents_found": True},
        "aid_shelter": {**NO_EXTRAS, "willing_to_return": True},
        "return_province_handover": {"receiving_province": "sichuan"},
        "follow_up_visit": [{"case_can_close": True}],
    }, run_worker)
    keys = [key for key, _ in steps]
    assert keys[-4:] == ["return_plan", "return_province_handover", "follow_up_visit",
                         "closure_review"]
    assert "school_enrolment" in keys and "return_reunion" not in keys
    events = _check_timeline(case, steps, rounds=1)
    assert any(e.event_type == "case_handed_over" and e.data.get("to") == "sichuan"
               for e in events)


def test_adult_woman_stays_for_job_training(open_case, users, run_worker):
    """A 24-year-old woman who will not go back: women's federation support and training."""
    case = open_case("Chen Jing", age=24, origin_province="guizhou")
    steps = carry(case, users, {
        "rescue_identification": {"age": 24, "identity_established": True},
        "aid_shelter": {**NO_EXTRAS, "willing_to_return": False},
        "follow_up_visit": [{"case_can_close": True}],
    }, run_worker)
    assert steps[:4] == [("rescue_identification", "police"), ("aid_shelter", "civil_affairs"),
                         ("aid_womens_support", "womens_federation"),
                         ("aid_special_file", "police")]
    keys = [key for key, _ in steps]
    assert ("training_enrolment", "hr_social_security") in steps
    assert ("training_job_referral", "hr_social_security") in steps
    assert not {"return_plan", "school_enrolment", "rescue_family_tracing"} & set(keys)
    _check_timeline(case, steps, rounds=1)


def test_adult_from_across_the_border_is_repatriated_with_the_police(open_case, users, run_worker):
    """A 30-year-old man from Vietnam is repatriated at the border by the police."""
    case = open_case("Tran Van Nam", age=30, sex="male", origin_country="VN",
                 origin_province="")
    steps = carry(case, users, {
        "rescue_identification": {"age": 30, "identity_established": True},
        "aid_shelter": {**NO_EXTRAS, "willing_to_return": True},
        "follow_up_visit": [{"case_can_close": True}],
    }, run_worker)
    keys = [key for key, _ in steps]
    assert ("return_repatriation", "police") in steps
    assert keys.index("return_plan") < keys.index("return_repatriation")
    assert not {"aid_womens_support", "return_province_handover", "return_reunion",
                "training_enrolment"} & set(keys)
    events = _check_timeline(case, steps, rounds=1)
    assert any(e.event_type == "case_handed_over" and e.data.get("form_key")
               == "return_repatriation" for e in events)


def test_victim_with_disability_receives_legal_aid(open_case, users, run_worker):
    """A 35-year-old man with a disability: legal aid and the disabled persons' federation."""
    case = open_case("Wu Gang", age=35, sex="male", disability=True,
                 origin_province="fujian")
    steps = carry(case, users, {
        "rescue_identification": {"age": 35, "identity_established": True},
        "aid_shelter": {"willing_to_return": True, "legal_aid_requested": True},
        "legal_eligibility": {"legal_aid_eligible": True},
        "follow_up_visit": [{"case_can_close": True}],
    }, run_worker)
    assert {("legal_eligibility", "justice"), ("legal_representation", "justice"),
            ("disability_assessment", "disabled_persons_federation"),
            ("care_medical", "health"), ("return_reunion", "civil_affairs")} <= set(steps)
    _check_timeline(case, steps, rounds=1)


def test_legal_aid_ends_when_the_victim_is_not_eligible(open_case, users, run_worker):
    """Not eligible: justice assesses, nobody represents; the case goes on."""
    case = open_case("Zhao Lei", age=40, sex="male", origin_province="fujian")
    steps = carry(case, users, {
        "rescue_identification": {"age": 40, "identity_established": True},
        "aid_shelter": {"willing_to_return": True, "legal_aid_requested": True},
        "legal_eligibility": {"legal_aid_eligible": False, "eligibility_ground": None,
                              "ineligibility_reason": "Income above the legal-aid threshold"},
        "follow_up_visit": [{"case_can_close": True}],
    }, run_worker)
    keys = [key for key, _ in steps]
    assert "legal_eligibility" in keys and "legal_representation" not in keys
    _check_timeline(case, steps, rounds=1)


def test_closing_a_case_early_cancels_its_open_steps(open_case, users):
    """A case closed before the pathway ends (e.g. the victim moved abroad): nothing stays open."""
    case = open_case("Sun Li", age=28, origin_province="fujian")
    task = db.session.scalars(engine.open_tasks(case)).first()
    engine.close_case(case, users["joint_office"], "victim moved abroad")
    db.session.commit()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    assert db.session.scalars(engine.open_tasks(case)).first() is None
    db.session.refresh(task)
    assert task.status == "cancelled"
    last = _events(case)[-1]
    assert (last.event_type, last.data["reason"]) == ("case_closed", "victim moved abroad")
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    assert instance.next_timer_at is None
