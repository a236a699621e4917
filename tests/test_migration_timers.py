"""A case waiting on a timer moves to a new version and its timer keeps its due time.

SpiffWorkflow's migration resets waiting tasks, which would restart the follow-up interval;
the migration puts the timer's due time back, so the worker fires it when it was due.
"""

import time
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from models import PathwayVersion, ProcessInstance, db
from tests.scenarios import carry
from workflows import drafts, engine, migration
from workflows.instances import load

pytestmark = pytest.mark.usefixtures("restore_pathway")
DIAGRAMS = Path(__file__).resolve().parent.parent / "workflows" / "diagrams"
FOLLOW_UP = (DIAGRAMS / "follow_up.bpmn").read_bytes()
INTERVAL = "PT8S"


def _deploy(users, process_id: str, data: bytes) -> PathwayVersion:
    drafts.save_draft(process_id, data, users["manager"])
    version = drafts.deploy_draft(process_id, users["manager"], "migration test")
    db.session.commit()
    return version


def _instance(case) -> ProcessInstance:
    return db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))


def _waiting_timers(instance) -> dict[str, str]:
    """The due time of each waiting timer, by element id, read from the saved state."""
    workflow, _ = load(instance)
    return {event.name: event.value for event in workflow.waiting_events()}


@pytest.fixture
def waiting_case(open_case, users, run_worker, monkeypatch):
    """A case carried to its first follow-up interval (8 s), waiting on that timer."""
    monkeypatch.setitem(current_app.config, "FOLLOW_UP_INTERVAL", INTERVAL)
    case = open_case("Huang Wei", age=30, sex="male", origin_province="fujian")
    overrides = {"rescue_identification": {"age": 30}}

    def waiting(c):
        return db.session.scalars(engine.open_tasks(c)).first() is None

    carry(case, users, overrides, run_worker, until=waiting)
    instance = _instance(case)
    assert instance.next_timer_at is not None
    assert list(_waiting_timers(instance)) == ["Follow-up interval elapsed"]
    return case


def test_a_case_waiting_on_its_follow_up_timer_moves_and_fires_on_time(
    waiting_case, users, run_worker, login, client
):
    instance = _instance(waiting_case)
    due, timers = instance.next_timer_at, _waiting_timers(instance)
    old_version = instance.pathway_version_id
    target = _deploy(
        users, "follow_up", FOLLOW_UP.replace(b'name="Visit recorded"', b'name="Visit written up"')
    )
    plan = next(p for p in migration.dry_run(target) if p.case_number == waiting_case.number)
    assert plan.clean, plan.problems
    assert [(t.element_id, t.new_element_id) for t in plan.timers] == [
        ("TimerEvent_follow_up_interval", "TimerEvent_follow_up_interval")
    ]
    login("manager", "en")
    page = client.get(f"/diagrams/versions/{target.id}/migrate").get_data(as_text=True)
    row = page.split(f'data-instance-id="{instance.id}"')[1].split("</tr>")[0]
    assert 'class="clean"' in row and "TimerEvent_follow_up_interval" in row
    assert f"keeps its due time {timers['Follow-up interval elapsed']}" in row
    time.sleep(1)  # a restarted timer would be due a second later than the original
    moved = client.post(f"/diagrams/versions/{target.id}/migrate", data={"instance": instance.id})
    assert moved.status_code == 302
    db.session.expire_all()
    instance = _instance(waiting_case)
    assert (instance.pathway_version_id, instance.next_timer_at) == (target.id, due)
    assert _waiting_timers(instance) == timers

    run_worker(instance)  # waits until the original due time, then one real worker fires it
    db.session.expire_all()
    task = db.session.scalars(engine.open_tasks(waiting_case)).first()
    assert task.form_key == "follow_up_visit"
    assert _instance(waiting_case).pathway_version_id == target.id != old_version
    workflow, _ = load(_instance(waiting_case))
    end = workflow.subprocess_specs["follow_up"].task_specs["EndEvent_follow_up"]
    assert end.bpmn_name == "Visit written up"


def test_a_timer_that_changes_kind_is_still_refused(waiting_case, users):
    """A duration timer that becomes a date cannot keep its due time: the case stays."""
    instance = _instance(waiting_case)
    state = instance.state
    changed = FOLLOW_UP.replace(b"<bpmn:timeDuration", b"<bpmn:timeDate").replace(
        b"</bpmn:timeDuration>", b"</bpmn:timeDate>"
    )
    target = _deploy(users, "follow_up", changed.replace(b"follow_up_interval<", b"'2031-01-01'<"))
    plan = next(p for p in migration.dry_run(target) if p.case_number == waiting_case.number)
    assert not plan.clean
    assert "its timer changes kind" in plan.timers[0].reason
    with pytest.raises(migration.MigrationRefused):
        migration.migrate_instance(instance.id, target, users["manager"])
    db.session.rollback()
    db.session.refresh(instance)
    assert (instance.state, instance.pathway_version_id) == (state, plan.from_version)
