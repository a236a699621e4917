"""The journey strip of a case page: each phase done, current, waiting or skipped, with dates.

Read from what the page already holds (the task rows' marks and the phases' spans from the
timeline), in the order the pathway's diagrams call the phases.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from models import Case, CaseStatus
from workflows import clock, progress

DONE, CURRENT, WAITING, SKIPPED = "done", "current", "waiting", "skipped"


@dataclass(frozen=True)
class Stage:
    """One phase on the strip; `timed` says whether a waiting phase waits on a due time."""

    process_id: str
    state: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    timed: bool = False
    # Time taken (done) or so far (current, or waiting on a due time after it began).
    duration: timedelta | None = None


def journey(case: Case, phases: list[str], marks: dict, spans: list) -> list[Stage]:
    """The stages of the case, in pathway order: `phases` are process ids, `marks` and `spans`
    come from workflows.progress."""
    now = clock.now()
    stages = [_stage(case, index, pid, phases, marks, spans) for index, pid in enumerate(phases)]
    return [
        replace(s, duration=(s.finished_at or now) - s.started_at) if s.started_at else s
        for s in stages
    ]


def _stage(case, index, pid, phases, marks, spans) -> Stage:
    started = {span.process_id: span for span in spans}
    last_reached = max((i for i, pid in enumerate(phases) if pid in started), default=-1)
    states = set(marks.get(pid, {}).values())
    span = started.get(pid)
    began = span.started_at if span else None
    if progress.CURRENT in states:
        return Stage(pid, CURRENT, began)
    if progress.WAITING in states:
        return Stage(pid, WAITING, began, timed=True)
    if span is not None:
        return Stage(pid, DONE, began, span.finished_at)
    if case.status == CaseStatus.CLOSED or index < last_reached:
        return Stage(pid, SKIPPED)
    return Stage(pid, WAITING)
