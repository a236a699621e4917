"""How likely two sets of keyed digests describe the same victim, and why."""

from collections import defaultdict
from dataclasses import dataclass, field

from .keys import Digester, Identity

# Weights of the fuzzy evidence, and the floors under which it is no match at all.
NAME_WEIGHT, BIRTH_WEIGHT, ORIGIN_WEIGHT = 0.6, 0.2, 0.2
NAME_FLOOR = 0.6
MATCH_FLOOR = 0.82
# Both sides hold a document (or DNA) number and none agrees: most likely two people.
CONFLICT_FACTOR = 0.6
# A same-sounding name scores almost as a same name: the spelling of a sound varies.
PHONETIC_SCORE = 0.9
# Score of a birth year one or two years off (ages are estimated), or unknown on either side.
NEAR_YEAR, FAR_YEAR, UNKNOWN_YEAR = 0.7, 0.3, 0.5


@dataclass
class Keys:
    """One side's digests, grouped by kind, and the digests of the birth years near its own."""

    by_kind: dict[str, set[str]]
    near_years: set[str] = field(default_factory=set)
    far_years: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, digester: Digester, identity: Identity) -> "Keys":
        """The query keys of an identity whose plaintext is at hand."""
        keys = cls.from_rows(digester.identifiers(identity))
        keys.near_years = digester.years_near(identity.birth_years, 1)
        keys.far_years = digester.years_near(identity.birth_years, 2)
        return keys

    @classmethod
    def from_rows(cls, rows) -> "Keys":
        """Stored (kind, digest) rows, grouped."""
        by_kind = defaultdict(set)
        for kind, digest in rows:
            by_kind[kind].add(digest)
        return cls(dict(by_kind))

    def get(self, kind: str) -> set[str]:
        """The digests of one kind (empty if none)."""
        return self.by_kind.get(kind, set())

    def hypotheses(self) -> list[str]:
        """The suffixes of the name readings held (0, 1)."""
        return sorted(k[4:] for k in self.by_kind if k.startswith("name"))


@dataclass
class Score:
    """A score from 0 to 1 and the reasons behind it (document, dna, name, phonetic,
    similar_name, birth_year, near_birth_year, origin)."""

    value: float
    reasons: list[str]

    @property
    def is_match(self) -> bool:
        """Whether the police should look at this pair."""
        return self.value >= MATCH_FLOOR


def name_score(query: Keys, other: Keys) -> tuple[float, str | None]:
    """The best agreement of any reading of one name with any reading of the other."""
    best, why = 0.0, None
    for i in query.hypotheses():
        for j in other.hypotheses():
            if query.get(f"name{i}") & other.get(f"name{j}"):
                return 1.0, "name"
            if query.get(f"phonetic{i}") & other.get(f"phonetic{j}") and best < PHONETIC_SCORE:
                best, why = PHONETIC_SCORE, "phonetic"
            mine, theirs = query.get(f"gram{i}"), other.get(f"gram{j}")
            dice = 2 * len(mine & theirs) / (len(mine) + len(theirs)) if mine and theirs else 0
            if dice > best:
                best, why = dice, "similar_name"
    return best, why


def birth_score(query: Keys, other: Keys) -> tuple[float, str | None]:
    """Agreement of the birth years (unknown on either side counts half)."""
    theirs = other.get("birth_year")
    if not query.get("birth_year") or not theirs:
        return UNKNOWN_YEAR, None
    if query.get("birth_year") & theirs:
        return 1.0, "birth_year"
    if query.near_years & theirs:
        return NEAR_YEAR, "near_birth_year"
    return (FAR_YEAR, "near_birth_year") if query.far_years & theirs else (0.0, None)


def score(query: Keys, other: Keys) -> Score:
    """How likely the two describe one victim: certain on a shared document or DNA
    reference, else name, birth year and origin weighed together."""
    shared = [kind for kind in ("document", "dna") if query.get(kind) & other.get(kind)]
    if shared:
        return Score(1.0, shared)
    name, name_why = name_score(query, other)
    if name < NAME_FLOOR:
        return Score(round(NAME_WEIGHT * name, 2), [])
    birth, birth_why = birth_score(query, other)
    origin = 1.0 if query.get("origin") & other.get("origin") else 0.0
    value = NAME_WEIGHT * name + BIRTH_WEIGHT * birth + ORIGIN_WEIGHT * origin
    if any(query.get(kind) and other.get(kind) for kind in ("document", "dna")):
        value *= CONFLICT_FACTOR
    reasons = [why for why in (name_why, birth_why, "origin" if origin else None) if why]
    return Score(round(value, 2), reasons)
