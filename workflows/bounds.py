"""Size and time limits for one evaluation of a diagram's condition or script.

Guarding operators is not enough: `%`, f-string widths, `replace`, `join` and padding build
huge strings in one C call. Every string-building path is checked before it runs, and every
value the evaluation builds is charged against one allowance, so a comprehension of
individually small values cannot add up to gigabytes either.
"""

import re
import time

from RestrictedPython.Guards import safer_getattr

from .errors import ScriptFailed, ScriptRejected

MAX_ITERATIONS = 100_000
MAX_SECONDS = 1.0
MAX_RESULT_LENGTH = 100_000
MAX_ALLOWANCE = 2_000_000
MAX_INT_BITS = 4_096

_REJECTED_METHODS = {"expandtabs", "format", "format_map", "translate"}
_PADDING_METHODS = {"ljust", "rjust", "center", "zfill"}
_PERCENT_SPEC = re.compile(rb"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_SPEC_NUMBERS = re.compile(r"\d+")


def _too_large(size: int) -> None:
    if size > MAX_RESULT_LENGTH:
        raise ScriptFailed("result too large")


def rendered_size(value, limit: int = MAX_RESULT_LENGTH) -> int:
    """An upper estimate of len(str(value)); it stops counting once past `limit`."""
    stack, total = [value], 0
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 3
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        else:
            total += 64
    return total


def check_format_spec(spec: str) -> str | None:
    """The reason an f-string format spec is refused at compile time, or None."""
    if any(int(number) > MAX_RESULT_LENGTH for number in _SPEC_NUMBERS.findall(spec)):
        return "format width too large"
    return None


def check_size(value):
    """Refuse a value past the result-size or integer-size limits."""
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ScriptFailed("number too large")
    if hasattr(value, "__len__") and len(value) > MAX_RESULT_LENGTH:
        raise ScriptFailed("result too large")
    return value


def _percent_size(template, args) -> int:
    pattern = template if isinstance(template, bytes) else template.encode("utf-8", "replace")
    size = len(template) + rendered_size(args)
    for width, precision in _PERCENT_SPEC.findall(pattern):
        if b"*" in (width, precision):
            raise ScriptFailed("computed format widths are not allowed")
        size += int(width or 0) + int(precision or 0)
    return size


def _replace_size(text, old, new, count=-1) -> int:
    found = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


class Budget:
    """Iterations, clock and allocation allowance of one evaluation, and its guards."""

    def __init__(self):
        self.iterations_left = MAX_ITERATIONS
        self.allowance = MAX_ALLOWANCE
        self.deadline = time.monotonic() + MAX_SECONDS

    def iterate(self, iterable):
        """Yield from `iterable`, counting each item against the budget and the clock."""
        for item in iterable:
            self.iterations_left -= 1
            if self.iterations_left < 0 or time.monotonic() > self.deadline:
                raise ScriptFailed("the expression ran past its time budget")
            yield item

    def charge(self, value):
        """Check `value`'s size and count it against the evaluation's allowance."""
        check_size(value)
        if hasattr(value, "__len__"):
            self.allowance -= len(value)
            if self.allowance < 0:
                raise ScriptFailed("the expression built too much data")
        return value

    def percent(self, left, right):
        """`left % right`, with string formatting bounded before it runs."""
        if isinstance(left, str | bytes):
            _too_large(_percent_size(left, right))
        return self.charge(left % right)

    def formatted(self, value):
        """A value placed in an f-string, refused if its text would be too large."""
        _too_large(rendered_size(value))
        return value

    def to_str(self, *args, **kwargs):
        """The `str` builtin, refused before it renders something too large."""
        if args:
            _too_large(rendered_size(args[0]))
        return self.charge(str(*args, **kwargs))

    def getitem(self, obj, key):
        """`obj[key]`; slices copy, so their result is charged."""
        return self.charge(obj[key]) if isinstance(key, slice) else obj[key]

    def getattr(self, obj, name, default=None):
        """Attribute access: safe names only, and methods whose results are bounded."""
        if isinstance(obj, str | bytes) and name in _REJECTED_METHODS:
            raise ScriptRejected(f"str.{name} is not allowed")
        attribute = safer_getattr(obj, name, default)
        if not callable(attribute):
            return attribute
        return self._bounded_method(obj, name, attribute)

    def _bounded_method(self, obj, name, method):
        def call(*args, **kwargs):
            if isinstance(obj, str | bytes):
                args = self._precheck(obj, name, args)
            result = self.charge(method(*args, **kwargs))
            check_size(obj)  # append/extend/update grow the receiver in place
            return result

        return call

    def _precheck(self, text, name, args):
        if name in _PADDING_METHODS and args and isinstance(args[0], int):
            _too_large(args[0])
        elif name == "replace" and len(args) >= 2:
            _too_large(_replace_size(text, *args[:3]))
        elif name == "join" and args:
            items = self.charge(list(args[0]))
            args_size = sum(len(i) for i in items if isinstance(i, str | bytes))
            _too_large(args_size + len(text) * max(len(items) - 1, 0))
            return (items, *args[1:])
        return args

    def builtin(self, function):
        """Wrap a builtin that builds a container so its result is charged."""
        return lambda *args, **kwargs: self.charge(function(*args, **kwargs))
