"""What a request is refused before a view reads it, and the bounded numbers and days views
read from a query or a form: a hostile address is a 4xx, never a database error."""

from datetime import date

from flask import abort, request
from werkzeug.routing import IntegerConverter

from models import storable

LARGEST_ID = 2**31 - 1  # PostgreSQL's integer, the type of every id column
FIRST_YEAR, LAST_YEAR = 1900, 2100  # a day outside them is a typing error, not a filter


class RowId(IntegerConverter):
    """`<int:…>` in every route: a number an id column can hold, else no such page (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def whole_number(text: str) -> int:
    """A number from a query or a form, 0 to LARGEST_ID; ValueError otherwise, so that
    `request.args.get(name, default, type=whole_number)` answers its default."""
    number = int(text)
    if not 0 <= number <= LARGEST_ID:
        raise ValueError(f"{number} is no number from 0 to {LARGEST_ID}")
    return number


def plausible_day(text: str) -> date:
    """A YYYY-MM-DD day from 1900 to 2100; ValueError otherwise."""
    day = date.fromisoformat(text) if len(text) == 10 else None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text} is no day from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _refuse_unstorable_address() -> None:
    """400 for NUL or a lone surrogate in a page's path or query string (a page's form keeps
    its own field errors; the API checks its own bodies and paths)."""
    if request.path.startswith("/api/"):
        return
    values = [*(request.view_args or {}).values(), *request.args.keys(), *request.args.values()]
    if not all(storable(value) for value in values if isinstance(value, str)):
        abort(400)


def init_app(app) -> None:
    """Bound every route's ids (before the blueprints are registered) and check addresses."""
    app.url_map.converters["int"] = RowId
    app.before_request(_refuse_unstorable_address)
