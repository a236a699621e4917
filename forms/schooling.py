"""Schooling of rescued school-age children (education, with civil affairs)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .base import TaskForm
from .fields import (
    ChoiceField,
    EventDateField,
    MultiChoiceField,
    NotesField,
    ShortTextField,
    YesNoField,
)
from .sensitivity import Sensitivity as S

GRADES = [
    ("primary_1", _l("Primary, grade 1")),
    ("primary_2", _l("Primary, grade 2")),
    ("primary_3", _l("Primary, grade 3")),
    ("primary_4", _l("Primary, grade 4")),
    ("primary_5", _l("Primary, grade 5")),
    ("primary_6", _l("Primary, grade 6")),
    ("junior_1", _l("Junior middle school, grade 1")),
    ("junior_2", _l("Junior middle school, grade 2")),
    ("junior_3", _l("Junior middle school, grade 3")),
]
SCHOOL_TYPES = [
    ("mainstream", _l("Mainstream school")),
    ("boarding", _l("Boarding school")),
    ("special_education", _l("Special education school")),
]
ATTENDANCE = [
    ("regular", _l("Regular")),
    ("irregular", _l("Irregular")),
    ("stopped", _l("Stopped going")),
]
ADAPTATION_LEVELS = [
    ("well", _l("Adapting well")),
    ("some_difficulties", _l("Some difficulties")),
    ("serious_difficulties", _l("Serious difficulties")),
]
ADAPTATION_SUPPORT = [
    ("tutoring", _l("Tutoring")),
    ("counselling", _l("School counselling")),
    ("mentor", _l("Mentor or buddy")),
    ("home_visits", _l("Home visits by teachers")),
]


class SchoolEnrolmentForm(TaskForm):
    """Enrolment of a school-age child."""

    form_key = "school_enrolment"
    department = "education"
    title = _l("Enrol the child in school")
    purpose = _l("Enrol the rescued child in a school suited to their age and level.")

    school_name = ShortTextField(_l("School"), sensitivity=S.LOCATION)
    school_type = ChoiceField(_l("Type of school"), SCHOOL_TYPES)
    school_grade = ChoiceField(_l("Grade"), GRADES)
    enrolment_date = EventDateField(_l("Date of enrolment"))
    school_start_date = EventDateField(_l("First day at school"), planned=True)
    school_fee_waiver = YesNoField(_l("Fees waived or school aid granted"))
    learning_support_needed = YesNoField(_l("Catch-up learning support needed"))
    school_notes = NotesField(_l("School notes"), sensitivity=S.MINOR)

    def validate_school_start_date(self, field):
        """School starts on or after enrolment."""
        if field.data and self.enrolment_date.data and field.data < self.enrolment_date.data:
            raise ValidationError(str(_l("School cannot start before enrolment.")))


class SchoolAdaptationForm(TaskForm):
    """How the child is settling in at school."""

    form_key = "school_adaptation"
    department = "civil_affairs"
    title = _l("Review adaptation to school")
    purpose = _l("Check how the child is adapting to school and new life, and arrange support.")

    adaptation_review_date = EventDateField(_l("Date of review"))
    school_attendance = ChoiceField(_l("Attendance"), ATTENDANCE)
    adaptation_progress = ChoiceField(_l("Adaptation"), ADAPTATION_LEVELS)
    bullying_reported = YesNoField(_l("Bullying or stigma reported"))
    adaptation_support = MultiChoiceField(_l("Support arranged"), ADAPTATION_SUPPORT)
    adaptation_notes = NotesField(_l("Adaptation notes"), sensitivity=S.MINOR)
