"""What a case, or an intake not yet saved, says about who the victim is."""

from collections.abc import Mapping

from sqlalchemy import select

from forms.intake import INTAKE_FORM
from models import Case, EventType, TimelineEvent, db

from .keys import Identity, birth_year

# Per form: (field of the age, field of the date it was stated on).
AGES = {
    "case_open": ("age", "report_date"),
    "rescue_identification": ("age", "identification_date"),
}
DOCUMENT_FIELDS = ("identity_document_number", "confirmed_document_number")
DNA_FIELDS = ("dna_sample_reference", "dna_match_reference")
# The steps whose answers say who the victim is: completing one re-indexes the case.
IDENTIFYING_FORMS = {"case_open", "rescue_identification", "rescue_dna_sampling"}


def add_answers(identity: Identity, form_key: str, data: Mapping) -> None:
    """Add what one step's answers say about the victim's identity."""
    identity.documents |= {data[f] for f in DOCUMENT_FIELDS if data.get(f)}
    identity.dna |= {data[f] for f in DNA_FIELDS if data.get(f)}
    if form_key in AGES:
        age_field, date_field = AGES[form_key]
        year = birth_year(data.get(age_field), data.get(date_field))
        if year is not None:
            identity.birth_years.add(year)
    if data.get("origin_country"):
        identity.origin = f"{data['origin_country']}/{data.get('origin_province') or ''}"


def intake_identity(name: str, data: Mapping) -> Identity:
    """The identity an intake form's answers describe, before any case exists."""
    identity = Identity(name=name or "")
    add_answers(identity, INTAKE_FORM, data)
    return identity


def case_identity(case: Case) -> Identity:
    """The identity a case's name and submitted steps describe."""
    identity = Identity(name=case.victim_name or "")
    events = db.session.scalars(
        select(TimelineEvent)
        .filter_by(case_id=case.id)
        .where(TimelineEvent.event_type.in_([EventType.CASE_OPENED, EventType.TASK_COMPLETED]))
        .order_by(TimelineEvent.id)
    )
    for event in events:
        data = event.data or {}
        add_answers(identity, data.get("form_key", INTAKE_FORM), data.get("data") or {})
    return identity
