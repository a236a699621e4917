"""Diagram checks: the shipped pathway passes; each broken fixture is refused by name."""

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models import DEPARTMENT_CODES as CODES
from workflows.checks import check_files
from workflows.errors import DiagramInvalid
from workflows.parsing import MAX_DIAGRAM_BYTES, build_specs, diagram_files, read_xml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "diagrams"
CALLED = {
    "rescue",
    "missing_search",
    "temporary_aid",
    "difficulties",
    "stay",
    "care",
    "legal_aid",
    "schooling",
    "disability_support",
    "return_home",
    "job_training",
    "follow_up",
    "closure",
}
PASSWD_LINE = "root:x:0:0"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _problems(files: dict[str, bytes]) -> list[tuple]:
    return [(p.file, p.element, p.severity, p.message) for p in check_files(files, CODES)]


def _only_problem(name: str, data: bytes | None = None) -> tuple:
    """The single problem `check_files` finds in one diagram (the fixture `name` by default)."""
    problems = _problems({name: _fixture(name) if data is None else data})
    assert len(problems) == 1, problems
    return problems[0]


def _with_condition(condition: str) -> bytes:
    return _fixture("valid.bpmn").replace(b"age &lt; 18", condition.encode())


def _padded(size: int) -> bytes:
    """valid.bpmn grown to exactly `size` bytes by a documentation text."""
    data = _fixture("valid.bpmn")
    empty = data.replace(
        b'<bpmn:startEvent id="StartEvent">',
        b'<bpmn:startEvent id="StartEvent"><bpmn:documentation></bpmn:documentation>',
    )
    return empty.replace(
        b"</bpmn:documentation>", b"x" * (size - len(empty)) + b"</bpmn:documentation>"
    )


