"""The form that re-opens a closed case: where its pathway starts again, and why."""

from flask_babel import lazy_gettext as _l
from wtforms import Form

from .base import TaskMeta
from .fields import ChoiceField, NotesField
from .sensitivity import Sensitivity as S

# The phases a case starts again at (workflows.reopening.ENTRY_PHASES), as the form offers them.
PHASES = (
    ("rescue", _l("Rescue and identification (the whole pathway again)")),
    ("return_home", _l("Return home, then follow-up visits")),
)
REASON_LENGTH = 500
# Sensitive: the reason may say something of the victim's situation.
REASON_CLASS = S.IDENTITY


class ReopenForm(Form):
    """Re-open a closed case at a phase, stating why (e.g. the victim came back into care)."""

    Meta = TaskMeta

    phase = ChoiceField(_l("Start again at"), choices=PHASES, sensitivity=S.PLAIN)
    reason = NotesField(
        _l("Why the case is re-opened"), sensitivity=REASON_CLASS, max_length=REASON_LENGTH
    )

    def validate(self, extra_validators=None) -> bool:
        """A re-opening always says why (notes are otherwise optional)."""
        valid = super().validate(extra_validators)
        if not self.reason.data:
            self.reason.errors = [*self.reason.errors, _l("Say why the case is re-opened.")]
            return False
        return valid
