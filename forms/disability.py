"""Support of the disabled persons' federation for victims with disabilities."""

from flask_babel import lazy_gettext as _l

from .base import TaskForm
from .conditions import conditional_fields, shown_when
from .fields import ChoiceField, EventDateField, MultiChoiceField, NotesField, YesNoField
from .sensitivity import Sensitivity as S

# The categories and grades of the national disability classification (GB/T 26341).
DISABILITY_TYPES = [
    ("visual", _l("Visual")),
    ("hearing", _l("Hearing")),
    ("speech", _l("Speech")),
    ("physical", _l("Physical")),
    ("intellectual", _l("Intellectual")),
    ("mental", _l("Mental")),
]
DISABILITY_GRADES = [
    ("1", _l("Grade 1 (most severe)")),
    ("2", _l("Grade 2")),
    ("3", _l("Grade 3")),
    ("4", _l("Grade 4 (mildest)")),
]
DISABILITY_SERVICES = [
    ("rehabilitation", _l("Rehabilitation")),
    ("assistive_devices", _l("Assistive devices")),
    ("accessible_materials", _l("Accessible materials")),
    ("living_allowance", _l("Living allowance")),
    ("care_allowance", _l("Care allowance")),
]


class DisabilityAssessmentForm(TaskForm):
    """Assessment of a disability and the support arranged."""

    form_key = "disability_assessment"
    department = "disabled_persons_federation"
    title = _l("Assess the disability")
    purpose = _l("Assess the victim's disability and arrange the federation's support.")

    disability_assessment_date = EventDateField(_l("Date of assessment"))
    disability_confirmed = YesNoField(_l("Disability confirmed"), sensitivity=S.HEALTH)
    disability_types = MultiChoiceField(_l("Type of disability"), DISABILITY_TYPES, required=True)
    disability_grade = ChoiceField(
        _l("Grade of disability"), DISABILITY_GRADES, sensitivity=S.HEALTH
    )
    disability_certificate = YesNoField(_l("Disability certificate issued or applied for"))
    disability_services = MultiChoiceField(_l("Support arranged"), DISABILITY_SERVICES)
    # Sensitive: disabled persons' federation and health only.
    disability_notes = NotesField(_l("Assessment notes"), sensitivity=S.HEALTH)

    conditions = conditional_fields(
        disability_types=shown_when("disability_confirmed", equals=True),
        disability_grade=shown_when("disability_confirmed", equals=True),
    )
