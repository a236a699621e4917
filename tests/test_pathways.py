"""One test per path through the pathway, each with a realistic victim profile.

Every step goes through the engine (validate, run, save, sync rows, timeline); follow-up
timers fire from a real `flask timers run` worker process.
"""

from scenarios import carry, check_timeline, events, open_case
from sqlalchemy import select

from models import CaseStatus, ProcessInstance, db
from workflows import engine

FOLLOW_UP_TWO_ROUNDS = [{"case_can_close": False}, {"case_can_close": True}]
NO_EXTRAS = {"legal_aid_requested": False}


def test_child_whose_parents_are_found_returns_to_them(users, run_worker):
    """A 7-year-old reported missing in Fujian is found, identified and reunited at home."""
    case = open_case(
        users, "Zhang Xiaoyu", report_type="missing_child", age=7, origin_province="fujian"
    )
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 7, "identity_established": True},
            "rescue_family_tracing": {"parents_found": True},
            "aid_shelter": {**NO_EXTRAS, "willing_to_return": True},
            "follow_up_visit": FOLLOW_UP_TWO_ROUNDS,
        },
        run_worker,
    )
    assert steps == [
        ("rescue_rapid_search", "police"),
        ("rescue_identification", "police"),
        ("rescue_family_tracing", "police"),
        ("aid_shelter", "civil_affairs"),
        ("aid_womens_support", "womens_federation"),
        ("home_safety_assessment", "civil_affairs"),
        ("aid_special_file", "police"),
        ("care_medical", "health"),
        ("return_plan", "civil_affairs"),
        ("legal_eligibility", "justice"),
        ("difficulty_health", "health"),
        ("difficulty_education", "education"),
        ("legal_representation", "justice"),
        ("return_reunion", "civil_affairs"),
        ("care_psychological", "health"),
        ("school_enrolment", "education"),
        ("school_adaptation", "civil_affairs"),
        ("follow_up_visit", "civil_affairs"),
        ("follow_up_visit", "civil_affairs"),
        ("closure_review", "joint_office"),
    ]
    events = check_timeline(case, steps, rounds=2)
    handovers = [e.data["to"] for e in events if e.event_type == "case_handed_over"]
    assert handovers[:4] == ["civil_affairs", "womens_federation", "civil_affairs", "police"]


def test_child_whose_parents_are_not_found_is_placed_by_civil_affairs(users, run_worker):
    """An unidentified 9-year-old: DNA finds no match, civil affairs places her, she stays."""
    case = open_case(users, "Xiao Hong", age=9)
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 9, "identity_established": False},
            "rescue_dna_sampling": {"parents_found": False},
            "aid_shelter": {**NO_EXTRAS, "willing_to_return": False},
            "follow_up_visit": [{"case_can_close": True}],
        },
        run_worker,
    )
    keys = [key for key, _ in steps]
    assert keys[:4] == [
        "rescue_identification",
        "rescue_dna_sampling",
        "rescue_child_placement",
        "aid_shelter",
    ]
    assert ("rescue_child_placement", "civil_affairs") in steps
    assert {"school_enrolment", "school_adaptation"} <= set(keys)
    assert not {"return_plan", "training_enrolment", "rescue_family_tracing"} & set(keys)
    check_timeline(case, steps, rounds=1)


def test_school_age_child_returns_home_to_another_province(users, run_worker):
    """A 12-year-old from Sichuan is handed over to Sichuan, which schools him at home."""
    case = open_case(users, "Li Ming", age=12, origin_province="sichuan", sex="male")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 12, "identity_established": True},
            "rescue_family_tracing": {"parents_found": True},
            "aid_shelter": {**NO_EXTRAS, "willing_to_return": True},
            "return_province_handover": {"receiving_province": "sichuan"},
            "follow_up_visit": [{"case_can_close": True}],
        },
        run_worker,
    )
    keys = [key for key, _ in steps]
    assert keys[-3:] == ["return_province_handover", "follow_up_visit", "closure_review"]
    assert keys.index("return_plan") < keys.index("return_province_handover")
    assert not {"school_enrolment", "return_reunion"} & set(keys)
    events = check_timeline(case, steps, rounds=1)
    assert any(e.event_type == "case_handed_over" and e.data.get("to") == "sichuan" for e in events)


