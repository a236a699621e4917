"""What the standards count about a victim, and the bands and phases they are counted in."""

from models import CaseIndicator

# Case-data keys (intake, identification, closure) copied into the case's indicator row.
FACT_FIELDS = {
    "report_type": "report_type",
    "sex": "sex",
    "age": "age",
    "origin_country": "origin_country",
    "origin_province": "origin_province",
    "exploitation_types": "exploitation_types",
    "means_of_control": "means_of_control",
    "recruiter_relation": "recruiter_relation",
    "rescue_place": "region",
}
LIST_FACTS = {"exploitation_types", "means_of_control"}
# SDG 16.2.2 breaks victims down by sex and age; children are under 18.
AGE_BANDS = ((0, 5), (6, 11), (12, 14), (15, 17), (18, 24), (25, 34), (35, 49), (50, 200))
CHILD_AGE = 18
# The pathway's phases in the order a case goes through them; a called process inside a phase
# counts for that phase (those called from two phases leave the phase as it is).
PHASES = (
    "rescue",
    "temporary_aid",
    "stay",
    "return_home",
    "difficulties",
    "follow_up",
    "closure",
)
PHASE_OF = {phase: phase for phase in PHASES} | {
    "received": "return_home",  # a case handed over from another province starts at the reunion
    "missing_search": "rescue",
    "care": "stay",
    "job_training": "stay",
}
PATHWAY_COMPLETED = "pathway completed"


def age_band(age: int | None) -> str:
    """The band an age falls in ("0-5", …, "50+"), or "unknown"."""
    if age is None:
        return "unknown"
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}-{high}"
    return "unknown"


def child_or_adult(age: int | None) -> str:
    """ "child", "adult" or "unknown"."""
    if age is None:
        return "unknown"
    return "child" if age < CHILD_AGE else "adult"


def opening_values(row: CaseIndicator) -> list[tuple[str, str]]:
    """(dimension, value) pairs a case counts for in the month it was opened."""
    values = [
        ("total", "cases"),
        ("report_type", row.report_type or "unknown"),
        ("sex", row.sex or "unknown"),
        ("child", child_or_adult(row.age)),
        ("age_band", age_band(row.age)),
        ("sex_child", f"{row.sex or 'unknown'}:{child_or_adult(row.age)}"),
        ("origin_country", row.origin_country or "unknown"),
        ("origin_province", row.origin_province or "unknown"),
        ("rescue_place", row.region or "unknown"),
        ("recruiter_relation", row.recruiter_relation or "unknown"),
    ]
    values += [("exploitation", value) for value in row.exploitation_types or ["unknown"]]
    values += [("means_of_control", value) for value in row.means_of_control or ["unknown"]]
    return values


def closing_values(row: CaseIndicator) -> list[tuple[str, str]]:
    """(dimension, value) pairs a case counts for in the month it was closed."""
    if row.closed_at is None:
        return []
    values = [("closed", "cases"), ("outcome", row.outcome or "other")]
    if row.closed_early:
        values.append(("close_reason", row.close_reason or "unknown"))
    return values


def phase_rank(process_id: str) -> tuple[str, int] | None:
    """The phase a task's process belongs to and its place in the pathway (None: no change)."""
    phase = PHASE_OF.get(process_id)
    return (phase, PHASES.index(phase)) if phase else None
