"""Medical and psychological care (health)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .base import TaskForm
from .fields import (
    ChoiceField,
    CountField,
    EventDateField,
    MultiChoiceField,
    NotesField,
    YesNoField,
)

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
    medical_exam_date = EventDateField(_l("Date of examination"), required=None)
    medical_services = MultiChoiceField(_l("Services given"), MEDICAL_SERVICES)
    health_status = ChoiceField(_l("State of health"), HEALTH_STATUSES, required=None)
    hospital_referral = YesNoField(_l("Referred to hospital"))
    # Sensitive: health only.
    medical_notes = NotesField(_l("Medical notes"))

    def validate_medical_exam_date(self, field):
        """An examination needs consent; with consent its date is recorded."""
        _examined_only_with_consent(self.medical_consent.data, field)

    def validate_medical_services(self, field):
        """No care is recorded without consent."""
        if self.medical_consent.data is False and field.data:
            raise ValidationError(str(_l("No examination or care without consent.")))

    def validate_health_status(self, field):
        """The state of health comes from the examination."""
        _examined_only_with_consent(self.medical_consent.data, field)


def _examined_only_with_consent(consent, field):
    if consent and not field.data:
        raise ValidationError(str(_l("Required when the victim was examined.")))
    if consent is False and field.data:
        raise ValidationError(str(_l("No examination or care without consent.")))


class PsychologicalCareForm(TaskForm):
    """Psychological assessment and rehabilitation."""

    form_key = "care_psychological"
    department = "health"
    title = _l("Provide psychological care")
    purpose = _l("Assess the victim's psychological needs and support their rehabilitation.")

    psych_assessment_date = EventDateField(_l("Date of assessment"))
    psych_risk_level = ChoiceField(_l("Risk of self-harm or crisis"), RISK_LEVELS)
    counselling_sessions = CountField(_l("Counselling sessions held"), maximum=500)
    specialist_referral = YesNoField(_l("Referred to a specialist mental-health service"))
    rehab_plan_agreed = YesNoField(_l("Rehabilitation plan agreed with the victim"))
    # Sensitive: health only.
    psych_notes = NotesField(_l("Psychological care notes"))
