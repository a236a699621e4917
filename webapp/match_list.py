"""Possible matches as a reader sees them: number, score, reasons, a name only for name readers."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from models import Case, MatchDecision, User
from workflows.matching import candidates

from . import access

# What each reason of workflows.matching.score means to the police.
REASONS = {
    "document": _l("same identity document number"),
    "dna": _l("same DNA sample reference"),
    "name": _l("same name"),
    "phonetic": _l("name sounds the same"),
    "similar_name": _l("similar name"),
    "birth_year": _l("same birth year"),
    "near_birth_year": _l("birth year within two years"),
    "origin": _l("same place of origin"),
}


@dataclass
class MatchRow:
    """One possible (or linked) match on a page."""

    number: str
    percent: int
    reasons: list[str]
    name: str | None
    linked: bool


def may_see_matches(user: User) -> bool:
    """The police (who decide) and oversight (who read) see possible matches."""
    return access.may_open_cases(user) or access.oversees(user)


def _rows(user: User, found: list[candidates.Candidate], action: str, case=None) -> list[MatchRow]:
    names = access.may_read_victim_name(user)
    rows = []
    for candidate in found:
        access.audit(user, action, candidate.case, of=case.number if case else None)
        rows.append(
            MatchRow(
                candidate.case.number,
                round(candidate.score.value * 100),
                [str(REASONS[r]) for r in candidate.score.reasons],
                candidate.case.victim_name if names else None,
                candidate.decision == MatchDecision.LINKED,
            )
        )
    return rows


def for_intake(user: User, name: str, data) -> list[MatchRow]:
    """The cases an intake may duplicate, each look audited on the case shown."""
    return _rows(user, candidates.intake_matches(name, data), "match_shown")


def for_case(user: User, case: Case) -> list[MatchRow] | None:
    """The case's possible and linked matches, or None if the user may not see matches."""
    if not may_see_matches(user):
        return None
    return _rows(user, candidates.case_matches(case), "match_shown", case)
