"""The engine's validation errors, shown next to the fields of the form the user posted."""

from collections.abc import Mapping

from wtforms import Form


def show_errors(form: Form, errors: Mapping[str | None, list[str]]) -> None:
    """Attach `FormInvalid.errors` (field name → messages) to the bound form."""
    for name, messages in errors.items():
        if name is not None and name in form:
            form[name].errors = list(messages)
        else:
            form.form_errors = [*form.form_errors, *messages]
