"""Legal aid for eligible victims (justice, through legal-aid institutions)."""

from flask_babel import lazy_gettext as _l

from .base import TaskForm
from .conditions import conditional_fields, shown_when
from .fields import (
    ChoiceField,
    CountField,
    EventDateField,
    MultiChoiceField,
    NotesField,
    ShortTextField,
    YesNoField,
)
from .sensitivity import Sensitivity as S

ELIGIBILITY_GROUNDS = [
    ("crime_victim", _l("Victim in a criminal case")),
    ("financial_hardship", _l("Financial hardship")),
    ("minor", _l("Minor")),
    ("disability", _l("Disability")),
]
PROCEEDINGS = [
    ("criminal_case", _l("Criminal case against the traffickers")),
    ("compensation", _l("Civil compensation")),
    ("marriage", _l("Annulment or divorce of a forced marriage")),
    ("custody", _l("Custody of children")),
    ("documents", _l("Identity and household registration")),
    ("labour", _l("Unpaid wages or labour rights")),
]
REPRESENTATION_STATUSES = [
    ("ongoing", _l("Ongoing")),
    ("concluded", _l("Concluded")),
    ("withdrawn", _l("Withdrawn by the victim")),
]


class LegalEligibilityForm(TaskForm):
    """The legal-aid institution's decision on the victim's application."""

    form_key = "legal_eligibility"
    department = "justice"
    title = _l("Assess eligibility and offer legal aid")
    purpose = _l(
        "Assess whether the victim is eligible for legal aid and, if so, offer it: "
        "every minor and every victim in a criminal case is assessed."
    )

    legal_application_date = EventDateField(_l("Date of the application or assessment"))
    legal_aid_centre = ShortTextField(_l("Legal-aid institution"), sensitivity=S.PLAIN)
    legal_aid_eligible = YesNoField(_l("Eligible for legal aid"))
    eligibility_ground = ChoiceField(_l("Ground of eligibility"), ELIGIBILITY_GROUNDS)
    ineligibility_reason = ShortTextField(
        _l("Reason for refusal"), max_length=300, sensitivity=S.FINANCIAL
    )
    # Aid is offered to every eligible victim, who accepts or declines it.
    legal_aid_accepted = YesNoField(
        _l("Legal aid offered and accepted by the victim (or guardian)")
    )

    conditions = conditional_fields(
        eligibility_ground=shown_when("legal_aid_eligible", equals=True),
        ineligibility_reason=shown_when("legal_aid_eligible", equals=False),
        legal_aid_accepted=shown_when("legal_aid_eligible", equals=True),
    )


class LegalRepresentationForm(TaskForm):
    """The lawyer assigned and the proceedings they take on."""

    form_key = "legal_representation"
    department = "justice"
    title = _l("Represent the victim")
    purpose = _l("Assign a legal-aid lawyer and record the proceedings and their outcome.")

    lawyer_assigned_date = EventDateField(_l("Lawyer assigned on"))
    lawyer_name = ShortTextField(_l("Lawyer"), max_length=120, sensitivity=S.PLAIN)
    legal_proceedings = MultiChoiceField(_l("Proceedings"), PROCEEDINGS, required=True)
    representation_status = ChoiceField(_l("Status of the representation"), REPRESENTATION_STATUSES)
    compensation_awarded = CountField(
        _l("Compensation awarded (yuan)"), maximum=100_000_000, required=False
    )
    representation_notes = NotesField(_l("Representation notes"), sensitivity=S.IDENTITY)
