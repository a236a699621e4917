"""The evaluation's roll-ups: kept with casework, equal to a rebuild, right on known times."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select

from forms.examples import EXAMPLES
from models import (
    CaseIndicator,
    EventType,
    HumanTask,
    PhaseCount,
    PhaseDuration,
    ProcessInstance,
    TaskCount,
    TaskDuration,
    VictimCount,
    db,
)
from workflows import drafts, engine, migration
from workflows.evaluation import figures, recorder
from workflows.evaluation.recorder import rebuild
from workflows.reopening import reopen_case

DIAGRAMS = Path(__file__).resolve().parent.parent / "workflows" / "diagrams"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
JANUARY = figures.Filters(start=date(2026, 1, 1), end=date(2026, 1, 1))


def snapshot() -> dict:
    """Every roll-up row, as comparable tuples (rows counting zero left out)."""
    tables = {}
    for model in (VictimCount, PhaseCount, PhaseDuration, TaskCount, TaskDuration):
        columns = [c.name for c in model.__table__.c]
        rows = db.session.execute(select(model.__table__)).all()
        tables[model.__tablename__] = sorted(
            tuple(row) for row in rows if any(row._mapping[c] for c in columns[-1:])
        )
    tables["case_indicators"] = sorted(
        (r.case_id, r.sex, r.age, r.phase, r.outcome, r.closed_early)
        for r in db.session.scalars(select(CaseIndicator))
    )
    return tables


def open_cases_by_phase() -> dict[str, int]:
    """The phase roll-up's all-regions rows, checked against its per-region rows and against
    the open cases themselves."""
    rows = db.session.execute(select(PhaseCount.region, PhaseCount.phase, PhaseCount.count))
    per_region, everywhere = {}, {}
    for region, phase, count in rows:
        if count:
            target = everywhere if region == "*" else per_region
            target[(region, phase)] = count
    cases = {}
    for row in db.session.scalars(select(CaseIndicator).where(CaseIndicator.phase != "closed")):
        cases[(row.region, row.phase)] = cases.get((row.region, row.phase), 0) + 1
    assert per_region == cases
    summed = {}
    for (_, phase), count in per_region.items():
        summed[phase] = summed.get(phase, 0) + count
    assert {phase: count for (_, phase), count in everywhere.items()} == summed
    return summed


def test_casework_keeps_the_roll_ups_equal_to_a_rebuild(open_case, users):
    open_case("Lin Xiaomei", steps=3)
    open_case("Chen Hua", steps=1, age=9, sex="male")
    case = open_case("Nguyen Thi Lan", age=24, origin_country="VN", origin_province="")
    engine.close_case(case, users["joint_office"], "victim moved abroad")
    db.session.commit()
    live = snapshot()
    assert rebuild() == 3
    db.session.commit()
    assert snapshot() == live
    assert open_cases_by_phase() == {"rescue": 1, "temporary_aid": 1}
    assert figures.pathway(figures.Filters(), T0)["phases_now"]["temporary_aid"] == 1
    counted = figures.victims(figures.Filters())["breakdowns"]
    assert counted["total"] == {"cases": 3}
    assert counted["child"] == {"child": 2, "adult": 1}
    assert counted["sex"] == {"female": 2, "male": 1}
    assert counted["origin_country"] == {"CN": 2, "VN": 1}


def _set_times(case, opened, tasks: list[tuple[timedelta, timedelta, timedelta | None]]):
    """Move the case's opening and its task rows (oldest first) to known times: each task's
    (created, due, completed) after T0."""
    db.session.get(type(case), case.id).opened_at = opened
    rows = db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case.id).order_by(HumanTask.id)
    ).all()
    for row, (created, due, completed) in zip(rows, tasks, strict=False):
        row.created_at, row.due_at = T0 + created, T0 + due
        row.completed_at = T0 + completed if completed is not None else None
    db.session.commit()


def test_known_times_give_known_durations_on_time_and_overdue(open_case, users):
    case = open_case("Lin Xiaomei", steps=2)
    day = timedelta(days=1)
    # Identification done in a day (due in two), family tracing in five (due in two: late);
    # the shelter step, ready on day 6 and due on day 9, still waits on day 40.
    _set_times(
        case,
        T0,
        [(0 * day, 2 * day, 1 * day), (1 * day, 3 * day, 6 * day), (6 * day, 9 * day, None)],
    )
    rebuild()
    db.session.commit()
    now = T0 + 40 * day
    rows = {r["department"]: r for r in figures.departments(JANUARY, now)}
    assert rows["police"] | {"trend": None} == {
        "department": "police",
        "received": 2,
        "completed": 2,
        "on_time": 1,
        "overdue": 0,
        "median_days": 1,
        "handovers": 0,
        "trend": None,
    }
    assert rows["police"]["trend"] == {"2026-01": 2}
    assert rows["civil_affairs"]["overdue"] == 1
    everything = {r["department"]: r for r in figures.departments(figures.Filters(), now)}
    assert everything["civil_affairs"]["handovers"] == 1  # counted when it happened: today
    measures = {row["measure"]: row for row in figures.measures(JANUARY, now)}
    shelter = db.session.scalars(engine.open_tasks(case)).one()
    assert shelter.form_key == "aid_shelter" and shelter.measure
    assert measures[shelter.measure] == {
        "measure": shelter.measure,
        "received": 1,
        "completed": 0,
        "on_time": 0,
        "waiting": 1,
        "overdue": 1,
    }
    path = figures.pathway(figures.Filters(), now)
    assert path["phases_now"]["temporary_aid"] == 1
    assert path["durations"]["rescue"] == {"cases": 1, "median_days": 6, "p90_days": 6}
    assert path["waiting_longest"] == [{"case": case.number, "phase": "temporary_aid", "days": 34}]


def test_a_case_closed_early_counts_its_reason_and_time_in_phase(open_case, users):
    case = open_case("Chen Hua", steps=1, age=9)
    engine.close_case(case, users["joint_office"], "victim moved abroad")
    db.session.commit()
    _set_times(case, T0, [(timedelta(0), timedelta(days=2), timedelta(hours=5))])
    db.session.get(type(case), case.id).closed_at = T0 + timedelta(days=10, hours=3)
    db.session.commit()
    rebuild()
    db.session.commit()
    path = figures.pathway(JANUARY, T0 + timedelta(days=20))
    assert path["outcomes"] == {"closed_early": 1}
    assert path["close_reasons"] == {"victim moved abroad": 1}
    assert path["durations"]["rescue"] == {"cases": 1, "median_days": 10, "p90_days": 10}
    assert path["phases_now"]["rescue"] == 0
    assert path["waiting_longest"] == []
    assert figures.victims(JANUARY)["series"] == {"2026-01": {"opened": 1, "closed": 1}}


@contextmanager
def statements_on(table: str):
    """The SQL statements sent that name `table`, as a list filled while inside."""
    sent = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if table in statement:
            sent.append(statement)

    engine_ = db.engine
    event.listen(engine_, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine_, "before_cursor_execute", count)


def test_a_fact_changed_in_the_same_region_leaves_the_phase_counts_alone(open_case, users):
    case = open_case("Chen Hua", steps=1, age=9)
    task = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).first()
    before = open_cases_by_phase()
    with statements_on("phase_counts") as sent:
        recorder.record(case, EventType.TASK_COMPLETED, task=task, data={"data": {"age": 10}})
        db.session.flush()
    assert sent == []
    assert db.session.get(CaseIndicator, case.id).age == 10
    assert open_cases_by_phase() == before


def test_a_fact_that_moves_the_case_to_another_region_moves_its_phase_count(open_case, users):
    case = open_case("Chen Hua", steps=1, age=9)
    task = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).first()
    row = db.session.get(CaseIndicator, case.id)
    other = "350102" if row.region != "350102" else "350103"
    recorder.record(
        case, EventType.TASK_COMPLETED, task=task, data={"data": {"rescue_place": other}}
    )
    db.session.flush()
    everywhere = db.session.scalar(select(PhaseCount.count).filter_by(region="*", phase=row.phase))
    assert (row.region, everywhere) == (other, 1)
    assert open_cases_by_phase() == {row.phase: 1}


def test_a_migrated_case_counts_once_with_its_times_kept(open_case, users, restore_pathway):
    """Moved to a new version while its shelter step waits: the case and the step count once,
    time in phase runs on from before the move."""
    case = open_case("Lin Xiaomei", steps=2)
    aid = (DIAGRAMS / "temporary_aid.bpmn").read_bytes()
    drafts.save_draft(
        "temporary_aid",
        aid.replace(b'name="Shelter the victim"', b'name="Shelter them"'),
        users["manager"],
    )
    target = drafts.deploy_draft("temporary_aid", users["manager"], "renamed")
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    assert migration.plan_for(instance, target).clean
    migration.migrate_instance(instance.id, target, users["manager"])
    db.session.commit()
    live = snapshot()
    assert rebuild() == 1
    db.session.commit()
    assert snapshot() == live
    day = timedelta(days=1)
    _set_times(
        case,
        T0,
        [(0 * day, 2 * day, 1 * day), (1 * day, 3 * day, 6 * day), (6 * day, 9 * day, None)],
    )
    shelter = db.session.scalars(engine.open_tasks(case)).one()
    assert shelter.form_key == "aid_shelter"
    engine.complete_task(shelter.id, EXAMPLES["aid_shelter"], users["civil_affairs"])
    db.session.get(HumanTask, shelter.id).completed_at = T0 + 8 * day
    db.session.commit()
    rebuild()
    db.session.commit()
    now = T0 + 40 * day
    path = figures.pathway(JANUARY, now)
    assert path["durations"]["rescue"] == {"cases": 1, "median_days": 6, "p90_days": 6}
    assert sum(open_cases_by_phase().values()) == 1
    assert figures.victims(JANUARY)["breakdowns"]["total"] == {"cases": 1}
    measures = {row["measure"]: row for row in figures.measures(JANUARY, now)}
    waiting = [
        t for t in db.session.scalars(engine.open_tasks(case)) if t.measure == shelter.measure
    ]
    assert measures[shelter.measure] == {
        "measure": shelter.measure,
        "received": 1,  # in January: the step moved with the case, not received again
        "completed": 1,
        "on_time": 1,
        "waiting": len(waiting),  # now: the steps after it, ready since today
        "overdue": 0,
    }
    ever = {row["measure"]: row for row in figures.measures(figures.Filters(), now)}
    assert ever[shelter.measure]["received"] == 1 + len(waiting)  # no row twice for the move


def _department(user, code):
    return next(m.department for m in user.memberships if m.department.code == code)


def _reopen(case, users, phase="return_home"):
    head = users["civil_affairs_head"]
    reopen_case(case, head, _department(head, "civil_affairs"), phase=phase, reason="came back")
    db.session.commit()


def test_reopened_cases_keep_the_roll_ups_equal_to_a_rebuild(open_case, users):
    once = open_case("Lin Xiaomei", steps=1)
    engine.close_case(once, users["joint_office"], "victim moved abroad")
    _reopen(once, users)
    twice = open_case("Chen Hua", steps=2, age=9, sex="male")
    engine.close_case(twice, users["joint_office"], "victim died")
    _reopen(twice, users, phase="rescue")
    engine.close_case(twice, users["joint_office"], "victim moved abroad")
    _reopen(twice, users)
    engine.close_case(twice, users["joint_office"], "family moved abroad")
    db.session.commit()
    live = snapshot()
    assert rebuild() == 2
    db.session.commit()
    assert snapshot() == live
    assert open_cases_by_phase() == {"return_home": 1}
    path = figures.pathway(figures.Filters(), T0)
    assert path["outcomes"] == {"closed_early": 1}  # each case's last closure, once
    assert path["close_reasons"] == {"family moved abroad": 1}
    counted = figures.victims(figures.Filters())["breakdowns"]
    assert counted["total"] == {"cases": 2} and counted["closed"] == {"cases": 1}
    rows = {r.case_id: r.reopenings for r in db.session.scalars(select(CaseIndicator))}
    assert rows == {once.id: 1, twice.id: 2}


def test_a_reopened_case_restarts_its_time_in_phase_and_replaces_its_outcome(open_case, users):
    """Opened 30 days ago, closed early now; re-opened (the case says) five days later at the
    return home; closed again ten days after that."""
    now = datetime.now(UTC)
    opened, day = now - timedelta(days=30, hours=1), timedelta(days=1)
    case = open_case("Chen Hua", steps=1, age=9)
    rows = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).all()
    for row in rows:
        row.created_at, row.due_at = opened, opened + 2 * day
        row.completed_at = opened + timedelta(hours=5) if row.completed_at else None
    db.session.get(type(case), case.id).opened_at = opened
    engine.close_case(case, users["joint_office"], "victim moved abroad")
    _reopen(case, users)
    db.session.get(type(case), case.id).reopened_at = now + 5 * day
    db.session.commit()
    rebuild()
    db.session.commit()
    path = figures.pathway(figures.Filters(), now + 12 * day)
    assert path["durations"]["rescue"] == {"cases": 1, "median_days": 30, "p90_days": 30}
    assert path["phases_now"] == {**path["phases_now"], "rescue": 0, "return_home": 1}
    assert path["waiting_longest"] == [{"case": case.number, "phase": "return_home", "days": 7}]
    assert path["outcomes"] == {} and path["close_reasons"] == {}
    assert figures.victims(figures.Filters())["breakdowns"].get("closed", {}) == {}
    engine.close_case(case, users["joint_office"], "family moved abroad")
    db.session.get(type(case), case.id).closed_at = now + 15 * day
    db.session.commit()
    rebuild()
    db.session.commit()
    path = figures.pathway(figures.Filters(), now + 20 * day)
    assert path["durations"]["return_home"] == {"cases": 1, "median_days": 10, "p90_days": 10}
    assert path["durations"]["rescue"] == {"cases": 1, "median_days": 30, "p90_days": 30}
    assert path["outcomes"] == {"closed_early": 1}
    assert path["close_reasons"] == {"family moved abroad": 1}
    assert path["phases_now"]["return_home"] == 0 and path["waiting_longest"] == []
    assert figures.victims(figures.Filters())["breakdowns"]["closed"] == {"cases": 1}
