"""Keyed digests of what identifies a victim: documents, DNA, name forms, birth year, origin.

Every key is an HMAC under the data key's index key, so the table of identifiers reveals
nothing without the key; fuzzy name matching compares sets of digests (exact forms, a phonetic
form, character trigrams), never the plaintext.
"""

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from pypinyin import lazy_pinyin

# Two-character family names; any other Chinese name's family name is its first character.
COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容",
    "夏侯", "尉迟", "公孙", "长孙", "宇文", "司徒", "端木", "独孤",
}  # fmt: skip
# Sounds commonly confused in southern Mandarin and in transcription (zh/z, n/l, hu/f, ü/u).
PHONETIC_RULES = (
    ("zh", "z"), ("ch", "c"), ("sh", "s"), ("hs", "x"), ("ng", "n"), ("l", "n"),
    ("hu", "f"), ("v", "u"), ("ü", "u"), ("r", "n"), ("w", "u"), ("y", "i"),
)  # fmt: skip
HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Identity:
    """What one record says about who the victim is (any part may be missing)."""

    name: str = ""
    documents: set[str] = field(default_factory=set)
    dna: set[str] = field(default_factory=set)
    birth_years: set[int] = field(default_factory=set)
    origin: str = ""


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if ch.isalnum() or ch.isspace())


def name_hypotheses(name: str) -> list[tuple[str, str]]:
    """(family, given) readings of a name in plain pinyin: Chinese characters are read as
    pinyin, and a Latin name may put its family name first or last."""
    text = unicodedata.normalize("NFKC", name).strip()
    if HAN.search(text):
        han = "".join(HAN.findall(text))
        split = 2 if han[:2] in COMPOUND_SURNAMES and len(han) > 2 else 1
        return [("".join(lazy_pinyin(han[:split])), "".join(lazy_pinyin(han[split:])))]
    words = _ascii(text.replace("-", "").replace("'", "")).split()
    if len(words) < 2:
        return [("", "".join(words))] if words else []
    first, last = (words[0], "".join(words[1:])), (words[-1], "".join(words[:-1]))
    return [first] if first == last else [first, last]


def phonetic(word: str) -> str:
    """A word with commonly confused sounds merged."""
    for old, new in PHONETIC_RULES:
        word = word.replace(old, new)
    return word


def trigrams(family: str, given: str) -> set[str]:
    """The character trigrams of a reading, with word boundaries."""
    text = f"^{family} {given}$"
    return {text[i : i + 3] for i in range(len(text) - 2)}


def normalised_code(text: str) -> str:
    """A document number or DNA reference as typed by anyone: no spaces, dashes, case."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isalnum())


def birth_year(age, on) -> int | None:
    """The birth year an age stated on a date implies."""
    if age in (None, "") or not on:
        return None
    year = on.year if isinstance(on, date) else int(str(on)[:4])
    return year - int(age)


class Digester:
    """Keyed digests under one index key."""

    def __init__(self, index_key: bytes):
        self.key = index_key

    def digest(self, kind: str, value: str) -> str:
        """The HMAC of one value of one kind (kinds never collide)."""
        message = f"homecoming match\0{kind}\0{value}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def identifiers(self, identity: Identity) -> set[tuple[str, str]]:
        """Every (kind, digest) the identity is indexed by."""
        keys = {
            ("document", self.digest("document", normalised_code(d))) for d in identity.documents
        }
        keys |= {("dna", self.digest("dna", normalised_code(d))) for d in identity.dna}
        keys |= {("birth_year", self.digest("birth_year", str(y))) for y in identity.birth_years}
        if identity.origin:
            keys.add(("origin", self.digest("origin", identity.origin)))
        for n, (family, given) in enumerate(name_hypotheses(identity.name)):
            keys.add((f"name{n}", self.digest("name", f"{family}|{given}")))
            keys.add(
                (f"phonetic{n}", self.digest("phonetic", f"{phonetic(family)}|{phonetic(given)}"))
            )
            keys |= {(f"gram{n}", self.digest("gram", gram)) for gram in trigrams(family, given)}
        return {(kind, digest) for kind, digest in keys if digest}

    def years_near(self, years: set[int], spread: int) -> set[str]:
        """Digests of the birth years within `spread` of any of these."""
        return {
            self.digest("birth_year", str(y + d)) for y in years for d in range(-spread, spread + 1)
        }
