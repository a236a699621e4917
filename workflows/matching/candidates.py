"""The existing cases that may be the same victim as an intake or a case, best first."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from models import Case, CaseIdentifier, CaseMatch, MatchDecision, db

from .identity import case_identity, intake_identity
from .index import digesters
from .keys import Identity
from .score import Keys, Score, score

# Trigrams two names must share before their cases are scored at all.
MIN_SHARED_GRAMS = 3
MAX_CANDIDATES = 10
STRONG_KINDS = ("document", "dna")


@dataclass
class Candidate:
    """A case that may be the same victim, with its score and reasons."""

    case: Case
    score: Score
    decision: MatchDecision | None = None


def _candidate_ids(keys: Keys, exclude: int | None) -> set[int]:
    strong = [d for k in STRONG_KINDS for d in keys.get(k)] + [
        d for k, ds in keys.by_kind.items() if k.startswith(("name", "phonetic")) for d in ds
    ]
    grams = {d for k, ds in keys.by_kind.items() if k.startswith("gram") for d in ds}
    by_name = (
        select(CaseIdentifier.case_id)
        .where(CaseIdentifier.kind.like("gram%"), CaseIdentifier.digest.in_(grams))
        .group_by(CaseIdentifier.case_id)
        .having(func.count(func.distinct(CaseIdentifier.digest)) >= MIN_SHARED_GRAMS)
    )
    query = select(CaseIdentifier.case_id).where(
        or_(CaseIdentifier.digest.in_(strong), CaseIdentifier.case_id.in_(by_name))
    )
    return set(db.session.scalars(query)) - {exclude}


def _keys_of(case_ids: set[int]) -> dict[int, Keys]:
    rows = db.session.execute(
        select(CaseIdentifier.case_id, CaseIdentifier.kind, CaseIdentifier.digest).where(
            CaseIdentifier.case_id.in_(case_ids)
        )
    )
    grouped: dict[int, list] = {}
    for case_id, kind, digest in rows:
        grouped.setdefault(case_id, []).append((kind, digest))
    return {case_id: Keys.from_rows(rows) for case_id, rows in grouped.items()}


def decisions(case_id: int) -> dict[int, MatchDecision]:
    """The decided pairs of a case: the other case's id and the decision."""
    rows = db.session.scalars(
        select(CaseMatch).where(
            or_(CaseMatch.case_id == case_id, CaseMatch.other_case_id == case_id)
        )
    )
    return {
        row.other_case_id if row.case_id == case_id else row.case_id: row.decision for row in rows
    }


def matches_for(identity: Identity, exclude: int | None = None) -> list[Candidate]:
    """The cases scoring as a possible match for the identity, dismissed ones left out; the
    query is digested under every configured key (rows not yet re-indexed keep an old one)."""
    decided = decisions(exclude) if exclude is not None else {}
    best: dict[int, Score] = {}
    for digester in digesters():
        keys = Keys.of(digester, identity)
        for case_id, other in _keys_of(_candidate_ids(keys, exclude)).items():
            result = score(keys, other)
            if case_id not in best or result.value > best[case_id].value:
                best[case_id] = result
    found = [
        Candidate(db.session.get(Case, case_id), result, decided.get(case_id))
        for case_id, result in best.items()
        if decided.get(case_id) == MatchDecision.LINKED
        or (result.is_match and case_id not in decided)
    ]
    found.sort(key=lambda c: (-c.score.value, c.case.id))
    return found[:MAX_CANDIDATES]


def intake_matches(name: str, data) -> list[Candidate]:
    """Possible matches of an intake the police are about to save."""
    return matches_for(intake_identity(name, data))


def case_matches(case: Case) -> list[Candidate]:
    """Possible (and linked) matches of a case."""
    return matches_for(case_identity(case), exclude=case.id)
