"""Forms of the exchange between provinces: refusing a hand-over, registering a peer."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import Form
from wtforms import validators as v

from .base import TaskMeta
from .fields import NotesField, ShortTextField
from .sensitivity import Sensitivity as S

# Who reads a refusal's reason on the sending case: it may say where the family now lives.
REFUSAL_CLASS = S.IDENTITY


class HandoverRefusalForm(Form):
    """Why this province does not take the victim's case (the sender reads it)."""

    Meta = TaskMeta

    # Sensitive: the reason may say something of the victim's situation.
    reason = NotesField(_l("Reason (sent to the sending province)"), sensitivity=REFUSAL_CLASS)

    def validate(self, extra_validators=None) -> bool:
        """A refusal always says why (notes are otherwise optional)."""
        valid = super().validate(extra_validators)
        if not self.reason.data:
            self.reason.errors = [_l("Say why the hand-over is refused.")]
            return False
        return valid


class PeerForm(Form):
    """A peer province's deployment (the key is checked by the registry)."""

    Meta = TaskMeta

    code = ShortTextField(
        _l("Province code"),
        [v.Regexp(r"^[a-z_]+$", message=_l("Lower-case letters and _ only, e.g. yunnan."))],
        sensitivity=S.PLAIN,
        max_length=40,
    )
    name = ShortTextField(
        lazy_pgettext("a thing's name, not a person's", "Name"), sensitivity=S.PLAIN, max_length=80
    )
    api_url = ShortTextField(
        _l("API address"), sensitivity=S.PLAIN, max_length=300, description="https://…"
    )
    public_key = ShortTextField(
        _l("Public key (base64, from `flask exchange public-key`)"),
        sensitivity=S.PLAIN,
        max_length=64,
    )
