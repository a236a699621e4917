"""Intake and identification record the HTCDS facts the evaluation counts, in plain rows."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from forms.examples import EXAMPLES
from forms.registry import get_form_class
from forms.sensitivity import Sensitivity, field_classes
from models import CaseFactChoice, CaseFacts, HumanTask, db
from workflows import engine
from workflows.errors import FormInvalid


def _choices(case, fact):
    return set(
        db.session.scalars(select(CaseFactChoice.code).filter_by(case_id=case.id, fact=fact))
    )


def _identify(case, users, **answers):
    task = db.session.scalar(
        select(HumanTask).filter_by(case_id=case.id, form_key="rescue_identification")
    )
    engine.complete_task(task.id, {**EXAMPLES["rescue_identification"], **answers}, users["police"])
    db.session.commit()


def test_intake_writes_the_victims_profile_and_county_of_rescue(open_case):
    case = open_case(age=16, sex="male", rescue_place="350583", report_date=date(2026, 5, 4))
    facts = db.session.get(CaseFacts, case.id)
    assert (facts.report_type, facts.sex, facts.age, facts.rescue_place) == (
        "rescue",
        "male",
        16,
        "350583",
    )
    assert (facts.origin_country, facts.origin_province) == ("CN", "yunnan")
    assert facts.reported_on == date(2026, 5, 4)
    assert facts.identified_on is None and _choices(case, "exploitation_type") == set()


def test_identification_adds_exploitation_control_recruiter_and_places(open_case, users):
    case = open_case()
    _identify(case, users, age=15)
    facts = db.session.get(CaseFacts, case.id)
    assert facts.age == 15 and facts.identified_on == date(2024, 3, 4)
    assert facts.trafficking_confirmed is True
    assert (facts.recruiter_relation, facts.recruitment_place, facts.exploitation_place) == (
        "broker",
        "530000",
        "350322",
    )
    assert _choices(case, "exploitation_type") == {"forced_marriage", "child_sale_adoption"}
    assert _choices(case, "means_of_control") == {
        "restricts_movement",
        "withholds_documents",
        "threats",
    }


def test_places_left_unknown_are_stored_as_none(open_case, users):
    case = open_case()
    _identify(case, users, recruitment_place="", exploitation_place="", means_of_control=[])
    facts = db.session.get(CaseFacts, case.id)
    assert facts.recruitment_place is None and facts.exploitation_place is None
    assert _choices(case, "means_of_control") == set()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rescue_place", "110000"),  # not a county of the list
        ("rescue_place", "<script>"),
    ],
)
def test_intake_refuses_a_place_outside_the_list(users, field, value):
    with pytest.raises(FormInvalid) as refused:
        engine.open_case({**EXAMPLES["case_open"], field: value}, users["police"], "Lin Xiaomei")
    assert field in refused.value.errors


@pytest.mark.parametrize(
    ("locale", "message"),
    [("en", "Choose at least one type of exploitation."), ("zh", "请至少选择一种剥削类型。")],
)
def test_a_confirmed_victim_needs_a_type_of_exploitation(locale, message):
    with force_locale(locale):
        form = get_form_class("rescue_identification").from_data(
            {**EXAMPLES["rescue_identification"], "exploitation_types": []}
        )
        assert not form.validate()
    assert form.errors["exploitation_types"] == [message]
    not_confirmed = {"exploitation_types": [], "trafficking_confirmed": False}
    form = get_form_class("rescue_identification").from_data(
        {**EXAMPLES["rescue_identification"], **not_confirmed}
    )
    assert form.validate(), form.errors
    form = get_form_class("rescue_identification").from_data(
        {
            **EXAMPLES["rescue_identification"],
            "exploitation_types": ["sexual", "no_such_type"],
        }
    )
    assert not form.validate() and "exploitation_types" in form.errors


def test_the_new_fields_declare_their_sensitivity():
    intake = field_classes(get_form_class("case_open"))
    identification = field_classes(get_form_class("rescue_identification"))
    assert intake["rescue_place"] is Sensitivity.LOCATION
    assert identification["recruiter_relation"] is Sensitivity.IDENTITY
    assert identification["exploitation_place"] is Sensitivity.LOCATION
    assert identification["exploitation_types"] is Sensitivity.PLAIN
