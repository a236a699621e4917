"""The branches of the pathway that keep children safe (docs/pathway.md, "Child safety").

Each test carries a realistic victim through the engine and checks which department receives
each task, which never do, and what the timeline says.
"""

import pytest
from scenarios import carry, check_timeline, department_of

from models import HumanTask, db
from workflows import engine

RETURN_STEPS = {"return_plan", "return_province_handover", "return_reunion", "return_repatriation"}
SAFE_FAMILY = {"parents_found": True, "family_safety_concern": False}
ONE_VISIT = [{"case_can_close": True}]


def keys_of(steps) -> list[str]:
    """The form keys of the completed steps, in order."""
    return [key for key, _ in steps]


def receivers(case) -> set[tuple[str, str]]:
    """(form key, department) of every task the case ever put in an inbox."""
    rows = db.session.scalars(db.select(HumanTask).filter_by(case_id=case.id))
    return {(row.form_key, row.department.code) for row in rows}


def test_girl_of_17_who_will_not_go_home_stays_for_training_in_care(open_case, users, run_worker):
    """Her parents are found and home is safe, but she refuses: she is not sent home."""
    case = open_case("Wang Fang", age=17, origin_province="guizhou")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 17, "identity_established": True},
            "rescue_family_tracing": SAFE_FAMILY,
            "aid_shelter": {"willing_to_return": False, "legal_aid_requested": False},
            "home_safety_assessment": {
                "child_wishes": "does_not_want",
                "home_safe": True,
                "child_views": "My father arranged the marriage.",
            },
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    keys = keys_of(steps)
    assert not RETURN_STEPS & set(keys)
    assert {
        ("home_safety_assessment", "civil_affairs"),
        ("aid_womens_support", "womens_federation"),
        ("training_enrolment", "hr_social_security"),
        ("training_job_referral", "hr_social_security"),
        ("legal_eligibility", "justice"),
        ("follow_up_police_check", "police"),
    } <= set(steps)
    assert steps.count(("rescue_child_placement", "civil_affairs")) == 1
    assert keys.index("home_safety_assessment") < keys.index("rescue_child_placement")
    assert "school_enrolment" not in keys
    timeline = check_timeline(case, steps, rounds=1)
    assert not {e.data.get("to") for e in timeline if e.event_type == "case_handed_over"} & {
        "guizhou"
    }


def test_girl_of_17_who_wants_to_go_home_to_a_safe_family_goes_home(open_case, users, run_worker):
    """The same girl, willing and with a safe home: planned home to Guizhou, no training."""
    case = open_case("Wang Fang", age=17, origin_province="guizhou")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 17, "identity_established": True},
            "rescue_family_tracing": SAFE_FAMILY,
            "aid_shelter": {"willing_to_return": True, "legal_aid_requested": False},
            "return_province_handover": {"receiving_province": "guizhou"},
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    keys = keys_of(steps)
    assert {"return_plan", "return_province_handover"} <= set(keys)
    assert not {"training_enrolment", "rescue_child_placement", "follow_up_police_check"} & set(
        keys
    )
    check_timeline(case, steps, rounds=1)


def test_child_under_16_stays_in_care_when_home_is_not_safe(open_case, users, run_worker):
    """A 13-year-old wants to go home, but the assessment finds neglect and a risk of re-sale."""
    case = open_case("Liu Yang", age=13, sex="male", origin_province="fujian")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 13, "identity_established": True},
            "rescue_family_tracing": SAFE_FAMILY,
            "aid_shelter": {"willing_to_return": True},
            "home_safety_assessment": {
                "home_risks": ["neglect", "retrafficking"],
                "home_safe": False,
                "child_wishes": "wants_to_return",
            },
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    keys = keys_of(steps)
    assert not RETURN_STEPS & set(keys)
    assert ("rescue_child_placement", "civil_affairs") in steps
    assert {"school_enrolment", "care_psychological"} <= set(keys)
    assert "training_enrolment" not in keys
    check_timeline(case, steps, rounds=1)


