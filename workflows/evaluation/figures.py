"""The figures of the evaluation pages, read from the roll-ups (and ready task rows' counts)."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select, union_all

from models import (
    Case,
    CaseIndicator,
    Department,
    HumanTask,
    PhaseCount,
    PhaseDuration,
    TaskCount,
    TaskDuration,
    TaskStatus,
    VictimCount,
    db,
)

from .facts import PHASES
from .recorder import ALL_REGIONS

GRAINS = ("month", "quarter", "year")
WAITING_LIST = 10


@dataclass(frozen=True)
class Filters:
    """Which cases a page counts: months from `start` to `end` (first days, inclusive), the
    place of rescue, the department; and the period the series are grouped by."""

    start: date | None = None
    end: date | None = None
    region: str = ""
    department: str = ""
    grain: str = "month"
    departments: tuple[str, ...] = field(default=())  # only these rows (a department's head)

    @property
    def rows_region(self) -> str:
        """The region of the roll-up rows to read (all regions' rows without a filter)."""
        return self.region or ALL_REGIONS

    def months(self, column):
        """Conditions on a month or day column for the period."""
        conditions = []
        if self.start:
            conditions.append(column >= self.start)
        if self.end:
            conditions.append(column < _next_month(self.end))
        return conditions


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def period_of(day: date, grain: str) -> str:
    """ "2026-03", "2026-Q1" or "2026" for a day."""
    if grain == "year":
        return f"{day.year}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def victims(filters: Filters) -> dict:
    """Victims by each counted fact, and cases opened (and closed) per period."""
    breakdowns = _breakdowns(filters)
    series = defaultdict(lambda: {"opened": 0, "closed": 0})
    per_month = (
        select(VictimCount.month, VictimCount.dimension, func.sum(VictimCount.count))
        .where(*filters.months(VictimCount.month), VictimCount.dimension.in_(("total", "closed")))
        .group_by(VictimCount.month, VictimCount.dimension)
    )
    per_month = per_month.where(VictimCount.region == filters.rows_region)
    for month, dimension, count in db.session.execute(per_month):
        key = "opened" if dimension == "total" else "closed"
        series[period_of(month, filters.grain)][key] += int(count or 0)
    return {"breakdowns": breakdowns, "series": dict(sorted(series.items()))}


def _breakdowns(filters: Filters, *dimensions: str) -> dict[str, dict[str, int]]:
    """Counts by value of each fact (only `dimensions`, if given) over the period."""
    query = select(VictimCount.dimension, VictimCount.value, func.sum(VictimCount.count)).where(
        *filters.months(VictimCount.month), VictimCount.region == filters.rows_region
    )
    if dimensions:
        query = query.where(VictimCount.dimension.in_(dimensions))
    breakdowns: dict[str, dict[str, int]] = defaultdict(dict)
    for dimension, value, count in db.session.execute(
        query.group_by(VictimCount.dimension, VictimCount.value)
    ):
        if count:
            breakdowns[dimension][value] = int(count)
    return dict(breakdowns)


def pathway(filters: Filters, now: datetime) -> dict:
    """Cases in each phase now, time spent per phase, the longest waits and the outcomes."""
    in_phase = select(PhaseCount.phase, PhaseCount.count).where(
        PhaseCount.region == filters.rows_region
    )
    phases_now = dict(db.session.execute(in_phase).all())
    durations = _phase_durations(filters)
    waiting = [
        {"case": number, "phase": phase, "days": (now - since).days}
        for number, phase, since in _waiting_longest(filters)
    ]
    closed = _breakdowns(filters, "outcome", "close_reason")
    return {
        "phases_now": {phase: phases_now.get(phase, 0) for phase in PHASES},
        "durations": durations,
        "waiting_longest": waiting,
        "outcomes": closed.get("outcome", {}),
        "close_reasons": closed.get("close_reason", {}),
    }


def _waiting_longest(filters: Filters) -> list:
    """The cases longest in their phase: the first few of each phase by its index, merged."""
    region = [CaseIndicator.region == filters.region] if filters.region else []
    per_phase = [
        select(CaseIndicator.case_id, CaseIndicator.phase, CaseIndicator.phase_since)
        .where(CaseIndicator.phase == phase, *region)
        .order_by(CaseIndicator.phase_since)
        .limit(WAITING_LIST)
        .subquery()
        .select()
        for phase in PHASES
    ]
    first = union_all(*per_phase).subquery()
    query = (
        select(Case.number, first.c.phase, first.c.phase_since)
        .join(Case, Case.id == first.c.case_id)
        .order_by(first.c.phase_since)
        .limit(WAITING_LIST)
    )
    return db.session.execute(query).all()


def _phase_durations(filters: Filters) -> dict:
    query = select(PhaseDuration.phase, PhaseDuration.days, func.sum(PhaseDuration.count)).where(
        *filters.months(PhaseDuration.month), PhaseDuration.region == filters.rows_region
    )
    histograms: dict[str, dict[int, int]] = defaultdict(dict)
    for phase, days, count in db.session.execute(
        query.group_by(PhaseDuration.phase, PhaseDuration.days)
    ):
        histograms[phase][days] = int(count)
    return {phase: _summary(histograms[phase]) for phase in PHASES if histograms.get(phase)}


def _summary(histogram: dict[int, int]) -> dict:
    """Count, median and 90th percentile (nearest rank, whole days) of a days histogram."""
    total = sum(histogram.values())
    return {
        "cases": total,
        "median_days": _percentile(histogram, total, 0.5),
        "p90_days": _percentile(histogram, total, 0.9),
    }


def _percentile(histogram: dict[int, int], total: int, share: float) -> int | None:
    if not total:
        return None
    rank, seen = max(1, math.ceil(share * total)), 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    return None


def _task_totals(filters: Filters, by) -> dict:
    """Received, completed and on-time sums over the period, grouped by `by` columns."""
    query = select(
        *by,
        func.sum(TaskCount.received),
        func.sum(TaskCount.completed),
        func.sum(TaskCount.on_time),
        func.sum(TaskCount.handovers),
    ).where(*filters.months(TaskCount.day), *_where(filters, TaskCount))
    totals = {}
    for *key, received, completed, on_time, handovers in db.session.execute(query.group_by(*by)):
        totals[tuple(key)] = [
            int(received or 0),
            int(completed or 0),
            int(on_time or 0),
            int(handovers or 0),
        ]
    return totals


def _where(filters: Filters, model) -> list:
    """The region and department conditions on a roll-up with those columns."""
    return [model.region == filters.rows_region, *_department_filter(filters, model)]


def _department_filter(filters: Filters, model) -> list:
    codes = [filters.department] if filters.department else list(filters.departments)
    if not codes:
        return []
    ids = select(Department.id).where(Department.code.in_(codes))
    return [model.department_id.in_(ids)]


def _ready(filters: Filters, by, now: datetime) -> dict:
    """Ready tasks now and those of them overdue, grouped by `by` columns of HumanTask."""
    overdue = func.sum(db.case((HumanTask.due_at < now, 1), else_=0))
    query = (
        select(*by, func.count(), overdue)
        .where(HumanTask.status == TaskStatus.READY, *_department_filter(filters, HumanTask))
        .group_by(*by)
    )
    if filters.region:
        query = query.join(CaseIndicator, CaseIndicator.case_id == HumanTask.case_id).where(
            CaseIndicator.region == filters.region
        )
    return {tuple(key): (int(n), int(late or 0)) for *key, n, late in db.session.execute(query)}


def measures(filters: Filters, now: datetime) -> list[dict]:
    """Per plan measure: tasks received, completed, on time in the period; waiting and overdue
    now."""
    totals = _task_totals(filters, (TaskCount.measure,))
    ready = _ready(filters, (_measure_column(),), now)
    rows = []
    for key in sorted(set(totals) | set(ready)):
        if key == ("",):
            continue  # hand-overs carry no measure
        received, completed, on_time, _ = totals.get(key, [0, 0, 0, 0])
        waiting, overdue = ready.get(key, (0, 0))
        rows.append(
            {
                "measure": key[0],
                "received": received,
                "completed": completed,
                "on_time": on_time,
                "waiting": waiting,
                "overdue": overdue,
            }
        )
    return rows


def _measure_column():
    return func.coalesce(HumanTask.measure, HumanTask.form_key)


def departments(filters: Filters, now: datetime) -> list[dict]:
    """The accountability scorecard: one row per department, with its trend per period."""
    names = {d.id: d.code for d in db.session.scalars(select(Department).order_by(Department.id))}
    totals = _task_totals(filters, (TaskCount.department_id,))
    ready = _ready(filters, (HumanTask.department_id,), now)
    medians = _task_medians(filters)
    trend = _trend(filters)
    allowed = {filters.department} if filters.department else set(filters.departments)
    rows = []
    for department_id, code in names.items():
        if allowed and code not in allowed:
            continue
        received, completed, on_time, handovers = totals.get((department_id,), [0, 0, 0, 0])
        rows.append(
            {
                "department": code,
                "received": received,
                "completed": completed,
                "on_time": on_time,
                "overdue": ready.get((department_id,), (0, 0))[1],
                "median_days": medians.get(department_id),
                "handovers": handovers,
                "trend": trend.get(department_id, {}),
            }
        )
    return rows


def _task_medians(filters: Filters) -> dict[int, int | None]:
    query = (
        select(TaskDuration.department_id, TaskDuration.days, func.sum(TaskDuration.count))
        .where(*filters.months(TaskDuration.month), *_where(filters, TaskDuration))
        .group_by(TaskDuration.department_id, TaskDuration.days)
    )
    histograms: dict[int, dict[int, int]] = defaultdict(dict)
    for department_id, days, count in db.session.execute(query):
        histograms[department_id][days] = int(count)
    return {d: _summary(h)["median_days"] for d, h in histograms.items()}


def _trend(filters: Filters) -> dict[int, dict[str, int]]:
    query = (
        select(TaskDuration.department_id, TaskDuration.month, func.sum(TaskDuration.count))
        .where(*filters.months(TaskDuration.month), *_where(filters, TaskDuration))
        .group_by(TaskDuration.department_id, TaskDuration.month)
    )
    trend: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for department_id, month, count in db.session.execute(query):
        trend[department_id][period_of(month, filters.grain)] += int(count)
    return {d: dict(sorted(t.items())) for d, t in trend.items()}
