"""Medical and psychological care (health)."""

from flask_babel import lazy_gettext as _l

from .base import TaskForm
from .conditions import conditional_fields, shown_when
from .fields import (
    ChoiceField,
    CountField,
    EventDateField,
    MultiChoiceField,
    NotesField,
    YesNoField,
)
from .sensitivity import Sensitivity as S

MEDICAL_SERVICES = [
    ("general_exam", _l("General examination")),
    ("injury_treatment", _l("Treatment of injuries")),
    ("infection_screening", _l("Screening for infections")),
    ("reproductive_health", _l("Reproductive health care")),
    ("vaccination", _l("Vaccination")),
    ("dental", _l("Dental care")),
]
HEALTH_STATUSES = [
    ("good", _l("Good")),
    ("needs_treatment", _l("Needs treatment")),
    ("serious", _l("Serious, needs hospital care")),
]
RISK_LEVELS = [("low", _l("Low")), ("medium", _l("Medium")), ("high", _l("High"))]


class MedicalCareForm(TaskForm):
    """Basic medical services after rescue."""

    form_key = "care_medical"
    department = "health"
    title = _l("Provide medical care")
    purpose = _l("Examine the victim and give the basic medical care they need.")

    medical_consent = YesNoField(
        _l("Consent to examination given (by the victim, or the guardian of a child)")
    )
    medical_exam_date = EventDateField(_l("Date of examination"))
    medical_services = MultiChoiceField(
        _l("Services given"), MEDICAL_SERVICES, sensitivity=S.HEALTH
    )
    health_status = ChoiceField(_l("State of health"), HEALTH_STATUSES, sensitivity=S.HEALTH)
    hospital_referral = YesNoField(_l("Referred to hospital"))
    # Sensitive: health only.
    medical_notes = NotesField(_l("Medical notes"), sensitivity=S.HEALTH)

    # No examination or care without consent.
    conditions = conditional_fields(
        medical_exam_date=shown_when("medical_consent", equals=True),
        medical_services=shown_when("medical_consent", equals=True),
        health_status=shown_when("medical_consent", equals=True),
    )


class PsychologicalCareForm(TaskForm):
    """Psychological assessment and rehabilitation."""

    form_key = "care_psychological"
    department = "health"
    title = _l("Provide psychological care")
    purpose = _l("Assess the victim's psychological needs and support their rehabilitation.")

    psych_assessment_date = EventDateField(_l("Date of assessment"))
    psych_risk_level = ChoiceField(
        _l("Risk of self-harm or crisis"), RISK_LEVELS, sensitivity=S.HEALTH
    )
    counselling_sessions = CountField(_l("Counselling sessions held"), maximum=500)
    specialist_referral = YesNoField(_l("Referred to a specialist mental-health service"))
    rehab_plan_agreed = YesNoField(_l("Rehabilitation plan agreed with the victim"))
    # Sensitive: health only.
    psych_notes = NotesField(_l("Psychological care notes"), sensitivity=S.HEALTH)
