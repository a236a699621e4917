"""What the API refuses in any JSON body before a view sees it: JSON it cannot read, and text
no column can store."""

import json

from flask import request
from flask_smorest import abort

from models import storable


def _storable_json(value) -> bool:
    """Whether every string in a parsed JSON value (keys too) can be stored as text."""
    pending = [value]
    while pending:  # no recursion: a deeply nested body must not exhaust the stack
        item = pending.pop()
        if isinstance(item, str):
            if not storable(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def refuse_bad_body() -> None:
    """Answer 400 for a JSON body that cannot be read (malformed, nested too deep, an integer
    too long to convert), 422 for one holding NUL characters or unpaired surrogates."""
    if not request.is_json or not request.get_data(cache=True):
        return
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):  # JSONDecodeError and over-long integers are ValueErrors
        abort(400, message="the body is not JSON this API can read")
    if not _storable_json(body):
        abort(422, message="the body holds NUL characters or unpaired surrogates")
