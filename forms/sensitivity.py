"""Sensitivity classes of the answers a form records (PIPL Art. 28), declared once per field.

A field declares its class with `sensitivity=` on its constructor (forms/fields.py). The class
decides who outside the recording department reads the value (webapp/access.py), and what an
export may carry (`exportable`). Every stored form value is encrypted at rest.
"""

import enum
import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType


class Sensitivity(enum.StrEnum):
    """What kind of personal information a field holds."""

    PLAIN = "plain"
    BIOMETRIC = "biometric"  # DNA samples and comparisons
    HEALTH = "health"  # medical, psychological, disability
    MINOR = "minor"  # about a child's life and views
    LOCATION = "location"  # where the victim is, was, or will be
    RELIGION = "religion"
    FINANCIAL = "financial"
    IDENTITY = "identity"  # the specific identity of a victim, identity documents, case files


class Classified:
    """A field mixin: takes `sensitivity=` (free text has no default: it must be declared)."""

    default_sensitivity: Sensitivity | None = Sensitivity.PLAIN

    def __init__(self, *args, sensitivity: Sensitivity | None = None, **kwargs):
        self.sensitivity = sensitivity or self.default_sensitivity
        super().__init__(*args, **kwargs)


@functools.cache
def field_classes(form_class) -> Mapping[str, Sensitivity | None]:
    """Each stored field of a form class and its declared class (None if undeclared); worked out
    once per class (building a form is slow, and an export asks for every row)."""
    fields = form_class()._fields
    names = form_class.field_names()
    return MappingProxyType({name: getattr(fields[name], "sensitivity", None) for name in names})


def exportable(form_class, data: Mapping, classes: Iterable[Sensitivity]) -> dict:
    """The step's stored answers an export may carry: only fields of the given classes."""
    allowed = set(classes)
    return {
        name: data[name]
        for name, sensitivity in field_classes(form_class).items()
        if sensitivity in allowed and name in data
    }
