"""Field types shared by the task forms: yes/no answers, choices, dates that happened, counts.

Every field here validates without a request, strips free text and bounds its length, refuses
control characters (PostgreSQL refuses a NUL with a 500) and a name posted twice; the engine
stores `field.data` through `TaskForm.workflow_data()`.
"""

import re
from datetime import date, datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from wtforms import validators as v
from wtforms.fields import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, RadioInput

from .sensitivity import Classified

# Fujian's wall clock: users type local dates and times, whatever the server's zone (no DST).
CHINA_TIME = timezone(timedelta(hours=8), "CST")
EARLIEST_DATE = date(1900, 1, 1)
PLANNING_HORIZON = timedelta(days=2 * 366)
TIME_FORMAT = "%Y-%m-%dT%H:%M"

ANSWER_YES_OR_NO = _l("Please answer yes or no.")
CHOOSE_AN_OPTION = _l("Please choose an option.")
POSTED_TWICE = _l("This answer was sent twice; send it once.")
CONTROL_CHARACTERS = _l("Remove the invisible control characters from this text.")
# Notes keep tabs and line breaks (browsers send CRLF); one-line fields keep none.
LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
NOTES_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def china_now() -> datetime:
    """The current wall-clock time in China, naive like the times typed into the forms."""
    return datetime.now(CHINA_TIME).replace(tzinfo=None)


def china_today() -> date:
    """Today's date in China."""
    return china_now().date()


def presence(required: bool | None, validator=v.InputRequired, message=None) -> list:
    """Validators for whether an answer is needed; `None` leaves it to the form's own checks."""
    if required is None:
        return []
    return [validator(message=message)] if required else [v.Optional()]


def strip_text(value):
    """Trim surrounding whitespace from submitted text."""
    return value.strip() if isinstance(value, str) else value


class CleanInput:
    """Mixin: a single-value field refuses a name posted twice, and text with control characters.

    It checks after the validator chain, because `Optional` clears earlier errors on empty input.
    """

    forbidden = LINE_CONTROLS

    def validate(self, form, extra_validators=()):
        """Run the field's validators, then refuse duplicated names and control characters."""
        valid = super().validate(form, extra_validators)
        problem = self.input_problem()
        if problem:
            self.errors = [*self.errors, str(problem)]
        return valid and problem is None

    def input_problem(self):
        """Why the raw submission is refused, or None."""
        if self.raw_data and len(self.raw_data) > 1:
            return POSTED_TWICE
        texts = [value for value in self.raw_data or [] if isinstance(value, str)]
        if any(self.forbidden.search(text) for text in texts):
            return CONTROL_CHARACTERS
        return None


def _options(choices) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in choices]


class PlausibleDate:
    """Rejects dates before 1900, and future dates unless the date is a planned one."""

    def __init__(self, planned: bool = False):
        self.planned = planned

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        day = value.date() if isinstance(value, datetime) else value
        if day < EARLIEST_DATE:
            raise ValidationError(str(_l("This date is too far in the past.")))
        if self.planned:
            if day > china_today() + PLANNING_HORIZON:
                raise ValidationError(str(_l("This date is more than two years ahead.")))
            return
        now = china_now() if isinstance(value, datetime) else china_today()
        if value > now:
            raise ValidationError(str(_l("This date cannot be in the future.")))


class MustBeYes:
    """Accepts only a "yes": the step cannot be recorded without this confirmation."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is not True:
            raise ValidationError(str(self.message))


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    raise ValueError(value)


class YesNoField(Classified, CleanInput, RadioField):
    """A yes/no question answered with radio buttons; its data is a bool (None if unanswered)."""

    def __init__(self, label=None, validators=None, required: bool | None = True, **kwargs):
        validators = presence(required, message=ANSWER_YES_OR_NO) + list(validators or [])
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
        kwargs.setdefault("invalid_value_message", ANSWER_YES_OR_NO)
        super().__init__(label, validators, coerce=_yes_no, choices=choices, **kwargs)

    def pre_validate(self, form):
        """Leave a missing answer to the required/optional validators."""
        if self.data is not None:
            super().pre_validate(form)


class ChoiceField(Classified, CleanInput, SelectField):
    """A drop-down of (value, label) pairs, opening on an empty "Choose…" option.

    `blank` is what the workflow stores when nothing is chosen (None, or "" for a code that
    must stay a string, such as the province of a victim from abroad).
    """

    has_placeholder = True

    def __init__(
        self,
        label=None,
        choices=(),
        validators=None,
        required: bool | None = True,
        blank=None,
        placeholder=None,
        **kwargs,
    ):
        validators = presence(required, message=CHOOSE_AN_OPTION) + list(validators or [])
        options = _options(choices)
        if self.has_placeholder:
            options.insert(0, SelectChoice("", placeholder or _l("Choose…")))
        super().__init__(label, validators, choices=options, **kwargs)
        self.blank = blank

    def pre_validate(self, form):
        """Leave an empty answer to the required/optional validators."""
        if self.data not in (None, ""):
            super().pre_validate(form)


class RadioChoiceField(ChoiceField):
    """A short list of exclusive options shown as radio buttons, without a "Choose…" entry."""

    widget = ListWidget(prefix_label=False)
    option_widget = RadioInput()
    has_placeholder = False

    def __init__(self, label=None, choices=(), validators=None, **kwargs):
        super().__init__(label, choices, validators, **kwargs)
        self.label.field_id = False


class MultiChoiceField(Classified, SelectMultipleField):
    """Tick-boxes for "all that apply"; its data is a list of the ticked values."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(
        self, label=None, choices=(), validators=None, required: bool | None = False, **kwargs
    ):
        validators = presence(required, message=CHOOSE_AN_OPTION) + list(validators or [])
        super().__init__(label, validators, choices=_options(choices), **kwargs)


