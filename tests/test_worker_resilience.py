"""The timer worker keeps every case's timers firing: a case whose rule leaves what the state
cannot hold becomes an incident, and a dropped database connection is waited out."""

import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from forms.examples import EXAMPLES
from models import DEPARTMENT_CODES, Incident, IncidentSource, db
from tests.conftest import ROOT
from tests.test_timers import PROBE, fired_per_case, open_probes, wait_until_due
from workflows import engine
from workflows.pathways import deploy

TIMER_PROBE = PROBE.parent / "incident_timer_probe.bpmn"
WORKER = [sys.executable, "-m", "flask", "timers", "run"]


def _after_the_timer(script: str) -> bytes:
    """The incident timer probe with a script task run right after its timer."""
    xml = TIMER_PROBE.read_text().replace("RULE", "age > 100")
    replacements = {
        'sourceRef="Timer_first" targetRef="Gateway_rule" />': (
            'sourceRef="Timer_first" targetRef="Script_probe" />'
            '<bpmn:sequenceFlow id="Flow_script" sourceRef="Script_probe"'
            ' targetRef="Gateway_rule" />'
        ),
        "<bpmn:incoming>Flow_to_rule</bpmn:incoming>\n      <bpmn:outgoing>Flow_ruled": (
            "<bpmn:incoming>Flow_script</bpmn:incoming>\n      <bpmn:outgoing>Flow_ruled"
        ),
        '<bpmn:exclusiveGateway id="Gateway_rule"': (
            '<bpmn:scriptTask id="Script_probe" name="Count the rounds" scriptFormat="python">'
            "<bpmn:incoming>Flow_to_rule</bpmn:incoming><bpmn:outgoing>Flow_script</bpmn:outgoing>"
            f"<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>"
            '<bpmn:exclusiveGateway id="Gateway_rule"'
        ),
        "<bpmn:flowNodeRef>Gateway_rule</bpmn:flowNodeRef>": (
            "<bpmn:flowNodeRef>Gateway_rule</bpmn:flowNodeRef>"
            "<bpmn:flowNodeRef>Script_probe</bpmn:flowNodeRef>"
        ),
    }
    for old, new in replacements.items():
        assert old in xml, old
        xml = xml.replace(old, new)
    return xml.encode()


@pytest.mark.parametrize("script", ["rounds = range(3)", "pairs = zip([1], [2])"])
def test_a_value_the_state_cannot_hold_is_an_incident_and_other_timers_fire(
    restore_pathway, users, worker_env, script
):
    """Before, the worker died on the save (TypeError) and, restarted, took the same case
    first and died again: no timer, escalation or mail of any case went out."""
    files = {TIMER_PROBE.name: _after_the_timer(script)}
    poisoned = deploy(files, DEPARTMENT_CODES, process_id="incident_timer_probe")
    healthy = deploy({PROBE.name: PROBE.read_bytes()}, DEPARTMENT_CODES, process_id="timer_probe")
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "Poisoned", version=poisoned)
    db.session.commit()
    (good,) = open_probes(users, healthy, 1)
    wait_until_due([case.id, good])
    done = subprocess.run([*WORKER, "--until-idle"], cwd=ROOT, env=worker_env, timeout=120)
    assert done.returncode == 0
    db.session.rollback()
    (incident,) = db.session.scalars(select(Incident).filter_by(case_id=case.id))
    assert (incident.source, incident.element_id) == (IncidentSource.TIMER, "Script_probe")
    assert incident.error_type == "TypeError" and script in incident.message
    assert fired_per_case([case.id, good]) == {good: 1}  # the poisoned step saved nothing


def test_the_worker_waits_out_its_connection_dropped_while_it_works(
    database_url, worker_env, users
):
    """A database restart (here: its connections terminated 40 times while it fires) is
    waited out; every due timer fires, once."""
    if not database_url.startswith("postgresql"):
        pytest.skip("terminating a connection needs PostgreSQL")
    version = deploy({PROBE.name: PROBE.read_bytes()}, DEPARTMENT_CODES, process_id="timer_probe")
    db.session.commit()
    case_ids = open_probes(users, version, 60, prefix="Busy")
    wait_until_due(case_ids)
    name = f"worker-{uuid.uuid4().hex[:8]}"
    env = worker_env | {"DATABASE_URL": f"{database_url}?application_name={name}"}
    worker = subprocess.Popen(
        [*WORKER, "--poll", "0.5", "--batch", "5"], cwd=ROOT, env=env, stderr=subprocess.PIPE
    )
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    kill = text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :a"
    )
    try:
        time.sleep(2)
        with admin.connect() as connection:
            for _ in range(40):
                connection.execute(kill, {"a": name})
                time.sleep(0.1)
        deadline = time.monotonic() + 60
        while len(fired_per_case(case_ids)) < len(case_ids) and time.monotonic() < deadline:
            db.session.rollback()
            time.sleep(0.5)
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    finally:
        admin.dispose()
        worker.terminate()
        worker.communicate(timeout=30)
    db.session.rollback()
    assert fired_per_case(case_ids) == dict.fromkeys(case_ids, 1)
