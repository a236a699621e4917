"""The evaluation's figures as titled tables (and the chart each table feeds), in the user's
language: what the pages show and what CSV, XLSX and PDF exports write."""

from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forms.choices import COUNTRY_CHOICES, PROVINCE_CHOICES
from forms.closure import OUTCOMES
from forms.htcds import (
    EXPLOITATION_CHOICES,
    MEANS_OF_CONTROL_CHOICES,
    PLACE_CHOICES,
    RECRUITER_RELATION_CHOICES,
)
from forms.intake import REPORT_TYPES, SEXES
from workflows.evaluation.suppression import Hidden
from workflows.measures import BY_CODE

from .templating import department_name, step_title

PHASE_NAMES = {
    "rescue": _l("Rescue and identification"),
    "temporary_aid": _l("Temporary aid"),
    "stay": _l("Support where the victim stays"),
    "return_home": _l("Return home"),
    "difficulties": _l("Difficulties passed to departments"),
    "follow_up": _l("Follow-up visits"),
    "closure": _l("Case closure"),
}
VALUE_NAMES = {
    "sex": dict(SEXES),
    "report_type": dict(REPORT_TYPES),
    "origin_country": dict(COUNTRY_CHOICES),
    "origin_province": dict(PROVINCE_CHOICES),
    "outcome": dict(OUTCOMES) | {"closed_early": _l("Closed early")},
    "child": {"child": _l("Child (under 18)"), "adult": _l("Adult")},
    "exploitation": dict(EXPLOITATION_CHOICES),
    "means_of_control": dict(MEANS_OF_CONTROL_CHOICES),
    "recruiter_relation": dict(RECRUITER_RELATION_CHOICES),
    "rescue_place": dict(PLACE_CHOICES),
}
VICTIM_BREAKDOWNS = (
    ("sex", _l("Victims by sex")),
    ("child", _l("Children and adults")),
    ("age_band", _l("Victims by age band")),
    ("origin_country", _l("Victims by country of origin")),
    ("origin_province", _l("Victims by province of origin")),
    ("exploitation", _l("Victims by type of exploitation (several per victim)")),
    ("means_of_control", _l("Victims by means of control (several per victim)")),
    ("recruiter_relation", _l("Victims by relation to the recruiter")),
    ("rescue_place", _l("Victims by place of rescue")),
    ("report_type", _l("Cases by type of report")),
)