def test_adult_woman_stays_for_job_training(users, run_worker):
    """A 24-year-old woman who will not go back: women's federation support and training."""
    case = open_case(users, "Chen Jing", age=24, origin_province="guizhou")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 24, "identity_established": True},
            "aid_shelter": {**NO_EXTRAS, "willing_to_return": False},
            "follow_up_visit": [{"case_can_close": True}],
        },
        run_worker,
    )
    assert steps[:4] == [
        ("rescue_identification", "police"),
        ("aid_shelter", "civil_affairs"),
        ("aid_womens_support", "womens_federation"),
        ("aid_special_file", "police"),
    ]
    keys = [key for key, _ in steps]
    assert ("training_enrolment", "hr_social_security") in steps
    assert ("training_job_referral", "hr_social_security") in steps
    assert not {"return_plan", "school_enrolment", "rescue_family_tracing"} & set(keys)
    check_timeline(case, steps, rounds=1)


def test_adult_from_across_the_border_is_repatriated_with_the_police(users, run_worker):
    """A 30-year-old man from Vietnam is repatriated at the border by the police."""
    case = open_case(
        users, "Tran Van Nam", age=30, sex="male", origin_country="VN", origin_province=""
    )
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 30, "identity_established": True},
            "aid_shelter": {**NO_EXTRAS, "willing_to_return": True},
            "follow_up_visit": [{"case_can_close": True}],
        },
        run_worker,
    )
    keys = [key for key, _ in steps]
    assert ("return_repatriation", "police") in steps
    assert keys.index("return_plan") < keys.index("return_repatriation")
    assert not {
        "aid_womens_support",
        "return_province_handover",
        "return_reunion",
        "training_enrolment",
    } & set(keys)
    events = check_timeline(case, steps, rounds=1)
    assert any(
        e.event_type == "case_handed_over" and e.data.get("form_key") == "return_repatriation"
        for e in events
    )


def test_victim_with_disability_receives_legal_aid(users, run_worker):
    """A 35-year-old man with a disability: legal aid and the disabled persons' federation."""
    case = open_case(
        users, "Wu Gang", age=35, sex="male", disability=True, origin_province="fujian"
    )
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 35, "identity_established": True},
            "aid_shelter": {"willing_to_return": True, "legal_aid_requested": True},
            "legal_eligibility": {"legal_aid_eligible": True},
            "follow_up_visit": [{"case_can_close": True}],
        },
        run_worker,
    )
    assert {
        ("legal_eligibility", "justice"),
        ("legal_representation", "justice"),
        ("disability_assessment", "disabled_persons_federation"),
        ("care_medical", "health"),
        ("return_reunion", "civil_affairs"),
    } <= set(steps)
    check_timeline(case, steps, rounds=1)


def test_legal_aid_ends_when_the_victim_is_not_eligible(users, run_worker):
    """Not eligible: justice assesses, nobody represents; the case goes on."""
    case = open_case(users, "Zhao Lei", age=40, sex="male", origin_province="fujian")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 40, "identity_established": True},
            "aid_shelter": {"willing_to_return": True, "legal_aid_requested": True},
            "legal_eligibility": {
                "legal_aid_eligible": False,
                "eligibility_ground": None,
                "ineligibility_reason": "Income above the legal-aid threshold",
                "legal_aid_accepted": None,
            },
            "follow_up_visit": [{"case_can_close": True}],
        },
        run_worker,
    )
    keys = [key for key, _ in steps]
    assert "legal_eligibility" in keys and "legal_representation" not in keys
    check_timeline(case, steps, rounds=1)


def test_closing_a_case_early_cancels_its_open_steps(users):
    """A case closed before the pathway ends (e.g. the victim moved abroad): nothing stays open."""
    case = open_case(users, "Sun Li", age=28, origin_province="fujian")
    task = db.session.scalars(engine.open_tasks(case)).first()
    engine.close_case(case, users["joint_office"], "victim moved abroad")
    db.session.commit()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    assert db.session.scalars(engine.open_tasks(case)).first() is None
    db.session.refresh(task)
    assert task.status == "cancelled"
    last = events(case)[-1]
    assert (last.event_type, last.data["reason"]) == ("case_closed", "victim moved abroad")
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    assert instance.next_timer_at is None
