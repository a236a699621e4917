"""Referring a case for a service, answering a referral, and the directory of organisations."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import Form

from models import OrganisationKind, ReferralStatus

from .base import TaskMeta
from .consent import DEPARTMENT_CHOICES
from .fields import ChoiceField, MultiChoiceField, NotesField, RadioChoiceField, ShortTextField
from .sensitivity import Sensitivity as S

SERVICES = [
    ("medical_care", _l("Medical care")),
    ("psychological_care", _l("Psychological care")),
    ("schooling", _l("Schooling")),
    ("shelter", _l("Shelter")),
    ("legal_aid", _l("Legal aid")),
    ("job_training", _l("Job training")),
    ("disability_support", _l("Disability support")),
]
KINDS = [
    (OrganisationKind.HOSPITAL.value, _l("Hospital")),
    (OrganisationKind.SCHOOL.value, _l("School")),
    (OrganisationKind.SHELTER.value, _l("NGO shelter")),
    (OrganisationKind.OTHER.value, _l("Other organisation")),
]
STATUS_NAMES = {
    ReferralStatus.REQUESTED: _l("requested"),
    ReferralStatus.ACCEPTED: _l("accepted"),
    ReferralStatus.REJECTED: _l("rejected"),
    ReferralStatus.IN_PROGRESS: _l("in progress"),
    ReferralStatus.COMPLETED: _l("completed"),
    ReferralStatus.FAILED: _l("failed"),
    ReferralStatus.CANCELLED: _l("cancelled"),
}
ANSWERS = [(s.value, STATUS_NAMES[s]) for s in list(ReferralStatus)[1:]]


class ReferralForm(Form):
    """Refer the case to a department or to an organisation of the directory, for a service."""

    Meta = TaskMeta

    service = ChoiceField(_l("Service needed"), SERVICES)
    to_department = ChoiceField(_l("To a department"), DEPARTMENT_CHOICES, required=False)
    # Its choices are the directory's active organisations, set by the page (`offer`).
    organisation = ChoiceField(_l("Or to an outside organisation"), [], required=False)

    def offer(self, organisations) -> "ReferralForm":
        """Offer these organisations (id, name) besides the empty choice."""
        self.organisation.choices = [self.organisation.choices[0]] + [
            (str(o.id), o.name) for o in organisations
        ]
        return self

    def validate(self, extra_validators=None) -> bool:
        """Every field's checks, then: one recipient, a department or an organisation (both
        fields are optional, which skips their own validators when empty)."""
        valid = super().validate(extra_validators)
        if bool(self.organisation.data) == bool(self.to_department.data):
            message = str(_l("Choose either a department or an organisation."))
            self.organisation.errors = [*self.organisation.errors, message]
            return False
        return valid


class ReferralAnswerForm(Form):
    """Move a referral on: accept, reject, start, complete, fail or cancel (with a reason)."""

    Meta = TaskMeta

    status = RadioChoiceField(_l("Answer"), ANSWERS)
    # Sensitive: why it was refused or failed may say something of the victim.
    reason = NotesField(_l("Reason (needed to reject, fail or cancel)"), sensitivity=S.IDENTITY)


class OrganisationForm(Form):
    """One organisation of the referral directory."""

    Meta = TaskMeta

    name = ShortTextField(
        lazy_pgettext("a thing's name, not a person's", "Name"), sensitivity=S.PLAIN
    )
    kind = ChoiceField(_l("Type"), KINDS)
    services = MultiChoiceField(_l("Services"), SERVICES, required=True)
    contact = ShortTextField(_l("Contact (office telephone or e-mail)"), sensitivity=S.PLAIN)