class EventDateField(Classified, CleanInput, DateField):
    """The date something happened: not in the future (or, if `planned`, at most two years on)."""

    def __init__(
        self,
        label=None,
        validators=None,
        required: bool | None = True,
        planned: bool = False,
        **kwargs,
    ):
        validators = [*presence(required), PlausibleDate(planned), *(validators or [])]
        kwargs.setdefault("invalid_value_message", _l("Enter a date as YYYY-MM-DD."))
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        """Treat an empty input as no date, so optional dates may be left blank."""
        if valuelist and valuelist[0].strip():
            super().process_formdata([valuelist[0].strip()])


class EventTimeField(Classified, CleanInput, DateTimeLocalField):
    """The date and time (China time) something happened; never in the future."""

    def __init__(self, label=None, validators=None, required: bool | None = True, **kwargs):
        validators = [*presence(required), PlausibleDate(), *(validators or [])]
        kwargs.setdefault("invalid_value_message", _l("Enter a date and time."))
        super().__init__(label, validators, format=[TIME_FORMAT, "%Y-%m-%d %H:%M"], **kwargs)

    def process_formdata(self, valuelist):
        """Treat an empty input as no time, so optional times may be left blank."""
        if valuelist and valuelist[0].strip():
            super().process_formdata([valuelist[0].strip()])


class WholeNumberRange(v.NumberRange):
    """NumberRange comparing whole numbers as they are: its NaN check turns the number into a
    float, which overflows beyond ~1.8e308 (a count of 309 digits was an error 500)."""

    def __call__(self, form, field):
        if isinstance(field.data, int) and not self.min <= field.data <= self.max:
            raise v.ValidationError(self.message % {"min": self.min, "max": self.max})
        super().__call__(form, field)


class CountField(Classified, CleanInput, IntegerField):
    """A whole number from `minimum` (0) to `maximum` (a count, an amount, an age)."""

    def __init__(
        self,
        label=None,
        validators=None,
        maximum: int = 1000,
        required: bool | None = True,
        message=None,
        minimum: int = 0,
        **kwargs,
    ):
        message = message or _l("Enter a whole number from %(min)s to %(max)s.")
        validators = [
            *presence(required),
            WholeNumberRange(minimum, maximum, message),
            *(validators or []),
        ]
        kwargs.setdefault("invalid_value_message", _l("Enter a whole number."))
        super().__init__(label, validators, **kwargs)


class AgeField(CountField):
    """An age in years, 0 to 120."""

    def __init__(self, label=None, validators=None, **kwargs):
        message = _l("Age must be between 0 and 120.")
        super().__init__(label, validators, maximum=120, message=message, **kwargs)


class ShortTextField(Classified, CleanInput, StringField):
    """One line of text (a name, a place, a reference number), trimmed and bounded."""

    default_sensitivity = None  # free text may hold anything: each field declares its class

    def __init__(
        self,
        label=None,
        validators=None,
        required: bool | None = True,
        max_length: int = 200,
        **kwargs,
    ):
        too_long = _l("Keep this under %(max)d characters.")
        validators = [
            *presence(required, v.DataRequired),
            v.Length(max=max_length, message=too_long),
            *(validators or []),
        ]
        kwargs.setdefault("filters", [strip_text])
        super().__init__(label, validators, render_kw={"maxlength": max_length}, **kwargs)


class NotesField(Classified, CleanInput, TextAreaField):
    """Optional free text, trimmed and bounded; kept short because it may hold sensitive facts."""

    default_sensitivity = None  # free text may hold anything: each field declares its class
    forbidden = NOTES_CONTROLS

    def __init__(self, label=None, validators=None, max_length: int = 1000, **kwargs):
        too_long = _l("Keep this under %(max)d characters.")
        validators = [v.Optional(), v.Length(max=max_length, message=too_long), *(validators or [])]
        kwargs.setdefault("filters", [strip_text])
        render_kw = {"maxlength": max_length, "rows": 4}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)


class AccountTextField(CleanInput, StringField):
    """A username typed at login: one line, no control characters, sent once."""


class SecretField(CleanInput, PasswordField):
    """A password: sent once, no control characters; never rendered back."""
