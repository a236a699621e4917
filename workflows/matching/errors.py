"""Errors of matching decisions; the web layer answers them with 4xx."""

from ..errors import WorkflowError


class MatchError(WorkflowError):
    """A link or dismissal that cannot be made; nothing was changed."""


class NotAMatch(MatchError):
    """The two cases are not a possible match (or are one case)."""


class AlreadyDecided(MatchError):
    """The police already linked or dismissed this pair."""
