"""How far a case has come: marks for its diagrams and how long each phase took.

Pure reads of the database (and, while a timer waits, of the saved workflow state); the web
layer turns the results into a drawn diagram and a timeline.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from models import Case, EventType, HumanTask, ProcessInstance, TaskStatus, TimelineEvent, db

from .instances import load
from .parsing import read_xml
from .pathways import BPMN_NS, CASE_PROCESS

COMPLETED, CURRENT, WAITING = "completed", "current", "waiting"


@dataclass(frozen=True)
class Phase:
    """A called process: its id, the call activity calling it, that activity's process and its
    (English) name."""

    process_id: str
    element_id: str
    name: str
    caller: str = CASE_PROCESS


@dataclass(frozen=True)
class PhaseSpan:
    """When a phase's first task became ready and its last task was completed (None: running)."""

    process_id: str
    started_at: datetime
    finished_at: datetime | None

    @property
    def duration(self):
        """How long the phase took, or None while it runs."""
        return self.finished_at - self.started_at if self.finished_at else None


def instance_of(case: Case) -> ProcessInstance:
    """The process instance a case runs on."""
    return db.session.scalars(select(ProcessInstance).filter_by(case_id=case.id)).one()


def diagrams_by_process(instance: ProcessInstance) -> dict[str, str]:
    """The BPMN XML of every process of the instance's pathway version, by process id."""
    xml = {}
    for diagram in instance.pathway_version.diagrams:
        for process_id in diagram.process_id.split(","):
            xml[process_id] = diagram.xml
    return xml


def calls(instance: ProcessInstance) -> list[Phase]:
    """Every call activity of the pathway, depth first from the top process, in diagram order."""
    diagrams = tuple(sorted(diagrams_by_process(instance).items()))
    return list(_calls(diagrams, instance.pathway_version.process_id))


def phases(instance: ProcessInstance) -> list[Phase]:
    """Each called process once, at its first call: the phases a case can go through."""
    first: dict[str, Phase] = {}
    for call in calls(instance):
        first.setdefault(call.process_id, call)
    return list(first.values())


@lru_cache(maxsize=16)
def _calls(diagrams: tuple[tuple[str, str], ...], top: str) -> tuple[Phase, ...]:
    xml, found, seen = dict(diagrams), [], set()

    def visit(process_id: str) -> None:
        if process_id in seen or process_id not in xml:
            return
        seen.add(process_id)
        for call in _call_activities(xml[process_id], process_id):
            found.append(call)
            visit(call.process_id)

    visit(top)
    return tuple(found)


def _call_activities(xml: str, process_id: str) -> list[Phase]:
    root = read_xml(xml.encode("utf-8"), f"{process_id}.bpmn").getroot()
    process = next(p for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id") == process_id)
    return [
        Phase(
            call.get("calledElement"),
            call.get("id"),
            call.get("name") or call.get("id"),
            process_id,
        )
        for call in process.iter(f"{{{BPMN_NS}}}callActivity")
    ]


def case_progress(case: Case) -> dict[str, dict[str, str]]:
    """Marks by process id and element id: completed, current (ready) or waiting (timers).

    A call activity takes the state of what runs inside it; only the call activities the case
    went through are marked (a process called from two places ran from one of them).
    """
    instance = instance_of(case)
    marks: dict[str, dict[str, str]] = {}
    tasks = db.session.execute(
        select(HumanTask.process_id, HumanTask.bpmn_id, HumanTask.status).where(
            HumanTask.case_id == case.id, HumanTask.status != TaskStatus.CANCELLED
        )
    ).all()
    for process_id, bpmn_id, status in tasks:
        elements = marks.setdefault(process_id, {})
        if status == TaskStatus.READY or elements.get(bpmn_id) != CURRENT:
            elements[bpmn_id] = CURRENT if status == TaskStatus.READY else COMPLETED
    workflow, _ = load(instance)
    for process_id, bpmn_id in waiting_timers(instance, workflow):
        marks.setdefault(process_id, {})[bpmn_id] = WAITING
    every_call = calls(instance)
    entered = _entered_calls(workflow, {(c.caller, c.element_id) for c in every_call})
    for call in reversed(every_call):  # inner calls before the calls around them
        key = (call.caller, call.element_id)
        if key not in entered:
            continue
        state = _phase_state(marks.get(call.process_id, {})) or (
            COMPLETED if entered[key] else None
        )
        if state:
            marks.setdefault(call.caller, {})[call.element_id] = state
    return marks


def phase_states(instance: ProcessInstance, marks) -> dict[str, str]:
    """Each called process's state, from the mark of the call activity it ran from."""
    states = {}
    for call in calls(instance):
        state = marks.get(call.caller, {}).get(call.element_id)
        if state:
            states.setdefault(call.process_id, state)
    return states


def _entered_calls(workflow, known) -> dict[tuple[str, str], bool]:
    """Of the `known` (process id, element id) call activities, those the workflow has
    started, and whether each has finished (a loop's rounds share their activity's id)."""
    entered = {}
    for task in workflow.get_tasks(state=TaskState.STARTED | TaskState.COMPLETED):
        key = (task.workflow.spec.name, task.task_spec.bpmn_id)
        if key in known:
            entered[key] = entered.get(key, False) or task.state == TaskState.COMPLETED
    return entered


def _phase_state(elements: dict[str, str]) -> str | None:
    states = set(elements.values())
    for state in (CURRENT, WAITING, COMPLETED):
        if state in states:
            return state
    return None


def waiting_timers(instance: ProcessInstance, workflow) -> list[tuple[str, str]]:
    """(process id, element id) of the timers the instance waits on (none without a due time)."""
    if instance.next_timer_at is None or instance.completed:
        return []
    return [
        (task.workflow.spec.name, task.task_spec.bpmn_id)
        for task in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)
    ]


def phase_spans(case: Case, marks: dict[str, dict[str, str]]) -> list[PhaseSpan]:
    """Each phase's first task_ready and last task_completed; running phases have no end."""
    rows = db.session.execute(
        select(
            HumanTask.process_id,
            TimelineEvent.event_type,
            func.min(TimelineEvent.created_at),
            func.max(TimelineEvent.created_at),
        )
        .join(HumanTask, HumanTask.id == TimelineEvent.task_id)
        .where(
            TimelineEvent.case_id == case.id,
            TimelineEvent.event_type.in_((EventType.TASK_READY, EventType.TASK_COMPLETED)),
        )
        .group_by(HumanTask.process_id, TimelineEvent.event_type)
    ).all()
    started = {pid: first for pid, kind, first, _ in rows if kind == EventType.TASK_READY}
    finished = {pid: last for pid, kind, _, last in rows if kind == EventType.TASK_COMPLETED}
    running = {
        pid for pid, elements in marks.items() if {CURRENT, WAITING} & set(elements.values())
    }
    spans = [
        PhaseSpan(pid, start, None if pid in running else finished.get(pid))
        for pid, start in started.items()
    ]
    return sorted(spans, key=lambda span: span.started_at)
