"""Roll-up tables of the evaluation: kept in step with casework, so its pages read no task rows.

`CaseIndicator` holds the plain facts the standards count for each case (no name, no notes);
the count tables are sums over cases and tasks by period, and are rebuilt from scratch by
`flask evaluation rebuild`.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db

CLOSED_PHASE = "closed"


class CaseIndicator(db.Model):
    """One case's countable facts, phase and outcome.

    Readable by oversight only, and only as counts (pages suppress small cells).
    """

    __tablename__ = "case_indicators"
    __table_args__ = (
        Index("ix_case_indicators_phase", "phase", "phase_since"),
        Index("ix_case_indicators_region_phase", "region", "phase", "phase_since"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The place of rescue (GB/T 2260 county code), "" while unknown.
    region: Mapped[str] = mapped_column(String(12), default="")
    report_type: Mapped[str] = mapped_column(String(20), default="")
    sex: Mapped[str] = mapped_column(String(10), default="")
    age: Mapped[int | None]
    origin_country: Mapped[str] = mapped_column(String(10), default="")
    origin_province: Mapped[str] = mapped_column(String(40), default="")
    exploitation_types: Mapped[list] = mapped_column(JSON, default=list)
    means_of_control: Mapped[list] = mapped_column(JSON, default=list)
    recruiter_relation: Mapped[str] = mapped_column(String(30), default="")
    phase: Mapped[str] = mapped_column(String(40), default="")
    phase_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(40), default="")
    closed_early: Mapped[bool] = mapped_column(default=False)
    close_reason: Mapped[str] = mapped_column(String(80), default="")
    reopenings: Mapped[int] = mapped_column(default=0, server_default="0")


class PhaseCount(db.Model):
    """How many open cases of a region are in a phase now."""

    __tablename__ = "phase_counts"

    region: Mapped[str] = mapped_column(String(12), primary_key=True)
    phase: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


# The pages read one region's rows (or the all-regions rows): each roll-up is indexed by region
# first, so a page reads those rows only, however many counties the table holds.
class VictimCount(db.Model):
    """Cases opened (or, for outcomes, closed) in a month and region, by one fact's value."""

    __tablename__ = "victim_counts"
    __table_args__ = (Index("ix_victim_counts_region", "region", "dimension", "month"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    region: Mapped[str] = mapped_column(String(12), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class PhaseDuration(db.Model):
    """How many cases left a phase in a month and region after spending `days` whole days in it."""

    __tablename__ = "phase_durations"
    __table_args__ = (Index("ix_phase_durations_region", "region", "month"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    region: Mapped[str] = mapped_column(String(12), primary_key=True)
    phase: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class TaskCount(db.Model):
    """A department's tasks for one plan measure and place of rescue on one day: received,
    completed, on time; and the hand-overs it received that day (measure "")."""

    __tablename__ = "task_counts"
    __table_args__ = (Index("ix_task_counts_region", "region", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    measure: Mapped[str] = mapped_column(String(100), primary_key=True)
    region: Mapped[str] = mapped_column(String(12), primary_key=True)
    received: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    handovers: Mapped[int] = mapped_column(default=0)


class TaskDuration(db.Model):
    """Tasks a department completed in a month for a measure, taking `days` whole days."""

    __tablename__ = "task_durations"
    __table_args__ = (Index("ix_task_durations_region", "region", "month"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    measure: Mapped[str] = mapped_column(String(100), primary_key=True)
    region: Mapped[str] = mapped_column(String(12), primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
