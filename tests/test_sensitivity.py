"""Sensitivity classes: declared once per field, they mask answers and bound exports."""

import pytest
from sqlalchemy import select

from forms.examples import EXAMPLES
from forms.fields import NotesField, ShortTextField
from forms.intake import VictimNameForm
from forms.registry import FORMS
from forms.sensitivity import Sensitivity, exportable, field_classes
from models import HumanTask, User, db
from workflows import engine

SHELTER = EXAMPLES["aid_shelter"]["shelter_name"]


def _free_text_fields():
    for form_class in [*FORMS.values(), VictimNameForm]:
        for name, field in form_class()._fields.items():
            if isinstance(field, ShortTextField | NotesField):
                yield form_class, name, field


def test_every_free_text_and_notes_field_declares_its_class():
    undeclared = [
        f"{form.__name__}.{name}"
        for form, name, field in _free_text_fields()
        if not isinstance(field.sensitivity, Sensitivity)
    ]
    assert undeclared == []


def test_an_undeclared_free_text_field_is_caught():
    class Careless(FORMS["aid_shelter"]):
        careless_notes = NotesField("Notes")

    assert field_classes(Careless)["careless_notes"] is None


def test_dna_health_and_places_are_classified_as_such():
    assert field_classes(FORMS["rescue_dna_sampling"])["dna_notes"] == Sensitivity.BIOMETRIC
    assert field_classes(FORMS["care_medical"])["medical_notes"] == Sensitivity.HEALTH
    assert field_classes(FORMS["aid_shelter"])["shelter_name"] == Sensitivity.LOCATION
    assert VictimNameForm().victim_name.sensitivity == Sensitivity.IDENTITY


def test_an_export_carries_only_the_classes_it_asks_for():
    data = FORMS["aid_shelter"].from_data(EXAMPLES["aid_shelter"])
    assert data.validate()
    stored = data.workflow_data()
    plain = exportable(FORMS["aid_shelter"], stored, {Sensitivity.PLAIN})
    assert "shelter_name" not in plain and "shelter_notes" not in plain
    assert plain["shelter_type"] == "rescue_station"
    located = exportable(FORMS["aid_shelter"], stored, {Sensitivity.PLAIN, Sensitivity.LOCATION})
    assert located["shelter_name"] == SHELTER


def _case_at_health(users):
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Lin Xiaomei")
    for _ in range(30):
        ready = db.session.scalars(engine.open_tasks(case)).all()
        if any(task.department.code == "health" for task in ready) or not ready:
            break
        task = ready[0]
        engine.complete_task(task.id, EXAMPLES[task.form_key], users[task.department.code])
    db.session.commit()
    assert db.session.scalars(select(HumanTask).filter_by(case_id=case.id)).all()
    return case


@pytest.mark.parametrize(("locale", "restricted"), [("en", "restricted"), ("zh", "受限")])
def test_a_department_that_needs_the_step_but_not_the_place_sees_restricted(
    users, login, client, locale, restricted
):
    case = _case_at_health(users)
    health = db.session.scalar(select(User).filter_by(username="health"))
    before, health.locale = health.locale, locale
    db.session.commit()
    try:
        login("health")
        page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    finally:
        health.locale = before
        db.session.commit()
    assert SHELTER not in page
    assert restricted in page


def test_the_police_read_the_shelter_they_need(users, login, client):
    case = _case_at_health(users)
    login("police")
    assert SHELTER in client.get(f"/cases/{case.number}").get_data(as_text=True)
