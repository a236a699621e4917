"""Recording consent: one purpose at a time on the case, or every purpose at intake."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import Form

from models import DEPARTMENTS, ConsentGiver, ConsentMethod, ConsentPurpose

from .base import TaskMeta
from .conditions import ConditionalFields, conditional_fields, shown_when
from .fields import ChoiceField, NotesField, RadioChoiceField, YesNoField
from .sensitivity import Sensitivity as S

PURPOSES = [
    (ConsentPurpose.SHARE_DEPARTMENT.value, _l("Sharing with a department beyond its needs")),
    (ConsentPurpose.OUTSIDE_REFERRAL.value, _l("Referral to an outside organisation")),
    (ConsentPurpose.FAMILY_CONTACT.value, _l("Contacting the family")),
    (ConsentPurpose.ROW_EXPORT.value, _l("Inclusion in row-level exports")),
]
METHODS = [
    (ConsentMethod.WRITTEN.value, _l("In writing")),
    (ConsentMethod.VERBAL.value, _l("Verbally")),
    (ConsentMethod.GUARDIAN.value, _l("Through the guardian")),
]
GIVERS = [
    (ConsentGiver.VICTIM.value, _l("The victim")),
    (ConsentGiver.GUARDIAN.value, _l("A guardian, for a child")),
]
CHILD_VIEW_LABEL = _l("The child's own view (when a guardian answers)")
CHILD_VIEW_NEEDED = _l("Record the child's own view when a guardian answers.")


def _department_name(english: str, chinese: str) -> LazyString:
    return LazyString(lambda: chinese if str(get_locale()) == "zh" else english)


DEPARTMENT_CHOICES = [(code, _department_name(en, zh)) for code, en, zh in DEPARTMENTS]


def hears_the_child(given_by, child_view) -> bool:
    """A guardian answers for a child, and the child's view is heard too (an empty optional
    field skips its own validators, so this is checked after them)."""
    if given_by.data == ConsentGiver.GUARDIAN and not child_view.data:
        child_view.errors = [*child_view.errors, str(CHILD_VIEW_NEEDED)]
        return False
    return True


class ConsentForm(ConditionalFields, Form):
    """Give or withdraw consent for one purpose, on the case page."""

    Meta = TaskMeta

    purpose = ChoiceField(_l("Purpose"), PURPOSES)
    department = ChoiceField(_l("Department (for sharing only)"), DEPARTMENT_CHOICES)
    given = YesNoField(_l("Consent given (No withdraws it)"))
    given_by = RadioChoiceField(_l("Given by"), GIVERS)
    method = RadioChoiceField(_l("How it was given"), METHODS)
    # Sensitive: the child's own words; the departments owning the case only.
    child_view = NotesField(CHILD_VIEW_LABEL, sensitivity=S.MINOR)

    # Sharing names one department; the other purposes none.
    conditions = conditional_fields(
        department=shown_when("purpose", equals=ConsentPurpose.SHARE_DEPARTMENT.value)
    )

    def validate(self, extra_validators=None) -> bool:
        """Every field's checks, then: a guardian's answer carries the child's own view."""
        valid = super().validate(extra_validators)
        return hears_the_child(self.given_by, self.child_view) and valid
