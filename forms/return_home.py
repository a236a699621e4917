"""Return home (civil affairs, police): whether home is safe, the plan, then repatriation,
handover (with the support still pending) or reunion."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .base import TaskForm
from .choices import PROVINCE_CHOICES
from .conditions import conditional_fields, shown_when
from .fields import (
    ChoiceField,
    EventDateField,
    MultiChoiceField,
    NotesField,
    ShortTextField,
    YesNoField,
)
from .sensitivity import Sensitivity as S

ESCORTS = [
    ("police", _l("Police")),
    ("civil_affairs", _l("Civil affairs staff")),
    ("receiving_staff", _l("Staff of the receiving side")),
    ("family", _l("Family")),
]
REUNITED_WITH = [
    ("parents", _l("Parents")),
    ("spouse", _l("Spouse")),
    ("relatives", _l("Other relatives")),
    ("guardian", _l("Other guardian")),
    ("independent", _l("Lives independently")),
]


ASSESSMENT_METHODS = [
    ("home_visit", _l("Home visit by civil affairs of the home area")),
    ("local_police", _l("Police of the home area")),
    ("village_committee", _l("Village or community committee")),
    ("school", _l("The child's former school")),
    ("child_interview", _l("Interview with the child")),
]
HOME_RISKS = [
    ("involved_in_sale", _l("Family took part in the sale")),
    ("violence", _l("Violence or abuse at home")),
    ("neglect", _l("Neglect")),
    ("retrafficking", _l("Risk of being trafficked again")),
    ("no_carer", _l("Nobody able to look after the child")),
]
# Risks that rule a return out, whatever else the assessment finds.
DISQUALIFYING_RISKS = {"involved_in_sale", "violence"}
CHILD_WISHES = [
    ("wants_to_return", _l("Wants to go home")),
    ("does_not_want", _l("Does not want to go home")),
    ("undecided", _l("Undecided")),
    ("too_young", _l("Too young to say")),
]
PENDING_SUPPORT = [
    ("schooling", _l("School enrolment and adaptation")),
    ("psychological_care", _l("Psychological care")),
    ("medical_care", _l("Medical treatment")),
    ("legal_proceedings", _l("Legal proceedings")),
    ("disability_support", _l("Disability support")),
    ("follow_up", _l("Follow-up of living conditions")),
]


class HomeSafetyAssessmentForm(TaskForm):
    """Whether a child can safely go back to the family that was found, with the child's view."""

    form_key = "home_safety_assessment"
    department = "civil_affairs"
    title = _l("Assess whether home is safe")
    purpose = _l(
        "Find out whether the child would be safe at home, and what the child wants: "
        "a child goes home only if it is safe."
    )

    assessment_date = EventDateField(_l("Date of the assessment"))
    assessment_methods = MultiChoiceField(
        _l("How the home was assessed"), ASSESSMENT_METHODS, required=True
    )
    home_risks = MultiChoiceField(_l("Risks found"), HOME_RISKS, sensitivity=S.MINOR)
    child_wishes = ChoiceField(_l("What the child wants"), CHILD_WISHES, sensitivity=S.MINOR)
    # Sensitive: the child's own words; civil affairs and police only.
    child_views = NotesField(_l("The child's view, in the child's words"), sensitivity=S.MINOR)
    home_safe = YesNoField(_l("Home is safe for the child to return"))
    assessment_notes = NotesField(_l("Assessment notes"), sensitivity=S.MINOR)

    def validate_home_safe(self, field):
        """A family that took part in the sale, or a violent home, is never safe."""
        if field.data and DISQUALIFYING_RISKS & set(self.home_risks.data or ()):
            raise ValidationError(str(_l("Home cannot be safe with the risks found.")))


class ReturnPlanForm(TaskForm):
    """How and when the victim goes home, with their consent to share the case."""

    form_key = "return_plan"
    department = "civil_affairs"
    title = _l("Plan the return home")
    purpose = _l(
        "Plan the journey home and obtain consent to share the case with the receiving side."
    )

    return_destination = ShortTextField(_l("Destination (county or city)"), sensitivity=S.LOCATION)
    planned_travel_date = EventDateField(_l("Planned travel date"), planned=True)
    return_family_contacted = YesNoField(_l("Family or receiving agency contacted"))
    return_escort_required = YesNoField(_l("Escort required"))
    return_escort_by = ChoiceField(_l("Escorted by"), ESCORTS)
    origin_data_consent = YesNoField(
        _l(
            "Victim (or guardian) consents to sharing the case with the province "
            "or country of origin"
        )
    )
    return_plan_notes = NotesField(_l("Return plan notes"), sensitivity=S.LOCATION)

    conditions = conditional_fields(
        return_escort_by=shown_when("return_escort_required", equals=True)
    )


class RepatriationForm(TaskForm):
    """Safe repatriation across the border, with the police."""

    form_key = "return_repatriation"
    department = "police"
    title = _l("Repatriate across the border")
    purpose = _l("Hand the victim over safely to the authorities of their country.")

    repatriation_date = EventDateField(_l("Date of repatriation"))
    border_port = ShortTextField(_l("Border port"), max_length=120, sensitivity=S.LOCATION)
    receiving_authority = ShortTextField(_l("Receiving authority"), sensitivity=S.PLAIN)
    travel_document_issued = YesNoField(_l("Travel document issued"))
    consulate_notified = YesNoField(_l("Embassy or consulate notified"))
    repatriation_record_number = ShortTextField(
        _l("Handover record number"), max_length=40, sensitivity=S.IDENTITY
    )
    repatriation_pending_support = MultiChoiceField(
        _l("Support handed over to the receiving side"), PENDING_SUPPORT
    )
    repatriation_notes = NotesField(_l("Repatriation notes"), sensitivity=S.IDENTITY)


class ProvinceHandoverForm(TaskForm):
    """Handover to civil affairs of the province of origin."""

    form_key = "return_province_handover"
    department = "civil_affairs"
    title = _l("Hand over to the home province")
    purpose = _l("Hand the victim over to the province of origin, which receives them home.")

    province_handover_date = EventDateField(_l("Date of handover"))
    receiving_province = ChoiceField(_l("Receiving province"), PROVINCE_CHOICES)
    receiving_agency = ShortTextField(_l("Receiving agency"), sensitivity=S.PLAIN)
    handover_escort = ChoiceField(_l("Escorted by"), ESCORTS)
    case_file_shared = YesNoField(
        _l("Case file shared with the receiving province (only with consent)")
    )
    pending_support = MultiChoiceField(
        _l("Support handed over to the receiving province"), PENDING_SUPPORT
    )
    handover_notes = NotesField(_l("Handover notes"), sensitivity=S.IDENTITY)


class ReunionForm(TaskForm):
    """Return of the victim to their family in this province."""

    form_key = "return_reunion"
    department = "civil_affairs"
    title = _l("Reunite with the family")
    purpose = _l("Bring the victim home to their family and check the conditions at home.")

    reunion_date = EventDateField(_l("Date of reunion"))
    reunion_place = ShortTextField(_l("Place (county or city)"), sensitivity=S.LOCATION)
    reunited_with = ChoiceField(_l("Reunited with"), REUNITED_WITH)
    home_conditions_checked = YesNoField(_l("Conditions at home checked"))
    reunion_notes = NotesField(_l("Reunion notes"), sensitivity=S.MINOR)
