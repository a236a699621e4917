"""What the API refuses in any JSON body before a view sees it: text no column can store."""

import re

from flask import request
from flask_smorest import abort

# NUL (PostgreSQL's text refuses it) and UTF-16 surrogates, which JSON can write as \ud800
# escapes but UTF-8 cannot encode.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value) -> bool:
    """Whether every string in a parsed JSON value (keys too) can be stored as text."""
    pending = [value]
    while pending:  # no recursion: a deeply nested body must not exhaust the stack
        item = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def refuse_unstorable() -> None:
    """Answer 422 for a JSON body holding NUL characters or unpaired surrogates."""
    body = request.get_json(silent=True)
    if body is not None and not storable(body):
        abort(422, message="the body holds NUL characters or unpaired surrogates")
