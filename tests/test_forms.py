"""Task forms: the contract's keys and decision fields, validation, case data, translations."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict
from wtforms.fields import SubmitField

from forms.base import FormNotValidated, TaskForm
from forms.choices import COUNTRIES, PROVINCES
from forms.examples import EXAMPLES
from forms.fields import CountField, MultiChoiceField, YesNoField, china_today
from forms.registry import FORMS, UnknownFormKey, case_fields, form_choices, get_form_class
from models.people import DEPARTMENTS

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po"

# docs/pathway.md: every form key and the lane (department) whose task it is.
CONTRACT = {
    "case_open": "police",
    "rescue_rapid_search": "police",
    "rescue_parents_dna": "police",
    "rescue_search_review": "police",
    "rescue_search_oversight": "joint_office",
    "rescue_identification": "police",
    "rescue_dna_sampling": "police",
    "rescue_family_tracing": "police",
    "rescue_family_investigation": "police",
    "rescue_child_placement": "civil_affairs",
    "aid_shelter": "civil_affairs",
    "aid_womens_support": "womens_federation",
    "aid_special_file": "police",
    "home_safety_assessment": "civil_affairs",
    "difficulty_civil_affairs": "civil_affairs",
    "difficulty_health": "health",
    "difficulty_education": "education",
    "difficulty_justice": "justice",
    "difficulty_police": "police",
    "care_medical": "health",
    "care_psychological": "health",
    "legal_eligibility": "justice",
    "legal_representation": "justice",
    "school_enrolment": "education",
    "school_adaptation": "civil_affairs",
    "disability_assessment": "disabled_persons_federation",
    "return_plan": "civil_affairs",
    "return_repatriation": "police",
    "return_province_handover": "civil_affairs",
    "return_reunion": "civil_affairs",
    "training_enrolment": "hr_social_security",
    "training_job_referral": "hr_social_security",
    "follow_up_visit": "civil_affairs",
    "follow_up_police_check": "police",
    "closure_review": "joint_office",
}
# docs/pathway.md: case data read by diagram conditions, with the form that sets it.
DECISIONS = [
    ("case_open", "report_type", str),
    ("case_open", "age", int),
    ("case_open", "sex", str),
    ("case_open", "disability", bool),
    ("case_open", "origin_country", str),
    ("case_open", "origin_province", str),
    ("rescue_rapid_search", "search_outcome", str),
    ("rescue_parents_dna", "parents_dna_match", bool),
    ("rescue_search_review", "child_found", bool),
    ("rescue_identification", "identity_established", bool),
    ("rescue_identification", "age", int),
    ("rescue_identification", "criminal_case_filed", bool),
    ("rescue_dna_sampling", "parents_found", bool),
    ("rescue_family_tracing", "parents_found", bool),
    ("rescue_family_tracing", "family_safety_concern", bool),
    ("aid_shelter", "willing_to_return", bool),
    ("aid_shelter", "legal_aid_requested", bool),
    ("aid_special_file", "referred_difficulties", list),
    ("home_safety_assessment", "home_safe", bool),
    ("legal_eligibility", "legal_aid_eligible", bool),
    ("legal_eligibility", "legal_aid_accepted", bool),
    ("follow_up_visit", "case_can_close", bool),
    ("follow_up_police_check", "police_safety_concern", bool),
]
# The difficulty forms ask one department each the same questions.
SHARED_NAMES = {
    "age",
    "parents_found",
    "difficulty_action_date",
    "difficulty_outcome",
    "difficulty_notes",
}


def filled(key: str, **changes) -> TaskForm:
    """The form for `key` built from its example with `changes`, validated."""
    form = get_form_class(key).from_data({**EXAMPLES[key], **changes})
    form.validate()
    return form


def lazy_texts(form_class: type[TaskForm]) -> set[str]:
    """Title, purpose, labels and choice labels of a form, in English (their msgids)."""
    form = form_class()
    texts = {str(form_class.title), str(form_class.purpose)}
    for field in form:
        texts.add(str(field.label.text))
        texts.update(str(choice.label) for choice in getattr(field, "iter_choices", list)())
    return texts


def test_registry_holds_every_form_of_the_contract():
    assert set(FORMS) == set(CONTRACT)
    assert all(key == form.form_key for key, form in FORMS.items())


@pytest.mark.parametrize("key", sorted(CONTRACT))
def test_form_belongs_to_its_lane(key):
    assert get_form_class(key).department == CONTRACT[key]
    assert CONTRACT[key] in {code for code, _, _ in DEPARTMENTS}


@pytest.mark.parametrize("key", sorted(CONTRACT))
def test_example_validates_and_stores_json(key):
    form = filled(key)
    assert form.errors == {}
    data = form.workflow_data()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == set(form.field_names())
    for name, field in form._fields.items():
        if isinstance(field, YesNoField):
            assert isinstance(data[name], bool), name
        if isinstance(field, MultiChoiceField):
            assert isinstance(data[name], list), name


@pytest.mark.parametrize("key", sorted(CONTRACT))
def test_stored_data_validates_again_unchanged(key):
    data = filled(key).workflow_data()
    again = get_form_class(key).from_data(data)
    assert again.validate(), again.errors
    assert again.workflow_data() == data


@pytest.mark.parametrize(("key", "name", "kind"), DECISIONS)
def test_decision_fields_have_the_contract_types(key, name, kind):
    assert type(filled(key).workflow_data()[name]) is kind


def test_yes_no_stores_false_for_no():
    form = filled("aid_shelter", willing_to_return="no", legal_aid_requested=False)
    data = form.workflow_data()
    assert data["willing_to_return"] is False
    assert data["legal_aid_requested"] is False


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("case_open", "report_date"),
        ("rescue_identification", "identification_date"),
        ("aid_shelter", "admission_date"),
        ("follow_up_visit", "visit_date"),
    ],
)
def test_future_date_of_an_event_is_rejected(key, name):
    form = filled(key, **{name: china_today() + timedelta(days=1)})
    assert list(form.errors) == [name]


def test_planned_date_may_be_in_the_future():
    form = filled("return_plan", planned_travel_date=china_today() + timedelta(days=10))
    assert form.errors == {}


@pytest.mark.parametrize("key", ["case_open", "rescue_identification"])
@pytest.mark.parametrize("age", [200, -1, "twelve"])
def test_impossible_age_is_rejected(key, age):
    assert list(filled(key, age=age).errors) == ["age"]


@pytest.mark.parametrize("answer", [None, "", "maybe"])
def test_missing_or_invalid_yes_no_is_rejected(answer):
    form = filled("rescue_identification", identity_established=answer)
    assert list(form.errors) == ["identity_established"]


COUNT_FIELDS = [
    (key, name)
    for key, form in FORMS.items()
    for name, field in form()._fields.items()
    if isinstance(field, CountField)
]


@pytest.mark.parametrize(("key", "name"), COUNT_FIELDS)
@pytest.mark.parametrize("number", [10**400, "9" * 309, -(10**400)], ids=["int", "text", "neg"])
def test_a_number_beyond_any_float_is_an_error_on_its_field(key, name, number):
    """Python's ints have no bound, a float's range ends at ~1.8e308: such a count is out of
    range like any other, not an error of the page."""
    changes = {name: number} | _shown_by(key, name)
    form = filled(key, **changes)
    assert list(form.errors) == [name]
    assert "from" in str(form.errors[name][0]) or "between" in str(form.errors[name][0])


def _shown_by(key: str, name: str) -> dict:
    rule = FORMS[key].conditions.get(name)
    return {rule.controller: rule.values[0]} if rule else {}


def test_negative_count_is_rejected():
    assert list(filled("care_psychological", counselling_sessions=-1).errors) == [
        "counselling_sessions"
    ]


def test_overlong_text_is_rejected():
    assert list(filled("case_open", intake_notes="x" * 1001).errors) == ["intake_notes"]


def test_child_is_never_placed_with_the_buying_family():
    form = filled("rescue_child_placement", not_with_buying_family=False)
    assert list(form.errors) == ["not_with_buying_family"]


def test_child_is_never_placed_with_a_family_suspected_of_the_sale():
    form = filled("rescue_child_placement", not_with_suspected_family=False)
    assert list(form.errors) == ["not_with_suspected_family"]


@pytest.mark.parametrize("risk", ["involved_in_sale", "violence"])
def test_home_with_a_family_in_the_sale_or_violence_is_never_safe(risk):
    form = filled("home_safety_assessment", home_risks=[risk], home_safe=True)
    assert list(form.errors) == ["home_safe"]
    assert filled("home_safety_assessment", home_risks=[risk], home_safe=False).errors == {}


def test_poverty_alone_leaves_the_judgement_to_the_assessor():
    assert filled("home_safety_assessment", home_risks=["neglect"], home_safe=True).errors == {}


def test_eligible_victim_is_offered_legal_aid_and_answers():
    assert list(filled("legal_eligibility", legal_aid_accepted=None).errors) == [
        "legal_aid_accepted"
    ]
    declined = filled("legal_eligibility", legal_aid_accepted=False)
    assert declined.workflow_data()["legal_aid_accepted"] is False
    refused = filled(
        "legal_eligibility",
        legal_aid_eligible=False,
        eligibility_ground=None,
        ineligibility_reason="Income above the threshold",
        legal_aid_accepted=True,
    )
    assert refused.errors == {}
    assert refused.workflow_data()["legal_aid_accepted"] is None  # not offered: not stored


def test_search_found_wanting_says_what_it_needs():
    form = filled("rescue_search_oversight", search_adequate=False, oversight_requests=[])
    assert list(form.errors) == ["oversight_requests"]


def test_province_is_required_for_china_and_empty_abroad():
    assert list(filled("case_open", origin_province="").errors) == ["origin_province"]
    abroad = filled("case_open", origin_country="VN")
    assert abroad.workflow_data()["origin_province"] == ""


def test_no_dna_sample_without_consent():
    refused = filled("rescue_dna_sampling", dna_consent=False)
    assert refused.errors == {}
    assert refused.workflow_data()["dna_sample_date"] is None
    no_sample = filled(
        "rescue_dna_sampling",
        dna_consent=False,
        dna_consent_by=None,
        dna_sample_date=None,
        parents_found=False,
    )
    assert no_sample.errors == {}


def test_empty_optional_answers_are_stored_as_none():
    data = filled("legal_representation", representation_notes="  ").workflow_data()
    assert data["representation_notes"] is None
    assert data["compensation_awarded"] is None


def test_empty_data_fails_on_every_required_field():
    form = get_form_class("aid_shelter").from_data({})
    assert not form.validate()
    assert {"admission_date", "willing_to_return", "legal_aid_requested"} <= set(form.errors)


def test_from_data_accepts_posted_form_data():
    posted = MultiDict({"identity_established": "no", "age": "9"})
    form = get_form_class("rescue_identification").from_data(posted)
    assert form.identity_established.data is False
    assert form.age.data == 9


def test_workflow_data_leaves_out_buttons():
    class WithButton(FORMS["closure_review"]):
        save = SubmitField("Save")

    form = WithButton.from_data({**EXAMPLES["closure_review"], "save": "Save"})
    assert form.validate()
    assert "save" not in form.workflow_data()


def test_workflow_data_needs_a_successful_validation():
    form = get_form_class("closure_review").from_data(EXAMPLES["closure_review"])
    with pytest.raises(FormNotValidated):
        form.workflow_data()


def test_unknown_form_key_is_named():
    with pytest.raises(UnknownFormKey, match="rescue_typo") as raised:
        get_form_class("rescue_typo")
    assert isinstance(raised.value, KeyError)


def test_form_choices_cover_every_key():
    choices = dict(form_choices())
    assert set(choices) == set(CONTRACT)
    assert all(isinstance(title, str) and title for title in choices.values())
    assert choices["rescue_identification"] == "Identify the victim"


def test_field_names_are_unique_across_forms():
    seen: dict[str, str] = {}
    for key, form in FORMS.items():
        for name in form.field_names():
            assert name in SHARED_NAMES or name not in seen, f"{name}: {seen.get(name)}, {key}"
            seen[name] = key


def test_case_fields_know_every_field_and_engine_name():
    names = case_fields()
    assert {"home_province", "follow_up_interval", "returning_home"} <= names
    assert {name for _, name, _ in DECISIONS} <= names
    assert all(set(form.field_names()) <= names for form in FORMS.values())


def test_provinces_and_countries():
    assert len(PROVINCES) == 34
    assert len({province.code for province in PROVINCES}) == 34
    assert {"fujian", "sichuan", "yunnan"} <= {province.code for province in PROVINCES}
    assert [country.code for country in COUNTRIES] == ["CN", "VN", "MM", "LA", "KH", "other"]


def test_labels_are_english_outside_an_app():
    form = get_form_class("case_open")()
    assert str(form.age.label.text) == "Estimated age"
    assert str(FORMS["case_open"].title) == "Open a case"


@pytest.fixture(autouse=True)
def app_context():
    """Form tests need no database and run outside the app (replaces conftest's fixture)."""
    yield


@pytest.fixture
def translated_app(tmp_path):
    """A factory of Flask apps in a given locale, using the zh catalogue compiled into tmp_path."""
    mo_path = tmp_path / "zh/LC_MESSAGES/messages.mo"
    mo_path.parent.mkdir(parents=True)
    with PO_FILE.open("rb") as po, mo_path.open("wb") as mo:
        write_mo(mo, read_po(po))

    def make(locale: str) -> Flask:
        app = Flask(__name__)
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
        Babel(app, default_locale=locale)
        return app

    return make


@pytest.mark.parametrize(
    ("locale", "label", "title"),
    [
        ("zh", "估计年龄", "立案登记"),
        ("en", "Estimated age", "Open a case"),
    ],
)
def test_labels_follow_the_locale(translated_app, locale, label, title):
    with translated_app(locale).test_request_context():
        form = get_form_class("case_open")()
        assert str(form.age.label.text) == label
        assert dict(form_choices())["case_open"] == title


def test_errors_follow_the_locale(translated_app):
    with translated_app("zh").test_request_context():
        form = get_form_class("case_open").from_data({**EXAMPLES["case_open"], "age": 200})
        form.validate()
    assert form.errors == {"age": ["年龄必须在 0 到 120 岁之间。"]}


@pytest.fixture(scope="module")
def zh_catalog():
    with PO_FILE.open("rb") as po:
        return read_po(po)


@pytest.mark.parametrize("key", sorted(CONTRACT))
def test_every_text_of_a_form_has_a_chinese_translation(zh_catalog, key):
    for text in lazy_texts(FORMS[key]):
        message = zh_catalog.get(text)
        assert message is not None and message.string, text
        assert not message.fuzzy, text


def test_every_message_extracted_from_forms_is_translated(zh_catalog):
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)

    def only_forms(path: str) -> bool:
        return Path(path).relative_to(ROOT).parts[0] == "forms"

    found = extract_from_dir(ROOT, method_map, options_map, directory_filter=only_forms)
    messages = {message for _, _, message, *_ in found}
    assert "Identify the victim" in messages
    untranslated = [m for m in messages if not getattr(zh_catalog.get(m), "string", "")]
    assert untranslated == []


def test_province_labels_translate_to_their_chinese_names(zh_catalog):
    for province in PROVINCES:
        assert zh_catalog.get(str(province.name)).string == province.name_zh
    for country in COUNTRIES:
        assert zh_catalog.get(str(country.name)).string == country.name_zh