def test_family_suspected_of_the_sale_never_gets_the_child_back(open_case, users, run_worker):
    """A 10-year-old's parents are found but suspected of selling him: placed, police told."""
    case = open_case("Chen Hao", age=10, sex="male", origin_province="jiangxi")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 10, "identity_established": True},
            "rescue_family_tracing": {"parents_found": True, "family_safety_concern": True},
            "aid_shelter": {"willing_to_return": True},
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    keys = keys_of(steps)
    assert keys[:2] == ["rescue_identification", "rescue_family_tracing"]
    assert ("rescue_family_investigation", "police") in steps
    assert steps.count(("rescue_child_placement", "civil_affairs")) == 1
    assert not (RETURN_STEPS | {"home_safety_assessment"}) & set(keys)
    assert not {key for key, _ in receivers(case)} & RETURN_STEPS
    timeline = check_timeline(case, steps, rounds=1)
    traced = next(
        i
        for i, e in enumerate(timeline)
        if e.event_type == "task_completed" and e.data["form_key"] == "rescue_family_tracing"
    )
    told = {
        (e.data["form_key"], department_of(e))
        for e in timeline[traced : traced + 5]
        if e.event_type == "task_ready"
    }
    assert told == {
        ("rescue_family_investigation", "police"),
        ("rescue_child_placement", "civil_affairs"),
    }


def test_child_going_to_another_province_is_not_kept_for_schooling(open_case, users, run_worker):
    """A 14-year-old from Yunnan: the return is planned at once, schooling is handed over."""
    case = open_case("Yang Mei", age=14, origin_province="yunnan")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 14, "identity_established": True},
            "rescue_family_tracing": SAFE_FAMILY,
            "aid_shelter": {"willing_to_return": True, "legal_aid_requested": False},
            "return_province_handover": {
                "receiving_province": "yunnan",
                "pending_support": ["schooling", "psychological_care"],
            },
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    keys = keys_of(steps)
    assert not {"school_enrolment", "school_adaptation", "care_psychological"} & set(keys)
    handover = keys.index("return_province_handover")
    assert (
        max(
            keys.index(k)
            for k in ("return_plan", "care_medical", "legal_eligibility", "legal_representation")
        )
        < handover
    )
    timeline = check_timeline(case, steps, rounds=1)
    kinds = [(e.event_type, e.data.get("form_key")) for e in timeline]
    assert kinds.index(("task_ready", "return_plan")) < kinds.index(
        ("task_completed", "care_medical")
    )
    handed = next(
        e
        for e in timeline
        if e.event_type == "task_completed" and e.data["form_key"] == "return_province_handover"
    )
    assert handed.data["data"]["pending_support"] == ["schooling", "psychological_care"]


def test_child_reunited_in_the_province_goes_to_school_at_home(open_case, users, run_worker):
    """A 9-year-old from Fujian goes home first; school and psychological care follow there."""
    case = open_case("Lin Xiaoyu", age=9, origin_province="fujian")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 9, "identity_established": True},
            "rescue_family_tracing": SAFE_FAMILY,
            "aid_shelter": {"willing_to_return": True},
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    keys = keys_of(steps)
    reunion = keys.index("return_reunion")
    assert reunion < keys.index("school_enrolment") < keys.index("school_adaptation")
    assert reunion < keys.index("care_psychological")
    assert keys.index("care_medical") < reunion
    check_timeline(case, steps, rounds=1)


