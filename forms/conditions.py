"""Fields that apply only after an earlier answer, declared once on the form.

A form names its conditional fields in `conditions = conditional_fields(eligibility_ground=
shown_when("legal_aid_eligible", equals=True))`. The server drops what a hidden field was
sent and skips its checks, so its required-ness holds only while it is shown; the page states
the rule beside the field ("Only if …") and `webapp/static/conditions.js` hides the field until
it applies, from the `data-shown-when` attributes the field macro writes.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from flask_babel import gettext as _
from wtforms.fields import SelectFieldBase, SelectMultipleField
from wtforms.fields.core import UnboundField

from .fields import YesNoField


class ConditionError(TypeError):
    """A rule names a missing or later field, a field that is not a choice, or no such answer."""


@dataclass(frozen=True)
class ShownWhen:
    """The field is shown when the answer to `controller` is one of `values`."""

    controller: str
    values: tuple

    def holds(self, answer) -> bool:
        """Whether this answer (a list for tick-boxes) shows the field."""
        if isinstance(answer, list | tuple | set):
            return any(value in self.values for value in answer)
        return answer in self.values

    def posted(self) -> list[str]:
        """The values as a browser posts them ("yes"/"no" for a yes/no question)."""
        return [("yes" if v else "no") if isinstance(v, bool) else str(v) for v in self.values]


def shown_when(field: str, *, equals=None, one_of=()) -> ShownWhen:
    """Show a field only when `field` was answered `equals` (or any of `one_of`)."""
    values = tuple(one_of) or (equals,)
    if None in values:
        raise ConditionError(f"shown_when({field!r}) needs an answer: equals= or one_of=")
    return ShownWhen(field, values)


def conditional_fields(**rules: ShownWhen) -> Mapping[str, ShownWhen]:
    """A form's `conditions`: each conditional field by name, with its rule, in form order."""
    return MappingProxyType(rules)


def _choice_values(unbound: UnboundField) -> set:
    if issubclass(unbound.field_class, YesNoField):
        return {True, False}
    choices = unbound.kwargs.get("choices", unbound.args[1] if len(unbound.args) > 1 else ())
    return {value for value, _label in choices}


def check_conditions(form_class) -> None:
    """Refuse a rule whose fields are missing, out of order, not a choice, or never answered so."""
    for name, rule in form_class.conditions.items():
        field = getattr(form_class, name, None)
        controller = getattr(form_class, rule.controller, None)
        where = f"{form_class.__name__}.conditions[{name!r}]"
        if not isinstance(field, UnboundField) or not isinstance(controller, UnboundField):
            raise ConditionError(f"{where}: no field {name!r} or {rule.controller!r}")
        if controller.creation_counter >= field.creation_counter:
            raise ConditionError(f"{where}: {rule.controller!r} must come before the field")
        if not issubclass(controller.field_class, SelectFieldBase):
            raise ConditionError(f"{where}: {rule.controller!r} is not a choice")
        unknown = set(rule.values) - _choice_values(controller)
        if unknown:
            raise ConditionError(f"{where}: {rule.controller!r} has no answer {unknown!r}")


class ConditionalFields:
    """Mixin for a WTForms form with `conditions`: the rules are checked when the class is
    declared, bound to the fields for the page (`field.shown_when`), and applied by validate()."""

    conditions: ClassVar[Mapping[str, ShownWhen]] = MappingProxyType({})

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        check_conditions(cls)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self._fields.items():
            rule = self.conditions.get(name)
            field.shown_when = Shown(rule, self[rule.controller]) if rule else None

    def validate(self, extra_validators=None) -> bool:
        """Validate the shown fields; a hidden one is stored empty, whatever was sent."""
        hidden = hidden_fields(self, self.conditions)
        for name in hidden:
            drop_answer(self[name])
        super().validate(extra_validators)
        for name in hidden:
            self[name].errors = []
        self._errors = None
        return not self.form_errors and not any(f.errors for f in self._fields.values())


def hidden_fields(form, conditions: Mapping[str, ShownWhen]) -> list[str]:
    """The conditional fields that do not apply to the answers given (a field that hangs on a
    hidden one is hidden too)."""
    hidden: list[str] = []
    for name, rule in conditions.items():
        if rule.controller in hidden or not rule.holds(form[rule.controller].data):
            hidden.append(name)
    return hidden


def drop_answer(field) -> None:
    """Forget what a hidden field was sent: it is stored empty."""
    field.raw_data = []
    field.data = [] if isinstance(field, SelectMultipleField) else None


class Shown:
    """A conditional field's rule as its page shows it: the controller and the answers."""

    def __init__(self, rule: ShownWhen, controller):
        self.rule = rule
        self.controller = controller

    def posted(self) -> str:
        """The answers that show the field, space-separated, for `data-shown-values`."""
        return " ".join(self.rule.posted())

    def hint(self) -> str:
        """ "Only if “Eligible for legal aid” is “Yes”.", in the current language."""
        labels = {str(choice.value): str(choice.label) for choice in self.controller.iter_choices()}
        answers = " / ".join(f"“{labels.get(value, value)}”" for value in self.rule.posted())
        question = self.controller.label.text
        return _("Only if “%(question)s” is %(answers)s.", question=question, answers=answers)