def _cli(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "workflows", "check", *map(str, paths)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "sqlite://"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_shipped_diagrams_have_no_problems():
    assert check_files(diagram_files(), CODES) == []


def test_case_calls_the_thirteen_processes():
    spec, subprocesses = build_specs(diagram_files(), "case")
    assert spec.name == "case"
    assert set(subprocesses) == CALLED


def test_valid_fixture_has_no_problems():
    assert _problems({"valid.bpmn": _fixture("valid.bpmn")}) == []


@pytest.mark.parametrize(
    ("name", "element", "message"),
    [
        ("condition_unknown_field.bpmn", "Flow_yes", "'nationality' is not a known case field"),
        (
            "lane_not_department.bpmn",
            "Lane_police_dept",
            "lane 'police_dept' is not a department code",
        ),
        (
            "task_outside_lane.bpmn",
            "Task_medical",
            "user task is in no lane, so no department would get it",
        ),
        ("unregistered_form.bpmn", "Task_medical", "form 'medical_check' is not registered"),
        (
            "form_of_another_department.bpmn",
            "Task_medical",
            "form 'care_medical' belongs to health, but the task is in the justice lane",
        ),
        ("no_form_key.bpmn", "Task_medical", "user task has no form (camunda:formKey)"),
        (
            "bad_due_date.bpmn",
            "Task_medical",
            "due period 'soon' is not an ISO-8601 duration of at most ten years",
        ),
        (
            "gateway_no_default.bpmn",
            "Gateway_minor",
            "gateway has no default flow: a case matching no condition would stall",
        ),
        ("dead_end.bpmn", "Task_psychological", "dead end: nothing follows this element"),
        ("unreachable.bpmn", "Task_psychological", "unreachable: no flow leads to this element"),
        (
            "unknown_called_process.bpmn",
            "CallActivity_missing",
            "calls process 'missing_process', which no diagram defines",
        ),
    ],
)
def test_broken_diagram_is_refused_naming_the_element(name, element, message):
    assert _only_problem(name) == (name, element, "error", message)


def _due(period: str | None) -> bytes:
    """bad_due_date.bpmn with another due period (none if None)."""
    due = f' camunda:dueDate="{period}"'.encode() if period is not None else b""
    return _fixture("bad_due_date.bpmn").replace(b' camunda:dueDate="soon"', due)


def _as(kind: str) -> bytes:
    """bad_due_date.bpmn (with a good period) whose step is a `kind` instead of a user task."""
    return (
        _due("P3D")
        .replace(b"<bpmn:userTask ", f"<bpmn:{kind} ".encode())
        .replace(b"</bpmn:userTask>", f"</bpmn:{kind}>".encode())
    )


def _waiting_for(definition: str) -> bytes:
    """bad_due_date.bpmn with an intermediate catch event of `definition` before its step."""
    event = (
        f'<bpmn:intermediateCatchEvent id="Event_wait"><bpmn:incoming>Flow_start</bpmn:incoming>'
        f'<bpmn:outgoing>Flow_wait</bpmn:outgoing><bpmn:{definition} id="Def_wait" />'
        "</bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="Flow_wait" sourceRef="Event_wait" targetRef="Task_medical" />'
    )
    data = _due("P3D").replace(b'targetRef="Task_medical" />', b'targetRef="Event_wait" />', 1)
    data = data.replace(
        b"<bpmn:incoming>Flow_start</bpmn:incoming>\n      <bpmn:outgoing>Flow_end",
        b"<bpmn:incoming>Flow_wait</bpmn:incoming>\n      <bpmn:outgoing>Flow_end",
    )
    data = data.replace(
        b"<bpmn:flowNodeRef>EndEvent",
        b"<bpmn:flowNodeRef>Event_wait</bpmn:flowNodeRef><bpmn:flowNodeRef>EndEvent",
    )
    return data.replace(b"<bpmn:endEvent ", event.encode() + b"<bpmn:endEvent ")


@pytest.mark.parametrize(
    ("data", "element", "severity", "message"),
    [
        (
            _due("P9000Y"),
            "Task_medical",
            "error",
            "due period 'P9000Y' is not an ISO-8601 duration of at most ten years",
        ),
        (
            _due("PT0S"),
            "Task_medical",
            "error",
            "due period 'PT0S' is not an ISO-8601 duration of at most ten years",
        ),
        (
            _due(None),
            "Task_medical",
            "warning",
            "user task has no due period (camunda:dueDate), so it is never escalated",
        ),
        *(
            (
                _as(kind),
                "Task_medical",
                "error",
                f"a {kind} waits for what nothing here does: make it a user task"
                " (a department's step) or a script task",
            )
            for kind in ("task", "manualTask", "receiveTask", "serviceTask")
        ),
        *(
            (
                _waiting_for(f"{event}EventDefinition"),
                "Event_wait",
                "error",
                f"a {event} waits for what nothing here sends: only timer events wait",
            )
            for event in ("message", "signal", "conditional")
        ),
    ],
)
def test_what_would_leave_a_case_waiting_for_ever_is_refused(data, element, severity, message):
    """A step no inbox shows, an event nothing sends, a due period that overflows the date
    would each leave a case open with nothing in any inbox, no timer and no incident."""
    assert _only_problem("waiting.bpmn", data) == ("waiting.bpmn", element, severity, message)


@pytest.mark.parametrize(
    ("name", "element", "words"),
    [
        ("condition_escape.bpmn", "Flow_yes", '"__import__" is an invalid variable name'),
        ("timer_escape.bpmn", "TimerEvent_wait", '"__import__" is an invalid variable name'),
        ("condition_syntax.bpmn", "Flow_yes", "SyntaxError"),
    ],
)
def test_forbidden_expression_is_refused_naming_the_element(name, element, words):
    file, where, severity, message = _only_problem(name)
    assert (file, where, severity) == (name, element, "error")
    assert message.startswith("expression not allowed: ")
    assert words in message


@pytest.mark.parametrize("name", ["open", "getattr", "map"])
def test_builtin_missing_at_run_time_is_refused(name):
    file, where, _, message = _only_problem("v.bpmn", _with_condition(f"{name}(age) != 0"))
    assert (file, where) == ("v.bpmn", "Flow_yes")
    assert repr(name) in message


def test_xxe_is_refused_and_reads_nothing():
    file, element, severity, message = _only_problem("xxe.bpmn")
    assert (file, element, severity) == ("xxe.bpmn", None, "error")
    assert message == "DOCTYPE and entity declarations are not accepted"
    assert PASSWD_LINE not in message


def test_xxe_in_text_is_refused_as_doctype():
    assert _only_problem("xxe_documentation.bpmn") == (
        "xxe_documentation.bpmn",
        None,
        "error",
        "DOCTYPE and entity declarations are not accepted",
    )


def test_billion_laughs_is_refused_quickly():
    started = time.monotonic()
    file, element, _, message = _only_problem("billion_laughs.bpmn")
    assert time.monotonic() - started < 1
    assert (file, element) == ("billion_laughs.bpmn", None)
    assert message == "DOCTYPE and entity declarations are not accepted"


def test_not_well_formed_is_refused():
    file, element, _, message = _only_problem("not_well_formed.bpmn")
    assert (file, element) == ("not_well_formed.bpmn", None)
    assert message.startswith("not well-formed XML: Opening and ending tag mismatch")


def test_gzip_compressed_diagram_is_refused():
    data = gzip.compress(_fixture("valid.bpmn"))
    assert _only_problem("valid.bpmn", data) == (
        "valid.bpmn",
        None,
        "error",
        "compressed files are not accepted",
    )


def test_diagram_at_the_size_limit_is_accepted():
    data = _padded(MAX_DIAGRAM_BYTES)
    assert len(data) == MAX_DIAGRAM_BYTES
    assert _problems({"big.bpmn": data}) == []


def test_diagram_over_the_size_limit_is_refused_fast():
    data = _padded(MAX_DIAGRAM_BYTES + 1)
    started = time.monotonic()
    with pytest.raises(DiagramInvalid) as refused:
        read_xml(data, "big.bpmn")
    assert time.monotonic() - started < 0.1
    assert [str(p) for p in refused.value.problems] == ["big.bpmn: file is larger than 2048 KB"]
    assert _only_problem("big.bpmn", data) == (
        "big.bpmn",
        None,
        "error",
        "file is larger than 2048 KB",
    )


def test_cli_passes_the_shipped_diagrams():
    result = _cli()
    assert (result.returncode, result.stdout) == (0, "15 diagrams, 0 errors\n"), result.stderr


def test_cli_names_each_file_and_element():
    result = _cli(FIXTURES / "gateway_no_default.bpmn", FIXTURES / "unregistered_form.bpmn")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "error: gateway_no_default.bpmn: Gateway_minor: gateway has no default flow: "
        "a case matching no condition would stall",
        "error: unregistered_form.bpmn: Task_medical: form 'medical_check' is not registered",
        "2 diagrams, 2 errors",
    ]


def test_cli_refuses_xxe_without_printing_the_file_it_names():
    result = _cli(FIXTURES / "xxe.bpmn")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "error: xxe.bpmn: DOCTYPE and entity declarations are not accepted"
    assert lines[1:] == ["1 diagrams, 1 errors"]
    assert PASSWD_LINE not in result.stdout + result.stderr


@pytest.mark.parametrize("definition", ["terminate", "error", "escalation", "message"])
def test_an_end_event_that_throws_waits_for_nothing_and_passes(definition):
    data = _due("P3D").replace(
        b'<bpmn:endEvent id="EndEvent">',
        f'<bpmn:endEvent id="EndEvent"><bpmn:{definition}EventDefinition id="Def_end" />'.encode(),
    )
    assert b"Def_end" in data
    assert [p for p in _problems({"end.bpmn": data}) if p[2] == "error"] == []