def test_missing_child_search_stays_open_until_the_child_is_found(open_case, users, run_worker):
    """A 6-year-old is missing for five reviews: the parents' DNA is compared, the fourth
    review goes to the joint office, and only once found does the case go on from rescue."""
    case = open_case("Zhou Xiaoling", report_type="missing_child", age=6, origin_province="fujian")
    still_missing = [{"child_found": False}] * 4
    steps = carry(
        case,
        users,
        {
            "rescue_rapid_search": {"search_outcome": "searching"},
            "rescue_search_review": [*still_missing, {"child_found": True}],
            "rescue_identification": {"age": 6, "identity_established": True},
            "rescue_family_tracing": SAFE_FAMILY,
            "aid_shelter": {"willing_to_return": True},
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    found = keys_of(steps).index("rescue_identification")
    assert steps[:found] == [
        ("rescue_rapid_search", "police"),
        ("rescue_parents_dna", "police"),
        *[("rescue_search_review", "police")] * 4,
        ("rescue_search_oversight", "joint_office"),
        ("rescue_search_review", "police"),
    ]
    assert keys_of(steps)[found : found + 2] == ["rescue_identification", "rescue_family_tracing"]
    timeline = check_timeline(case, steps, rounds=6)
    kinds = [(e.event_type, e.data.get("form_key")) for e in timeline]
    for i, kind in enumerate(kinds):
        if kind == ("task_ready", "rescue_search_review"):
            assert kinds[i - 1][0] == "timer_fired"


def test_missing_child_whose_parents_dna_matches_goes_on_at_once(open_case, users, run_worker):
    """The parents' DNA matches a child already in the database: no open search."""
    case = open_case("Zhou Xiaoling", report_type="missing_child", age=6, origin_province="fujian")
    steps = carry(
        case,
        users,
        {
            "rescue_rapid_search": {"search_outcome": "searching"},
            "rescue_parents_dna": {"parents_dna_match": True},
        },
        run_worker,
        until=lambda case: ("rescue_identification", "police") in receivers(case),
    )
    assert keys_of(steps)[:2] == ["rescue_rapid_search", "rescue_parents_dna"]
    assert ("rescue_identification", "police") in receivers(case)
    assert "rescue_search_review" not in {key for key, _ in receivers(case)}


def test_help_reaches_an_adult_man_with_a_criminal_case(open_case, users, run_worker):
    """A 35-year-old man staying in Fujian: legal aid assessed unasked, each difficulty ticked
    becomes a task for its department, and the police follow up with civil affairs."""
    case = open_case("Huang Wei", age=35, sex="male", origin_province="fujian")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {
                "age": 35,
                "identity_established": True,
                "criminal_case_filed": True,
            },
            "aid_shelter": {"willing_to_return": False, "legal_aid_requested": False},
            "aid_special_file": {"referred_difficulties": ["housing", "documents"]},
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    assert {
        ("legal_eligibility", "justice"),
        ("difficulty_civil_affairs", "civil_affairs"),
        ("difficulty_police", "police"),
        ("follow_up_visit", "civil_affairs"),
        ("follow_up_police_check", "police"),
    } <= set(steps)
    assert not {
        "difficulty_health",
        "difficulty_education",
        "difficulty_justice",
        "aid_womens_support",
    } & set(keys_of(steps))
    check_timeline(case, steps, rounds=1)


def test_adult_without_a_criminal_case_or_request_gets_no_legal_step(open_case, users, run_worker):
    """A 30-year-old woman, no criminal case, no request: justice is not asked."""
    case = open_case("Sun Li", age=30, origin_province="fujian")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {
                "age": 30,
                "identity_established": True,
                "criminal_case_filed": False,
            },
            "aid_shelter": {"willing_to_return": True, "legal_aid_requested": False},
            "aid_special_file": {"referred_difficulties": []},
            "follow_up_visit": ONE_VISIT,
        },
        run_worker,
    )
    keys = keys_of(steps)
    assert ("aid_womens_support", "womens_federation") in steps
    assert not {"legal_eligibility", "follow_up_police_check"} & set(keys)
    assert not any(key.startswith("difficulty_") for key in keys)
    check_timeline(case, steps, rounds=1)


