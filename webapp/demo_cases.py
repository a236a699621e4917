"""Many demo cases quickly: a sample through the real engine, the rest bulk-inserted stories.

The sample (one case in 25, at least twelve) is opened and advanced by
`workflows.engine` with varied answers, some closed early. The bulk cases are `Case` rows
counted by the roll-ups' writer from synthetic stories (`workflows/evaluation/synthetic.py`)
spread over two years: they have no workflow, tasks or timeline of their own, so they show
in the evaluation and nowhere else (their names have no blind index: a name search never
finds them).
"""

import random
import secrets
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import insert, select

from forms.examples import EXAMPLES
from models import Case, CaseStatus, HumanTask, User, db
from workflows import engine
from workflows.evaluation import synthetic
from workflows.evaluation.counters import batched

from .demo import advance_case

NUMBER_ALPHABET = engine.NUMBER_ALPHABET
YEARS = 2
# What `make run` seeds on a fresh database.
DEMO_CASES = 300


def seed_cases(
    count: int, users: dict[str, User], *, sample: int | None = None, seed: int = 11
) -> tuple[int, int]:
    """`count` demo cases, `sample` of them (default one in 25, at least 12) through the
    engine; returns (through the engine, bulk-inserted)."""
    rng = random.Random(seed)
    sample = min(count, sample if sample is not None else max(12, count // 25))
    for number in range(sample):
        _engine_case(rng, users, number)
    tasks = db.session.scalars(select(HumanTask)).all()
    kinds = synthetic.step_kinds(tasks)
    bulk = count - sample
    taken = set(db.session.scalars(select(Case.number))) if bulk else set()
    for start in range(0, bulk, 2000):
        _bulk_cases(rng, kinds, users["police"], min(2000, bulk - start), taken)
    return sample, bulk


def _engine_case(rng: random.Random, users: dict[str, User], number: int) -> None:
    facts = synthetic.facts(rng)
    intake = {
        **EXAMPLES["case_open"],
        **{k: facts[k] for k in ("report_type", "sex", "age", "origin_country", "rescue_place")},
        "origin_province": facts["origin_province"],
    }
    identification = {
        "age": facts["age"],
        "exploitation_types": facts["exploitation_types"],
        "means_of_control": facts["means_of_control"],
        "recruiter_relation": facts["recruiter_relation"],
    }
    case = engine.open_case(intake, users["police"], f"Demo victim {number + 1}")
    advance_case(case, users, rng.randint(0, 14), {"rescue_identification": identification})
    if rng.random() < 0.1:
        engine.close_case(case, users["joint_office"], rng.choice(synthetic.EARLY_REASONS))


def _unused_number(year: int, taken: set[str]) -> str:
    """A random case number not in `taken` (then added to it): at 100,000 cases, six random
    characters repeat a few times."""
    while True:
        number = f"HC-{year}-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
        if number not in taken:
            taken.add(number)
            return number


def _bulk_cases(rng: random.Random, kinds, opener: User, count: int, taken: set[str]) -> None:
    now = datetime.now(UTC)
    stories = [
        synthetic.story(rng, kinds, now - timedelta(days=rng.uniform(1, 365 * YEARS)), now)
        for _ in range(count)
    ]
    rows = [
        {
            "number": _unused_number(told["opened"].year, taken),
            "status": CaseStatus.CLOSED if told["end"] else CaseStatus.OPEN,
            "opened_at": told["opened"],
            "closed_at": told["end"][1] if told["end"] else None,
            "opened_by_id": opener.id,
            "victim_name": "Demo victim (bulk)",
        }
        for told in stories
    ]
    ids = db.session.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), rows)
    with batched():
        for case_id, row, told in zip(ids.all(), rows, stories, strict=True):
            case = SimpleNamespace(  # what the recorder reads of a case (never re-opened)
                id=case_id, opened_at=row["opened_at"], closed_at=row["closed_at"], reopenings=0
            )
            synthetic.replay(case, told)
    db.session.flush()
