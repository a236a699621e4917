"""Follow-up of living conditions after return or settlement (civil affairs, with the police
for victims settled in the province)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .base import TaskForm
from .fields import ChoiceField, EventDateField, MultiChoiceField, NotesField, YesNoField

VISIT_METHODS = [
    ("home_visit", _l("Home visit")),
    ("phone", _l("Phone call")),
    ("school_visit", _l("Visit at school")),
    ("workplace_visit", _l("Visit at work")),
]
LIVING_CONDITIONS = [
    ("good", _l("Good")),
    ("adequate", _l("Adequate")),
    ("poor", _l("Poor")),
]
REFERRALS = [
    ("health", _l("Health")),
    ("psychological", _l("Psychological support")),
    ("legal", _l("Legal aid")),
    ("schooling", _l("Schooling")),
    ("employment", _l("Employment")),
    ("financial", _l("Financial assistance")),
]


class FollowUpVisitForm(TaskForm):
    """One follow-up round; the case loops on it until it can close."""

    form_key = "follow_up_visit"
    department = "civil_affairs"
    title = _l("Follow up")
    purpose = _l("Check the victim's living conditions and decide whether the case can close.")

    visit_date = EventDateField(_l("Date of the visit"))
    visit_method = ChoiceField(_l("How the visit was made"), VISIT_METHODS)
    visit_living_conditions = ChoiceField(_l("Living conditions"), LIVING_CONDITIONS)
    visit_safety_concern = YesNoField(_l("Signs of re-trafficking, violence or exploitation"))
    follow_up_referrals = MultiChoiceField(_l("Needs passed to other departments"), REFERRALS)
    case_can_close = YesNoField(_l("The case can close"))
    visit_notes = NotesField(_l("Visit notes"))

    def validate_case_can_close(self, field):
        """A victim at risk is never left without follow-up."""
        if field.data and self.visit_safety_concern.data:
            raise ValidationError(str(_l("A case with a safety concern cannot close.")))


class PoliceCheckForm(TaskForm):
    """The police's part of a follow-up round for a victim settled in the province."""

    form_key = "follow_up_police_check"
    department = "police"
    title = _l("Check on the settled victim")
    purpose = _l(
        "Update the special file of a victim settled in the province and watch for "
        "traffickers or buyers seeking them out."
    )

    police_check_date = EventDateField(_l("Date of the check"))
    special_file_updated = YesNoField(_l("Special file updated"))
    police_safety_concern = YesNoField(
        _l("Traffickers or buyers sought contact, or another danger was found")
    )
    # Sensitive: police only.
    police_check_notes = NotesField(_l("Check notes"))
