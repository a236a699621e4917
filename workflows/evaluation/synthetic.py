"""Realistic synthetic cases for the demo and the benchmark, counted by the roll-ups' writer.

Each synthetic case is a story: the facts at intake, then steps of the kinds the real engine
produced (form, measure, department, phase), with durations, due times, and an ending (still
open, closed early, or closed with an outcome). `replay` feeds a story to `recorder.record`,
the same writer casework uses; the stories never run in the engine and hold no workflow state.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from forms.htcds import EXPLOITATION_TYPES, FUJIAN_COUNTIES, MEANS_OF_CONTROL, RECRUITER_RELATIONS
from models import EventType, HumanTask

from . import recorder
from .facts import PATHWAY_COMPLETED, PHASE_OF, PHASES

PROVINCES = ("yunnan", "guizhou", "sichuan", "guangxi", "fujian", "hunan", "henan", "anhui")
COUNTRIES = (("CN", 80), ("VN", 10), ("MM", 5), ("LA", 3), ("KH", 2))
OUTCOMES = ("reunited", "returned_to_province", "repatriated", "settled", "placed_in_care")
EARLY_REASONS = ("victim moved abroad", "victim declined further support", "victim died")
# How likely a story goes through each phase after rescue and temporary aid.
PHASE_CHANCE = {"stay": 0.8, "return_home": 0.6, "difficulties": 0.2, "follow_up": 0.6}


@dataclass(frozen=True)
class StepKind:
    """A kind of step seen in the engine: its form, measure, process and department."""

    form_key: str
    measure: str
    process_id: str
    department_id: int


def step_kinds(tasks: list[HumanTask]) -> dict[str, list[StepKind]]:
    """The kinds of step the engine produced, by phase, in the order they first appeared."""
    kinds: dict[str, list[StepKind]] = {}
    for task in sorted(tasks, key=lambda t: t.id):
        phase = PHASE_OF.get(task.process_id)
        kind = StepKind(task.form_key, task.measure or "", task.process_id, task.department_id)
        if phase and kind not in kinds.setdefault(phase, []):
            kinds[phase].append(kind)
    return kinds


def facts(rng: random.Random) -> dict:
    """Intake and identification answers of one victim."""
    child = rng.random() < 0.4
    country = rng.choices([c for c, _ in COUNTRIES], [w for _, w in COUNTRIES])[0]
    kinds = (
        ["child_sale_adoption", "begging"]
        if child
        else ["forced_marriage", "sexual", "forced_labour"]
    )
    exploitation = {rng.choice(kinds)}
    if rng.random() < 0.3:
        exploitation.add(rng.choice([c.code for c in EXPLOITATION_TYPES]))
    return {
        "report_type": "missing_child" if child and rng.random() < 0.2 else "rescue",
        "sex": "female" if rng.random() < (0.55 if child else 0.85) else "male",
        "age": rng.randint(1, 17) if child else rng.randint(18, 52),
        "origin_country": country,
        "origin_province": rng.choice(PROVINCES) if country == "CN" else "",
        "rescue_place": rng.choice(FUJIAN_COUNTIES).code,
        "exploitation_types": sorted(exploitation),
        "means_of_control": sorted(
            rng.sample([c.code for c in MEANS_OF_CONTROL], rng.randint(1, 3))
        ),
        "recruiter_relation": rng.choice(RECRUITER_RELATIONS).code,
    }


def story(
    rng: random.Random, kinds: dict[str, list[StepKind]], opened: datetime, now: datetime
) -> dict:
    """One case's life from `opened`: facts, steps (kind, created, due, completed) and end."""
    phases = [
        p
        for p in PHASES
        if p in kinds
        and (p in ("rescue", "temporary_aid", "closure") or rng.random() < PHASE_CHANCE.get(p, 0.5))
    ]
    steps, moment, end = [], opened, None
    stop_early = rng.random() < 0.08
    for phase in phases:
        for kind in kinds[phase][: rng.randint(1, 3)]:
            created = moment
            took = timedelta(days=rng.lognormvariate(1.2, 0.8))
            due = created + timedelta(days=rng.choice((3, 5, 7, 10)))
            done = created + took
            if done > now or (stop_early and rng.random() < 0.15):
                steps.append((kind, created, due, None))
                if done <= now:
                    end = ("early", done, rng.choice(EARLY_REASONS))
                return {"facts": facts(rng), "opened": opened, "steps": steps, "end": end}
            steps.append((kind, created, due, done))
            moment = done
    end = ("completed", moment, rng.choice(OUTCOMES))
    return {"facts": facts(rng), "opened": opened, "steps": steps, "end": end}


def replay(case, told: dict) -> None:
    """Count a story for `case` (its id, opened_at and closed_at set) through the writer."""
    recorder.record(case, EventType.CASE_OPENED, data={"data": told["facts"]}, at=told["opened"])
    for kind, created, due, done in told["steps"]:
        task = SimpleNamespace(
            department_id=kind.department_id,
            measure=kind.measure,
            form_key=kind.form_key,
            process_id=kind.process_id,
            created_at=created,
            due_at=due,
            completed_at=done,
        )
        recorder.record(case, EventType.TASK_READY, task=task, at=created)
        if done is not None:
            answers = {"closure_outcome": told["end"][2]} if kind.process_id == "closure" else {}
            recorder.record(
                case, EventType.TASK_COMPLETED, task=task, data={"data": answers}, at=done
            )
    if told["end"] is not None:
        kind, when, why = told["end"]
        reason = PATHWAY_COMPLETED if kind == "completed" else why
        recorder.record(case, EventType.CASE_CLOSED, data={"reason": reason}, at=when)
