"""Keeping a case's countable facts (models/facts.py) in step with its intake and identification.

The engine calls `record` with a step's clean answers; a later answer of the same step (a
second identification, a migrated case done again) replaces the earlier one.
"""

from collections.abc import Mapping
from datetime import date

from sqlalchemy import delete

from forms.intake import INTAKE_FORM
from models import Case, CaseFactChoice, CaseFacts, db

IDENTIFICATION_FORM = "rescue_identification"
FACT_FORMS = frozenset({INTAKE_FORM, IDENTIFICATION_FORM})
# Fact column <- form field, per form.
SINGLE_FACTS = {
    INTAKE_FORM: {
        "report_type": "report_type",
        "reported_on": "report_date",
        "sex": "sex",
        "age": "age",
        "origin_country": "origin_country",
        "origin_province": "origin_province",
        "rescue_place": "rescue_place",
    },
    IDENTIFICATION_FORM: {
        "identified_on": "identification_date",
        "trafficking_confirmed": "trafficking_confirmed",
        "age": "age",
        "recruiter_relation": "recruiter_relation",
        "recruitment_place": "recruitment_place",
        "exploitation_place": "exploitation_place",
    },
}
DATE_FACTS = frozenset({"reported_on", "identified_on"})
# Several-answer fact <- form field (identification only).
MULTI_FACTS = {"exploitation_type": "exploitation_types", "means_of_control": "means_of_control"}


def record(case: Case, form_key: str, answers: Mapping) -> CaseFacts | None:
    """Write the facts a completed intake or identification holds; other steps hold none."""
    if form_key not in FACT_FORMS:
        return None
    facts = db.session.get(CaseFacts, case.id) or CaseFacts(case_id=case.id)
    for column, field in SINGLE_FACTS[form_key].items():
        if field in answers:
            setattr(facts, column, _value(column, answers[field]))
    db.session.add(facts)
    if form_key == IDENTIFICATION_FORM:
        _replace_choices(case, answers)
    db.session.flush()
    return facts


def _value(column: str, value):
    """The answer as the column stores it: a date from its ISO string, nothing for ""."""
    if value == "":
        return None
    if column in DATE_FACTS and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _replace_choices(case: Case, answers: Mapping) -> None:
    for fact, field in MULTI_FACTS.items():
        db.session.execute(
            delete(CaseFactChoice).filter_by(case_id=case.id, fact=fact),
            execution_options={"synchronize_session": False},
        )
        for code in sorted(set(answers.get(field) or ())):
            db.session.add(CaseFactChoice(case_id=case.id, fact=fact, code=code))
