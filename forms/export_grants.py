"""The administrator's form granting a joint-office user sensitive classes in row exports."""

from flask_babel import lazy_gettext as _l
from wtforms import Form

from .base import TaskMeta
from .fields import ChoiceField, CountField, MultiChoiceField, NotesField
from .sensitivity import Sensitivity as S

# What each class an export may be granted is called on the pages.
CLASS_LABELS = {
    S.LOCATION: _l("Places (of rescue, recruitment and exploitation)"),
    S.IDENTITY: _l("Relation to the recruiter"),
}
DEFAULT_DAYS = 30  # how long a grant lasts unless told
LONGEST_DAYS = 90
PURPOSE_LIMIT = 300  # characters of a row export's stated purpose, and of a grant's reason


class ExportGrantForm(Form):
    """Who, which classes, why, for how long; the user's choices are the joint office's users."""

    Meta = TaskMeta

    user = ChoiceField(_l("User of the joint office"), sensitivity=S.PLAIN)
    classes = MultiChoiceField(
        _l("Classes the user may include"), list(CLASS_LABELS.items()), required=True,
        sensitivity=S.PLAIN,
    )  # fmt: skip
    reason = NotesField(_l("Reason"), max_length=PURPOSE_LIMIT, sensitivity=S.PLAIN)
    days = CountField(
        _l("Days the permission lasts"), minimum=1, maximum=LONGEST_DAYS, default=DEFAULT_DAYS,
        sensitivity=S.PLAIN,
    )  # fmt: skip

    def validate(self, extra_validators=None) -> bool:
        """A grant always says why (notes are otherwise optional)."""
        valid = super().validate(extra_validators)
        if not self.reason.data:
            self.reason.errors = [_l("Say why the export needs these classes.")]
            return False
        return valid