def test_follow_up_goes_on_while_the_police_see_danger(open_case, users, run_worker):
    """Civil affairs would close, but the police saw a buyer seeking the victim: one more round."""
    case = open_case("Huang Wei", age=35, sex="male", origin_province="fujian")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {"age": 35, "identity_established": True},
            "aid_shelter": {"willing_to_return": False},
            "follow_up_visit": ONE_VISIT,
            "follow_up_police_check": [
                {"police_safety_concern": True},
                {"police_safety_concern": False},
            ],
        },
        run_worker,
    )
    assert keys_of(steps).count("follow_up_visit") == 2
    check_timeline(case, steps, rounds=2)


@pytest.mark.parametrize(
    ("locale", "label", "found"),
    [
        ("en", "Database comparison reference", "Parents found"),
        ("zh", "数据库比对编号", "已找到父母"),
    ],
)
def test_civil_affairs_placing_a_child_reads_the_dna_result(
    open_case, users, run_worker, login, client, locale, label, found
):
    """An unidentified 8-year-old whose DNA matches no parent: civil affairs, placing her, reads
    the comparison that sent her to them, but not the police's own notes."""
    case = open_case("Xiao Hong", age=8)
    carry(
        case,
        users,
        {
            "rescue_identification": {"age": 8, "identity_established": False},
            "rescue_dna_sampling": {
                "parents_found": False,
                "dna_match_reference": "DNA-2024-0412",
                "dna_notes": "Compared twice; no parent in the national database.",
            },
        },
        run_worker,
        until=lambda case: ("rescue_child_placement", "civil_affairs") in receivers(case),
    )
    placement = db.session.scalar(
        db.select(HumanTask).filter_by(case_id=case.id, form_key="rescue_child_placement")
    )
    page = login("civil_affairs", locale).get(f"/tasks/{placement.id}").get_data(as_text=True)
    dna = page.split('data-form-key="rescue_dna_sampling"')[1].split("</details>")[0]
    assert label in dna and "DNA-2024-0412" in dna and found in dna
    assert "national database" not in page


DIFFICULTY_DEPARTMENTS = {
    "difficulty_civil_affairs": "civil_affairs",  # housing and income
    "difficulty_health": "health",
    "difficulty_education": "education",
    "difficulty_justice": "justice",
    "difficulty_police": "police",  # identity documents
}


def test_each_difficulty_ticked_is_a_task_in_its_departments_inbox(open_case, users, run_worker):
    """A 19-year-old woman staying in Fujian with every difficulty: one task in each inbox."""
    case = open_case("Wang Fang", age=19, origin_province="fujian")
    every = ["housing", "income", "health", "schooling", "legal", "documents"]
    carry(
        case,
        users,
        {
            "rescue_identification": {"age": 19, "identity_established": True},
            "aid_shelter": {"willing_to_return": False},
            "aid_special_file": {"referred_difficulties": every},
        },
        run_worker,
        until=lambda case: any(key.startswith("difficulty_") for key, _ in receivers(case)),
    )
    for key, code in DIFFICULTY_DEPARTMENTS.items():
        inbox = db.session.scalars(engine.inbox(code)).all()
        assert [t.form_key for t in inbox if t.case_id == case.id and t.form_key == key] == [key]
    assert {key for key, _ in receivers(case) if key.startswith("difficulty_")} == set(
        DIFFICULTY_DEPARTMENTS
    )


def test_girl_of_15_without_a_criminal_case_gets_womens_support_and_legal_aid(
    open_case, users, run_worker
):
    """No criminal case and no request: being a child is enough for justice to assess legal aid,
    and the women's federation supports a girl as it does a woman."""
    case = open_case("Lin Xiaoyu", age=15, origin_province="fujian")
    steps = carry(
        case,
        users,
        {
            "rescue_identification": {
                "age": 15,
                "identity_established": True,
                "criminal_case_filed": False,
            },
            "rescue_family_tracing": SAFE_FAMILY,
            "aid_shelter": {"willing_to_return": True, "legal_aid_requested": False},
        },
        run_worker,
        until=lambda case: ("legal_eligibility", "justice") in receivers(case),
    )
    assert ("aid_womens_support", "womens_federation") in steps
    assert ("legal_eligibility", "justice") in receivers(case)
