"""Each page's figures with small cells suppressed: what leaves the screen, and what reviewers
see on it. Durations of fewer than K cases are hidden too (one case's median is its own time)."""

from .suppression import Hidden, is_small, protect, protect_breakdown

# Facts a victim has exactly one value of: their breakdown adds up to the total of cases.
SINGLE_VALUED = (
    "report_type",
    "sex",
    "child",
    "age_band",
    "origin_country",
    "origin_province",
    "rescue_place",
    "recruiter_relation",
)


def _total(count: int) -> int | Hidden:
    return Hidden(True) if is_small(count) else count


def _known(value) -> int | None:
    return None if isinstance(value, Hidden) else value


def victims(figures: dict) -> dict:
    """The victims page, suppressed."""
    breakdowns = figures["breakdowns"]
    cases = breakdowns.get("total", {}).get("cases", 0)
    closed = breakdowns.get("closed", {}).get("cases", 0)
    total = _known(_total(cases))
    safe = {"total": {"cases": _total(cases)}, "closed": {"cases": _total(closed)}}
    for dimension, counts in breakdowns.items():
        if dimension in safe or dimension == "sex_child":
            continue
        group_total = total if dimension in SINGLE_VALUED else None
        if dimension in ("outcome",):
            group_total = _known(_total(closed))
        safe[dimension] = protect_breakdown(counts, group_total)
    safe["sex_child"] = _two_way(breakdowns.get("sex_child", {}), safe)
    opened = {period: v["opened"] for period, v in figures["series"].items()}
    shut = {period: v["closed"] for period, v in figures["series"].items()}
    opened, shut = (
        protect_breakdown(opened, total),
        protect_breakdown(shut, _known(safe["closed"]["cases"])),
    )
    series = {p: {"opened": opened[p], "closed": shut[p]} for p in figures["series"]}
    return {"breakdowns": safe, "series": series}


def _two_way(cells: dict[str, int], safe: dict) -> dict:
    """Sex by child/adult: each row and column with its margin from the one-way tables."""
    groups = []
    for axis, position in (("sex", 0), ("child", 1)):
        for value, margin in safe.get(axis, {}).items():
            members = [key for key in cells if key.split(":")[position] == value]
            groups.append((_known(margin), members))
    return protect(dict(cells), groups)


def pathway(figures: dict) -> dict:
    """The pathway page, suppressed; the list of the longest waits stays on screen."""
    phases = figures["phases_now"]
    outcomes = protect_breakdown(figures["outcomes"], sum(figures["outcomes"].values()) or None)
    early = _known(outcomes.get("closed_early", 0)) if figures["close_reasons"] else None
    safe = {
        "phases_now": protect_breakdown(phases, sum(phases.values()) or None),
        "durations": {
            phase: summary
            if summary["cases"] >= 11
            else {"cases": Hidden(True), "median_days": None, "p90_days": None}
            for phase, summary in figures["durations"].items()
        },
        "outcomes": outcomes,
        "close_reasons": protect_breakdown(figures["close_reasons"], early),
    }
    if "waiting_longest" in figures:  # pseudonymous case numbers, shown to evaluators only
        safe["waiting_longest"] = figures["waiting_longest"]
    return safe


COUNTS = ("received", "completed", "on_time", "waiting", "overdue", "handovers")


def rows(figures: list[dict]) -> list[dict]:
    """The measures or departments rows, each count suppressed on its own (no totals are
    published with them); a median over fewer than K tasks hidden."""
    safe = []
    for row in figures:
        out = {k: (_total(v) if k in COUNTS else v) for k, v in row.items()}
        if "median_days" in row and is_small(row.get("completed", 0)):
            out["median_days"] = None
        if "trend" in row:
            out["trend"] = {p: _total(v) for p, v in row["trend"].items()}
        safe.append(out)
    return safe
