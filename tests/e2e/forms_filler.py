"""Fill a rendered WTForms form in the browser from plain Python answers, and read it back.

Answers are `forms.examples.EXAMPLES`-style dicts: each key is a field's `name`, each value a
Python value (bool for yes/no radios, date, datetime, int, str, list of codes, or None). The
filler looks at what the page actually renders for `[name=field]` and answers as a user would:
types into text, number, date and datetime-local inputs and text areas, picks a drop-down
option, clicks a radio button, ticks exactly the listed check boxes.
"""

from datetime import date, datetime

from playwright.sync_api import Locator, Page

# What the widgets of `[name=…]` are, read in the page: "radio", "checkbox", "select" or "text".
_KIND = """(els) => {
    const el = els[0];
    if (el.tagName === 'SELECT') return 'select';
    if (el.type === 'radio' || el.type === 'checkbox') return el.type;
    return 'text';
}"""
# A field's current value as the browser would post it ("" for an unanswered radio).
_VALUE = """(els) => {
    const el = els[0];
    if (el.type === 'radio') { const on = els.find((e) => e.checked); return on ? on.value : ''; }
    if (el.type === 'checkbox') return els.filter((e) => e.checked).map((e) => e.value);
    return el.value;
}"""


def browser_value(value) -> str | list[str]:
    """A Python answer as the browser holds it: "yes"/"no", ISO dates, strings, code lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [str(item) for item in value]
    return str(value)


def _widgets(scope: Page | Locator, name: str) -> Locator:
    widgets = scope.locator(f'[name="{name}"]')
    if widgets.count() == 0:
        raise AssertionError(f"the form has no field named {name!r}")
    return widgets


def fill_form(scope: Page | Locator, answers: dict) -> None:
    """Answer every field of `answers` in the form under `scope`, as a user would.

    A field shown only after an earlier answer (forms/conditions.py) is answered once it
    appears; one that stays hidden must have an empty answer.
    """
    waiting = dict(answers)
    while waiting:
        shown = {name: value for name, value in waiting.items() if _enabled(scope, name)}
        if not shown:
            break
        for name, value in shown.items():
            _answer(scope, name, value)
            del waiting[name]
    given = {name: value for name, value in waiting.items() if browser_value(value)}
    if given:
        raise AssertionError(f"answers for fields the form keeps hidden: {given!r}")


def _enabled(scope: Page | Locator, name: str) -> bool:
    return not _widgets(scope, name).first.is_disabled()


def _answer(scope: Page | Locator, name: str, value) -> None:
    """Answer one field as a user would."""
    widgets = _widgets(scope, name)
    wanted = browser_value(value)
    kind = widgets.evaluate_all(_KIND)
    if kind == "checkbox":
        wanted = set(wanted)
        for box in widgets.all():
            box.set_checked(box.get_attribute("value") in wanted)
    elif kind == "radio":
        if wanted:  # None leaves the question unanswered (a radio cannot be cleared)
            widgets.and_(scope.locator(f'[value="{wanted}"]')).check()
    elif kind == "select":
        widgets.select_option(value=wanted)
    else:
        widgets.fill(wanted)


def _sorted(value):
    return sorted(value) if isinstance(value, list) else value


def form_values(scope: Page | Locator, names) -> dict[str, str | list[str]]:
    """The current value of each named field under `scope` (ticked boxes sorted)."""
    return {name: _sorted(_widgets(scope, name).evaluate_all(_VALUE)) for name in names}


def expected_values(answers: dict) -> dict[str, str | list[str]]:
    """What `form_values` reads once `fill_form(answers)` has run."""
    return {name: _sorted(browser_value(value)) for name, value in answers.items()}


def field_names(form: Locator) -> set[str]:
    """The names of the answer fields rendered in a form (not the hidden CSRF token, nor the
    optional consent block a step may ask too)."""
    names = form.locator("input[name], select[name], textarea[name]").evaluate_all(
        "(els) => els.filter((e) => e.type !== 'hidden' && !e.closest('fieldset.consent'))"
        ".map((e) => e.name)"
    )
    return set(names)
