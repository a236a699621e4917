"""Fields shown only after an earlier answer: declared once, enforced, stated on the page."""

import re
from datetime import date

import pytest
from wtforms.fields import StringField

from forms.base import TaskForm
from forms.conditions import ConditionError, conditional_fields, shown_when
from forms.examples import EXAMPLES
from forms.fields import ShortTextField, YesNoField
from forms.registry import FORMS, get_form_class
from models import HumanTask, db
from workflows import engine

ELIGIBLE = {
    "legal_application_date": date(2024, 3, 11),
    "legal_aid_centre": "Putian Legal Aid Centre",
    "legal_aid_eligible": True,
}


def legal_aid(**answers) -> TaskForm:
    form = get_form_class("legal_eligibility").from_data({**ELIGIBLE, **answers})
    form.validate()
    return form


def test_a_shown_field_is_required():
    form = legal_aid()
    assert set(form.errors) == {"eligibility_ground", "legal_aid_accepted"}
    assert form.eligibility_ground.errors == ["请选择一项。"]  # the app context speaks Chinese


def test_a_hidden_field_is_not_required():
    form = legal_aid(legal_aid_eligible=False, ineligibility_reason="Income above the threshold")
    assert form.errors == {}
    assert form.workflow_data()["eligibility_ground"] is None


def test_a_value_sent_for_a_hidden_field_is_ignored():
    form = legal_aid(
        legal_aid_eligible=False,
        ineligibility_reason="Income above the threshold",
        eligibility_ground="minor",
        legal_aid_accepted=True,
    )
    assert form.errors == {}
    data = form.workflow_data()
    assert (data["eligibility_ground"], data["legal_aid_accepted"]) == (None, None)
    assert data["ineligibility_reason"] == "Income above the threshold"


def test_an_unanswered_question_hides_what_hangs_on_it():
    form = legal_aid(legal_aid_eligible=None, eligibility_ground="minor")
    assert set(form.errors) == {"legal_aid_eligible"}


def test_one_of_several_answers_shows_the_field():
    base = {**EXAMPLES["training_job_referral"], "job_start_date": None}
    working = get_form_class("training_job_referral").from_data(base)
    assert not working.validate() and set(working.errors) == {"job_start_date"}
    seeking = get_form_class("training_job_referral").from_data(
        {**base, "employment_status": "seeking"}
    )
    assert seeking.validate(), seeking.errors
    assert seeking.workflow_data()["employer_name"] is None


def test_a_victim_from_abroad_has_no_province_whatever_was_sent():
    form = get_form_class("case_open").from_data(
        {**EXAMPLES["case_open"], "origin_country": "VN", "origin_province": "fujian"}
    )
    assert form.validate(), form.errors
    assert form.workflow_data()["origin_province"] == ""


@pytest.mark.parametrize("key", sorted(key for key, form in FORMS.items() if form.conditions))
def test_every_example_agrees_with_its_rules(key):
    form = get_form_class(key).from_data(EXAMPLES[key])
    assert form.validate(), form.errors


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"reason": shown_when("nowhere", equals=True)}, "no field"),
        ({"reason": shown_when("eligible", equals="maybe")}, "has no answer"),
        ({"reason": shown_when("note", equals="x")}, "is not a choice"),
        ({"eligible": shown_when("reason", equals="x")}, "must come before"),
    ],
)
def test_a_wrong_rule_is_refused_when_the_form_is_declared(rule, problem):
    with pytest.raises(ConditionError, match=problem):
        type(
            "BadForm",
            (TaskForm,),
            {
                "note": StringField("Note"),
                "eligible": YesNoField("Eligible"),
                "reason": ShortTextField("Reason", sensitivity=None),
                "conditions": conditional_fields(**rule),
            },
        )


def test_a_rule_needs_an_answer():
    with pytest.raises(ConditionError):
        shown_when("eligible")


def _legal_aid_task(users) -> HumanTask:
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    while (task := db.session.scalars(engine.open_tasks(case)).first()).form_key != (
        "legal_eligibility"
    ):
        engine.complete_task(task.id, EXAMPLES[task.form_key], users[task.department.code])
    db.session.commit()
    return task


@pytest.mark.parametrize(
    ("locale", "hint", "refusal"),
    [
        (
            "en",
            "Only if “Eligible for legal aid” is “Yes”.",
            "Only if “Eligible for legal aid” is “No”.",
        ),
        ("zh", "仅当“符合法律援助条件”为“是”时填写。", "仅当“符合法律援助条件”为“否”时填写。"),
    ],
)
def test_the_task_page_states_each_rule_before_submission(users, login, locale, hint, refusal):
    task = _legal_aid_task(users)
    page = login("justice", locale).get(f"/tasks/{task.id}").get_data(as_text=True)
    ground = re.search(r'<div class="field choicefield"[^>]*>.*?</div>', page, re.S).group(0)
    assert 'data-shown-when="legal_aid_eligible" data-shown-values="yes"' in ground
    assert f'<p class="hint only-if" id="eligibility_ground-rule">{hint}</p>' in ground
    assert 'aria-describedby="eligibility_ground-rule"' in ground
    assert refusal in page
    assert "conditions.js" in page


@pytest.mark.parametrize(
    ("locale", "hint"),
    [("en", "Only if “Country of origin” is “China”."), ("zh", "仅当“原籍国”为“中国”时填写。")],
)
def test_the_intake_page_says_when_a_province_is_needed(login, locale, hint):
    page = login("police", locale).get("/cases/new").get_data(as_text=True)
    assert 'data-shown-when="origin_country" data-shown-values="CN"' in page
    assert hint in page
