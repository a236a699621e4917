"""The base of every task form: built from plain data, validated without a request."""

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import ClassVar

from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import SubmitField
from wtforms.i18n import get_translations
from wtforms.meta import DefaultMeta

from .conditions import ConditionalFields
from .fields import CHINA_TIME, TIME_FORMAT

_NOT_STORED = (CSRFTokenField, SubmitField)


class FormNotValidated(RuntimeError):
    """`workflow_data()` was read before `validate()` succeeded."""


@lru_cache(maxsize=16)
def _wtforms_messages(languages: tuple[str, ...]):
    try:
        return get_translations(list(languages))
    except OSError:  # WTForms has no catalogue for this language: keep its English messages
        return None


def _request_languages() -> tuple[str, ...] | None:
    """The Flask-Babel locale of the current app context, most specific first (None outside)."""
    if not has_app_context() or "babel" not in current_app.extensions:
        return None
    locale = get_locale()
    if locale is None:
        return None
    names = [str(locale), locale.language]
    if locale.territory:
        names.insert(1, f"{locale.language}_{locale.territory}")
    return tuple(dict.fromkeys(names))


class TaskMeta(DefaultMeta):
    """WTForms' own messages ("This field is required.") follow Flask-Babel's locale, if any."""

    def get_translations(self, form):
        """WTForms' catalogue for the current locale, or None for English."""
        languages = _request_languages()
        return _wtforms_messages(languages) if languages else None


def _form_values(value) -> list[str]:
    """One Python value as the list of strings a browser would post for it."""
    if value is None:
        return []
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(CHINA_TIME)
        return [value.strftime(TIME_FORMAT)]
    if isinstance(value, date):
        return [value.isoformat()]
    if isinstance(value, str):
        return [value]
    if isinstance(value, int | float):
        return [str(value)]
    if isinstance(value, list | tuple | set | frozenset):
        return [text for item in value for text in _form_values(item)]
    raise TypeError(f"cannot post a {type(value).__name__} in a form: {value!r}")


def as_formdata(data: Mapping) -> MultiDict:
    """Plain Python values as browser form data (a werkzeug MultiDict passes through)."""
    if hasattr(data, "getlist"):
        return data
    return MultiDict([(name, text) for name, value in data.items() for text in _form_values(value)])


def _json_value(field):
    value = field.data
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    if value is None or value == "":
        return getattr(field, "blank", None)
    return value


class TaskForm(ConditionalFields, Form):
    """One step of the pathway: the data a department records when it completes a task."""

    Meta = TaskMeta

    form_key: ClassVar[str] = ""
    department: ClassVar[str] = ""
    title: ClassVar[LazyString | str] = ""
    purpose: ClassVar[LazyString | str] = ""
    # `conditions` (ConditionalFields): fields that apply only after an earlier answer.

    _validated = False

    @classmethod
    def from_data(cls, data: Mapping) -> "TaskForm":
        """The form filled with `data` as if a browser had posted it."""
        return cls(formdata=as_formdata(data))

    @classmethod
    def field_names(cls) -> list[str]:
        """The names of the fields this form stores in case data, in form order."""
        return [name for name, field in cls()._fields.items() if not isinstance(field, _NOT_STORED)]

    def validate(self, extra_validators=None) -> bool:
        """Validate every shown field (a hidden one is stored empty, whatever was sent); error
        messages become plain strings in the current language."""
        self._validated = super().validate(extra_validators)
        for field in self._fields.values():
            field.errors = [str(message) for message in field.errors]
        self.form_errors = [str(message) for message in self.form_errors]
        self._errors = None
        return self._validated

    def workflow_data(self) -> dict:
        """The validated answers as JSON-safe case data (dates as ISO strings, yes/no as bool)."""
        if not self._validated:
            raise FormNotValidated(f"validate the {self.form_key!r} form before storing its data")
        return {
            name: _json_value(field)
            for name, field in self._fields.items()
            if not isinstance(field, _NOT_STORED)
        }