@dataclass
class Table:
    """A titled table: a label column, then count columns; `chart` names how it is drawn."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str | None = "bar"

    def chart_data(self) -> dict:
        """What static/evaluation.js draws: labels and one series per count column (hidden
        cells are gaps)."""
        return {
            "type": self.chart,
            "labels": [str(row[0]) for row in self.rows],
            "series": [
                {
                    "name": name,
                    "data": [row[i] if isinstance(row[i], int) else None for row in self.rows],
                }
                for i, name in enumerate(self.columns[1:], start=1)
            ],
        }


def value_name(dimension: str, value: str) -> str:
    """A counted value's name in the user's language ("unknown" included)."""
    if value == "unknown":
        return _("Not recorded")
    return str(VALUE_NAMES.get(dimension, {}).get(value, value))


def measure_name(code: str) -> str:
    """A plan measure's code and title in the user's language (a form's title if untagged)."""
    measure = BY_CODE.get(code)
    if measure is None:
        return step_title(code)
    return f"{code} {measure.title_zh if str(get_locale()) == 'zh' else measure.title_en}"


def cell(value) -> int | str:
    """A count as printed: the number, "<11" or "*"; "—" for nothing."""
    if value is None:
        return "—"
    return str(value) if isinstance(value, Hidden) else value


def victims_tables(figures: dict) -> list[Table]:
    """The victims page's tables."""
    breakdowns, count = figures["breakdowns"], _("Victims")
    tables = [
        Table(
            "series",
            _("Cases opened and closed per period"),
            [_("Period"), _("Opened"), _("Closed")],
            [[p, v["opened"], v["closed"]] for p, v in figures["series"].items()],
            chart="line",
        )
    ]
    for dimension, title in VICTIM_BREAKDOWNS:
        values = breakdowns.get(dimension, {})
        rows = [[value_name(dimension, v), n] for v, n in sorted(values.items())]
        tables.append(Table(dimension, str(title), [_("Value"), count], rows))
    tables.append(_sex_by_age(breakdowns.get("sex_child", {})))
    return tables


def _sex_by_age(cells: dict) -> Table:
    groups = ("child", "adult", "unknown")
    sexes = sorted({key.split(":")[0] for key in cells})
    rows = [
        [value_name("sex", sex), *(cells.get(f"{sex}:{group}", 0) for group in groups)]
        for sex in sexes
    ]
    columns = [_("Sex"), *(value_name("child", group) for group in groups)]
    return Table("sex_child", _("Victims by sex and age group (SDG 16.2.2)"), columns, rows)


def pathway_tables(figures: dict) -> list[Table]:
    """The pathway page's tables (the longest waits only when given: screen only)."""
    tables = [
        Table(
            "phases_now",
            _("Cases in each phase now"),
            [_("Phase"), _("Cases")],
            [[str(PHASE_NAMES[p]), n] for p, n in figures["phases_now"].items()],
        ),
        Table(
            "durations",
            _("Time spent per phase (days)"),
            [_("Phase"), _("Cases"), _("Median"), _("90th percentile")],
            [
                [str(PHASE_NAMES.get(p, p)), s["cases"], s["median_days"], s["p90_days"]]
                for p, s in figures["durations"].items()
            ],
        ),
        Table(
            "outcomes",
            _("Outcomes of closed cases"),
            [_("Outcome"), _("Cases")],
            [[value_name("outcome", o), n] for o, n in sorted(figures["outcomes"].items())],
            chart="pie",
        ),
        Table(
            "close_reasons",
            _("Why cases were closed early"),
            [_("Reason"), _("Cases")],
            [[reason, n] for reason, n in sorted(figures["close_reasons"].items())],
        ),
    ]
    if "waiting_longest" in figures:
        tables.append(
            Table(
                "waiting_longest",
                _("Cases waiting longest in their phase"),
                [_("Case"), _("Phase"), _("Days")],
                [
                    [w["case"], str(PHASE_NAMES.get(w["phase"], w["phase"])), w["days"]]
                    for w in figures["waiting_longest"]
                ],
                chart=None,
            )
        )
    return tables


def measures_tables(rows: list[dict]) -> list[Table]:
    """The measures page's table."""
    columns = [
        _("Measure"),
        _("Received"),
        _("Completed"),
        _("On time"),
        _("Waiting"),
        _("Overdue"),
    ]
    body = [
        [
            step_title(r["measure"]),
            r["received"],
            r["completed"],
            r["on_time"],
            r["waiting"],
            r["overdue"],
        ]
        for r in rows
    ]
    return [Table("measures", _("Plan measures carried out"), columns, body)]


def departments_tables(rows: list[dict]) -> list[Table]:
    """The accountability scorecard and each department's trend."""
    columns = [
        _("Department"),
        _("Tasks received"),
        _("Completed"),
        _("Completed on time"),
        _("Overdue now"),
        _("Median days to complete"),
        _("Hand-overs received"),
    ]
    body = [
        [
            department_name(r["department"]),
            r["received"],
            r["completed"],
            r["on_time"],
            r["overdue"],
            r["median_days"],
            r["handovers"],
        ]
        for r in rows
    ]
    periods = sorted({p for r in rows for p in r["trend"]})
    trend = Table(
        "trend",
        _("Tasks completed per period"),
        [_("Period"), *(department_name(r["department"]) for r in rows)],
        [[p, *(r["trend"].get(p, 0) for r in rows)] for p in periods],
        chart="line",
    )
    return [Table("scorecard", _("Accountability scorecard"), columns, body), trend]


TABLES = {
    "victims": victims_tables,
    "pathway": pathway_tables,
    "measures": measures_tables,
    "departments": departments_tables,
}
PAGE_TITLES = {
    "victims": _l("Victims"),
    "pathway": _l("Pathway"),
    "measures": _l("Measures"),
    "departments": _l("Departments"),
}
