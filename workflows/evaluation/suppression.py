"""k-anonymous figures (k = 11, as the Counter Trafficking Data Collaborative): a count of 1-10
shows as "<11", and enough further cells are hidden ("*") that no hidden cell can be worked out
exactly from the totals published with it.

A group is a set of cells with a published total (a breakdown and its total, a table's row
or column and its margin). A hidden small cell lies in 1..10 and a hidden complementary cell in
11.. (complementary cells are chosen among non-zero counts), so a hidden cell is recoverable
when the group's total leaves it a single possible value. A group that no choice protects
(e.g. 1 and 11 of a total of 12) is withheld whole: every cell, zeros too, shows "*".
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

K = 11


@dataclass(frozen=True)
class Hidden:
    """A suppressed cell: small (1..K-1), complementary (hides a small one, so K..) or, None,
    withheld with its whole group (any count)."""

    small: bool | None

    def __str__(self) -> str:
        return f"<{K}" if self.small else "*"


def is_small(count: int) -> bool:
    """Whether a count must not be shown (1..K-1)."""
    return 0 < count < K


def _bounds(hidden: dict, key: Hashable) -> tuple[int, float]:
    if hidden[key] is None:
        return 0, float("inf")
    return (1, K - 1) if hidden[key] else (K, float("inf"))


def recoverable(total: int | None, cells: dict, hidden: dict) -> set:
    """Hidden cells (keys of `hidden`: True small, False complementary, None withheld) of one
    group whose exact value follows from the group's total and its shown cells."""
    if total is None or not hidden:
        return set()
    rest = total - sum(v for k, v in cells.items() if k not in hidden)
    found = set()
    for key in hidden:
        others = [k for k in hidden if k != key]
        low_others = sum(_bounds(hidden, k)[0] for k in others)
        high_others = sum(_bounds(hidden, k)[1] for k in others)
        low, high = _bounds(hidden, key)
        low, high = max(low, rest - high_others), min(high, rest - low_others)
        if low == high:
            found.add(key)
    return found


def protect(cells: dict, groups: Iterable[tuple[int | None, list]]) -> dict:
    """The cells with small counts and their complements hidden; `groups` are (published
    total or None, member keys)."""
    groups = list(groups)
    hidden = {k: True for k, v in cells.items() if is_small(v)}
    changed = True
    while changed:
        changed = False
        for total, members in groups:
            changed |= _protect_group(cells, hidden, total, members)
    return {k: Hidden(hidden[k]) if k in hidden else v for k, v in cells.items()}


def _protect_group(cells: dict, hidden: dict, total, members: list) -> bool:
    group = {k: cells[k] for k in members}
    mine = {k: hidden[k] for k in members if k in hidden}
    changed = False
    while mine and recoverable(total, group, mine):
        candidates = sorted((v, str(k), k) for k, v in group.items() if k not in mine and v > 0)
        if not candidates:  # everything non-zero is hidden: withhold the whole group
            fresh = [m for m in members if m not in hidden or hidden[m] is not None]
            for member in fresh:
                mine[member] = hidden[member] = None
            return changed or bool(fresh)  # withheld already: nothing more can change
        key = candidates[0][2]
        mine[key] = hidden[key] = False
        changed = True
    return changed


def protect_breakdown(counts: dict[str, int], total: int | None) -> dict:
    """One breakdown with its published total (None: cells only, e.g. several per victim)."""
    return protect(dict(counts), [(total, list(counts))] if total is not None else [])


def shown(value) -> int | str:
    """A cell as it may be printed: the count, "<11" or "*"."""
    return str(value) if isinstance(value, Hidden) else value
